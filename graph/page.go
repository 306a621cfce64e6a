package graph

import (
	"entgo.io/ent/dialect/sql"

	"hoctap/internal/apperr"
	"hoctap/internal/search"
)

// Page sizes of every connection.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// checkPage validates first and last and applies the default page size, so a
// connection never returns an unbounded list.
func checkPage(first, last *int) (*int, error) {
	for name, n := range map[string]*int{"first": first, "last": last} {
		if n == nil {
			continue
		}
		if *n < 0 {
			return nil, apperr.Input(name, apperr.MsgNegative)
		}
		if *n > MaxPageSize {
			return nil, apperr.Input(name, apperr.MsgPageTooLarge, MaxPageSize)
		}
	}
	if first == nil && last == nil {
		n := DefaultPageSize
		return &n, nil
	}
	return first, nil
}

// searchMatch is search.Match under a name the resolvers' `search`
// arguments do not shadow.
func searchMatch(q string) func(*sql.Selector) { return search.Match(q) }
