// Package export renders progress reports and recognition decisions as CSV,
// XLSX and printable HTML. It holds no business rules: it reads through ent
// as the request's viewer, so the privacy policies decide what it shows, as
// they do for the API.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hoctap/ent"
	"hoctap/internal/apperr"
	"hoctap/internal/auth"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
	"hoctap/internal/textnorm"
	"hoctap/internal/viewer"
)

// Format is the kind of file an export is written as.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	HTML Format = "html"
)

var contentTypes = map[Format]string{
	CSV:  "text/csv; charset=utf-8",
	XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	HTML: "text/html; charset=utf-8",
}

// Handler serves the exports.
type Handler struct {
	client *ent.Client
	log    *slog.Logger
}

// New returns the export handlers, reading through c.
func New(c *ent.Client, log *slog.Logger) *Handler {
	return &Handler{client: c, log: log}
}

// handlerFunc is an export endpoint: it writes a document, or returns the
// error to show instead, before it has written anything.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

var errUnauthenticated = apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)

// serve runs an endpoint for a signed-in viewer and renders its error. The
// privacy policies deny an anonymous request anyway; checking first answers
// 401 before any input is looked at or any query runs.
func (h *Handler) serve(f handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := viewer.FromContext(r.Context())
		var err error
		switch {
		case v == nil:
			err = errUnauthenticated
		case v.MustChangePassword:
			err = auth.ErrMustChangePassword
		default:
			err = f(w, r)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	})
}

// errorBody is what a failed export answers, with the codes of API.md.
type errorBody struct {
	Code      apperr.Code `json:"code"`
	Field     string      `json:"field,omitempty"`
	Message   string      `json:"message"`
	RequestID string      `json:"requestId,omitempty"`
}

// fail is the one place export errors are rendered: the code's HTTP status
// and a JSON body with the message in the request's language. Anything
// unknown is logged with the request id and shown as INTERNAL.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	e := errmap.Of(ctx, err)
	body := errorBody{Code: e.Code, Field: e.Field, Message: e.Message(i18n.FromContext(ctx))}
	switch e.Code {
	case apperr.Internal:
		body.RequestID = reqinfo.FromContext(ctx).ID
		h.log.ErrorContext(ctx, "export failed", "request_id", body.RequestID, "path", r.URL.Path, "err", err)
	case apperr.Unavailable:
		h.log.WarnContext(ctx, "export: database unavailable", "request_id", reqinfo.FromContext(ctx).ID, "path", r.URL.Path, "err", err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	e.Code.SetRetryAfter(hd)
	w.WriteHeader(e.Code.HTTPStatus())
	if err := json.NewEncoder(w).Encode(map[string]errorBody{"error": body}); err != nil {
		h.log.DebugContext(ctx, "write export error", "err", err)
	}
}

// send renders a table as a CSV or XLSX attachment. The file is built in
// memory first, so that an error still gets a proper status: exports are
// bounded (a unit's children, a decision's list).
func (h *Handler) send(w http.ResponseWriter, r *http.Request, f Format, name string, t *table) error {
	var buf bytes.Buffer
	var err error
	switch f {
	case CSV:
		err = writeCSV(&buf, t)
	case XLSX:
		err = writeXLSX(&buf, t)
	default:
		err = fmt.Errorf("export: no table writer for %q", f)
	}
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", contentTypes[f])
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + string(f)}))
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "private, no-store")
	h.write(w, r, buf.Bytes())
	return nil
}

// write sends a finished document; a client gone away is only worth a
// debug line.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, b []byte) {
	if _, err := w.Write(b); err != nil {
		h.log.DebugContext(r.Context(), "write export", "path", r.URL.Path, "err", err)
	}
}

// idParam reads a required id from a query parameter.
func idParam(q url.Values, name string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return 0, apperr.Input(name, apperr.MsgRequired)
	}
	return parseID(name, s)
}

// parseID reads an id; anything but a positive integer is BAD_USER_INPUT.
func parseID(name, s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, apperr.Input(name, apperr.MsgInvalidID, name)
	}
	return id, nil
}

// renamed names the query parameter at fault rather than the argument of the
// domain call it fed.
func renamed(err error, names map[string]string) error {
	e, ok := apperr.As(err)
	if !ok || names[e.Field] == "" {
		return err
	}
	c := *e
	c.Field = names[e.Field]
	return &c
}

// slug turns a code or a decision number into ASCII for a file name:
// "01/QĐ-UBND" becomes "01-qd-ubnd".
func slug(s string) string {
	f := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, textnorm.Fold(s))
	for strings.Contains(f, "--") {
		f = strings.ReplaceAll(f, "--", "-")
	}
	return strings.Trim(f, "-")
}
