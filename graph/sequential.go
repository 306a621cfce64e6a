package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSequentially marshals a list's items one after the other. The
// generated executor calls it in place of graphql.MarshalSliceConcurrently
// (see gqlgen.go for why), with the same arguments; workerLimit is moot
// with one worker. Each item keeps its own field context, so errors name
// their index in the path, and a panic in one item is reported as that
// item's error, as gqlgen does.
func marshalSequentially(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		ret[i] = marshalItem(childCtx, i, omitPanicHandler, marshalElement)
	}
	return ret
}

func marshalItem(ctx context.Context, i int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}
