package middleware_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"hoctap/internal/middleware"
)

// TestDeadline: an everyday request gets the short deadline, a long one
// the long deadline, on its context and on its connection: a slow upload
// is read past the server's read timeout.
func TestDeadline(t *testing.T) {
	long := func(r *http.Request) bool { return r.URL.Path == "/upload" }
	var got time.Duration
	h := middleware.Deadline(time.Second, time.Minute, long)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dl, _ := r.Context().Deadline()
		got = time.Until(dl)
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestTimeout)
		}
	}))
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()

	for _, c := range []struct {
		path       string
		lo, hi     time.Duration
		slowBodyOK bool
	}{
		{"/everyday", 0, time.Second, false},
		{"/upload", 50 * time.Second, time.Minute, true},
	} {
		// A body that trickles in for longer than the read timeout.
		pr, pw := io.Pipe()
		go func() {
			for range 4 {
				pw.Write([]byte("abc"))
				time.Sleep(150 * time.Millisecond)
			}
			pw.Close()
		}()
		res, err := http.Post(srv.URL+c.path, "text/plain", pr)
		ok := err == nil && res.StatusCode == http.StatusOK
		if res != nil {
			res.Body.Close()
		}
		if ok != c.slowBodyOK {
			t.Errorf("%s: slow body read %v (err %v), want %v", c.path, ok, err, c.slowBodyOK)
		}
		if got <= c.lo || got > c.hi {
			t.Errorf("%s: deadline in %v, want in (%v, %v]", c.path, got, c.lo, c.hi)
		}
	}
}
