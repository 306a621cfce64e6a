package titles_test

import (
	"testing"

	"hoctap/internal/titles"
)

// TestTemplateFor checks which rule grades the community titles each year:
// TT 44/2014 (communes only, passed or failed) before 2024, TT 25/2023's
// levels from 2024, and the HKHVN titles alike every year.
func TestTemplateFor(t *testing.T) {
	for _, tt := range []struct {
		title   titles.Title
		year    int
		ok      bool
		leveled bool
		total   float64
	}{
		{titles.CommunityCommune, 2020, true, false, 100},
		{titles.CommunityCommune, 2023, true, false, 100},
		{titles.CommunityCommune, 2024, true, true, 100},
		{titles.CommunityDistrict, 2020, false, false, 0},
		{titles.CommunityProvince, 2023, false, false, 0},
		{titles.CommunityDistrict, 2025, true, true, 100},
		{titles.Family, 2019, true, false, 100},
		{titles.Family, 2025, true, false, 100},
	} {
		tpl, ok := titles.TemplateFor(tt.title, tt.year)
		var total float64
		for _, c := range tpl.Criteria {
			total += c.MaxPoints
		}
		if ok != tt.ok || (len(tpl.Rule.Levels) > 0) != tt.leveled || total != tt.total {
			t.Errorf("%s in %d: ok %v, levels %v, %v points; want %v, leveled %v, %v points",
				tt.title, tt.year, ok, tpl.Rule.Levels, total, tt.ok, tt.leveled, tt.total)
		}
	}
	if tpl, _ := titles.TemplateFor(titles.CommunityCommune, 2020); len(tpl.Criteria) != 15 {
		t.Errorf("TT 44/2014 has %d criteria, want 15", len(tpl.Criteria))
	}
}
