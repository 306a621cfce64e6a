package imports

import (
	"strings"

	"hoctap/ent/learningunit"
	"hoctap/internal/i18n"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
)

// subtypeWords are what people write for an organisation's subtype, folded:
// the names of titles.SubtypeNames in both languages, the enum values, and
// the words lists use. A cell is read as the subtype whose word it is, or
// whose word it starts with ("Trường THCS" is a school, "Công ty TNHH" an
// enterprise); the longest word wins, and a cell that reads as two subtypes
// or none is refused, never guessed.
var subtypeWords = map[learningunit.Subtype][]string{
	learningunit.SubtypeAGENCY: {"co quan", "co quan nha nuoc", "co quan hanh chinh", "co quan dang", "co quan doan the",
		"uy ban", "ubnd", "hoi dong nhan dan", "mat tran", "doan the", "to chuc chinh tri xa hoi"},
	learningunit.SubtypeSCHOOL: {"truong hoc", "truong", "nha truong", "co so giao duc", "truong mam non", "mam non",
		"trung tam giao duc", "trung tam hoc tap cong dong", "tthtcd"},
	learningunit.SubtypeENTERPRISE: {"doanh nghiep", "cong ty", "xi nghiep", "nha may", "hop tac xa", "htx", "tap doan", "dn"},
	learningunit.SubtypeARMED_FORCES: {"luc luong vu trang", "llvt", "quan doi", "cong an", "bo doi", "don vi quan doi",
		"don vi vu trang", "bien phong", "dan quan", "quan su"},
	learningunit.SubtypeOTHER: {"khac", "loai khac", "other"},
}

func init() {
	// The names the rest of hoctap shows, and the API's enum values.
	for s, m := range titles.SubtypeNames {
		subtypeWords[s] = append(subtypeWords[s], textnorm.Fold(m.VI), textnorm.Fold(m.EN), textnorm.Fold(string(s)))
	}
}

// parseSubtype reads an organisation's subtype; false when the text names
// none, or more than one equally well.
func parseSubtype(text string) (learningunit.Subtype, bool) {
	f := textnorm.Fold(text)
	if f == "" {
		return "", false
	}
	var best learningunit.Subtype
	bestLen, ties := 0, 0
	for s, words := range subtypeWords {
		for _, w := range words {
			if f != w && !strings.HasPrefix(f, w+" ") {
				continue
			}
			switch {
			case len(w) > bestLen:
				best, bestLen, ties = s, len(w), 0
			case len(w) == bestLen && s != best:
				ties++
			}
		}
	}
	if bestLen == 0 || ties > 0 {
		return "", false
	}
	return best, true
}

// subtypeOrder is the order subtypes are listed in messages.
var subtypeOrder = []learningunit.Subtype{
	learningunit.SubtypeAGENCY, learningunit.SubtypeSCHOOL, learningunit.SubtypeENTERPRISE,
	learningunit.SubtypeARMED_FORCES, learningunit.SubtypeOTHER,
}

// subtypeList names the subtypes for a message: "Cơ quan, Trường học, …".
func subtypeList() i18n.Message {
	var vi, en []string
	for _, s := range subtypeOrder {
		vi = append(vi, titles.SubtypeNames[s].VI)
		en = append(en, titles.SubtypeNames[s].EN)
	}
	return i18n.Message{VI: strings.Join(vi, ", "), EN: strings.Join(en, ", ")}
}
