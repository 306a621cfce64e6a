package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hoctap/internal/apperr"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/viewer"
)

// The console's cookies. The access and refresh tokens are those of the API
// (a console sign-in is an ordinary session of internal/auth, throttled and
// revoked like any other); the browser only holds them in HttpOnly cookies.
const (
	cookieAccess  = "hoctap_access"
	cookieRefresh = "hoctap_refresh"
	// cookieAnon binds the anti-forgery token of forms shown before
	// sign-in (the sign-in form itself, the language switch).
	cookieAnon = "hoctap_pre"
)

// IdleTimeout is how long a console session lasts without a request: the
// refresh cookie expires then, although the session's absolute life (auth)
// is longer, so an office PC left signed in does not stay so for a month.
const IdleTimeout = 8 * time.Hour

// secure reports whether the request came over TLS, so cookies can be
// marked Secure.
func (c *Console) secure(r *http.Request) bool {
	return r.TLS != nil || c.opts.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func cookie(name, value, path string, maxAge int, secure bool) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// setSession stores a sign-in's tokens. Both cookies are sent to "/" so the
// exports (/export/…) the console links to are signed in too.
func (c *Console) setSession(w http.ResponseWriter, r *http.Request, p *auth.Payload) {
	secure := c.secure(r)
	access := int(time.Until(p.AccessTokenExpiresAt).Seconds())
	http.SetCookie(w, cookie(cookieAccess, p.AccessToken, "/", max(access, 1), secure))
	http.SetCookie(w, cookie(cookieRefresh, p.RefreshToken, "/", int(IdleTimeout.Seconds()), secure))
}

// clearSession deletes the session cookies.
func (c *Console) clearSession(w http.ResponseWriter, r *http.Request) {
	secure := c.secure(r)
	http.SetCookie(w, cookie(cookieAccess, "", "/", -1, secure))
	http.SetCookie(w, cookie(cookieRefresh, "", "/", -1, secure))
}

// Session puts the viewer of the console's cookies in the context of
// requests to the console and to the exports it links to, refreshing an
// expired access token on the way (auth.Service.Refresh rotates the refresh
// token, and a replayed one revokes the session). A viewer already set by a
// bearer token wins, so API clients are unaffected; other paths, and unsafe
// methods outside the console (which check no anti-forgery token), never
// read the cookies.
//
// When the cookies cannot be checked because the database failed, they are
// kept, and a console page answers with the error page (503, "try again")
// instead of the sign-in form: the admin is still signed in once the
// database is back. An export records the failure for its own error answer.
func (c *Console) Session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		console := strings.HasPrefix(r.URL.Path, Prefix)
		export := strings.HasPrefix(r.URL.Path, "/export/") && (r.Method == http.MethodGet || r.Method == http.MethodHead)
		if !console && !export || strings.HasPrefix(r.URL.Path, staticPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if viewer.FromContext(ctx) == nil && viewer.LookupFailure(ctx) == nil {
			v, err := c.cookieViewer(w, r)
			switch {
			case err != nil:
				ctx = viewer.WithLookupFailure(ctx, err)
			case v != nil:
				ctx = viewer.NewContext(ctx, v)
			}
		}
		r = r.WithContext(ctx)
		if err := viewer.LookupFailure(ctx); console && err != nil && viewer.FromContext(ctx) == nil {
			language(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.fail(w, r, err) })).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cookieViewer authenticates the access cookie, or trades the refresh
// cookie for new tokens when the access token has expired. Cookies that no
// longer work are deleted. An error means the cookies could not be checked
// (the database failed); they are kept then, since they may well be good.
func (c *Console) cookieViewer(w http.ResponseWriter, r *http.Request) (*viewer.Viewer, error) {
	ctx := r.Context()
	if ck, err := r.Cookie(cookieAccess); err == nil && ck.Value != "" {
		v, err := c.auth.Authenticate(ctx, ck.Value)
		if err == nil {
			return v, nil
		}
		if apperr.CodeOf(err) != apperr.Unauthenticated {
			return nil, fmt.Errorf("console access cookie: %w", err)
		}
	}
	ck, err := r.Cookie(cookieRefresh)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	slot := viewer.WithSlot(ctx)
	p, err := c.auth.Refresh(slot, ck.Value)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Unauthenticated {
			return nil, fmt.Errorf("console refresh cookie: %w", err)
		}
		c.clearSession(w, r)
		return nil, nil
	}
	c.setSession(w, r, p)
	return viewer.FromContext(slot), nil
}

// isStaff reports whether a role may use the whole console: ADMIN and
// MANAGER.
func isStaff(r viewer.Role) bool {
	return r == viewer.RoleAdmin || r == viewer.RoleManager
}

// mayImport reports whether a role may import lists (imports.Roles): an
// OFFICER imports their commune's, and the console's import pages are all
// they see of it.
func mayImport(r viewer.Role) bool { return imports.Roles.Allows(importOp, r) }

// mayUseConsole reports whether a role may sign in to the console at all.
func mayUseConsole(r viewer.Role) bool { return isStaff(r) || mayImport(r) }

// guard admits to a route the roles allowed on it: an anonymous request
// goes to the sign-in page; a role that may not use the console is
// refused and signed out; a user with a temporary password must change it
// first; a role of the console not allowed on this route (an OFFICER on a
// staff page) is refused the page but stays signed in.
func (c *Console) guard(allowed func(viewer.Role) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := viewer.FromContext(r.Context())
			switch {
			case v == nil:
				c.toSignIn(w, r)
			case !mayUseConsole(v.Role):
				c.refuse(w, r, v.Role)
			case v.MustChangePassword && r.URL.Path != Prefix+"password" && r.URL.Path != Prefix+"logout":
				http.Redirect(w, r, Prefix+"password", http.StatusSeeOther)
			case !allowed(v.Role):
				c.fail(w, r, apperr.New(apperr.Forbidden, catalog["error.staffOnly"]))
			default:
				w.Header().Set("Cache-Control", "no-store")
				next.ServeHTTP(w, r)
			}
		})
	}
}

// toSignIn sends the browser to the sign-in page, coming back to the page
// it asked for.
func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request) {
	to := Prefix + "login"
	if r.Method == http.MethodGet && r.URL.Path != Prefix {
		to += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// refuse ends the session of a user whose role may not use the console and
// says so.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, role viewer.Role) {
	if ck, err := r.Cookie(cookieRefresh); err == nil && ck.Value != "" {
		if _, err := c.auth.Logout(r.Context(), ck.Value); err != nil {
			c.log.ErrorContext(r.Context(), "console logout", "err", err)
		}
	}
	c.clearSession(w, r)
	ctx := viewer.NewContext(r.Context(), nil)
	c.render(w, r.WithContext(ctx), http.StatusForbidden, "refused", &refusedPage{Role: role})
}

type refusedPage struct{ Role viewer.Role }

// signInPage is the data of the sign-in form.
type signInPage struct {
	Form *form
	Next string
}

func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request) error {
	if v := viewer.FromContext(r.Context()); v != nil && mayUseConsole(v.Role) {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	c.render(w, r, http.StatusOK, "login", &signInPage{Form: newForm(nil), Next: r.URL.Query().Get("next")})
	return nil
}

// signIn checks the credentials through internal/auth, so console attempts
// count towards the same throttling as the API's, then refuses roles that
// may not use the console.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r.PostForm)
	next := r.PostForm.Get("next")
	p, err := c.auth.Login(r.Context(), f.Get("username"), r.PostForm.Get("password"))
	if err != nil {
		if !f.setError(err, i18n.FromContext(r.Context())) {
			return err
		}
		f.Values.Del("password")
		status := apperr.CodeOf(err).HTTPStatus()
		c.render(w, r, status, "login", &signInPage{Form: f, Next: next})
		return nil
	}
	if !mayUseConsole(p.User.Role) {
		if _, err := c.auth.Logout(r.Context(), p.RefreshToken); err != nil {
			return err
		}
		c.clearSession(w, r)
		c.render(w, r, http.StatusForbidden, "refused", &refusedPage{Role: p.User.Role})
		return nil
	}
	c.setSession(w, r, p)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
	return nil
}

// signOut revokes the session and deletes the cookies.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	if ck, err := r.Cookie(cookieRefresh); err == nil && ck.Value != "" {
		if _, err := c.auth.Logout(r.Context(), ck.Value); err != nil {
			return err
		}
	}
	c.clearSession(w, r)
	c.redirect(w, r, Prefix+"login", "flash.signedOut")
	return nil
}

// passwordPage is the data of the change-password form.
type passwordPage struct {
	Form *form
	// Required is set while the user holds a temporary password.
	Required bool
}

func (c *Console) showPassword(w http.ResponseWriter, r *http.Request) error {
	v := viewer.FromContext(r.Context())
	c.render(w, r, http.StatusOK, "password", &passwordPage{Form: newForm(nil), Required: v.MustChangePassword})
	return nil
}

// changePassword changes the viewer's own password through
// auth.ChangePassword, which checks the current one (throttled like a
// sign-in) and ends the user's other sessions.
func (c *Console) changePassword(w http.ResponseWriter, r *http.Request) error {
	v := viewer.FromContext(r.Context())
	// Passwords typed are not shown again; errors still go next to their
	// field.
	f := newForm(nil)
	f.fields = map[string]string{"currentPassword": "currentPassword", "newPassword": "newPassword"}
	next := r.PostForm.Get("newPassword")
	if next != r.PostForm.Get("confirmPassword") {
		f.Errors["confirmPassword"] = msg(r.Context(), "password.mismatch")
	} else if err := c.auth.ChangePassword(r.Context(), r.PostForm.Get("currentPassword"), next); err != nil {
		if !f.setError(err, i18n.FromContext(r.Context())) {
			return err
		}
	}
	if len(f.Errors) > 0 || f.Error != "" {
		c.render(w, r, http.StatusUnprocessableEntity, "password", &passwordPage{Form: f, Required: v.MustChangePassword})
		return nil
	}
	c.redirect(w, r, Prefix, "flash.passwordChanged")
	return nil
}

// setLang remembers the language in the cookie internal/i18n reads.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.Parse(r.PostForm.Get("lang"))
	http.SetCookie(w, cookie("lang", string(lang), "/", int((365*24*time.Hour).Seconds()), c.secure(r)))
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
