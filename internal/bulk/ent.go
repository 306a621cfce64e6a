package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"hoctap/ent"
)

// Ent writes rows in bulk inside an ent transaction: the request's, or one
// a domain function opened, so that the bulk rows commit or roll back with
// what ent writes beside them (an audit entry, counters). It writes
// multi-row INSERTs on both databases: the connection under an ent
// transaction is out of reach, so PostgreSQL's COPY is not available.
// Statements are written with PostgreSQL's $1 placeholders; SQLite reads
// them as ?1.
type Ent struct {
	tx      *ent.Tx
	dialect string
	// next is, on SQLite, the first id not yet handed out of each table.
	next map[string]int
}

// OnEnt returns a bulk writer on tx, of the database's dialect.
func OnEnt(tx *ent.Tx, dial string) *Ent {
	return &Ent{tx: tx, dialect: dial, next: map[string]int{}}
}

// Exec runs a statement.
func (t *Ent) Exec(ctx context.Context, q string, args ...any) error {
	if t.dialect != dialect.Postgres {
		q = strings.ReplaceAll(q, "$", "?")
	}
	return t.exec(ctx, q, args...)
}

// exec runs a statement with the dialect's placeholders.
func (t *Ent) exec(ctx context.Context, q string, args ...any) error {
	if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	return nil
}

// IDs reserves n ids of table. On PostgreSQL they come from the table's
// sequence, so writers beside the transaction never take them; on SQLite,
// one writer at a time, after the largest id in use and those handed out
// before (or at the table's range of global ids when it is empty).
func (t *Ent) IDs(ctx context.Context, table string, n int) ([]int, error) {
	if n <= 0 {
		return nil, nil
	}
	out := make([]int, 0, n)
	if t.dialect == dialect.Postgres {
		rows, err := t.tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("bulk: ids of %s: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("bulk: ids of %s: %w", table, err)
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("bulk: ids of %s: %w", table, err)
		}
		return out, nil
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT MAX(id) FROM "`+table+`"`)
	if err != nil {
		return nil, fmt.Errorf("bulk: ids of %s: %w", table, err)
	}
	var largest sql.NullInt64
	if rows.Next() {
		err = rows.Scan(&largest)
	}
	if err = errors.Join(err, rows.Close()); err != nil {
		return nil, fmt.Errorf("bulk: ids of %s: %w", table, err)
	}
	next := IncrementStart(table) + 1
	if largest.Valid && int(largest.Int64) >= next {
		next = int(largest.Int64) + 1
	}
	next = max(next, t.next[table])
	for i := range n {
		out = append(out, next+i)
	}
	t.next[table] = next + n
	return out, nil
}

// Insert writes rows into table's columns, as many a statement as the
// databases' bound-parameter limits allow. SQLite's parameters are plain
// "?": the driver looks each numbered one (?N) up by name, through a list,
// which made a statement of 30,000 parameters cost seconds.
func (t *Ent) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	per := max(1, maxParams/len(columns))
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
				if t.dialect == dialect.Postgres {
					b.WriteString("$" + strconv.Itoa(len(args)))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		if err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// maxParams bounds the parameters of a statement: under SQLite's 32,766
// (PostgreSQL allows 65,535).
const maxParams = 30000
