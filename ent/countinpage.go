package ent

// This file is not generated: ent/template/load_total.tmpl, which entgql's
// collection code is generated with, calls it.

import (
	"fmt"

	"entgo.io/ent/dialect/sql"
)

// countColumn carries a page's total in each of its rows.
const countColumn = "hoctap_total_count"

// countInPage adds to a page's statement, as a column, the count of the rows
// its predicates match: an uncorrelated scalar subquery over the same table
// and predicates, without the page's order and limit. The database runs it
// once (an index-only count where the predicates allow), and the page costs
// one statement instead of two. It is only used where the predicates are
// the whole page's (no cursor: see the template).
func countInPage(s *sql.Selector) {
	count := sql.Dialect(s.Dialect()).Select(sql.Count("*")).From(sql.Table(s.TableName()))
	if p := s.P(); p != nil {
		count.Where(p)
	}
	s.AppendSelectExprAs(count, countColumn)
}

// countedInPage reads the count countInPage added to a page's rows; an
// empty first page counts none.
func countedInPage[T interface{ Value(string) (Value, error) }](page []T) (int, error) {
	if len(page) == 0 {
		return 0, nil
	}
	v, err := page[0].Value(countColumn)
	if err != nil {
		return 0, fmt.Errorf("ent: the page's count: %w", err)
	}
	n, ok := IntValue(v)
	if !ok {
		return 0, fmt.Errorf("ent: the page's count is a %T", v)
	}
	return n, nil
}

// IntValue reads an integer column ent scanned without knowing its type
// (a Value of an entity), as each driver hands it over.
func IntValue(v Value) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case int32:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}
