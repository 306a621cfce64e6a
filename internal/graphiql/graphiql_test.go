package graphiql_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"hoctap/internal/graphiql"
)

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	h := graphiql.Handler("/api/graphql")
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", h)
	mux.Handle("GET "+graphiql.AssetsPath, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestPage checks the page: it sends GraphiQL's requests to the endpoint
// it was given, and its Content-Security-Policy keeps the browser to the
// page's own origin.
func TestPage(t *testing.T) {
	srv := serve(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	resp, page := do(t, req)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, `data-endpoint="/api/graphql"`) {
		t.Errorf("the page does not send requests to the endpoint given:\n%s", page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}

// TestAssets checks every embedded file: served under AssetsPath with the
// content type of its kind, revalidated by ETag rather than downloaded
// again, and nothing else served there.
func TestAssets(t *testing.T) {
	srv := serve(t)
	files, err := os.ReadDir("static")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
		".txt": "text/plain; charset=utf-8",
	}
	for _, f := range files {
		name := f.Name()
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile("static/" + name)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+graphiql.AssetsPath+name, nil)
			resp, body := do(t, req)
			ext := name[strings.LastIndex(name, "."):]
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != types[ext] || body != string(want) {
				t.Fatalf("GET %s: %d %q, %d bytes; want 200 %q, %d bytes", name, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), types[ext], len(want))
			}
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			req.Header.Set("If-None-Match", etag)
			if resp, _ := do(t, req); resp.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s again with its ETag: %d, want 304", name, resp.StatusCode)
			}
		})
	}
	for _, path := range []string{"graphiql.min.js.map", "static/graphiql.min.js", "../graphiql.go"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+graphiql.AssetsPath+path, nil)
		if resp, _ := do(t, req); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s%s: %d, want 404", graphiql.AssetsPath, path, resp.StatusCode)
		}
	}
}
