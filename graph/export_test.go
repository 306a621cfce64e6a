package graph

import "context"

// HoldGate runs f holding one of g's slots, as an operation would.
func HoldGate(g *Gate, f func()) {
	if err := g.enter(context.Background()); err != nil {
		panic(err)
	}
	defer g.leave()
	f()
}
