package rates_test

import (
	"testing"

	"hoctap/internal/national/rates"
	"hoctap/internal/title"
)

// TestPeriod: a campaign year takes the nearest period ending at or after
// it, and the last period once every one has ended.
func TestPeriod(t *testing.T) {
	periods := []int{2030, 2020, 2025}
	for _, tc := range []struct{ year, want int }{
		{2005, 2020}, {2019, 2020}, {2020, 2020}, {2021, 2025}, {2025, 2025},
		{2026, 2030}, {2030, 2030}, {2031, 2030}, {2099, 2030},
	} {
		if got := rates.Period(periods, tc.year); got != tc.want {
			t.Errorf("year %d: period %d, want %d", tc.year, got, tc.want)
		}
	}
	if got := rates.Period(nil, 2025); got != 0 {
		t.Errorf("no periods: %d", got)
	}
}

// TestResolve: a period's confirmed rates apply; an unconfirmed one leaves
// the latest earlier period's; a disadvantaged area without a rate of its
// own, and a subtype without one, take the general and the title's.
func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name    string
		year    int
		title   title.Title
		subtype string
		area    rates.Area
		want    float64
		ok      bool
	}{
		{"2020 family, general", 2019, title.Family, "", rates.General, 0.70, true},
		{"2020 family, disadvantaged", 2020, title.Family, "", rates.Disadvantaged, 0.60, true},
		{"2020 clan, disadvantaged", 2020, title.Clan, "", rates.Disadvantaged, 0.40, true},
		{"2020 citizen: none", 2020, title.Citizen, "", rates.General, 0, false},
		{"2025 unit", 2023, title.Unit, "", rates.General, 0.80, true},
		{"2025 unit, a subtype", 2023, title.Unit, "ENTERPRISE", rates.Disadvantaged, 0.80, true},
		{"2025 citizen", 2025, title.Citizen, "", rates.General, 0.40, true},
		{"2030 family: 2025's until confirmed", 2027, title.Family, "", rates.General, 0.70, true},
		{"2030 clan: 2025's until confirmed", 2031, title.Clan, "", rates.Disadvantaged, 0.65, true},
		{"2030 citizen", 2026, title.Citizen, "", rates.General, 0.60, true},
		{"TT 25 titles: none", 2025, title.CommunityCommune, "", rates.General, 0, false},
	} {
		got, ok := rates.Resolve(rates.Seed, tc.year).Lookup(tc.title, tc.subtype, tc.area)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	// The copy says where an unconfirmed rate came from.
	for _, r := range rates.Resolve(rates.Seed, 2028) {
		if r.Title == title.Family && r.Period != 2025 {
			t.Errorf("2028 family from %d", r.Period)
		}
		if r.Title == title.Citizen && r.Period != 2030 {
			t.Errorf("2028 citizen from %d", r.Period)
		}
	}
	// A disadvantaged row only where the table has one: subtypes fall back.
	s := rates.Set{{Title: title.Unit, Area: rates.General, Rate: 0.5}, {Title: title.Unit, Subtype: "ENTERPRISE", Area: rates.General, Rate: 0.3}}
	if got, _ := s.Lookup(title.Unit, "ENTERPRISE", rates.Disadvantaged); got != 0.3 {
		t.Errorf("enterprise, disadvantaged: %v", got)
	}
	if got, _ := s.Lookup(title.Unit, "SCHOOL", rates.General); got != 0.5 {
		t.Errorf("school: %v", got)
	}
}
