package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/middleware"
	"hoctap/internal/viewer"
)

// authenticator answers every token the same way.
type authenticator struct {
	v   *viewer.Viewer
	err error
}

func (a authenticator) Authenticate(context.Context, string) (*viewer.Viewer, error) {
	return a.v, a.err
}

// TestBearer: a refused token makes the request anonymous; a token the
// database could not check leaves it without a viewer but with the failure
// recorded, so it is not taken for a signed-out client.
func TestBearer(t *testing.T) {
	officer := &viewer.Viewer{UserID: 7, Role: viewer.RoleOfficer}
	for _, tc := range []struct {
		name        string
		header      string
		auth        authenticator
		wantViewer  bool
		wantFailure bool
	}{
		{"no header", "", authenticator{v: officer}, false, false},
		{"valid token", "Bearer t", authenticator{v: officer}, true, false},
		{"refused token", "Bearer t", authenticator{err: apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)}, false, false},
		{"database down", "Bearer t", authenticator{err: fmt.Errorf("authenticate: %w", dbtest.ErrRefused)}, false, true},
		{"any other failure", "Bearer t", authenticator{err: errors.New("authenticate: a bug")}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *http.Request
			h := middleware.Bearer(tc.auth, slog.New(slog.DiscardHandler))(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r }))
			req := httptest.NewRequest(http.MethodGet, "/query", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if v := viewer.FromContext(got.Context()); (v != nil) != tc.wantViewer {
				t.Errorf("viewer %v, want one: %v", v, tc.wantViewer)
			}
			if err := viewer.LookupFailure(got.Context()); (err != nil) != tc.wantFailure {
				t.Errorf("lookup failure %v, want one: %v", err, tc.wantFailure)
			}
		})
	}
}
