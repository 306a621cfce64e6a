package graph_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/internal/changes"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/history"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/store"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

const changesQuery = `query($since: SyncCursor, $first: Int) {
  changes(since: $since, first: $first) {
    cursor hasMore reset
    changes { node { __typename id } tombstone { id typename reason } }
  }
}`

type feedPage struct {
	Changes struct {
		Cursor  string
		HasMore bool
		Reset   bool
		Changes []struct {
			Node *struct {
				Typename string `json:"__typename"`
				ID       string
			}
			Tombstone *struct {
				ID       string
				Typename string
				Reason   string
			}
		}
	}
}

// synced is what an app holds after applying the feed: the objects by id,
// and the tombstones it received, by id, with their reason.
type synced struct {
	cursor  string
	objects map[string]string // id → typename
	dropped map[string]string // id → reason
	resets  int
	pages   int
}

// syncFeed pages through the feed as v from since until hasMore is false,
// applying each page as an app would.
func syncFeed(t testing.TB, a *api, v *viewer.Viewer, since string, first int) *synced {
	t.Helper()
	s := &synced{cursor: since, objects: map[string]string{}, dropped: map[string]string{}}
	s.resume(t, a, v, first)
	return s
}

// resume pages on from s's cursor until hasMore is false.
func (s *synced) resume(t testing.TB, a *api, v *viewer.Viewer, first int) {
	t.Helper()
	for range 1000 {
		vars := map[string]any{"first": first}
		if s.cursor != "" {
			vars["since"] = s.cursor
		}
		var p feedPage
		a.exec(v, "", changesQuery, vars, nil).decode(t, &p)
		s.pages++
		if p.Changes.Reset {
			s.resets++
			clear(s.objects)
		}
		for _, c := range p.Changes.Changes {
			switch {
			case c.Node != nil:
				s.objects[c.Node.ID] = c.Node.Typename
				delete(s.dropped, c.Node.ID)
			case c.Tombstone != nil:
				delete(s.objects, c.Tombstone.ID)
				s.dropped[c.Tombstone.ID] = c.Tombstone.Reason
			default:
				t.Fatalf("a change with neither node nor tombstone")
			}
		}
		s.cursor = p.Changes.Cursor
		if !p.Changes.HasMore {
			return
		}
	}
	t.Fatal("the feed never ends")
}

// syncUntil syncs from since, and again, until done holds or feedPatience
// has passed. On PostgreSQL the feed holds changes back while any older
// transaction of the server runs (another test's, on another database):
// they come later, never lost, and a test waits for them.
func syncUntil(t testing.TB, a *api, v *viewer.Viewer, since string, first int, done func(*synced) bool) *synced {
	t.Helper()
	s := syncFeed(t, a, v, since, first)
	waited := time.Now()
	for deadline := time.Now().Add(feedPatience); !done(s) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		s.resume(t, a, v, first)
	}
	if d := time.Since(waited); d > 5*time.Second {
		t.Logf("waited %v for the feed: a long transaction elsewhere on the server held it back", d.Round(time.Second))
	}
	return s
}

// feedPatience is how long a test waits for changes the feed holds back: a
// transaction of another database on a shared PostgreSQL server (an import
// benchmark's, say) may run for minutes.
const feedPatience = 5 * time.Minute

// holds reports whether the app holds every object of want, by type.
func (s *synced) holds(want map[string]string) bool {
	for id, typ := range want {
		if s.objects[id] != typ {
			return false
		}
	}
	return true
}

// dropped reports whether the app was told to drop each of want, for the
// reason given.
func (s *synced) droppedAll(want map[string]string) bool {
	for id, r := range want {
		if s.dropped[id] != r {
			return false
		}
	}
	return true
}

// viewerOf builds the viewer of a user as it stands in the database (after
// a reorganisation moved it, say), as the auth middleware does.
func viewerOf(t *testing.T, db *store.DB, username string, fx *fixture.Fixture) *viewer.Viewer {
	t.Helper()
	v := fx.Viewer(username)
	u := db.Client.User.GetX(systemCtx(), fx.Users[username].ID)
	v.ScopeID, v.ScopePath, v.Predecessors = u.ScopeID, u.ScopePath, history.Parse(u.ScopePredecessors)
	return v
}

// TestChangesFeed: a first sync delivers the viewer's scope and nothing
// else; then the feed delivers what changed since, and tombstones for what
// was archived or moved out of the scope, while the scope it moved into
// receives the object.
func TestChangesFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		officer, officer2 := fx.Viewer("officer"), fx.Viewer("officer2")

		first := syncFeed(t, a, officer, "", 3)
		if first.resets != 1 {
			t.Errorf("a first sync reset %d times, want once", first.resets)
		}
		want := map[string]string{}
		for _, u := range []*ent.AdminUnit{fx.Country, fx.P1, fx.D1, fx.C1, fx.V1a, fx.V1b} {
			want[id(u.ID)] = "AdminUnit"
		}
		lus := db.Client.LearningUnit.Query().Where(learningunit.AdminPathHasPrefix(fx.C1.Path)).AllX(systemCtx())
		for _, lu := range lus {
			want[id(lu.ID)] = "LearningUnit"
		}
		if fmt.Sprint(first.objects) != fmt.Sprint(want) {
			t.Errorf("first sync of C1:\n got %v\nwant %v", first.objects, want)
		}
		if len(first.dropped) != 0 {
			t.Errorf("first sync dropped %v", first.dropped)
		}
		other := syncFeed(t, a, officer2, "", 100)

		// Changes: a household created and one renamed in C1, one created
		// in C2 (not the officer's), one archived, one moved to C2.
		ctx := fx.As(context.Background(), "admin")
		c := db.Client
		added := c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName("Hộ mới").SetAdminUnit(fx.V1b).SaveX(ctx)
		renamed := fx.Households[fx.V1a.Code][0]
		c.LearningUnit.UpdateOneID(renamed.ID).SetName("Hộ đổi tên").ExecX(ctx)
		elsewhere := c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName("Hộ xã khác").SetAdminUnit(fx.V2a).SaveX(ctx)
		archived := fx.Households[fx.V1b.Code][0]
		c.LearningUnit.UpdateOneID(archived.ID).SetArchivedAt(time.Now()).ExecX(ctx)
		moved := fx.Households[fx.V1a.Code][1]
		c.LearningUnit.UpdateOneID(moved.ID).SetAdminUnitID(fx.V2a.ID).ExecX(ctx)
		village := c.AdminUnit.Create().SetCode("90101.03").SetName("Thôn 3").SetLevel(adminunit.LevelVILLAGE).
			SetType("Thôn").SetParent(fx.C1).SaveX(ctx)

		wantObjects := map[string]string{id(added.ID): "LearningUnit", id(renamed.ID): "LearningUnit", id(village.ID): "AdminUnit"}
		wantDropped := map[string]string{id(archived.ID): "ARCHIVED", id(moved.ID): "LEFT_SCOPE"}
		next := syncUntil(t, a, officer, first.cursor, 2, func(s *synced) bool { return s.holds(wantObjects) && s.droppedAll(wantDropped) })
		if next.resets != 0 {
			t.Errorf("resuming reset the sync")
		}
		if !next.holds(wantObjects) {
			t.Errorf("changes in C1: got %v, want %v among them", next.objects, wantObjects)
		}
		if fmt.Sprint(next.dropped) != fmt.Sprint(wantDropped) {
			t.Errorf("tombstones in C1: got %v, want %v", next.dropped, wantDropped)
		}
		// Anything else is a change delivered twice (allowed), of C1.
		for k, typ := range next.objects {
			if want[k] != typ && wantObjects[k] != typ {
				t.Errorf("C1's officer was told of %s %s, not of C1", typ, k)
			}
		}

		wantThere := map[string]string{id(elsewhere.ID): "LearningUnit", id(moved.ID): "LearningUnit"}
		there := syncUntil(t, a, officer2, other.cursor, 100, func(s *synced) bool { return s.holds(wantThere) })
		if !there.holds(wantThere) || len(there.dropped) != 0 {
			t.Errorf("changes in C2: got %v (dropped %v), want %v among them", there.objects, there.dropped, wantThere)
		}
		for k, typ := range there.objects {
			if other.objects[k] != typ && wantThere[k] != typ {
				t.Errorf("C2's officer was told of %s %s, not of C2", typ, k)
			}
		}

		// Up to date: nothing new, and the cursor keeps its place.
		again := syncFeed(t, a, officer, next.cursor, 10)
		for k, typ := range again.objects {
			if want[k] != typ && wantObjects[k] != typ {
				t.Errorf("an up-to-date app was told of %s %s", typ, k)
			}
		}
		if len(again.dropped) != 0 {
			t.Errorf("an up-to-date app got tombstones %v", again.dropped)
		}

		// Another account's cursor starts a full sync of one's own scope.
		if s := syncFeed(t, a, officer2, next.cursor, 100); s.resets != 1 {
			t.Errorf("another account's cursor did not reset the sync")
		}
	})
}

// TestChangesBadInput: a malformed cursor, a page out of range, a citizen.
func TestChangesBadInput(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	for _, tc := range []struct {
		name, user string
		vars       map[string]any
		code, fld  string
	}{
		{"garbage cursor", "officer", map[string]any{"since": "not-a-cursor"}, "BAD_USER_INPUT", "since"},
		{"page too large", "officer", map[string]any{"first": changes.MaxFirst + 1}, "BAD_USER_INPUT", "first"},
		{"empty page", "officer", map[string]any{"first": 0}, "BAD_USER_INPUT", "first"},
		{"citizen", "citizen", nil, "FORBIDDEN", ""},
		{"anonymous", "", nil, "UNAUTHENTICATED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.as(tc.user, changesQuery, tc.vars)
			if r.code() != tc.code || r.field() != tc.fld {
				t.Errorf("got %s on %q (%v), want %s on %q", r.code(), r.field(), r.Errors, tc.code, tc.fld)
			}
		})
	}
}

// TestChangesCursorExpired: once the log is pruned past a cursor, the
// cursor answers CURSOR_EXPIRED, and a full sync works again.
func TestChangesCursorExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		officer := fx.Viewer("officer")
		s := syncFeed(t, a, officer, "", 100)
		ctx := fx.As(context.Background(), "admin")
		db.Client.LearningUnit.UpdateOneID(fx.Households[fx.V1a.Code][0].ID).SetName("Hộ đổi tên").ExecX(ctx)
		feed := changes.Feed{Client: db.Client, Dialect: db.Dialect}
		// Nothing is old enough yet: the cursor still resumes.
		if n, err := feed.Prune(context.Background(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("pruning nothing: %d rows, %v", n, err)
		}
		if r := a.exec(officer, "", changesQuery, map[string]any{"since": s.cursor}, nil); r.code() != "" {
			t.Fatalf("before pruning: %v", r.Errors)
		}
		// On PostgreSQL the rows of transactions that may still run stay:
		// another test's transaction on the server (any package's, as go
		// test runs them side by side) may hold back the rename, which is
		// what puts the log past the cursor, for a while.
		var r response
		for deadline := time.Now().Add(feedPatience); ; time.Sleep(50 * time.Millisecond) {
			if _, err := feed.Prune(context.Background(), time.Now().Add(time.Hour)); err != nil {
				t.Fatalf("pruning the log: %v", err)
			}
			r = a.exec(officer, "", changesQuery, map[string]any{"since": s.cursor}, nil)
			if r.code() == "CURSOR_EXPIRED" || time.Now().After(deadline) {
				break
			}
		}
		if r.code() != "CURSOR_EXPIRED" {
			t.Fatalf("a cursor past the retention: %s %v, want CURSOR_EXPIRED", r.code(), r.Errors)
		}
		fresh := syncFeed(t, a, officer, "", 100)
		if len(fresh.objects) == 0 {
			t.Fatal("a full sync after CURSOR_EXPIRED delivered nothing")
		}
		if r := a.exec(officer, "", changesQuery, map[string]any{"since": fresh.cursor}, nil); r.code() != "" {
			t.Errorf("the new cursor: %v", r.Errors)
		}
	})
}

// TestChangesAfterReorganisation: C1 moves from district D1 to D2. The
// viewer of D1 is told that C1's villages closed and its households left
// their scope; the manager of the province receives them at their new
// place; the officer of C1, whose scope the reorganisation moved, starts
// again from scratch.
func TestChangesAfterReorganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		district := syncFeed(t, a, fx.Viewer("viewer"), "", 100)
		province := syncFeed(t, a, fx.Viewer("manager"), "", 100)
		commune := syncFeed(t, a, fx.Viewer("officer"), "", 100)

		admin := fx.As(context.Background(), "admin")
		r, err := db.Client.Reorganisation.Create().SetNumber("1/2025/NQ").SetTitle("Chuyển xã").
			SetSignedOn(time.Date(2025, 6, 12, 0, 0, 0, 0, i18n.Vietnam)).
			SetEffectiveOn(time.Date(2025, 7, 1, 0, 0, 0, 0, i18n.Vietnam)).
			SetSpec(spec.Spec{Changes: []spec.Change{{Kind: spec.Move, Sources: []int{fx.C1.ID}, ParentID: fx.D2.ID}}}).Save(admin)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := reorg.Apply(admin, db.Client, db.Dialect, r.ID); err != nil {
			t.Fatal(err)
		}
		households := db.Client.LearningUnit.Query().Where(learningunit.AdminPathHasPrefix(fx.D2.Path), learningunit.KindEQ(learningunit.KindHOUSEHOLD)).AllX(systemCtx())
		var fromC1 []*ent.LearningUnit
		for _, h := range households {
			for _, v := range []*ent.AdminUnit{fx.V1a, fx.V1b} {
				for _, old := range fx.Households[v.Code] {
					if old.ID == h.ID {
						fromC1 = append(fromC1, h)
					}
				}
			}
		}
		if len(fromC1) != 4 {
			t.Fatalf("%d of C1's households moved under D2, want 4", len(fromC1))
		}

		wantLeft := map[string]string{}
		wantMoved := map[string]string{}
		for _, h := range fromC1 {
			wantLeft[id(h.ID)] = "LEFT_SCOPE"
			wantMoved[id(h.ID)] = "LearningUnit"
		}
		for _, u := range []*ent.AdminUnit{fx.C1, fx.V1a, fx.V1b} {
			wantLeft[id(u.ID)] = "ARCHIVED"
		}
		newC1 := db.Client.AdminUnit.Query().Where(adminunit.Code(fx.C1.Code), adminunit.ValidToIsNil()).OnlyX(systemCtx())
		wantProvince := map[string]string{id(newC1.ID): "AdminUnit"}
		maps.Copy(wantProvince, wantMoved)

		d := syncUntil(t, a, viewerOf(t, db, "viewer", fx), district.cursor, 100, func(s *synced) bool { return s.droppedAll(wantLeft) })
		for _, h := range fromC1 {
			if d.dropped[id(h.ID)] != "LEFT_SCOPE" {
				t.Errorf("D1's viewer: household %d is %q, want LEFT_SCOPE", h.ID, d.dropped[id(h.ID)])
			}
		}
		for _, u := range []*ent.AdminUnit{fx.C1, fx.V1a, fx.V1b} {
			if d.dropped[id(u.ID)] != "ARCHIVED" {
				t.Errorf("D1's viewer: %s is %q, want ARCHIVED (closed)", u.Name, d.dropped[id(u.ID)])
			}
		}
		for _, h := range fromC1 {
			if _, ok := d.objects[id(h.ID)]; ok {
				t.Errorf("D1's viewer still holds household %d, which is in D2 now", h.ID)
			}
		}

		p := syncUntil(t, a, viewerOf(t, db, "manager", fx), province.cursor, 100, func(s *synced) bool { return s.holds(wantProvince) })
		for _, h := range fromC1 {
			if p.objects[id(h.ID)] != "LearningUnit" {
				t.Errorf("P1's manager did not receive household %d at its new place", h.ID)
			}
		}
		if p.objects[id(newC1.ID)] != "AdminUnit" {
			t.Errorf("P1's manager did not receive C1's new row %d", newC1.ID)
		}

		o := syncUntil(t, a, viewerOf(t, db, "officer", fx), commune.cursor, 100, func(s *synced) bool { return s.holds(wantMoved) })
		if o.resets != 1 {
			t.Errorf("the officer whose scope moved: %d resets, want a full sync", o.resets)
		}
		for _, h := range fromC1 {
			if o.objects[id(h.ID)] != "LearningUnit" {
				t.Errorf("the officer's new scope lacks household %d", h.ID)
			}
		}
	})
}

// TestChangesConcurrentWriters: writers commit while an app syncs; once
// they are done, the app holds every unit they made.
func TestChangesConcurrentWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		officer := fx.Viewer("officer")
		s := syncFeed(t, a, officer, "", 50)
		const writers, each = 4, 8
		var (
			mu   sync.Mutex
			made []int
			wg   sync.WaitGroup
		)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					tx, err := db.Client.Tx(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					u, err := tx.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).
						SetName(fmt.Sprintf("Hộ %d-%d", w, i)).SetAdminUnit(fx.V1a).Save(systemCtx())
					if err == nil {
						err = tx.Commit()
					} else {
						tx.Rollback()
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					made = append(made, u.ID)
					mu.Unlock()
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		held := map[string]bool{}
		step := func() {
			p := syncFeed(t, a, officer, s.cursor, 5)
			for k := range p.objects {
				held[k] = true
			}
			s.cursor = p.cursor
		}
		// The app syncs the whole time the writers write.
	writing:
		for {
			select {
			case <-done:
				break writing
			default:
				step()
			}
		}
		var missing []int
		for deadline := time.Now().Add(feedPatience); ; time.Sleep(50 * time.Millisecond) {
			step()
			missing = missing[:0]
			for _, u := range made {
				if !held[id(u)] {
					missing = append(missing, u)
				}
			}
			if len(missing) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(made) != writers*each {
			t.Fatalf("%d units made, want %d", len(made), writers*each)
		}
		if len(missing) > 0 {
			t.Errorf("the app never received %d of %d units: %v", len(missing), len(made), missing)
		}
	})
}

// TestChangesLateCommit proves on PostgreSQL that a change committed late
// never hides behind a cursor already handed out: transaction A writes
// first and commits last; B writes after A and commits before it. A reader
// between the two commits must not move its cursor past A's change.
func TestChangesLateCommit(t *testing.T) {
	db := dbtest.Postgres(t)
	if db.Dialect != dialect.Postgres {
		t.Fatal("not PostgreSQL")
	}
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	officer := fx.Viewer("officer")
	s := syncFeed(t, a, officer, "", 100)
	ctx := context.Background()
	create := func(tx *ent.Tx, name string) *ent.LearningUnit {
		u, err := tx.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName(name).SetAdminUnit(fx.V1a).Save(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	txA, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer txA.Rollback()
	unitA := create(txA, "Hộ A") // the log row of A takes its id first
	txB, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unitB := create(txB, "Hộ B")
	if err := txB.Commit(); err != nil {
		t.Fatal(err)
	}
	between := syncFeed(t, a, officer, s.cursor, 100)
	if _, ok := between.objects[id(unitA.ID)]; ok {
		t.Fatal("the reader saw A's uncommitted unit")
	}
	if err := txA.Commit(); err != nil {
		t.Fatal(err)
	}
	// A is in: the reader resuming from the cursor it got between the
	// commits receives it (and B, now or before). Other databases' open
	// transactions on the same server may hold the horizon back a moment.
	got := map[string]bool{}
	for k := range between.objects {
		got[k] = true
	}
	cursor := between.cursor
	for deadline := time.Now().Add(feedPatience); !(got[id(unitA.ID)] && got[id(unitB.ID)]) && time.Now().Before(deadline); {
		after := syncFeed(t, a, officer, cursor, 100)
		for k := range after.objects {
			got[k] = true
		}
		cursor = after.cursor
		time.Sleep(50 * time.Millisecond)
	}
	if !got[id(unitA.ID)] {
		t.Error("A's unit, committed after B's, was never delivered: it hid behind the cursor")
	}
	if !got[id(unitB.ID)] {
		t.Error("B's unit was never delivered")
	}
}

// maxFeedStatements bounds the SQL statements of one page of the feed: the
// horizon, the pruned position, and one statement per type a page touches.
const maxFeedStatements = 9

// TestChangesFirstSyncStatements: a first sync pages over a commune at a
// bounded number of statements per page, the same for a small commune and
// one ten times larger.
func TestChangesFirstSyncStatements(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		var perPage []int
		for _, households := range []int{10, 100} {
			opts, counter := dbtest.Counting()
			db := open(opts)
			fx := fixture.Build(t, db.Client, fixture.Options{Households: households})
			a := newAPI(t, db, fx)
			officer := fx.Viewer("officer")
			worst, pages, cursor := 0, 0, ""
			for {
				vars := map[string]any{"first": 50}
				if cursor != "" {
					vars["since"] = cursor
				}
				counter.Reset()
				var p feedPage
				a.exec(officer, "", changesQuery, vars, nil).decode(t, &p)
				worst = max(worst, counter.Count())
				pages++
				cursor = p.Changes.Cursor
				if !p.Changes.HasMore {
					break
				}
			}
			t.Logf("%d households a village: %d pages, at most %d statements a page", households, pages, worst)
			if worst > maxFeedStatements {
				t.Errorf("%d households a village: a page cost %d statements, want at most %d", households, worst, maxFeedStatements)
			}
			perPage = append(perPage, worst)
		}
		if perPage[0] != perPage[1] {
			t.Errorf("statements a page grow with the commune: %v", perPage)
		}
	})
}

// fullCommune grows the fixture's C1 to a commune of full size: households
// households (half in each village) of two citizens each, every household
// registered in a campaign of its province. It writes in one transaction,
// through ent and its hooks (the changes log included), as the API would.
func fullCommune(t testing.TB, db *store.DB, fx *fixture.Fixture, households int) {
	t.Helper()
	ctx := systemCtx()
	tx, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := tx.Client()
	camp := c.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(2026).SetName("Chiến dịch 2026").
		SetPhase(campaign.PhaseREGISTRATION).SetReferenceDate(time.Date(2026, 12, 31, 0, 0, 0, 0, i18n.Vietnam)).SaveX(ctx)
	for i := range households {
		v := fx.V1a
		if i%2 == 1 {
			v = fx.V1b
		}
		h := c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName(fmt.Sprintf("Hộ ông Nguyễn Văn %d", i)).
			SetHeadName(fmt.Sprintf("Nguyễn Văn %d", i)).SetMemberCount(3).SetAdultCount(2).SetAdminUnit(v).SaveX(ctx)
		for j := range 2 {
			c.LearningUnit.Create().SetKind(learningunit.KindCITIZEN).SetName(fmt.Sprintf("Nguyễn Thị %d.%d", i, j)).
				SetMemberCount(1).SetAdultCount(1).SetAdminUnit(v).SetParent(h).ExecX(ctx)
		}
		c.Registration.Create().SetCampaignID(camp.ID).SetLearningUnitID(h.ID).SetTitle(titles.Family).
			SetAdminUnitID(v.ID).SetAdminPath(v.Path).ExecX(ctx)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkChangesFirstSync times an officer's first sync of a full-size
// commune (3,000 households, 6,000 citizens, 3,000 registrations), in pages
// of 500, and counts its statements. On the suite's database (PostgreSQL
// with HOCTAP_TEST_DB):
//
//	go test ./graph -run '^$' -bench ChangesFirstSync -benchtime 5x
func BenchmarkChangesFirstSync(b *testing.B) {
	opts, counter := dbtest.Counting()
	db := dbtest.Open(b, opts)
	fx := fixture.Build(b, db.Client, fixture.Options{Households: 1})
	fullCommune(b, db, fx, 3000)
	a := newAPI(b, db, fx)
	officer := fx.Viewer("officer")
	var objects, pages int
	counter.Reset()
	for b.Loop() {
		s := syncFeed(b, a, officer, "", changes.MaxFirst)
		objects, pages = len(s.objects), s.pages
	}
	b.ReportMetric(float64(counter.Count())/float64(b.N), "statements/op")
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(objects), "objects/op")
}
