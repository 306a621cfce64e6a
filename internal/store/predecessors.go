package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/internal/history"
)

// predecessorsDone is the setting that records the units' predecessors
// were worked out once: a database reorganised before they existed has
// closed units whose records only its ADMINs could read.
const predecessorsDone = "predecessors_built"

// buildPredecessors works out every unit's predecessors once per database
// (afterwards each reorganisation keeps them), in one transaction.
func buildPredecessors(ctx context.Context, conn *sql.Conn, postgres bool) (err error) {
	ph := func(q string) string {
		if postgres {
			return q
		}
		return strings.ReplaceAll(q, "$", "?")
	}
	var done int
	if err := conn.QueryRowContext(ctx, ph(`SELECT COUNT(*) FROM settings WHERE key = $1`), predecessorsDone).Scan(&done); err != nil {
		return fmt.Errorf("predecessors: %w", err)
	}
	if done > 0 {
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("predecessors: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	if err := history.Rebuild(ctx, tx, postgres); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, ph(`INSERT INTO settings (key, value, created_at) VALUES ($1, '', $2)`), predecessorsDone, time.Now().UTC()); err != nil {
		return fmt.Errorf("predecessors: record them built: %w", err)
	}
	return tx.Commit()
}
