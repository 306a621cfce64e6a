package ent_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// TestEagerLoadsAreKeyLed checks, on PostgreSQL, where the two wordings of
// the scope differ, that the statement ent's eager loading runs for the
// rows it loaded words the viewer's scope for a plan PostgreSQL keeps
// (search.KeyLedPrefix: `left(…) = …`), while the statement a caller starts,
// which the scope may lead, keeps the LIKE PostgreSQL plans for each scope,
// and that the eager load finds what a query of its own finds.
func TestEagerLoadsAreKeyLed(t *testing.T) {
	opts, counter := dbtest.Counting()
	db := dbtest.Postgres(t, opts)
	f := fixture.Build(t, db.Client)
	ctx := f.As(context.Background(), "officer")

	var texts []string
	counter.Log = func(q string, _ []any) { texts = append(texts, q) }
	// A limit on all the units' edges together keeps them out of the units'
	// row (template/with_row.tmpl): ent's loader runs a statement for them.
	units := db.AdminUnit.Query().Where(adminunit.HasLearningUnits()).Order(adminunit.ByID()).
		WithLearningUnits(func(q *ent.LearningUnitQuery) { q.Order(learningunit.ByID()).Limit(1_000_000) }).AllX(ctx)
	counter.Log = nil
	if len(texts) != 2 {
		t.Fatalf("%d statements, want the units' and their learning units':\n%s", len(texts), strings.Join(texts, "\n"))
	}
	if q := texts[0]; !strings.Contains(q, " LIKE ") || strings.Contains(q, "left(") {
		t.Errorf("the units' own statement, led by the scope, words it otherwise than LIKE: %s", q)
	}
	if q := texts[1]; !strings.Contains(q, `left("learning_units"."admin_path", `) || strings.Contains(q, " LIKE ") {
		t.Errorf("the eager load, led by the units' keys, does not word the scope by left(): %s", q)
	}

	var ids, loaded []int
	for _, u := range units {
		ids = append(ids, u.ID)
		for _, lu := range u.Edges.LearningUnits {
			loaded = append(loaded, lu.ID)
		}
	}
	want := db.LearningUnit.Query().Where(learningunit.AdminUnitIDIn(ids...)).IDsX(ctx)
	slices.Sort(loaded)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(loaded, want) {
		t.Errorf("eager load found %v, a query of its own %v", loaded, want)
	}
}
