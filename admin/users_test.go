package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
)

// TestUserScope: the viewer is a column, "another province" an ordinary
// row. A manager sees the accounts of their province and none of the
// other's, whatever they search or filter, and cannot open or change one.
func TestUserScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		for _, tc := range []struct {
			viewer      string
			sees, hides []string
		}{
			{"manager", []string{"officer", "officer2", "collaborator", "viewer", "citizen"}, []string{"manager2", "officer4"}},
			{"manager2", []string{"officer4"}, []string{"officer", "officer2", "collaborator", "manager"}},
			{"admin", []string{"officer", "manager2", "officer4"}, nil},
		} {
			t.Run(tc.viewer, func(t *testing.T) {
				b := s.browser(t)
				b.signIn(tc.viewer)
				list := b.get("/admin/users").expect(t, http.StatusOK, "user list").Body
				for _, name := range tc.sees {
					if !listed(list, name) {
						t.Errorf("%s does not see %s", tc.viewer, name)
					}
				}
				for _, name := range tc.hides {
					if listed(list, name) {
						t.Errorf("%s sees %s of another province", tc.viewer, name)
					}
					// Not by a search either, nor by filtering on the other
					// province.
					for _, q := range []string{"?q=" + name, "?scope=" + strconv.Itoa(fx.P2.ID), "?scope=" + strconv.Itoa(fx.P1.ID), "?role=OFFICER"} {
						if p := b.get("/admin/users" + q); listed(p.Body, name) {
							t.Errorf("%s finds %s with %s", tc.viewer, name, q)
						}
					}
					id := strconv.Itoa(fx.Users[name].ID)
					for _, path := range []string{"/admin/users/" + id, "/admin/users/" + id + "/edit"} {
						b.get(path).expect(t, http.StatusNotFound, tc.viewer+" opens "+name)
					}
					b.get("/admin/users")
					if p := b.post("/admin/users/"+id+"/disable", nil); p.Status < 400 {
						t.Errorf("%s disables %s: %d", tc.viewer, name, p.Status)
					}
					if u, _ := db.Client.User.Get(systemCtx(), fx.Users[name].ID); u.Disabled {
						t.Fatalf("%s disabled %s of another province", tc.viewer, name)
					}
				}
			})
		}
	})
}

// listed reports whether a page lists a user (by the link to the account).
func listed(body, username string) bool {
	return regexp.MustCompile(`<a href="/admin/users/\d+">` + regexp.QuoteMeta(username) + `</a>`).MatchString(body)
}

// TestUserSearch: accent-insensitive search, filters and paging.
func TestUserSearch(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("admin")
	for _, tc := range []struct {
		query       string
		sees, hides []string
	}{
		{"?q=nguoi+dung+officer", []string{"officer", "officer2", "officer4"}, []string{"manager"}},
		{"?q=Người+Dùng+manager2", []string{"manager2"}, []string{"manager", "officer"}},
		{"?role=MANAGER", []string{"manager", "manager2"}, []string{"officer", "admin"}},
		{"?scope=" + strconv.Itoa(s.fx.D1.ID), []string{"officer", "officer2", "collaborator", "viewer"}, []string{"manager", "officer4"}},
		{"?disabled=yes", nil, []string{"officer", "admin"}},
	} {
		p := b.get("/admin/users"+tc.query).expect(t, http.StatusOK, tc.query)
		for _, n := range tc.sees {
			if !listed(p.Body, n) {
				t.Errorf("%s: %s missing", tc.query, n)
			}
		}
		for _, n := range tc.hides {
			if listed(p.Body, n) {
				t.Errorf("%s: %s listed", tc.query, n)
			}
		}
	}
}

// TestUserLifecycle creates, edits, disables, enables an account and resets
// its password through the forms, and finds each change in its audit trail.
func TestUserLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		b := s.browser(t)
		b.signIn("manager")
		b.get("/admin/users/new").expect(t, http.StatusOK, "new user form")

		// The scope search (no script) shows the units found and keeps
		// what was typed.
		form := url.Values{"username": {"thu.ky"}, "fullName": {"Lê Thu Kỳ"}, "password": {"thu-ky-password-9"}, "role": {"OFFICER"}, "scopeQuery": {"hoa lac"}, "op": {"search"}}
		p := b.post("/admin/users", form).expect(t, http.StatusOK, "scope search")
		if !strings.Contains(p.Body, `value="`+strconv.Itoa(fx.C2.ID)+`"`) || !strings.Contains(p.Body, `value="Lê Thu Kỳ"`) {
			t.Fatalf("scope search:\n%s", text(p.Body))
		}
		// The other province's units are not offered.
		if p := b.get("/admin/units/options?scopeQuery=minh+hai"); strings.Contains(p.Body, "Minh Hải") {
			t.Fatal("the scope picker offers a unit of another province")
		}
		form.Set("op", "save")
		form.Set("scopeID", strconv.Itoa(fx.C2.ID))
		p = b.post("/admin/users", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.Status, text(p.Body))
		}
		u, err := db.Client.User.Query().Where(user.Username("thu.ky")).Only(systemCtx())
		if err != nil || u.ScopeID != fx.C2.ID || u.Role != "OFFICER" {
			t.Fatalf("created: %+v %v", u, err)
		}
		id := strconv.Itoa(u.ID)
		if p := b.get(p.Location); !strings.Contains(p.Body, "Đã tạo tài khoản thu.ky") {
			t.Fatalf("no flash after creating:\n%s", text(p.Body))
		}

		b.get("/admin/users/" + id + "/edit")
		p = b.post("/admin/users/"+id, url.Values{"fullName": {"Lê Thu Kỳ (sửa)"}, "role": {"COLLABORATOR"}, "scopeID": {strconv.Itoa(fx.V2a.ID)}, "version": {strconv.Itoa(u.Version)}, "op": {"save"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", p.Status, text(p.Body))
		}
		// A stale version is a conflict shown on the form, nothing lost.
		p = b.post("/admin/users/"+id, url.Values{"fullName": {"Stale edit"}, "role": {"COLLABORATOR"}, "scopeID": {strconv.Itoa(fx.V2a.ID)}, "version": {strconv.Itoa(u.Version)}, "op": {"save"}})
		p.expect(t, http.StatusUnprocessableEntity, "stale edit")
		if !strings.Contains(p.Body, `value="Stale edit"`) || !strings.Contains(p.Body, `id="form-error"`) {
			t.Fatalf("stale edit:\n%s", text(p.Body))
		}

		confirm := b.get("/admin/users/"+id+"/disable").expect(t, http.StatusOK, "confirm disable")
		if !strings.Contains(confirm.Body, "Khóa tài khoản?") {
			t.Fatal("no confirmation before disabling")
		}
		b.post("/admin/users/"+id+"/disable", nil).expect(t, http.StatusSeeOther, "disable")
		b.get("/admin/users/" + id)
		b.post("/admin/users/"+id+"/enable", nil).expect(t, http.StatusSeeOther, "enable")
		b.get("/admin/users/" + id + "/reset-password")
		p = b.post("/admin/users/"+id+"/reset-password", nil).expect(t, http.StatusOK, "reset")
		m := regexp.MustCompile(`<code id="temp-password">([^<]+)</code>`).FindStringSubmatch(p.Body)
		if m == nil || p.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("temporary password page:\n%s", text(p.Body))
		}
		if _, err := s.auth.Login(systemCtx(), "thu.ky", m[1]); err != nil {
			t.Fatalf("the temporary password shown does not work: %v", err)
		}

		// Every change is in the account's audit trail, on its page too.
		actions, err := db.Client.AuditLog.Query().Where(auditlog.TargetID(u.ID)).Select(auditlog.FieldAction).Strings(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		page := b.get("/admin/users/" + id).Body
		for _, want := range []string{"user.create", "user.update", "user.disable", "user.enable", "user.reset_password"} {
			found := false
			for _, a := range actions {
				found = found || a == want
			}
			if !found {
				t.Errorf("no %s in the audit log (%v)", want, actions)
			}
		}
		for _, want := range []string{"Tạo tài khoản", "Sửa tài khoản", "Khóa tài khoản", "Mở khóa tài khoản", "Cấp lại mật khẩu"} {
			if !strings.Contains(page, want) {
				t.Errorf("the audit trail on the page lacks %q", want)
			}
		}
	})
}

// TestUserValidation: errors are shown next to their field, naming it, with
// everything typed kept.
func TestUserValidation(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("manager")
	b.get("/admin/users/new")
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"bad username", url.Values{"username": {"Bad Name!"}, "fullName": {"Phạm Văn Đức"}, "password": {"good-password-1"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(s.fx.C1.ID)}}, "username"},
		{"short password", url.Values{"username": {"pham.duc"}, "fullName": {"Phạm Văn Đức"}, "password": {"short"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(s.fx.C1.ID)}}, "password"},
		{"no scope", url.Values{"username": {"pham.duc"}, "fullName": {"Phạm Văn Đức"}, "password": {"good-password-1"}, "role": {"OFFICER"}}, "scopeID"},
		{"role above the manager's", url.Values{"username": {"pham.duc"}, "fullName": {"Phạm Văn Đức"}, "password": {"good-password-1"}, "role": {"ADMIN"}, "scopeID": {strconv.Itoa(s.fx.C1.ID)}}, "role"},
		{"scope in another province", url.Values{"username": {"pham.duc"}, "fullName": {"Phạm Văn Đức"}, "password": {"good-password-1"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(s.fx.C4.ID)}}, "scopeID"},
		{"username taken", url.Values{"username": {"officer2"}, "fullName": {"Phạm Văn Đức"}, "password": {"good-password-1"}, "role": {"OFFICER"}, "scopeID": {strconv.Itoa(s.fx.C1.ID)}}, "username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := b.post("/admin/users", tc.form).expect(t, http.StatusUnprocessableEntity, tc.name)
			if !strings.Contains(p.Body, `id="e-`+tc.field+`"`) {
				t.Errorf("no error next to %s:\n%s", tc.field, text(p.Body))
			}
			if !strings.Contains(p.Body, `value="Phạm Văn Đức"`) {
				t.Errorf("the full name typed was lost")
			}
			if u := tc.form.Get("username"); u != "" && !strings.Contains(p.Body, `value="`+u+`"`) {
				t.Errorf("the username typed was lost")
			}
		})
	}
	if n, _ := s.db.Client.User.Query().Where(user.Username("pham.duc")).Count(systemCtx()); n != 0 {
		t.Fatal("an invalid form created a user")
	}
}
