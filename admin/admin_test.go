package admin_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hoctap/admin"
	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/evaluation"
	"hoctap/ent/privacy"
	"hoctap/internal/auth"
	"hoctap/internal/cycle"
	"hoctap/internal/fixture"
	"hoctap/internal/importjob"
	"hoctap/internal/middleware"
	"hoctap/internal/store"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// testKey signs the tests' access tokens.
var testKey = []byte("console-test-key-0123456789abcdef")

// server is the console served over HTTP, as server.go mounts it: the
// console's routes, and a stand-in for the exports that says who the
// viewer is, behind the same middleware chain.
type server struct {
	*httptest.Server
	db      *store.DB
	fx      *fixture.Fixture
	auth    *auth.Service
	imports *importjob.Runner
}

func newServer(t testing.TB, db *store.DB) *server { return newServerUpload(t, db, 0) }

// newServerUpload is newServer taking lists of up to maxUpload bytes (the
// runner's default if 0).
func newServerUpload(t testing.TB, db *store.DB, maxUpload int64) *server {
	t.Helper()
	fx := fixture.Build(t, db.Client)
	svc, err := auth.NewService(db.Client, testKey, auth.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	// The import runner's steps end with the test, before its database
	// closes (cleanups run last first).
	jobs, stopJobs := context.WithCancel(context.Background())
	runner := importjob.New(jobs, db.Client, db.Dialect, log, importjob.Options{TmpDir: t.TempDir(), MaxFileSize: maxUpload})
	t.Cleanup(func() { stopJobs(); runner.Wait() })
	console := admin.New(db.Client, svc, admin.Options{Logger: log, Dialect: db.Dialect, Imports: runner, MaxUpload: maxUpload})
	mux := http.NewServeMux()
	console.Routes(mux)
	mux.HandleFunc("GET /export/whoami", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, viewer.FromContext(r.Context()).String())
	})
	h := middleware.Chain(mux,
		middleware.Recover(log),
		middleware.RequestInfo(nil),
		middleware.SecurityHeaders,
		middleware.Bearer(svc, log),
		console.Session,
	)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &server{Server: srv, db: db, fx: fx, auth: svc, imports: runner}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see each answer, and remembers the last page's anti-forgery
// token as a browser's form would carry it.
type browser struct {
	t    testing.TB
	s    *server
	c    *http.Client
	csrf string
}

func (s *server) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is an answer.
type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	p := page{Status: res.StatusCode, Body: string(body), Location: res.Header.Get("Location"), Header: res.Header}
	if m := csrfRE.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.URL+path, nil)
	return b.do(req)
}

// post sends a form with the anti-forgery token of the last page.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, set := f["csrf"]; !set {
		f.Set("csrf", b.csrf)
	}
	return b.postRaw(path, f)
}

// postRaw sends a form as it is.
func (b *browser) postRaw(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in through the form and expects the console.
func (b *browser) signIn(username string) {
	b.t.Helper()
	b.get("/admin/login")
	p := b.post("/admin/login", url.Values{"username": {username}, "password": {fixture.Password}})
	if p.Status != http.StatusSeeOther || p.Location != "/admin/" {
		b.t.Fatalf("sign in as %s: %d %s\n%s", username, p.Status, p.Location, text(p.Body))
	}
	b.get("/admin/")
}

// expect fails unless the answer has the status.
func (p page) expect(t testing.TB, status int, what string) page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d (location %q)\n%s", what, p.Status, status, p.Location, text(p.Body))
	}
	return p
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>|\s+`)

// text is a page's visible text, roughly, for failure messages.
func text(html string) string {
	s := tagRE.ReplaceAllString(html, " ")
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

// as runs f in a transaction as a fixture user, as a request would.
func as(t testing.TB, db *store.DB, fx *fixture.Fixture, user string, f func(ctx context.Context) error) {
	t.Helper()
	ctx := fx.As(context.Background(), user)
	tx, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctx = ent.NewContext(ent.NewTxContext(ctx, tx), tx.Client())
	if err := f(ctx); err != nil {
		tx.Rollback()
		t.Fatalf("as %s: %v", user, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// seedCampaign runs a campaign of province P1 through the cycle with the
// domain functions, up to recognition: every household registers and
// passes; in district D1 five of six are recognised (83%, above the 70%
// target), in D2 none (0%), so the dashboard has a unit that meets the
// target and one that misses it.
func seedCampaign(t testing.TB, db *store.DB, fx *fixture.Fixture, year int) *ent.Campaign {
	t.Helper()
	var camp *ent.Campaign
	as(t, db, fx, "admin", func(ctx context.Context) (err error) {
		camp, err = cycle.CreateCampaign(ctx, cycle.CampaignInput{ProvinceID: fx.P1.ID, Year: year})
		return err
	})
	advance := func(from, want campaign.Phase) {
		as(t, db, fx, "manager", func(ctx context.Context) error {
			c, err := cycle.Advance(ctx, camp.ID, from, "seed", nil)
			if err == nil && c.Phase != want {
				err = fmt.Errorf("phase %s, want %s", c.Phase, want)
			}
			return err
		})
	}
	advance(campaign.PhasePLANNING, campaign.PhaseREGISTRATION)
	type reg struct {
		id   int
		user string
	}
	var regs []reg
	for _, v := range []struct {
		village *ent.AdminUnit
		user    string
	}{{fx.V1a, "officer"}, {fx.V1b, "officer"}, {fx.V2a, "officer2"}, {fx.V3a, "admin"}} {
		for _, h := range fx.Households[v.village.Code] {
			as(t, db, fx, v.user, func(ctx context.Context) error {
				r, err := cycle.Register(ctx, camp.ID, h.ID, titles.Family)
				if err == nil {
					regs = append(regs, reg{r.ID, v.user})
				}
				return err
			})
		}
	}
	advance(campaign.PhaseREGISTRATION, campaign.PhaseEVALUATION)
	for _, r := range regs {
		as(t, db, fx, r.user, func(ctx context.Context) error {
			_, _, err := cycle.Evaluate(ctx, r.id, cycle.EvaluationInput{Kind: evaluation.KindFINAL,
				Scores: []cycle.Score{{Code: "TC1", Points: 30}, {Code: "TC2", Points: 25}, {Code: "TC3", Points: 15}, {Code: "TC4", Points: 10}}})
			return err
		})
	}
	advance(campaign.PhaseEVALUATION, campaign.PhaseRECOGNITION)
	recognize := func(user, number string, ids ...int) {
		as(t, db, fx, user, func(ctx context.Context) error {
			_, _, err := cycle.Recognize(ctx, ids, cycle.DecisionInput{Number: number, Date: time.Now().Add(-time.Hour), Signer: "Chủ tịch UBND xã"})
			return err
		})
	}
	recognize("officer", "1/QĐ-UBND", regs[0].id, regs[1].id, regs[2].id, regs[3].id) // C1: V1a, V1b
	recognize("officer2", "2/QĐ-UBND", regs[4].id)                                    // C2: one of V2a's two
	return camp
}

// systemCtx reads the database as the system, to check what a test did.
func systemCtx() context.Context {
	return privacy.DecisionContext(context.Background(), privacy.Allow)
}
