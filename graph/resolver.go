// Package graph is hoctap's GraphQL API: the gqlgen schema, thin resolvers
// over ent and the domain packages, and the HTTP handler that serves them.
package graph

import (
	"context"

	"hoctap/ent"
	"hoctap/internal/auth"
	"hoctap/internal/importjob"
)

// Resolver is the root resolver; it holds what every resolver needs.
type Resolver struct {
	Client *ent.Client
	Auth   *auth.Service
	// Dialect is the database's (store.DB.Dialect), for the few writes
	// that are SQL of their own (reorganisations).
	Dialect string
	// Imports runs the import jobs that checkImport and applyImport start.
	Imports *importjob.Runner
}

// client is the transaction's client inside a mutation (so fields below a
// mutation see what it wrote) and the shared one elsewhere.
func (r *Resolver) client(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.Client
}
