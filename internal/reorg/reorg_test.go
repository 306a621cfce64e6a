package reorg_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/progresscounter"
	"hoctap/ent/registration"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/reorg"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/store"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

var system = privacy.DecisionContext(context.Background(), privacy.Allow)

// reform is the fixture's own 2025 reform: P2 joins P1, the district tier
// goes, C1 and C2 merge into a new commune, C3 and C4 stay as they are,
// directly under P1.
func reform(fx *fixture.Fixture) spec.Spec {
	return spec.Spec{Changes: []spec.Change{
		{Kind: spec.Merge, Sources: []int{fx.P2.ID}, Successor: &spec.Target{ID: fx.P1.ID}},
		{Kind: spec.AbolishTier, Level: "DISTRICT", WithinID: fx.P1.ID},
		{Kind: spec.AbolishTier, Level: "DISTRICT", WithinID: fx.P2.ID},
		{Kind: spec.Merge, Sources: []int{fx.C1.ID, fx.C2.ID}, Successor: &spec.Target{New: &spec.Unit{
			Code: "90101", Name: "Xã An Hòa", Type: "Xã", Level: "COMMUNE", ParentID: fx.P1.ID}}},
	}}
}

// world sets up the fixture with a closed 2020 campaign and an open 2025
// one of P1, each with registrations, and returns the admin's context.
func world(t *testing.T, db *store.DB) (*fixture.Fixture, context.Context, *ent.Campaign, *ent.Campaign) {
	t.Helper()
	fx := fixture.Build(t, db.Client)
	c := db.Client
	mk := func(year int, phase campaign.Phase) *ent.Campaign {
		ref := time.Date(year, 12, 31, 0, 0, 0, 0, i18n.Vietnam)
		camp, err := c.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(year).SetName(fmt.Sprintf("Chiến dịch %d", year)).
			SetPhase(phase).SetReferenceDate(ref).Save(system)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []*ent.AdminUnit{fx.V1a, fx.V2a, fx.V3a} {
			h := fx.Households[v.Code][0]
			status := registration.StatusREGISTERED
			if phase == campaign.PhaseCLOSED {
				status = registration.StatusRECOGNIZED
			}
			err := c.Registration.Create().SetCampaignID(camp.ID).SetLearningUnitID(h.ID).SetTitle(titles.Family).
				SetAdminUnitID(v.ID).SetAdminPath(v.Path).SetStatus(status).Exec(system)
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := progress.Rebuild(system, c, camp); err != nil {
			t.Fatal(err)
		}
		return camp
	}
	closed := mk(2020, campaign.PhaseCLOSED)
	open := mk(2025, campaign.PhaseREGISTRATION)
	admin := fx.Users["admin"]
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: admin.ID, Username: admin.Username, Role: viewer.RoleAdmin, ScopeID: admin.ScopeID, ScopePath: admin.ScopePath})
	return fx, ctx, closed, open
}

func create(t *testing.T, ctx context.Context, c *ent.Client, s spec.Spec) *ent.Reorganisation {
	t.Helper()
	r, err := c.Reorganisation.Create().SetNumber("202/2025/QH15").SetTitle("Sắp xếp thử").
		SetSignedOn(time.Date(2025, 6, 12, 0, 0, 0, 0, i18n.Vietnam)).
		SetEffectiveOn(time.Date(2025, 7, 1, 0, 0, 0, 0, i18n.Vietnam)).SetSpec(s).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// snapshot is every row of the tables a reorganisation may touch, in order.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"admin_units", "learning_units", "users", "registrations", "search_keys", "progress_counters", "reorganisations"} {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// report renders a campaign's progress in a unit and its children.
func report(t *testing.T, ctx context.Context, c *ent.Client, camp *ent.Campaign, unit int) string {
	t.Helper()
	r, err := progress.LoadIn(ctx, c, camp, unit)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range append([]*progress.Report{r}, r.Children...) {
		fmt.Fprintf(&b, "%s %s:", u.Unit.Code, u.Unit.Name)
		for _, row := range u.Rows {
			fmt.Fprintf(&b, " %s/%s %d %d %d %d %.3f %s %s;", row.Title, deref(row.Subtype), row.Eligible, row.Registered, row.Evaluated, row.Recognized, row.Rate, deref(row.Target), deref(row.MeetsTarget))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%+v\n", r.Summary)
	return b.String()
}

func deref[T any](p *T) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReform(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx, ctx, closed, open := world(t, db)
		c := db.Client
		r := create(t, ctx, c, reform(fx))
		reportsBefore := report(t, ctx, c, closed, fx.P1.ID) + report(t, ctx, c, closed, fx.D1.ID) + report(t, ctx, c, closed, fx.C1.ID)
		totals := func() [3]int {
			return [3]int{
				count(t, db.SQL, `SELECT COUNT(*) FROM learning_units`),
				count(t, db.SQL, `SELECT COUNT(*) FROM users`),
				count(t, db.SQL, `SELECT COUNT(*) FROM registrations`),
			}
		}
		before, totalsBefore := snapshot(t, db.SQL), totals()

		im, err := reorg.Plan(ctx, c, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Problems) > 0 {
			t.Fatalf("problems: %v", im.Problems[0].Text(i18n.EN))
		}
		if after := snapshot(t, db.SQL); after != before {
			t.Fatal("planning changed the database")
		}
		counts := im.Count()
		// Closed: P2, D1, D2, D3, C1, C2; C3, C4 and the five villages get
		// new rows (their old rows close too).
		want := map[string]int{"CREATE": 1, "VERSION": 7, "CLOSE": 6}
		for k, n := range want {
			if counts[k] != n {
				t.Errorf("plan: %d %s, want %d (%v)", counts[k], k, n, counts)
			}
		}
		var widened []string
		for _, u := range im.Users {
			if u.Widened {
				widened = append(widened, u.Username)
			}
		}
		if strings.Join(widened, ",") != "viewer" {
			t.Errorf("accounts whose scope widens: %v, want the district viewer", widened)
		}

		_, applied, err := reorg.Apply(ctx, db.Client, db.Dialect, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if applied.Count()["learningUnits"] != im.Count()["learningUnits"] {
			t.Errorf("applied %v, planned %v", applied.Count(), im.Count())
		}
		if got := totals(); got != totalsBefore {
			t.Errorf("rows after %v, before %v", got, totalsBefore)
		}
		for _, q := range []struct{ what, sql string }{
			{"accounts scoped to a closed unit", `SELECT COUNT(*) FROM users u JOIN admin_units a ON a.id = u.scope_id WHERE a.valid_to IS NOT NULL OR u.scope_path <> a.path`},
			{"learning units in a closed unit", `SELECT COUNT(*) FROM learning_units l JOIN admin_units a ON a.id = l.admin_unit_id WHERE a.valid_to IS NOT NULL OR l.admin_path <> a.path`},
			{"search keys out of place", `SELECT COUNT(*) FROM search_keys k JOIN learning_units l ON l.id = k.owner_id WHERE k.scope_path <> l.admin_path`},
			{"open registrations in a closed unit", `SELECT COUNT(*) FROM registrations r JOIN admin_units a ON a.id = r.admin_unit_id WHERE r.campaign_id = ` + fmt.Sprint(open.ID) + ` AND (a.valid_to IS NOT NULL OR r.admin_path <> a.path)`},
			{"closed registrations moved", `SELECT COUNT(*) FROM registrations r JOIN admin_units a ON a.id = r.admin_unit_id WHERE r.campaign_id = ` + fmt.Sprint(closed.ID) + ` AND a.valid_to IS NULL`},
		} {
			if n := count(t, db.SQL, q.sql); n != 0 {
				t.Errorf("%s: %d", q.what, n)
			}
		}
		if got := report(t, ctx, c, closed, fx.P1.ID) + report(t, ctx, c, closed, fx.D1.ID) + report(t, ctx, c, closed, fx.C1.ID); got != reportsBefore {
			t.Errorf("the closed campaign's reports changed:\n%s\nwas\n%s", got, reportsBefore)
		}
		// The open campaign's counters equal a recount from the rows.
		kept := counters(t, c, open)
		if err := progress.Rebuild(system, c, open); err != nil {
			t.Fatal(err)
		}
		if recount := counters(t, c, open); recount != kept {
			t.Errorf("open campaign's counters:\n%s\nrecounted:\n%s", kept, recount)
		}

		again := snapshot(t, db.SQL)
		r2, im2, err := reorg.Apply(ctx, db.Client, db.Dialect, r.ID)
		if err != nil || im2 != nil || r2.Status != "APPLIED" {
			t.Fatalf("applying again: %v, %v, %v", r2, im2, err)
		}
		if snapshot(t, db.SQL) != again {
			t.Error("applying again changed the database")
		}

		// The officer of C1 works in the new commune: its households, C2's
		// too, and nothing of C3.
		officer := fx.Users["officer"]
		u, err := c.User.Get(system, officer.ID)
		if err != nil {
			t.Fatal(err)
		}
		scope, err := c.AdminUnit.Get(system, u.ScopeID)
		if err != nil || scope.Name != "Xã An Hòa" || scope.ValidTo != nil {
			t.Fatalf("officer's scope %+v, %v", scope, err)
		}
		octx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, ScopeID: u.ScopeID, ScopePath: u.ScopePath})
		names, err := c.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD)).Select(learningunit.FieldName).Strings(octx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []*ent.AdminUnit{fx.V1a, fx.V1b, fx.V2a} {
			for _, h := range fx.Households[v.Code] {
				if !slices.Contains(names, h.Name) {
					t.Errorf("officer does not read %s of %s", h.Name, v.Code)
				}
			}
		}
		if len(names) != 6 {
			t.Errorf("officer reads %d households, want the 6 of the merged communes", len(names))
		}
		// C4 stands directly under P1, as a new row of the same code.
		c4, err := c.AdminUnit.Query().Where(adminunit.Code("91101"), adminunit.ValidToIsNil()).Only(system)
		if err != nil || c4.ParentID == nil || *c4.ParentID != fx.P1.ID || c4.Depth != 2 {
			t.Errorf("C4 after: %+v, %v", c4, err)
		}
		old, err := c.AdminUnit.Get(system, fx.C4.ID)
		if err != nil || old.ValidTo == nil || old.MergedIntoID == nil || *old.MergedIntoID != c4.ID {
			t.Errorf("C4's old row: %+v, %v", old, err)
		}
	})
}

// counters lists a campaign's counters, in order.
func counters(t *testing.T, c *ent.Client, camp *ent.Campaign) string {
	t.Helper()
	pcs, err := c.ProgressCounter.Query().Where(progresscounter.CampaignID(camp.ID)).
		Order(ent.Asc(progresscounter.FieldAdminUnitID), ent.Asc(progresscounter.FieldTitle), ent.Asc(progresscounter.FieldSubtype)).All(system)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, pc := range pcs {
		fmt.Fprintf(&b, "%d %s %s %d %d %d %d\n", pc.AdminUnitID, pc.Title, pc.Subtype, pc.Eligible, pc.Registered, pc.Evaluated, pc.Recognized)
	}
	return b.String()
}

// TestPlanProblems checks that a bad spec is refused, naming the change and
// the field, and changes nothing.
func TestPlanProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx, ctx, _, _ := world(t, db)
		c := db.Client
		for _, tt := range []struct {
			name  string
			spec  spec.Spec
			field string
		}{
			{"nothing", spec.Spec{}, "changes"},
			{"unknown unit", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{999999}, Successor: &spec.Target{ID: fx.C1.ID}}}}, "changes.0.sources.0"},
			{"twice", spec.Spec{Changes: []spec.Change{
				{Kind: spec.Merge, Sources: []int{fx.C1.ID}, Successor: &spec.Target{ID: fx.C2.ID}},
				{Kind: spec.Merge, Sources: []int{fx.C1.ID}, Successor: &spec.Target{ID: fx.C3.ID}},
			}}, "changes.1.sources.0"},
			{"no successor", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{fx.C1.ID, fx.C2.ID}}}}, "changes.0.successor"},
			{"new unit without name", spec.Spec{Changes: []spec.Change{{Kind: spec.Create, New: &spec.Unit{Code: "9", Type: "Thôn", Level: "VILLAGE", ParentID: fx.C1.ID}}}}, "changes.0.new.name"},
			{"move below itself", spec.Spec{Changes: []spec.Change{{Kind: spec.Move, Sources: []int{fx.D1.ID}, ParentID: fx.C1.ID}}}, "changes.0.parentID"},
			{"close with households", spec.Spec{Changes: []spec.Change{{Kind: spec.Close, Sources: []int{fx.V1a.ID}}}}, "changes.0.sources"},
			{"close with villages", spec.Spec{Changes: []spec.Change{{Kind: spec.Close, Sources: []int{fx.C3.ID}}}}, "changes.0.sources"},
			{"split into one", spec.Spec{Changes: []spec.Change{{Kind: spec.Split, Sources: []int{fx.C1.ID}, Parts: []spec.Part{{Successor: spec.Target{ID: fx.C2.ID}}}}}}, "changes.0.parts"},
			{"village of another commune", spec.Spec{Changes: []spec.Change{{Kind: spec.Split, Sources: []int{fx.C1.ID}, Parts: []spec.Part{
				{Successor: spec.Target{ID: fx.C2.ID}, Villages: []int{fx.V3a.ID}}, {Successor: spec.Target{ID: fx.C3.ID}}}}}}, "changes.0.parts.0.villages.0"},
			{"move under an unknown key", spec.Spec{Changes: []spec.Change{{Kind: spec.Move, Sources: []int{fx.C3.ID}, ParentKey: "nowhere"}}}, "changes.0.parentKey"},
			{"scope of an account left in place", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{fx.C2.ID}, Successor: &spec.Target{ID: fx.C1.ID}}},
				UserScopes: []spec.UserScope{{UserID: fx.Users["manager"].ID, ScopeID: fx.C1.ID}}}, "userScopes.0.userID"},
			{"scope closed by the plan", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{fx.C2.ID}, Successor: &spec.Target{ID: fx.C1.ID}}},
				UserScopes: []spec.UserScope{{UserID: fx.Users["officer2"].ID, ScopeID: fx.C2.ID}}}, "userScopes.0.scopeID"},
			{"scope under an unknown key", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{fx.C2.ID}, Successor: &spec.Target{ID: fx.C1.ID}}},
				UserScopes: []spec.UserScope{{UserID: fx.Users["officer2"].ID, ScopeKey: "nowhere"}}}, "userScopes.0.scopeKey"},
			{"province with an open campaign", spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{fx.P1.ID}, Successor: &spec.Target{ID: fx.P2.ID}}}}, "campaigns"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := create(t, ctx, c, tt.spec)
				before := snapshot(t, db.SQL)
				_, _, err := reorg.Apply(ctx, db.Client, db.Dialect, r.ID)
				e, ok := apperr.As(err)
				if !ok || e.Code != apperr.BadUserInput || e.Field != tt.field {
					t.Fatalf("apply: %v, want BAD_USER_INPUT on %s", err, tt.field)
				}
				if snapshot(t, db.SQL) != before {
					t.Error("a refused plan changed the database")
				}
			})
		}
	})
}

// TestMoveUnderANewUnit moves a commune under a district the same decision
// makes, and puts the officer of a merged commune on it, both by key.
func TestMoveUnderANewUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx, ctx, _, _ := world(t, db)
		c := db.Client
		s := spec.Spec{
			Changes: []spec.Change{
				{Kind: spec.Create, New: &spec.Unit{Key: "bac", Code: "903", Name: "Huyện Bắc", Type: "Huyện", Level: "DISTRICT", ParentID: fx.P1.ID}},
				{Kind: spec.Move, Sources: []int{fx.C3.ID}, ParentKey: "bac"},
				{Kind: spec.Merge, Sources: []int{fx.C2.ID}, Successor: &spec.Target{ID: fx.C1.ID}},
			},
			UserScopes: []spec.UserScope{{UserID: fx.Users["officer2"].ID, ScopeKey: "bac"}},
		}
		r := create(t, ctx, c, s)
		if _, _, err := reorg.Apply(ctx, c, db.Dialect, r.ID); err != nil {
			t.Fatal(err)
		}
		bac := c.AdminUnit.Query().Where(adminunit.Code("903")).OnlyX(system)
		moved := c.AdminUnit.Query().Where(adminunit.Code(fx.C3.Code), adminunit.ValidToIsNil()).OnlyX(system)
		if moved.ParentID == nil || *moved.ParentID != bac.ID || !strings.HasPrefix(moved.Path, bac.Path) {
			t.Errorf("%s sits at %s, want under the new %s (%s)", moved.Name, moved.Path, bac.Name, bac.Path)
		}
		if got := c.User.GetX(system, fx.Users["officer2"].ID); got.ScopeID != bac.ID || got.ScopePath != bac.Path {
			t.Errorf("officer2 works in %d at %s, want the new district %d", got.ScopeID, got.ScopePath, bac.ID)
		}
		// The district took over C3's old row whole, and C1 took over C2.
		if bac.Predecessors != fx.C3.Path {
			t.Errorf("the new district's predecessors %q, want %q", bac.Predecessors, fx.C3.Path)
		}
		if c1 := c.AdminUnit.GetX(system, fx.C1.ID); c1.Predecessors != fx.C2.Path {
			t.Errorf("C1's predecessors %q, want %q", c1.Predecessors, fx.C2.Path)
		}
	})
}
