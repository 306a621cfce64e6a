package graph

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"hoctap/internal/apperr"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
	"hoctap/internal/viewer"
)

// refuseUnchecked answers, before any operation runs, a request whose bearer
// token could not be checked (viewer.LookupFailure: the database did not
// answer). Run anonymously, its fields would be denied as UNAUTHENTICATED
// and clients would throw their sessions away; and whatever it asked needs
// the database that just failed.
//
// The answer has no data, only the error, with the code's status: 503
// UNAVAILABLE with Retry-After (500 INTERNAL for a failure of another kind).
// The GraphQL-over-HTTP spec lets a server answer a request it refuses
// before execution with a 4xx or 5xx status under either media type. A
// failure once execution has started is an error on the fields it hit,
// with data and status 200, as the spec asks.
func refuseUnchecked(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		cause := viewer.LookupFailure(ctx)
		if cause == nil || viewer.FromContext(ctx) != nil {
			next.ServeHTTP(w, r)
			return
		}
		e := errmap.Of(ctx, cause)
		ext := map[string]any{"code": e.Code}
		if e.Code == apperr.Internal {
			id := reqinfo.FromContext(ctx).ID
			ext["requestId"] = id
			log.ErrorContext(ctx, "internal error", "request_id", id, "err", cause)
		}
		body := map[string]any{"errors": []map[string]any{{
			"message":    e.Message(i18n.FromContext(ctx)),
			"extensions": ext,
		}}}
		h := w.Header()
		h.Set("Content-Type", responseMedia(r.Header.Get("Accept")))
		h.Set("Cache-Control", "no-store")
		e.Code.SetRetryAfter(h)
		w.WriteHeader(e.Code.HTTPStatus())
		if err := json.NewEncoder(w).Encode(body); err != nil {
			log.DebugContext(ctx, "write refusal", "err", err)
		}
	})
}
