package ent

import (
	"context"
	"strings"
	"testing"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"hoctap/internal/viewer"
)

// noArgs stands for the executor's arguments (graph/fieldargs.go).
type noArgs struct{}

func (noArgs) Args(context.Context, *graphql.CollectedField) (map[string]any, bool) {
	return nil, false
}
func (noArgs) Keep(*graphql.CollectedField, map[string]any) {}

// TestPlanKey changes one thing a node's field collection reads at a time
// and wants another key for each, and the same key where only what the
// collection does not read changed (the node's id).
func TestPlanKey(t *testing.T) {
	const src = `query($h: ID!, $c: ID!, $more: Boolean!, $inline: Boolean!, $spread: Boolean!) { node(id: $h) {
		... on LearningUnit { id registrations(first: 5, where: {hasCampaignWith: {id: $c}}) { edges { node { id } } } ...F @include(if: $spread) }
		... on LearningUnit @skip(if: $inline) { headName } } }
		fragment F on LearningUnit { name @include(if: $more) }`
	doc, err := parser.ParseQuery(&ast.Source{Input: src})
	if err != nil {
		t.Fatal(err)
	}
	field := doc.Operations[0].SelectionSet[0].(*ast.Field)
	collected := graphql.CollectedField{Field: field, Selections: field.SelectionSet}
	officer := &viewer.Viewer{UserID: 1, Role: viewer.RoleOfficer, ScopeID: 9, ScopePath: "/1/2/9/"}
	client := NewClient()

	type input struct {
		ctx       context.Context
		cfg       config
		op        ast.Operation
		vars      map[string]any
		satisfies []string
		raw       string
	}
	base := func() input {
		ctx := WithFieldArgs(viewer.NewContext(context.Background(), officer), noArgs{})
		return input{ctx, client.config, ast.Query, map[string]any{"h": "7", "c": "3", "more": true, "inline": false, "spread": true}, []string{"LearningUnit", "Node"}, src}
	}
	key := func(in input) (planKey, bool) {
		oc := &graphql.OperationContext{RawQuery: in.raw, Doc: doc, Operation: &ast.OperationDefinition{Operation: in.op, SelectionSet: doc.Operations[0].SelectionSet}, Variables: in.vars}
		return planKeyOf(in.ctx, in.cfg, oc, collected, in.satisfies)
	}
	want, ok := key(base())
	if !ok {
		t.Fatal("no key for a query")
	}
	for _, tt := range []struct {
		name   string
		change func(*input)
		same   bool
	}{
		{"another node's id: not read by the selection", func(in *input) { in.vars["h"] = "8" }, true},
		{"a variable of an argument", func(in *input) { in.vars["c"] = "4" }, false},
		{"a variable of a directive, in a fragment", func(in *input) { in.vars["more"] = false }, false},
		{"a variable not given", func(in *input) { delete(in.vars, "more") }, false},
		{"a variable of an inline fragment's directive", func(in *input) { in.vars["inline"] = true }, false},
		{"a variable of a fragment spread's directive", func(in *input) { in.vars["spread"] = false }, false},
		{"another viewer", func(in *input) {
			v := *officer
			v.ScopePath = "/1/2/10/"
			in.ctx = viewer.NewContext(in.ctx, &v)
		}, false},
		{"a load led by a key", func(in *input) { in.ctx = withKeyLed(in.ctx, "learning_units", "id") }, false},
		{"an Allow decision", func(in *input) { in.ctx = privacy.DecisionContext(in.ctx, privacy.Allow) }, false},
		{"another client", func(in *input) { in.cfg = NewClient().config }, false},
		{"another type", func(in *input) { in.satisfies = []string{"Registration", "Node"} }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			got, ok := key(in)
			if !ok {
				t.Fatal("no key")
			}
			if (got == want) != tt.same {
				t.Errorf("key %+v, before %+v: want the same %v", got, want, tt.same)
			}
		})
	}
	for _, tt := range []struct {
		name   string
		change func(*input)
	}{
		{"a mutation", func(in *input) { in.op = ast.Mutation }},
		{"no viewer", func(in *input) { in.ctx = viewer.NewContext(in.ctx, nil) }},
		{"a document over maxPlanQuery", func(in *input) { in.raw = strings.Repeat(" ", maxPlanQuery+1) }},
		{"no executor's arguments", func(in *input) { in.ctx = context.WithValue(in.ctx, fieldArgsKey{}, nil) }},
		{"a Deny decision", func(in *input) { in.ctx = privacy.DecisionContext(in.ctx, privacy.Deny) }},
		{"a transaction's client", func(in *input) { in.cfg.driver = &txDriver{} }},
	} {
		t.Run("none for "+tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			if k, ok := key(in); ok {
				t.Errorf("key %+v, want none", k)
			}
		})
	}
}
