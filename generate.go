package main

// ent first (it writes graph/ent.graphql), then gqlgen, which reads it.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod ./graph/gqlgen.go
