//go:build ignore

// entc runs ent's code generator with the entgql extension; it is started by
// `go generate ./...` (see generate.go at the root), before gqlgen.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/internal/genpatch"
	"hoctap/internal/schemadoc"
)

func main() {
	ex, err := entgql.NewExtension(
		// Later templates override earlier ones of the same name (see
		// template/load_total.tmpl). First, as the options after it add
		// templates of their own.
		entgql.WithTemplates(append(slices.Clone(entgql.AllTemplates),
			gen.MustParse(gen.NewTemplate("hoctap").Funcs(template.FuncMap{"isRowEdge": isRowEdge, "isRowsEdge": isRowsEdge, "hasRowEdges": hasRowEdges}).
				ParseFiles("./ent/template/load_total.tmpl", "./ent/template/with_row.tmpl", "./ent/template/plan.tmpl")))...),
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(schemadoc.Describe, scopeWhereInputs),
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
	if err := genpatch.Apply("./ent/gql_collection.go", idOnlyFields, decodedFieldArgs, pagesOfOneNode); err != nil {
		log.Fatal(err)
	}
	if err := markKeyLedLoads("./ent/*_query.go"); err != nil {
		log.Fatal(err)
	}
	if err := planNodes("./ent/gql_node.go"); err != nil {
		log.Fatal(err)
	}
}

// nodeCollection is how entgql's noder makes the query of node(id:): the
// id's predicate, then the field collection.
var nodeCollection = regexp.MustCompile(`query := c\.(\w+)\.Query\(\)\.\n\t\t\tWhere\((\w+)\.ID\(id\)\)\n` +
	`\t\tif fc := graphql\.GetFieldContext\(ctx\); fc != nil \{\n` +
	`\t\t\tif err := query\.collectField\(ctx, true, graphql\.GetOperationContext\(ctx\), fc\.Field, nil, (\w+)\.\.\.\); err != nil \{\n` +
	`\t\t\t\treturn nil, err\n\t\t\t\}\n\t\t\}\n` +
	`\t\treturn query\.Only\(ctx\)`)

// planNodes has node(id:) take its query from the plans of ent/plan.go
// (collectNode) instead of collecting the fields anew on every request.
// Every type's noder must match: one left out (entgql's template changed)
// fails the generation.
func planNodes(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	src = nodeCollection.ReplaceAll(src, []byte("query, err := collectNode(ctx, c.config, c.${1}.Query(), ${3})\n"+
		"\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n"+
		"\t\treturn query.Where(${2}.ID(id)).Only(ctx)"))
	if bytes.Contains(src, []byte("query.collectField(ctx, true,")) {
		return fmt.Errorf("patch %s: a noder the pattern of planNodes does not match: has entgql's template changed?", file)
	}
	return os.WriteFile(file, src, 0o644)
}

// keyLedLoads finds the statement of each of ent's eager loaders (but the
// many-to-many ones, which run through a join table) with what it reads its
// rows by: a foreign key (the edge's Column constant, beside its Table) or
// the id.
var keyLedLoads = []struct {
	find    *regexp.Regexp
	replace string
}{
	{regexp.MustCompile(`(s\.Where\(sql\.InValues\(s\.C\((\w+)\.(\w+)Column\), fks\.\.\.\)\)\n\t\}\)\)\n\tneighbors, err := query\.All\()ctx\)`),
		"${1}withKeyLed(ctx, ${2}.${3}Table, ${2}.${3}Column))"},
	{regexp.MustCompile(`(query\.Where\((\w+)\.IDIn\(ids\.\.\.\)\)\n\tneighbors, err := query\.All\()ctx\)`),
		"${1}withKeyLed(ctx, ${2}.Table, ${2}.FieldID))"},
}

// markKeyLedLoads marks the statements of ent's eager loaders as led by the
// keys they read their rows by (ent/keyled.go), so that the privacy filters
// may word the scope for a plan PostgreSQL keeps. A loader left unmarked
// (ent's template changed) fails the generation instead of silently going
// without.
func markKeyLedLoads(pattern string) error {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return err
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		for _, l := range keyLedLoads {
			src = l.find.ReplaceAll(src, []byte(l.replace))
		}
		if bytes.Contains(src, []byte("neighbors, err := query.All(ctx)")) {
			return fmt.Errorf("patch %s: an eager loader the patterns of keyLedLoads do not match: has ent's template changed?", file)
		}
		if err := os.WriteFile(file, src, 0o644); err != nil {
			return err
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

// idOnlyFields lets entgql's field collection know the fields of graph/
// that need no column of their row but its id (ent/idonly.go): entgql reads
// every column of a row when a field it did not generate is asked for, as a
// custom resolver might need any.
var idOnlyFields = genpatch.Edit{
	From: "\t\tdefault:\n\t\t\tunknownSeen = true\n",
	To:   "\t\tdefault:\n\t\t\tunknownSeen = unknownSeen || !idOnly(_q, field.Name)\n",
}

// decodedFieldArgs has entgql's field collection take a connection's
// arguments from the API's executor (ent/fieldargs.go), which decodes them
// once for the collection and the field's resolver alike.
var decodedFieldArgs = genpatch.Edit{
	From: "\toc := graphql.GetOperationContext(ctx)\n\targs := field.ArgumentMap(oc.Variables)\n",
	To:   "\tif args, ok := decodedArgs(ctx, field); ok {\n\t\treturn args\n\t}\n\toc := graphql.GetOperationContext(ctx)\n\targs := field.ArgumentMap(oc.Variables)\n",
}

// pagesOfOneNode marks the page entgql loads of one node's connection
// (template/with_row.tmpl, pagedForOneNode): its limit is that node's, so
// the node's statement may aggregate it.
var pagesOfOneNode = genpatch.Edit{
	From: "\t\t\t\tif oneNode {\n\t\t\t\t\tpager.applyOrder(query.Limit(limit))\n",
	To:   "\t\t\t\tif oneNode {\n\t\t\t\t\tpager.applyOrder(query.Limit(limit).pagedForOneNode())\n",
}

// isRowEdge reports whether template/with_row.tmpl may join an edge into
// its node's statement: a unique edge whose key is in the node's row.
func isRowEdge(e *gen.Edge) bool {
	return e.Unique && e.OwnFK() && e.Type.ID.Type.String() == "int"
}

// isRowsEdge reports whether template/with_row.tmpl may aggregate a list
// edge into its node's statement. Not a type with a bytes field, which
// SQLite's JSON functions refuse and PostgreSQL's would write as text.
func isRowsEdge(e *gen.Edge) bool {
	return e.O2M() && e.Ref != nil && e.Ref.Field() != nil && e.Type.ID.Type.String() == "int" &&
		!slices.ContainsFunc(e.Type.Fields, (*gen.Field).IsBytes)
}

// hasRowEdges reports whether a type has an edge of either kind.
func hasRowEdges(t *gen.Type) bool {
	return slices.ContainsFunc(t.Edges, func(e *gen.Edge) bool { return isRowEdge(e) || isRowsEdge(e) })
}
