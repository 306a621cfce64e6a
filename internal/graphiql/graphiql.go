// Package graphiql serves GraphiQL, the in-browser GraphQL IDE of --dev mode,
// from files embedded in the binary: on an intranet a page that loads its
// scripts from a CDN never gets past "Loading…".
//
// The files in static/ are the UMD builds of graphiql@4.1.2 (the last major
// version with one; 5.x is ES modules and web workers), react@18.3.1 and
// react-dom@18.3.1 (React 19 has no UMD build), byte for byte from the npm
// registry; static/LICENSES.txt credits them. To update them:
//
//	npm pack graphiql@4.1.2 react@18.3.1 react-dom@18.3.1
//	# from the tarballs: package/graphiql.min.{js,css} and
//	# package/umd/react{,-dom}.production.min.js into static/
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// AssetsPath is where the page's scripts, styles and licences are served.
// Mount Handler there as well as at the page's own paths.
const AssetsPath = "/graphiql/"

//go:embed static
var static embed.FS

// contentTypes are set by extension rather than from the system's MIME
// table, which may call JavaScript application/javascript or miss .js.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// csp keeps the page to its own origin, so a change that made it fetch
// from elsewhere fails in the browser as it would on an intranet. GraphiQL
// styles elements inline and draws icons from data: URLs.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var page = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · hoctap</title>
<link rel="stylesheet" href="{{.Assets}}graphiql.min.css">
<style>body{margin:0}#graphiql{height:100vh}.loading{font:1.25rem sans-serif;padding:2rem}</style>
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}"><p class="loading">Đang tải GraphiQL… / Loading GraphiQL…</p></div>
<noscript><p>GraphiQL cần JavaScript. / GraphiQL needs JavaScript.</p></noscript>
<script src="{{.Assets}}react.production.min.js"></script>
<script src="{{.Assets}}react-dom.production.min.js"></script>
<script src="{{.Assets}}graphiql.min.js"></script>
<script src="{{.Assets}}hoctap.js"></script>
</body>
</html>
`))

// asset is an embedded file ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

type handler struct {
	page   []byte
	assets map[string]asset
}

// Handler serves GraphiQL sending its requests to endpoint, a path on the
// same origin such as /query: the page at any path but those under
// AssetsPath, which are its files.
func Handler(endpoint string) http.Handler {
	var buf bytes.Buffer
	if err := page.Execute(&buf, struct{ Assets, Endpoint string }{AssetsPath, endpoint}); err != nil {
		panic(err) // the template and its data are constants
	}
	h := &handler{page: buf.Bytes(), assets: map[string]asset{}}
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h.assets[path.Base(name)] = asset{
			body:        body,
			contentType: contentTypes[path.Ext(name)],
			etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		}
		return nil
	})
	if err != nil {
		panic(err) // the files are in the binary
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, AssetsPath)
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(h.page)
		return
	}
	a, ok := h.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("ETag", a.etag)
	// A newer binary may serve other files under the same names: the
	// browser asks again each time, and the ETag makes that a 304.
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
