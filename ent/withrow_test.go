package ent_test

import (
	"context"
	"slices"
	"testing"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
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
			name:       "list edge with an order: ent's loader",
			query:      households().WithChildren(func(q *ent.LearningUnitQuery) { q.Order(learningunit.ByName()) }),
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
