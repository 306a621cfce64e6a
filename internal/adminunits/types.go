package adminunits

import (
	"regexp"
	"strings"

	"hoctap/ent/adminunit"
	"hoctap/internal/textnorm"
)

// childLevels lists the levels a unit of each level may hold directly. A
// commune may sit under a province as well as under a district: since
// 1/7/2025 the tree is two-tier (province → commune), and the three-tier
// tree of before stays for history, so no depth is fixed.
var childLevels = map[adminunit.Level][]adminunit.Level{
	adminunit.LevelCOUNTRY:  {adminunit.LevelPROVINCE},
	adminunit.LevelPROVINCE: {adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE},
	adminunit.LevelDISTRICT: {adminunit.LevelCOMMUNE},
	adminunit.LevelCOMMUNE:  {adminunit.LevelVILLAGE},
}

// ChildLevels returns the levels a unit of level may hold directly, the
// one a console offers first.
func ChildLevels(level adminunit.Level) []adminunit.Level { return childLevels[level] }

// Types lists the official types of each level, as the national catalogue
// spells them. Villages have many local names (Thôn in the north, Ấp in
// the south, Bản and Buôn in the mountains, Tổ dân phố in towns).
var Types = map[adminunit.Level][]string{
	adminunit.LevelPROVINCE: {"Tỉnh", "Thành phố"},
	adminunit.LevelDISTRICT: {"Huyện", "Quận", "Thị xã", "Thành phố"},
	adminunit.LevelCOMMUNE:  {"Xã", "Phường", "Thị trấn", "Đặc khu"},
	adminunit.LevelVILLAGE: {
		"Thôn", "Làng", "Ấp", "Bản", "Buôn", "Bon", "Plei", "Sóc", "Phum", "Xóm",
		"Tổ dân phố", "Khu phố", "Khóm", "Khối", "Khu", "Tổ", "Khu dân cư", "Tổ dân cư", "Tiểu khu", "Đội",
	},
}

// canonicalType returns the official spelling of typ among the types of
// level, matched without accents or case ("to dan pho" is "Tổ dân phố"),
// and false when level has no such type.
func canonicalType(level adminunit.Level, typ string) (string, bool) {
	f := textnorm.Fold(typ)
	if f == "" {
		return "", false
	}
	for _, t := range Types[level] {
		if textnorm.Fold(t) == f {
			return t, true
		}
	}
	return "", false
}

// codeFormats are the official code formats of the catalogue's levels:
// 2 digits for a province, 3 for a district, 5 for a commune. A village's
// code is the province's own choice (see villageCode).
var codeFormats = map[adminunit.Level]*regexp.Regexp{
	adminunit.LevelPROVINCE: regexp.MustCompile(`^[0-9]{2}$`),
	adminunit.LevelDISTRICT: regexp.MustCompile(`^[0-9]{3}$`),
	adminunit.LevelCOMMUNE:  regexp.MustCompile(`^[0-9]{5}$`),
}

// villageCode is any short code without spaces: provinces number their
// villages their own way ("90101.01", "TDP-3").
var villageCode = regexp.MustCompile(`^[^\s]{1,16}$`)

// codeDigits names the length of each level's code in messages.
var codeDigits = map[adminunit.Level]int{
	adminunit.LevelPROVINCE: 2, adminunit.LevelDISTRICT: 3, adminunit.LevelCOMMUNE: 5,
}

// validCode reports whether code has the format of level's codes.
func validCode(level adminunit.Level, code string) bool {
	if re, ok := codeFormats[level]; ok {
		return re.MatchString(code)
	}
	return villageCode.MatchString(code)
}

// typeList writes the types of level for a message.
func typeList(level adminunit.Level) string { return strings.Join(Types[level], ", ") }
