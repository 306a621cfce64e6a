package graph

import (
	"context"
	"encoding/binary"
	"sync"
	"weak"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// complexityLimit refuses an operation costing more than MaxComplexity, as
// gqlgen's extension.FixedComplexityLimit does, but prices each operation
// once per page sizes rather than on every request: walking the document
// and decoding every field's arguments to price it was 3% of the server's
// CPU opening a household, the same sum each time.
//
// The price is a function of the document and of the page sizes alone:
// costedSchema prices a connection by its first or last, and every other
// field at gqlgen's default, 1 plus its selection, as no field has a price
// function of its own (TestComplexityFromPageSizes keeps it so). The
// document's literal page sizes are part of it; those given as variables
// are part of the key.
type complexityLimit struct {
	es graphql.ExecutableSchema

	mu       sync.Mutex
	cur, old map[costKey]int
}

// costKey is an operation and the page sizes its variables give it. The
// operation is held weakly: a document the query cache dropped is not kept
// alive here, and its entry never matches a document parsed later.
type costKey struct {
	op    weak.Pointer[ast.OperationDefinition]
	pages string
}

// maxCosts bounds each of complexityLimit's two generations of prices.
const maxCosts = 4096

// complexityExtension is the name extension.GetComplexityStats reads the
// price under (the presenter reports it).
const complexityExtension = "ComplexityLimit"

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*complexityLimit)(nil)

func (*complexityLimit) ExtensionName() string { return complexityExtension }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		return nil
	}
	price := c.price(ctx, op, oc.Variables)
	oc.Stats.SetExtension(complexityExtension, &extension.ComplexityStats{Complexity: price, ComplexityLimit: MaxComplexity})
	if price > MaxComplexity {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", price, MaxComplexity)
		errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

// price is the operation's complexity with vars, as complexity.Calculate
// gives it.
func (c *complexityLimit) price(ctx context.Context, op *ast.OperationDefinition, vars map[string]any) int {
	k := costKey{op: weak.Make(op), pages: pageSizes(op, vars)}
	c.mu.Lock()
	p, ok := c.cur[k]
	if !ok {
		if p, ok = c.old[k]; ok {
			c.putLocked(k, p) // still in use: kept past the next turn
		}
	}
	c.mu.Unlock()
	if ok {
		return p
	}
	p = complexity.Calculate(ctx, c.es, op, vars)
	c.mu.Lock()
	c.putLocked(k, p)
	c.mu.Unlock()
	return p
}

func (c *complexityLimit) putLocked(k costKey, p int) {
	if len(c.cur) >= maxCosts {
		c.old, c.cur = c.cur, nil
	}
	if c.cur == nil {
		c.cur = make(map[costKey]int)
	}
	c.cur[k] = p
}

// pageSizes encodes the page sizes the operation's variables give its
// fields, in the order of the document, as costedSchema reads them: the
// first or last of a field, capped, or -1 where it reads none. A page size
// written in the document is the document's, and not repeated here.
func pageSizes(op *ast.OperationDefinition, vars map[string]any) string {
	var b []byte
	walkFields(op.SelectionSet, func(f *ast.Field) bool {
		given := false
		for _, a := range f.Arguments {
			if (a.Name == "first" || a.Name == "last") && a.Value != nil && a.Value.Kind == ast.Variable {
				given = true
			}
		}
		if !given {
			return true
		}
		args := f.ArgumentMap(vars)
		for _, name := range []string{"first", "last"} {
			b = binary.AppendVarint(b, int64(pageSize(args, name)))
		}
		return true
	})
	return string(b)
}

// pageSize is the page size args give by name, capped at MaxPageSize, or -1
// if they give none that costedSchema would use.
func pageSize(args map[string]any, name string) int {
	v, ok := args[name]
	if !ok || v == nil {
		return -1
	}
	i, err := graphql.UnmarshalInt(v)
	if err != nil || i < 0 {
		return -1
	}
	return min(i, MaxPageSize)
}
