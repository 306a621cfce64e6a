package ent

// This file is not generated: ent/template/with_row.tmpl, which the
// queries' sqlAll is generated with, calls it.

import (
	"fmt"

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
func withRow(spec *sqlgraph.QuerySpec, fk, name string, edge *sqlgraph.QuerySpec,
	scan func(columns []string) ([]any, error), assign func(columns []string, values []any) error, none func()) {
	alias := "e_" + name
	prefix := alias + "__"
	columns := edge.Node.Columns
	spec.Modifiers = append(spec.Modifiers[:len(spec.Modifiers):len(spec.Modifiers)], func(s *sql.Selector) {
		d := sql.Dialect(s.Dialect())
		t := d.Table(edge.Node.Table).As(alias)
		on := sql.ColumnsEQ(s.C(fk), t.C(edge.Node.ID.Column))
		if edge.Predicate != nil {
			// The predicates write themselves on a selector of the aliased
			// table; its WHERE is the join's condition.
			es := d.Select().From(t)
			edge.Predicate(es)
			if p := es.P(); p != nil {
				on = sql.And(on, p)
			}
		}
		s.LeftJoin(t).OnP(on)
		for _, c := range columns {
			s.AppendSelectAs(t.C(c), prefix+c)
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
