package store

import (
	"context"
	"database/sql"

	entsql "entgo.io/ent/dialect/sql"
)

// typedOnce has rows work out their column types once. ent asks for them on
// every row that carries a column it does not know (a page's count,
// ent/countinpage.go), and database/sql builds them anew each time, for
// every column: for a 20-row page of households that was as costly as a
// statement.
func typedOnce(err error, v any) error {
	if r, ok := v.(*entsql.Rows); ok && err == nil {
		r.ColumnScanner = &typedRows{ColumnScanner: r.ColumnScanner}
	}
	return err
}

type typedRows struct {
	entsql.ColumnScanner
	done  bool
	types []*sql.ColumnType
	err   error
}

// ColumnTypes returns the result set's column types, read once.
func (r *typedRows) ColumnTypes() ([]*sql.ColumnType, error) {
	if !r.done {
		r.types, r.err = r.ColumnScanner.ColumnTypes()
		r.done = true
	}
	return r.types, r.err
}

// NextResultSet moves to the next result set, whose columns are its own.
func (r *typedRows) NextResultSet() bool {
	r.done, r.types, r.err = false, nil, nil
	return r.ColumnScanner.NextResultSet()
}

// pgDriver is ent's driver for PostgreSQL with typedOnce rows.
type pgDriver struct{ *entsql.Driver }

// Query runs a query whose rows work out their column types once.
func (d pgDriver) Query(ctx context.Context, query string, args, v any) error {
	return typedOnce(d.Driver.Query(ctx, query, args, v), v)
}

// Query runs a query whose rows work out their column types once.
func (d cachingDriver) Query(ctx context.Context, query string, args, v any) error {
	return typedOnce(d.Driver.Query(ctx, query, args, v), v)
}
