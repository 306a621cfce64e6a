// Package vnlegacy detects Vietnamese text typed in the legacy TCVN3 and VNI
// font encodings and converts it to Unicode (NFC).
//
// Before Unicode, Vietnamese was typed in Windows with fonts that drew
// Vietnamese letters in place of Western ones: TCVN3 (the "ABC" fonts,
// .VnTime, .VnTimeH) puts each letter on one Latin-1 code, VNI (VNI-Times)
// writes a base letter followed by a code for its hat or tone. Many
// provincial offices still keep their lists in such fonts. Excel stores a
// cell's text as Unicode read through code page 1252, so an imported cell
// arrives as Latin-1 mojibake: "Hoµng V¨n Th¸i" (TCVN3) or "Nguyeãn Vaên"
// (VNI) for "Hoàng Văn Thái", "Nguyễn Văn". The font name, when the importer
// can read it, settles the encoding (FontEncoding); otherwise Detect guesses
// from the text itself, conservatively: only a string that reads as
// Vietnamese syllables in a legacy encoding, and better than as it stands,
// is converted, so ASCII, real Unicode and "Café" are left alone.
package vnlegacy

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Encoding is how a string spells its Vietnamese letters.
type Encoding int

// The encodings told apart.
const (
	// Unicode is text to keep as it is: Unicode, plain ASCII, or anything not
	// recognised as legacy Vietnamese.
	Unicode Encoding = iota
	// TCVN3 is TCVN 5712:1993 table VN3 (.VnTime and the other ".Vn" fonts).
	TCVN3
	// TCVN3Caps is TCVN3 in an all-capitals font (.VnTimeH, .VnArialH, …):
	// the same codes, every letter drawn as a capital. The text cannot tell
	// it from TCVN3; only the font name can (FontEncoding).
	TCVN3Caps
	// VNI is VNI Windows (VNI-Times and the other "VNI-" fonts).
	VNI
	numEncodings
)

// String names the encoding as an import report shows it.
func (e Encoding) String() string {
	switch e {
	case TCVN3:
		return "TCVN3"
	case TCVN3Caps:
		return "TCVN3 (.VnTimeH)"
	case VNI:
		return "VNI"
	default:
		return "Unicode"
	}
}

// FontEncoding is the encoding a font name implies: TCVN3 for ".Vn" fonts
// (TCVN3Caps for their capitals variants, named with a final "H"), VNI for
// "VNI-" fonts, and Unicode when the name says nothing, in which case the
// text must be judged by Detect.
func FontEncoding(font string) Encoding {
	font = strings.TrimSpace(font)
	switch lower := strings.ToLower(font); {
	case strings.HasPrefix(lower, ".vn") && strings.HasSuffix(font, "H"):
		return TCVN3Caps
	case strings.HasPrefix(lower, ".vn"):
		return TCVN3
	case strings.HasPrefix(lower, "vni-") || strings.HasPrefix(lower, "vni "):
		return VNI
	}
	return Unicode
}

// ToUnicode converts s when Detect finds it in a legacy encoding, and
// returns the NFC text with the encoding it was converted from (Unicode when
// it was kept).
func ToUnicode(s string) (string, Encoding) {
	enc := Detect(s)
	return Decode(s, enc), enc
}

// Detect guesses the encoding of one string. A single short cell is weak
// evidence ("Vò" is Vò in Unicode and Vũ in TCVN3), so when it is ambiguous
// Detect answers Unicode; DetectAll over a column answers better.
func Detect(s string) Encoding {
	var e evidence
	e.add(s)
	return e.verdict()
}

// DetectAll guesses one encoding for many strings, typically the cells of a
// column or a file, which share their font. Decode each cell with the
// answer: Decode keeps the cells retyped in Unicode since.
func DetectAll(cells []string) Encoding {
	var e evidence
	for _, c := range cells {
		e.add(c)
	}
	return e.verdict()
}

// Decode converts s from enc to NFC Unicode without guessing, for a string
// whose encoding is known from its font or its column. A string holding a
// character no legacy text can hold (anything past Latin-1 but the symbols
// of code page 1252, like "ư" or a combining mark) was typed in Unicode and
// is only normalised. Codes the encoding does not use are kept.
func Decode(s string, enc Encoding) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if enc == Unicode || !legacyPossible(s) {
		return norm.NFC.String(s)
	}
	toks := split(s)
	var out []string
	switch enc {
	case VNI:
		out, _ = decodeVNI(toks)
	default:
		out, _ = decodeTCVN3(toks, enc == TCVN3Caps)
	}
	return norm.NFC.String(strings.Join(out, ""))
}

// evidence counts, over the words that could be legacy text (those with a
// letter outside ASCII), how many read as Vietnamese in each encoding.
type evidence struct {
	words  int
	valid  [numEncodings]int
	strong [numEncodings]int // of those, words that are mojibake as they stand
}

// add weighs s.
func (e *evidence) add(s string) {
	if !legacyPossible(s) {
		// Real Unicode: each of its non-ASCII words speaks for Unicode.
		n := nonASCIIWords(s)
		e.words += n
		e.valid[Unicode] += n
		return
	}
	toks := split(s)
	tcvn3, tcvn3OK := decodeTCVN3(toks, false)
	vni, vniOK := decodeVNI(toks)
	for i, t := range toks {
		if !t.word || !hasNonASCII(t.text) {
			continue // ASCII reads the same in every encoding
		}
		e.words++
		if syllable(t.text) {
			e.valid[Unicode]++
		}
		strong := 0
		if mojibake(t.text) {
			strong = 1
		}
		if tcvn3OK[i] && syllable(tcvn3[i]) {
			e.valid[TCVN3]++
			e.strong[TCVN3] += strong
		}
		if vniOK[i] && syllable(vni[i]) {
			e.valid[VNI]++
			e.strong[VNI] += strong
		}
	}
}

// verdict picks a legacy encoding only when it reads more words as
// Vietnamese than the text as it stands, beats the other legacy encoding,
// reads at least half of the words, and has two words or one that is
// mojibake as it stands: a lone foreign word may read as a syllable by
// chance (French "où" is VNI for "ó"). A tie keeps Unicode.
func (e evidence) verdict() Encoding {
	best := TCVN3
	switch t, v := e.valid[TCVN3], e.valid[VNI]; {
	case v > t:
		best = VNI
	case v == t:
		return Unicode
	}
	n := e.valid[best]
	if n > e.valid[Unicode] && 2*n >= e.words && (n >= 2 || e.strong[best] > 0) {
		return best
	}
	return Unicode
}

// mojibake reports whether word cannot be text in a Latin-script language
// as it stands: it holds a symbol (TCVN3 puts à on µ, ă on ¨,
// đ on ®), a capital inside a lowercase word ("NguyÔn"), or a VNI pair of
// vowel and mark that no Western spelling has ("Xaõ", "Thaûo"; but French
// "où", "goût", "naïve", "Israël", Spanish "aún"), VNI's ươ ("Höông") or
// its Đ to start a word ("Ñinh"; Spanish starts few words with ñ, and
// of those only "ñu" is short enough to read as Vietnamese).
func mojibake(word string) bool {
	if !wordCase(word) {
		return true
	}
	lower := []rune(strings.ToLower(word))
	if lower[0] == 'ñ' && len(lower) >= 3 {
		return true
	}
	for i, r := range lower {
		if 0xA1 <= r && r <= 0xBF || r == '×' || r == '÷' {
			return true
		}
		if i == 0 {
			continue
		}
		pair := vniKey{lower[i-1], r}
		if _, vni := vniDecode[pair]; vni && r != 'ï' && !slices.Contains(westernPairs, pair) || pair == (vniKey{'ö', 'ô'}) {
			return true
		}
	}
	return false
}

// westernPairs are the VNI pairs of vowel and mark that Western languages
// spell too (every vowel before ï is one as well: "maïs", "ouïr").
var westernPairs = []vniKey{{'o', 'ù'}, {'o', 'û'}, {'e', 'û'}, {'a', 'é'}, {'a', 'ú'}, {'a', 'ë'}, {'a', 'ü'}}

// legacyPossible reports whether s could be legacy text read through code
// page 1252: every character is Latin-1 or a code page 1252 symbol.
func legacyPossible(s string) bool {
	for _, r := range s {
		if r >= 0x100 {
			if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
				return false
			}
		}
	}
	return true
}

// token is a run of word characters or of others.
type token struct {
	text string
	word bool
}

// inWord reports whether r belongs to a word of legacy text: ASCII letters
// and the upper half of Latin-1 but the no-break space, where both tables
// put their letters (TCVN3's ư is the soft hyphen, its ă the diaeresis).
func inWord(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || 0xA1 <= r && r <= 0xFF
}

// split cuts s into words and the runs between them; joined they are s.
func split(s string) []token {
	var toks []token
	for s != "" {
		r, _ := utf8.DecodeRuneInString(s)
		word := inWord(r)
		end := strings.IndexFunc(s, func(r rune) bool { return inWord(r) != word })
		if end < 0 {
			end = len(s)
		}
		toks = append(toks, token{s[:end], word})
		s = s[end:]
	}
	return toks
}

// decodeTCVN3 decodes each token from TCVN3, and reports for each whether
// every code in it was a TCVN3 letter. The case of toned letters, which VN3
// does not record, is inferred: capitals in a word of capitals ("HOµNG" is
// HOÀNG), a capital to start a word in a string of capitalised words
// ("Lª ¸nh" is Lê Ánh), lowercase otherwise; caps makes every letter a
// capital, as the .VnTimeH fonts draw them.
func decodeTCVN3(toks []token, caps bool) ([]string, []bool) {
	out := make([]string, len(toks))
	ok := make([]bool, len(toks))
	letters := make([][]tcvn3Letter, len(toks))
	for i, t := range toks {
		ok[i] = true
		if !t.word {
			continue
		}
		for _, r := range t.text {
			l, found := tcvn3Decode[r]
			if !found {
				l = tcvn3Letter{r: r, cased: true} // ASCII, or a code VN3 leaves unused
				ok[i] = ok[i] && r < 0x80
			}
			letters[i] = append(letters[i], l)
		}
	}
	upper := make([]int, len(toks))
	lower := make([]int, len(toks))
	capsWord, anyLower := false, false
	for i, ls := range letters {
		for _, l := range ls {
			switch {
			case !l.cased:
			case unicode.IsUpper(l.r):
				upper[i]++
			case unicode.IsLower(l.r):
				lower[i]++
			}
		}
		capsWord = capsWord || upper[i] >= 2 && lower[i] == 0
		anyLower = anyLower || lower[i] > 0
	}
	// A string is in capitals when no letter is known lowercase and one word
	// at least has two capitals: "X· MÔ Së" is Xã Mễ Sở, "§ç THÞ" is ĐỖ THỊ.
	stringCaps := capsWord && !anyLower
	for i, t := range toks {
		if !t.word {
			out[i] = t.text
			continue
		}
		ls := letters[i]
		allCaps := caps || stringCaps || lower[i] == 0 && upper[i] >= 2
		titleFirst := !ls[0].cased && othersCapitalised(letters, i)
		var b strings.Builder
		for j, l := range ls {
			r := l.r
			if caps || (!l.cased && (allCaps || (j == 0 && titleFirst))) {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
		}
		out[i] = b.String()
	}
	return out, ok
}

// othersCapitalised reports whether every word but the i-th that starts with
// a letter of known case starts with a capital, and at least one does.
func othersCapitalised(words [][]tcvn3Letter, i int) bool {
	seen := false
	for j, w := range words {
		if j == i || len(w) == 0 || !w[0].cased {
			continue
		}
		if !unicode.IsUpper(w[0].r) {
			return false
		}
		seen = true
	}
	return seen
}

// decodeVNI decodes each token from VNI, and reports for each whether every
// code in it belonged to a VNI letter. A letter's case is its base's.
func decodeVNI(toks []token) ([]string, []bool) {
	out := make([]string, len(toks))
	ok := make([]bool, len(toks))
	for i, t := range toks {
		ok[i] = true
		if !t.word || !hasNonASCII(t.text) {
			out[i] = t.text
			continue
		}
		rs := []rune(t.text)
		var b strings.Builder
		for j := 0; j < len(rs); j++ {
			base := rs[j]
			if j+1 < len(rs) {
				if r, found := vniDecode[vniKey{unicode.ToLower(base), unicode.ToLower(rs[j+1])}]; found {
					b.WriteRune(withCase(r, base))
					j++
					continue
				}
			}
			if base < 0x80 {
				b.WriteRune(base)
				continue
			}
			r, found := vniDecode[vniKey{unicode.ToLower(base)}]
			if !found {
				r, ok[i] = base, false
			}
			b.WriteRune(withCase(r, base))
		}
		out[i] = b.String()
	}
	return out, ok
}

// withCase returns r in the case of like.
func withCase(r, like rune) rune {
	if unicode.IsUpper(like) {
		return unicode.ToUpper(r)
	}
	return r
}

// hasNonASCII reports whether s has a character outside ASCII.
func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// nonASCIIWords counts the words of s with a character outside ASCII.
func nonASCIIWords(s string) int {
	n := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r)
	}) {
		if hasNonASCII(w) {
			n++
		}
	}
	return n
}
