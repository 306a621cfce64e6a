package graph

import (
	"context"
	"sync/atomic"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

var msgBusy = i18n.Message{
	VI: "Máy chủ đang bận, yêu cầu đã chờ đến hết thời hạn; vui lòng thử lại sau giây lát.",
	EN: "The server is busy: the request waited until its deadline; please try again shortly.",
}

// errBusy is the answer to a request that waited for its turn until its
// context ended.
var errBusy = &apperr.Error{Code: apperr.Unavailable, Msg: msgBusy}

// Gate lets at most n operations run at once and has the others wait their
// turn in the order they came (a channel's blocked senders are woken first
// in, first out).
//
// Without it every request that arrives runs at once: 32 clients on two
// cores share them 32 ways, and wait at random for one of the database
// pool's few connections (database/sql hands a freed one to any waiter), so
// a report that needs a few milliseconds of a core took a hundred and more
// under load, and its latency decided the 99th percentile of everything
// (BENCHMARKS.md, "The sixth session of #15"). In turn, each runs with the
// cores shared a few ways and holds a connection briefly; the wait is the
// queue's, the same for everyone.
//
// Nothing is decided by it but the order: it is per replica, and a request
// that never gets its turn is answered UNAVAILABLE (503, Retry-After) when
// its deadline comes, having done nothing. An operation keeps its turn
// while PostgreSQL runs its statements; measured side by side, that cost
// the village list nothing (BENCHMARKS.md, "The seventh session of #15").
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// NewGate makes a gate of n slots; n <= 0 makes none (nil), which admits
// every request.
func NewGate(n int) *Gate {
	if n <= 0 {
		return nil
	}
	return &Gate{slots: make(chan struct{}, n)}
}

// enter waits for a slot until ctx ends; the caller calls leave once done
// when it returns nil.
func (g *Gate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Gate) leave() {
	if g != nil {
		<-g.slots
	}
}

// Waiting is how many requests wait for their turn now, for the metrics.
func (g *Gate) Waiting() int64 {
	if g == nil {
		return 0
	}
	return g.waiting.Load()
}
