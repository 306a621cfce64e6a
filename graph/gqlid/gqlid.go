// Package gqlid marshals ent's integer ids as GraphQL IDs. Ids are global
// (every table has its own range), so an id names one object of one type; a
// client must treat it as an opaque string.
package gqlid

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// ErrInvalid is returned for an ID that hoctap never issued.
var ErrInvalid = errors.New("invalid ID")

// MarshalID writes an id as a GraphQL ID string.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(strconv.Itoa(id)))
	})
}

// UnmarshalID reads a GraphQL ID; anything but a positive integer string is
// ErrInvalid, so a malformed ID is a client error, not a 500.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: want a string", ErrInvalid)
	}
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	return id, nil
}
