package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hoctap/internal/browsertest"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// envServe makes the test binary act as the hoctap server, so tests can run
// several real server processes.
const envServe = "HOCTAP_TEST_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(envServe) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, nil, os.Getenv, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(browsertest.Main(m))
}

var runningRE = regexp.MustCompile(`is running: (http://\S+) `)

// startProcess runs a hoctap server process with env and returns its URL.
func startProcess(t *testing.T, env ...string) string {
	t.Helper()
	return serve(t, env...).url
}

// process is a hoctap server process of the test binary.
type process struct {
	url string
	// startup is what it printed up to its "is running" line.
	startup []string
	stop    func() error
}

// serve runs a hoctap server process with env until the test ends.
func serve(t *testing.T, env ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{envServe + "=1", "HOCTAP_ADDR=127.0.0.1:0"}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// stop ends the process as an operator would, and says how it exited.
	stop := sync.OnceValue(func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		return cmd.Wait()
	})
	t.Cleanup(func() { stop() })
	started := make(chan *process, 1)
	go func() {
		p := &process{stop: stop}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p.url != "" {
				continue // keep reading, so the process never blocks on a full pipe
			}
			p.startup = append(p.startup, sc.Text())
			if m := runningRE.FindStringSubmatch(sc.Text()); m != nil {
				p.url = m[1]
				started <- p
			}
		}
	}()
	select {
	case p := <-started:
		return p
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start: %s", stderr.String())
		return nil
	}
}

type gqlResult struct {
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func post(t *testing.T, url, token, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResult
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	return r
}

func (r gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

const login = `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }`

// TestReplicasShareState runs two server processes on one PostgreSQL
// database: a token signed by one works on the other (the generated key is
// shared through the database), and sign-in throttling counts the attempts
// made on both.
func TestReplicasShareState(t *testing.T) {
	db := dbtest.Postgres(t)
	fixture.Build(t, db.Client)
	env := []string{"HOCTAP_DATABASE_URL=" + db.DSN, "HOCTAP_DEMO=false", "HOCTAP_ADMIN_PASSWORD=replica-admin-pw-1"}
	a, b := startProcess(t, env...), startProcess(t, env...)

	r := post(t, a, "", login, map[string]any{"u": "officer", "p": fixture.Password})
	var tok struct{ AccessToken string }
	if r.code() != "" {
		t.Fatalf("login on A: %+v", r.Errors)
	}
	json.Unmarshal(r.Data["login"], &tok)
	if r := post(t, b, tok.AccessToken, `{ me { username } }`, nil); r.code() != "" {
		t.Fatalf("A's token on B: %+v", r.Errors)
	}

	var codes []string
	for i := range 10 {
		url := a
		if i%2 == 1 {
			url = b
		}
		codes = append(codes, post(t, url, "", login, map[string]any{"u": "manager", "p": fmt.Sprintf("wrong %d", i)}).code())
	}
	if codes[0] != "UNAUTHENTICATED" || codes[9] != "RATE_LIMITED" {
		t.Fatalf("ten wrong passwords over two processes: %v, want RATE_LIMITED by the tenth", codes)
	}
	for _, url := range []string{a, b} {
		if c := post(t, url, "", login, map[string]any{"u": "manager", "p": fixture.Password}).code(); c != "RATE_LIMITED" {
			t.Errorf("right password on %s while limited: %q", url, c)
		}
	}
}

// TestServe starts the server on a new SQLite file: it loads the demo,
// prints the accounts, answers the probes, and shuts down on SIGTERM.
func TestServe(t *testing.T) {
	dbPath := t.TempDir() + "/hoctap.db"
	url := startProcess(t, "HOCTAP_DATABASE_URL="+dbPath, "HOCTAP_DEMO_SCALE=0.0005")
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		if path != "/metrics" {
			continue
		}
		for _, m := range []string{"hoctap_api_operations_waiting", `hoctap_node_plans_total{result="served"}`, `hoctap_node_plans_total{result="made"}`} {
			if !bytes.Contains(body, []byte(m)) {
				t.Errorf("GET /metrics has no %s", m)
			}
		}
	}
	// The exports and the record's downloads are routed, and refuse
	// anonymous requests.
	for _, path := range []string{"/export/progress.csv?campaign=1&unit=1", "/export/progress.xlsx", "/export/decisions/1.html",
		"/export/templates/imports.xlsx", "/export/units.xlsx?kind=households", "/files/evidence/1", "/files/record/1"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: %d, want 401", path, resp.StatusCode)
		}
	}
	r := post(t, url, "", `{ __schema { types { name } } }`, nil)
	if r.code() == "" {
		t.Error("introspection works outside dev mode")
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--jwt-secret", "short"}, nil, "--jwt-secret"},
		{[]string{"--demo-scale", "2"}, nil, "--demo-scale"},
		{nil, map[string]string{"HOCTAP_ACCESS_TOKEN_TTL": "forever"}, "HOCTAP_ACCESS_TOKEN_TTL"},
		{nil, map[string]string{"HOCTAP_JWT_SECRET_FILE": "/does/not/exist"}, "HOCTAP_JWT_SECRET_FILE"},
		{[]string{"--log-level", "loud"}, nil, "--log-level"},
		{[]string{"--demo", "maybe"}, nil, "--demo"},
	} {
		err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%v, %v) = %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		}
	}
}

// TestLongRequest: uploads and exports of units get the long deadline,
// everything else the everyday one.
func TestLongRequest(t *testing.T) {
	for _, c := range []struct {
		method, path, contentType string
		long                      bool
	}{
		{"POST", "/admin/imports", "multipart/form-data; boundary=x", true},
		{"POST", "/query", "multipart/form-data; boundary=x", true},
		{"POST", "/query", "application/json", false},
		{"GET", "/export/units.xlsx", "", true},
		{"GET", "/export/progress.xlsx", "", false},
		{"GET", "/admin/imports", "", false},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		r.Header.Set("Content-Type", c.contentType)
		if got := longRequest(r); got != c.long {
			t.Errorf("%s %s (%s): long %v, want %v", c.method, c.path, c.contentType, got, c.long)
		}
	}
}
