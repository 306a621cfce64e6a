//go:build ignore

// gqlgen runs gqlgen's code generator as `go tool gqlgen generate` does, with
// one change: the generated executor resolves fields and list items one at a
// time, on the request's goroutine. It is started by `go generate ./...` (see
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
	"log"

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
	if err := api.Generate(cfg, api.AddPlugin(sequential{})); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := genpatch.Apply(cfg.Exec.Filename, rewrites...); err != nil {
		log.Fatal(err)
	}
}

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
}
