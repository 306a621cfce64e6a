package ent_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestUniqueEdgesLoadWithTheirRow checks the join of template/with_row.tmpl
// against what ent's own loader returned: the same edges, in the node's one
// statement, the edge query's predicates (a privacy filter is one) deciding
// what joins, and ent's loader wherever the edge's query is more than
// predicates.
func TestUniqueEdgesLoadWithTheirRow(t *testing.T) {
	opts, counter := dbtest.Counting()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		f := fixture.Build(t, db.Client)
		ctx := f.As(context.Background(), "officer")
		citizens := func(q *ent.LearningUnitQuery) *ent.LearningUnitQuery {
			return q.Where(learningunit.KindEQ(learningunit.KindCITIZEN)).Order(learningunit.ByID())
		}
		want := citizens(db.LearningUnit.Query()).AllX(ctx)
		if len(want) == 0 {
			t.Fatal("the officer reads no citizen")
		}

		tests := []struct {
			name       string
			query      *ent.LearningUnitQuery
			statements int
			check      func(t *testing.T, got *ent.LearningUnit)
		}{{
			name:       "two edges joined",
			query:      citizens(db.LearningUnit.Query()).WithParent().WithAdminUnit(),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				if p := got.Edges.Parent; p == nil || got.ParentID == nil || p.ID != *got.ParentID || p.Kind != learningunit.KindHOUSEHOLD {
					t.Errorf("citizen %d: parent %+v, want household %v", got.ID, p, got.ParentID)
				}
				if a := got.Edges.AdminUnit; a == nil || a.ID != got.AdminUnitID || a.Name == "" {
					t.Errorf("citizen %d: admin unit %+v, want %d with its name", got.ID, a, got.AdminUnitID)
				}
			},
		}, {
			name: "selected fields only",
			query: citizens(db.LearningUnit.Query()).Select(learningunit.FieldName, learningunit.FieldAdminUnitID).
				WithAdminUnit(func(q *ent.AdminUnitQuery) { q.Select(adminunit.FieldName) }),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				if a := got.Edges.AdminUnit; a == nil || a.ID != got.AdminUnitID || a.Name == "" || a.Path != "" {
					t.Errorf("citizen %d: admin unit %+v, want its id and name only", got.ID, a)
				}
			},
		}, {
			name: "edge filtered out joins as none",
			query: citizens(db.LearningUnit.Query()).
				WithAdminUnit(func(q *ent.AdminUnitQuery) { q.Where(adminunit.CodeEQ("no such code")) }),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				if _, err := got.Edges.AdminUnitOrErr(); !ent.IsNotFound(err) {
					t.Errorf("citizen %d: admin unit error %v, want not found", got.ID, err)
				}
			},
		}, {
			name:       "edge with edges of its own: ent's loader",
			query:      citizens(db.LearningUnit.Query()).WithAdminUnit(func(q *ent.AdminUnitQuery) { q.WithUsers() }),
			statements: 2, // the citizens; their admin units, with their users aggregated
			check: func(t *testing.T, got *ent.LearningUnit) {
				a := got.Edges.AdminUnit
				if a == nil || a.ID != got.AdminUnitID {
					t.Fatalf("citizen %d: admin unit %+v, want %d", got.ID, a, got.AdminUnitID)
				}
				if _, err := a.Edges.UsersOrErr(); err != nil {
					t.Errorf("citizen %d: the admin unit's users: %v", got.ID, err)
				}
			},
		}}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				counter.Reset()
				got := tt.query.AllX(ctx)
				if n := counter.Count(); n != tt.statements {
					t.Errorf("%d statements, want %d", n, tt.statements)
				}
				if len(got) != len(want) {
					t.Fatalf("%d citizens, want %d: the join must not change the rows", len(got), len(want))
				}
				for i := range got {
					if got[i].ID != want[i].ID {
						t.Fatalf("row %d is %d, want %d", i, got[i].ID, want[i].ID)
					}
					tt.check(t, got[i])
				}
				// The query can run again, as ent's own queries can.
				counter.Reset()
				if again := tt.query.AllX(ctx); len(again) != len(got) || counter.Count() != tt.statements {
					t.Errorf("again: %d rows in %d statements, want %d in %d", len(again), counter.Count(), len(got), tt.statements)
				}
			})
		}
		// A list edge: each household's members, aggregated in its row.
		households := func() *ent.LearningUnitQuery {
			return db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD)).Order(learningunit.ByID())
		}
		members, byID := map[int][]int{}, map[int]*ent.LearningUnit{}
		for _, c := range want {
			byID[c.ID] = c
			members[*c.ParentID] = append(members[*c.ParentID], c.ID)
		}
		ids := func(us []*ent.LearningUnit) []int {
			out := make([]int, len(us))
			for i, u := range us {
				out[i] = u.ID
			}
			slices.Sort(out)
			return out
		}
		lists := []struct {
			name       string
			query      *ent.LearningUnitQuery
			statements int
			check      func(t *testing.T, got *ent.LearningUnit)
		}{{
			name:       "list edge aggregated",
			query:      households().WithChildren(),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				if m, err := got.Edges.ChildrenOrErr(); err != nil || !slices.Equal(ids(m), members[got.ID]) {
					t.Errorf("household %d: members %v (%v), want %v", got.ID, ids(m), err, members[got.ID])
				}
				// Every column reads as it does by itself, of every type:
				// strings, enums, numbers, times, JSON.
				for _, m := range got.Edges.Children {
					if w := byID[m.ID]; m.String() != w.String() {
						t.Errorf("household %d: member\n%s\nwant\n%s", got.ID, m, w)
					}
				}
			},
		}, {
			name: "named list edges, filtered",
			query: households().
				WithNamedChildren("all", func(q *ent.LearningUnitQuery) { q.Select(learningunit.FieldName) }).
				WithNamedChildren("none", func(q *ent.LearningUnitQuery) { q.Where(learningunit.NameEQ("no such name")) }),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				all, err := got.NamedChildren("all")
				if err != nil || !slices.Equal(ids(all), members[got.ID]) {
					t.Errorf("household %d: members %v (%v), want %v", got.ID, ids(all), err, members[got.ID])
				}
				if none, err := got.NamedChildren("none"); err != nil || len(none) != 0 {
					t.Errorf("household %d: filtered members %v (%v), want none", got.ID, ids(none), err)
				}
			},
		}, {
			name:       "list edge in an order",
			query:      households().WithChildren(func(q *ent.LearningUnitQuery) { q.Order(learningunit.ByName(sql.OrderDesc())) }),
			statements: 1,
			check: func(t *testing.T, got *ent.LearningUnit) {
				m := got.Edges.Children
				if !slices.Equal(ids(m), members[got.ID]) {
					t.Errorf("household %d: members %v, want %v", got.ID, ids(m), members[got.ID])
				}
				if !slices.IsSortedFunc(m, func(a, b *ent.LearningUnit) int { return strings.Compare(b.Name, a.Name) }) {
					t.Errorf("household %d: members not in the order asked", got.ID)
				}
			},
		}, {
			name: "list edge in an order by an expression: ent's loader",
			query: households().WithChildren(func(q *ent.LearningUnitQuery) {
				q.Order(func(s *sql.Selector) { s.OrderExpr(sql.Expr("length(" + s.C(learningunit.FieldName) + ")")) })
			}),
			statements: 2,
			check: func(t *testing.T, got *ent.LearningUnit) {
				if m := got.Edges.Children; !slices.Equal(ids(m), members[got.ID]) {
					t.Errorf("household %d: members %v, want %v", got.ID, ids(m), members[got.ID])
				}
			},
		}}
		wantHouseholds := households().AllX(ctx)
		for _, tt := range lists {
			t.Run(tt.name, func(t *testing.T) {
				counter.Reset()
				got := tt.query.AllX(ctx)
				if n := counter.Count(); n != tt.statements {
					t.Errorf("%d statements, want %d", n, tt.statements)
				}
				if len(got) != len(wantHouseholds) {
					t.Fatalf("%d households, want %d", len(got), len(wantHouseholds))
				}
				for i := range got {
					tt.check(t, got[i])
				}
			})
		}

		// A count is not a join.
		counter.Reset()
		if n := citizens(db.LearningUnit.Query()).WithAdminUnit().CountX(ctx); n != len(want) || counter.Count() != 1 {
			t.Errorf("count: %d in %d statements, want %d in 1", n, counter.Count(), len(want))
		}
	}, opts)
}

// TestListEdgesLoadWithTheirRow checks the aggregation of list edges with
// their node's row against ent's loader, where it goes past a flat list: a
// page of one node's edges, edges with edges of their own (a household's
// registrations with their evaluations and campaign), the same edge nested
// in itself (a province's districts' communes), and a limit over many
// nodes, which is theirs together and stays ent's loader's.
func TestListEdgesLoadWithTheirRow(t *testing.T) {
	opts, counter := dbtest.Counting()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		res, err := demo.Load(sys, db, demo.Options{Scale: 0.0005, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		// An officer: every edge's privacy filter is in the statement.
		u := db.User.Query().Where(user.RoleEQ(viewer.RoleOfficer)).Order(user.ByID()).FirstX(sys)
		ctx := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, ScopeID: u.ScopeID, ScopePath: u.ScopePath})
		regs := db.Registration.Query().Order(registration.ByID()).WithEvaluations().AllX(ctx)
		if len(regs) < 2 {
			t.Fatalf("the officer reads %d registrations; the test needs some", len(regs))
		}
		evaluated := slices.ContainsFunc(regs, func(r *ent.Registration) bool { return len(r.Edges.Evaluations) > 0 })
		if !evaluated {
			t.Fatal("no registration the officer reads is evaluated; the test needs some")
		}
		// What ent's loader reads, edge by edge: registrations by household,
		// evaluations by registration (each read alone).
		byHousehold := map[int][]*ent.Registration{}
		var households []int
		for _, r := range regs {
			if len(byHousehold[r.LearningUnitID]) == 0 {
				households = append(households, r.LearningUnitID)
			}
			byHousehold[r.LearningUnitID] = append(byHousehold[r.LearningUnitID], r)
		}
		evaluations := func(r *ent.Registration) []string {
			es := db.Evaluation.Query().Where(evaluation.RegistrationID(r.ID)).Order(evaluation.ByID()).AllX(ctx)
			out := make([]string, len(es))
			for i, e := range es {
				out[i] = e.String()
			}
			return out
		}
		same := func(t *testing.T, got, want *ent.Registration) {
			t.Helper()
			if got.String() != want.String() {
				t.Errorf("registration\\n%s\\nwant\\n%s", got, want)
			}
			es, err := got.Edges.EvaluationsOrErr()
			if err != nil {
				t.Fatalf("registration %d: evaluations %v", got.ID, err)
			}
			slices.SortFunc(es, func(a, b *ent.Evaluation) int { return a.ID - b.ID })
			var have []string
			for _, e := range es {
				have = append(have, e.String())
			}
			if w := evaluations(want); !slices.Equal(have, w) {
				t.Errorf("registration %d: evaluations\\n%v\\nwant\\n%v", got.ID, have, w)
			}
			if c, err := got.Edges.CampaignOrErr(); err != nil || c.ID != got.CampaignID {
				t.Errorf("registration %d: campaign %v (%v), want %d", got.ID, c, err, got.CampaignID)
			}
		}

		t.Run("edges with edges of their own", func(t *testing.T) {
			counter.Reset()
			got := db.LearningUnit.Query().Where(learningunit.IDIn(households...)).Order(learningunit.ByID()).
				WithRegistrations(func(q *ent.RegistrationQuery) { q.Order(registration.ByID()).WithEvaluations().WithCampaign() }).AllX(ctx)
			if n := counter.Count(); n != 1 {
				t.Errorf("%d statements, want 1", n)
			}
			if len(got) != len(households) {
				t.Fatalf("%d households, want %d", len(got), len(households))
			}
			for _, h := range got {
				rs, err := h.Edges.RegistrationsOrErr()
				want := byHousehold[h.ID]
				if err != nil || len(rs) != len(want) {
					t.Fatalf("household %d: %d registrations (%v), want %d", h.ID, len(rs), err, len(want))
				}
				for i := range rs {
					same(t, rs[i], want[i])
				}
			}
		})

		// The household with the most registrations, for pages.
		h := households[0]
		for _, id := range households {
			if len(byHousehold[id]) > len(byHousehold[h]) {
				h = id
			}
		}
		if len(byHousehold[h]) < 2 {
			t.Fatal("no household has two registrations; the test needs one")
		}
		newest := func(q *ent.RegistrationQuery) *ent.RegistrationQuery {
			return q.Order(registration.ByID(sql.OrderDesc())).Limit(len(byHousehold[h]) - 1).WithEvaluations()
		}
		for _, tt := range []struct {
			name       string
			page       func(*ent.RegistrationQuery)
			statements int
		}{
			{"a page of one node's edges", func(q *ent.RegistrationQuery) { ent.PagedForOneNode(newest(q)) }, 1},
			{"a limit not said to be one node's: ent's loader", func(q *ent.RegistrationQuery) { newest(q) }, 2},
		} {
			t.Run(tt.name, func(t *testing.T) {
				counter.Reset()
				got := db.LearningUnit.Query().Where(learningunit.ID(h)).WithRegistrations(tt.page).OnlyX(ctx)
				if n := counter.Count(); n != tt.statements {
					t.Errorf("%d statements, want %d", n, tt.statements)
				}
				want := slices.Clone(byHousehold[h])
				slices.Reverse(want)
				want = want[:len(want)-1]
				rs := got.Edges.Registrations
				if len(rs) != len(want) {
					t.Fatalf("%d registrations, want %d", len(rs), len(want))
				}
				for i := range rs {
					if rs[i].ID != want[i].ID {
						t.Fatalf("registration %d is %d, want %d: the page's order", i, rs[i].ID, want[i].ID)
					}
					if _, err := rs[i].Edges.EvaluationsOrErr(); err != nil {
						t.Errorf("registration %d: evaluations %v", rs[i].ID, err)
					}
				}
			})
		}

		t.Run("a limit over many nodes: ent's loader", func(t *testing.T) {
			counter.Reset()
			got := db.LearningUnit.Query().Where(learningunit.IDIn(households...)).
				WithRegistrations(func(q *ent.RegistrationQuery) { q.Limit(1) }).AllX(ctx)
			if n := counter.Count(); n != 2 {
				t.Errorf("%d statements, want 2", n)
			}
			total := 0
			for _, h := range got {
				total += len(h.Edges.Registrations)
			}
			if total != 1 {
				t.Errorf("%d registrations in all, want the limit's 1", total)
			}
		})

		t.Run("an edge nested in itself", func(t *testing.T) {
			counter.Reset()
			got := db.AdminUnit.Query().Where(adminunit.ID(res.Province.ID)).
				WithChildren(func(q *ent.AdminUnitQuery) { q.Order(adminunit.ByID()).WithChildren() }).OnlyX(ctx)
			if n := counter.Count(); n != 1 {
				t.Errorf("%d statements, want 1", n)
			}
			districts := db.AdminUnit.Query().Where(adminunit.ParentID(res.Province.ID)).Order(adminunit.ByID()).AllX(ctx)
			if len(got.Edges.Children) != len(districts) || len(districts) == 0 {
				t.Fatalf("%d districts, want %d", len(got.Edges.Children), len(districts))
			}
			for i, d := range got.Edges.Children {
				if d.String() != districts[i].String() {
					t.Errorf("district\\n%s\\nwant\\n%s", d, districts[i])
				}
				var have []int
				for _, c := range d.Edges.Children {
					have = append(have, c.ID)
				}
				slices.Sort(have)
				want := db.AdminUnit.Query().Where(adminunit.ParentID(d.ID)).Order(adminunit.ByID()).IDsX(ctx)
				if !slices.Equal(have, want) {
					t.Errorf("district %d: communes %v, want %v", d.ID, have, want)
				}
			}
		})

		// Named edges are numbered in the statement's aliases: in a map's
		// order, the text would differ between requests, and PostgreSQL's
		// prepared statements and SQLite's statement cache, keyed by it,
		// would miss.
		t.Run("named edges: the same statement each time", func(t *testing.T) {
			var texts []string
			counter.Log = func(q string, _ []any) { texts = append(texts, q) }
			defer func() { counter.Log = nil }()
			names := []string{"first", "second", "third", "fourth", "fifth"}
			for range 8 {
				q := db.LearningUnit.Query().Where(learningunit.ID(h))
				for i, name := range names {
					// Each edge's statement of its own shape: i+1 predicates.
					q.WithNamedRegistrations(name, func(q *ent.RegistrationQuery) {
						for range i + 1 {
							q.Where(registration.IDGTE(byHousehold[h][0].ID + i))
						}
					})
				}
				got := q.OnlyX(ctx)
				for i, name := range names {
					rs, err := got.NamedRegistrations(name)
					want := 0
					for _, r := range byHousehold[h] {
						if r.ID >= byHousehold[h][0].ID+i {
							want++
						}
					}
					if err != nil || len(rs) != want {
						t.Fatalf("edge %s: %d registrations (%v), want %d", name, len(rs), err, want)
					}
				}
			}
			if len(texts) != 8 {
				t.Fatalf("%d statements for 8 queries, want 8", len(texts))
			}
			for i, q := range texts[1:] {
				if q != texts[0] {
					t.Fatalf("statement %d differs from the first:\n%s\nfirst:\n%s", i+2, q, texts[0])
				}
			}
		})
	}, opts)
}

// TestRefusedNestedEdgeFails: an edge its privacy policy refuses (a user's
// sessions, which nobody reads through the API) fails the whole query, as
// its own statement would have, also when it is aggregated into an edge that
// is itself aggregated into its node's row: it must not read as empty.
func TestRefusedNestedEdgeFails(t *testing.T) {
	opts, counter := dbtest.Counting()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		f := fixture.Build(t, db.Client)
		ctx := f.As(context.Background(), "admin")
		if n := db.User.Query().Where(user.ScopeID(f.C1.ID)).CountX(ctx); n == 0 {
			t.Fatal("no user has the commune as scope; the test needs one")
		}
		sessions := func(q *ent.UserQuery) { q.WithSessions() }
		tests := []struct {
			name       string
			query      *ent.AdminUnitQuery
			statements int // of a query like it whose edges are not refused
		}{
			{"aggregated into the node's row", db.AdminUnit.Query().Where(adminunit.ID(f.C1.ID)).WithUsers(sessions), 1},
			{"two levels down", db.AdminUnit.Query().Where(adminunit.ID(*f.C1.ParentID)).WithChildren(func(q *ent.AdminUnitQuery) { q.WithUsers(sessions) }), 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.query.All(ctx)
				if !errors.Is(err, privacy.Deny) && (err == nil || !strings.Contains(err.Error(), privacy.Deny.Error())) {
					t.Errorf("error %v, want the sessions' refusal", err)
				}
				// The same shape with its edges allowed is one statement:
				// the refused edge was built into it, not loaded apart.
				counter.Reset()
				tt.query.Clone().AllX(privacy.DecisionContext(ctx, privacy.Allow))
				if n := counter.Count(); n != tt.statements {
					t.Errorf("%d statements allowed, want %d", n, tt.statements)
				}
			})
		}
	}, opts)
}
