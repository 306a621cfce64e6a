package graph_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/graph"
)

// TestDescriptions fails naming every type, field, argument, input field,
// enum value and directive of the served schema that has no description:
// the schema is the documentation mobile and web teams read (GraphiQL,
// Relay's generated types), so nothing is added to it undescribed. Parts
// entgql generates are described by the schema hooks of ent/entc.go, the
// ent schema's comments and the hand-written graph/*.graphql.
func TestDescriptions(t *testing.T) {
	missing := undescribed(graph.NewExecutableSchema(graph.Config{}).Schema())
	if len(missing) > 0 {
		t.Fatalf("%d schema elements without a description (describe each where it is defined: graph/*.graphql, the ent schema's Comment, or the hooks of ent/entc.go for generated patterns):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
}

// TestUndescribedNamesEach checks the walk itself on a small schema, so
// that TestDescriptions passing means the served schema is described, not
// that the walk skipped it.
func TestUndescribedNamesEach(t *testing.T) {
	s := mustSchema(t, `
		"Described."
		type Query {
		  "Described."
		  a(x: Int, "Described." y: Int): Int
		  b: E
		}
		enum E { ONE "Described." TWO }
		input I { f: Int }
		scalar S
		directive @d(r: Int) on FIELD_DEFINITION
	`)
	want := []string{
		"@d", "@d(r:)", "E", "E.ONE", "I", "I.f", "Query.a(x:)", "Query.b", "S",
	}
	got := undescribed(s)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("undescribed = %v, want %v", got, want)
	}
}

// undescribed lists, sorted, the elements of s without a description, in
// the notation Type, Type.field, Type.field(arg:), Enum.VALUE and @directive.
func undescribed(s *ast.Schema) []string {
	var out []string
	blank := func(d string) bool { return strings.TrimSpace(d) == "" }
	args := func(owner string, as ast.ArgumentDefinitionList) {
		for _, a := range as {
			if blank(a.Description) {
				out = append(out, fmt.Sprintf("%s(%s:)", owner, a.Name))
			}
		}
	}
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if blank(def.Description) {
			out = append(out, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if blank(f.Description) {
				out = append(out, name+"."+f.Name)
			}
			args(name+"."+f.Name, f.Arguments)
		}
		for _, v := range def.EnumValues {
			if blank(v.Description) {
				out = append(out, name+"."+v.Name)
			}
		}
	}
	for name, d := range s.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn {
			continue
		}
		if blank(d.Description) {
			out = append(out, "@"+name)
		}
		args("@"+name, d.Arguments)
	}
	sort.Strings(out)
	return out
}

func mustSchema(t *testing.T, src string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: src})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
