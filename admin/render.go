package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticPrefix is where the embedded CSS and script are served.
const staticPrefix = Prefix + "static/"

// contentSecurityPolicy allows the console's own files only: no inline
// script or style, no frames, forms posting back to the console.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pages holds one template set per page, each the layout plus the page,
// made the first time the page is drawn: html/template copies the layout
// into every set, 5 MB for all of them, which a server that only answers the
// API would carry in its heap for nothing (and, at the API's GOGC 400, up
// to five times over in its RSS: gcbudget.Serve).
type pages struct {
	base *template.Template // layout and parts, never executed, only cloned
	sets map[string]*pageSet
	// assets maps an asset's name to its URL with a content hash, so it can
	// be cached for long and still change with each release.
	assets map[string]string
}

func parsePages() (*pages, error) {
	p := &pages{sets: map[string]*pageSet{}, assets: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		base := path.Base(name)
		p.assets[base] = staticPrefix + base + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	funcs := template.FuncMap{
		"asset":     func(name string) string { return p.assets[name] },
		"add":       func(a, b int) int { return a + b },
		"hasPrefix": strings.HasPrefix,
		"string":    func(v any) string { return fmt.Sprint(v) },
		"deref":     func(b *bool) bool { return b != nil && *b },
		"list":      func(s ...string) []string { return s },
		// A message argument, rendered by T in the page's language.
		"levelPlural": titles.LevelPlural,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p.base = base
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		if page == "layout" || page == "parts" {
			continue
		}
		// Parsed once now so that a broken page stops the server at start,
		// then dropped until it is drawn.
		ps := &pageSet{file: name}
		if _, err := ps.parse(base); err != nil {
			return nil, fmt.Errorf("console template %s: %w", page, err)
		}
		p.sets[page] = ps
	}
	return p, nil
}

// pageSet is one page's template set, parsed on first use.
type pageSet struct {
	file string
	once sync.Once
	set  *template.Template
	err  error
}

func (ps *pageSet) parse(base *template.Template) (*template.Template, error) {
	return template.Must(base.Clone()).ParseFS(templateFS, ps.file)
}

// lookup returns a page's template set, nil for no such page.
func (p *pages) lookup(page string) *template.Template {
	ps := p.sets[page]
	if ps == nil {
		return nil
	}
	ps.once.Do(func() { ps.set, ps.err = ps.parse(p.base) })
	if ps.err != nil {
		panic(fmt.Sprintf("admin: template %s parsed at start but not now: %v", page, ps.err))
	}
	return ps.set
}

// Page is what every template sees: the request's language, viewer and
// anti-forgery token, helpers that format in that language, and the page's
// own Data.
type Page struct {
	Lang      i18n.Lang
	Viewer    *viewer.Viewer
	CSRF      string
	Flash     string
	Path      string
	RequestID string
	Data      any
}

// T returns a catalogue string in the page's language.
func (p *Page) T(key string, args ...any) string { return translate(p.Lang, key, args...) }

// Num formats an integer with the language's thousands separator.
func (p *Page) Num(n int) string { return formatInt(p.Lang, n) }

// Pct formats a share (0–1) as a percentage.
func (p *Page) Pct(v float64) string { return formatPct(p.Lang, v) }

// PctPtr formats a share that may be missing.
func (p *Page) PctPtr(v *float64) string {
	if v == nil {
		return "—"
	}
	return formatPct(p.Lang, *v)
}

// Dec formats a decimal number (points) in the language's style.
func (p *Page) Dec(v float64) string { return formatDec(p.Lang, v) }

// Date formats a day: 26/11/2026 in Vietnamese.
func (p *Page) Date(t time.Time) string { return formatDate(p.Lang, t) }

// DatePtr formats a day that may be missing.
func (p *Page) DatePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return formatDate(p.Lang, *t)
}

// Time formats a moment, in Vietnam's time.
func (p *Page) Time(t time.Time) string { return formatTime(p.Lang, t) }

// Role names a role.
func (p *Page) Role(r viewer.Role) string { return p.T("role." + string(r)) }

// Staff reports whether the viewer uses the whole console (ADMIN, MANAGER):
// an OFFICER's menu has the import pages only.
func (p *Page) Staff() bool { return p.Viewer != nil && isStaff(p.Viewer.Role) }

// MayImport reports whether the viewer may import lists.
func (p *Page) MayImport() bool { return p.Viewer != nil && mayImport(p.Viewer.Role) }

// Other is the language the switch offers.
func (p *Page) Other() i18n.Lang {
	if p.Lang == i18n.EN {
		return i18n.VI
	}
	return i18n.EN
}

// Query returns the current query string with one value replaced, for
// pager and filter links.
func (p *Page) Query(values url.Values, key, value string) string {
	q := url.Values{}
	for k, v := range values {
		q[k] = v
	}
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return "?" + q.Encode()
}

// render writes a page with status. Rendering into a buffer first means a
// template error becomes a clean 500, not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	set := c.pages.lookup(name)
	if set == nil {
		panic("admin: no template " + name)
	}
	ctx := r.Context()
	p := &Page{
		Lang:      i18n.FromContext(ctx),
		Viewer:    viewer.FromContext(ctx),
		Path:      r.URL.RequestURI(),
		RequestID: reqinfo.FromContext(ctx).ID,
		Data:      data,
	}
	p.CSRF = c.csrfToken(w, r)
	p.Flash = takeFlash(w, r, p.Lang, c.secure(r))
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.log.ErrorContext(ctx, "console template", "request_id", p.RequestID, "page", name, "err", err)
		http.Error(w, translate(p.Lang, "error.internalID", p.RequestID), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// serveStatic serves the embedded CSS and script, cached for long: their
// URLs change with their content.
func serveStatic() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix(staticPrefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})
}

// Flash messages survive one redirect in a cookie holding a catalogue key
// (and an optional argument), never free text from elsewhere.
const cookieFlash = "hoctap_flash"

func setFlash(w http.ResponseWriter, r *http.Request, secure bool, key string, args ...string) {
	v := url.Values{"k": {key}}
	if len(args) > 0 {
		v.Set("a", args[0])
	}
	http.SetCookie(w, cookie(cookieFlash, v.Encode(), Prefix, 60, secure))
}

func takeFlash(w http.ResponseWriter, r *http.Request, lang i18n.Lang, secure bool) string {
	ck, err := r.Cookie(cookieFlash)
	if err != nil || ck.Value == "" {
		return ""
	}
	http.SetCookie(w, cookie(cookieFlash, "", Prefix, -1, secure))
	v, err := url.ParseQuery(ck.Value)
	if err != nil {
		return ""
	}
	key := v.Get("k")
	if _, ok := catalog[key]; !ok || !strings.HasPrefix(key, "flash.") {
		return ""
	}
	if a := v.Get("a"); a != "" {
		return translate(lang, key, a)
	}
	return translate(lang, key)
}

// renderPart writes one template of parts.html alone, for a script that
// replaces a piece of the page.
func (c *Console) renderPart(w http.ResponseWriter, r *http.Request, name string, data any) {
	ctx := r.Context()
	p := &Page{Lang: i18n.FromContext(ctx), Viewer: viewer.FromContext(ctx), RequestID: reqinfo.FromContext(ctx).ID, Data: data}
	var buf bytes.Buffer
	if err := c.pages.lookup("error").ExecuteTemplate(&buf, name, p); err != nil {
		c.log.ErrorContext(ctx, "console template", "request_id", p.RequestID, "part", name, "err", err)
		http.Error(w, translate(p.Lang, "error.internalID", p.RequestID), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// briefLen bounds a value shown in the audit trail.
const briefLen = 120

// Brief writes a value of an audit entry's details compactly.
func (p *Page) Brief(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		s = string(b)
	}
	if r := []rune(s); len(r) > briefLen {
		s = string(r[:briefLen-1]) + "…"
	}
	return s
}

// Title names a learning title.
func (p *Page) Title(t titles.Title) string { return titles.Name(t, p.Lang) }

// PctNum writes a share as a percentage input shows it, without the sign.
func (p *Page) PctNum(v *float64) string {
	if v == nil {
		return ""
	}
	return pctInput(p.Lang, *v)
}

// TimePtr formats a moment that may be missing.
func (p *Page) TimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return formatTime(p.Lang, *t)
}
