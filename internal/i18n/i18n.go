// Package i18n picks the language of a request (Vietnamese unless English is
// asked for) and translates hoctap's messages and console labels.
package i18n

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Vietnam is the time zone dates are shown and read in: UTC+7 all year (no
// summer time, so a fixed zone needs no tz database). A decision dated at
// local midnight is stored as the evening before in UTC.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Lang is a supported language.
type Lang string

// The supported languages; Vietnamese is the default.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Parse reads a language tag, defaulting to Vietnamese.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "en" || strings.HasPrefix(s, "en-") {
		return EN
	}
	return VI
}

// FromHeader picks the first supported language of an Accept-Language
// header; without one it is Vietnamese.
func FromHeader(h string) Lang {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		switch {
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return VI
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return EN
		}
	}
	return VI
}

// FromRequest picks the language of a request: the "lang" cookie the console
// sets, then Accept-Language.
func FromRequest(r *http.Request) Lang {
	if c, err := r.Cookie("lang"); err == nil {
		return Parse(c.Value)
	}
	return FromHeader(r.Header.Get("Accept-Language"))
}

type ctxKey struct{}

// NewContext returns ctx carrying lang.
func NewContext(ctx context.Context, lang Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns the language of ctx, Vietnamese by default.
func FromContext(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return VI
}

// Message is a text in both languages, with fmt verbs for its arguments.
type Message struct{ VI, EN string }

// Format renders m in lang; arguments that are Messages themselves (the
// name of a phase, say) are rendered in lang too.
func (m Message) Format(lang Lang, args ...any) string {
	f := m.VI
	if lang == EN && m.EN != "" {
		f = m.EN
	}
	if len(args) == 0 {
		return f
	}
	for i, a := range args {
		if am, ok := a.(Message); ok {
			args = append(args[:i:i], args[i:]...)
			args[i] = am.Format(lang)
		}
	}
	return fmt.Sprintf(f, args...)
}

// Capitalized returns m with the first letter of each language in upper
// case: a name kept for running text ("giai đoạn đăng ký") that heads a
// label or a badge ("Đăng ký").
func (m Message) Capitalized() Message {
	return Message{VI: capitalize(m.VI), EN: capitalize(m.EN)}
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
