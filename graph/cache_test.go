package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"hoctap/internal/ops"
)

// TestCachesBoundedByBytes fills each cache with entries of every size and
// checks that what it keeps never weighs more than its budget: an entry
// count bounded nothing when one query could be 10 MB.
func TestCachesBoundedByBytes(t *testing.T) {
	const budget = 1 << 20
	ctx := context.Background()
	docs := newQueryCache(budget)
	texts := newPersistedCache(budget)
	for i := range 400 {
		// From a few bytes to 256 KB: the large ones each take a quarter of
		// the budget or more.
		q := fmt.Sprintf("query Q%d { me { id } }", i) + strings.Repeat(" ", (i%8)*(i%8)*4<<10)
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		docs.Add(ctx, q, doc)
		texts.Add(ctx, fmt.Sprintf("%064x", i), q)
	}
	for name, c := range map[string]interface {
		CleanUp()
		WeightedSize() uint64
	}{"query cache": docs.c, "persisted-query cache": texts.c} {
		c.CleanUp()
		if w := c.WeightedSize(); w > budget || w == 0 {
			t.Errorf("%s holds %d bytes, want some and at most %d", name, w, budget)
		}
	}
	// A text larger than the whole budget is never kept.
	huge := strings.Repeat("x", 2*budget)
	texts.Add(ctx, "huge", huge)
	texts.c.CleanUp()
	if _, ok := texts.Get(ctx, "huge"); ok {
		t.Error("an entry larger than the budget was kept")
	}
}

// TestQueryWeight checks the weigher against the document's nodes, not its
// text: padding costs its bytes once, a compact document its nodes.
func TestQueryWeight(t *testing.T) {
	weigh := func(q string) int {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		return entryOverhead + len(q) + nodeBytes*countNodes(doc)
	}
	plain := weigh(ops.VillageHouseholds)
	padded := weigh(ops.VillageHouseholds + strings.Repeat(" ", 10000))
	if padded-plain != 10000 {
		t.Errorf("10,000 spaces weigh %d", padded-plain)
	}
	// An everyday document's parsed form keeps about 7–10 KB alive.
	if plain < 7000 || plain > 20000 {
		t.Errorf("VillageHouseholds weighs %d bytes, want 7–20 KB", plain)
	}
}
