package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestClientLeftNotLogged: an operation ended because its client closed the
// connection is logged at debug level, not as an internal error; the same
// error with the client still there, or another error after it left, is.
func TestClientLeftNotLogged(t *testing.T) {
	left, leave := context.WithCancel(context.Background())
	leave()
	canceled := fmt.Errorf("query learning units: %w", context.Canceled)
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		err       error
		wantError bool
	}{
		{"the client left", left, canceled, false},
		{"cancelled, the client still there", context.Background(), canceled, true},
		{"another error after the client left", left, errors.New("boom"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
			// An error of a field (node) of an operation, as a resolver's
			// reaches the presenter.
			ctx := graphql.WithOperationContext(tc.ctx, &graphql.OperationContext{})
			ctx = graphql.WithPathContext(ctx, graphql.NewPathWithField("node"))
			gerr := presenter(log)(ctx, tc.err)
			if gerr.Extensions["code"] != "INTERNAL" {
				t.Fatalf("code %v, want INTERNAL", gerr.Extensions["code"])
			}
			if got := strings.Contains(logged.String(), `"level":"ERROR"`); got != tc.wantError {
				t.Errorf("logged as an error: %v, want %v:\n%s", got, tc.wantError, logged.String())
			}
			if !strings.Contains(logged.String(), tc.err.Error()) {
				t.Errorf("the cause is not in the log:\n%s", logged.String())
			}
		})
	}
}
