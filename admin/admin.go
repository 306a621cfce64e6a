// Package admin is the web console of hoctap: server-rendered pages for
// provincial admins and managers to manage accounts and yearly campaigns,
// and for them and commune officers to import their lists.
//
// It holds no business rules. Every page reads through ent with the signed-in
// viewer in the context, so the privacy policies decide what it shows, and
// every change calls the same domain packages as the GraphQL API
// (internal/users, internal/cycle, internal/progress) in a transaction of its
// own, so the same validation, scope checks and audit entries apply.
package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hoctap/ent"
	"hoctap/internal/apperr"
	"hoctap/internal/auth"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
	"hoctap/internal/importjob"
	"hoctap/internal/reqinfo"
)

// Prefix is where the console is served.
const Prefix = "/admin/"

// Options configure the console.
type Options struct {
	Logger *slog.Logger
	// TrustProxy makes a request count as HTTPS when a reverse proxy says
	// so in X-Forwarded-Proto (cookies are then marked Secure).
	TrustProxy bool
	// Dialect is the database's (store.DB.Dialect): reorganisations move
	// rows by SQL of their own.
	Dialect string
	// Imports runs the imports uploaded through the console (required):
	// the server's one runner, so the console, the API and a poll from
	// any replica see the same jobs.
	Imports *importjob.Runner
	// MaxUpload bounds an uploaded list, as the runner was told
	// (--max-upload); importjob.DefaultMaxFileSize if 0.
	MaxUpload int64
}

// Console serves the admin console.
type Console struct {
	client *ent.Client
	auth   *auth.Service
	log    *slog.Logger
	opts   Options
	pages  *pages
}

// New returns the console over client, signing users in through a. The
// templates are embedded in the binary and parsed here; a template that does
// not parse is a programming error (the tests parse them all), so it panics.
func New(client *ent.Client, a *auth.Service, opts Options) *Console {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Imports == nil {
		panic("admin: Options.Imports is required")
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = importjob.DefaultMaxFileSize
	}
	p, err := parsePages()
	if err != nil {
		panic(err)
	}
	return &Console{client: client, auth: a, log: opts.Logger, opts: opts, pages: p}
}

// handlerFunc is a console endpoint: it writes a page or a redirect, or
// returns the error that serve renders instead, before it wrote anything.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve adapts a handlerFunc, rendering its error in the one place errors
// are shown.
func (c *Console) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			c.fail(w, r, err)
		}
	})
}

// Messages of the error page, by code.
var errorTitles = map[apperr.Code]string{
	apperr.Forbidden:    "error.forbidden",
	apperr.NotFound:     "error.notFound",
	apperr.BadUserInput: "error.badInput",
	apperr.Conflict:     "error.conflict",
	apperr.RateLimited:  "error.rateLimited",
	apperr.Unavailable:  "error.unavailable",
	apperr.Internal:     "error.internal",
}

// fail renders err: an anonymous or expired session goes to the sign-in
// page; a known error shows its message; anything else is logged with the
// request id and shown only as that id, never as its text.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errmap.Of(r.Context(), err)
	if e.Code == apperr.Unauthenticated {
		c.toSignIn(w, r)
		return
	}
	id := reqinfo.FromContext(r.Context()).ID
	msg := e.Message(i18n.FromContext(r.Context()))
	page := &errorPage{RequestID: id}
	switch e.Code {
	case apperr.Internal:
		c.log.ErrorContext(r.Context(), "console error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		msg, page.Internal = "", true
	case apperr.Unavailable:
		c.log.WarnContext(r.Context(), "console: database unavailable", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		if r.Method == http.MethodGet {
			page.Retry = r.URL.RequestURI()
		}
	}
	title, ok := errorTitles[e.Code]
	if !ok {
		title = "error.internal"
	}
	page.TitleKey, page.Message = title, msg
	e.Code.SetRetryAfter(w.Header())
	c.render(w, r, e.Code.HTTPStatus(), "error", page)
}

// errorPage is the data of the error page.
type errorPage struct {
	TitleKey  string
	Message   string
	RequestID string
	Internal  bool
	// Retry is the page to load again, for an error that may pass (a GET
	// that met a database outage).
	Retry string
}

// read returns ctx for reading through ent as the viewer.
func (c *Console) read(ctx context.Context) (context.Context, *ent.Client) {
	return ent.NewContext(ctx, c.client), c.client
}

// write runs f in a transaction reached through ent.FromContext, as the
// domain functions expect, committing only when f succeeds.
func (c *Console) write(ctx context.Context, f func(ctx context.Context) error) error {
	tx, err := c.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	ctx = ent.NewTxContext(ctx, tx)
	ctx = ent.NewContext(ctx, tx.Client())
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := f(ctx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// redirect answers a form post with a redirect to a page (POST, redirect,
// GET), optionally leaving a flash message for it.
func (c *Console) redirect(w http.ResponseWriter, r *http.Request, to string, flash string, args ...string) {
	if flash != "" {
		setFlash(w, r, c.secure(r), flash, args...)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pathID reads a numeric path value; anything else is not found.
func pathID(r *http.Request, name string) (int, error) {
	id, err := strconv.Atoi(r.PathValue(name))
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, apperr.MsgNotFound)
	}
	return id, nil
}

// localPath returns next when it is a path of the console, else the
// console's home: a redirect target taken from a form must not lead away.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(u.Path, Prefix) || strings.Contains(u.Path, "//") || strings.Contains(next, "\\") {
		return Prefix
	}
	return u.RequestURI()
}
