package vnlegacy

import (
	"slices"
	"strings"
	"unicode"
)

// Every Vietnamese word is one syllable: an onset, an optional glide
// (medial), a vowel nucleus, an optional final, and at most one tone. The
// rules are strict enough that a legacy string read the wrong way almost
// never spells syllables, which is what detection leans on.

// onsets are the initial consonants ("qu" counts as one: its u is the glide).
var onsets = []string{
	"", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m",
	"n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
}

// nuclei are the vowel nuclei with the finals each takes ("" for none; the
// glides i, y, o, u count as finals).
var nuclei = []struct {
	vowels string
	finals []string
}{
	{"a", []string{"", "c", "ch", "i", "m", "n", "ng", "nh", "o", "p", "t", "u", "y"}},
	{"ă", []string{"c", "m", "n", "ng", "p", "t"}},
	{"â", []string{"c", "m", "n", "ng", "p", "t", "u", "y"}},
	{"e", []string{"", "c", "m", "n", "ng", "o", "p", "t"}},
	{"ê", []string{"", "ch", "m", "n", "nh", "p", "t", "u"}},
	{"i", []string{"", "ch", "m", "n", "nh", "p", "t", "u"}},
	{"y", []string{""}},
	{"o", []string{"", "c", "i", "m", "n", "ng", "p", "t"}},
	{"oo", []string{"c", "ng"}},
	{"ô", []string{"", "c", "i", "m", "n", "ng", "p", "t"}},
	{"ơ", []string{"", "i", "m", "n", "p", "t"}},
	{"u", []string{"", "c", "i", "m", "n", "ng", "p", "t"}},
	{"ư", []string{"", "c", "i", "m", "n", "ng", "t", "u"}},
	{"ia", []string{""}},
	{"ya", []string{""}},
	{"iê", []string{"c", "m", "n", "ng", "p", "t", "u"}},
	{"yê", []string{"c", "m", "n", "ng", "p", "t", "u"}},
	{"ua", []string{""}},
	{"uô", []string{"c", "i", "m", "n", "ng", "p", "t"}},
	{"ưa", []string{""}},
	{"ươ", []string{"c", "i", "m", "n", "ng", "p", "t", "u"}},
}

// afterGlideU are the finals of y after the glide u ("uy", "huỳnh", "quýt").
var afterGlideU = []string{"", "ch", "n", "nh", "p", "t", "u"}

// consonants are the letters that are not vowels.
const consonants = "bcdđghklmnpqrstvx"

// syllable reports whether word spells one Vietnamese syllable, in lower,
// upper or title case.
func syllable(word string) bool {
	if word == "" || !wordCase(word) {
		return false
	}
	var b strings.Builder
	tone, toneAt := level, -1 // toneAt: byte offset in plain of the toned vowel
	for _, r := range word {
		r = unicode.ToLower(r)
		if v, ok := vowelOf[r]; ok {
			if v.tone != level {
				if toneAt >= 0 {
					return false // two tones
				}
				tone, toneAt = v.tone, b.Len()
			}
			b.WriteRune(v.base)
			continue
		}
		if !strings.ContainsRune(consonants, r) {
			return false
		}
		b.WriteRune(r)
	}
	plain := b.String()
	for _, onset := range onsets {
		if rest, ok := strings.CutPrefix(plain, onset); ok && rhyme(onset, rest, tone, toneAt-len(onset)) {
			return true
		}
	}
	return false
}

// rhyme reports whether r (glide, nucleus, final) can follow onset in a
// syllable with the given tone, marked on the letter at byte toneAt of r
// (negative: on none, or on the onset).
func rhyme(onset, r string, tone, toneAt int) bool {
	if tone != level && toneAt < 0 {
		return false // a tone on a consonant, as "qú" would be
	}
	glides := []string{"", "o", "u"}
	if onset == "qu" {
		glides = glides[:1]
	}
	for _, glide := range glides {
		rest, ok := strings.CutPrefix(r, glide)
		if !ok {
			continue
		}
		for _, n := range nuclei {
			final, ok := strings.CutPrefix(rest, n.vowels)
			if !ok || !glideFits(onset, glide, n.vowels) {
				continue
			}
			finals := n.finals
			if n.vowels == "y" && (glide == "u" || onset == "qu") {
				finals = afterGlideU
			}
			if !slices.Contains(finals, final) {
				continue
			}
			// The tone sits on the nucleus, or on the glide in the newer
			// spelling ("hòa", "thủy"); never on the final ("xaõ").
			if toneAt >= len(glide)+len(n.vowels) {
				continue
			}
			// A syllable closed by a stop carries sắc or nặng, never another tone.
			if (final == "c" || final == "ch" || final == "p" || final == "t") && tone != acute && tone != dot {
				continue
			}
			return true
		}
	}
	return false
}

// glideFits reports whether the glide may stand before nucleus: o before a,
// ă, e ("hoa", "xoăn", "khoẻ"); u before â, ê, y, ơ ("tuấn", "huế", "huy",
// "thuở"); "qu" before most vowels but u, ư and o.
func glideFits(onset, glide, nucleus string) bool {
	switch {
	case glide == "o":
		return nucleus == "a" || nucleus == "ă" || nucleus == "e"
	case glide == "u":
		return slices.Contains([]string{"â", "ê", "y", "ya", "yê", "ơ"}, nucleus)
	case onset == "qu":
		return slices.Contains([]string{"a", "ă", "â", "e", "ê", "i", "y", "yê", "ơ", "ô"}, nucleus)
	case nucleus == "ya":
		return false // only after the glide u: "khuya"
	case nucleus == "yê":
		return onset == "" // "yên"; after a consonant it is spelled iê
	case nucleus == "iê":
		return onset != ""
	default:
		return true
	}
}

// wordCase reports whether word is all lowercase, all capitals, or a
// capital then lowercase: a capital inside a lowercase word ("NguyÔn") is a
// sign of a legacy string read the wrong way.
func wordCase(word string) bool {
	var upper, lower int
	firstUpper := false
	for i, r := range word {
		switch {
		case unicode.IsUpper(r):
			upper++
			firstUpper = firstUpper || i == 0
		case unicode.IsLower(r):
			lower++
		}
	}
	return upper == 0 || lower == 0 || (upper == 1 && firstUpper)
}
