package store_test

import (
	"context"
	"strconv"
	"testing"

	"entgo.io/ent/privacy"

	"hoctap/ent/adminunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/history"
	"hoctap/internal/store"
)

// TestMigrateBuildsPredecessors checks that a database reorganised before
// units had predecessors gets them, and its accounts with them, when the
// server next migrates it; and that an account given that scope later
// copies them.
func TestMigrateBuildsPredecessors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		f := fixture.Build(t, db.Client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		// C2 merged into C1, written as an older version did: no
		// predecessors, no record of having built them.
		if _, err := db.SQL.ExecContext(ctx, `UPDATE admin_units SET valid_to = created_at, merged_into_id = `+itoa(f.C1.ID)+` WHERE id IN (`+itoa(f.C2.ID)+`, `+itoa(f.V2a.ID)+`)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.ExecContext(ctx, `DELETE FROM settings WHERE key = 'predecessors_built'`); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second changes nothing
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := string(history.Whole(f.C2.Path))
			if got := db.AdminUnit.GetX(ctx, f.C1.ID).Predecessors; got != want {
				t.Errorf("C1's predecessors %q, want %q", got, want)
			}
			if got := db.User.GetX(ctx, f.Users["officer"].ID).ScopePredecessors; got != want {
				t.Errorf("C1's officer's predecessors %q, want %q", got, want)
			}
			if got := db.AdminUnit.Query().Where(adminunit.PredecessorsNEQ("")).CountX(ctx); got != 1 {
				t.Errorf("%d units have predecessors, want C1 alone", got)
			}
		}
		u := db.User.UpdateOneID(f.Users["officer2"].ID).SetScopeID(f.C1.ID).SaveX(ctx)
		if u.ScopePredecessors != string(history.Whole(f.C2.Path)) {
			t.Errorf("an account moved to C1 has predecessors %q", u.ScopePredecessors)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
