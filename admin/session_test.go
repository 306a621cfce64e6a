package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent/session"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestAnonymous: every page sends an anonymous visitor to sign in and back,
// and every form post without a session and a token is refused.
func TestAnonymous(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	for _, path := range []string{"/admin/", "/admin/users", "/admin/users/new", "/admin/campaigns", "/admin/campaigns/1/progress", "/admin/password", "/admin/nowhere"} {
		p := b.get(path)
		want := "/admin/login"
		if path != "/admin/" {
			want += "?next=" + url.QueryEscape(path)
		}
		if p.Status != http.StatusSeeOther || p.Location != want {
			t.Errorf("GET %s: %d → %q, want 303 → %q", path, p.Status, p.Location, want)
		}
	}
	for _, path := range []string{"/admin/users", "/admin/campaigns", "/admin/logout", "/admin/login"} {
		if p := b.postRaw(path, url.Values{"username": {"admin"}}); p.Status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", path, p.Status)
		}
	}
	p := b.get("/admin/login").expect(t, http.StatusOK, "sign-in page")
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if p.Header.Get(h) == "" {
			t.Errorf("sign-in page without %s", h)
		}
	}
	if !strings.Contains(p.Body, `lang="vi"`) || !strings.Contains(p.Body, "Đăng nhập") {
		t.Error("the sign-in page is not in Vietnamese by default")
	}
}

// TestSignIn: the viewer is a column. ADMIN and MANAGER get in; an
// OFFICER gets in to the import pages only, refused the others but still
// signed in; every other role is refused with a Vietnamese page and its
// session is revoked; a wrong password keeps the username and says what is
// wrong.
func TestSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		for _, tc := range []struct {
			user    string
			allowed bool
			// home is where the console's home sends the user; "" for itself.
			home string
		}{
			{"admin", true, ""}, {"manager", true, ""}, {"officer", true, "/admin/imports"},
			{"collaborator", false, ""}, {"viewer", false, ""}, {"citizen", false, ""},
		} {
			t.Run(tc.user, func(t *testing.T) {
				b := s.browser(t)
				b.get("/admin/login")
				p := b.post("/admin/login", url.Values{"username": {tc.user}, "password": {fixture.Password}})
				if tc.allowed {
					if p.Status != http.StatusSeeOther || p.Location != "/admin/" {
						t.Fatalf("%d %q", p.Status, p.Location)
					}
					for _, ck := range p.Header.Values("Set-Cookie") {
						if strings.HasPrefix(ck, "hoctap_") && (!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Max-Age=")) {
							t.Errorf("cookie %s: want HttpOnly, SameSite=Lax and an expiry", ck)
						}
					}
					if tc.home == "" {
						b.get("/admin/").expect(t, http.StatusOK, "home")
						b.get("/admin/users").expect(t, http.StatusOK, "users")
						return
					}
					if p := b.get("/admin/"); p.Status != http.StatusSeeOther || p.Location != tc.home {
						t.Fatalf("home: %d %q, want %s", p.Status, p.Location, tc.home)
					}
					body := b.get(tc.home).expect(t, http.StatusOK, "the officer's home").Body
					if strings.Contains(body, `href="/admin/users"`) || !strings.Contains(body, `href="/admin/imports"`) {
						t.Errorf("the officer's menu:\n%s", text(body))
					}
					// A staff page is refused, without signing out.
					p := b.get("/admin/users").expect(t, http.StatusForbidden, "users as an officer")
					if !strings.Contains(p.Body, "Nhập danh sách") {
						t.Errorf("the refusal does not point to the imports:\n%s", text(p.Body))
					}
					b.get(tc.home).expect(t, http.StatusOK, "still signed in")
					return
				}
				p.expect(t, http.StatusForbidden, "refusal")
				if !strings.Contains(p.Body, "Không thể vào trang quản trị") {
					t.Fatalf("no Vietnamese refusal:\n%s", text(p.Body))
				}
				// Signed out: the console is closed and the session revoked.
				if p := b.get("/admin/users"); p.Status != http.StatusSeeOther {
					t.Fatalf("after the refusal: %d", p.Status)
				}
				open, err := db.Client.Session.Query().
					Where(session.HasUserWith(user.Username(tc.user)), session.RevokedAtIsNil()).
					Count(systemCtx())
				if err != nil || open != 0 {
					t.Fatalf("%d sessions of %s still open (%v)", open, tc.user, err)
				}
			})
		}
		t.Run("throttled", func(t *testing.T) {
			b := s.browser(t)
			b.get("/admin/login")
			var p page
			for range 6 {
				p = b.post("/admin/login", url.Values{"username": {"viewer"}, "password": {"wrong-password"}})
			}
			p = b.post("/admin/login", url.Values{"username": {"viewer"}, "password": {fixture.Password}})
			p.expect(t, http.StatusTooManyRequests, "right password after too many wrong ones")
			if !strings.Contains(p.Body, "Quá nhiều lần thử") {
				t.Fatalf("no throttling message:\n%s", text(p.Body))
			}
		})
		t.Run("wrong password", func(t *testing.T) {
			b := s.browser(t)
			b.get("/admin/login")
			p := b.post("/admin/login", url.Values{"username": {"manager"}, "password": {"not-the-password"}})
			p.expect(t, http.StatusUnauthorized, "wrong password")
			if !strings.Contains(p.Body, `value="manager"`) || !strings.Contains(p.Body, "Tên đăng nhập hoặc mật khẩu không đúng") {
				t.Fatalf("the form lost the username or the message:\n%s", text(p.Body))
			}
		})
	})
}

// TestTemporaryPassword: a manager whose password an admin reset must
// change it before using the console.
func TestTemporaryPassword(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	admin := s.browser(t)
	admin.signIn("admin")
	id := strconv.Itoa(s.fx.Users["manager"].ID)
	admin.get("/admin/users/" + id + "/reset-password")
	p := admin.post("/admin/users/"+id+"/reset-password", nil).expect(t, http.StatusOK, "reset")
	temp := regexp.MustCompile(`<code id="temp-password">([^<]+)</code>`).FindStringSubmatch(p.Body)[1]

	b := s.browser(t)
	b.get("/admin/login")
	b.post("/admin/login", url.Values{"username": {"manager"}, "password": {temp}}).expect(t, http.StatusSeeOther, "sign in")
	if p := b.get("/admin/users"); p.Status != http.StatusSeeOther || p.Location != "/admin/password" {
		t.Fatalf("with a temporary password: %d %q", p.Status, p.Location)
	}
	b.get("/admin/password")
	p = b.post("/admin/password", url.Values{"currentPassword": {temp}, "newPassword": {"Doi-mat-khau-7"}, "confirmPassword": {"Doi-mat-khau-8"}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="e-confirmPassword"`) {
		t.Fatalf("mismatch: %d", p.Status)
	}
	b.post("/admin/password", url.Values{"currentPassword": {temp}, "newPassword": {"Doi-mat-khau-7"}, "confirmPassword": {"Doi-mat-khau-7"}}).expect(t, http.StatusSeeOther, "change")
	b.get("/admin/users").expect(t, http.StatusOK, "users after the change")
}

// TestSignOut revokes the session: its refresh token no longer works.
func TestSignOut(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("admin")
	u, _ := url.Parse(s.URL)
	var refresh string
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == "hoctap_refresh" {
			refresh = ck.Value
		}
	}
	p := b.post("/admin/logout", nil)
	if p.Status != http.StatusSeeOther || p.Location != "/admin/login" {
		t.Fatalf("sign out: %d %q", p.Status, p.Location)
	}
	if _, err := s.auth.Refresh(systemCtx(), refresh); err == nil {
		t.Fatal("the session's refresh token still works after signing out")
	}
	if p := b.get("/admin/"); p.Status != http.StatusSeeOther {
		t.Fatalf("still signed in: %d", p.Status)
	}
}

// TestRefresh: when the browser drops the expired access cookie, the
// refresh cookie brings a new pair (rotated), and the old refresh token is
// spent once the new one has been used.
func TestRefresh(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("manager")
	u, _ := url.Parse(s.URL)
	cookies := b.c.Jar.Cookies(u)
	jar := b.c.Jar
	var refresh string
	for _, ck := range cookies {
		if ck.Name == "hoctap_refresh" {
			refresh = ck.Value
		}
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "hoctap_access", Value: "", Path: "/", MaxAge: -1}})
	p := b.get("/admin/users").expect(t, http.StatusOK, "users after the access token expired")
	if !strings.Contains(strings.Join(p.Header.Values("Set-Cookie"), "\n"), "hoctap_access=") {
		t.Fatal("no new access cookie")
	}
	var rotated string
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "hoctap_refresh" {
			rotated = ck.Value
		}
	}
	if rotated == "" || rotated == refresh {
		t.Fatal("the refresh cookie was not rotated")
	}
	// Once the new token is used, the old one is spent (before that it
	// would pass for a retry of a refresh whose answer was lost).
	if _, err := s.auth.Refresh(systemCtx(), rotated); err != nil {
		t.Fatalf("the rotated refresh token: %v", err)
	}
	if _, err := s.auth.Refresh(systemCtx(), refresh); err == nil {
		t.Fatal("the old refresh token still works")
	}
}

// TestExportCookie: the exports the console links to see the console's
// viewer, and a bearer token still wins over the cookies.
func TestExportCookie(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	if p := b.get("/export/whoami"); p.Body != "anonymous" {
		t.Fatalf("anonymous export: %q", p.Body)
	}
	b.signIn("manager")
	if p := b.get("/export/whoami"); !strings.HasPrefix(p.Body, "manager#") {
		t.Fatalf("export through the console's cookies: %q", p.Body)
	}
	login, err := s.auth.Login(systemCtx(), "officer", fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/export/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+login.AccessToken)
	if p := b.do(req); !strings.HasPrefix(p.Body, "officer#") {
		t.Fatalf("bearer token with console cookies: %q", p.Body)
	}
}

// TestLanguage: English by the switch, remembered by the "lang" cookie
// across pages and sign-ins; dates and numbers follow.
func TestLanguage(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("admin")
	if p := b.get("/admin/users"); !strings.Contains(p.Body, "<h1>Người dùng</h1>") {
		t.Fatalf("not Vietnamese by default:\n%s", text(p.Body))
	}
	p := b.post("/admin/lang", url.Values{"lang": {"en"}, "next": {"/admin/users?role=OFFICER"}})
	if p.Status != http.StatusSeeOther || p.Location != "/admin/users?role=OFFICER" {
		t.Fatalf("switch: %d %q", p.Status, p.Location)
	}
	if p := b.get("/admin/users"); !strings.Contains(p.Body, "<h1>Users</h1>") || !strings.Contains(p.Body, `lang="en"`) {
		t.Fatalf("not English after the switch:\n%s", text(p.Body))
	}
	b.post("/admin/logout", nil)
	b.signIn("admin")
	if p := b.get("/admin/campaigns"); !strings.Contains(p.Body, "Yearly campaigns") {
		t.Fatalf("English forgotten after signing in again:\n%s", text(p.Body))
	}
	// A redirect target from a form never leads away from the console.
	for _, next := range []string{"https://evil.example/", "//evil.example/admin/", "/query", "/admin/\\evil"} {
		p := b.post("/admin/lang", url.Values{"lang": {"vi"}, "next": {next}})
		if p.Location != "/admin/" {
			t.Errorf("next=%q redirected to %q", next, p.Location)
		}
	}
}

// TestCSRF: a form post without the anti-forgery token, or with another
// session's, is refused with 403 and changes nothing.
func TestCSRF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		camp := seedCampaign(t, db, fx, 2025)
		admin := s.browser(t)
		admin.signIn("admin")
		other := s.browser(t)
		other.signIn("manager")
		stolen := other.csrf // a valid token, of another session

		officer := strconv.Itoa(fx.Users["officer"].ID)
		cases := []struct {
			name, path string
			form       url.Values
		}{
			{"create user", "/admin/users", url.Values{"username": {"forged"}, "fullName": {"Forged"}, "password": {"forged-password-1"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(fx.C1.ID)}}},
			{"update user", "/admin/users/" + officer, url.Values{"fullName": {"Forged"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(fx.C1.ID)}}},
			{"disable user", "/admin/users/" + officer + "/disable", url.Values{}},
			{"reset password", "/admin/users/" + officer + "/reset-password", url.Values{}},
			{"create campaign", "/admin/campaigns", url.Values{"provinceID": {strconv.Itoa(fx.P1.ID)}, "year": {"2030"}}},
			{"advance", "/admin/campaigns/" + strconv.Itoa(camp.ID) + "/advance", url.Values{"reason": {"forged"}}},
			{"targets", "/admin/campaigns/" + strconv.Itoa(camp.ID) + "/targets", url.Values{"t." + strconv.Itoa(fx.P1.ID) + ".LEARNING_FAMILY": {"10"}}},
			{"sign out", "/admin/logout", url.Values{}},
		}
		before := snapshot(t, db)
		for _, tc := range cases {
			for _, token := range []struct{ name, value string }{{"no token", ""}, {"other session's token", stolen}, {"garbage", "x" + stolen}} {
				f := url.Values{}
				for k, v := range tc.form {
					f[k] = v
				}
				if token.value != "" {
					f.Set("csrf", token.value)
				}
				if p := admin.postRaw(tc.path, f); p.Status != http.StatusForbidden {
					t.Errorf("%s with %s: %d, want 403", tc.name, token.name, p.Status)
				}
			}
		}
		if after := snapshot(t, db); after != before {
			t.Fatalf("refused posts changed the data:\nbefore %s\nafter  %s", before, after)
		}
		// The same post with the token works (the check is not just closed).
		admin.get("/admin/users/" + officer + "/disable")
		if p := admin.post("/admin/users/"+officer+"/disable", nil); p.Status != http.StatusSeeOther {
			t.Fatalf("disable with the token: %d\n%s", p.Status, text(p.Body))
		}
		if u, _ := db.Client.User.Get(systemCtx(), fx.Users["officer"].ID); !u.Disabled {
			t.Fatal("disable with the token did not disable")
		}
	})
}

// snapshot summarises what a forged post could change.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := systemCtx()
	users, _ := db.Client.User.Query().Order(user.ByID()).All(ctx)
	var b strings.Builder
	for _, u := range users {
		b.WriteString(u.Username + ":" + u.FullName + ":" + strconv.FormatBool(u.Disabled) + ":" + strconv.Itoa(u.Version) + ";")
	}
	camps, _ := db.Client.Campaign.Query().All(ctx)
	for _, c := range camps {
		b.WriteString(strconv.Itoa(c.Year) + ":" + string(c.Phase) + ";")
	}
	targets, _ := db.Client.Target.Query().Count(ctx)
	audit, _ := db.Client.AuditLog.Query().Count(ctx)
	open, _ := db.Client.Session.Query().Where(session.RevokedAtIsNil()).Count(ctx)
	b.WriteString("targets:" + strconv.Itoa(targets) + " audit:" + strconv.Itoa(audit) + " sessions:" + strconv.Itoa(open))
	return b.String()
}
