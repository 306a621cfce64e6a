package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
)

// TestComplexityFromPageSizes: no field of the schema has a price function
// of its own, so an operation's price is a function of its document and its
// page sizes, which is what complexityLimit remembers it by. A price
// function added to schemaConfig fails this test: its arguments would have
// to join the key (pageSizes).
func TestComplexityFromPageSizes(t *testing.T) {
	var set []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Func:
			if !v.IsNil() {
				set = append(set, path)
			}
		}
	}
	root := reflect.ValueOf(schemaConfig(&Resolver{}).Complexity)
	walk(root, "ComplexityRoot")
	if len(set) > 0 {
		t.Errorf("price functions %v: complexityLimit would not see what they read", set)
	}
	if root.NumField() == 0 {
		t.Fatal("ComplexityRoot has no fields: the walk proves nothing")
	}
}

// TestComplexityRemembered: the price complexityLimit gives an operation,
// remembered or not, is the one gqlgen computes for it with the variables
// of the request, whatever prices were asked for before.
func TestComplexityRemembered(t *testing.T) {
	es := costedSchema{NewExecutableSchema(schemaConfig(&Resolver{}))}
	ctx := context.Background()
	for _, tt := range []struct {
		name, query string
		vars        []map[string]any // asked in this order
	}{
		{"one variable, twice", `query($n: Int) { adminUnits(first: $n) { edges { node { children(first: $n) { edges { node { name } } } } } } }`,
			[]map[string]any{{"n": int64(5)}, {"n": int64(100)}, {"n": int64(5)}, nil, {"n": json.Number("7")}, {"n": int64(100000)}, {"n": int64(-3)}, {"n": int64(0)}, {"n": int64(1)}, {"n": nil}}},
		{"two variables, swapped", `query($a: Int, $b: Int) { adminUnits(first: $a) { edges { node { ...F } } } } fragment F on AdminUnit { children(last: $b) { totalCount edges { node { name code } } } }`,
			[]map[string]any{{"a": int64(1), "b": int64(50)}, {"a": int64(50), "b": int64(1)}, {"a": int64(1), "b": int64(50)}, {"a": int64(1)}}},
		{"literal page sizes", `{ adminUnits(first: 3) { edges { node { children(first: 9) { totalCount } } } } }`,
			[]map[string]any{nil, {"unused": int64(4)}}},
		{"a variable that is not a page size", `query($n: Int, $y: Int) { adminUnits(first: $n) { totalCount } campaigns(where: {year: $y}, first: 3) { totalCount } }`,
			[]map[string]any{{"n": int64(2), "y": int64(2020)}, {"n": int64(2), "y": int64(2021)}, {"n": int64(50), "y": int64(2020)}}},
		{"an interface", `query($n: Int) { nodes(ids: ["1"]) { ... on AdminUnit { children(first: $n) { totalCount } } } }`,
			[]map[string]any{{"n": int64(2)}, {"n": int64(40)}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(es.Schema(), tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			op := doc.Operations[0]
			c := newComplexityLimit()
			c.es = es
			for i, vars := range tt.vars {
				want := complexity.Calculate(ctx, es, op, vars)
				if got := c.price(ctx, op, vars); got != want {
					t.Errorf("ask %d %v: price %d, gqlgen computes %d", i, vars, got, want)
				}
			}
			// Asked again with every field priced otherwise, the prices
			// come from memory.
			c.es = overpriced{es}
			for i, vars := range tt.vars {
				if got, want := c.price(ctx, op, vars), complexity.Calculate(ctx, es, op, vars); got != want {
					t.Errorf("ask %d again: price %d, want %d remembered", i, got, want)
				}
			}
		})
	}
}

// overpriced prices every field at a million.
type overpriced struct{ costedSchema }

func (overpriced) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 1_000_000, true
}

// TestComplexityManyVariables: an operation whose page sizes would make a
// key longer than maxPagesKey is priced each time, and nothing of it kept.
func TestComplexityManyVariables(t *testing.T) {
	es := costedSchema{NewExecutableSchema(schemaConfig(&Resolver{}))}
	var defs, fields []string
	vars := map[string]any{}
	for i := range maxPagesKey + 1 {
		defs = append(defs, fmt.Sprintf("$v%d: Int", i))
		fields = append(fields, fmt.Sprintf("a%d: adminUnits(first: $v%d) { totalCount }", i, i))
		vars[fmt.Sprintf("v%d", i)] = int64(i % 50)
	}
	doc, errs := gqlparser.LoadQuery(es.Schema(), "query("+strings.Join(defs, ", ")+") { "+strings.Join(fields, " ")+" }")
	if errs != nil {
		t.Fatal(errs)
	}
	c := newComplexityLimit()
	c.es = es
	ctx := context.Background()
	op := doc.Operations[0]
	if got, want := c.price(ctx, op, vars), complexity.Calculate(ctx, es, op, vars); got != want {
		t.Errorf("price %d, gqlgen computes %d", got, want)
	}
	if n := c.costs.EstimatedSize(); n != 0 {
		t.Errorf("%d prices kept, want none", n)
	}
}
