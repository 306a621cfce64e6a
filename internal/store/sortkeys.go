package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hoctap/internal/textnorm"
)

// sortKeyColumns are the texts clients sort by, each with the column that
// holds its Vietnamese collation key (derive.SortKeys keeps them in step).
var sortKeyColumns = []struct{ table, text string }{
	{"admin_units", "name"},
	{"learning_units", "name"},
	{"users", "full_name"},
}

// sortKeysDone is the setting that records the backfill finished: proving
// that no NULL key is left would scan every learning unit at every start.
const sortKeysDone = "sort_keys_backfilled"

// backfillSortKeys gives every row written before its table had a sort key
// one, so that sorting by name never meets a NULL. It runs once per
// database, in batches of one transaction each, and records when it is done;
// cut short, it resumes at the next start.
func backfillSortKeys(ctx context.Context, conn *sql.Conn, ph func(int) string) error {
	var done int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE key = `+ph(1), sortKeysDone).Scan(&done); err != nil {
		return fmt.Errorf("sort keys: %w", err)
	}
	if done > 0 {
		return nil
	}
	for _, c := range sortKeyColumns {
		key := c.text + "_key"
		sel := fmt.Sprintf(`SELECT id, %q FROM %q WHERE %q IS NULL ORDER BY id LIMIT 2000`, c.text, c.table, key)
		upd := fmt.Sprintf(`UPDATE %q SET %q = %s WHERE id = %s`, c.table, key, ph(1), ph(2))
		for {
			n, err := backfillBatch(ctx, conn, sel, upd)
			if err != nil {
				return fmt.Errorf("sort keys of %s.%s: %w", c.table, c.text, err)
			}
			if n == 0 {
				break
			}
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO settings (key, value, created_at) VALUES (`+ph(1)+`, '', `+ph(2)+`)`, sortKeysDone, time.Now().UTC()); err != nil {
		return fmt.Errorf("sort keys: record the backfill: %w", err)
	}
	return nil
}

func backfillBatch(ctx context.Context, conn *sql.Conn, sel, upd string) (int, error) {
	type row struct {
		id   int
		text string
	}
	rows, err := conn.QueryContext(ctx, sel)
	if err != nil {
		return 0, err
	}
	var batch []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.text); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || len(batch) == 0 {
		return 0, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, upd)
	if err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	for _, r := range batch {
		if _, err := stmt.ExecContext(ctx, textnorm.SortKey(r.text), r.id); err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
	}
	return len(batch), tx.Commit()
}
