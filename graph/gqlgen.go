//go:build ignore

// gqlgen runs gqlgen's code generator as `go tool gqlgen generate` does, with
// changes to what it writes that keep the answers and take away per-request
// work (each is explained where it is made, below): the generated executor
// resolves fields and list items one at a time, on the request's goroutine;
// it decodes a field's arguments once per operation (fieldargs.go, with the
// list of decoders it writes to argdecoders.go); it marshals plain leaf
// fields directly (plainLeaves). It is started by `go generate ./...` (see
// generate.go at the root), after ent.
//
// gqlgen starts a goroutine for each resolver field of an object and for each
// item of a list, each with its own contexts. Here nothing gains from that:
// ent loads a page's edges eagerly before the fields are read, and the
// loaders (loaders.go) batch by list, not by waiting for siblings. Under load
// the goroutines only cost: a 20-row page made ~200 of them, and a
// mutation's transaction, one connection, had to be guarded against its own
// fields running at once.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"regexp"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"

	"hoctap/internal/genpatch"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		log.Fatalf("gqlgen config: %v", err)
	}
	decoders := filepath.Join(filepath.Dir(cfg.Exec.Filename), "argdecoders.go")
	// gqlgen compiles the package when it is done: the list of the last
	// generation could name a decoder no longer generated.
	if err := writeArgDecoders(nil, decoders); err != nil {
		log.Fatal(err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequential{})); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := genpatch.Apply(cfg.Exec.Filename, rewrites...); err != nil {
		log.Fatal(err)
	}
	exec, err := os.ReadFile(cfg.Exec.Filename)
	if err != nil {
		log.Fatal(err)
	}
	if exec, err = plainLeaves(exec); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(cfg.Exec.Filename, exec, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := writeArgDecoders(exec, decoders); err != nil {
		log.Fatal(err)
	}
}

// plainLeaves marshals a leaf field that reads a struct field directly:
// its value and its marshaller can fail in no way that would need the
// field's own context to report. gqlgen resolves every field, however
// plain, through graphql.ResolveField: a field context, a context, two
// closures and the value boxed twice, per field of every row — a fifth of
// the allocations of a 20-row page. What that buys is the field
// middleware (hoctap has none: handler.go adds root-field middleware
// only, and a field middleware added later would not see these fields)
// and a field path for errors these fields cannot raise. The marshallers
// allowed are those of Int, String, Boolean and ID, which never answer
// null for a value, and of enums, which answer the value itself.
func plainLeaves(exec []byte) ([]byte, error) {
	safe := map[string]bool{
		"marshalNInt2int": true, "marshalNString2string": true, "marshalNBoolean2bool": true, "marshalNID2int": true,
		"marshalOString2string": true, "marshalOString2ᚖstring": true, "marshalOInt2ᚖint": true, "marshalOID2ᚖint": true, "marshalOBoolean2ᚖbool": true,
	}
	for _, m := range enumMarshaller.FindAllSubmatch(exec, -1) {
		safe[string(m[1])] = true
	}
	n := 0
	out := plainLeaf.ReplaceAllFunc(exec, func(f []byte) []byte {
		m := plainLeaf.FindSubmatch(f)
		if !safe[string(m[4])] {
			return f
		}
		n++
		return fmt.Appendf(nil, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n\treturn ec.%s(ctx, field.Selections, obj.%s)\n}", m[1], m[2], m[4], m[3])
	})
	if n == 0 {
		return nil, errors.New("plainLeaves: no leaf field matched: has gqlgen's template changed?")
	}
	return out, nil
}

var (
	// plainLeaf is a field resolved by reading obj's struct field, with no
	// middleware; its groups: the method, obj's type, the struct field, the
	// marshaller.
	plainLeaf = regexp.MustCompile(`func \(ec \*executionContext\) (_\w+)\(ctx context.Context, field graphql.CollectedField, obj ([^)]+)\) \(ret graphql.Marshaler\) \{
	return graphql.ResolveField\(
		ctx,
		ec.OperationContext,
		field,
		func\(ctx context.Context, field graphql.CollectedField\) \(\*graphql.FieldContext, error\) \{
			return ec.fieldContext_\w+\(ctx, field\)
		\},
		func\(ctx context.Context\) \(any, error\) \{
			return obj.(\w+), nil
		\},
		nil,
		func\(ctx context.Context, selections ast.SelectionSet, v [^)]+\) graphql.Marshaler \{
			return ec.(marshal[^(\s]+)\(ctx, selections, v\)
		\},
		true,
		(?:true|false),
	\)
\}`)
	// enumMarshaller is the marshaller of an enum (a value, or a pointer
	// that is null when nil), which answers the value itself.
	enumMarshaller = regexp.MustCompile(`func \(ec \*executionContext\) (marshal[NO][^(\s]+)\(ctx context.Context, sel ast.SelectionSet, v \*?[\w.]+\) graphql.Marshaler \{
(?:	if v == nil \{
		return graphql.Null
	\}
)?	return v
\}`)
)

// writeArgDecoders lists the argument decoders of the executor exec by
// "Object.field", for entgql's eager loading to decode a connection's
// arguments as the executor does (graph/fieldargs.go).
func writeArgDecoders(exec []byte, out string) error {
	var b bytes.Buffer
	b.WriteString("// Code generated by graph/gqlgen.go. DO NOT EDIT.\n\npackage graph\n\nimport \"context\"\n\n")
	b.WriteString("// argDecoders are the executor's decoders of each field's arguments, by \"Object.field\".\n")
	b.WriteString("var argDecoders = map[string]func(*executionContext, context.Context, map[string]any) (map[string]any, error){\n")
	for _, m := range argsFunc.FindAllSubmatch(exec, -1) {
		fmt.Fprintf(&b, "\t%q: (*executionContext).%s,\n", string(m[2])+"."+string(m[3]), m[1])
	}
	b.WriteString("}\n")
	formatted, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("format %s: %w", out, err)
	}
	return os.WriteFile(out, formatted, 0o644)
}

// argsFunc matches the decoders of the schema's own fields, not the
// introspection's (__Type, __Field …).
var argsFunc = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (field_([A-Z][A-Za-z0-9]*)_([a-z][A-Za-z0-9]*)_args)\(`)

// sequential turns off gqlgen's per-field goroutines, object by object
// (gqlgen itself does so for the mutation root only).
type sequential struct{}

func (sequential) Name() string { return "sequential" }

func (sequential) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		o.DisableConcurrency = true
	}
	return nil
}

// rewrites are made to the generated executor after gqlgen writes it.
var rewrites = []genpatch.Edit{
	// gqlgen spreads every list over a goroutine per item;
	// marshalSequentially (graph/sequential.go) has the same signature.
	{From: "graphql.MarshalSliceConcurrently(", To: "marshalSequentially("},
	// With no field resolved concurrently, @defer'd fields resolve in
	// place and an object's deferred group stays empty; making it worked
	// out the object's path on every object of every answer.
	{From: "deferred := graphql.NewDeferredGroup(ctx)", To: "var deferred graphql.DeferredGroup"},
	// An input object's fields are decoded in the type's order; only the
	// ones given are looked at (inputFieldsInOrder).
	{
		From: "\tfor _, k := range fieldsInOrder {\n\t\tv, ok := asMap[k]\n\t\tif !ok {\n\t\t\tcontinue\n\t\t}\n",
		To:   "\tfor _, k := range inputFieldsInOrder(asMap, fieldsInOrder[:]) {\n\t\tv := asMap[k]\n",
	},
	// A field's arguments are decoded once per operation, for every object
	// it is resolved on and for entgql's eager loading (fieldargs.go).
	{From: "if fc.Args, err = ec.field_", To: "if fc.Args, err = ec.fieldArgs(ctx, field, ec.field_"},
	{From: "_args(ctx, field.ArgumentMap(ec.Variables)); err != nil {", To: "_args); err != nil {"},
	{From: "ctx = graphql.WithLazyInputUnmarshalerIndex(ctx, inputUnmarshalers)", To: "ctx = ec.withFieldArgs(graphql.WithLazyInputUnmarshalerIndex(ctx, inputUnmarshalers))"},
}
