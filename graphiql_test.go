package main

import (
	"context"
	"io"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"hoctap/internal/browsertest"
)

// get fetches url and returns its status, content type and body.
func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// refRE finds the URLs a page makes the browser load or link to.
var refRE = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']?([^"'\s>]+)`)

// TestStartPage checks what a person opening the server's address gets,
// with and without --dev: GraphiQL from the binary (every file it needs
// on the server's own origin, with the right content type) or a page
// naming the API, the console and the probes; and the start-up lines name
// the console and GraphiQL.
func TestStartPage(t *testing.T) {
	for _, tt := range []struct {
		dev bool
		// in the page at /
		want []string
	}{
		{false, []string{`href="/admin/"`, `href="/healthz"`, `href="/readyz"`, `href="/metrics"`, "POST /query", "Trang quản trị", "Admin console"}},
		{true, []string{`data-endpoint="/query"`, "graphiql.min.js"}},
	} {
		name := map[bool]string{false: "prod", true: "dev"}[tt.dev]
		t.Run(name, func(t *testing.T) {
			p := serve(t, "HOCTAP_DATABASE_URL="+t.TempDir()+"/hoctap.db", "HOCTAP_DEMO=false",
				"HOCTAP_ADMIN_PASSWORD=start-page-pw-1", "HOCTAP_DEV="+map[bool]string{false: "false", true: "true"}[tt.dev])
			startup := strings.Join(p.startup, "\n")
			if want := p.url + "/admin/"; !strings.Contains(startup, want) {
				t.Errorf("the start-up lines do not name the console %s:\n%s", want, startup)
			}
			if hasGraphiQL := strings.Contains(startup, "GraphiQL: "+p.url+"/\n"); hasGraphiQL != tt.dev {
				t.Errorf("the start-up lines name GraphiQL: %v, want %v:\n%s", hasGraphiQL, tt.dev, startup)
			}

			status, ctype, page := get(t, p.url+"/")
			if status != http.StatusOK || !strings.HasPrefix(ctype, "text/html") {
				t.Fatalf("GET /: %d %s", status, ctype)
			}
			for _, want := range tt.want {
				if !strings.Contains(page, want) {
					t.Errorf("GET / does not say %s:\n%s", want, page)
				}
			}
			playground, _, _ := get(t, p.url+"/playground")
			asset, _, _ := get(t, p.url+"/graphiql/graphiql.min.js")
			if !tt.dev {
				if playground != http.StatusNotFound || asset != http.StatusNotFound {
					t.Errorf("GraphiQL outside dev mode: /playground %d, its script %d; want 404", playground, asset)
				}
				return
			}
			if playground != http.StatusOK {
				t.Errorf("GET /playground: %d", playground)
			}
			assertSameOrigin(t, p.url, page)
		})
	}
}

// assertSameOrigin checks that page names no other host and that each file
// it loads is served with the content type its kind needs (a script served
// as text/plain is refused under nosniff).
func assertSameOrigin(t *testing.T, base, page string) {
	t.Helper()
	if m := regexp.MustCompile(`(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}/`).FindString(page); m != "" {
		t.Errorf("the GraphiQL page names another host (%q):\n%s", m, page)
	}
	refs := refRE.FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("the GraphiQL page loads %d files, want its scripts and styles:\n%s", len(refs), page)
	}
	kinds := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for _, ref := range refs {
		u := ref[1]
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("the GraphiQL page loads %s, not a path on its own origin", u)
			continue
		}
		want, ok := kinds[path.Ext(u)]
		if !ok {
			t.Errorf("the GraphiQL page loads %s, neither a script nor a style", u)
			continue
		}
		status, ctype, body := get(t, base+u)
		if status != http.StatusOK || !strings.HasPrefix(ctype, want) || len(body) == 0 {
			t.Errorf("GET %s: %d %q, %d bytes; want 200 %s", u, status, ctype, len(body), want)
		}
	}
}

// TestGraphiQLBrowser opens GraphiQL in Chromium with every host but the
// server's unreachable, as on an intranet: the editor renders, a query
// runs against the API, and the browser asked nothing of another origin.
func TestGraphiQLBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	p := serve(t, "HOCTAP_DATABASE_URL="+t.TempDir()+"/hoctap.db", "HOCTAP_DEMO=false",
		"HOCTAP_ADMIN_PASSWORD=graphiql-pw-1", "HOCTAP_DEV=true")

	var (
		mu       sync.Mutex
		requests []string
		problems []string
	)
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
			if u := ev.Request.URL; strings.HasPrefix(u, "data:") {
				requests[len(requests)-1] = u[:min(len(u), 32)] + "…" // inline fonts, long
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			if d.Exception != nil {
				problems = append(problems, d.Text+" "+d.Exception.Description)
			} else {
				problems = append(problems, d.Text)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console: "+strings.Join(args, " "))
			}
		case *log.EventEntryAdded: // a refused file, a Content-Security-Policy violation
			// The browser's own probe for an icon is not GraphiQL's doing.
			if ev.Entry.Level == log.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
				problems = append(problems, ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}
	// Loopback bypasses the proxy; everything else goes to a closed port.
	opts := append(browsertest.Options(bin, t.TempDir(), 1280, 800),
		chromedp.ProxyServer("http://127.0.0.1:9"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	const editor = `.graphiql-query-editor .CodeMirror`
	err := chromedp.Do(ctx,
		chromedp.Navigate(p.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(editor)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+editor+`').CodeMirror.setValue('{ __typename }')`),
	)
	// GraphiQL takes an edit into its state after a pause, and saves it
	// then: a click before that runs the query it had.
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`localStorage.getItem('graphiql:query')?.includes('__typename')`))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	}
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('.graphiql-response .result-window')?.textContent.includes('"Query"')`))
	}
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("GraphiQL did not render and run a query: %v\nbrowser errors: %q\nrequests: %q\npage: %.500s", err, problems, requests, body)
	}
	if len(problems) > 0 {
		t.Errorf("browser errors: %q", problems)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, p.url+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("GraphiQL asked another origin for %s", u)
		}
	}
	if !slices.Contains(requests, p.url+"/query") {
		t.Errorf("GraphiQL did not query %s/query: %q", p.url, requests)
	}
}
