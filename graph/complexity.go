package graph

import (
	"context"
	"encoding/binary"
	"weak"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/maypok86/otter/v2"
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
// document's literal page sizes are part of it; those its variables give
// are part of the key (pageSizes).
type complexityLimit struct {
	es    graphql.ExecutableSchema
	costs *otter.Cache[costKey, int]
}

func newComplexityLimit() *complexityLimit {
	return &complexityLimit{costs: otter.Must(&otter.Options[costKey, int]{MaximumSize: maxCosts})}
}

// costKey is an operation and the page sizes its variables give it. The
// operation is held weakly: a document the query cache dropped is not kept
// alive here, and its entry never matches a document parsed later.
type costKey struct {
	op    weak.Pointer[ast.OperationDefinition]
	pages string
}

// maxCosts bounds the prices complexityLimit keeps, and maxPagesKey a
// key's page sizes: an operation with more Int variables
// than that holds is priced on every request instead.
const (
	maxCosts    = 8192
	maxPagesKey = 256
)

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
	pages, ok := pageSizes(op, vars)
	if !ok {
		return complexity.Calculate(ctx, c.es, op, vars)
	}
	k := costKey{op: weak.Make(op), pages: pages}
	if p, ok := c.costs.GetIfPresent(k); ok {
		return p
	}
	p := complexity.Calculate(ctx, c.es, op, vars)
	c.costs.Set(k, p)
	return p
}

// pageSizes encodes the page sizes the operation's variables can give: for
// each Int variable, in the order declared, whether it was given and the
// page size costedSchema reads from it (pageSize). Only an Int variable can
// be a first or a last; page sizes written in the document are the
// document's. ok is false past maxPagesKey bytes.
func pageSizes(op *ast.OperationDefinition, vars map[string]any) (pages string, ok bool) {
	var b []byte
	for _, d := range op.VariableDefinitions {
		if d.Type == nil || d.Type.Elem != nil || d.Type.NamedType != "Int" {
			continue
		}
		v, given := vars[d.Variable]
		if !given {
			b = binary.AppendVarint(b, -2)
		} else {
			b = binary.AppendVarint(b, int64(pageSize(v)))
		}
		if len(b) > maxPagesKey {
			return "", false
		}
	}
	return string(b), true
}

// pageSize is the page size v, a first or a last, gives: capped at
// MaxPageSize, or -1 if it gives none costedSchema would use (nil, absent,
// not an integer, negative).
func pageSize(v any) int {
	if v == nil {
		return -1
	}
	i, err := graphql.UnmarshalInt(v)
	if err != nil || i < 0 {
		return -1
	}
	return min(i, MaxPageSize)
}
