package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"hoctap/graph"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/viewer"
)

// TestBusyAnswer: with the gate's slots taken, a query waits, and one whose
// deadline comes first is answered 503 UNAVAILABLE with Retry-After and
// no data, having run nothing; with a slot free it runs.
func TestBusyAnswer(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
	gate := graph.NewGate(1)
	a := newAPIWith(t, db, fx, nil, graph.Options{Gate: gate})
	query := func(ctx context.Context) (*httptest.ResponseRecorder, response) {
		body, _ := json.Marshal(map[string]any{"query": `{ me { username } }`})
		req := httptest.NewRequestWithContext(viewer.NewContext(ctx, fx.Viewer("officer")), http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		var r response
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("response %d is not JSON: %s", rec.Code, rec.Body)
		}
		return rec, r
	}

	// Another operation holds the one slot.
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		graph.HoldGate(gate, func() { close(held); <-release })
	}()
	<-held
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec, r := query(short)
	if rec.Code != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" || rec.Header().Get("Retry-After") == "" || r.Data != nil {
		t.Errorf("a query that waited until its deadline: %d %+v, Retry-After %q, data %s; want 503 UNAVAILABLE, Retry-After, no data",
			rec.Code, r.Errors, rec.Header().Get("Retry-After"), r.Data)
	}
	if w := gate.Waiting(); w != 0 {
		t.Errorf("%d still waiting after the deadline", w)
	}

	close(release)
	rec, r = query(context.Background())
	var me struct{ Me struct{ Username string } }
	r.decode(t, &me)
	if rec.Code != http.StatusOK || me.Me.Username != "officer" {
		t.Errorf("with the slot free: %d, %+v", rec.Code, me)
	}
}
