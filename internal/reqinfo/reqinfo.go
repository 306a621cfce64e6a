// Package reqinfo carries facts about the HTTP request (its id, the client
// address) to code that logs or audits, without passing the request along.
package reqinfo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Info describes the request being served.
type Info struct {
	ID        string
	Address   string
	UserAgent string
}

type ctxKey struct{}

// NewContext returns ctx carrying info.
func NewContext(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// FromContext returns the request info of ctx; zero outside a request.
func FromContext(ctx context.Context) Info {
	i, _ := ctx.Value(ctxKey{}).(Info)
	return i
}

// NewID returns a random request id.
func NewID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
