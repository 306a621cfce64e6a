package store_test

import (
	"context"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/textnorm"
)

// TestMigrateBackfillsSortKeys checks that a database written before names
// had sort keys gets them when the server next migrates it.
func TestMigrateBackfillsSortKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.Build(t, db.Client)
		ctx := context.Background()
		tables := map[string]string{"admin_units": "name", "learning_units": "name", "users": "full_name"}
		// A database of before the keys: no key, and no record of the
		// backfill.
		if _, err := db.SQL.ExecContext(ctx, `DELETE FROM settings WHERE key = 'sort_keys_backfilled'`); err != nil {
			t.Fatal(err)
		}
		for table, text := range tables {
			if _, err := db.SQL.ExecContext(ctx, `UPDATE "`+table+`" SET "`+text+`_key" = NULL`); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for table, text := range tables {
			rows, err := db.SQL.QueryContext(ctx, `SELECT "`+text+`", "`+text+`_key" FROM "`+table+`"`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var name string
				var key *string
				if err := rows.Scan(&name, &key); err != nil {
					t.Fatal(err)
				}
				if key == nil || *key != textnorm.SortKey(name) {
					t.Errorf("%s %q: key %v after migrating, want its sort key", table, name, key)
				}
				n++
			}
			if err := rows.Close(); err != nil || n == 0 {
				t.Fatalf("%s: %d rows, %v", table, n, err)
			}
		}
	})
}
