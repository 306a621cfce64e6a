// Package store opens hoctap's database, SQLite or PostgreSQL, behind one
// ent client, and brings its schema up to date.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the pure-Go "sqlite" driver

	"hoctap/ent"
	"hoctap/ent/migrate"
	_ "hoctap/ent/runtime" // privacy policies and hooks of the schema
	"hoctap/internal/national"
)

// DB is an open database: the ent client and what sits below it.
type DB struct {
	*ent.Client
	SQL     *sql.DB
	Dialect string
	// DSN is what the database was opened with.
	DSN string
	// Driver is the ent driver the client runs on; tests wrap it to count
	// statements.
	Driver dialect.Driver
}

// Options tune how the database is opened.
type Options struct {
	// MaxConns caps the connection pool; 0 picks a default for the dialect.
	MaxConns int
	// Wrap, when set, wraps the driver (tests count statements with it).
	Wrap func(dialect.Driver) dialect.Driver
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or an SQLite file path or file:
// URL. It does not touch the schema; call Migrate for that.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	var (
		db   *sql.DB
		dial string
		err  error
	)
	if IsPostgres(dsn) {
		dial = dialect.Postgres
		db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := opts.MaxConns
		if n == 0 {
			n = 4 * runtime.GOMAXPROCS(0)
		}
		// PITFALLS 6: with the default of 2 idle connections every burst of
		// requests forks new PostgreSQL backends.
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		dial = dialect.SQLite
		db, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		n := opts.MaxConns
		if n == 0 {
			n = 2 * runtime.GOMAXPROCS(0)
		}
		// WAL lets readers run beside the one writer; more connections than
		// cores only queue on SQLite's locks.
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dial, err)
	}
	var drv dialect.Driver = pgDriver{entsql.OpenDB(dial, db)}
	if dial == dialect.SQLite {
		drv = newCachingDriver(dial, db)
	}
	if opts.Wrap != nil {
		drv = opts.Wrap(drv)
	}
	return &DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db, Dialect: dial, DSN: dsn, Driver: drv}, nil
}

// sqliteDSN turns a path or file: URL into a modernc DSN with the pragmas
// hoctap relies on, keeping any the caller gave.
func sqliteDSN(dsn string) string {
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	base, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		q = url.Values{}
	}
	have := strings.Join(q["_pragma"], ",")
	for _, p := range []string{
		"foreign_keys(1)",     // ent relies on FK constraints for edges
		"journal_mode(WAL)",   // readers do not block the writer
		"busy_timeout(10000)", // wait for the write lock instead of failing at once
		"synchronous(NORMAL)", // durable at checkpoints, safe with WAL
		// Sorts and temporary b-trees larger than the page cache spill to
		// temporary files, which the OS caches. In memory, a province-wide
		// count (progress.Rebuild's GROUP BY over 1.8 million units) held
		// ~85 MB outside Go's heap and limit, and was no faster.
		"temp_store(FILE)",
		"cache_size(-2000)", // 2 MB page cache per connection (SQLite's default); the OS caches the rest
	} {
		name, _, _ := strings.Cut(p, "(")
		if !strings.Contains(have, name) {
			q.Add("_pragma", p)
		}
	}
	if !q.Has("_txlock") {
		// Write transactions take the lock at BEGIN, so two of them never
		// deadlock upgrading from a read lock.
		q.Set("_txlock", "immediate")
	}
	return base + "?" + q.Encode()
}

// Migrate creates or updates the schema and seeds the national targets
// the table lacks (national.Seed). It is safe to run from several
// replicas at once on PostgreSQL: an advisory lock serialises them, and the
// migration runs on the connection that holds it (so it also works with a
// pool of one).
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect != dialect.Postgres {
		// ent's driver itself: the migration reads its rows as
		// database/sql's, not as the client's typedOnce rows.
		if err := migrate.NewSchema(entsql.OpenDB(db.Dialect, db.SQL)).Create(ctx, migrate.WithDropIndex(true)); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		err = backfillSortKeys(ctx, conn, func(int) string { return "?" })
		if err == nil {
			err = buildPredecessors(ctx, conn, false)
		}
		// Back to the pool before seeding, which then reuses it: a second
		// connection open on the file would keep the generator from leaving
		// WAL mode (PRAGMA journal_mode needs the file to itself).
		if cerr := conn.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return national.Seed(ctx, db.Client)
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	const lockID = 0x686f6374 // "hoct"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		return fmt.Errorf("migrate: take lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID)
	drv := connDriver{Driver: entsql.NewDriver(db.Dialect, entsql.Conn{ExecQuerier: conn}), conn: conn}
	if err := migrate.NewSchema(drv).Create(ctx, migrate.WithDropIndex(true)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := backfillSortKeys(ctx, conn, func(i int) string { return fmt.Sprintf("$%d", i) }); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := buildPredecessors(ctx, conn, true); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Only the columns whose target differs, in one round trip: ALTER TABLE
	// waits for a running VACUUM.
	values := make([]string, len(pathColumns))
	args := []any{pathStatistics}
	for i, c := range pathColumns {
		values[i] = fmt.Sprintf("(%d, $%d::regclass, $%d::name)", i, len(args)+1, len(args)+2)
		args = append(args, c.table, c.column)
	}
	rows, err := conn.QueryContext(ctx, `SELECT v.i FROM (VALUES `+strings.Join(values, ", ")+`) AS v(i, rel, col)
		JOIN pg_attribute a ON a.attrelid = v.rel AND a.attname = v.col WHERE a.attstattarget <> $1`, args...)
	if err != nil {
		return fmt.Errorf("migrate: statistics of the path columns: %w", err)
	}
	var stale []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: statistics of the path columns: %w", err)
		}
		stale = append(stale, i)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("migrate: statistics of the path columns: %w", err)
	}
	for _, i := range stale {
		c := pathColumns[i]
		// The names are the constants below, never input.
		q := fmt.Sprintf(`ALTER TABLE "%s" ALTER COLUMN "%s" SET STATISTICS %d`, c.table, c.column, pathStatistics)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrate: statistics of %s.%s: %w", c.table, c.column, err)
		}
	}
	// Still under the lock (two replicas would both add the missing rows),
	// and on its connection: with a pool of one, a seed waiting for another
	// connection would wait forever, holding the lock every other
	// migration waits for.
	return national.Seed(ctx, ent.NewClient(ent.Driver(drv)))
}

// pathStatistics is the statistics target of the path columns.
const pathStatistics = 250

// pathColumns are the materialised paths every scope filter matches by
// prefix. PostgreSQL estimates a LIKE prefix from the column's histogram;
// with the default 100 buckets a commune's 8,000 units of a province's 1.9
// million fall inside one bucket and are estimated as one row, and the
// planner then read a whole commune through the path index to serve one
// village's page (20 ms instead of 0.3). Histograms 2.5 times finer give
// estimates the planner can rely on (ten times finer did too, but planning
// every statement then cost more than running it); ANALYZE (the
// generator's, or autovacuum's) builds them.
var pathColumns = []struct{ table, column string }{
	{"admin_units", "path"},
	{"learning_units", "admin_path"},
	{"registrations", "admin_path"},
	{"users", "scope_path"},
	{"search_keys", "scope_path"},
}

// connDriver runs ent on one connection, opening its transactions there.
type connDriver struct {
	*entsql.Driver
	conn *sql.Conn
}

func (d connDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &entsql.Tx{Conn: entsql.Conn{ExecQuerier: tx}, Tx: tx}, nil
}

func (d connDriver) Close() error { return nil }

// Analyze gathers the planner's statistics after a bulk load (PITFALLS 10):
// until it runs, or autovacuum gets round to it, PostgreSQL estimates a
// province's path prefix at a few rows and answers a count of a province's
// registrations filtered by their units with a nested loop over both
// (22 s instead of 19 ms on the demo). On SQLite a sample of each index is
// enough and takes a fraction of a full ANALYZE. On PostgreSQL VACUUM too
// marks the freshly written pages all-visible, so index-only scans
// (counting a village, matching search keys) skip the table at once.
func (db *DB) Analyze(ctx context.Context) error {
	analyze := "ANALYZE"
	if db.Dialect == dialect.SQLite {
		if _, err := db.SQL.ExecContext(ctx, "PRAGMA analysis_limit=2000"); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	} else {
		analyze = "VACUUM (ANALYZE)"
	}
	if _, err := db.SQL.ExecContext(ctx, analyze); err != nil {
		return fmt.Errorf("%s: %w", analyze, err)
	}
	return nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the client and its connections.
func (db *DB) Close() error {
	return errors.Join(db.Client.Close())
}
