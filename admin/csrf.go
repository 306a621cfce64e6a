package admin

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"hoctap/internal/apperr"
	"hoctap/internal/viewer"
)

// csrfField is the form field (and csrfHeader the header, for scripts) that
// carries the anti-forgery token.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// maxFormBytes bounds a console form; the largest, a criteria set, is far
// below it.
const maxFormBytes = 1 << 20

// csrfBinding is what the anti-forgery token of a request is bound to: the
// signed-in session, or before sign-in the random value of the pre-session
// cookie; "" when there is neither.
func csrfBinding(r *http.Request) string {
	if v := viewer.FromContext(r.Context()); v != nil && v.SessionID != 0 {
		return "s:" + strconv.Itoa(v.SessionID)
	}
	if ck, err := r.Cookie(cookieAnon); err == nil && ck.Value != "" {
		return "a:" + ck.Value
	}
	return ""
}

// csrfToken returns the token forms of this response must carry. Before
// sign-in it sets the pre-session cookie the token is bound to, if missing.
func (c *Console) csrfToken(w http.ResponseWriter, r *http.Request) string {
	b := csrfBinding(r)
	if b == "" {
		buf := make([]byte, 24)
		rand.Read(buf)
		value := base64.RawURLEncoding.EncodeToString(buf)
		http.SetCookie(w, cookie(cookieAnon, value, Prefix, 0, c.secure(r)))
		b = "a:" + value
	}
	return c.auth.CSRFToken(b)
}

// csrf refuses, with 403 and before any handler runs, an unsafe request
// whose anti-forgery token is missing or wrong (compared in constant time
// by auth.CheckCSRFToken). It also parses the form, bounded in size.
func (c *Console) csrf(next http.Handler) http.Handler { return c.csrfLimit(maxFormBytes)(next) }

// csrfLimit is csrf for forms of up to limit bytes; a form that sends
// files (multipart/form-data) is read whole, files included, in memory.
func (c *Console) csrfLimit(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return c.checkCSRF(limit, next)
	}
}

func (c *Console) checkCSRF(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			key := "error.form"
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				key = "error.tooLarge"
			}
			e := apperr.New(apperr.BadUserInput, catalog[key])
			e.Args = []any{limit >> 20}
			c.fail(w, r, e)
			return
		}
		token := r.PostForm.Get(csrfField)
		if token == "" {
			token = r.Header.Get(csrfHeader)
		}
		if err := c.checkToken(r, token); err != nil {
			c.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkToken returns FORBIDDEN, and logs it, unless token is the
// anti-forgery token of r's session.
func (c *Console) checkToken(r *http.Request, token string) error {
	if c.auth.CheckCSRFToken(csrfBinding(r), token) {
		return nil
	}
	c.log.WarnContext(r.Context(), "console: anti-forgery token refused", "path", r.URL.Path, "user", viewer.FromContext(r.Context()).String())
	return apperr.New(apperr.Forbidden, catalog["error.csrf"])
}
