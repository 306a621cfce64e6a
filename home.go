package main

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"

	"hoctap/internal/config"
)

// home is the page at / outside dev mode (in dev mode GraphiQL is there): a
// person who opens the server's address learns where the API, the console
// and the probes are, instead of a bare 404. A page rather than a redirect
// to /admin/, because most visitors of the address are client developers
// and operators, not console users.
var home = template.Must(template.New("home").Parse(`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hoctap</title>
<style>body{font:16px/1.5 sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{font-size:.95em}</style>
</head>
<body>
<h1>hoctap</h1>
<p>Máy chủ của chương trình xây dựng xã hội học tập.</p>
<ul>
<li>API GraphQL: <code>POST /query</code> (hoặc <code>GET /query?query=…</code>), đăng nhập bằng mutation <code>login</code> rồi gửi <code>Authorization: Bearer &lt;accessToken&gt;</code></li>
<li>Trang quản trị: <a href="/admin/">/admin/</a></li>
<li>Kiểm tra hoạt động: <a href="/healthz">/healthz</a> (tiến trình), <a href="/readyz">/readyz</a> (cơ sở dữ liệu){{if .Metrics}}; số liệu Prometheus: <a href="/metrics">/metrics</a>{{end}}</li>
<li>GraphiQL chỉ bật khi chạy với <code>--dev</code>.</li>
</ul>
<hr>
<p lang="en">The server of the learning-society programme.</p>
<ul lang="en">
<li>GraphQL API: <code>POST /query</code> (or <code>GET /query?query=…</code>); sign in with the <code>login</code> mutation, then send <code>Authorization: Bearer &lt;accessToken&gt;</code></li>
<li>Admin console: <a href="/admin/">/admin/</a></li>
<li>Health: <a href="/healthz">/healthz</a> (process), <a href="/readyz">/readyz</a> (database){{if .Metrics}}; Prometheus metrics: <a href="/metrics">/metrics</a>{{end}}</li>
<li>GraphiQL is on only with <code>--dev</code>.</li>
</ul>
</body>
</html>
`))

// homeHandler serves home; metrics says whether /metrics is on this
// listener (not when --metrics-addr moves it).
func homeHandler(metrics bool) http.Handler {
	var buf bytes.Buffer
	if err := home.Execute(&buf, struct{ Metrics bool }{metrics}); err != nil {
		panic(err) // the template and its data are constants
	}
	body := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})
}

// printURLs says where the server answers: the console, GraphiQL in dev
// mode, /metrics when it has an address of its own (metrics, or nil), then
// the API on a last line that tells tests the server is up and where.
func printURLs(w io.Writer, cfg *config.Config, addr, metrics net.Addr) {
	base := baseURL(addr)
	fmt.Fprintf(w, "Trang quản trị / admin console: %s/admin/\n", base)
	if cfg.Dev {
		fmt.Fprintf(w, "GraphiQL: %s/\n", base)
	}
	if metrics != nil {
		fmt.Fprintf(w, "Số liệu Prometheus / metrics: %s/metrics\n", baseURL(metrics))
	}
	fmt.Fprintf(w, "hoctap đang chạy / is running: %s (GraphQL: %s/query)\n", base, base)
}
