package reorg

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/internal/bulk"
)

// sqlTx runs the statements ent has no builder for (bulk inserts, updates
// joined to a table of moves) in an ent transaction, through bulk.Ent.
// Statements are written with PostgreSQL's $1 placeholders.
type sqlTx struct {
	*ent.Tx
	dialect string
	bulk    *bulk.Ent
}

func newSQLTx(tx *ent.Tx, dial string) *sqlTx {
	return &sqlTx{Tx: tx, dialect: dial, bulk: bulk.OnEnt(tx, dial)}
}

func (t *sqlTx) exec(ctx context.Context, q string, args ...any) error {
	if err := t.bulk.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("apply reorganisation: %w", err)
	}
	return nil
}

// ids reserves n ids of table. The caller holds the table's write lock
// (PostgreSQL's LOCK TABLE, SQLite's one writer), so nobody else takes ids
// meanwhile.
func (t *sqlTx) ids(ctx context.Context, table string, n int) ([]int, error) {
	ids, err := t.bulk.IDs(ctx, table, n)
	if err != nil {
		return nil, fmt.Errorf("apply reorganisation: %w", err)
	}
	return ids, nil
}

// insert writes rows into table's columns in as few statements as the
// databases' parameter limits allow.
func (t *sqlTx) insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	if err := t.bulk.Insert(ctx, table, columns, rows); err != nil {
		return fmt.Errorf("apply reorganisation: insert into %s: %w", table, err)
	}
	return nil
}
