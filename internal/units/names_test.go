package units

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"hoctap/ent"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
)

// rawEnum matches an enum value as the API spells it (HOUSEHOLD,
// ORGANIZATION), which no message may contain.
var rawEnum = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b`)

// TestMessagesNameEnums renders the refusal of every pair of kinds that may
// not nest, in both languages: both kinds are named as people name them.
func TestMessagesNameEnums(t *testing.T) {
	kinds := slices.Sorted(maps.Keys(titles.KindNames))
	n := 0
	for _, child := range kinds {
		for _, parent := range kinds {
			if slices.Contains(parents[child], parent) {
				continue
			}
			n++
			err := checkParent(child, &ent.LearningUnit{Kind: parent})
			e, ok := apperr.As(err)
			if !ok {
				t.Errorf("%s under %s: %v, want a refusal", child, parent, err)
				continue
			}
			for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
				msg := e.Message(lang)
				if raw := rawEnum.FindString(msg); raw != "" {
					t.Errorf("%s under %s, %s: %q shows %s", child, parent, lang, msg, raw)
				}
				for _, k := range []i18n.Message{titles.KindName(child), titles.KindName(parent)} {
					if !strings.Contains(msg, k.Format(lang)) {
						t.Errorf("%s under %s, %s: %q does not name %q", child, parent, lang, msg, k.Format(lang))
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no refusal rendered")
	}
}
