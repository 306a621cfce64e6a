package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	allowed := CORS([]string{"https://app.hoctap.vn", "https://*.hungyen.gov.vn"})(ok)
	none := CORS(nil)(ok)
	for _, tt := range []struct {
		name           string
		h              http.Handler
		method, path   string
		origin         string
		wantAllow      string
		wantStatus     int
		preflightAsked bool
	}{
		{"preflight of an allowed origin", allowed, http.MethodOptions, "/query", "https://app.hoctap.vn", "https://app.hoctap.vn", http.StatusNoContent, true},
		{"a subdomain", allowed, http.MethodPost, "/query", "https://xa.hungyen.gov.vn", "https://xa.hungyen.gov.vn", http.StatusTeapot, false},
		{"an export", allowed, http.MethodGet, "/export/progress.csv", "https://app.hoctap.vn", "https://app.hoctap.vn", http.StatusTeapot, false},
		{"a record's download", allowed, http.MethodGet, "/files/evidence/1", "https://app.hoctap.vn", "https://app.hoctap.vn", http.StatusTeapot, false},
		{"another origin", allowed, http.MethodPost, "/query", "https://evil.example", "", http.StatusTeapot, false},
		{"preflight of another origin", allowed, http.MethodOptions, "/query", "https://evil.example", "", http.StatusNoContent, true},
		{"the console stays same-origin", allowed, http.MethodPost, "/admin/login", "https://app.hoctap.vn", "", http.StatusTeapot, false},
		{"nothing configured", none, http.MethodPost, "/query", "https://app.hoctap.vn", "", http.StatusTeapot, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, nil)
			r.Header.Set("Origin", tt.origin)
			if tt.preflightAsked {
				r.Header.Set("Access-Control-Request-Method", http.MethodPost)
				r.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			}
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, r)
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantAllow)
			}
			if w.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", w.Code, tt.wantStatus)
			}
			if w.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed cross-origin")
			}
		})
	}
}
