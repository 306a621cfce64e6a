package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/graph"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/export"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/middleware"
	"hoctap/internal/title"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// env serves the GraphQL API and the exports on one fixture database, as
// server.go routes them, with the request's viewer set by the test.
type env struct {
	t       *testing.T
	client  *ent.Client
	h       http.Handler
	sql     *dbtest.Counter
	fx      *fixture.Fixture
	viewers map[string]*viewer.Viewer
}

func newEnv(t *testing.T, open dbtest.Opener) *env {
	opts, counter := dbtest.Counting()
	db := open(opts)
	fx := fixture.Build(t, db.Client, fixture.Options{Households: 4})
	svc, err := auth.NewService(db.Client, []byte("test-signing-key-0123456789abcdef"), auth.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	exports := export.New(db.Client, log)
	mux := http.NewServeMux()
	mux.Handle("POST /query", graph.NewHandler(&graph.Resolver{Client: db.Client, Auth: svc, Dialect: db.Dialect}, graph.Options{Logger: log}))
	mux.Handle("GET /export/progress.csv", exports.Progress(export.CSV))
	mux.Handle("GET /export/progress.xlsx", exports.Progress(export.XLSX))
	mux.Handle("GET /export/decisions/{file}", exports.Decision())
	mux.Handle("GET /export/templates/imports.xlsx", exports.Templates())
	mux.Handle("GET /export/units.xlsx", exports.Units())
	e := &env{t: t, client: db.Client, h: middleware.Chain(mux, middleware.RequestInfo(nil)), sql: counter, fx: fx, viewers: map[string]*viewer.Viewer{}}
	for name := range fx.Users {
		e.viewers[name] = fx.Viewer(name)
	}
	// A district officer recognises the commune's TT 25 title.
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	hash, err := auth.HashPassword(fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.User.Create().SetUsername("officerd1").SetFullName("Cán bộ huyện").SetPasswordHash(hash).
		SetRole(viewer.RoleOfficer).SetScope(fx.D1).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	e.viewers["officerD1"] = &viewer.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, ScopeID: u.ScopeID, ScopePath: u.ScopePath}
	locked := *e.viewers["officer"]
	locked.MustChangePassword = true
	e.viewers["locked"] = &locked
	return e
}

func (e *env) request(user, method, path string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if user != "" {
		v := e.viewers[user]
		if v == nil {
			e.t.Fatalf("no viewer %q", user)
		}
		req = req.WithContext(viewer.NewContext(req.Context(), v))
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// get fetches an export that must succeed.
func (e *env) get(user, path string) []byte {
	e.t.Helper()
	rec := e.request(user, http.MethodGet, path, nil, nil)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("%s GET %s: %d %s", user, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// gql runs a GraphQL operation that must succeed.
func (e *env) gql(user, query string, vars map[string]any, out any) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	rec := e.request(user, http.MethodPost, "/query", bytes.NewReader(body), http.Header{"Content-Type": {"application/json"}})
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || len(r.Errors) > 0 {
		e.t.Fatalf("%s: %s: %s", user, query, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			e.t.Fatal(err)
		}
	}
}

const (
	registerM = `mutation($c: ID!, $u: ID!, $t: Title!) { register(input: {campaignID: $c, learningUnitID: $u, title: $t}) { registration { id } } }`
	evaluateM = `mutation($r: ID!, $s: [ScoreInput!]!) { evaluate(input: {registrationID: $r, kind: FINAL, scores: $s}) { registration { status } } }`
	recognize = `mutation($ids: [ID!]!, $n: String!) { recognize(input: {registrationIDs: $ids, number: $n, date: "2024-12-10T00:00:00Z", signer: "Nguyễn Văn Ký"}) { decision { id } } }`
	advanceM  = `mutation($c: ID!, $f: CampaignPhase!) { advanceCampaign(input: {id: $c, from: $f}) { campaign { phase } } }`
	rowFields = `title subtype eligible registered evaluated recognized rate target meetsTarget`
	progressQ = `query($c: ID!, $u: ID!) { progress(campaignID: $c, unitID: $u) {
		unit { code name } rows { ` + rowFields + ` } children { unit { code name } rows { ` + rowFields + ` } } } }`
)

func scores(points ...int) []map[string]any {
	out := make([]map[string]any, len(points))
	for i, p := range points {
		out[i] = map[string]any{"code": fmt.Sprintf("TC%d", i+1), "points": p}
	}
	return out
}

// walk is a campaign taken to recognition: three decisions and what each
// recognised, by learning-unit name.
type walk struct {
	campaign                   string
	family, family2, community string // decision ids
	recognised                 map[string][]string
	notRecognised              []string
}

// walkCampaign registers households of C1 and C2, C1's school and C1 itself
// (the TT 25 commune title), evaluates and recognises some of them.
func (e *env) walkCampaign() walk {
	t, fx := e.t, e.fx
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	commune, err := e.client.LearningUnit.Create().SetKind(learningunit.KindCOMMUNITY).SetName("Cộng đồng học tập xã An Bình").
		SetHeadName("Trần Văn Chủ").SetAddress("Trụ sở UBND xã An Bình").SetAdminUnit(fx.C1).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	school, err := e.client.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindORGANIZATION), learningunit.AdminUnitID(fx.C1.ID)).Only(sys)
	if err != nil {
		t.Fatal(err)
	}
	hh := func(v *ent.AdminUnit, i int) *ent.LearningUnit { return fx.Households[v.Code][i] }
	if err := e.client.LearningUnit.UpdateOne(hh(fx.V1b, 0)).SetAddress("Số 5, Thôn 2").Exec(sys); err != nil {
		t.Fatal(err)
	}

	var c struct {
		CreateCampaign struct{ Campaign struct{ ID string } }
	}
	e.gql("manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2024}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)}, &c)
	camp := c.CreateCampaign.Campaign.ID
	e.gql("manager", `mutation($c: ID!, $t: [TargetInput!]!) { setTargets(input: {campaignID: $c, targets: $t}) { targets { rate } } }`, map[string]any{"c": camp, "t": []map[string]any{
		{"title": "LEARNING_FAMILY", "rate": 0.5}, {"title": "LEARNING_FAMILY", "rate": 0.75, "adminUnitID": id(fx.D2.ID)},
		{"title": "LEARNING_UNIT", "subtype": "SCHOOL", "rate": 0.3}}}, nil)
	e.gql("manager", advanceM, map[string]any{"c": camp, "f": "PLANNING"}, nil)

	regs := map[int]string{} // learning unit id → registration id
	register := func(user string, u *ent.LearningUnit, tt string) {
		var r struct {
			Register struct{ Registration struct{ ID string } }
		}
		e.gql(user, registerM, map[string]any{"c": camp, "u": id(u.ID), "t": tt}, &r)
		regs[u.ID] = r.Register.Registration.ID
	}
	for i := range 4 {
		register("officer", hh(fx.V1b, i), "LEARNING_FAMILY")
	}
	for i := range 3 {
		register("officer", hh(fx.V1a, i), "LEARNING_FAMILY")
	}
	register("officer2", hh(fx.V2a, 0), "LEARNING_FAMILY")
	register("officer", school, "LEARNING_UNIT")
	register("officer", commune, "COMMUNITY_COMMUNE")
	e.gql("manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)

	evaluate := func(user string, u *ent.LearningUnit, s []map[string]any) {
		e.gql(user, evaluateM, map[string]any{"r": regs[u.ID], "s": s}, nil)
	}
	pass, fail := scores(30, 25, 15, 10), scores(30, 25, 15, 0)
	for i := range 3 {
		evaluate("officer", hh(fx.V1b, i), pass)
	}
	evaluate("officer", hh(fx.V1b, 3), fail)
	evaluate("officer", hh(fx.V1a, 0), pass)
	evaluate("officer", hh(fx.V1a, 1), pass)
	evaluate("officer2", hh(fx.V2a, 0), pass)
	evaluate("officer", commune, scores(20, 20, 30, 15)) // 85: level 2
	e.gql("manager", advanceM, map[string]any{"c": camp, "f": "EVALUATION"}, nil)

	w := walk{campaign: camp, recognised: map[string][]string{}}
	decide := func(user, number string, units ...*ent.LearningUnit) string {
		var ids, names []string
		for _, u := range units {
			ids = append(ids, regs[u.ID])
			names = append(names, u.Name)
		}
		var r struct {
			Recognize struct{ Decision struct{ ID string } }
		}
		e.gql(user, recognize, map[string]any{"ids": ids, "n": number}, &r)
		w.recognised[r.Recognize.Decision.ID] = names
		return r.Recognize.Decision.ID
	}
	w.family = decide("officer", "01/QĐ-UBND", hh(fx.V1b, 2), hh(fx.V1a, 1), hh(fx.V1b, 0), hh(fx.V1a, 0), hh(fx.V1b, 1))
	w.family2 = decide("officer2", "07/QĐ-UBND", hh(fx.V2a, 0))
	w.community = decide("officerD1", "15/QĐ-UBND", commune)
	e.gql("officer", `mutation($r: ID!) { rejectRegistration(input: {id: $r, reason: "Chưa đủ minh chứng"}) { registration { status } } }`, map[string]any{"r": regs[hh(fx.V1b, 3).ID]}, nil)
	w.notRecognised = []string{hh(fx.V1b, 3).Name, hh(fx.V1a, 2).Name, hh(fx.V1a, 3).Name, school.Name}
	return w
}

func id(n int) string { return strconv.Itoa(n) }

// with returns e reporting to t, for a subtest.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

type apiRow struct {
	Title                                       string
	Subtype                                     *string
	Eligible, Registered, Evaluated, Recognized int
	Rate                                        float64
	Target                                      *float64
	MeetsTarget                                 *bool
}

type apiUnit struct {
	Unit struct{ Code, Name string }
	Rows []apiRow
}

type apiReport struct {
	Progress struct {
		apiUnit
		Children []apiUnit
	}
}

// pct writes a fraction as a percentage with two decimals, the precision
// the comparisons hold the exports to.
func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) }

// expectedRows is the API's progress answer laid out as the exports' rows:
// the unit's rows, then each child's.
func expectedRows(rep apiReport) [][]string {
	var rows [][]string
	for _, u := range append([]apiUnit{rep.Progress.apiUnit}, rep.Progress.Children...) {
		for _, r := range u.Rows {
			sub, target, verdict := "", "", "—"
			if r.Subtype != nil {
				sub = titles.SubtypeName(*r.Subtype, i18n.VI)
			}
			if r.Target != nil {
				target = pct(*r.Target)
			}
			if r.MeetsTarget != nil {
				verdict = map[bool]string{true: "Đạt", false: "Chưa đạt"}[*r.MeetsTarget]
			}
			rows = append(rows, []string{u.Unit.Code, u.Unit.Name, titles.Name(title.Title(r.Title), i18n.VI), sub,
				id(r.Eligible), id(r.Registered), id(r.Evaluated), id(r.Recognized), pct(r.Rate), target, verdict})
		}
	}
	return rows
}

var progressHeader = []string{"Mã đơn vị", "Tên đơn vị", "Danh hiệu", "Loại hình", "Số thuộc diện", "Số đăng ký",
	"Số đã đánh giá", "Số được công nhận", "Tỷ lệ công nhận (%)", "Chỉ tiêu (%)", "Đạt chỉ tiêu"}

// Column indexes of the progress export.
const colEligible, colRate, colTarget = 4, 8, 9

// readCSV checks the byte order mark and parses a CSV export.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("CSV without a UTF-8 byte order mark: %q", b[:min(len(b), 20)])
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return records
}

// readXLSX opens an XLSX export and returns its only sheet's name and rows,
// raw (numbers unformatted) or as displayed.
func readXLSX(t *testing.T, b []byte) (*excelize.File, string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets: %v", sheets)
	}
	return f, sheets[0]
}

func rows(t *testing.T, f *excelize.File, sheet string, raw bool) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// percentCell reads a percentage column as pct does: CSV holds percents,
// XLSX fractions.
func percentCell(t *testing.T, s string, fraction bool) string {
	t.Helper()
	if s == "" {
		return ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("percentage %q: %v", s, err)
	}
	if !fraction {
		f /= 100
	}
	return pct(f)
}

// normalise turns export rows into expectedRows' form, checking the count
// columns are integers.
func normalise(t *testing.T, got [][]string, fraction bool) [][]string {
	t.Helper()
	out := make([][]string, len(got))
	for i, r := range got {
		r = append(slices.Clone(r), make([]string, max(0, len(progressHeader)-len(r)))...)
		for _, c := range r[colEligible:colRate] {
			if _, err := strconv.Atoi(c); err != nil {
				t.Errorf("row %d: count %q is not an integer", i, c)
			}
		}
		r[colRate] = percentCell(t, r[colRate], fraction)
		r[colTarget] = percentCell(t, r[colTarget], fraction)
		out[i] = r
	}
	return out
}

func compareRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d:\n%q\nwant\n%q", what, len(got), len(want), got, want)
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s row %d:\n got %q\nwant %q", what, i, got[i], want[i])
		}
	}
}

// TestExports walks a campaign to recognition, then checks that the
// exports agree with the API and with what was recognised, obey the same
// scopes, and cost a bounded number of statements. On both databases.
func TestExports(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		e := newEnv(t, open)
		w := e.walkCampaign()
		fx := e.fx
		progressURL := func(f string, unit *ent.AdminUnit) string {
			return fmt.Sprintf("/export/progress.%s?campaign=%s&unit=%d", f, w.campaign, unit.ID)
		}

		t.Run("progress", func(t *testing.T) {
			e := e.with(t)
			for _, tt := range []struct {
				user string
				unit *ent.AdminUnit
			}{
				{"admin", fx.P1}, {"manager", fx.P1}, {"viewer", fx.D1}, {"officerD1", fx.D1}, {"officer", fx.C1}, {"officer2", fx.C2},
			} {
				var rep apiReport
				e.gql(tt.user, progressQ, map[string]any{"c": w.campaign, "u": id(tt.unit.ID)}, &rep)
				want := expectedRows(rep)
				if len(rep.Progress.Children) == 0 && tt.unit.Level != "COMMUNE" {
					t.Fatalf("%s: no children in the API's report of %s", tt.user, tt.unit.Code)
				}

				records := readCSV(t, e.get(tt.user, progressURL("csv", tt.unit)))
				if !slices.Equal(records[0], progressHeader) {
					t.Errorf("CSV header %q", records[0])
				}
				compareRows(t, tt.user+" CSV "+tt.unit.Code, normalise(t, records[1:], false), want)

				f, sheet := readXLSX(t, e.get(tt.user, progressURL("xlsx", tt.unit)))
				raw := rows(t, f, sheet, true)
				if !slices.Equal(raw[0], progressHeader) {
					t.Errorf("XLSX header %q", raw[0])
				}
				compareRows(t, tt.user+" XLSX "+tt.unit.Code, normalise(t, raw[1:], true), want)
			}
		})

		t.Run("progress figures", func(t *testing.T) {
			// The API's answer is itself checked against the walk: C1's
			// families (8 eligible, 7 registered of which one rejected, 6
			// evaluated, 5 recognised), its school (a subtype row with the
			// province's 30% target), the commune's TT 25 title (no target).
			e := e.with(t)
			records := readCSV(t, e.get("officer", progressURL("csv", fx.C1)))
			for _, want := range [][]string{
				{"90101", "Xã An Bình", "Gia đình học tập", "", "8", "6", "5", "5", "62.5", "50", "Đạt"},
				{"90101", "Xã An Bình", "Đơn vị học tập", "Trường học", "1", "1", "0", "0", "0", "30", "Chưa đạt"},
				{"90101", "Xã An Bình", "Cộng đồng học tập cấp xã", "", "1", "1", "1", "1", "100", "", "—"},
			} {
				if !slices.ContainsFunc(records, func(r []string) bool { return slices.Equal(r, want) }) {
					t.Errorf("no row %q in\n%q", want, records)
				}
			}
			// The unit's own rows come before its children's.
			f, sheet := readXLSX(t, e.get("viewer", progressURL("xlsx", fx.D1)))
			shown := rows(t, f, sheet, false)[1:]
			firstChild := slices.IndexFunc(shown, func(r []string) bool { return r[0] != fx.D1.Code })
			if firstChild < 2 || slices.ContainsFunc(shown[firstChild:], func(r []string) bool { return r[0] == fx.D1.Code }) {
				t.Errorf("D1's rows are not all first: %q", shown)
			}
			checkXLSXLook(t, f, sheet)
		})

		t.Run("decisions", func(t *testing.T) {
			e := e.with(t)
			villageA := func(names []string) []string {
				var out []string
				for _, n := range names {
					if strings.Contains(n, fx.V1a.Code) {
						out = append(out, n)
					}
				}
				return out
			}
			for _, tt := range []struct {
				user, decision, number, committee string
				names                             []string
				leveled                           bool
			}{
				{"officer", w.family, "01/QĐ-UBND", "Ủy ban nhân dân Xã An Bình", w.recognised[w.family], false},
				{"viewer", w.family, "01/QĐ-UBND", "Ủy ban nhân dân Xã An Bình", w.recognised[w.family], false},
				{"admin", w.family, "01/QĐ-UBND", "Ủy ban nhân dân Xã An Bình", w.recognised[w.family], false},
				// A village collaborator sees the decision, with their
				// village's units only, and the name of the commune above
				// them that issued it.
				{"collaborator", w.family, "01/QĐ-UBND", "Ủy ban nhân dân Xã An Bình", villageA(w.recognised[w.family]), false},
				{"officer2", w.family2, "07/QĐ-UBND", "Ủy ban nhân dân Xã Hòa Lạc", w.recognised[w.family2], false},
				{"officerD1", w.community, "15/QĐ-UBND", "Ủy ban nhân dân Huyện Đông", w.recognised[w.community], true},
			} {
				url := "/export/decisions/" + tt.decision
				check := func(format string, records [][]string) {
					t.Helper()
					at := slices.IndexFunc(records, func(r []string) bool { return len(r) > 0 && r[0] == "STT" })
					if at < 0 {
						t.Fatalf("%s %s: no list: %q", tt.user, format, records)
					}
					head := map[string]string{}
					for _, r := range records[:at] {
						if len(r) > 0 && r[0] != "" {
							head[r[0]] = r[len(r)-1]
						}
					}
					wantHead := map[string]string{"Số quyết định": tt.number, "Ngày quyết định": "10/12/2024", "Người ký": "Nguyễn Văn Ký",
						"Cơ quan ban hành": tt.committee, "Số đơn vị được công nhận": id(len(tt.names))}
					for k, v := range wantHead {
						if head[k] != v {
							t.Errorf("%s %s: %s = %q, want %q", tt.user, format, k, head[k], v)
						}
					}
					header, list := records[at], records[at+1:]
					if header[0] != "STT" || header[1] != "Đơn vị được công nhận" || slices.Contains(header, "Mức độ") != tt.leveled {
						t.Errorf("%s %s: columns %q", tt.user, format, header)
					}
					var names []string
					for i, r := range list {
						if r[0] != id(i+1) {
							t.Errorf("%s %s: STT %q at row %d", tt.user, format, r[0], i+1)
						}
						names = append(names, r[1])
						if tt.leveled && (r[6] != "2" || r[7] != "09/12/2027") {
							t.Errorf("%s %s: level and validity %q, want 2 until 09/12/2027", tt.user, format, r[6:])
						}
					}
					if !sameSet(names, tt.names) {
						t.Errorf("%s %s: listed %q, want exactly %q", tt.user, format, names, tt.names)
					}
				}
				check("CSV", readCSV(t, e.get(tt.user, url+".csv")))
				f, sheet := readXLSX(t, e.get(tt.user, url+".xlsx"))
				check("XLSX", rows(t, f, sheet, false))

				page := string(e.get(tt.user, url+".html"))
				for _, n := range tt.names {
					if strings.Count(page, n) != 1 {
						t.Errorf("%s HTML: %q appears %d times", tt.user, n, strings.Count(page, n))
					}
				}
				for _, n := range w.notRecognised {
					if strings.Contains(page, n) {
						t.Errorf("%s HTML lists %q, which was not recognised", tt.user, n)
					}
				}
				if got := strings.Count(page, `<td class="stt">`); got != len(tt.names) {
					t.Errorf("%s HTML: %d rows, want %d", tt.user, got, len(tt.names))
				}
				if !strings.Contains(page, "Số: "+tt.number) || !strings.Contains(page, "ngày 10 tháng 12 năm 2024") == (tt.committee != "—") || strings.Contains(page, "<script") {
					t.Errorf("%s HTML header:\n%s", tt.user, page)
				}
			}
		})

		t.Run("headers", func(t *testing.T) {
			e := e.with(t)
			for _, tt := range []struct{ path, contentType, disposition string }{
				{progressURL("csv", fx.C1), "text/csv; charset=utf-8", "attachment; filename=tien-do-2024-90101.csv"},
				{progressURL("xlsx", fx.C1), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment; filename=tien-do-2024-90101.xlsx"},
				{"/export/decisions/" + w.family + ".csv", "text/csv; charset=utf-8", "attachment; filename=quyet-dinh-01-qd-ubnd.csv"},
				{"/export/decisions/" + w.family + ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment; filename=quyet-dinh-01-qd-ubnd.xlsx"},
				{"/export/decisions/" + w.family + ".html", "text/html; charset=utf-8", ""},
			} {
				rec := e.request("officer", http.MethodGet, tt.path, nil, nil)
				h := rec.Header()
				if rec.Code != http.StatusOK || h.Get("Content-Type") != tt.contentType || h.Get("Content-Disposition") != tt.disposition ||
					!strings.Contains(h.Get("Cache-Control"), "no-store") {
					t.Errorf("GET %s: %d %v", tt.path, rec.Code, h)
				}
			}
		})

		t.Run("access", func(t *testing.T) {
			e := e.with(t)
			dec := func(f string) string { return "/export/decisions/" + w.family + "." + f }
			otherProvince := progressURL("csv", fx.C4)
			for _, tt := range []struct {
				name, user, path, lang string
				status                 int
				code, field, message   string
			}{
				{"anonymous progress", "", progressURL("csv", fx.P1), "", 401, "UNAUTHENTICATED", "", "Bạn cần đăng nhập."},
				{"anonymous progress xlsx", "", progressURL("xlsx", fx.P1), "", 401, "UNAUTHENTICATED", "", ""},
				{"anonymous decision csv", "", dec("csv"), "", 401, "UNAUTHENTICATED", "", ""},
				{"anonymous decision xlsx", "", dec("xlsx"), "", 401, "UNAUTHENTICATED", "", ""},
				{"anonymous decision html", "", dec("html"), "en", 401, "UNAUTHENTICATED", "", "You need to sign in."},
				{"anonymous garbage", "", "/export/decisions/abc.csv", "", 401, "UNAUTHENTICATED", "", ""},
				{"temporary password", "locked", dec("csv"), "", 403, "FORBIDDEN", "", ""},
				{"other province, progress", "officer4", progressURL("csv", fx.P1), "", 404, "NOT_FOUND", "campaign", "Không tìm thấy dữ liệu."},
				{"other province, own unit", "officer4", progressURL("xlsx", fx.C4), "", 404, "NOT_FOUND", "campaign", ""},
				{"other province, manager", "manager2", progressURL("xlsx", fx.P1), "", 404, "NOT_FOUND", "campaign", ""},
				{"other province, decision csv", "officer4", dec("csv"), "", 404, "NOT_FOUND", "id", ""},
				{"other province, decision xlsx", "manager2", dec("xlsx"), "", 404, "NOT_FOUND", "id", ""},
				{"other province, decision html", "officer4", dec("html"), "en", 404, "NOT_FOUND", "id", "Not found."},
				{"other commune's decision", "officer2", dec("csv"), "", 404, "NOT_FOUND", "id", ""},
				{"unit above scope", "officer", progressURL("csv", fx.D1), "", 404, "NOT_FOUND", "unit", ""},
				{"unit of another province", "admin", otherProvince, "", 400, "BAD_USER_INPUT", "unit", "Đơn vị không thuộc tỉnh của chiến dịch."},
				{"garbage campaign", "officer", "/export/progress.csv?campaign=abc&unit=1", "", 400, "BAD_USER_INPUT", "campaign", "Mã định danh (ID) không hợp lệ: campaign."},
				{"garbage campaign, English", "officer", "/export/progress.xlsx?campaign=abc&unit=1", "en", 400, "BAD_USER_INPUT", "campaign", "Invalid ID: campaign."},
				{"zero campaign", "officer", "/export/progress.csv?campaign=0&unit=1", "", 400, "BAD_USER_INPUT", "campaign", ""},
				{"huge campaign", "officer", "/export/progress.csv?campaign=99999999999999999999999&unit=1", "", 400, "BAD_USER_INPUT", "campaign", ""},
				{"garbage unit", "officer", "/export/progress.csv?campaign=" + w.campaign + "&unit=x1", "", 400, "BAD_USER_INPUT", "unit", ""},
				{"missing unit", "officer", "/export/progress.csv?campaign=" + w.campaign, "", 400, "BAD_USER_INPUT", "unit", "Trường này là bắt buộc."},
				{"missing campaign", "officer", "/export/progress.xlsx", "", 400, "BAD_USER_INPUT", "campaign", ""},
				{"garbage decision", "officer", "/export/decisions/abc.csv", "", 400, "BAD_USER_INPUT", "id", ""},
				{"negative decision", "officer", "/export/decisions/-3.xlsx", "", 400, "BAD_USER_INPUT", "id", ""},
				{"empty decision", "officer", "/export/decisions/.html", "", 400, "BAD_USER_INPUT", "id", ""},
				{"unknown decision", "officer", "/export/decisions/987654321.csv", "", 404, "NOT_FOUND", "id", ""},
				{"a campaign id as a decision", "officer", "/export/decisions/" + w.campaign + ".csv", "", 404, "NOT_FOUND", "id", ""},
				{"unknown format", "officer", "/export/decisions/" + w.family + ".pdf", "", 404, "NOT_FOUND", "", ""},
				{"no format", "officer", "/export/decisions/" + w.family, "", 404, "NOT_FOUND", "", ""},
			} {
				var header http.Header
				if tt.lang != "" {
					header = http.Header{"Accept-Language": {tt.lang}}
				}
				rec := e.request(tt.user, http.MethodGet, tt.path, nil, header)
				var body struct {
					Error struct{ Code, Field, Message, RequestID string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Errorf("%s: %d %q is not JSON", tt.name, rec.Code, rec.Body)
					continue
				}
				got := body.Error
				if rec.Code != tt.status || got.Code != tt.code || got.Field != tt.field || tt.message != "" && got.Message != tt.message {
					t.Errorf("%s: %d %+v, want %d %s on %q %q", tt.name, rec.Code, got, tt.status, tt.code, tt.field, tt.message)
				}
			}
		})

		t.Run("statements", func(t *testing.T) {
			// A decision's list costs the same statements for one unit as
			// for five: eager loading, never a query per row.
			e := e.with(t)
			cost := func(path string) int {
				e.sql.Reset()
				e.get("admin", path)
				return e.sql.Count()
			}
			for _, f := range []string{"csv", "xlsx", "html"} {
				five, one := cost("/export/decisions/"+w.family+"."+f), cost("/export/decisions/"+w.family2+"."+f)
				if five != one || five > 6 {
					t.Errorf("%s: %d statements for five units, %d for one; want the same, at most 6", f, five, one)
				}
			}
			// 6: the fixture has no disadvantaged commune; where there are
			// some, their counters cost a seventh (progress.loadAreas).
			if n := cost(progressURL("xlsx", fx.P1)); n > 6 {
				t.Errorf("progress export: %d statements, want at most 6", n)
			}
		})
	})
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkXLSXLook checks what makes the workbook ready to hand in: a bold
// header, widened columns, counts stored as numbers and rates formatted as
// percentages.
func checkXLSXLook(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	style := func(cell string) *excelize.Style {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := style("A1"); s.Font == nil || !s.Font.Bold {
		t.Error("the header row is not bold")
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 20 {
		t.Errorf("unit names are %v characters wide", w)
	}
	if typ, _ := f.GetCellType(sheet, "E2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("counts are stored as text")
	}
	if s := style("I2"); s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "%") {
		t.Errorf("rates are not formatted as percentages: %+v", s)
	}
	if v, _ := f.GetCellValue(sheet, "I2"); !strings.HasSuffix(v, "%") {
		t.Errorf("rate shown as %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "I2", excelize.Options{RawCellValue: true}); !isFraction(v) {
		t.Errorf("rate stored as %q, want a fraction", v)
	}
}

func isFraction(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f >= 0 && f <= 1
}
