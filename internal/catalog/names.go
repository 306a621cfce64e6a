package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/textnorm"
)

// types are the official type words that open a unit's name, folded, longest
// first so that "thi xa" wins over "xa".
var types = []struct{ folded, name string }{
	{"thanh pho", "Thành phố"},
	{"thi tran", "Thị trấn"},
	{"dac khu", "Đặc khu"},
	{"thi xa", "Thị xã"},
	{"phuong", "Phường"},
	{"huyen", "Huyện"},
	{"quan", "Quận"},
	{"tinh", "Tỉnh"},
	{"xa", "Xã"},
}

// splitType separates the folded type word of a name from the rest: the
// merger list writes "Xã An Hiệp" where a hand-made list may write "An
// Hiệp", and both must meet the catalogue's "Xã An Hiệp".
func splitType(name string) (typ, base string) {
	f := textnorm.Fold(name)
	for _, t := range types {
		if rest, ok := strings.CutPrefix(f, t.folded+" "); ok {
			return t.folded, rest
		}
	}
	return "", f
}

// typeOf is the official type word a name opens with, as written in the
// catalogue ("Tỉnh", "Thành phố", "Huyện" …), or "" for none.
func typeOf(name string) string {
	f, _ := splitType(name)
	for _, t := range types {
		if t.folded == f {
			return t.name
		}
	}
	return ""
}

// tones are the combining marks of the five Vietnamese tones; the other
// marks (circumflex, breve, horn) belong to the letter.
var tones = map[rune]bool{'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true}

// exact is a name's comparison form that keeps its diacritics but not where
// the tone mark sits: each word's tone moves to its end, so the old style
// "Hoà"/"Thuỵ" and the new "Hòa"/"Thụy" meet, while "Hòa" and "Hóa" (which
// Fold makes alike) stay apart. It breaks ties between names that fold alike.
func exact(s string) string {
	var b strings.Builder
	var tone rune
	flush := func() {
		if tone != 0 {
			b.WriteRune(tone)
			tone = 0
		}
	}
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case tones[r]:
			tone = r
		case unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			flush()
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	flush()
	return strings.TrimSuffix(b.String(), " ")
}

// NameKey is a name's comparison form where a wrong match would merge two
// people or places: case, spacing, punctuation and where the tone mark sits
// ("Hoà"/"Hòa", "Thuỵ"/"Thụy") do not matter, the diacritics do ("Hòa" is
// not "Hóa", which textnorm.Fold makes alike). The imports compare the
// names of households' heads and members with it.
func NameKey(s string) string { return exact(s) }

// A former unit as the merger list names it: "Xã Minh Tân (huyện Hưng Hà)",
// "Xã Đình Dù (phần còn lại sau khi sáp nhập vào xã X)".
type Former struct {
	// Raw is the entry as written.
	Raw string
	// Name is the entry without its parenthesised remarks.
	Name string
	// Qualifier names the district or province that tells namesakes apart,
	// as written ("huyện Hưng Hà"); empty for none.
	Qualifier string
	// Part says the entry is only a part of the former unit.
	Part bool
}

// splitFormers cuts the free text of "Trước sắp xếp" into its entries, at
// the commas outside parentheses (a remark may itself list units).
func splitFormers(s string) []Former {
	var out []Former
	depth, start := 0, 0
	add := func(raw string) {
		raw = strings.TrimSpace(raw)
		raw = strings.TrimSuffix(raw, ".")
		if raw != "" {
			out = append(out, parseFormer(raw))
		}
	}
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth = max(0, depth-1)
		case ',', ';':
			if depth == 0 {
				add(s[start:i])
				start = i + 1
			}
		}
	}
	add(s[start:])
	return out
}

// parseFormer reads one entry's remarks: a part ("phần còn lại …", "một
// phần …") or a qualifier naming where the unit was.
func parseFormer(raw string) Former {
	f := Former{Raw: raw}
	name := raw
	for {
		open := strings.LastIndex(name, "(")
		if open < 0 {
			break
		}
		closing := strings.LastIndex(name, ")")
		if closing < open {
			closing = len(name)
		}
		remark := strings.TrimSpace(name[open+1 : closing])
		fr := textnorm.Fold(remark)
		switch {
		case strings.HasPrefix(fr, "phan con lai"), strings.HasPrefix(fr, "mot phan"), strings.HasPrefix(fr, "phan "):
			f.Part = true
		default:
			f.Qualifier = remark
		}
		name = strings.TrimSpace(name[:open])
	}
	// "Một phần xã X" before the name rather than after it.
	for _, p := range []string{"một phần ", "phần còn lại của ", "phần còn lại "} {
		if len(name) > len(p) && textnorm.Fold(name[:len(p)]) == textnorm.Fold(p) {
			name, f.Part = strings.TrimSpace(name[len(p):]), true
		}
	}
	f.Name = name
	return f
}
