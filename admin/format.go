package admin

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/i18n"
)

// translate returns a catalogue string in lang; a key missing from the
// catalogue shows as itself (a test keeps the templates' keys complete).
func translate(lang i18n.Lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	return m.Format(lang, args...)
}

// msg returns a catalogue string in the request's language.
func msg(ctx context.Context, key string, args ...any) string {
	return translate(i18n.FromContext(ctx), key, args...)
}

// separators returns the thousands and decimal separators of lang:
// Vietnamese writes 1.234.567 and 72,5.
func separators(lang i18n.Lang) (thousands, decimal string) {
	if lang == i18n.EN {
		return ",", "."
	}
	return ".", ","
}

// formatInt writes n with thousands separators.
func formatInt(lang i18n.Lang, n int) string {
	th, _ := separators(lang)
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatDec writes v with at most two decimals, dropping trailing zeros.
func formatDec(lang i18n.Lang, v float64) string {
	_, dec := separators(lang)
	v = math.Round(v*100) / 100
	whole := math.Trunc(v)
	frac := strconv.FormatFloat(math.Abs(v-whole), 'f', 2, 64) // "0.25"
	frac = strings.TrimRight(strings.TrimPrefix(frac, "0."), "0")
	s := formatInt(lang, int(whole))
	if v < 0 && whole == 0 {
		s = "-" + s
	}
	if frac == "" || frac == "00" {
		return s
	}
	return s + dec + frac
}

// formatPct writes a share from 0 to 1 as a percentage with at most one
// decimal: 0.725 is "72,5%" in Vietnamese.
func formatPct(lang i18n.Lang, v float64) string {
	_, dec := separators(lang)
	p := math.Round(v*1000) / 10
	s := strconv.FormatFloat(p, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", dec, 1) + "%"
}

// pctInput writes a share as the number a percentage input shows: 0.725 is
// "72,5" in Vietnamese.
func pctInput(lang i18n.Lang, v float64) string {
	return strings.TrimSuffix(formatPct(lang, v), "%")
}

// decInput writes a number for an input, without thousands separators.
func decInput(lang i18n.Lang, v float64) string {
	_, dec := separators(lang)
	s := strconv.FormatFloat(v, 'f', -1, 64)
	return strings.Replace(s, ".", dec, 1)
}

// formatDate writes a day: 26/11/2026 in Vietnamese, 26 Nov 2026 in English.
func formatDate(lang i18n.Lang, t time.Time) string {
	t = t.In(i18n.Vietnam)
	if lang == i18n.EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// formatTime writes a moment in Vietnam's time.
func formatTime(lang i18n.Lang, t time.Time) string {
	t = t.In(i18n.Vietnam)
	if lang == i18n.EN {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("15:04, 02/01/2006")
}
