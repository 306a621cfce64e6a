package imports_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/auditlog"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/progresscounter"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

// TestOrganisationsAndClans: a commune's organisations, their subtypes
// written as people write them, and its clans on a sheet under the old
// title's name; an officer's rows without a commune are their commune's.
func TestOrganisationsAndClans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := xlsxFile(t, book{
			{name: "Cơ quan, đơn vị", rows: [][]any{
				{"Tên cơ quan, đơn vị", "Loại hình", "Thủ trưởng", "Số cán bộ"},
				{"Trường THCS An Bình", "Trường học", "Phạm Văn Đức", 32},
				{"Công ty TNHH May An Bình", "Công ty TNHH", "", 120},
				{"Công an xã An Bình", "LLVT", "", 12},
				{"UBND xã An Bình", "co quan", "", 25},
				{"Hợp tác xã Nông nghiệp", "HTX", "", 9},
				{"Nhà văn hoá", "Văn hoá", "", 3},
				{"Trường Tiểu học Xã An Bình", "Trường học", "", 20}, // the fixture's school: unchanged
			}},
			{name: "Dòng họ hiếu học", rows: [][]any{
				{"Tên dòng họ", "Trưởng họ", "Số hộ"},
				{"Dòng họ Nguyễn Xã An Bình", "", 0}, // the fixture's clan: unchanged
				{"Dòng họ Phạm", "Phạm Văn Cả", 40},
			}},
		})
		rep := mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 6, Unchanged: 2, Refused: 1})
		if len(rep.Problems) != 1 || rep.Problems[0].Row != 7 || !strings.Contains(rep.Problems[0].Message(i18n.VI), "Cơ quan, Trường học, Doanh nghiệp, Lực lượng vũ trang, Khác") {
			t.Errorf("an unknown subtype should be refused naming the subtypes:\n%s", problems(rep))
		}
		orgs := unitsOf(t, db, learningunit.KindORGANIZATION, fx.C1.ID)
		for name, sub := range map[string]learningunit.Subtype{
			"Trường THCS An Bình": learningunit.SubtypeSCHOOL, "Công ty TNHH May An Bình": learningunit.SubtypeENTERPRISE,
			"Công an xã An Bình": learningunit.SubtypeARMED_FORCES, "UBND xã An Bình": learningunit.SubtypeAGENCY,
			"Hợp tác xã Nông nghiệp": learningunit.SubtypeENTERPRISE,
		} {
			o := orgs[name]
			if o == nil || o.Subtype == nil || *o.Subtype != sub || o.AdultCount != o.MemberCount {
				t.Errorf("%s: %+v, want subtype %s and its staff as adults", name, o, sub)
			}
		}
		if c := unitsOf(t, db, learningunit.KindCLAN, fx.C1.ID)["Dòng họ Phạm"]; c == nil || c.HeadName != "Phạm Văn Cả" || c.MemberCount != 40 {
			t.Errorf("clan: %+v", c)
		}
	})
}

// TestMembersByCode: members name their household by its code alone, the
// household written by the same workbook or already there; a code two
// villages share needs the village.
func TestMembersByCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := xlsxFile(t, book{
			{name: "Hộ gia đình", rows: [][]any{
				{"Mã hộ", "Thôn", "Họ tên chủ hộ"},
				{"X1", "Thôn 1", "Đào Văn Một"},
				{"X2", "Thôn 2", "Đào Văn Hai"},
				{"X3", "Thôn 1", "Đào Văn Ba"},
				{"X3", "Thôn 2", "Đào Văn Bốn"},
			}},
			{name: "Thành viên", rows: [][]any{
				{"Mã hộ", "Thôn", "Họ tên", "Năm sinh"},
				{"X1", "", "Đào Thị Một", 1990},
				{"X2", "", "Đào Thị Hai", 2015},
				{"X3", "", "Đào Thị Ba", 1991},
				{"X3", "Thôn 2", "Đào Thị Bốn", 1992},
				{"X9", "", "Đào Thị Chín", 1993},
			}},
		})
		rep := check(t, db, fx, "officer", file, imports.Options{})
		wantTotals(t, rep, imports.Totals{Create: 7, Refused: 2})
		got := map[int]string{}
		for _, p := range rep.Problems {
			got[p.Row] = p.Message(i18n.VI)
		}
		if !strings.Contains(got[4], "Có 2 hộ gia đình ứng với «X3»") || !strings.Contains(got[6], "Không có hộ gia đình «X9»") {
			t.Errorf("members' problems: %v", got)
		}
		mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		// The households are in the database now: the members find them there.
		wantTotals(t, check(t, db, fx, "officer", file, imports.Options{}), imports.Totals{Unchanged: 7, Refused: 2})
		members := unitsOf(t, db, learningunit.KindCITIZEN, fx.V1b.ID)
		if m := members["Đào Thị Hai"]; m == nil || m.AdultCount != 0 || m.MemberCount != 1 {
			t.Errorf("a member born in 2015: %+v, want a member who is not an adult", m)
		}
		if m := members["Đào Thị Bốn"]; m == nil || m.ParentID == nil {
			t.Errorf("member of X3 in Thôn 2: %+v", m)
		}
	})
}

// TestProgressAndAudit: an applied import counts its units in the
// campaigns still open where it wrote, leaves the closed ones as they
// were, and is audited with the file's digest and counts.
func TestProgressAndAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		mk := func(year int, phase campaign.Phase) *ent.Campaign {
			camp, err := db.Client.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(year).SetName(fmt.Sprint("Năm ", year)).
				SetPhase(phase).SetReferenceDate(time.Date(year, 12, 31, 0, 0, 0, 0, i18n.Vietnam)).Save(system)
			if err != nil {
				t.Fatal(err)
			}
			if err := progress.Rebuild(system, db.Client, camp); err != nil {
				t.Fatal(err)
			}
			return camp
		}
		closed, open := mk(2020, campaign.PhaseCLOSED), mk(2025, campaign.PhaseREGISTRATION)
		eligible := func(camp *ent.Campaign, unit int) int {
			pc, err := db.Client.ProgressCounter.Query().Where(progresscounter.CampaignID(camp.ID), progresscounter.AdminUnitID(unit),
				progresscounter.TitleEQ(titles.Family), progresscounter.Subtype("")).Only(system)
			if err != nil {
				t.Fatal(err)
			}
			return pc.Eligible
		}
		closedBefore, openBefore := eligible(closed, fx.P1.ID), eligible(open, fx.P1.ID)
		file := villageWorkbook(t)
		rep := mustApply(t, db, fx, "officer", file, imports.Options{FileName: "an-binh.xlsx"})
		if got := eligible(open, fx.V1a.ID); got != 2+1 {
			t.Errorf("open campaign, Thôn 1: %d households eligible, want 3", got)
		}
		if got := eligible(open, fx.P1.ID); got != openBefore+2 {
			t.Errorf("open campaign, province: %d households eligible, want %d", got, openBefore+2)
		}
		if got := eligible(closed, fx.P1.ID); got != closedBefore {
			t.Errorf("closed campaign: %d households eligible, was %d", got, closedBefore)
		}
		entry, err := db.Client.AuditLog.Query().Where(auditlog.Action("import.apply")).Only(system)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(file)
		counts, _ := entry.Details["counts"].(map[string]any)
		if entry.Details["sha256"] != hex.EncodeToString(sum[:]) || rep.SHA256 != hex.EncodeToString(sum[:]) ||
			entry.Details["file"] != "an-binh.xlsx" || fmt.Sprint(counts["create"]) != "5" || entry.ActorName != "officer" ||
			entry.ScopePath != fx.C1.Path {
			t.Errorf("audit entry: %+v", entry)
		}
	})
}
