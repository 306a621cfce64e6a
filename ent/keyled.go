package ent

// This file is not generated: the eager loaders of ent/*_query.go call
// WithKeyLed (patched in by ent/entc.go).

import "context"

type keyLedKey struct{}

// WithKeyLed marks the context of a statement led by keys: an eager load
// for the rows its parent loaded (`parent_id IN (…)`, `id IN (…)`), on
// whose plan the size of the viewer's scope has no bearing. The privacy
// filters may then word the scope so that PostgreSQL keeps one plan for the
// statement (internal/search.KeyLedPrefix).
func WithKeyLed(ctx context.Context) context.Context {
	if KeyLed(ctx) {
		return ctx
	}
	return context.WithValue(ctx, keyLedKey{}, true)
}

// KeyLed reports whether the queries run with ctx are led by keys (see
// WithKeyLed). A list a resolver starts is not: its scope may be what leads
// it.
func KeyLed(ctx context.Context) bool {
	v, _ := ctx.Value(keyLedKey{}).(bool)
	return v
}
