// Package textnorm folds Vietnamese text for accent- and case-insensitive search.
package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s, strips diacritics (đ becomes d), turns punctuation into
// spaces and collapses runs of spaces, so that "Huyện  Đông-Hưng" and
// "huyen dong hung" fold to the same string. Both tone-mark placements of
// Vietnamese ("Thụy" and "Thuỵ") fold alike because marks are removed after
// canonical decomposition.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// MaxKeyLen bounds the length of a stored search key; longer queries are
// matched on their first MaxKeyLen bytes, which is selective enough.
const MaxKeyLen = 48

// Keys returns the search keys of a name: its folded form starting at each
// word, each cut to MaxKeyLen bytes. A query matches a name when the folded
// query is a prefix of one of its keys, so "dong hung" finds "Huyện Đông Hưng"
// and "van an" finds "Nguyễn Văn An" through an ordinary index.
func Keys(names ...string) []string {
	seen := make(map[string]bool)
	var keys []string
	for _, name := range names {
		f := Fold(name)
		for i := 0; i < len(f); i++ {
			if i > 0 && f[i-1] != ' ' {
				continue
			}
			k := Truncate(f[i:])
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// Truncate cuts a folded string to MaxKeyLen bytes. Folded text is ASCII but
// for letters outside Vietnamese, so the cut backs off to a rune boundary.
func Truncate(f string) string {
	if len(f) <= MaxKeyLen {
		return f
	}
	n := MaxKeyLen
	for n > 0 && !isRuneStart(f[n]) {
		n--
	}
	return f[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
