package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"hoctap/ent/privacy"
	"hoctap/graph"
	"hoctap/internal/auth"
	"hoctap/internal/fixture"
	"hoctap/internal/importjob"
	"hoctap/internal/middleware"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// testKey signs the tests' access tokens.
var testKey = []byte("test-signing-key-0123456789abcdef")

// api drives the GraphQL handler as a given viewer.
type api struct {
	t    testing.TB
	db   *store.DB
	h    http.Handler
	auth *auth.Service
	fx   *fixture.Fixture
}

func newAPI(t testing.TB, db *store.DB, fx *fixture.Fixture) *api {
	t.Helper()
	return newAPIBehind(t, db, fx, nil)
}

// newAPIBehind is newAPI behind reverse proxies of the trusted networks
// (--trusted-proxies).
func newAPIBehind(t testing.TB, db *store.DB, fx *fixture.Fixture, trusted []netip.Prefix) *api {
	t.Helper()
	return newAPIWith(t, db, fx, trusted, graph.Options{})
}

// newAPIWith is newAPIBehind with the handler's options (its Logger is the
// test's), and an import runner of its own whose jobs end with the test.
func newAPIWith(t testing.TB, db *store.DB, fx *fixture.Fixture, trusted []netip.Prefix, opts graph.Options) *api {
	t.Helper()
	return newAPIAuth(t, db, fx, trusted, opts, auth.DefaultConfig)
}

// newAPIAuth is newAPIWith with the authentication's configuration.
func newAPIAuth(t testing.TB, db *store.DB, fx *fixture.Fixture, trusted []netip.Prefix, opts graph.Options, authCfg auth.Config) *api {
	t.Helper()
	svc, err := auth.NewService(db.Client, testKey, authCfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	jobs, stop := context.WithCancel(context.Background())
	runner := importjob.New(jobs, db.Client, db.Dialect, log, importjob.Options{MaxFileSize: opts.MaxUpload, TmpDir: t.TempDir()})
	t.Cleanup(func() { stop(); runner.Wait() })
	opts.Logger = log
	h := graph.NewHandler(&graph.Resolver{Client: db.Client, Auth: svc, Dialect: db.Dialect, Imports: runner}, opts)
	h = middleware.Chain(h, middleware.RequestInfo(trusted), middleware.Bearer(svc, log))
	return &api{t: t, db: db, h: h, auth: svc, fx: fx}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	Status int             `json:"-"`
}

// code returns the code of the first error, "" when there is none.
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r response) field() string {
	if len(r.Errors) == 0 {
		return ""
	}
	f, _ := r.Errors[0].Extensions["field"].(string)
	return f
}

// decode unmarshals data into v, failing on errors.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// as runs a query as a fixture user ("" for anonymous).
func (a *api) as(user, query string, vars map[string]any) response {
	a.t.Helper()
	var v *viewer.Viewer
	if user != "" {
		v = a.fx.Viewer(user)
	}
	return a.exec(v, "", query, vars, nil)
}

// exec runs a query with an optional viewer, bearer token and headers.
func (a *api) exec(v *viewer.Viewer, token, query string, vars map[string]any, header http.Header) response {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.serve(v, req)
}

// serve runs a request as v (or as its bearer token) and reads the
// response.
func (a *api) serve(v *viewer.Viewer, req *http.Request) response {
	a.t.Helper()
	if v != nil {
		req = req.WithContext(viewer.NewContext(req.Context(), v))
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		a.t.Fatalf("response %d is not JSON: %s", rec.Code, rec.Body.String())
	}
	r.Status = rec.Code
	return r
}

func ctxTimeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func systemCtx() context.Context {
	return privacy.DecisionContext(context.Background(), privacy.Allow)
}

// upload runs an operation as a fixture user (or as v, when given) by the
// GraphQL multipart request spec: files maps a variable's path (e.g.
// "input.catalogue") to a file name and its content.
func (a *api) upload(user string, v *viewer.Viewer, query string, vars map[string]any, files map[string]uploadFile) response {
	a.t.Helper()
	if v == nil && user != "" {
		v = a.fx.Viewer(user)
	}
	body, contentType := multipartBody(query, vars, files)
	req := httptest.NewRequest(http.MethodPost, "/query", body)
	req.Header.Set("Content-Type", contentType)
	return a.serve(v, req)
}

// multipartBody is a request of the multipart request spec and its
// Content-Type.
func multipartBody(query string, vars map[string]any, files map[string]uploadFile) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	mw.WriteField("operations", string(ops))
	paths := map[string][]string{}
	keys := slices.Sorted(maps.Keys(files))
	for i, k := range keys {
		paths[strconv.Itoa(i)] = []string{"variables." + k}
	}
	m, _ := json.Marshal(paths)
	mw.WriteField("map", string(m))
	for i, k := range keys {
		fw, _ := mw.CreateFormFile(strconv.Itoa(i), files[k].name)
		fw.Write(files[k].body)
	}
	mw.Close()
	return &body, mw.FormDataContentType()
}

type uploadFile struct {
	name string
	body []byte
}
