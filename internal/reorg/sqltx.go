package reorg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/internal/bulk"
)

// sqlTx runs the statements ent has no builder for (bulk inserts, updates
// joined to a table of moves) in an ent transaction. Statements are written
// with PostgreSQL's $1 placeholders; SQLite reads them as ?1.
type sqlTx struct {
	*ent.Tx
	dialect string
}

func (t *sqlTx) exec(ctx context.Context, q string, args ...any) error {
	if t.dialect != dialect.Postgres {
		q = strings.ReplaceAll(q, "$", "?")
	}
	if _, err := t.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("apply reorganisation: %w", err)
	}
	return nil
}

// ids reserves n ids of table. The caller holds the table's write lock
// (PostgreSQL's LOCK TABLE, SQLite's one writer), so nobody else takes ids
// meanwhile.
func (t *sqlTx) ids(ctx context.Context, table string, n int) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	out := make([]int, 0, n)
	if t.dialect == dialect.Postgres {
		rows, err := t.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("apply reorganisation: ids of %s: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("apply reorganisation: ids of %s: %w", table, err)
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	// SQLite: after the largest id in use, or at the table's range of
	// global ids when it is empty (AUTOINCREMENT follows explicit ids).
	start := bulk.IncrementStart(table)
	rows, err := t.QueryContext(ctx, `SELECT MAX(id) FROM "`+table+`"`)
	if err != nil {
		return nil, fmt.Errorf("apply reorganisation: ids of %s: %w", table, err)
	}
	var max sql.NullInt64
	if rows.Next() {
		err = rows.Scan(&max)
	}
	if err = errors.Join(err, rows.Close()); err != nil {
		return nil, fmt.Errorf("apply reorganisation: ids of %s: %w", table, err)
	}
	next := start + 1
	if max.Valid && int(max.Int64) >= next {
		next = int(max.Int64) + 1
	}
	for i := range n {
		out = append(out, next+i)
	}
	return out, nil
}

// insert writes rows into table's columns, as many a statement as the
// databases' parameter limits allow.
func (t *sqlTx) insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	per := max(1, 30000/len(columns))
	cols := `"` + strings.Join(columns, `","`) + `"`
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		args := make([]any, 0, len(chunk)*len(columns))
		b.WriteString(`INSERT INTO "` + table + `" (` + cols + `) VALUES `)
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				args = append(args, v)
				b.WriteString("$" + strconv.Itoa(len(args)))
			}
			b.WriteByte(')')
		}
		if err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
