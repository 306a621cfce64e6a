// Package bulk writes many rows fast, for the demo and the data generator:
// multi-row INSERTs on SQLite, COPY on PostgreSQL, all in one transaction
// that also serves an ent client for the rows that need ent's hooks (Tx);
// and for the imports, inside an ent transaction already open (Ent). Rows
// written here skip ent's hooks and privacy, so the caller derives what
// those would (paths, search keys, counters) itself.
package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"hoctap/ent"
	"hoctap/ent/migrate"
)

// Tx is one bulk-loading transaction.
type Tx struct {
	// Client runs ent on the same transaction.
	Client  *ent.Client
	dialect string
	conn    *sql.Conn
	tx      *sql.Tx
	nextID  map[string]int
	// stmts caches SQLite's prepared multi-row INSERTs: parsing a statement
	// of thousands of rows costs as much as running it.
	stmts map[string]*sql.Stmt
}

// Begin starts a bulk transaction on db.
func Begin(ctx context.Context, db *sql.DB, dial string) (*Tx, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("bulk: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("bulk: begin: %w", err)
	}
	drv := inTx{entsql.NewDriver(dial, entsql.Conn{ExecQuerier: tx})}
	return &Tx{Client: ent.NewClient(ent.Driver(drv)), dialect: dial, conn: conn, tx: tx, nextID: map[string]int{}, stmts: map[string]*sql.Stmt{}}, nil
}

// inTx is a driver already inside a transaction: the transactions ent opens
// for multi-statement writes become part of it.
type inTx struct{ *entsql.Driver }

func (d inTx) Tx(context.Context) (dialect.Tx, error) {
	return nopTx{dialect.NopTx(d.Driver), d.Driver}, nil
}

// nopTx is such a transaction, with the raw statements of the one it is
// part of: the reorganisation engine, run inside the demo's transaction,
// writes SQL of its own through ent's Tx.ExecContext and QueryContext.
type nopTx struct {
	dialect.Tx
	drv *entsql.Driver
}

func (t nopTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.drv.ExecContext(ctx, query, args...)
}

func (t nopTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.drv.QueryContext(ctx, query, args...)
}

// Commit commits the transaction.
func (t *Tx) Commit(context.Context) error {
	t.closeStmts()
	err := t.tx.Commit()
	return errors.Join(err, t.conn.Close())
}

// Rollback abandons the transaction.
func (t *Tx) Rollback() error {
	t.closeStmts()
	err := t.tx.Rollback()
	return errors.Join(err, t.conn.Close())
}

func (t *Tx) closeStmts() {
	for _, s := range t.stmts {
		s.Close()
	}
}

// IDs reserves n ids of table and returns the first; ids are global, each
// table in its own range (ent's sql/globalid).
func (t *Tx) IDs(ctx context.Context, table string, n int) (int, error) {
	next, ok := t.nextID[table]
	if !ok {
		start := IncrementStart(table)
		var max sql.NullInt64
		if err := t.tx.QueryRowContext(ctx, "SELECT MAX(id) FROM "+pq(table)).Scan(&max); err != nil {
			return 0, fmt.Errorf("bulk: ids of %s: %w", table, err)
		}
		next = start + 1
		if max.Valid && int(max.Int64) >= next {
			next = int(max.Int64) + 1
		}
	}
	t.nextID[table] = next + n
	if t.dialect == dialect.Postgres && n > 0 {
		// Move the sequence past the reserved ids at once, so rows ent adds
		// in the same transaction do not collide with them. (SQLite's
		// AUTOINCREMENT follows explicit ids by itself.)
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), $1)", table)
		if _, err := t.tx.ExecContext(ctx, q, next+n-1); err != nil {
			return 0, fmt.Errorf("bulk: sequence of %s: %w", table, err)
		}
	}
	return next, nil
}

// IncrementStart is where table's range of global ids begins (ent's
// sql/globalid).
func IncrementStart(table string) int {
	for _, tb := range migrate.Tables {
		if tb.Name == table && tb.Annotation != nil && tb.Annotation.IncrementStart != nil {
			return *tb.Annotation.IncrementStart
		}
	}
	return 0
}

// Insert writes rows into table's columns.
func (t *Tx) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if t.dialect == dialect.Postgres {
		return t.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("bulk: unexpected driver connection %T", dc)
			}
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
			if err != nil {
				return fmt.Errorf("bulk: copy into %s: %w", table, err)
			}
			return nil
		})
	}
	// SQLite: as many rows a statement as its 32,766 parameters allow.
	per := max(1, 30000/len(columns))
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = pq(c)
	}
	rowSQL := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		q := "INSERT INTO " + pq(table) + " (" + strings.Join(cols, ",") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(rowSQL+",", len(chunk)), ",")
		stmt := t.stmts[q]
		if stmt == nil {
			s, err := t.tx.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("bulk: insert into %s: %w", table, err)
			}
			if len(chunk) == per { // only full-size statements come back
				t.stmts[q] = s
			} else {
				defer s.Close()
			}
			stmt = s
		}
		args := make([]any, 0, len(chunk)*len(columns))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("bulk: insert into %s: %w", table, err)
		}
	}
	return nil
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) error {
	if _, err := t.tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	return nil
}

func pq(ident string) string { return `"` + ident + `"` }
