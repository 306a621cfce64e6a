package admin_test

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/reorganisation"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// tiny is a three-tier province of four communes, the one the catalogue
// of testdata/units-tiny-2025-07-01.csv and its merger list reorganise:
// An Phú and Hòa Bình merge into Xã An Hòa (96001), and the district tier
// goes.
type tiny struct {
	Province, North, South         *ent.AdminUnit
	AnPhu, HoaBinh, BinhMinh, Town *ent.AdminUnit
}

// buildTiny adds the tiny province to the fixture's country, with a
// village and a household in each commune, an officer in Hòa Bình and a
// viewer of the northern district, whose scope the reform widens.
func buildTiny(t testing.TB, db *store.DB, fx *fixture.Fixture) *tiny {
	t.Helper()
	ctx := systemCtx()
	unit := func(parent *ent.AdminUnit, level adminunit.Level, code, name, typ string) *ent.AdminUnit {
		u, err := db.AdminUnit.Create().SetParent(parent).SetLevel(level).SetCode(code).SetName(name).SetType(typ).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	p := &tiny{Province: unit(fx.Country, adminunit.LevelPROVINCE, "96", "Tỉnh Thử Nghiệm", "Tỉnh")}
	p.North = unit(p.Province, adminunit.LevelDISTRICT, "961", "Huyện Bắc", "Huyện")
	p.South = unit(p.Province, adminunit.LevelDISTRICT, "962", "Thị xã Nam", "Thị xã")
	p.AnPhu = unit(p.North, adminunit.LevelCOMMUNE, "96001", "Xã An Phú", "Xã")
	p.HoaBinh = unit(p.North, adminunit.LevelCOMMUNE, "96002", "Xã Hòa Bình", "Xã")
	p.BinhMinh = unit(p.South, adminunit.LevelCOMMUNE, "96003", "Xã Bình Minh", "Xã")
	p.Town = unit(p.South, adminunit.LevelCOMMUNE, "96004", "Phường Trung Tâm", "Phường")
	for i, c := range []*ent.AdminUnit{p.AnPhu, p.HoaBinh, p.BinhMinh, p.Town} {
		v := unit(c, adminunit.LevelVILLAGE, c.Code+".01", "Thôn "+strconv.Itoa(i+1), "Thôn")
		if err := db.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName(fmt.Sprintf("Hộ Lê Văn %d", i+1)).
			SetMemberCount(3).SetAdultCount(2).SetAdminUnit(v).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		name  string
		role  viewer.Role
		scope *ent.AdminUnit
	}{{"canbo.hoabinh", viewer.RoleOfficer, p.HoaBinh}, {"xem.huyenbac", viewer.RoleViewer, p.North}} {
		if err := db.User.Create().SetUsername(a.name).SetFullName("Người dùng " + a.name).SetPasswordHash("unused").
			SetRole(a.role).SetScope(a.scope).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// postFiles sends a multipart form with files, with the anti-forgery token
// of the last page.
func (b *browser) postFiles(path string, form url.Values, files map[string]string) page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for field, name := range files {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.t.Fatal(err)
		}
		fw, _ := w.CreateFormFile(field, name)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// decisionForm is the upload form's fields.
var decisionForm = url.Values{"number": {"1665/NQ-UBTVQH15"}, "title": {"Sắp xếp đơn vị hành chính cấp xã"},
	"signer": {"Chủ tịch"}, "signedOn": {"2025-06-16"}, "effectiveOn": {"2025-07-01"}}

// TestReorganisationPages uploads the tiny catalogue and merger list as an
// ADMIN: the report, the plan (nothing changed yet), the confirmation,
// applying, and applying again; a MANAGER is refused the section; a
// catalogue in the merger list's place is refused by field.
func TestReorganisationPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		p := buildTiny(t, db, s.fx)
		ctx := systemCtx()

		m := s.browser(t)
		m.signIn("manager")
		for _, path := range []string{"/admin/reorganisations", "/admin/reorganisations/new"} {
			m.get(path).expect(t, http.StatusForbidden, "manager: "+path)
		}
		if body := m.get("/admin/").Body; strings.Contains(body, `href="/admin/reorganisations"`) {
			t.Error("the manager's menu offers reorganisations")
		}
		m.postFiles("/admin/reorganisations", decisionForm, map[string]string{"catalogue": "units-tiny-2025-07-01.csv"}).
			expect(t, http.StatusForbidden, "manager: upload")

		b := s.browser(t)
		b.signIn("admin")
		b.get("/admin/reorganisations").expect(t, http.StatusOK, "list")
		b.get("/admin/reorganisations/new").expect(t, http.StatusOK, "form")
		// Files swapped: refused beside the field, nothing recorded.
		r := b.postFiles("/admin/reorganisations", decisionForm, map[string]string{"catalogue": "merge-tiny-2025-07-01.csv"})
		r.expect(t, http.StatusUnprocessableEntity, "merger list as catalogue")
		if !strings.Contains(r.Body, `id="e-catalogue"`) {
			t.Errorf("no error beside the catalogue:\n%s", text(r.Body))
		}
		// Without the merger list the two communes would close with no
		// successor: the province is reported, each closing named.
		b.get("/admin/reorganisations/new")
		r = b.postFiles("/admin/reorganisations", decisionForm, map[string]string{"catalogue": "units-tiny-2025-07-01.csv"})
		r.expect(t, http.StatusOK, "catalogue alone")
		if body := html.UnescapeString(r.Body); !strings.Contains(body, `id="province-96"`) || !strings.Contains(body, "Xã Hòa Bình") {
			t.Errorf("the report lacks the province or the commune without successor:\n%s", text(r.Body))
		}

		b.get("/admin/reorganisations/new")
		r = b.postFiles("/admin/reorganisations", decisionForm, map[string]string{
			"catalogue": "units-tiny-2025-07-01.csv", "merger": "merge-tiny-2025-07-01.csv"})
		r.expect(t, http.StatusOK, "upload")
		body := html.UnescapeString(r.Body)
		for _, want := range []string{`id="province-96"`, `id="plan-counts"`, `id="apply-reorganisation"`, "Xã An Hòa", "xem.huyenbac", `id="plan-widened"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the report and plan lack %q:\n%s", want, text(r.Body))
			}
		}
		re, err := db.Reorganisation.Query().Where(reorganisation.Number("1665/NQ-UBTVQH15")).Order(ent.Desc(reorganisation.FieldID)).First(ctx)
		if err != nil || re.Status != reorganisation.StatusPLANNED {
			t.Fatalf("decision %+v (%v)", re, err)
		}
		if open, _ := db.AdminUnit.Query().Where(adminunit.ID(p.HoaBinh.ID), adminunit.ValidToIsNil()).Exist(ctx); !open {
			t.Fatal("planning changed the tree")
		}
		path := "/admin/reorganisations/" + strconv.Itoa(re.ID)
		b.get(path).expect(t, http.StatusOK, "decision")
		b.get(path+"/apply").expect(t, http.StatusOK, "confirmation")
		// A forged confirmation is refused before anything runs.
		b.postRaw(path+"/apply", url.Values{"csrf": {"forged"}}).expect(t, http.StatusForbidden, "forged")
		b.post(path+"/apply", nil).expect(t, http.StatusSeeOther, "apply")
		if body := b.get(path).Body; !strings.Contains(body, "Đã áp dụng quyết định sắp xếp.") || !strings.Contains(body, `id="reorg-outcome"`) {
			t.Errorf("the decision's page after applying:\n%s", text(body))
		}
		officer, err := db.User.Query().Where(user.Username("canbo.hoabinh")).WithScope().Only(ctx)
		if err != nil || officer.Edges.Scope.Name != "Xã An Hòa" || officer.Edges.Scope.ValidTo != nil {
			t.Fatalf("the officer of Hòa Bình works in %+v (%v)", officer.Edges.Scope, err)
		}
		// Confirmed again (a second tab, a double click): nothing changes.
		units, _ := db.AdminUnit.Query().Count(ctx)
		b.get(path + "/apply")
		b.post(path+"/apply", nil).expect(t, http.StatusSeeOther, "apply again")
		if body := b.get(path).Body; !strings.Contains(body, "đã được áp dụng từ trước") {
			t.Errorf("applying again does not say so:\n%s", text(body))
		}
		if after, _ := db.AdminUnit.Query().Count(ctx); after != units {
			t.Errorf("applying again made %d units more", after-units)
		}
		if body := html.UnescapeString(b.get("/admin/reorganisations").Body); !strings.Contains(body, "1665/NQ-UBTVQH15") {
			t.Error("the list lacks the decision")
		}
	})
}

// TestUnitChangePages moves a village and merges another from their pages
// as the province's manager: the plan changes nothing, the confirmation
// applies it once; a commune offers the manager neither form.
func TestUnitChangePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		ctx := systemCtx()
		unit := func(id int) string { return "/admin/units/" + strconv.Itoa(id) }
		b := s.browser(t)
		b.signIn("manager")

		body := b.get(unit(fx.V1b.ID)).expect(t, http.StatusOK, "village").Body
		if !strings.Contains(body, `id="move-unit"`) || !strings.Contains(body, `id="close-unit"`) {
			t.Fatalf("the village offers no move or close:\n%s", text(body))
		}
		if body := b.get(unit(fx.C1.ID)).Body; strings.Contains(body, `id="move-unit"`) {
			t.Error("a commune offers the manager a move")
		}
		b.get(unit(fx.C1.ID)+"/move").expect(t, http.StatusForbidden, "commune's move form")

		form := b.get(unit(fx.V1b.ID)+"/move").expect(t, http.StatusOK, "move form").Body
		if !strings.Contains(form, fmt.Sprintf(`value="%d"`, fx.C3.ID)) || strings.Contains(form, fmt.Sprintf(`value="%d"`, fx.C4.ID)) {
			t.Errorf("the move form offers the wrong communes:\n%s", text(form))
		}
		move := url.Values{"target": {strconv.Itoa(fx.C3.ID)}, "effectiveOn": {"2025-07-01"}, "reason": {"Thuận tiện đi lại"}, "decisionNumber": {""}, "version": {"1"}}
		// No parent, a bad date: both named.
		r := b.post(unit(fx.V1b.ID)+"/move", url.Values{"target": {""}, "effectiveOn": {"1/7"}, "version": {"1"}})
		r.expect(t, http.StatusUnprocessableEntity, "bad move")
		if !strings.Contains(r.Body, `id="e-target"`) || !strings.Contains(r.Body, `id="e-effectiveOn"`) {
			t.Errorf("the errors are not beside their fields:\n%s", text(r.Body))
		}
		r = b.post(unit(fx.V1b.ID)+"/move", move).expect(t, http.StatusOK, "plan")
		if body := html.UnescapeString(r.Body); !strings.Contains(body, `id="confirm-change"`) || !strings.Contains(body, `<dd id="plan-learning-units">6</dd>`) {
			t.Errorf("the plan:\n%s", text(r.Body))
		}
		if v, _ := db.AdminUnit.Get(ctx, fx.V1b.ID); v.ValidTo != nil {
			t.Fatal("the plan moved the village")
		}
		r = b.post(unit(fx.V1b.ID)+"/move/confirm", move).expect(t, http.StatusSeeOther, "confirm")
		moved, err := db.AdminUnit.Query().Where(adminunit.Code(fx.V1b.Code), adminunit.ValidToIsNil()).Only(ctx)
		if err != nil || *moved.ParentID != fx.C3.ID || r.Location != unit(moved.ID) {
			t.Fatalf("moved %+v (%v), sent to %s", moved, err, r.Location)
		}
		if body := b.get(r.Location).Body; !strings.Contains(body, "Chuyển đơn vị hành chính") && !strings.Contains(body, "Đã chuyển") {
			t.Errorf("the new row's page:\n%s", text(body))
		}
		// Confirmed again: sent to the old row's page, nothing changes.
		r = b.post(unit(fx.V1b.ID)+"/move/confirm", move).expect(t, http.StatusSeeOther, "confirm again")
		if r.Location != unit(fx.V1b.ID) {
			t.Errorf("the repeat went to %s", r.Location)
		}
		if n, _ := db.AdminUnit.Query().Where(adminunit.Code(fx.V1b.Code)).Count(ctx); n != 2 {
			t.Errorf("%d rows of the village, want the closed one and the new one", n)
		}

		// Dissolving a village that holds households is refused on the
		// plan; merging it into its sibling is not.
		b.get(unit(fx.V1a.ID) + "/close")
		dissolve := url.Values{"target": {""}, "effectiveOn": {"2025-07-01"}, "version": {"1"}}
		r = b.post(unit(fx.V1a.ID)+"/close", dissolve).expect(t, http.StatusUnprocessableEntity, "dissolve a full village")
		if !strings.Contains(r.Body, `id="plan-problems"`) || strings.Contains(r.Body, `id="confirm-change"`) {
			t.Errorf("the refused plan:\n%s", text(r.Body))
		}
		sibling, err := db.AdminUnit.Create().SetParent(fx.C1).SetLevel(adminunit.LevelVILLAGE).SetCode("90101.05").SetName("Thôn 5").SetType("Thôn").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		merge := url.Values{"target": {strconv.Itoa(sibling.ID)}, "effectiveOn": {"2025-07-01"}, "version": {"1"}}
		b.post(unit(fx.V1a.ID)+"/close", merge).expect(t, http.StatusOK, "merge plan")
		r = b.post(unit(fx.V1a.ID)+"/close/confirm", merge).expect(t, http.StatusSeeOther, "merge")
		if r.Location != unit(sibling.ID) {
			t.Errorf("after the merge, sent to %s", r.Location)
		}
		if n, _ := db.LearningUnit.Query().Where(learningunit.AdminUnitID(sibling.ID)).Count(ctx); n != 6 {
			t.Errorf("%d learning units in the successor, want 6", n)
		}
	})
}
