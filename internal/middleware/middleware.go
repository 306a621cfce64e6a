// Package middleware holds the HTTP layers every request passes: request id
// and client address, access log, panic recovery, language, and the bearer
// token that becomes the request's viewer.
package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"hoctap/internal/apperr"
	"hoctap/internal/reqinfo"
	"hoctap/internal/viewer"
)

// Chain applies middlewares so that the first is outermost.
func Chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observer receives each finished request, for metrics.
type Observer func(r *http.Request, status int, d time.Duration)

// Log writes one access-log line per request and tells observe about it.
// Probes are logged at debug level only.
func Log(log *slog.Logger, observe Observer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			d := time.Since(start)
			if observe != nil {
				observe(r, sw.status, d)
			}
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes),
				slog.Duration("duration", d),
				slog.String("request_id", reqinfo.FromContext(r.Context()).ID),
				slog.String("user", viewer.FromContext(r.Context()).String()),
			)
		})
	}
}

// Recover turns a panic into a 500 with the request id, logged with its
// stack, so no input can take the server down.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					id := reqinfo.FromContext(r.Context()).ID
					log.ErrorContext(r.Context(), "panic", "request_id", id, "panic", p)
					http.Error(w, "internal error, request id "+id, http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// Authenticator turns a bearer token into a viewer.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (*viewer.Viewer, error)
}

// Bearer puts the viewer of a valid "Authorization: Bearer" token in the
// context. A request without one, or with one the authenticator refuses
// (UNAUTHENTICATED), goes on anonymously: the privacy policies deny it
// everything but signing in, and the API reports UNAUTHENTICATED.
//
// Any other error means the token could not be checked (the database did
// not answer), which says nothing against it: the request goes on without a
// viewer but with the failure recorded (viewer.WithLookupFailure), so that
// it is answered UNAVAILABLE and the client keeps its session.
func Bearer(a Authenticator, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := r.Header.Get("Authorization")
			if token, ok := strings.CutPrefix(h, "Bearer "); ok && token != "" {
				ctx := r.Context()
				v, err := a.Authenticate(ctx, strings.TrimSpace(token))
				switch {
				case err == nil:
					ctx = viewer.NewContext(ctx, v)
				case apperr.CodeOf(err) == apperr.Unauthenticated:
					log.DebugContext(ctx, "bearer token refused", "err", err)
				default:
					log.WarnContext(ctx, "bearer token not checked", "request_id", reqinfo.FromContext(ctx).ID, "err", err)
					ctx = viewer.WithLookupFailure(ctx, err)
				}
				r = r.WithContext(ctx)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SecurityHeaders sets headers every response should carry.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
