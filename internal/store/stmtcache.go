package store

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	lru "github.com/hashicorp/golang-lru/v2"
)

// stmtCacheSize bounds the prepared statements kept. ent's statements vary
// with the length of IN lists, making thousands of rare variants, each
// prepared on every connection; 400 keeps the everyday ones and bounds the
// memory (BENCHMARKS.md: server RSS 262 → 103 MB).
const stmtCacheSize = 400

// stmtCache runs each distinct statement through a prepared *sql.Stmt,
// which database/sql prepares once per connection and reuses. The pure-Go
// SQLite driver otherwise parses every statement on every call, which cost
// more than running most of hoctap's queries. (pgx caches statements
// itself.)
type stmtCache struct {
	db    *sql.DB
	stmts *lru.Cache[string, *sql.Stmt]
}

func newStmtCache(db *sql.DB) *stmtCache {
	c, _ := lru.NewWithEvict(stmtCacheSize, func(_ string, s *sql.Stmt) {
		// Close waits for queries still running on the statement.
		s.Close()
	})
	return &stmtCache{db: db, stmts: c}
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts.Get(query); ok {
		return s, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded, _ := c.stmts.PeekOrAdd(query, s); loaded {
		s.Close() // another request prepared it first
		return prev, nil
	}
	return s, nil
}

// QueryContext implements entsql.ExecQuerier.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// ExecContext implements entsql.ExecQuerier.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// cachingDriver is ent's SQL driver with statements outside transactions
// going through a stmtCache. Transactions run as usual: they are writes,
// where parsing is a small part of the work.
type cachingDriver struct {
	*entsql.Driver
	db *sql.DB
}

func newCachingDriver(dial string, db *sql.DB) cachingDriver {
	return cachingDriver{Driver: entsql.NewDriver(dial, entsql.Conn{ExecQuerier: newStmtCache(db)}), db: db}
}

// Tx starts a transaction.
func (d cachingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction with options.
func (d cachingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &entsql.Tx{Conn: entsql.Conn{ExecQuerier: tx}, Tx: tx}, nil
}

// Close closes the database.
func (d cachingDriver) Close() error { return d.db.Close() }
