package graph

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"hoctap/internal/search"
)

// Page sizes of every connection. pageRule and pageVariables (limits.go)
// enforce them before any resolver runs, for top-level and nested
// connections alike.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// searchMatch is search.Match under a name the resolvers' `search`
// arguments do not shadow.
func searchMatch(ctx context.Context, q string) func(*sql.Selector) { return search.Match(ctx, q) }
