package middleware

import (
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"
)

// CORS lets the pages of the given web origins call the API, the exports
// and the record's downloads (/files/) from a browser; with none it changes nothing. Clients sign in
// with a bearer token, never a cookie, so credentials are not allowed: the
// console's session cookie stays out of cross-origin requests, and the
// console itself is same-origin only.
func CORS(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		return func(h http.Handler) http.Handler { return h }
	}
	c := cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept-Language", "X-Request-ID"},
		ExposedHeaders: []string{"X-Request-ID", "Retry-After", "Content-Disposition"},
		MaxAge:         int((10 * time.Minute).Seconds()),
	})
	return func(h http.Handler) http.Handler {
		api := c.Handler(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/query" || strings.HasPrefix(r.URL.Path, "/export/") || strings.HasPrefix(r.URL.Path, "/files/") {
				api.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}
