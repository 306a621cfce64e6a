package ent

// This file is not generated: ent/template/with_row.tmpl, which the
// queries' sqlAll is generated with, calls it.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqlgraph"
)

// withRow loads a unique edge (a household's admin unit) in its node's
// statement instead of a statement of its own: a LEFT JOIN of the edge's
// table, under the alias e_<name>, on the node's foreign key and the edge
// query's predicates (its privacy filter among them, evaluated before), so
// a row the viewer may not read joins as NULLs, as the separate statement
// would not have found it. The edge's columns are selected as
// e_<name>__<column>; spec's ScanValues and Assign are wrapped to hand them
// to the edge's own scan and assign, row by row; a row whose joined id is
// NULL calls none instead.
//
// Several edges chain: each wrapper takes the columns it appended, the last
// ones of the row, and passes the rest on.
//
// json names the edge's JSON columns (selected). extra, when not nil, is
// told the names of the columns it adds.
func withRow(spec *sqlgraph.QuerySpec, fk, name string, edge *sqlgraph.QuerySpec,
	scan func(columns []string) ([]any, error), assign func(columns []string, values []any) error, none func(), json []string, extra *[]string) {
	alias := "e_" + name
	prefix := alias + "__"
	columns := edge.Node.Columns
	if extra != nil {
		for _, c := range columns {
			*extra = append(*extra, prefix+c)
		}
	}
	spec.Modifiers = append(spec.Modifiers[:len(spec.Modifiers):len(spec.Modifiers)], func(s *sql.Selector) {
		d := sql.Dialect(s.Dialect())
		t := d.Table(edge.Node.Table).As(alias)
		on := sql.ColumnsEQ(s.C(fk), column(s.Dialect(), t, alias, edge.Node.ID.Column))
		if edge.Predicate != nil {
			// The predicates write themselves on a selector of the aliased
			// table; its WHERE is the join's condition.
			es := d.Select().From(t)
			edge.Predicate(es)
			if p := es.P(); p != nil {
				on = sql.And(on, p)
			}
			s.AddError(es.Err())
		}
		s.LeftJoin(t).OnP(on)
		for _, c := range columns {
			s.AppendSelectExpr(selected(s.Dialect(), t, alias, c, prefix+c, json))
		}
	})
	idAt := -1
	for i, c := range columns {
		if c == edge.Node.ID.Column {
			idAt = i
		}
	}
	nodeScan, nodeAssign := spec.ScanValues, spec.Assign
	n := len(columns)
	spec.ScanValues = func(all []string) ([]any, error) {
		if len(all) < n || idAt < 0 || all[len(all)-n] != prefix+columns[0] {
			return nil, fmt.Errorf("ent: the columns of edge %s are missing from its node's row", name)
		}
		values, err := nodeScan(all[:len(all)-n])
		if err != nil {
			return nil, err
		}
		edgeValues, err := scan(columns)
		if err != nil {
			return nil, err
		}
		return append(values, edgeValues...), nil
	}
	spec.Assign = func(all []string, values []any) error {
		if err := nodeAssign(all[:len(all)-n], values[:len(values)-n]); err != nil {
			return err
		}
		edgeValues := values[len(values)-n:]
		if id, ok := edgeValues[idAt].(*sql.NullInt64); ok && !id.Valid {
			none() // no row joined: none, or none the viewer may read
			return nil
		}
		return assign(columns, edgeValues)
	}
}

// rowsEdge is a list edge withRows aggregates into its node's statement.
type rowsEdge struct {
	// name makes the alias of the edge's table and of its column in the
	// node's row: e_<name> (rowName).
	name string
	// fk is the edge's column that holds its node's id.
	fk string
	// spec is the edge's query: its predicates (the privacy filter among
	// them), order and limit, the edges joined into it (its Modifiers),
	// and its ScanValues and Assign, which make its nodes.
	spec *sqlgraph.QuerySpec
	// json names its JSON columns (selected).
	json []string
	// extra names the columns the edges joined into it add to its rows,
	// in their order.
	extra []string
	// add is told, after each node row, how many of the edge's rows were
	// assigned for it: the last n.
	add func(n int)
}

// withRows loads a node's list edge (a household's members, a
// registration's evaluations) in the node's statement: a scalar subquery
// that aggregates the edge's rows into one JSON array of arrays, one value
// per column, from a subquery over the edge's table, under the alias
// e_<name>, correlated on the edge's foreign key and narrowed by the edge
// query's predicates (its privacy filter among them), in its order and up
// to its limit (a connection's page, of each node). The rows' own edges
// join or aggregate into that subquery the same way, their columns after
// the edge's. Each row is decoded with the edge's own scanners.
//
// It reports false, and changes nothing, on a dialect without the JSON
// functions it needs, or for an order the aggregation cannot repeat (one
// by an expression, or by a column not read).
func withRows(spec *sqlgraph.QuerySpec, dialectName string, e rowsEdge, extra *[]string) bool {
	var agg string
	switch dialectName {
	case dialect.SQLite:
		agg = "json_group_array(json_array(%s)%s)"
	case dialect.Postgres:
		// json_agg of no row is NULL; the decoding below reads it as none.
		agg = "json_agg(json_build_array(%s)%s)"
	default:
		return false
	}
	d := sql.Dialect(dialectName)
	alias := "e_" + e.name
	t := d.Table(e.spec.Node.Table).As(alias)
	columns := append(e.spec.Node.Columns[:len(e.spec.Node.Columns):len(e.spec.Node.Columns)], e.extra...)
	var order string
	if e.spec.Order != nil {
		// The aggregate puts the page's rows back in its order: JSON
		// arrays keep their input's, which SQL leaves open otherwise.
		o, ok := orderOf(dialectName, t, e.spec.Node.Table, alias, e.spec.Order, columns)
		if !ok {
			return false
		}
		order = " ORDER BY " + o
	}
	values := make([]string, len(columns))
	for i, c := range columns {
		values[i] = column(dialectName, t, alias, c)
	}
	head := "(SELECT " + fmt.Sprintf(agg, strings.Join(values, ", "), order) + " FROM ("
	quoted := quote(dialectName, alias)
	tail := ") AS " + quoted + ") AS " + quoted
	spec.Modifiers = append(spec.Modifiers[:len(spec.Modifiers):len(spec.Modifiers)], func(s *sql.Selector) {
		rows := d.Select().From(t)
		for _, c := range e.spec.Node.Columns {
			rows.AppendSelectExpr(selected(dialectName, t, alias, c, c, e.json))
		}
		if e.spec.Predicate != nil {
			e.spec.Predicate(rows)
		}
		rows.Where(sql.ColumnsEQ(column(dialectName, t, alias, e.fk), s.C(spec.Node.ID.Column)))
		for _, m := range e.spec.Modifiers {
			m(rows)
		}
		if e.spec.Order != nil {
			e.spec.Order(rows)
		}
		if e.spec.Limit > 0 {
			rows.Limit(e.spec.Limit)
		}
		s.AppendSelectExpr(&aggregate{head: head, rows: rows, tail: tail})
		// The errors of the rows' statement (an edge of theirs refused:
		// failWithRow) fail the node's here, or the refused edge would read
		// as empty: ent checks a statement's errors before writing it, and
		// a nested statement's errors are not its parent's.
		s.AddError(rows.Err())
	})
	if extra != nil {
		*extra = append(*extra, alias)
	}
	nodeScan, nodeAssign := spec.ScanValues, spec.Assign
	spec.ScanValues = func(all []string) ([]any, error) {
		if len(all) == 0 || all[len(all)-1] != alias {
			return nil, fmt.Errorf("ent: the rows of edge %s are missing from its node's row", e.name)
		}
		values, err := nodeScan(all[:len(all)-1])
		if err != nil {
			return nil, err
		}
		return append(values, new(sql.NullString)), nil
	}
	spec.Assign = func(all []string, values []any) error {
		if err := nodeAssign(all[:len(all)-1], values[:len(values)-1]); err != nil {
			return err
		}
		n := 0
		if raw := values[len(values)-1].(*sql.NullString); raw.Valid {
			err := jsonRows(raw.String, func(row []jsonValue) error {
				if len(row) != len(columns) {
					return fmt.Errorf("ent: a row of edge %s has %d values for %d columns", e.name, len(row), len(columns))
				}
				vs, err := e.spec.ScanValues(columns)
				if err != nil {
					return err
				}
				for i := range row {
					if err := scanJSON(vs[i], row[i]); err != nil {
						return fmt.Errorf("ent: edge %s, column %s: %w", e.name, columns[i], err)
					}
				}
				n++
				return e.spec.Assign(columns, vs)
			})
			if err != nil {
				return fmt.Errorf("ent: the rows of edge %s: %w", e.name, err)
			}
		}
		e.add(n)
		return nil
	}
	return true
}

// aggregate is the subquery withRows selects an edge's rows with: head,
// the rows' statement, tail. It is a Querier of its own rather than an
// ExprFunc selected "AS" alias because ent renders each Querier into a
// builder of its own, grown from nothing, and copies it into its parent's:
// that was three copies of the rows' statement, most of the node's, where
// this is one.
type aggregate struct {
	head, tail string
	rows       *sql.Selector
}

func (a *aggregate) Query() (string, []any) {
	q, args := a.rows.Query()
	return a.head + q + a.tail, args
}

// The builder a Querier is joined into hands it its dialect and the count
// of arguments before it (PostgreSQL numbers them) through these.

func (a *aggregate) Dialect() string     { return a.rows.Dialect() }
func (a *aggregate) SetDialect(d string) { a.rows.SetDialect(d) }
func (a *aggregate) Total() int          { return a.rows.Total() }
func (a *aggregate) SetTotal(n int)      { a.rows.SetTotal(n) }

// selected selects column c of t, under alias, as as: "(`t`.`c`) AS `as`",
// the text AppendSelectExprAs writes, as raw SQL ent writes as is (it
// renders any other expression into two builders of its own). A JSON
// column is read as text: SQLite's JSON functions refuse the BLOB it holds
// its value in (ent writes it as bytes).
func selected(dialectName string, t *sql.SelectTable, alias, c, as string, json []string) sql.Querier {
	text := dialectName == dialect.SQLite && slices.Contains(json, c)
	k := columnKey{dialectName, alias, c, as}
	if text {
		// An alias names an edge, and edges of two types may share a name.
		k.column += " AS TEXT"
	}
	return sql.Raw(sqlText(k, func() string {
		s := column(dialectName, t, alias, c)
		if text {
			s = "CAST(" + s + " AS TEXT)"
		}
		return "(" + s + ") AS " + quote(dialectName, as)
	}))
}

// quote is ident quoted as dialectName quotes identifiers.
func quote(dialectName, ident string) string {
	b := sql.Builder{}
	b.SetDialect(dialectName)
	return b.Quote(ident)
}

// columnSQL holds the SQL withRow and withRows write the same on every
// request (sqlText): the columns of the tables they alias, those columns as
// selected, and the statement orderOf cuts an order from. ent's builder
// quotes an identifier anew each time, in allocations, and a statement that
// loads edges with its rows names each of their columns two or three times.
var columnSQL = struct {
	sync.RWMutex
	sql map[columnKey]string
}{sql: map[columnKey]string{}}

// columnKey is a column of a table under an alias, selected as as (empty
// for the column alone); column "*"+table is "SELECT * FROM table AS alias".
type columnKey struct{ dialect, alias, column, as string }

// column is t.C(c), t a table under alias: "`e_children`.`name`".
func column(dialectName string, t *sql.SelectTable, alias, c string) string {
	return sqlText(columnKey{dialectName, alias, c, ""}, func() string { return t.C(c) })
}

// sqlText is the text write writes for k, the first time.
func sqlText(k columnKey, write func() string) string {
	columnSQL.RLock()
	s, ok := columnSQL.sql[k]
	columnSQL.RUnlock()
	if ok {
		return s
	}
	s = write()
	columnSQL.Lock()
	// Bounded: aliases come from the schema's edges, numbered and nested
	// no further than an operation may go.
	if len(columnSQL.sql) < 1<<14 {
		columnSQL.sql[k] = s
	}
	columnSQL.Unlock()
	return s
}

// orderOf writes order as SQL over t: the terms of an ORDER BY that reads
// only the columns given, with no argument; false for any other.
func orderOf(dialectName string, t *sql.SelectTable, table, alias string, order func(*sql.Selector), columns []string) (string, bool) {
	s := sql.Dialect(dialectName).Select().From(t)
	// The statement without its order is the same for every request.
	plain := sqlText(columnKey{dialectName, alias, "*" + table, ""}, func() string { q, _ := s.Query(); return q })
	order(s)
	ordered, args := s.Query()
	terms, ok := strings.CutPrefix(ordered, plain+" ORDER BY ")
	if !ok || len(args) > 0 {
		return "", false
	}
	for _, term := range strings.Split(terms, ", ") {
		for _, suffix := range []string{" NULLS FIRST", " NULLS LAST", " ASC", " DESC"} {
			term = strings.TrimSuffix(term, suffix)
		}
		if !slices.ContainsFunc(columns, func(c string) bool { return term == column(dialectName, t, alias, c) }) {
			return "", false
		}
	}
	return terms, true
}

type rowPrefixKey struct{}

// rowName is the name of an edge loaded with its node's row: as given at
// the statement's top, and after the names of the edges it is nested in
// below it, so that no subquery's alias hides the one it is correlated
// with (a household's members' members).
func rowName(ctx context.Context, name string) string {
	if p, _ := ctx.Value(rowPrefixKey{}).(string); p != "" {
		return p + "_" + name
	}
	return name
}

// inRows is ctx for loading the edges of the rows of the edge named name.
func inRows(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, rowPrefixKey{}, name)
}

// timeLayouts are how the JSON functions write a timestamp: SQLite's as
// the driver stored it (modernc.org/sqlite writes time.Time.String, and
// reads its parseTimeFormats too), PostgreSQL's as ISO 8601.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

// parseTime reads a timestamp of a JSON-aggregated row.
func parseTime(s string) (time.Time, error) {
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // a monotonic clock reading, in time.Time.String
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}

// noRestore is loadWithRow's restore when it joined nothing.
func noRestore() {}

// failWithRow makes a statement fail with err, the preparation of an edge
// joined into it (its privacy policy's refusal): as the edge's own
// statement would have.
func failWithRow(spec *sqlgraph.QuerySpec, err error) {
	spec.Modifiers = append(spec.Modifiers[:len(spec.Modifiers):len(spec.Modifiers)], func(s *sql.Selector) { s.AddError(err) })
}

// namesOf is a query's named edges' names, sorted: the aliases loadWithRow
// numbers them with, and so the statement's text, are then the same on
// every request, which PostgreSQL's prepared statements and SQLite's
// statement cache are keyed by (a map's order would vary it).
func namesOf[Q any](named map[string]Q) []string {
	return slices.Sorted(maps.Keys(named))
}
