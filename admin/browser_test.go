package admin_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/target"
	"hoctap/ent/user"
	"hoctap/internal/browsertest"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/titles"
)

// EnvScreenshots names the folder the browser tests save their
// screenshots in; by default a folder under the system's temporary one.
const EnvScreenshots = "HOCTAP_SCREENSHOTS"

// chrome is a headless Chromium driven by chromedp, saving screenshots.
type chrome struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	n     int
}

func newChrome(t *testing.T, base string, width, height int) *chrome {
	t.Helper()
	bin := browsertest.Chromium(t)
	shots := os.Getenv(EnvScreenshots)
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "hoctap-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)
	opts := browsertest.Options(bin, t.TempDir(), width, height)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	return &chrome{t: t, ctx: ctx, base: base, shots: shots}
}

// Steps by CSS selector.
func click(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }

// follow clicks a link or a submit button and waits for the next page.
func follow(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(cdppage.LoadEventFired, nil, click(sel))(ctx, t)
		return chromedp.Void{}, err
	}
}
func visible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(sel))
}
func setValue(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), v)
}

// run runs steps, failing the test with what was being done.
func (c *chrome) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, steps...); err != nil {
		c.fail(what, err)
	}
}

func (c *chrome) fail(what string, err error) {
	c.t.Helper()
	loc, _ := chromedp.Run(c.ctx, chromedp.Location())
	body, _ := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS("body")))
	c.t.Fatalf("%s: %v\nat %s\n%s", what, err, loc, body)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](c *chrome, expr string) T {
	c.t.Helper()
	v, err := chromedp.Run(c.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		c.fail(expr, err)
	}
	return v
}

// shot saves a full-page PNG screenshot named after the step.
func (c *chrome) shot(name string) {
	c.t.Helper()
	c.n++
	png, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.fail("screenshot "+name, err)
	}
	path := filepath.Join(c.shots, fmt.Sprintf("%02d-%s.png", c.n, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// text returns the text of the first element matching sel.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		c.fail("read "+sel, err)
	}
	return s
}

// signIn fills the sign-in form.
func (c *chrome) signIn(username, password string) {
	c.t.Helper()
	c.run("sign in as "+username,
		chromedp.Navigate(c.base+"/admin/login"),
		visible("#f-username"),
		setValue("#f-username", username),
		setValue("#f-password", password),
		follow("#sign-in"),
		visible("h1"),
	)
}

func (c *chrome) expectH1(want string) {
	c.t.Helper()
	if got := c.text("h1"); !strings.Contains(got, want) {
		c.t.Fatalf("heading %q, want %q", got, want)
	}
}

// TestBrowser drives a real Chromium through the console as an official
// would: sign in, create an OFFICER scoped to a commune, sign out, find
// only the import pages open to that officer, be refused as a
// collaborator, sign in as admin again, open a campaign, set a target,
// advance the phase, and read the dashboard's chart. It saves a
// screenshot of every page.
func TestBrowser(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	fx := s.fx
	past := seedCampaign(t, db, fx, 2025)
	c := newChrome(t, s.URL, 1366, 768)

	// Anonymous: the console sends us to sign in.
	c.run("open console", chromedp.Navigate(s.URL+"/admin/"), visible("#f-username"))
	c.expectH1("Đăng nhập")
	c.shot("login")

	c.signIn("admin", fixture.Password)
	c.expectH1("Tổng quan")
	c.shot("home")

	// Users: the list, then a new OFFICER of commune Xã An Bình (C1),
	// found by a search typed without accents.
	c.run("users", follow(`nav a[href="/admin/users"]`), visible("#user-table"))
	c.shot("users")
	const newUser, newPassword = "canbo.anbinh", "Mat-khau-2026!"
	c.run("new user form",
		follow("#new-user"),
		visible("#user-form"),
		setValue("#f-username", newUser),
		setValue("#f-fullName", "Trần Thị Bình"),
		setValue("#f-password", newPassword),
		setValue("#f-role", "OFFICER"),
		// With the script, typing searches as you go…
		chromedp.SendKeys(chromedp.CSS("#f-scopeQuery"), "hoa lac"),
		visible(fmt.Sprintf(`#scope-results input[name=scopeID][value="%d"]`, fx.C2.ID)),
		// …and the button does the same without it.
		setValue("#f-scopeQuery", "an binh"),
		follow("#scope-search"),
		visible(fmt.Sprintf(`input[name=scopeID][value="%d"]`, fx.C1.ID)),
	)
	// The search kept what was typed.
	kept, err := chromedp.Run(c.ctx, chromedp.Value(chromedp.CSS("#f-fullName")))
	if err != nil {
		c.fail("read back", err)
	}
	if kept != "Trần Thị Bình" {
		t.Fatalf("the scope search lost the full name: %q", kept)
	}
	c.run("choose scope", click(fmt.Sprintf(`input[name=scopeID][value="%d"]`, fx.C1.ID)))
	c.shot("user-form")
	c.run("create user", follow("#save-user"), visible("#edit-user"))
	c.expectH1("Trần Thị Bình")
	c.shot("user")
	created, err := db.Client.User.Query().Where(user.Username(newUser)).Only(systemCtx())
	if err != nil || created.Role != "OFFICER" || created.ScopeID != fx.C1.ID {
		t.Fatalf("created user: %+v, %v", created, err)
	}

	c.run("sign out", follow("#sign-out"), visible("#f-username"))
	if flash := c.text(".flash"); !strings.Contains(flash, "đăng xuất") {
		t.Fatalf("after signing out: %q", flash)
	}

	// The officer uses the console's import pages only: they land there,
	// their menu has nothing else, and a staff page is refused.
	c.signIn(newUser, newPassword)
	c.expectH1("Nhập danh sách")
	if nav := c.text("nav.nav"); strings.TrimSpace(nav) != "Nhập danh sách" {
		t.Fatalf("the officer's menu %q", nav)
	}
	c.shot("officer-imports")
	c.run("a staff page", chromedp.Navigate(s.URL+"/admin/users"), visible("h1"))
	c.expectH1("Không có quyền")
	c.run("sign out the officer", follow("#sign-out"), visible("#f-username"))

	// A collaborator may not use the console: a clear refusal, signed out.
	c.signIn("collaborator", fixture.Password)
	c.expectH1("Không thể vào trang quản trị")
	if body := c.text("main"); !strings.Contains(body, "Cộng tác viên") {
		t.Fatalf("the refusal does not name the role: %q", body)
	}
	c.shot("refused")
	c.run("still signed out", chromedp.Navigate(s.URL+"/admin/users"), visible("#f-username"))

	// A campaign for 2026: it copies 2025's targets and criteria.
	c.signIn("admin", fixture.Password)
	c.run("campaigns", chromedp.Navigate(s.URL+"/admin/campaigns"), visible("#campaign-table"))
	c.shot("campaigns")
	c.run("new campaign",
		follow("#new-campaign"),
		visible("#campaign-form"),
		setValue("#f-provinceID", strconv.Itoa(fx.P1.ID)),
		setValue("#f-year", "2026"),
	)
	c.shot("campaign-form")
	c.run("create campaign", follow("#create-campaign"), visible("#advance"))
	c.expectH1("2026")
	c.shot("campaign")
	camp, err := db.Client.Campaign.Query().Where(campaign.Year(2026), campaign.ProvinceID(fx.P1.ID)).Only(systemCtx())
	if err != nil {
		t.Fatal(err)
	}

	// A target of 75% learning families for district D1.
	cell := fmt.Sprintf("#t\\.%d\\.%s", fx.D1.ID, titles.Family)
	c.run("targets",
		follow("#open-targets"),
		visible("#targets-grid"),
		setValue(cell, "75"),
		follow("#save-targets"),
		visible(".flash"),
	)
	c.shot("targets")
	rate, err := db.Client.Target.Query().
		Where(target.CampaignID(camp.ID), target.AdminUnitID(fx.D1.ID), target.TitleEQ(titles.Family)).
		Only(systemCtx())
	if err != nil || rate.Rate != 0.75 {
		t.Fatalf("target of D1: %+v, %v", rate, err)
	}

	// The criteria of learning families, copied from 2025.
	c.run("criteria",
		chromedp.Navigate(fmt.Sprintf("%s/admin/campaigns/%d/criteria", s.URL, camp.ID)),
		visible("#criteria-table"),
		follow(`#criteria-table a[href$="/LEARNING_FAMILY"]`),
		visible("#criteria-form"),
	)
	c.shot("criteria")

	// Advance to registration, with a confirmation and a reason.
	c.run("advance",
		chromedp.Navigate(s.URL+"/admin/campaigns/"+strconv.Itoa(camp.ID)),
		follow("#advance"),
		visible("#confirm"),
		setValue("#f-reason", "Kế hoạch đã được phê duyệt"),
	)
	c.shot("advance-confirm")
	c.run("confirm", follow("#confirm"), visible(".flash"))
	if got := c.text(".steps li.current"); !strings.Contains(got, "Đăng ký") {
		t.Fatalf("current phase %q, want Đăng ký", got)
	}
	c.shot("campaign-advanced")
	if camp, err = db.Client.Campaign.Get(systemCtx(), camp.ID); err != nil || camp.Phase != campaign.PhaseREGISTRATION {
		t.Fatalf("phase: %v, %v", camp.Phase, err)
	}

	// The dashboard: a chart per title with a bar per district.
	districts, err := db.Client.AdminUnit.Query().Where(adminunit.ParentID(fx.P1.ID)).Count(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	c.run("dashboard", follow("#open-dashboard"), visible("svg.bars"))
	charts := eval[int](c, `document.querySelectorAll("figure.chart svg.bars").length`)
	bars := eval[int](c, `document.querySelector("figure.chart svg.bars").querySelectorAll("rect.bar").length`)
	if charts == 0 || bars != districts {
		t.Fatalf("dashboard: %d charts, %d bars in the first, want %d bars", charts, bars, districts)
	}
	c.shot("dashboard")

	// Last year's dashboard, where D2 misses its target: highlighted, and a
	// drill-down to a district.
	c.run("past dashboard", chromedp.Navigate(fmt.Sprintf("%s/admin/campaigns/%d/progress", s.URL, past.ID)), visible("svg.bars"))
	misses := eval[int](c, `document.querySelectorAll("#children-table tr.miss").length + document.querySelectorAll("svg.bars rect.bar-miss").length`)
	if misses == 0 {
		t.Fatal("the 2025 dashboard highlights no miss")
	}
	c.shot("dashboard-2025")
	c.run("drill down", follow(fmt.Sprintf(`#children-table a[href$="unit=%d"]`, fx.D1.ID)), visible("#own-table"))
	c.expectH1(fx.D1.Name)
	c.shot("dashboard-district")

	// English, remembered.
	c.run("english", follow("#lang-switch"), visible("h1"))
	c.expectH1("Progress")
	c.run("english stays", chromedp.Navigate(s.URL+"/admin/users"), visible("#user-table"))
	c.expectH1("Users")
	c.shot("users-english")
}

// TestBrowserPhone checks that the main pages fit a phone's screen: no
// page is wider than the viewport (tables scroll inside their own box).
func TestBrowserPhone(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	camp := seedCampaign(t, db, s.fx, 2025)
	c := newChrome(t, s.URL, 390, 844)
	c.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	c.signIn("manager", fixture.Password)
	for _, p := range []struct{ name, path string }{
		{"phone-home", "/admin/"},
		{"phone-users", "/admin/users"},
		{"phone-dashboard", fmt.Sprintf("/admin/campaigns/%d/progress", camp.ID)},
		{"phone-targets", fmt.Sprintf("/admin/campaigns/%d/targets", camp.ID)},
	} {
		c.run(p.path, chromedp.Navigate(s.URL+p.path), visible("h1"))
		if eval[bool](c, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s is wider than a phone's screen", p.path)
		}
		c.shot(p.name)
	}
}
