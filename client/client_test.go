package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hoctap/client"
	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/graph"
	"hoctap/internal/auth"
	"hoctap/internal/changes"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/middleware"
	"hoctap/internal/store"
)

// feedPatience is how long a test waits for changes the feed holds back: on
// PostgreSQL the feed reads only transactions older than every one still
// running on the server, another test's included (graph/changes_test.go).
const feedPatience = 5 * time.Minute

// serve starts the API as the server builds it (graph handler behind the
// request-info and bearer middleware) and returns its GraphQL endpoint.
func serve(t *testing.T, db *store.DB) string {
	t.Helper()
	svc, err := auth.NewService(db.Client, []byte("client-test-signing-key-0123456789"), auth.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	mux.Handle("/query", graph.NewHandler(&graph.Resolver{Client: db.Client, Auth: svc, Dialect: db.Dialect}, graph.Options{Logger: log}))
	srv := httptest.NewServer(middleware.Chain(mux, middleware.RequestInfo(nil), middleware.Bearer(svc, log)))
	t.Cleanup(srv.Close)
	return srv.URL + "/query"
}

// network is the phone's signal: online, offline (nothing leaves the
// phone), or losing answers (the request reaches the server and is served,
// the answer never arrives).
type network struct {
	mode atomic.Int32
	next http.RoundTripper
}

const (
	online = iota
	offline
	losingAnswers
)

var (
	errNoSignal   = errors.New("no signal")
	errAnswerLost = errors.New("connection reset: the answer was lost")
)

func (n *network) RoundTrip(r *http.Request) (*http.Response, error) {
	switch n.mode.Load() {
	case offline:
		return nil, errNoSignal
	case losingAnswers:
		resp, err := n.next.RoundTrip(r)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return nil, errAnswerLost
	}
	return n.next.RoundTrip(r)
}

// signIn returns an online client of a fixture user with a store in memory.
func signIn(t *testing.T, url, user string) *client.Client {
	t.Helper()
	c := client.New(url, client.NewStore())
	if _, err := c.SignIn(context.Background(), user, fixture.Password); err != nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
	return c
}

// do runs a document that must succeed.
func do(t *testing.T, c *client.Client, doc string, vars map[string]any, out any) {
	t.Helper()
	if err := c.Do(context.Background(), doc, vars, out); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
}

func gid(n int) string { return strconv.Itoa(n) }

func systemCtx() context.Context {
	return privacy.DecisionContext(context.Background(), privacy.Allow)
}

// scores of the family criteria: 80 passes, 70 fails.
func scores(pass bool) []client.Score {
	tc4 := 10.0
	if !pass {
		tc4 = 0
	}
	return []client.Score{{Code: "TC1", Points: 30}, {Code: "TC2", Points: 25}, {Code: "TC3", Points: 15}, {Code: "TC4", Points: tc4}}
}

// serverState is what the officer of C1 must hold, read from the database:
// one line per object, by global id.
func serverState(t *testing.T, db *store.DB, fx *fixture.Fixture) map[string]string {
	t.Helper()
	ctx := systemCtx()
	s := map[string]string{}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, u := range []*ent.AdminUnit{fx.Country, fx.P1, fx.D1, fx.C1, fx.V1a, fx.V1b} {
		s[gid(u.ID)] = "AdminUnit " + u.Name
	}
	cs, err := db.Campaign.Query().Where(campaign.ProvinceID(fx.P1.ID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		s[gid(c.ID)] = fmt.Sprintf("Campaign v%d %s", c.Version, c.Phase)
	}
	lus, err := db.LearningUnit.Query().Where(learningunit.AdminPathHasPrefix(fx.C1.Path), learningunit.ArchivedAtIsNil()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range lus {
		parent := ""
		if u.ParentID != nil {
			parent = gid(*u.ParentID)
		}
		s[gid(u.ID)] = fmt.Sprintf("LearningUnit v%d %s %q phone=%s parent=%s unit=%d client=%s", u.Version, u.Kind, u.Name, u.Phone, parent, u.AdminUnitID, str(u.ClientID))
	}
	regs, err := db.Registration.Query().Where(registration.AdminPathHasPrefix(fx.C1.Path)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regs {
		result := ""
		if r.Result != nil {
			result = string(*r.Result)
		}
		s[gid(r.ID)] = fmt.Sprintf("Registration v%d %s %s result=%s unit=%d campaign=%d client=%s", r.Version, r.Title, r.Status, result, r.LearningUnitID, r.CampaignID, str(r.ClientID))
	}
	evs, err := db.Evaluation.Query().Where(evaluation.HasRegistrationWith(registration.AdminPathHasPrefix(fx.C1.Path))).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		s[gid(e.ID)] = fmt.Sprintf("Evaluation %s total=%g %s registration=%d client=%s", e.Kind, e.Total, e.Result, e.RegistrationID, str(e.ClientID))
	}
	return s
}

// localState is the same lines from what the phone holds.
func localState(st *client.Store) map[string]string {
	s := map[string]string{}
	for id, o := range st.Objects() {
		switch o.Typename() {
		case "AdminUnit":
			s[id] = "AdminUnit " + o.String("name")
		case "Campaign":
			s[id] = fmt.Sprintf("Campaign v%d %s", o.Version(), o.String("phase"))
		case "LearningUnit":
			s[id] = fmt.Sprintf("LearningUnit v%d %s %q phone=%s parent=%s unit=%s client=%s", o.Version(), o.String("kind"), o.String("name"),
				o.String("phone"), o.Ref("parent"), o.Ref("adminUnit"), o.String("clientID"))
		case "Registration":
			s[id] = fmt.Sprintf("Registration v%d %s %s result=%s unit=%s campaign=%s client=%s", o.Version(), o.String("title"), o.String("status"),
				o.String("result"), o.Ref("learningUnit"), o.Ref("campaign"), o.String("clientID"))
		case "Evaluation":
			total, _ := o["total"].(float64)
			s[id] = fmt.Sprintf("Evaluation %s total=%g %s registration=%s client=%s", o.String("evaluationKind"), total, o.String("evaluationResult"),
				o.Ref("registration"), o.String("clientID"))
		default:
			s[id] = o.Typename() + " (not expected in a commune's store)"
		}
	}
	return s
}

// diff lists the lines two states disagree on.
func diff(got, want map[string]string) string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(want)) {
		if got[id] != want[id] {
			fmt.Fprintf(&b, "\n  %s: phone holds %q, server %q", id, got[id], want[id])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[id]; !ok {
			fmt.Fprintf(&b, "\n  %s: phone holds %q, server nothing", id, got[id])
		}
	}
	return b.String()
}

// syncUntilCurrent syncs c until its store equals the server's state. On
// PostgreSQL the feed may hold the latest changes back for a while (see
// feedPatience); they come, never lost.
func syncUntilCurrent(t *testing.T, c *client.Client, db *store.DB, fx *fixture.Fixture) {
	t.Helper()
	for deadline := time.Now().Add(feedPatience); ; time.Sleep(50 * time.Millisecond) {
		if err := c.Sync(context.Background()); err != nil {
			t.Fatalf("sync: %v", err)
		}
		d := diff(localState(c.Store), serverState(t, db, fx))
		if d == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the phone's store differs from the server:%s", d)
		}
	}
}

// byClientID finds the object of the store made by a create with clientID.
func byClientID(t *testing.T, st *client.Store, clientID string) client.Object {
	t.Helper()
	for _, o := range st.Objects() {
		if o.String("clientID") == clientID {
			return o
		}
	}
	t.Fatalf("the store holds nothing of client id %s", clientID)
	return nil
}

const (
	createCampaignM = `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`
	advanceM        = `mutation($c: ID!, $f: CampaignPhase!) { advanceCampaign(input: {id: $c, from: $f}) { campaign { phase } } }`
	lateM           = `mutation($c: ID!) { updateCampaign(input: {id: $c, allowLateRegistration: true}) { campaign { id } } }`
	registerM       = `mutation($c: ID!, $u: ID!) { register(input: {campaignID: $c, learningUnitID: $u, title: LEARNING_FAMILY}) { registration { id } } }`
	phoneM          = `mutation($id: ID!, $p: String!) { updateLearningUnit(input: {id: $id, phone: $p}) { learningUnit { version } } }`
)

// TestOfflineScenario runs the reference client as a commune officer's
// phone: sign in, sync the commune, go offline, queue a new household with
// its members, registrations and evaluations (one of a registration queued
// in the same session) and phone numbers, restart the phone, push with the
// answer lost, push again (nothing doubled), resolve the conflicts a
// village collaborator's online edits caused, and sync back to exactly the
// server's state. A backup of the phone's queue replayed afterwards
// changes nothing, and an expired cursor or one of another server resyncs.
func TestOfflineScenario(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fx := fixture.Build(t, db.Client)
		url := serve(t, db)

		// The province's campaign, in evaluation with late registration
		// allowed; the village collaborator registered one household online.
		manager, collaborator := signIn(t, url, "manager"), signIn(t, url, "collaborator")
		var cc struct {
			CreateCampaign struct{ Campaign struct{ ID string } }
		}
		do(t, manager, createCampaignM, map[string]any{"p": gid(fx.P1.ID)}, &cc)
		camp := cc.CreateCampaign.Campaign.ID
		do(t, manager, advanceM, map[string]any{"c": camp, "f": "PLANNING"}, nil)
		var reg struct {
			Register struct{ Registration struct{ ID string } }
		}
		v1a, v1b := fx.Households[fx.V1a.Code], fx.Households[fx.V1b.Code]
		do(t, collaborator, registerM, map[string]any{"c": camp, "u": gid(v1a[1].ID)}, &reg)
		regB := reg.Register.Registration.ID
		do(t, manager, lateM, map[string]any{"c": camp}, nil)
		do(t, manager, advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)

		// The officer's phone signs in and syncs the commune.
		phoneFile := filepath.Join(t.TempDir(), "phone.json")
		st, err := client.OpenStore(phoneFile)
		if err != nil {
			t.Fatal(err)
		}
		signal := &network{next: http.DefaultTransport}
		phone := client.New(url, st)
		phone.HTTP = &http.Client{Transport: signal}
		user, err := phone.SignIn(ctx, "officer", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		if user.Scope.ID != gid(fx.C1.ID) || user.Role != "OFFICER" {
			t.Fatalf("signed in as %+v, want the officer of C1", user)
		}
		if err := phone.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if d := diff(localState(st), serverState(t, db, fx)); d != "" {
			t.Fatalf("after the first sync the phone differs from the server:%s", d)
		}
		households, members := 0, 0
		for _, o := range st.Objects() {
			switch {
			case o.String("kind") == "HOUSEHOLD":
				households++
			case o.String("kind") == "CITIZEN" && o.Ref("parent") != "":
				members++
			}
		}
		if r, _ := st.Get(regB); households != 4 || members != 8 || r.Ref("learningUnit") != gid(v1a[1].ID) || r.String("status") != "REGISTERED" {
			t.Fatalf("the phone holds %d households, %d members and registration %v; want 4, 8 and the collaborator's", households, members, r)
		}

		// Offline: nothing leaves the phone, everything is queued.
		signal.mode.Store(offline)
		newHH, err := phone.CreateHousehold(gid(fx.V1b.ID), "Hộ Lê Văn Mới", "Lê Văn Mới", "Trần Thị Mai")
		if err != nil {
			t.Fatal(err)
		}
		regNew, err := phone.Register(camp, client.ByClientID(newHH), "LEARNING_FAMILY")
		if err != nil {
			t.Fatal(err)
		}
		regA, err := phone.Register(camp, client.ByID(gid(v1b[0].ID)), "LEARNING_FAMILY")
		if err != nil {
			t.Fatal(err)
		}
		var evNew, evA, evB string
		for _, e := range []struct {
			id   *string
			reg  client.Ref
			pass bool
		}{{&evNew, client.ByClientID(regNew), true}, {&evA, client.ByClientID(regA), false}, {&evB, client.ByID(regB), true}} {
			if *e.id, err = phone.Evaluate(e.reg, "FINAL", scores(e.pass)); err != nil {
				t.Fatal(err)
			}
		}
		phones := map[*ent.LearningUnit]string{v1a[0]: "0912000001", v1a[1]: "0912000002", v1b[1]: "0912000003"}
		for _, u := range []*ent.LearningUnit{v1a[0], v1a[1], v1b[1]} {
			if err := phone.UpdateLearningUnit(gid(u.ID), map[string]any{"phone": phones[u]}); err != nil {
				t.Fatal(err)
			}
		}
		const queued = 3 + 2 + 3 + 3 // household and members, registrations, evaluations, phones
		if _, err := phone.Push(ctx); !errors.Is(err, errNoSignal) || len(st.Outbox()) != queued {
			t.Fatalf("push offline: %v with %d queued, want no signal and %d queued", err, len(st.Outbox()), queued)
		}
		if err := phone.Sync(ctx); !errors.Is(err, errNoSignal) {
			t.Fatalf("sync offline: %v", err)
		}

		// Meanwhile the village collaborator, online, changes the phone
		// numbers of two households the officer edited offline.
		do(t, collaborator, phoneM, map[string]any{"id": gid(v1a[0].ID), "p": "0987000001"}, nil)
		do(t, collaborator, phoneM, map[string]any{"id": gid(v1a[1].ID), "p": "0987000002"}, nil)

		// The phone restarts: its store and queue come back from the file,
		// its session from secure storage. A backup of the file is kept for
		// the replay at the end.
		backup := filepath.Join(t.TempDir(), "backup.json")
		if b, err := os.ReadFile(phoneFile); err != nil || os.WriteFile(backup, b, 0o600) != nil {
			t.Fatalf("back up the phone: %v", err)
		}
		if st, err = client.OpenStore(phoneFile); err != nil {
			t.Fatal(err)
		}
		session := phone.Session()
		phone = client.New(url, st)
		phone.HTTP = &http.Client{Transport: signal}
		phone.Resume(session)
		if got := len(st.Outbox()); got != queued {
			t.Fatalf("after the restart the outbox holds %d, want %d", got, queued)
		}

		// The signal returns, but the answer of the first push is lost: the
		// server applied the queue, the phone keeps it.
		signal.mode.Store(losingAnswers)
		if _, err := phone.Push(ctx); !errors.Is(err, errAnswerLost) || len(st.Outbox()) != queued {
			t.Fatalf("push with the answer lost: %v, %d queued; want the loss and %d queued", err, len(st.Outbox()), queued)
		}
		if n, err := db.LearningUnit.Query().Where(learningunit.ClientID(newHH)).Count(systemCtx()); err != nil || n != 1 {
			t.Fatalf("the lost push made %d households (%v), want 1", n, err)
		}
		signal.mode.Store(online)
		before := dbtest.QueueSnapshot(t, db)
		res, err := phone.Push(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after := dbtest.QueueSnapshot(t, db); after != before {
			t.Errorf("pushing the queue again changed the database:\nbefore %s\nafter  %s", before, after)
		}
		if res.Applied != 0 || res.AlreadyApplied != queued-2 || len(res.Refused) != 0 || len(res.Conflicts) != 2 {
			t.Fatalf("second push: %+v; want %d already applied and 2 conflicts", res, queued-2)
		}
		if len(st.Outbox()) != 0 || len(st.Conflicts()) != 2 {
			t.Fatalf("after the push: outbox %v, conflicts %v", st.Outbox(), st.Conflicts())
		}

		// Each conflict shows both versions: the collaborator's on the
		// server, one version on, and the officer's on the version synced.
		conflicts := map[string]client.Conflict{}
		for _, cf := range st.Conflicts() {
			conflicts[cf.Server.ID()] = cf
		}
		for u, server := range map[*ent.LearningUnit]string{v1a[0]: "0987000001", v1a[1]: "0987000002"} {
			cf := conflicts[gid(u.ID)]
			if cf.Server.String("phone") != server || cf.Server.Version() != u.Version+1 ||
				cf.Mine.String("phone") != phones[u] || cf.Mine.Version() != u.Version || cf.Mine.String("name") != u.Name || cf.Message == "" {
				t.Errorf("conflict on %s: server %v, mine %v, %q; want %s at version %d against %s at %d",
					u.Name, cf.Server, cf.Mine, cf.Message, server, u.Version+1, phones[u], u.Version)
			}
		}
		// The officer keeps their number for the first, takes the
		// collaborator's for the second.
		if err := phone.KeepMine(conflicts[gid(v1a[0].ID)].Op.OpID); err != nil {
			t.Fatal(err)
		}
		if err := phone.TakeServer(conflicts[gid(v1a[1].ID)].Op.OpID); err != nil {
			t.Fatal(err)
		}
		if res, err := phone.Push(ctx); err != nil || res.Applied != 1 || len(res.Conflicts)+len(res.Refused) != 0 {
			t.Fatalf("push after resolving: %+v, %v; want the kept change applied", res, err)
		}

		// Synced again, the phone holds what the server holds.
		syncUntilCurrent(t, phone, db, fx)
		for u, want := range map[*ent.LearningUnit]string{v1a[0]: "0912000001", v1a[1]: "0987000002", v1b[1]: "0912000003"} {
			if o, _ := st.Get(gid(u.ID)); o.String("phone") != want {
				t.Errorf("%s has phone %q, want %s", u.Name, o.String("phone"), want)
			}
		}
		hh := byClientID(t, st, newHH)
		n := 0
		for _, o := range st.Objects() {
			if o.Ref("parent") == hh.ID() {
				n++
			}
		}
		if n != 2 {
			t.Errorf("the new household has %d members, want 2", n)
		}
		rb, _ := st.Get(regB)
		for _, r := range []struct {
			reg    client.Object
			ev     string
			result string
		}{{byClientID(t, st, regNew), evNew, "PASSED"}, {byClientID(t, st, regA), evA, "FAILED"}, {rb, evB, "PASSED"}} {
			if ev := byClientID(t, st, r.ev); r.reg.String("status") != "EVALUATED" || r.reg.String("result") != r.result || ev.Ref("registration") != r.reg.ID() {
				t.Errorf("registration %v with evaluation %v, want EVALUATED %s", r.reg, ev, r.result)
			}
		}
		if o := byClientID(t, st, regNew); o.Ref("learningUnit") != hh.ID() {
			t.Errorf("the new registration is of %s, want the new household %s", o.Ref("learningUnit"), hh.ID())
		}

		// The backup, its queue replayed, changes nothing: every write is
		// recognised, the number the officer kept included; only the
		// number the officer gave up on is still a conflict.
		old, err := client.OpenStore(backup)
		if err != nil {
			t.Fatal(err)
		}
		replay := client.New(url, old)
		replay.Resume(phone.Session())
		before = dbtest.QueueSnapshot(t, db)
		res, err = replay.Push(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after := dbtest.QueueSnapshot(t, db); after != before {
			t.Errorf("the replayed queue changed the database:\nbefore %s\nafter  %s", before, after)
		}
		if res.Applied != 0 || res.AlreadyApplied != queued-1 || len(res.Refused) != 0 || len(res.Conflicts) != 1 || res.Conflicts[0].Server.ID() != gid(v1a[1].ID) {
			t.Errorf("replay: %+v; want %d already applied and the conflict on %s", res, queued-1, v1a[1].Name)
		}

		// A cursor of another server is refused: the phone syncs from scratch.
		if err := corruptCursor(phoneFile); err != nil {
			t.Fatal(err)
		}
		if st, err = client.OpenStore(phoneFile); err != nil {
			t.Fatal(err)
		}
		session = phone.Session()
		phone = client.New(url, st)
		phone.Resume(session)
		syncUntilCurrent(t, phone, db, fx)

		// A cursor older than the log keeps is CURSOR_EXPIRED: likewise. The
		// log pruned held the tombstone of a member the collaborator
		// archived meanwhile: the full sync's reset drops it all the same.
		cursor := st.Cursor()
		member, err := db.LearningUnit.Query().Where(learningunit.ParentID(v1a[0].ID)).First(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		do(t, collaborator, `mutation($id: ID!) { archiveLearningUnit(input: {id: $id}) { learningUnit { archivedAt } } }`, map[string]any{"id": gid(member.ID)}, nil)
		feed := changes.Feed{Client: db.Client, Dialect: db.Dialect}
		for deadline := time.Now().Add(feedPatience); ; time.Sleep(50 * time.Millisecond) {
			if _, err := feed.Prune(ctx, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			err := phone.Do(ctx, client.SyncPage, map[string]any{"since": cursor}, nil)
			if client.CodeOf(err) == "CURSOR_EXPIRED" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pruned cursor answers %v, want CURSOR_EXPIRED", err)
			}
		}
		syncUntilCurrent(t, phone, db, fx)
		if _, ok := st.Get(gid(member.ID)); ok {
			t.Errorf("the phone still holds the archived member %s", member.Name)
		}

		// A refresh whose answer is lost is retried with the same refresh
		// token: the server takes it for the retry it is (internal/auth,
		// RefreshRetry), and the phone goes on without signing in again.
		phone.HTTP = &http.Client{Transport: signal}
		s := phone.Session()
		s.ExpiresAt = time.Now()
		phone.Resume(s)
		signal.mode.Store(losingAnswers)
		if err := phone.Sync(ctx); !errors.Is(err, errAnswerLost) {
			t.Fatalf("sync while the refresh's answer is lost: %v", err)
		}
		signal.mode.Store(online)
		lost := phone.Session().RefreshToken
		if err := phone.Sync(ctx); err != nil {
			t.Fatalf("sync after a lost refresh: %v", err)
		}
		if phone.Session().RefreshToken == lost {
			t.Error("the retried refresh gave no new refresh token")
		}
		syncUntilCurrent(t, phone, db, fx)

		// An access token the server refuses is refreshed on the way; after
		// signing out, the refresh token is dead.
		s = phone.Session()
		s.AccessToken = "expired"
		phone.Resume(s)
		if err := phone.Sync(ctx); err != nil {
			t.Fatalf("sync with a refused access token: %v", err)
		}
		if phone.Session().RefreshToken == s.RefreshToken {
			t.Error("the session was not refreshed")
		}
		refreshToken := phone.Session().RefreshToken
		if err := phone.SignOut(ctx); err != nil {
			t.Fatal(err)
		}
		if err := phone.Do(ctx, client.Refresh, map[string]any{"t": refreshToken}, nil); client.CodeOf(err) != "UNAUTHENTICATED" {
			t.Errorf("refreshing after sign-out: %v, want UNAUTHENTICATED", err)
		}
		if err := phone.Sync(ctx); client.CodeOf(err) != "UNAUTHENTICATED" {
			t.Errorf("sync after sign-out: %v, want UNAUTHENTICATED", err)
		}
	})
}

// corruptCursor replaces the cursor saved in a phone's file with one no
// server of this database made.
func corruptCursor(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	m["cursor"] = "bm90IGEgY3Vyc29yIG9mIHRoaXMgc2VydmVy"
	if b, err = json.Marshal(m); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// TestDocumentsInREADME: the documents the client sends are those the
// README gives mobile teams to copy, character for character.
func TestDocumentsInREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"SignIn": client.SignIn, "Refresh": client.Refresh, "SignOut": client.SignOut,
		"SyncPage": client.SyncPage, "ApplyQueue": client.ApplyQueue} {
		if !strings.Contains(string(b), doc) {
			t.Errorf("README.md does not show the client's %s document:\n%s", name, doc)
		}
	}
}
