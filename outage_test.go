package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoctap/ent/privacy"
	"hoctap/ent/session"
	"hoctap/internal/config"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// The phases of TestDatabaseOutage. An answer counts as belonging to a phase
// only when its request both started and ended in it.
const (
	phaseUp int32 = iota
	phaseStopping
	phaseDown
	phaseStarting
	phaseRecovered
)

var phaseNames = []string{"up", "stopping", "down", "starting", "recovered"}

// outageMessage is part of the Vietnamese UNAVAILABLE message.
const outageMessage = "không truy cập được cơ sở dữ liệu"

// outageDeadline bounds every wait of TestDatabaseOutage; the test takes a
// few seconds, so reaching it means something hangs.
const outageDeadline = 60 * time.Second

// TestDatabaseOutage stops a PostgreSQL of the test's own (never the shared
// one) under load from API clients and a console admin, and starts it
// again, with the server as main builds it. While it is down every answer
// is UNAVAILABLE (503 with Retry-After), never UNAUTHENTICATED nor a trip
// to the sign-in page; sign-in and refresh say UNAVAILABLE too; the
// console's cookies are kept; no session is revoked; and once it is back
// the same tokens and cookies work again without restarting the server.
func TestDatabaseOutage(t *testing.T) {
	pg := dbtest.StartPostgres(t)
	ctx := context.Background()
	db, err := store.Open(ctx, pg.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fixture.Build(t, db.Client)
	db.Close()

	env := map[string]string{"HOCTAP_DATABASE_URL": pg.URL, "HOCTAP_DEMO": "false", "HOCTAP_ADMIN_PASSWORD": "outage-admin-pw-1"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(outageLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := newServer(ctx, cfg, log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.db.Close() })
	ts := httptest.NewServer(srv.handler)
	t.Cleanup(ts.Close)
	c := &outageClient{base: ts.URL, http: &http.Client{
		Timeout:       outageDeadline,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}

	// Sign in: three API users who read under load, one whose refresh token
	// is tried during the outage, and an admin in the console.
	tokens := map[string]outageTokens{}
	for _, u := range []string{"officer", "manager", "collaborator", "viewer"} {
		a := c.graphql("", loginMutation, map[string]any{"u": u, "p": fixture.Password})
		if a.err != nil || a.code != "" {
			t.Fatalf("sign in %s: %+v", u, a)
		}
		var p struct{ Login outageTokens }
		json.Unmarshal([]byte(a.data), &p)
		tokens[u] = p.Login
	}
	console := c.signInConsole(t, "admin")
	cookiesBefore := console.cookies()

	var (
		phase   atomic.Int32
		mu      sync.Mutex
		answers []outageAnswer
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	readers := map[string]func() outageAnswer{
		"console admin": func() outageAnswer { return console.get("/admin/users") },
	}
	for _, u := range []string{"officer", "manager", "collaborator"} {
		token := tokens[u].AccessToken
		readers["API "+u] = func() outageAnswer { return c.graphql(token, readQuery, nil) }
	}
	for name, read := range readers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				from, start := phase.Load(), time.Now()
				a := read()
				a.who, a.from, a.to, a.start = name, from, phase.Load(), start
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
			}
		})
	}
	stopReaders := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopReaders)
	// waitEach waits until every reader has an answer within phase p that
	// satisfies ok, n times. It stops at the first answer that is neither a
	// read nor UNAVAILABLE: a signed-out reader would never recover.
	waitEach := func(p int32, n int, ok func(outageAnswer) bool) {
		t.Helper()
		deadline := time.Now().Add(outageDeadline)
		for {
			count := map[string]int{}
			var wrong *outageAnswer
			mu.Lock()
			for i, a := range answers {
				if a.from == p && a.to == p && ok(a) {
					count[a.who]++
				}
				if !a.ok() && a.code != "UNAVAILABLE" && wrong == nil {
					wrong = &answers[i]
				}
			}
			mu.Unlock()
			if wrong != nil {
				t.Fatalf("%s, %s → %s: %+v, want a read or UNAVAILABLE", wrong.who, phaseNames[wrong.from], phaseNames[wrong.to], *wrong)
			}
			done := true
			for name := range readers {
				done = done && count[name] >= n
			}
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %v, answers per reader while %s: %v, want %d each", outageDeadline, phaseNames[p], count, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	anything := func(outageAnswer) bool { return true }

	waitEach(phaseUp, 2, anything)
	phase.Store(phaseStopping)
	pg.Stop(t)
	downAt := time.Now()
	phase.Store(phaseDown)
	waitEach(phaseDown, 3, anything)
	// For --account-cache-ttl after the database stopped, a session read
	// just before is still known: its request runs, and fails on its fields
	// (UNAVAILABLE, status 200, README). From then on nothing can be
	// checked and every request is refused before it runs.
	remembered := func(a outageAnswer) bool { return a.start.Sub(downAt) < cfg.AccountCacheTTL }
	time.Sleep(time.Until(downAt.Add(cfg.AccountCacheTTL)))

	// Sign-in and refresh fail for the database, not for the credentials,
	// and the refresh token is not spent: it works once the database is back.
	for _, tc := range []struct {
		what   string
		answer outageAnswer
	}{
		{"login", c.graphql("", loginMutation, map[string]any{"u": "officer", "p": fixture.Password})},
		{"login with a wrong password", c.graphql("", loginMutation, map[string]any{"u": "officer", "p": "wrong password"})},
		{"refreshSession", c.graphql("", refreshMutation, map[string]any{"t": tokens["viewer"].RefreshToken})},
		{"export with a bearer token", c.get(tokens["manager"].AccessToken, "/export/progress.csv?campaign=1&unit=1")},
		{"export with the console's cookies", console.get("/export/progress.csv?campaign=1&unit=1")},
		{"evidence download with a bearer token", c.get(tokens["officer"].AccessToken, "/files/evidence/1")},
		{"printable record with a bearer token", c.get(tokens["officer"].AccessToken, "/files/record/1")},
		{"console sign-in page", console.get("/admin/login")},
	} {
		if tc.answer.code != "UNAVAILABLE" {
			t.Errorf("%s while the database is down: %+v, want UNAVAILABLE", tc.what, tc.answer)
		}
	}
	if a := c.get("", "/readyz"); a.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is down: %d", a.status)
	}

	phase.Store(phaseStarting)
	pg.Start(t)
	phase.Store(phaseRecovered)
	waitEach(phaseRecovered, 1, outageAnswer.ok)
	stopReaders()

	mu.Lock()
	defer mu.Unlock()
	seen := map[string]int{}
	for _, a := range answers {
		seen[phaseNames[a.from]+"→"+phaseNames[a.to]+" "+a.kind()]++
		switch {
		case a.from == phaseUp && a.to == phaseUp && !a.ok():
			t.Errorf("%s before the outage: %+v", a.who, a)
		case a.from == phaseDown && a.to == phaseDown && remembered(a) && a.code != "UNAVAILABLE":
			t.Errorf("%s while the database is down, its session remembered: %+v, want UNAVAILABLE", a.who, a)
		case a.from == phaseDown && a.to == phaseDown && !remembered(a) && !a.unavailable():
			t.Errorf("%s while the database is down: %+v, want 503 UNAVAILABLE with Retry-After", a.who, a)
		case !a.ok() && a.code != "UNAVAILABLE":
			t.Errorf("%s, %s → %s: %+v, want a read or UNAVAILABLE", a.who, phaseNames[a.from], phaseNames[a.to], a)
		}
	}
	t.Logf("answers: %v", seen)

	// The same tokens and cookies work again, and no session was ended.
	for _, u := range []string{"officer", "manager", "collaborator"} {
		if a := c.graphql(tokens[u].AccessToken, readQuery, nil); !a.ok() {
			t.Errorf("API %s after the outage: %+v", u, a)
		}
	}
	if a := c.graphql("", refreshMutation, map[string]any{"t": tokens["viewer"].RefreshToken}); !a.ok() {
		t.Errorf("refreshSession after the outage with the token tried during it: %+v", a)
	}
	if a := console.get("/admin/users"); !a.ok() {
		t.Errorf("console after the outage: %+v", a)
	}
	if after := console.cookies(); after != cookiesBefore {
		t.Errorf("the console's cookies changed across the outage:\nbefore %s\nafter  %s", cookiesBefore, after)
	}
	revoked, err := srv.db.Client.Session.Query().Where(session.RevokedAtNotNil()).Count(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil || revoked != 0 {
		t.Errorf("%d sessions revoked by the outage (%v)", revoked, err)
	}
}

const (
	loginMutation   = `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken refreshToken } }`
	refreshMutation = `mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken } }`
	readQuery       = `{ me { username } learningUnits(first: 3) { totalCount } }`
)

type outageTokens struct{ AccessToken, RefreshToken string }

// outageAnswer is one answer, reduced to what the test judges.
type outageAnswer struct {
	who        string
	from, to   int32
	status     int
	code       string // the GraphQL or export error code; UNAVAILABLE for the console's outage page
	retryAfter string
	location   string
	data       string
	err        error
	// start is when the request was sent.
	start time.Time
}

func (a outageAnswer) ok() bool { return a.err == nil && a.status == http.StatusOK && a.code == "" }

// unavailable: an answer refused for the outage, as a plain HTTP status
// clients and proxies retry on.
func (a outageAnswer) unavailable() bool {
	return a.err == nil && a.status == http.StatusServiceUnavailable && a.code == "UNAVAILABLE" && a.retryAfter != ""
}

func (a outageAnswer) kind() string {
	switch {
	case a.ok():
		return "ok"
	case a.code != "":
		return fmt.Sprintf("%d %s", a.status, a.code)
	}
	return fmt.Sprintf("%d", a.status)
}

type outageClient struct {
	base string
	http *http.Client
	jar  http.CookieJar
}

func (c *outageClient) do(req *http.Request) (outageAnswer, []byte) {
	resp, err := c.http.Do(req)
	if err != nil {
		return outageAnswer{err: err}, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return outageAnswer{
		status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"),
		location: resp.Header.Get("Location"), err: err,
	}, b
}

// graphql runs a GraphQL request with an optional bearer token.
func (c *outageClient) graphql(token, query string, vars map[string]any) outageAnswer {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	a, b := c.do(req)
	if a.err != nil {
		return a
	}
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		a.err = fmt.Errorf("not a GraphQL response: %.200s", b)
		return a
	}
	a.data = string(r.Data)
	if len(r.Errors) > 0 {
		a.code = r.Errors[0].Extensions.Code
	}
	return a
}

// get fetches a path with an optional bearer token; the code of an export's
// JSON error, or UNAVAILABLE for the console's outage page, is read from the
// body.
func (c *outageClient) get(token, path string) outageAnswer {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	a, b := c.do(req)
	if a.err != nil || a.status == http.StatusOK {
		return a
	}
	var e struct{ Error struct{ Code string } }
	if json.Unmarshal(b, &e) == nil {
		a.code = e.Error.Code
	} else if a.status == http.StatusServiceUnavailable && strings.Contains(string(b), outageMessage) {
		a.code = "UNAVAILABLE"
	}
	return a
}

// consoleBrowser is a browser signed in to the console.
type consoleBrowser struct {
	c *outageClient
	u *url.URL
}

var outageCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *outageClient) signInConsole(t *testing.T, username string) *consoleBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := *c.http
	hc.Jar = jar
	b := &consoleBrowser{c: &outageClient{base: c.base, http: &hc, jar: jar}}
	b.u, _ = url.Parse(c.base + "/")
	req, _ := http.NewRequest(http.MethodGet, c.base+"/admin/login", nil)
	a, page := b.c.do(req)
	m := outageCSRF.FindSubmatch(page)
	if a.status != http.StatusOK || m == nil {
		t.Fatalf("console sign-in page: %+v", a)
	}
	form := url.Values{"username": {username}, "password": {fixture.Password}, "csrf": {string(m[1])}}
	req, _ = http.NewRequest(http.MethodPost, c.base+"/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a, _ := b.c.do(req); a.status != http.StatusSeeOther || a.location != "/admin/" {
		t.Fatalf("console sign-in: %+v", a)
	}
	return b
}

// get loads a console page (or an export it links to). A redirect to the
// sign-in page is a sign-out, the failure this test is about.
func (b *consoleBrowser) get(path string) outageAnswer {
	a := b.c.get("", path)
	if strings.HasPrefix(a.location, "/admin/login") {
		a.code = "SIGNED_OUT"
	}
	return a
}

// cookies lists the session cookies the browser holds.
func (b *consoleBrowser) cookies() string {
	var s []string
	for _, ck := range b.c.jar.Cookies(b.u) {
		if strings.HasPrefix(ck.Name, "hoctap_access") || strings.HasPrefix(ck.Name, "hoctap_refresh") {
			s = append(s, ck.Name+"="+ck.Value)
		}
	}
	return strings.Join(s, "; ")
}

type outageLog struct{ t testing.TB }

func (w outageLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
