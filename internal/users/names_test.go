package users

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// rawEnum matches an enum value as the API spells it (MANAGER,
// COLLABORATOR), which no message may contain.
var rawEnum = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b`)

// TestMessagesNameEnums renders the refusal to grant each role, in both
// languages: the role is named as the console names it.
func TestMessagesNameEnums(t *testing.T) {
	// A citizen may grant no role, so each is refused before the scope is
	// looked up.
	v := &viewer.Viewer{Role: viewer.RoleCitizen}
	for _, r := range viewer.Roles {
		e, ok := apperr.As(checkGrant(context.Background(), v, r, 0))
		if !ok || e.Code != apperr.Forbidden || e.Field != "role" {
			t.Errorf("granting %s: %v, want FORBIDDEN on role", r, e)
			continue
		}
		for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
			msg := e.Message(lang)
			if raw := rawEnum.FindString(msg); raw != "" {
				t.Errorf("granting %s, %s: %q shows %s", r, lang, msg, raw)
			}
			if name := titles.RoleName(r).Format(lang); !strings.Contains(msg, name) {
				t.Errorf("granting %s, %s: %q does not name %q", r, lang, msg, name)
			}
		}
	}
}
