package search_test

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/privacy"

	"hoctap/ent/learningunit"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/search"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestPrefixUsesIndex checks, on both databases, that the two prefix
// matches the API leans on — search keys and materialised paths — are served
// by an index, not a scan: the predicate differs by dialect (LIKE on
// PostgreSQL, a range on SQLite), so each needs its own proof.
func TestPrefixUsesIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.Build(t, db.Client)
		ctx := context.Background()
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if db.Dialect == dialect.Postgres {
			// The fixture's tables are tiny, where a scan is cheaper; forbid
			// it to see whether an index can serve the predicate at all.
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ table, column, prefix, index string }{
			{"search_keys", "key", "dong hung", "searchkey_key_scope_path_owner_id"},
			{"admin_units", "path", "/1/2/", "adminunit_path"},
			{"learning_units", "admin_path", "/1/2/", "learningunit_admin_path"},
			{"users", "scope_path", "/1/2/", "user_scope_path"},
		} {
			q := sql.Dialect(db.Dialect).Select("id").From(sql.Table(tt.table)).Where(search.Prefix(tt.column, tt.prefix))
			query, args := q.Query()
			p := dbtest.Plan(t, conn, db.Dialect, query, args...)
			if !strings.Contains(p, tt.index) {
				t.Errorf("%s: plan does not use %s: %s", query, tt.index, p)
			}
		}
	})
}

// TestPrefixMatchesExactlyThePrefixed checks the prefix predicates row by
// row on both databases, in both wordings (Prefix, and KeyLedPrefix for
// statements led by keys): every string that starts with the prefix, and
// nothing that sorts next to it (a sibling path, a longer number, a shorter
// string).
func TestPrefixMatchesExactlyThePrefixed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		conn := probeTable(t, db, "prefix_probe", "/1/2/", "/1/2/3/", "/1/2/30/4/", "/1/20/", "/1/2", "/1/3/", "/1/", "/1/2/\u00e9/", "dong", "dong hung", "dong hunga", "donh", "don")
		for _, tt := range []struct {
			prefix string
			want   []string
		}{
			{"/1/2/", []string{"/1/2/", "/1/2/3/", "/1/2/30/4/", "/1/2/\u00e9/"}},
			{"/1/", []string{"/1/", "/1/2", "/1/2/", "/1/2/3/", "/1/2/30/4/", "/1/2/\u00e9/", "/1/20/", "/1/3/"}},
			{"dong", []string{"dong", "dong hung", "dong hunga"}},
			{"dong hung", []string{"dong hung", "dong hunga"}},
			{"/1/2/\u00e9", []string{"/1/2/\u00e9/"}},
			{"x", nil},
		} {
			for name, prefix := range map[string]func(string, string) *sql.Predicate{"Prefix": search.Prefix, "KeyLedPrefix": search.KeyLedPrefix} {
				got := matched(t, conn, db.Dialect, "prefix_probe", prefix("s", tt.prefix))
				want := slices.Clone(tt.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s %q: got %q, want %q", name, tt.prefix, got, want)
				}
			}
		}
	})
}

// TestKeyLedPrefixKeepsOnePlan checks why KeyLedPrefix exists, on a table
// shaped like the learning units (50,000 rows under 500 keys, paths in 7
// branches, indexed by key and path and by path): PostgreSQL plans a
// statement that filters a key's rows by a LIKE prefix anew on every
// execution, and keeps one generic plan for the same statement worded by
// KeyLedPrefix. After the five custom plans PostgreSQL always makes, a
// generic plan shows the prefix as a parameter ($n), a custom one as its
// value.
func TestKeyLedPrefixKeepsOnePlan(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	// Temporary tables and prepared statements live on one connection.
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		"CREATE TEMPORARY TABLE plan_probe (id serial PRIMARY KEY, key int NOT NULL, path text NOT NULL)",
		"INSERT INTO plan_probe (key, path) SELECT g % 500, '/1/' || (g % 7) || '/' || (g % 70) || '/' || (g % 500) || '/' FROM generate_series(1, 50000) g",
		"CREATE INDEX ON plan_probe (key, path text_pattern_ops)",
		"CREATE INDEX ON plan_probe (path text_pattern_ops)",
		"ANALYZE plan_probe",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	const key, scope = 5, "/1/5/"
	for i, tt := range []struct {
		name    string
		prefix  func(string, string) *sql.Predicate
		oneplan bool
	}{
		{"Prefix", search.Prefix, false},
		{"KeyLedPrefix", search.KeyLedPrefix, true},
	} {
		sel := sql.Dialect(dialect.Postgres).Select("id").From(sql.Table("plan_probe"))
		sel.Where(sql.And(sql.EQ(sel.C("key"), key), tt.prefix(sel.C("path"), scope)))
		query, args := sel.Query()
		name := fmt.Sprintf("probe_%d", i)
		if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		values := make([]string, len(args))
		for i, a := range args {
			values[i] = fmt.Sprintf("'%v'", a)
		}
		execute := "EXECUTE " + name + "(" + strings.Join(values, ", ") + ")"
		for range 6 {
			if _, err := conn.ExecContext(ctx, execute); err != nil {
				t.Fatalf("%s: %v", execute, err)
			}
		}
		p := dbtest.Plan(t, conn, dialect.Postgres, execute)
		if oneplan := !strings.Contains(p, scope); oneplan != tt.oneplan {
			t.Errorf("%s: one plan kept %v, want %v (has PostgreSQL's plan_cache_mode, or its planner, changed?): %s\n%s", tt.name, oneplan, tt.oneplan, query, p)
		}
	}
}

// TestKeysCarryTheirOwnersPath checks that every search key written by the
// hooks carries its owner's path — the path a search narrows keys by — for
// each searchable type, including after users and units move, one or many
// at a time.
func TestKeysCarryTheirOwnersPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		u := fx.Users["officer"]
		if err := db.Client.User.UpdateOneID(u.ID).SetScopeID(fx.C4.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		// Moves of many rows at once.
		if err := db.Client.User.Update().Where(user.ID(fx.Users["collaborator"].ID)).SetScopeID(fx.C4.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		moved, err := db.Client.LearningUnit.Update().Where(learningunit.AdminUnitID(fx.V1a.ID)).SetAdminUnitID(fx.V4a.ID).Save(ctx)
		if err != nil || moved == 0 {
			t.Fatalf("moved %d units: %v", moved, err)
		}
		const q = `SELECT k.key, k.scope_path, COALESCE(a.path, l.admin_path, u.scope_path, '?') FROM search_keys k
			LEFT JOIN admin_units a ON a.id = k.owner_id
			LEFT JOIN learning_units l ON l.id = k.owner_id
			LEFT JOIN users u ON u.id = k.owner_id`
		rows, err := db.SQL.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var key, got, want string
			if err := rows.Scan(&key, &got, &want); err != nil {
				t.Fatal(err)
			}
			n++
			if got != want {
				t.Errorf("key %q: scope path %q, owner's path %q", key, got, want)
			}
		}
		if n == 0 {
			t.Fatal("the fixture wrote no search keys")
		}
	})
}

// TestMatchFindsWhatTheViewerSees searches, as viewers of different roles
// and scopes, for units in and out of their scope: narrowing the keys to a
// scope must never hide a row the viewer may read (an admin reads all,
// whatever their scope), and the owner's policy still hides the rest.
func TestMatchFindsWhatTheViewerSees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		for _, tt := range []struct {
			name   string
			viewer viewer.Viewer
			q      string
			want   int // admin units named like q that the viewer finds
		}{
			{"admin scoped in P1, unit in P2", viewer.Viewer{Role: viewer.RoleAdmin, ScopePath: fx.P1.Path}, "tinh hai", 1},
			{"admin scoped in P1, unit in P1", viewer.Viewer{Role: viewer.RoleAdmin, ScopePath: fx.P1.Path}, "tinh mot", 1},
			{"manager of P1, unit in P1", viewer.Viewer{Role: viewer.RoleManager, ScopePath: fx.P1.Path}, "tinh mot", 1},
			{"manager of P1, unit in P2", viewer.Viewer{Role: viewer.RoleManager, ScopePath: fx.P1.Path}, "tinh hai", 0},
			{"manager of P2, unit in P2", viewer.Viewer{Role: viewer.RoleManager, ScopePath: fx.P2.Path}, "tinh hai", 1},
			// A prefix of several keys: each key's entries in scope.
			{"manager of P1, prefix of both", viewer.Viewer{Role: viewer.RoleManager, ScopePath: fx.P1.Path}, "tinh", 1},
			{"admin scoped in P1, prefix of both", viewer.Viewer{Role: viewer.RoleAdmin, ScopePath: fx.P1.Path}, "tinh", 2},
		} {
			t.Run(tt.name, func(t *testing.T) {
				v := tt.viewer
				v.UserID = fx.Users["admin"].ID
				ctx := viewer.NewContext(context.Background(), &v)
				n, err := db.Client.AdminUnit.Query().Where(search.Match(ctx, tt.q)).Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n != tt.want {
					t.Errorf("found %d, want %d", n, tt.want)
				}
			})
		}
		// A key written before scope_path existed has it empty: the
		// owner's policy decides, in scope or not.
		if _, err := db.SQL.ExecContext(context.Background(), `UPDATE search_keys SET scope_path = '' WHERE owner_id IN (`+
			fmt.Sprint(fx.P1.ID)+`, `+fmt.Sprint(fx.P2.ID)+`)`); err != nil {
			t.Fatal(err)
		}
		ctx := viewer.NewContext(context.Background(), &viewer.Viewer{Role: viewer.RoleManager, ScopePath: fx.P1.Path, UserID: fx.Users["admin"].ID})
		for q, want := range map[string]int{"tinh mot": 1, "tinh hai": 0, "tinh": 1} {
			if n, err := db.Client.AdminUnit.Query().Where(search.Match(ctx, q)).Count(ctx); err != nil || n != want {
				t.Errorf("keys without a scope path, %q: found %d (%v), want %d", q, n, err, want)
			}
		}
	})
}

// TestInLineageMatchesTheLineage checks InLineage row by row on both
// databases, in both of SQLite's wordings (equalities for a unit's lineage,
// an IN list for longer ones), and that the admin units' path index serves
// it: each unit at one of the paths or above one, and nothing beside them
// (a sibling, a longer number, a descendant).
func TestInLineageMatchesTheLineage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		conn := probeTable(t, db, "lineage_probe", "/1/", "/1/2/", "/1/2/3/", "/1/2/3/4/", "/1/2/30/", "/1/20/", "/1/3/", "/1/3/5/", "/1/3/5/6/", "/1/3/5/6/7/", "/1/3/5/6/7/8/", "/1/3/5/6/7/8/9/", "/2/")
		for _, tt := range []struct {
			name  string
			paths []string
			want  []string
		}{
			{"a unit's lineage", []string{"/1/2/3/"}, []string{"/1/", "/1/2/", "/1/2/3/"}},
			{"two units sharing ancestors", []string{"/1/2/3/", "/1/3/"}, []string{"/1/", "/1/2/", "/1/2/3/", "/1/3/"}},
			{"more paths than equalities", []string{"/1/2/3/4/", "/1/3/5/6/7/8/9/"},
				[]string{"/1/", "/1/2/", "/1/2/3/", "/1/2/3/4/", "/1/3/", "/1/3/5/", "/1/3/5/6/", "/1/3/5/6/7/", "/1/3/5/6/7/8/", "/1/3/5/6/7/8/9/"}},
			{"no path", nil, nil},
		} {
			if got := matched(t, conn, db.Dialect, "lineage_probe", search.InLineage("s", tt.paths...)); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}

		fixture.Build(t, db.Client)
		if db.Dialect == dialect.Postgres {
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
		}
		for _, paths := range [][]string{{"/1/2/3/"}, {"/1/2/3/4/", "/1/3/5/6/7/8/9/"}} {
			query, args := sql.Dialect(db.Dialect).Select("id").From(sql.Table("admin_units")).Where(search.InLineage("path", paths...)).Query()
			if p := dbtest.Plan(t, conn, db.Dialect, query, args...); !strings.Contains(p, "adminunit_path") {
				t.Errorf("%s: plan does not use adminunit_path: %s", query, p)
			}
		}
	})
}

// probeTable creates the temporary table name (s TEXT) holding values, on
// the connection it returns: a temporary table lives on one.
func probeTable(t *testing.T, db *store.DB, name string, values ...string) *stdsql.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE "+name+" (s TEXT)"); err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		query, args := sql.Dialect(db.Dialect).Insert(name).Columns("s").Values(v).Query()
		if _, err := conn.ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// matched is what p keeps of table's values, sorted.
func matched(t *testing.T, conn *stdsql.Conn, dialectName, table string, p *sql.Predicate) []string {
	t.Helper()
	query, args := sql.Dialect(dialectName).Select("s").From(sql.Table(table)).Where(p).Query()
	rows, err := conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	slices.Sort(got)
	return got
}
