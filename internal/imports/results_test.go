package imports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/learningunit"
	"hoctap/ent/progresscounter"
	"hoctap/ent/registration"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

// resultsHeader: A STT, B code, C village, D year, E registered, F result,
// G recognised, H decision number, I date, J signer.
var resultsHeader = []any{"STT", "Mã đơn vị", "Thôn", "Năm", "Đăng ký", "Kết quả đánh giá", "Công nhận", "Số quyết định", "Ngày quyết định", "Người ký"}

// TestResults: a province loads a past year's recognised list; who may
// record what, row by row; the same file again changes nothing; a later
// list moves a registration on, never back.
func TestResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		mk := func(year int, phase campaign.Phase) *ent.Campaign {
			camp := db.Client.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(year).SetName(fmt.Sprint("Năm ", year)).
				SetPhase(phase).SetReferenceDate(time.Date(year, 12, 31, 0, 0, 0, 0, i18n.Vietnam)).SaveX(system)
			if err := progress.Rebuild(system, db.Client, camp); err != nil {
				t.Fatal(err)
			}
			return camp
		}
		closed := mk(2020, campaign.PhaseCLOSED)
		mk(2025, campaign.PhaseREGISTRATION)
		hh := fx.Households
		for code, id := range map[string]int{
			"H1": hh[fx.V1a.Code][0].ID, "H2": hh[fx.V1a.Code][1].ID, "H3": hh[fx.V1b.Code][0].ID,
			"H4": hh[fx.V2a.Code][0].ID, "H9": hh[fx.V4a.Code][0].ID,
		} {
			db.Client.LearningUnit.UpdateOneID(id).SetCode(code).ExecX(system)
		}
		db.Client.LearningUnit.Update().Where(learningunit.KindEQ(learningunit.KindORGANIZATION), learningunit.AdminUnitID(fx.C1.ID)).
			SetCode("TH1").ExecX(system)
		db.Client.LearningUnit.Update().Where(learningunit.KindEQ(learningunit.KindCLAN), learningunit.AdminUnitID(fx.C1.ID)).
			SetCode("DH1").ExecX(system)

		dec12 := []any{"12/QĐ-UBND", "15/12/2020", "Nguyễn Văn Ký"}
		row := func(n int, code string, year int, cells ...any) []any {
			r := append([]any{n, code, "", year}, cells...)
			for len(r) < len(resultsHeader) {
				r = append(r, "")
			}
			return r
		}
		file := xlsxFile(t, book{{name: "Kết quả", rows: [][]any{
			resultsHeader,
			row(1, "H1", 2020, append([]any{"x", "Đạt", "x"}, dec12...)...),               // 2: recognised
			row(2, "H2", 2020, append([]any{"x", "Đạt", "x"}, dec12...)...),               // 3: the same decision
			row(3, "H3", 2020, "x", "Không đạt"),                                          // 4: evaluated, failed
			row(4, "H4", 2020, "x"),                                                       // 5: registered, in C2
			row(5, "TH1", 2020, "x", "Đạt", "x", "5/QĐ-UBND", "20/12/2020", "Trần Văn B"), // 6: decided by the district
			row(6, "H1", 2025, "x"),                                                       // 7: a campaign still open
			row(7, "H9", 2020, "x"),                                                       // 8: province P2
			row(8, "H1", 2020, "x"),                                                       // 9: row 2 again
			row(9, "H7", 2020, "x"),                                                       // 10: no such code
			row(10, "H3", 2019, "x"),                                                      // 11: no campaign that year
			row(11, "DH1", 2020, append([]any{"x", "Đạt", "x"}, dec12...)...),             // 12: a clan in a decision of families
			row(12, "H2", 2020, "x", "Không đạt", "x", "14/QĐ-UBND", "15/12/2020", "A"),   // 13: recognised but failed
		}}})
		type refusal struct{ col, msg string }
		open := refusal{"D", "chưa kết thúc"}
		cases := []struct {
			user    string
			totals  imports.Totals
			refused map[int]refusal
		}{
			{"manager", imports.Totals{Create: 5, Refused: 7}, map[int]refusal{
				7: open, 8: {"B", "Không có đơn vị mã H9"}, 9: {"B", "Lặp lại kết quả của dòng 2"}, 10: {"B", "Không có đơn vị mã H7"},
				11: {"D", "chưa có chiến dịch năm 2019"}, 12: {"H", "với danh hiệu khác"}, 13: {"F", "không được công nhận"}}},
			{"officer", imports.Totals{Create: 3, Refused: 9}, map[int]refusal{
				5: {"B", "Không có đơn vị mã H4"}, 6: {"G", "do cấp huyện công nhận"},
				7: open, 8: {"B", "Không có đơn vị mã H9"}, 9: {"B", "Lặp lại kết quả của dòng 2"}, 10: {"B", "Không có đơn vị mã H7"},
				11: {"D", "chưa có chiến dịch năm 2019"}, 12: {"H", "với danh hiệu khác"}, 13: {"F", "không được công nhận"}}},
		}
		for _, tc := range cases {
			t.Run(tc.user, func(t *testing.T) {
				rep := check(t, db, fx, tc.user, file, imports.Options{})
				wantTotals(t, rep, tc.totals)
				got := map[int]imports.Problem{}
				for _, p := range rep.Problems {
					got[p.Row] = p
				}
				for r, want := range tc.refused {
					p, ok := got[r]
					if msg := p.Message(i18n.VI); !ok || p.Column != want.col || !strings.Contains(msg, want.msg) {
						t.Errorf("row %d: column %q, %q; want column %q, %q", r, p.Column, msg, want.col, want.msg)
					}
				}
				if len(got) != len(tc.refused) {
					t.Errorf("refused rows %d, want %d:\n%s", len(got), len(tc.refused), problems(rep))
				}
			})
		}

		counts := func() string {
			pc, err := db.Client.ProgressCounter.Query().Where(progresscounter.CampaignID(closed.ID), progresscounter.AdminUnitID(fx.P1.ID),
				progresscounter.TitleEQ(titles.Family), progresscounter.Subtype("")).Only(system)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("eligible %d, registered %d, evaluated %d, recognised %d", pc.Eligible, pc.Registered, pc.Evaluated, pc.Recognized)
		}
		before := counts()
		rep := mustApply(t, db, fx, "manager", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 5, Refused: 7})
		// Four households registered, three evaluated, two recognised; the
		// closed campaign's eligible count stays frozen.
		want := strings.Replace(before, "registered 0, evaluated 0, recognised 0", "registered 4, evaluated 3, recognised 2", 1)
		if got := counts(); got != want || got == before {
			t.Errorf("counters of the closed campaign: %s, want %s", got, want)
		}
		decs := db.Client.Decision.Query().Order(ent.Asc(decision.FieldNumber)).AllX(system)
		if len(decs) != 2 || decs[0].Number != "12/QĐ-UBND" || decs[0].DecidingUnitID != fx.C1.ID ||
			decs[1].Number != "5/QĐ-UBND" || decs[1].DecidingUnitID != fx.D1.ID || decs[1].Title != titles.Unit {
			t.Fatalf("decisions: %+v", decs)
		}
		if n := db.Client.Registration.Query().Where(registration.DecisionID(decs[0].ID), registration.StatusEQ(registration.StatusRECOGNIZED),
			registration.ResultEQ(registration.ResultPASSED)).CountX(system); n != 2 {
			t.Errorf("decision 12 recognises %d registrations, want 2", n)
		}
		if r := db.Client.Registration.Query().Where(registration.LearningUnitID(hh[fx.V1b.Code][0].ID)).OnlyX(system); r.Status != registration.StatusEVALUATED ||
			*r.Result != registration.ResultFAILED || r.AdminPath != fx.V1b.Path {
			t.Errorf("H3: %+v", r)
		}

		// The same file again changes nothing.
		rep = mustApply(t, db, fx, "manager", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Unchanged: 5, Refused: 7})
		if got := counts(); got != want {
			t.Errorf("counters after the same file again: %s, want %s", got, want)
		}

		// A later list: H4 recognised by a new decision; H3's row says
		// only that it registered (it stays evaluated); H1 is said not
		// recognised, which the import cannot undo.
		later := xlsxFile(t, book{{name: "Danh sách công nhận", rows: [][]any{
			resultsHeader,
			row(1, "H4", 2020, "x", "Đạt", "x", "13/QĐ-UBND", "18/12/2020", "Lê Văn C"), // 2: moves on
			row(2, "H3", 2020, "x"),                 // 3: says less
			row(3, "H1", 2020, "x", "Đạt", "không"), // 4: backwards
			row(4, "H2", 2020, "x", "Đạt", "x", "13/QĐ-UBND", "18/12/2020", "Lê Văn C"), // 5: another decision
		}}})
		rep = mustApply(t, db, fx, "manager", later, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Update: 1, Unchanged: 1, Refused: 2})
		got := map[int]string{}
		for _, p := range rep.Problems {
			got[p.Row] = p.Column + " " + p.Message(i18n.VI)
		}
		if !strings.HasPrefix(got[4], "G ") || !strings.Contains(got[4], "đã được công nhận") || !strings.HasPrefix(got[5], "H ") ||
			!strings.Contains(got[5], "quyết định khác") {
			t.Errorf("problems of the later list: %v", got)
		}
		want = strings.Replace(before, "registered 0, evaluated 0, recognised 0", "registered 4, evaluated 4, recognised 3", 1)
		if got := counts(); got != want {
			t.Errorf("counters after the later list: %s, want %s", got, want)
		}
	})
}
