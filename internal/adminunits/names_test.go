package adminunits

import (
	"regexp"
	"strings"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
)

// rawEnum matches an enum value as the API spells it (COMMUNE, VILLAGE),
// which no message may contain.
var rawEnum = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b`)

// TestMessagesNameLevels renders every refusal that names a level, in both
// languages: levels are named as people name them ("xã", "commune").
func TestMessagesNameLevels(t *testing.T) {
	levels := []string{"COUNTRY", "PROVINCE", "DISTRICT", "COMMUNE", "VILLAGE"}
	n := 0
	for _, parent := range levels {
		for _, child := range levels {
			errs := []error{checkLevel(adminunit.Level(parent), adminunit.Level(child))}
			if parent == child {
				_, err := checkType(adminunit.Level(parent), "Không có")
				errs = append(errs, err)
			}
			for _, err := range errs {
				if err == nil {
					continue
				}
				e, ok := apperr.As(err)
				if !ok || e.Code != apperr.BadUserInput {
					t.Errorf("%s under %s: %v, want BAD_USER_INPUT", child, parent, err)
					continue
				}
				n++
				for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
					msg := e.Message(lang)
					if raw := rawEnum.FindString(msg); raw != "" {
						t.Errorf("%s under %s, %s: %q shows %s", child, parent, lang, msg, raw)
					}
					if name := titles.LevelName(adminunit.Level(parent)).Format(lang); !strings.Contains(msg, name) {
						t.Errorf("%s under %s, %s: %q does not name %q", child, parent, lang, msg, name)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no refusal rendered")
	}
}

// TestCodes: the formats of the catalogue's levels, and villages' own.
func TestCodes(t *testing.T) {
	for _, tc := range []struct {
		level adminunit.Level
		code  string
		ok    bool
	}{
		{adminunit.LevelPROVINCE, "34", true}, {adminunit.LevelPROVINCE, "034", false}, {adminunit.LevelPROVINCE, "3", false},
		{adminunit.LevelDISTRICT, "336", true}, {adminunit.LevelDISTRICT, "33", false}, {adminunit.LevelDISTRICT, "33a", false},
		{adminunit.LevelCOMMUNE, "12454", true}, {adminunit.LevelCOMMUNE, "1245", false}, {adminunit.LevelCOMMUNE, "124540", false},
		{adminunit.LevelVILLAGE, "12454.01", true}, {adminunit.LevelVILLAGE, "TDP-3", true}, {adminunit.LevelVILLAGE, "tổ 3", false},
		{adminunit.LevelVILLAGE, strings.Repeat("9", 17), false},
	} {
		if got := validCode(tc.level, tc.code); got != tc.ok {
			t.Errorf("validCode(%s, %q) = %v, want %v", tc.level, tc.code, got, tc.ok)
		}
	}
	for _, tc := range []struct {
		level     adminunit.Level
		typ, want string
	}{
		{adminunit.LevelCOMMUNE, "dac khu", "Đặc khu"}, {adminunit.LevelCOMMUNE, "THỊ TRẤN", "Thị trấn"},
		{adminunit.LevelVILLAGE, "to dan pho", "Tổ dân phố"}, {adminunit.LevelDISTRICT, "thanh pho", "Thành phố"},
		{adminunit.LevelVILLAGE, "Xã", ""}, {adminunit.LevelPROVINCE, "Huyện", ""}, {adminunit.LevelCOUNTRY, "Tỉnh", ""},
	} {
		if got, _ := canonicalType(tc.level, tc.typ); got != tc.want {
			t.Errorf("canonicalType(%s, %q) = %q, want %q", tc.level, tc.typ, got, tc.want)
		}
	}
}
