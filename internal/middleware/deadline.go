package middleware

import (
	"context"
	"net/http"
	"time"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

var msgDeadline = i18n.Message{
	VI: "Yêu cầu chạy quá %v, thời hạn của máy chủ; hãy thu hẹp truy vấn (ít mục mỗi trang hơn, bộ lọc hẹp hơn).",
	EN: "The request ran past the server's %v deadline; ask for less (smaller pages, narrower filters).",
}

// Deadline gives every request d to finish: its context is cancelled then,
// which stops the database work it started (both drivers abandon a query
// whose context ends). The context's cause is the QUERY_TOO_COMPLEX error a
// client sees (errmap.Of looks for it), so a request cut short by the
// deadline is not mistaken for a database outage.
//
// The requests long says are long by nature (a list uploaded from a
// commune's slow line, a province's households exported) and get longD
// instead, for their context and for reading and writing their
// connection, whose server-wide timeouts are cut for everyday requests.
func Deadline(d, longD time.Duration, long func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := d
			if long != nil && long(r) {
				limit = longD
				rc := http.NewResponseController(w)
				until := time.Now().Add(longD + 30*time.Second) // past the deadline, time to say so
				// A writer that cannot move its deadlines (a test's
				// recorder) has none to move.
				_ = rc.SetReadDeadline(until)
				_ = rc.SetWriteDeadline(until)
			}
			ctx, cancel := context.WithTimeoutCause(r.Context(), limit, DeadlineError(limit))
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// DeadlineError is the cause of a request's context that ran past its
// deadline d: what the client is told.
func DeadlineError(d time.Duration) error {
	return apperr.New(apperr.QueryTooComplex, msgDeadline, d)
}
