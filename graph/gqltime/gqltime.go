// Package gqltime is the GraphQL Time scalar of API.md: RFC 3339 in UTC.
// gqlgen's own writes a time in whatever zone it carries, so the same
// instant read back from PostgreSQL (in the server's zone) and kept from an
// input (in the client's) came out written two ways.
package gqltime

import (
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalTime writes t in UTC.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.MarshalTime(t.UTC())
}

// UnmarshalTime reads an RFC 3339 time, as gqlgen does.
func UnmarshalTime(v any) (time.Time, error) {
	return graphql.UnmarshalTime(v)
}
