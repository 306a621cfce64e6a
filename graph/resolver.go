// Package graph is hoctap's GraphQL API: the gqlgen schema, thin resolvers
// over ent and the domain packages, and the HTTP handler that serves them.
package graph

import (
	"hoctap/ent"
	"hoctap/internal/auth"
)

// Resolver is the root resolver; it holds what every resolver needs.
type Resolver struct {
	Client *ent.Client
	Auth   *auth.Service
}
