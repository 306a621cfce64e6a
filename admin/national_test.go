package admin_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/nationaltarget"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

// TestNationalTargets: staff read the national table in Vietnamese; only an
// ADMIN edits a row, a bad rate is shown beside its input and changes
// nothing, a stale form is refused, and an edit is audited.
func TestNationalTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		row, err := db.Client.NationalTarget.Query().
			Where(nationaltarget.Period(2025), nationaltarget.TitleEQ(titles.Family), nationaltarget.AreaEQ(nationaltarget.AreaGENERAL)).
			Only(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.Itoa(row.ID)
		edit := "/admin/national-targets/" + id

		m := s.browser(t)
		m.signIn("manager")
		list := m.get("/admin/national-targets")
		for _, want := range []string{"Chỉ tiêu quốc gia", "Giai đoạn đến năm 2020", "Vùng khó khăn", "QĐ 281/QĐ-TTg ngày 20/02/2014", "chưa xác nhận", "70%"} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("manager's page lacks %q", want)
			}
		}
		if strings.Contains(list.Body, edit+"/edit") {
			t.Error("a manager is offered the edit link")
		}
		if p := m.get(edit + "/edit"); p.Status != http.StatusForbidden {
			t.Errorf("manager GET edit: %d", p.Status)
		}
		if p := m.post(edit, url.Values{"rate": {"10"}, "source": {"x"}, "version": {"1"}}); p.Status != http.StatusForbidden {
			t.Errorf("manager POST: %d", p.Status)
		}

		a := s.browser(t)
		a.signIn("admin")
		if !strings.Contains(a.get("/admin/national-targets").Body, edit+"/edit") {
			t.Fatal("no edit link for the admin")
		}
		form := a.get(edit + "/edit")
		if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="70"`) {
			t.Fatalf("edit form: %d", form.Status)
		}
		if p := a.post(edit, url.Values{"rate": {"150"}, "source": {row.Source}, "version": {"1"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="e-rate"`) {
			t.Errorf("rate 150%%: %d", p.Status)
		}
		if p := a.post(edit, url.Values{"rate": {"abc"}, "source": {row.Source}, "version": {"1"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="e-rate"`) {
			t.Errorf("rate abc: %d", p.Status)
		}
		if p := a.post(edit, url.Values{"rate": {"72,5"}, "source": {row.Source}, "note": {"Điều chỉnh"}, "version": {"1"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", p.Status, p.Body)
		}
		got, _ := db.Client.NationalTarget.Get(systemCtx(), row.ID)
		if got.Rate == nil || *got.Rate != 0.725 || got.Version != 2 || got.Note != "Điều chỉnh" {
			t.Fatalf("saved: %+v", got)
		}
		// The same form sent again is stale.
		if p := a.post(edit, url.Values{"rate": {"80"}, "source": {row.Source}, "version": {"1"}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("stale form: %d", p.Status)
		}
		if got, _ := db.Client.NationalTarget.Get(systemCtx(), row.ID); *got.Rate != 0.725 {
			t.Errorf("stale form changed the rate to %v", *got.Rate)
		}
		n, err := db.Client.AuditLog.Query().Where(auditlog.TargetID(row.ID), auditlog.Action("national_target.update")).Count(systemCtx())
		if err != nil || n != 1 {
			t.Errorf("audit entries: %d, %v", n, err)
		}
		if !strings.Contains(form.Body, "Chưa có thay đổi nào được ghi lại.") || strings.Contains(a.get(edit+"/edit").Body, "Chưa có thay đổi nào được ghi lại.") {
			t.Error("the edit is not in the audit trail of the edit page")
		}
	})
}
