package ent

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// This file is not generated: ent/entc.go has the generated field
// collection (gql_collection.go) call it.

// FieldArgs holds the arguments of the fields of the operation being
// executed, decoded as the API's executor decodes them (graph/fieldargs.go).
type FieldArgs interface {
	// Args are field's arguments, decoded the first time; false when they
	// cannot be decoded here (a field of an interface, or arguments that
	// do not decode).
	Args(ctx context.Context, field *graphql.CollectedField) (map[string]any, bool)
	// Keep gives field the arguments an earlier operation decoded for it,
	// with the same variables and viewer (a plan, plan.go).
	Keep(field *graphql.CollectedField, args map[string]any)
}

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
	return fa.Args(ctx, field)
}
