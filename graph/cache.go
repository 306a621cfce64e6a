package graph

import (
	"context"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Byte budgets of the two caches: a query's text can be as large as the
// request body, so a cache bounded by entries is bounded by nothing (20
// distinct 10 MB queries pinned 640 MB). An everyday document weighs about
// 10 KB parsed, so the query cache holds well over a thousand of them.
const (
	DefaultQueryCacheBytes     = 16 << 20
	DefaultPersistedCacheBytes = 4 << 20
)

// entryOverhead approximates what the cache itself spends per entry (its
// node, map slot and string headers), so that many tiny entries still add up.
const entryOverhead = 128

// nodeBytes is what one node of a parsed and validated document keeps alive
// (see countNodes): measured at 215–265 bytes a node, text included, on the
// everyday operations and on long selections, aliases and where-inputs.
// Counting the text again on top keeps the estimate on the safe side.
const nodeBytes = 256

// byteCache is a graphql.Cache bounded by the bytes its entries hold, as
// weighed by weigh. Otter's eviction weighs frequency as well as recency, so
// a burst of one-off queries does not push out the everyday ones.
type byteCache[T any] struct {
	c *otter.Cache[string, T]
}

var _ graphql.Cache[string] = byteCache[string]{}

func newByteCache[T any](budget uint64, weigh func(key string, v T) uint64) byteCache[T] {
	return byteCache[T]{c: otter.Must(&otter.Options[string, T]{
		MaximumWeight: budget,
		Weigher: func(key string, v T) uint32 {
			return uint32(min(weigh(key, v), math.MaxUint32))
		},
	})}
}

func (b byteCache[T]) Get(_ context.Context, key string) (T, bool) { return b.c.GetIfPresent(key) }
func (b byteCache[T]) Add(_ context.Context, key string, v T)      { b.c.Set(key, v) }

// newQueryCache caches parsed and validated documents by their text.
func newQueryCache(budget uint64) byteCache[*ast.QueryDocument] {
	return newByteCache(budget, func(query string, doc *ast.QueryDocument) uint64 {
		return entryOverhead + uint64(len(query)) + nodeBytes*uint64(countNodes(doc))
	})
}

// newPersistedCache maps persisted-query hashes to query texts.
func newPersistedCache(budget uint64) byteCache[string] {
	return newByteCache(budget, func(hash, query string) uint64 {
		return entryOverhead + uint64(len(hash)+len(query))
	})
}

// countNodes counts the nodes of a document: selections, arguments, values,
// variables and directives, which is what its memory grows with (a comment
// or long whitespace in the text costs nothing once parsed).
func countNodes(doc *ast.QueryDocument) int {
	n := 0
	var value func(v *ast.Value)
	value = func(v *ast.Value) {
		if v == nil {
			return
		}
		n++
		for _, c := range v.Children {
			value(c.Value)
		}
	}
	directives := func(ds ast.DirectiveList) {
		for _, d := range ds {
			n++
			for _, a := range d.Arguments {
				n++
				value(a.Value)
			}
		}
	}
	var set func(ast.SelectionSet)
	set = func(s ast.SelectionSet) {
		for _, sel := range s {
			n++
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					n++
					value(a.Value)
				}
				directives(s.Directives)
				set(s.SelectionSet)
			case *ast.InlineFragment:
				directives(s.Directives)
				set(s.SelectionSet)
			case *ast.FragmentSpread:
				directives(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		n++
		for _, v := range op.VariableDefinitions {
			n++
			value(v.DefaultValue)
		}
		directives(op.Directives)
		set(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n++
		directives(f.Directives)
		set(f.SelectionSet)
	}
	return n
}
