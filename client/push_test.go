package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"hoctap/client"
)

// TestPushCalls: against a stand-in server, a long outbox goes in calls of
// at most 500 operations, in order; a call answered UNAVAILABLE keeps every
// operation and says how long to wait.
func TestPushCalls(t *testing.T) {
	var calls []int
	unavailable := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Variables struct{ Ops []struct{ OpID string } }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode the request: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		if unavailable {
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"errors": [{"message": "down", "extensions": {"code": "UNAVAILABLE"}}]}`))
			return
		}
		calls = append(calls, len(req.Variables.Ops))
		results := []map[string]any{}
		for _, op := range req.Variables.Ops {
			results = append(results, map[string]any{"opID": op.OpID, "status": "APPLIED", "node": map[string]any{"__typename": "Registration", "id": "1"}})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"applyChanges": map[string]any{"results": results}}})
	}))
	defer srv.Close()

	c := client.New(srv.URL, client.NewStore())
	const queued = 501
	for range queued {
		if _, err := c.Register("2", client.ByID("3"), "LEARNING_FAMILY"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	_, err := c.Push(ctx)
	var e *client.Error
	if !errors.As(err, &e) || e.Code != "UNAVAILABLE" || e.RetryAfter != 5*time.Second || len(c.Store.Outbox()) != queued {
		t.Fatalf("push while unavailable: %v (%+v), %d queued; want UNAVAILABLE, retry after 5s, %d queued", err, e, len(c.Store.Outbox()), queued)
	}
	unavailable = false
	res, err := c.Push(ctx)
	if err != nil || res.Applied != queued || len(c.Store.Outbox()) != 0 {
		t.Fatalf("push: %+v, %v, %d left", res, err, len(c.Store.Outbox()))
	}
	if len(calls) != 2 || calls[0] != 500 || calls[1] != 1 {
		t.Errorf("calls of %v operations, want [500 1]", calls)
	}
}
