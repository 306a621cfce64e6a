// Package dbtest gives tests a fresh, migrated database: SQLite by default,
// PostgreSQL when HOCTAP_TEST_DB names one, and both for tests that must hold
// on either (Each).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"hoctap/internal/store"
)

// EnvDB names the database the whole suite runs on: a postgres:// URL, or
// empty for SQLite.
const EnvDB = "HOCTAP_TEST_DB"

// EnvPostgres names the PostgreSQL server tests that need one use; the
// default is the local server of the development machine and CI.
const EnvPostgres = "HOCTAP_TEST_POSTGRES"

const defaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Open returns a fresh migrated database for t, on the suite's database.
func Open(t testing.TB, opts ...store.Options) *store.DB {
	t.Helper()
	if dsn := os.Getenv(EnvDB); dsn != "" {
		return openPostgres(t, dsn, opts...)
	}
	return OpenSQLite(t, opts...)
}

// OpenSQLite returns a fresh migrated SQLite database in a temporary file.
func OpenSQLite(t testing.TB, opts ...store.Options) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"), opts...)
}

// Postgres returns a fresh migrated PostgreSQL schema, skipping the test when
// no PostgreSQL server answers.
func Postgres(t testing.TB, opts ...store.Options) *store.DB {
	t.Helper()
	dsn := PostgresURL()
	if err := ping(dsn); err != nil {
		t.Skipf("PostgreSQL at %s is not reachable (%v); set %s to run this test", redact(dsn), err, EnvPostgres)
	}
	return openPostgres(t, dsn, opts...)
}

// PostgresURL is the server tests use for PostgreSQL.
func PostgresURL() string {
	if dsn := os.Getenv(EnvPostgres); dsn != "" {
		return dsn
	}
	if dsn := os.Getenv(EnvDB); dsn != "" {
		return dsn
	}
	return defaultPostgres
}

// Each runs f on SQLite and on PostgreSQL, each on a fresh database; the
// PostgreSQL run is skipped only when no server answers.
func Each(t *testing.T, f func(t *testing.T, db *store.DB), opts ...store.Options) {
	EachOpener(t, func(t *testing.T, open Opener) { f(t, open(opts...)) })
}

// Opener opens a fresh database of one dialect.
type Opener func(opts ...store.Options) *store.DB

// EachOpener runs f once per dialect with a way to open fresh databases of
// it, for tests that compare several databases.
func EachOpener(t *testing.T, f func(t *testing.T, open Opener)) {
	t.Run(dialect.SQLite, func(t *testing.T) {
		f(t, func(opts ...store.Options) *store.DB { return OpenSQLite(t, opts...) })
	})
	t.Run(dialect.Postgres, func(t *testing.T) {
		f(t, func(opts ...store.Options) *store.DB { return Postgres(t, opts...) })
	})
}

func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Ping()
}

// openPostgres creates a schema of its own for t and drops it afterwards, so
// tests run in parallel on one database without seeing each other.
func openPostgres(t testing.TB, dsn string, opts ...store.Options) *store.DB {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + randomHex(6)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", redact(dsn), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String(), opts...)
}

func open(t testing.TB, dsn string, opts ...store.Options) *store.DB {
	t.Helper()
	var o store.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, o)
	if err != nil {
		t.Fatalf("open %s: %v", redact(dsn), err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Counter is a driver wrapper that counts the SQL statements run through it.
type Counter struct {
	dialect.Driver
	n atomic.Int64
	// Log, when set, receives every statement with its arguments.
	Log func(query string, args []any)
}

// Count returns the statements run since the last Reset.
func (c *Counter) Count() int { return int(c.n.Load()) }

// Reset sets the count to zero.
func (c *Counter) Reset() { c.n.Store(0) }

func (c *Counter) note(q string, args any) {
	c.n.Add(1)
	if c.Log != nil {
		a, _ := args.([]any)
		c.Log(q, a)
	}
}

// Exec counts and runs a statement.
func (c *Counter) Exec(ctx context.Context, q string, args, v any) error {
	c.note(q, args)
	return c.Driver.Exec(ctx, q, args, v)
}

// Query counts and runs a query.
func (c *Counter) Query(ctx context.Context, q string, args, v any) error {
	c.note(q, args)
	return c.Driver.Query(ctx, q, args, v)
}

// QueryContext counts and runs a query given as SQL text (ent's
// Client.QueryContext, which the changes feed uses).
func (c *Counter) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.note(q, args)
	qc, ok := c.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("dbtest: %T runs no SQL text", c.Driver)
	}
	return qc.QueryContext(ctx, q, args...)
}

// Tx starts a transaction whose statements are counted too.
func (c *Counter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countTx{Tx: tx, c: c}, nil
}

type countTx struct {
	dialect.Tx
	c *Counter
}

func (t *countTx) Exec(ctx context.Context, q string, args, v any) error {
	t.c.note(q, args)
	return t.Tx.Exec(ctx, q, args, v)
}

func (t *countTx) Query(ctx context.Context, q string, args, v any) error {
	t.c.note(q, args)
	return t.Tx.Query(ctx, q, args, v)
}

// Counting returns store options that count statements with a new Counter.
func Counting() (store.Options, *Counter) {
	c := &Counter{}
	return store.Options{Wrap: func(d dialect.Driver) dialect.Driver { c.Driver = d; return c }}, c
}

// Plan is the query plan of query on conn, its lines joined by " | ":
// SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN.
func Plan(t testing.TB, conn *sql.Conn, dial, query string, args ...any) string {
	t.Helper()
	explain := "EXPLAIN QUERY PLAN "
	if dial == dialect.Postgres {
		explain = "EXPLAIN "
	}
	rows, err := conn.QueryContext(context.Background(), explain+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if s, ok := v.(string); ok {
				plan = append(plan, s)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, " | ")
}
