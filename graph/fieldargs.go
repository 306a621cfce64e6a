package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/ent"
)

// A field's arguments are the same wherever the field is executed in one
// operation: the variables are the operation's. Yet gqlgen decodes them for
// every object the field is resolved on (each row of a page), and entgql's
// eager loading decodes a connection's once more, through a per-request
// index of every input type and reflection. A where-input is the costly
// one: hundreds of fields, the @inScope narrowing, each nested input
// copied. fieldArgs decodes each field's arguments once per operation, for
// the executor (the generated field contexts call it; gqlgen.go patches
// them to) and for entgql (ent.WithFieldArgs) alike.

// argsKey is one field of the operation as executed on one object type: a
// field of a fragment on an interface runs on several.
type argsKey struct {
	field  *ast.Field
	object string
}

type argsCache struct {
	ec   *executionContext
	vars map[string]any
	mu   sync.Mutex
	m    map[argsKey]map[string]any
}

type argsCacheKey struct{}

// withFieldArgs starts the operation's cache of decoded arguments.
func (ec *executionContext) withFieldArgs(ctx context.Context) context.Context {
	c := &argsCache{ec: ec, vars: ec.Variables, m: map[argsKey]map[string]any{}}
	ctx = context.WithValue(ctx, argsCacheKey{}, c)
	return ent.WithFieldArgs(ctx, c)
}

// fieldArgs are field's arguments on the object of the field context being
// made, decoded by decode (the generated field_<Object>_<field>_args) the
// first time. Only arguments that decode are kept: a bad one is reported
// each time, with its path.
func (ec *executionContext) fieldArgs(ctx context.Context, field graphql.CollectedField, decode func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	c, _ := ctx.Value(argsCacheKey{}).(*argsCache)
	if c == nil {
		return decode(ctx, field.ArgumentMap(ec.Variables))
	}
	return c.get(ctx, argsKey{field.Field, graphql.GetFieldContext(ctx).Object}, decode)
}

func (c *argsCache) get(ctx context.Context, k argsKey, decode func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	c.mu.Lock()
	args, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return args, nil
	}
	args, err := decode(ctx, k.field.ArgumentMap(c.vars))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.m[k] = args
	c.mu.Unlock()
	return args, nil
}

// Args decodes a connection's arguments for entgql's eager loading, which
// runs in its parent's resolver and so knows the object only from the
// query: a field selected on an interface is left to entgql.
func (c *argsCache) Args(ctx context.Context, field *graphql.CollectedField) (map[string]any, bool) {
	k, ok := entArgsKey(field)
	if !ok {
		return nil, false
	}
	decode := argDecoders[k.object+"."+field.Name]
	if decode == nil {
		return nil, false
	}
	args, err := c.get(ctx, k, func(ctx context.Context, raw map[string]any) (map[string]any, error) {
		return decode(c.ec, ctx, raw)
	})
	return args, err == nil
}

// Keep takes args as field's, decoded by an earlier operation with the same
// variables and viewer whose field collection ent kept (ent/plan.go).
func (c *argsCache) Keep(field *graphql.CollectedField, args map[string]any) {
	if k, ok := entArgsKey(field); ok {
		c.mu.Lock()
		c.m[k] = args
		c.mu.Unlock()
	}
}

// entArgsKey is the key of a field entgql's eager loading collects: on
// the object type it was selected on, known only for an object.
func entArgsKey(field *graphql.CollectedField) (argsKey, bool) {
	def := field.ObjectDefinition
	if def == nil || def.Kind != ast.Object {
		return argsKey{}, false
	}
	return argsKey{field.Field, def.Name}, true
}
