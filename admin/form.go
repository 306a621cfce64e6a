package admin

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// form is what a user typed into a form and what was wrong with it, so a
// form shown again after an error keeps every value and says, next to each
// field, what to fix.
type form struct {
	Values url.Values
	// Errors by input name.
	Errors map[string]string
	// Error is about the form as a whole.
	Error string
	// fields maps the field names of domain errors (apperr.Error.Field) to
	// input names where they differ.
	fields map[string]string
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string]string{}}
}

// Get returns the trimmed value of an input.
func (f *form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Has reports whether a checkbox (or any input) was sent non-empty.
func (f *form) Has(name string) bool { return f.Get(name) != "" }

// Err returns the error of an input, "" when it is fine.
func (f *form) Err(name string) string { return f.Errors[name] }

// Invalid reports whether the form holds any error.
func (f *form) Invalid() bool { return len(f.Errors) > 0 || f.Error != "" }

// setError puts a domain error next to its input, or at the top of the form
// when it names no input of the form. It reports false for errors that are
// not the user's to fix (internal ones), which the caller returns instead.
func (f *form) setError(err error, lang i18n.Lang) bool {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal || e.Code == apperr.Unauthenticated && e.Field == "" && e.Msg == apperr.MsgUnauthenticated {
		return false
	}
	name := e.Field
	if n, ok := f.fields[name]; ok {
		name = n
	}
	if name == "" || !f.known(name) {
		f.Error = e.Message(lang)
		return true
	}
	f.Errors[name] = e.Message(lang)
	return true
}

// known reports whether the form has an input of that name: only those get
// an error beside them.
func (f *form) known(name string) bool {
	if _, ok := f.Values[name]; ok {
		return true
	}
	for _, n := range f.fields {
		if n == name {
			return true
		}
	}
	return false
}

// fieldError sets an input's error from the catalogue.
func (f *form) fieldError(ctx context.Context, name, key string, args ...any) {
	f.Errors[name] = msg(ctx, key, args...)
}

// Int reads an integer input; ok is false when it is empty or not a number.
func (f *form) Int(name string) (int, bool) {
	n, err := strconv.Atoi(f.Get(name))
	return n, err == nil
}

// parseNumber reads a decimal number typed the Vietnamese way (72,5) or the
// English way (72.5), with an optional trailing percent sign; thousands
// separators are not accepted, so "1.000" is never mistaken for one.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" || strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// asInput returns the error of err that the user can fix, if it is one.
func asInput(err error) (*apperr.Error, bool) {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal || e.Code == apperr.Unauthenticated {
		return nil, false
	}
	return e, true
}
