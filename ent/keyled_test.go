package ent_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// TestEagerLoadsAreKeyLed checks, on PostgreSQL, where the two wordings of
// the scope differ, that an eager load by a column that leads an index
// words it for a plan PostgreSQL keeps (search.KeyLedPrefix: `left(…) =
// …`) while the statement a caller starts, which the scope may lead, keeps
// the LIKE that PostgreSQL plans for each scope; and that the key-led load
// keeps exactly the rows in scope. TestKeyLed covers which loads are
// key-led.
func TestEagerLoadsAreKeyLed(t *testing.T) {
	opts, counter := dbtest.Counting()
	db := dbtest.Postgres(t, opts)
	f := fixture.Build(t, db.Client)
	// A collaborator's scope is one village: the commune above it, which
	// they read for its name, holds learning units they may not read.
	ctx := f.As(context.Background(), "collaborator")

	var texts []string
	counter.Log = func(q string, _ []any) { texts = append(texts, q) }
	defer func() { counter.Log = nil }()
	// A limit on all the units' edges together keeps them out of the units'
	// row (template/with_row.tmpl): ent's loader runs a statement for them.
	units := db.AdminUnit.Query().Where(adminunit.HasLearningUnits()).Order(adminunit.ByID()).
		WithLearningUnits(func(q *ent.LearningUnitQuery) { q.Order(learningunit.ByID()).Limit(1_000_000) }).AllX(ctx)
	if len(texts) != 2 {
		t.Fatalf("%d statements, want the units' and their learning units':\n%s", len(texts), strings.Join(texts, "\n"))
	}
	for i, tt := range []struct {
		what   string
		keyLed bool
	}{
		{"the units, led by the scope", false},
		{"the units' learning units, led by their admin_unit_id index", true},
	} {
		if q := texts[i]; strings.Contains(q, "left(") != tt.keyLed || strings.Contains(q, " LIKE ") == tt.keyLed {
			t.Errorf("%s: scope worded as if key-led is %v, want %v: %s", tt.what, !tt.keyLed, tt.keyLed, q)
		}
	}

	var ids, loaded []int
	for _, u := range units {
		ids = append(ids, u.ID)
		for _, lu := range u.Edges.LearningUnits {
			loaded = append(loaded, lu.ID)
		}
	}
	slices.Sort(loaded)
	all := db.LearningUnit.Query().Where(learningunit.AdminUnitIDIn(ids...)).AllX(privacy.DecisionContext(ctx, privacy.Allow))
	var want []int
	for _, lu := range all {
		if strings.HasPrefix(lu.AdminPath, f.V1a.Path) {
			want = append(want, lu.ID)
		}
	}
	slices.Sort(want)
	if len(want) == 0 || len(want) == len(all) {
		t.Fatalf("of the %d learning units of units %v, %d are in the collaborator's village: the test needs some of each", len(all), ids, len(want))
	}
	if !slices.Equal(loaded, want) {
		t.Errorf("the eager load found learning units %v, the collaborator's village holds %v", loaded, want)
	}
}
