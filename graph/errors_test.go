package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"hoctap/graph"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/middleware"
	"hoctap/internal/store"
)

// TestCampaignTargets reads a campaign's targets outside a mutation, as every
// role: the field took its client from the request transaction, which reads
// do not have, and answered INTERNAL to everyone.
func TestCampaignTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		var c struct {
			CreateCampaign struct{ Campaign struct{ ID string } }
		}
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)}, &c)
		a.must(t, "manager", `mutation($c: ID!, $t: [TargetInput!]!) { setTargets(input: {campaignID: $c, targets: $t}) { targets { title } } }`, map[string]any{
			"c": c.CreateCampaign.Campaign.ID, "t": []map[string]any{{"adminUnitID": id(fx.P1.ID), "title": "LEARNING_FAMILY", "rate": 0.8}}}, nil)
		const q = `query($p: ID!) { campaign(year: 2021, provinceID: $p) { targets { title rate } } }`
		for _, tt := range []struct {
			user    string
			targets int // -1: the campaign is out of scope
		}{
			{"admin", 1}, {"manager", 1}, {"officer", 1}, {"collaborator", 1}, {"viewer", 1}, {"citizen", 1},
			{"manager2", -1},
		} {
			t.Run(tt.user, func(t *testing.T) {
				var got struct {
					Campaign *struct {
						Targets []struct {
							Title string
							Rate  float64
						}
					}
				}
				r := a.as(tt.user, q, map[string]any{"p": id(fx.P1.ID)})
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
				if err := json.Unmarshal(r.Data, &got); err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.targets < 0 && got.Campaign != nil:
					t.Fatalf("out-of-scope campaign answered: %+v", got.Campaign)
				case tt.targets >= 0 && (got.Campaign == nil || len(got.Campaign.Targets) != tt.targets):
					t.Fatalf("campaign %+v, want %d targets", got.Campaign, tt.targets)
				}
			})
		}
	})
}

// raw sends a request as it comes, without a viewer, and decodes the answer,
// which must be a GraphQL response whatever was sent.
func (a *api) raw(req *http.Request) (response, http.Header) {
	a.t.Helper()
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		a.t.Fatalf("%s %s: response %d is not JSON: %.300s", req.Method, req.URL, rec.Code, rec.Body)
	}
	r.Status = rec.Code
	if n := rec.Body.Len(); n > 2000 {
		a.t.Errorf("%s %s: a %d-byte answer (the request must not be echoed)", req.Method, req.URL, n)
	}
	return r, rec.Header()
}

func request(method, target, contentType, accept string, body io.Reader) *http.Request {
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return req
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// timeoutBody fails as a request body does once the server's ReadTimeout
// has passed.
type timeoutBody struct{}

func (timeoutBody) Read([]byte) (int, error) {
	return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
}

// TestRequestErrors sends what is not a well-formed GraphQL request, or is
// refused before it runs: each answer is a GraphQL response whose error has
// a code, with the status the GraphQL-over-HTTP spec asks for, and without
// the request echoed back.
func TestRequestErrors(t *testing.T) {
	db := dbtest.Open(t)
	a := newAPI(t, db, fixture.Build(t, db.Client))
	const (
		js  = "application/json"
		gqr = "application/graphql-response+json"
	)
	garbage := `{"query": 42, "variables": "` + strings.Repeat("A", 512<<10) + `"}`
	for _, tt := range []struct {
		name        string
		req         *http.Request
		status      int
		code, field string
	}{
		{"text/plain body", request("POST", "/query", "text/plain", "", strings.NewReader(`{"query":"{ me { id } }"}`)), 415, "BAD_USER_INPUT", ""},
		{"no content type", request("POST", "/query", "", "", strings.NewReader(`{"query":"{ me { id } }"}`)), 415, "BAD_USER_INPUT", ""},
		{"form body", request("POST", "/query", "application/x-www-form-urlencoded", "", strings.NewReader("query=%7B+me+%7B+id+%7D+%7D")), 415, "BAD_USER_INPUT", ""},
		{"PUT", request("PUT", "/query", js, "", jsonBody(map[string]any{"query": "{ me { id } }"})), 405, "BAD_USER_INPUT", ""},
		{"DELETE", request("DELETE", "/query", "", "", nil), 405, "BAD_USER_INPUT", ""},
		{"GET mutation", request("GET", "/query?query="+url.QueryEscape(`mutation { logout(input: {refreshToken: "x"}) { ended } }`), "", "", nil), 405, "BAD_USER_INPUT", ""},
		{"GET without query", request("GET", "/query", "", "", nil), 400, "BAD_USER_INPUT", "query"},
		{"GET variables not JSON", request("GET", "/query?query=%7B+me+%7B+id+%7D+%7D&variables=%7Bnope", "", "", nil), 400, "BAD_USER_INPUT", "variables"},
		{"not JSON", request("POST", "/query", js, "", strings.NewReader(`{"query": `)), 400, "BAD_USER_INPUT", ""},
		{"half a megabyte of wrong types", request("POST", "/query", js, "", strings.NewReader(garbage)), 400, "BAD_USER_INPUT", ""},
		{"no query", request("POST", "/query", js, "", strings.NewReader(`{"qeury": "{ me { id } }"}`)), 400, "BAD_USER_INPUT", "query"},
		{"body over the limit", request("POST", "/query", js, "", strings.NewReader(`{"query": "`+strings.Repeat(" ", 2<<20)+`{ me { id } }"}`)), 413, "QUERY_TOO_COMPLEX", ""},
		{"body too slow", request("POST", "/query", js, "", timeoutBody{}), 408, "BAD_USER_INPUT", ""},
		{"parse error, application/json", request("POST", "/query", js, js, jsonBody(map[string]any{"query": "{"})), 200, "BAD_USER_INPUT", ""},
		{"parse error, graphql-response+json", request("POST", "/query", js, gqr, jsonBody(map[string]any{"query": "{"})), 400, "BAD_USER_INPUT", ""},
		{"validation error, no Accept", request("POST", "/query", js, "", jsonBody(map[string]any{"query": "{ nope }"})), 200, "BAD_USER_INPUT", ""},
		{"validation error, graphql-response+json first", request("POST", "/query", js, gqr+", "+js+";q=0.9", jsonBody(map[string]any{"query": "{ nope }"})), 400, "BAD_USER_INPUT", ""},
		{"variable of the wrong type", request("POST", "/query", js, js, jsonBody(map[string]any{"query": "query($n: Int) { adminUnits(first: $n) { totalCount } }", "variables": map[string]any{"n": "x"}})), 200, "BAD_USER_INPUT", "first"},
		{"unknown operation name", request("POST", "/query", js, js, jsonBody(map[string]any{"query": "query A { me { id } }", "operationName": "B"})), 200, "BAD_USER_INPUT", ""},
		{"introspection off", request("POST", "/query", js, js, jsonBody(map[string]any{"query": "{ __schema { types { name } } }"})), 200, "FORBIDDEN", ""},
		{"introspection off, graphql-response+json", request("POST", "/query", js, gqr, jsonBody(map[string]any{"query": "{ __schema { types { name } } }"})), 403, "FORBIDDEN", ""},
		{"__type off", request("GET", "/query?query="+url.QueryEscape(`query($n: String!) { __type(name: $n) { name } }`)+"&variables="+url.QueryEscape(`{"n":"User"}`), "", js, nil), 200, "FORBIDDEN", ""},
		{"first and last", request("POST", "/query", js, "", jsonBody(map[string]any{"query": "{ adminUnits(first: 1, last: 1) { totalCount } }"})), 200, "BAD_USER_INPUT", "last"},
		{"first and last in variables", request("POST", "/query", js, "", jsonBody(map[string]any{"query": "query($f: Int, $l: Int) { adminUnits(first: 1) { edges { node { children(first: $f, last: $l) { totalCount } } } } }", "variables": map[string]any{"f": 1, "l": 1}})), 200, "BAD_USER_INPUT", "last"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := a.raw(tt.req)
			if r.Status != tt.status || r.code() != tt.code || r.field() != tt.field {
				t.Fatalf("got %d %s on %q (%+v), want %d %s on %q", r.Status, r.code(), r.field(), r.Errors, tt.status, tt.code, tt.field)
			}
			if r.Errors[0].Message == "" || strings.Contains(r.Errors[0].Message, "RawParams") {
				t.Fatalf("message %q", r.Errors[0].Message)
			}
			if r.Data != nil {
				t.Fatalf("data %s: nothing ran, so the answer has no data entry", r.Data)
			}
		})
	}
	// The answer speaks the client's language, like every other error.
	req := request("PUT", "/query", js, "", nil)
	req.Header.Set("Accept-Language", "en")
	if r, h := a.raw(req); r.Errors[0].Message != "Method PUT is not supported; use GET or POST." || h.Get("Allow") == "" {
		t.Errorf("English PUT refusal: %q, Allow %q", r.Errors[0].Message, h.Get("Allow"))
	}
}

// TestPersistedQueries follows Apollo's automatic persisted queries: a hash
// the server has not seen is PERSISTED_QUERY_NOT_FOUND (clients resend the
// text only on that code), the text with its hash runs and is kept, then
// the hash alone runs, by POST or GET.
func TestPersistedQueries(t *testing.T) {
	db := dbtest.Open(t)
	a := newAPI(t, db, fixture.Build(t, db.Client))
	const q = `{ __typename }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	ext := func(h string, version any) map[string]any {
		return map[string]any{"persistedQuery": map[string]any{"version": version, "sha256Hash": h}}
	}
	post := func(body map[string]any) response {
		r, _ := a.raw(request("POST", "/query", "application/json", "", jsonBody(body)))
		return r
	}
	for _, tt := range []struct {
		name        string
		body        map[string]any
		code, field string
	}{
		{"unknown hash", map[string]any{"extensions": ext(hash, 1)}, "PERSISTED_QUERY_NOT_FOUND", ""},
		{"hash of another text", map[string]any{"query": q, "extensions": ext(strings.Repeat("ab", 32), 1)}, "BAD_USER_INPUT", "extensions.persistedQuery.sha256Hash"},
		{"not a hash", map[string]any{"extensions": ext("abc", 1)}, "BAD_USER_INPUT", "extensions.persistedQuery"},
		{"version 2", map[string]any{"query": q, "extensions": ext(hash, 2)}, "BAD_USER_INPUT", "extensions.persistedQuery"},
		{"text that does not validate", map[string]any{"query": "{ nope }", "extensions": ext(hashOf("{ nope }"), 1)}, "BAD_USER_INPUT", ""},
		{"a document that did not validate is not kept", map[string]any{"extensions": ext(hashOf("{ nope }"), 1)}, "PERSISTED_QUERY_NOT_FOUND", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := post(tt.body)
			if r.Status != http.StatusOK || r.code() != tt.code || r.field() != tt.field {
				t.Fatalf("got %d %s on %q (%+v), want 200 %s on %q", r.Status, r.code(), r.field(), r.Errors, tt.code, tt.field)
			}
		})
	}
	if r := post(map[string]any{"query": q, "extensions": ext(hash, 1)}); len(r.Errors) > 0 {
		t.Fatalf("text with its hash: %+v", r.Errors)
	}
	if r := post(map[string]any{"extensions": ext(strings.ToUpper(hash), 1)}); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "Query") {
		t.Fatalf("hash alone after the text: %s %+v", r.Data, r.Errors)
	}
	get := "/query?extensions=" + url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}`)
	if r, _ := a.raw(request("GET", get, "", "", nil)); len(r.Errors) > 0 {
		t.Fatalf("hash alone by GET: %+v", r.Errors)
	}
}

func hashOf(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// TestFanOut sends 22 fragments that each spread the previous one twice:
// 2.3 KB of text that expands to four million fields. It is refused as
// QUERY_TOO_COMPLEX by counting, not by expanding (which took 7.8 s of CPU
// per request); a document of modest fragments still runs.
func TestFanOut(t *testing.T) {
	db := dbtest.Open(t)
	a := newAPI(t, db, fixture.Build(t, db.Client))
	doubling := func(levels int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "query { adminUnits(first: 1) { edges { node { ...F%d } } } }\n", levels)
		b.WriteString("fragment F0 on AdminUnit { id name }\n")
		for i := 1; i <= levels; i++ {
			fmt.Fprintf(&b, "fragment F%d on AdminUnit { a%d: parent { ...F%d } b%d: parent { ...F%d } }\n", i, i, i-1, i, i-1)
		}
		return b.String()
	}
	en := http.Header{"Accept-Language": {"en"}}
	for _, tt := range []struct {
		levels  int
		code    string
		message string
	}{
		// Refused by counting: the complexity limit, which expands, would
		// name the complexity instead.
		{22, "QUERY_TOO_COMPLEX", "The query is too complex: its fragments expand to more than 20000 fields."},
		{3, "", ""},
	} {
		t.Run(fmt.Sprint(tt.levels), func(t *testing.T) {
			r := a.exec(a.fx.Viewer("admin"), "", doubling(tt.levels), nil, en)
			if r.code() != tt.code || tt.code != "" && r.Errors[0].Message != tt.message {
				t.Fatalf("%d levels: %s (%+v), want %q: %q", tt.levels, r.code(), r.Errors, tt.code, tt.message)
			}
		})
	}
}

// TestRequestDeadline gives a request a short deadline and makes its first
// statement a long one (a billion-row count on SQLite, pg_sleep(60) on
// PostgreSQL): the deadline must stop that statement in the database, and
// the client is told the deadline, as QUERY_TOO_COMPLEX, not a database
// outage or INTERNAL.
func TestRequestDeadline(t *testing.T) {
	probe := &deadlineProbe{}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		a.h = middleware.Chain(a.h, middleware.Deadline(200*time.Millisecond, time.Minute, nil))
		probe.arm()
		r := a.exec(fx.Viewer("admin"), "", `{ adminUnits(first: 5) { totalCount edges { node { name } } } }`, nil, http.Header{"Accept-Language": {"en"}})
		if ran, err := probe.result(); !ran || err == nil {
			t.Fatalf("long statement ran: %v, ended with %v; want it stopped by the deadline", ran, err)
		}
		if r.code() != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "deadline") {
			t.Fatalf("got %s (%+v), want QUERY_TOO_COMPLEX naming the deadline", r.code(), r.Errors)
		}
		// A deadline that passed before the operation started (the request
		// waited for the database pool) is told the same way.
		a.h = middleware.Chain(a.h, middleware.Deadline(time.Nanosecond, time.Minute, nil))
		r = a.exec(fx.Viewer("admin"), "", `{ adminUnits(first: 5) { totalCount } }`, nil, nil)
		if r.code() != "QUERY_TOO_COMPLEX" {
			t.Fatalf("deadline passed before the operation: got %s (%+v)", r.code(), r.Errors)
		}
	}, store.Options{Wrap: probe.wrap})
}

// deadlineProbe runs, once armed, a long statement before the first query
// made with a deadline (a request's), and keeps what the driver answered.
type deadlineProbe struct {
	mu         sync.Mutex
	armed, ran bool
	err        error
}

func (p *deadlineProbe) arm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.ran, p.err = true, false, nil
}

func (p *deadlineProbe) take() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ok := p.armed
	p.armed = false
	return ok
}

func (p *deadlineProbe) result() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ran, p.err
}

func (p *deadlineProbe) wrap(d dialect.Driver) dialect.Driver { return &probeDriver{Driver: d, p: p} }

type probeDriver struct {
	dialect.Driver
	p *deadlineProbe
}

func (d *probeDriver) Query(ctx context.Context, q string, args, v any) error {
	if _, ok := ctx.Deadline(); ok && d.p.take() {
		long := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c"
		if d.Dialect() == dialect.Postgres {
			long = "SELECT pg_sleep(60)"
		}
		var rows entsql.Rows
		err := d.Driver.Query(ctx, long, []any{}, &rows)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		d.p.mu.Lock()
		d.p.ran, d.p.err = true, err
		d.p.mu.Unlock()
	}
	return d.Driver.Query(ctx, q, args, v)
}

// TestInternalErrorLogged makes a resolver panic (an API without its auth
// service) and reads the log: the INTERNAL answer's request id is on the
// line that carries the cause, with its stack.
func TestInternalErrorLogged(t *testing.T) {
	db := dbtest.Open(t)
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	h := middleware.Chain(graph.NewHandler(&graph.Resolver{Client: db.Client, Dialect: db.Dialect}, graph.Options{Logger: log}), middleware.RequestInfo(nil))
	a := &api{t: t, db: db, h: h}
	r := a.exec(nil, "", `mutation { login(input: {username: "a", password: "b"}) { accessToken } }`, nil, nil)
	id, _ := r.Errors[0].Extensions["requestId"].(string)
	if r.code() != "INTERNAL" || id == "" || !strings.Contains(r.Errors[0].Message, id) {
		t.Fatalf("got %+v, want INTERNAL with its request id", r.Errors)
	}
	if strings.Contains(r.Errors[0].Message, "nil pointer") {
		t.Fatalf("the cause reached the client: %q", r.Errors[0].Message)
	}
	var found bool
	for line := range strings.Lines(logged.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["level"] != "ERROR" {
			continue
		}
		if rec["request_id"] != id {
			t.Errorf("an error line without the request id: %s", line)
			continue
		}
		cause, _ := rec["err"].(string)
		stack, _ := rec["stack"].(string)
		if strings.Contains(cause, "nil pointer") && strings.Contains(stack, "Login") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no error line with request id %s, the cause and its stack:\n%s", id, logged.String())
	}
}
