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
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		log.Fatalf("gqlgen config: %v", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequential{})); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := rewrite(cfg.Exec.Filename); err != nil {
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

// rewrites are made to the generated executor after gqlgen writes it. Each
// must match, or generation fails: a gqlgen upgrade that changes its
// templates must be looked at, not silently let through.
var rewrites = []struct{ from, to string }{
	// gqlgen spreads every list over a goroutine per item;
	// marshalSequentially (graph/sequential.go) has the same signature.
	{"graphql.MarshalSliceConcurrently(", "marshalSequentially("},
	// With no field resolved concurrently, @defer'd fields resolve in
	// place and an object's deferred group stays empty; making it worked
	// out the object's path on every object of every answer.
	{"deferred := graphql.NewDeferredGroup(ctx)", "var deferred graphql.DeferredGroup"},
}

func rewrite(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("rewrite %s: %w", file, err)
	}
	for _, r := range rewrites {
		if !bytes.Contains(src, []byte(r.from)) {
			return fmt.Errorf("rewrite %s: no %q in it: has gqlgen's template changed?", file, r.from)
		}
		src = bytes.ReplaceAll(src, []byte(r.from), []byte(r.to))
	}
	return os.WriteFile(file, src, 0o644)
}
