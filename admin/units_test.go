package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
)

// TestUnitPages walks the "Địa bàn" section as each staff role: the tree
// from the viewer's own unit, breadcrumbs, the buttons the privacy policy
// allows and no others, the forms, and the refusals of what is not theirs.
func TestUnitPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		unit := func(id int) string { return "/admin/units/" + strconv.Itoa(id) }

		t.Run("admin", func(t *testing.T) {
			b := s.browser(t)
			b.signIn("admin")
			p := b.get("/admin/units").expect(t, http.StatusSeeOther, "units")
			if p.Location != unit(fx.Country.ID) {
				t.Fatalf("an admin starts at %q, want the country", p.Location)
			}
			body := b.get(unit(fx.D1.ID)).expect(t, http.StatusOK, "district").Body
			for _, want := range []string{fx.Country.Name, fx.P1.Name, fx.C1.Name, fx.C2.Name, `id="new-unit-COMMUNE"`, `id="edit-unit"`} {
				if !strings.Contains(html.UnescapeString(body), want) {
					t.Errorf("district page lacks %q", want)
				}
			}
			// A commune straight under the province (the two-tier tree),
			// then a village in it.
			b.get(unit(fx.P1.ID)+"/new?level=COMMUNE").expect(t, http.StatusOK, "new commune form")
			p = b.post(unit(fx.P1.ID)+"/children", url.Values{"level": {"COMMUNE"}, "code": {"90110"}, "name": {"Phường Đông Hưng"}, "type": {"phuong"}})
			p.expect(t, http.StatusSeeOther, "create commune")
			commune, err := db.AdminUnit.Query().Where(adminunit.Code("90110")).Only(systemCtx())
			if err != nil || commune.Type != "Phường" || *commune.ParentID != fx.P1.ID {
				t.Fatalf("commune %+v (%v)", commune, err)
			}
			// Bad input shows the form again with the error beside the
			// field and what was typed kept.
			b.get(unit(fx.C1.ID) + "/new")
			p = b.post(unit(fx.C1.ID)+"/children", url.Values{"level": {"VILLAGE"}, "code": {"90101.01"}, "name": {"Thôn Trùng Mã"}, "type": {"Thôn"}})
			p.expect(t, http.StatusUnprocessableEntity, "taken code")
			if !strings.Contains(p.Body, `id="e-code"`) || !strings.Contains(p.Body, "Thôn Trùng Mã") {
				t.Errorf("the refused form does not say what to fix:\n%s", text(p.Body))
			}
			// Rename with a stale version: the form says the data changed.
			b.get(unit(fx.C2.ID)+"/edit").expect(t, http.StatusOK, "edit form")
			p = b.post(unit(fx.C2.ID), url.Values{"code": {fx.C2.Code}, "name": {"Xã Hòa Lạc Mới"}, "type": {"Xã"}, "version": {"7"}})
			p.expect(t, http.StatusUnprocessableEntity, "stale version")
			if !strings.Contains(p.Body, `id="form-error"`) {
				t.Errorf("no conflict message:\n%s", text(p.Body))
			}
			b.get(unit(fx.C2.ID) + "/edit")
			b.post(unit(fx.C2.ID), url.Values{"code": {fx.C2.Code}, "name": {"Xã Hòa Lạc Mới"}, "type": {"Xã"}, "version": {"1"}}).
				expect(t, http.StatusSeeOther, "rename")
			body = b.get(unit(fx.C2.ID)).expect(t, http.StatusOK, "renamed commune").Body
			if !strings.Contains(body, "Xã Hòa Lạc Mới") || !strings.Contains(body, "Sửa đơn vị hành chính") || !strings.Contains(body, "Xã Hòa Lạc") {
				t.Errorf("the commune's page does not show the rename and its audit entry:\n%s", text(body))
			}
		})

		t.Run("manager", func(t *testing.T) {
			b := s.browser(t)
			b.signIn("manager")
			p := b.get("/admin/units").expect(t, http.StatusSeeOther, "units")
			if p.Location != unit(fx.P1.ID) {
				t.Fatalf("the manager starts at %q, want their province", p.Location)
			}
			// The province and its communes are the admin's: no buttons.
			for _, id := range []int{fx.P1.ID, fx.D1.ID} {
				body := b.get(unit(id)).expect(t, http.StatusOK, "unit").Body
				if strings.Contains(body, `id="new-unit-`) || strings.Contains(body, `id="edit-unit"`) {
					t.Errorf("the manager is offered changes on unit %d", id)
				}
			}
			body := b.get(unit(fx.C1.ID)).expect(t, http.StatusOK, "commune").Body
			if !strings.Contains(body, `id="new-unit-VILLAGE"`) || strings.Contains(body, `id="edit-unit"`) {
				t.Errorf("on a commune the manager should add villages, not edit it")
			}
			body = b.get(unit(fx.V1a.ID)).expect(t, http.StatusOK, "village").Body
			if !strings.Contains(body, `id="edit-unit"`) {
				t.Errorf("the manager cannot edit a village of their province")
			}
			b.get(unit(fx.D1.ID)+"/new").expect(t, http.StatusForbidden, "new commune form")
			b.get(unit(fx.C1.ID)+"/edit").expect(t, http.StatusForbidden, "edit commune form")
			b.get(unit(fx.C1.ID) + "/new")
			if p := b.post(unit(fx.D1.ID)+"/children", url.Values{"level": {"COMMUNE"}, "code": {"90111"}, "name": {"Xã Lén"}, "type": {"Xã"}}); p.Status == http.StatusSeeOther {
				t.Errorf("the manager added a commune")
			}
			// Another province is out of reach: not found.
			for _, path := range []string{unit(fx.C4.ID), unit(fx.V4a.ID), unit(fx.C4.ID) + "/new", unit(fx.V4a.ID) + "/edit"} {
				b.get(path).expect(t, http.StatusNotFound, path)
			}
			b.get(unit(fx.C1.ID))
			b.post(unit(fx.V4a.ID), url.Values{"name": {"Thôn Lén"}, "code": {"x"}, "type": {"Thôn"}}).expect(t, http.StatusNotFound, "rename another province's village")
			if n, _ := db.AdminUnit.Query().Where(adminunit.Name("Thôn Lén")).Count(systemCtx()); n != 0 {
				t.Errorf("another province's village was renamed")
			}
			// A search finds nothing of the other province.
			if body := b.get("/admin/units?q=minh+hai").Body; strings.Contains(body, fx.C4.Name) {
				t.Errorf("the manager finds %s", fx.C4.Name)
			}
		})
	})
}
