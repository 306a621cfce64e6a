package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// TestBrowserUnits drives Chromium through the "Địa bàn" section as a
// provincial manager: from the province down to a commune by the tree, add
// a village there, and find it again by a search typed without accents.
func TestBrowserUnits(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	fx := s.fx
	c := newChrome(t, s.URL, 1366, 768)
	c.signIn("manager", fixture.Password)

	c.run("units", follow(`nav a[href="/admin/units"]`), visible("#unit-children"))
	c.expectH1(fx.P1.Name)
	c.shot("units-province")
	c.run("district", follow(fmt.Sprintf(`#unit-children a[href="/admin/units/%d"]`, fx.D1.ID)), visible("#unit-children"))
	c.run("commune", follow(fmt.Sprintf(`#unit-children a[href="/admin/units/%d"]`, fx.C1.ID)), visible("#new-unit-VILLAGE"))
	c.expectH1(fx.C1.Name)
	if crumbs := c.text("#unit-crumbs"); !strings.Contains(crumbs, fx.P1.Name) || !strings.Contains(crumbs, fx.D1.Name) {
		t.Fatalf("breadcrumbs %q", crumbs)
	}
	c.shot("units-commune")

	c.run("new village form", follow("#new-unit-VILLAGE"), visible("#unit-form"),
		setValue("#f-code", "90101.07"),
		setValue("#f-name", "Thôn Đồng Tiến"),
		setValue("#f-type", "Thôn"),
	)
	c.shot("unit-form")
	c.run("create village", follow("#save-unit"), visible("#unit-facts"))
	c.expectH1("Thôn Đồng Tiến")
	if crumbs := c.text("#unit-crumbs"); !strings.Contains(crumbs, fx.C1.Name) {
		t.Fatalf("the new village's breadcrumbs %q lack its commune", crumbs)
	}
	c.shot("unit-village")
	v, err := db.AdminUnit.Query().Where(adminunit.Code("90101.07")).Only(systemCtx())
	if err != nil || *v.ParentID != fx.C1.ID || v.Level != adminunit.LevelVILLAGE {
		t.Fatalf("village %+v (%v)", v, err)
	}

	c.run("search without accents",
		setValue("#unit-q", "dong tien"),
		follow("#unit-search"),
		visible("#unit-results"),
	)
	c.shot("units-search")
	c.run("open the result", follow(fmt.Sprintf(`#unit-results a[href="/admin/units/%d"]`, v.ID)), visible("#unit-facts"))
	c.expectH1("Thôn Đồng Tiến")
}
