package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// TestConsoleMounted checks the console as the real server mounts it: its
// pages at /admin/, sign-in with an account of the API, and the exports it
// links to signed in by the console's cookies (no bearer token).
func TestConsoleMounted(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	fx := fixture.Build(t, db.Client)
	db.Close()
	base := startProcess(t, "HOCTAP_DATABASE_URL="+db.DSN, "HOCTAP_DEMO=false", "HOCTAP_ADMIN_PASSWORD=console-admin-pw-1")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	csrfRE := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path, page string, form url.Values) (int, string) {
		t.Helper()
		form.Set("csrf", csrfRE.FindStringSubmatch(page)[1])
		resp, err := c.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, page := get("/admin/")
	if status != http.StatusOK || !strings.Contains(page, "Đăng nhập") {
		t.Fatalf("GET /admin/ anonymously: %d, want the sign-in page", status)
	}
	status, page = post("/admin/login", page, url.Values{"username": {"manager"}, "password": {fixture.Password}})
	if status != http.StatusOK || !strings.Contains(page, "Tổng quan") {
		t.Fatalf("sign in: %d", status)
	}
	_, page = get("/admin/campaigns/new")
	status, page = post("/admin/campaigns", page, url.Values{"provinceID": {itoa(fx.P1.ID)}, "year": {"2026"}})
	if status != http.StatusOK || !strings.Contains(page, "2026") {
		t.Fatalf("create campaign: %d", status)
	}
	link := regexp.MustCompile(`href="(/export/progress\.csv\?[^"]+)"`)
	_, page = get(regexp.MustCompile(`href="(/admin/campaigns/\d+/progress)"`).FindStringSubmatch(page)[1])
	m := link.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the dashboard has no CSV link")
	}
	status, body := get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if status != http.StatusOK || !strings.Contains(body, fx.D1.Name) {
		t.Fatalf("the CSV export through the console's cookies: %d\n%.300s", status, body)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
