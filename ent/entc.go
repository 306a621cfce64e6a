//go:build ignore

// entc runs ent's code generator with the entgql extension; it is started by
// `go generate ./...` (see generate.go at the root), before gqlgen.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(describeTypes, scopeWhereInputs),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureNamedEdges,
			gen.FeatureModifier,
			gen.FeatureUpsert,
			gen.FeatureLock,
			gen.FeatureGlobalID,
			gen.FeatureExecQuery,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// describeTypes copies each schema's schema.Comment into the GraphQL type
// description: the schema is the mobile teams' documentation.
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		c, ok := n.Annotations[(&schema.CommentAnnotation{}).Name()].(map[string]any)
		if !ok {
			continue
		}
		text, _ := c["Text"].(string)
		if def := s.Types[n.Name]; def != nil && text != "" {
			def.Description = text
		}
	}
	// entgql describes unique edges by their comment but not connections.
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		for _, e := range n.Edges {
			if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" && e.Comment() != "" {
				f.Description = e.Comment()
			}
		}
	}
	return nil
}

// scopeWhereInputs marks every generated where-input with @inScope (declared
// in graph/query.graphql): its edge predicates are subqueries that no privacy
// policy sees, so the API narrows each of them to the rows the viewer may
// read. Marking them here, from the ent schema, covers every edge added
// later without anyone remembering to.
func scopeWhereInputs(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		if def.Kind == ast.InputObject && strings.HasSuffix(name, "WhereInput") && def.Directives.ForName("inScope") == nil {
			def.Directives = append(def.Directives, &ast.Directive{Name: "inScope", Location: ast.LocationInputObject})
		}
	}
	return nil
}

// camel turns an ent edge name into its GraphQL field name.
func camel(s string) string {
	out := []byte{}
	up := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '_':
			up = true
		case up:
			out = append(out, s[i]-'a'+'A')
			up = false
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}
