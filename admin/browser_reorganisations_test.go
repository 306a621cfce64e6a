package admin_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// TestBrowserReorganisation drives Chromium through a reorganisation as an
// ADMIN: upload the tiny province's two-tier catalogue with its merger
// list, read the per-province report and the plan (the district viewer's
// widened scope among its warnings), confirm, and see it applied, the
// officer of the merged commune now in its successor.
func TestBrowserReorganisation(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	buildTiny(t, db, s.fx)
	catalogue, err := filepath.Abs(filepath.Join("testdata", "units-tiny-2025-07-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	merger, _ := filepath.Abs(filepath.Join("testdata", "merge-tiny-2025-07-01.csv"))
	c := newChrome(t, s.URL, 1366, 900)
	c.signIn("admin", fixture.Password)

	c.run("reorganisations", follow(`nav a[href="/admin/reorganisations"]`), visible("#new-reorganisation"))
	c.expectH1("Sắp xếp đơn vị hành chính")
	c.run("upload form", follow("#new-reorganisation"), visible("#reorganisation-form"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-catalogue"), []string{catalogue}),
		chromedp.SetUploadFiles(chromedp.CSS("#f-merger"), []string{merger}),
		setValue("#f-number", "1665/NQ-UBTVQH15"),
		setValue("#f-title", "Sắp xếp đơn vị hành chính cấp xã"),
		setValue("#f-signedOn", "2025-06-16"),
		setValue("#f-effectiveOn", "2025-07-01"),
	)
	c.shot("reorganisation-form")
	c.run("compare", follow("#upload"), visible("#import-report"), visible("#plan"))
	if row := c.text("#province-96"); !strings.Contains(row, "Tỉnh Thử Nghiệm") || !strings.Contains(row, "Áp dụng được") {
		t.Fatalf("the province's report %q", row)
	}
	if warn := c.text("#plan-widened"); !strings.Contains(warn, "1 tài khoản") {
		t.Errorf("the widened warning %q", warn)
	}
	if users := c.text("#plan-user-list"); !strings.Contains(users, "canbo.hoabinh") || !strings.Contains(users, "xem.huyenbac") {
		t.Errorf("the accounts of the plan %q", users)
	}
	c.shot("reorganisation-plan")
	c.run("confirmation", follow("#apply-reorganisation"), visible("#confirm"))
	c.shot("reorganisation-confirm")
	c.run("apply", follow("#confirm"), visible("#reorg-outcome"))
	if status := c.text("#reorg-status"); status != "Đã áp dụng" {
		t.Errorf("status %q after applying", status)
	}
	c.shot("reorganisation-applied")
	officer, err := db.User.Query().Where(user.Username("canbo.hoabinh")).WithScope().Only(systemCtx())
	if err != nil || officer.Edges.Scope.Name != "Xã An Hòa" {
		t.Fatalf("the officer of Hòa Bình works in %+v (%v)", officer.Edges.Scope, err)
	}
}
