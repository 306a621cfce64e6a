package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hoctap/ent/session"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestDatabaseDown: while the database fails, the console keeps a signed-in
// admin's cookies, whether it checks the access cookie or trades the
// refresh cookie, and shows a Vietnamese 503 page with Retry-After instead
// of the sign-in form; signing in says the same, not "wrong password". Once
// the database is back the same cookies work and no session was ended.
func TestDatabaseDown(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		var fault dbtest.Faulty
		db := open(store.Options{Wrap: fault.Wrap})
		s := newServer(t, db)
		admin := s.browser(t)
		admin.signIn("admin")
		base, _ := url.Parse(s.URL)
		jar := admin.c.Jar
		before := sessionCookies(jar.Cookies(base))
		// A browser whose access cookie has expired holds the refresh
		// cookie alone.
		expired := s.browser(t)
		expired.signIn("manager")
		for _, ck := range expired.c.Jar.Cookies(base) {
			if ck.Name == "hoctap_access" {
				expired.c.Jar.SetCookies(base, []*http.Cookie{{Name: ck.Name, Path: "/", MaxAge: -1}})
			}
		}
		stranger := s.browser(t)
		stranger.get("/admin/login")

		fault.SetDown(true)
		for _, tc := range []struct {
			name string
			do   func() page
		}{
			{"a page, access cookie", func() page { return admin.get("/admin/users") }},
			{"the sign-in page, access cookie", func() page {
				// A session read in the last --account-cache-ttl is still
				// known: the sign-in page sends it on to the console, whose
				// page is the outage's.
				p := admin.get("/admin/login")
				if p.Status == http.StatusSeeOther && p.Location == "/admin/" {
					return admin.get(p.Location)
				}
				return p
			}},
			{"a page, refresh cookie alone", func() page { return expired.get("/admin/campaigns") }},
			{"a form, refresh cookie alone", func() page {
				return expired.postRaw("/admin/logout", url.Values{"csrf": {"whatever"}})
			}},
			{"signing in", func() page {
				return stranger.post("/admin/login", url.Values{"username": {"manager"}, "password": {fixture.Password}})
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.do()
				p.expect(t, http.StatusServiceUnavailable, tc.name)
				if !strings.Contains(p.Body, "không truy cập được cơ sở dữ liệu") || p.Header.Get("Retry-After") == "" {
					t.Errorf("no Vietnamese outage message or no Retry-After (%q):\n%s", p.Header.Get("Retry-After"), text(p.Body))
				}
				for _, ck := range p.Header.Values("Set-Cookie") {
					if strings.HasPrefix(ck, "hoctap_access") || strings.HasPrefix(ck, "hoctap_refresh") {
						t.Errorf("the outage touched a session cookie: %s", ck)
					}
				}
			})
		}

		fault.SetDown(false)
		admin.get("/admin/users").expect(t, http.StatusOK, "the admin's page once the database is back")
		if after := sessionCookies(jar.Cookies(base)); after != before {
			t.Errorf("the admin's cookies changed:\nbefore %s\nafter  %s", before, after)
		}
		expired.get("/admin/campaigns").expect(t, http.StatusOK, "refreshing the manager's session once the database is back")
		revoked, err := db.Client.Session.Query().Where(session.RevokedAtNotNil()).Count(systemCtx())
		if err != nil || revoked != 0 {
			t.Errorf("%d sessions ended by the outage (%v)", revoked, err)
		}
	})
}

// sessionCookies lists the console's session cookies.
func sessionCookies(cks []*http.Cookie) string {
	var s []string
	for _, ck := range cks {
		if ck.Name == "hoctap_access" || ck.Name == "hoctap_refresh" {
			s = append(s, ck.Name+"="+ck.Value)
		}
	}
	return strings.Join(s, "; ")
}
