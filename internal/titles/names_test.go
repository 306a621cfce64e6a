package titles_test

import (
	"maps"
	"regexp"
	"slices"
	"testing"

	entschema "entgo.io/ent/dialect/sql/schema"

	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/migrate"
	"hoctap/ent/registration"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// rawEnum matches an enum value as the API spells it (LEARNING_FAMILY,
// HOUSEHOLD, EVALUATION), which no name may contain.
var rawEnum = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b`)

// enum returns the values the schema allows in a column.
func enum(t *testing.T, columns []*entschema.Column, name string) []string {
	t.Helper()
	for _, c := range columns {
		if c.Name == name {
			return c.Enums
		}
	}
	t.Fatalf("no column %s", name)
	return nil
}

// TestNamesCoverEveryValue: every value of every enum the console, the
// exports and the error messages name has a name in both languages, taken
// from the schema so that a value added there without a name fails here,
// and no name is an enum value in disguise.
func TestNamesCoverEveryValue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []string
		names  []string
		get    func(v string) i18n.Message
	}{
		{"title", enum(t, migrate.RegistrationsColumns, "title"), keys(titles.Names), func(v string) i18n.Message { return titles.TitleName(titles.Title(v)) }},
		{"subtype", enum(t, migrate.LearningUnitsColumns, "subtype"), keys(titles.SubtypeNames), func(v string) i18n.Message {
			return i18n.Message{VI: titles.SubtypeName(v, i18n.VI), EN: titles.SubtypeName(v, i18n.EN)}
		}},
		{"kind", enum(t, migrate.LearningUnitsColumns, "kind"), keys(titles.KindNames), func(v string) i18n.Message { return titles.KindName(learningunit.Kind(v)) }},
		{"level", enum(t, migrate.AdminUnitsColumns, "level"), keys(titles.LevelNames), func(v string) i18n.Message { return titles.LevelName(adminunit.Level(v)) }},
		{"phase", enum(t, migrate.CampaignsColumns, "phase"), keys(titles.PhaseNames), func(v string) i18n.Message { return titles.PhaseName(campaign.Phase(v)) }},
		{"status", enum(t, migrate.RegistrationsColumns, "status"), keys(titles.StatusNames), func(v string) i18n.Message { return titles.StatusName(registration.Status(v)) }},
		{"role", enum(t, migrate.UsersColumns, "role"), keys(titles.RoleNames), func(v string) i18n.Message { return titles.RoleName(viewer.Role(v)) }},
	} {
		if got, want := slices.Sorted(slices.Values(tc.names)), slices.Sorted(slices.Values(tc.values)); !slices.Equal(got, want) {
			t.Errorf("%s names %v, the schema has %v", tc.name, got, want)
		}
		for _, v := range tc.values {
			m := tc.get(v)
			for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
				s := m.Format(lang)
				if s == "" || rawEnum.MatchString(s) {
					t.Errorf("%s %s in %s is %q", tc.name, v, lang, s)
				}
			}
			if m.VI == m.EN {
				t.Errorf("%s %s has the same name in both languages: %q", tc.name, v, m.VI)
			}
		}
	}
}

func keys[K ~string](m map[K]i18n.Message) []string {
	var out []string
	for k := range maps.Keys(m) {
		out = append(out, string(k))
	}
	return out
}
