package graph

import (
	"context"
	"testing"
	"time"
)

// TestGateTakesTurnsInOrder: past its slots, operations run in the order
// they came, and one whose context ends while it waits leaves the queue.
func TestGateTakesTurnsInOrder(t *testing.T) {
	gate := NewGate(1)
	ctx := context.Background()
	if err := gate.enter(ctx); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	const n = 5
	order := make(chan int, n)
	for i := range n {
		go func() {
			c := ctx
			if i == 2 {
				c = gone
			}
			if err := gate.enter(c); err != nil {
				order <- -i
				return
			}
			order <- i
			gate.leave()
		}()
		// The next one comes once this one waits.
		for gate.Waiting() != int64(i+1) {
			time.Sleep(time.Millisecond)
		}
	}
	cancel()
	if got := <-order; got != -2 {
		t.Fatalf("the operation whose client left got %d, want its refusal", got)
	}
	gate.leave()
	for _, want := range []int{0, 1, 3, 4} {
		if got := <-order; got != want {
			t.Fatalf("the turn of the operation that came %d went to the one that came %d", want, got)
		}
	}
	if w := gate.Waiting(); w != 0 {
		t.Errorf("%d still waiting", w)
	}
}
