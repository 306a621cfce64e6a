package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// DB runs statements: a *sql.Conn, a *sql.Tx, or an ent transaction built
// with the sql/execquery feature.
type DB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Rebuild recomputes every open unit's predecessors from the tree, stores
// those that changed, and copies them onto the accounts scoped to them. It
// reads the tree once and writes in a few statements whatever changed:
// after a reorganisation, in the reorganisation's transaction. Statements
// use PostgreSQL's $n placeholders unless postgres is false (SQLite's ?n).
func Rebuild(ctx context.Context, db DB, postgres bool) error {
	q := func(s string) string {
		if !postgres {
			return strings.ReplaceAll(s, "$", "?")
		}
		return s
	}
	units, stored, err := readTree(ctx, db)
	if err != nil {
		return fmt.Errorf("predecessors: %w", err)
	}
	want := Compute(units)
	var changed [][2]any
	for _, u := range units {
		if u.Closed {
			continue
		}
		if s := Format(want[u.ID]); s != stored[u.ID] {
			changed = append(changed, [2]any{u.ID, s})
		}
	}
	if len(changed) > 0 {
		if err := store(ctx, db, q, postgres, changed); err != nil {
			return fmt.Errorf("predecessors: %w", err)
		}
	}
	// Every account, not only those of the changed units: one statement,
	// and an account copied before this ran (a restore, a crash between
	// statements of an older version) is mended too.
	if _, err := db.ExecContext(ctx, `UPDATE users SET scope_predecessors = au.predecessors FROM admin_units au
		WHERE users.scope_id = au.id AND users.scope_predecessors <> au.predecessors`); err != nil {
		return fmt.Errorf("predecessors of accounts: %w", err)
	}
	return nil
}

func readTree(ctx context.Context, db DB) ([]Unit, map[int]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, parent_id, path, merged_into_id, valid_to IS NOT NULL, predecessors FROM admin_units`)
	if err != nil {
		return nil, nil, fmt.Errorf("read the tree: %w", err)
	}
	var units []Unit
	stored := map[int]string{}
	for rows.Next() {
		var u Unit
		var parent, merged sql.NullInt64
		var pred string
		if err := rows.Scan(&u.ID, &parent, &u.Path, &merged, &u.Closed, &pred); err != nil {
			return nil, nil, errors.Join(fmt.Errorf("read the tree: %w", err), rows.Close())
		}
		u.ParentID, u.MergedInto = int(parent.Int64), int(merged.Int64)
		units = append(units, u)
		stored[u.ID] = pred
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, nil, fmt.Errorf("read the tree: %w", err)
	}
	return units, stored, nil
}

// store writes the changed predecessors through a temporary table, in one
// update however many units changed.
func store(ctx context.Context, db DB, q func(string) string, postgres bool, changed [][2]any) error {
	table := "temp.history_changes"
	if postgres {
		table = "pg_temp.history_changes"
	}
	stmts := []string{
		`DROP TABLE IF EXISTS ` + table,
		`CREATE TEMP TABLE history_changes (id BIGINT PRIMARY KEY, predecessors TEXT NOT NULL)`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	const per = 10000 // two parameters a row, within both databases' limits
	for start := 0; start < len(changed); start += per {
		chunk := changed[start:min(start+per, len(changed))]
		var b strings.Builder
		args := make([]any, 0, 2*len(chunk))
		b.WriteString(`INSERT INTO history_changes (id, predecessors) VALUES `)
		for i, c := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			args = append(args, c[0], c[1])
			fmt.Fprintf(&b, "($%d, $%d)", len(args)-1, len(args))
		}
		if _, err := db.ExecContext(ctx, q(b.String()), args...); err != nil {
			return fmt.Errorf("stage %d changes: %w", len(changed), err)
		}
	}
	if _, err := db.ExecContext(ctx, `UPDATE admin_units SET predecessors = h.predecessors FROM history_changes h WHERE admin_units.id = h.id`); err != nil {
		return fmt.Errorf("update %d units: %w", len(changed), err)
	}
	_, err := db.ExecContext(ctx, `DROP TABLE `+table)
	return err
}
