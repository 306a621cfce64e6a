package ent

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// This file is not generated: ent/entc.go has the generated field
// collection (gql_collection.go) call it.

// FieldArgs decodes the arguments of a field of the operation being
// executed as the API's executor does, and reports false when it cannot
// (a field of an interface, or arguments that do not decode).
type FieldArgs func(ctx context.Context, field *graphql.CollectedField) (map[string]any, bool)

type fieldArgsKey struct{}

// WithFieldArgs has the field collection of the operation in ctx decode a
// connection's arguments with fa, which graph/ installs so that a field's
// arguments are decoded once, not once here and once again for its
// resolver.
func WithFieldArgs(ctx context.Context, fa FieldArgs) context.Context {
	return context.WithValue(ctx, fieldArgsKey{}, fa)
}

// decodedArgs are field's arguments as WithFieldArgs decodes them; false
// when there is no decoder or it declined, and entgql's own decoding runs.
func decodedArgs(ctx context.Context, field *graphql.CollectedField) (map[string]any, bool) {
	fa, _ := ctx.Value(fieldArgsKey{}).(FieldArgs)
	if fa == nil {
		return nil, false
	}
	return fa(ctx, field)
}
