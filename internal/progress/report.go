package progress

import (
	"context"
	"fmt"
	"sort"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/progresscounter"
	"hoctap/ent/target"
	"hoctap/internal/titles"
)

// Row is one title's progress in a unit.
type Row struct {
	Title      titles.Title
	Subtype    *string
	Eligible   int
	Registered int
	Evaluated  int
	Recognized int
	// Rate is recognised ÷ eligible, 0 when nothing is eligible.
	Rate float64
	// Target is the share to reach, nil where no target applies; it comes
	// from the nearest override up the tree, else the national default.
	Target      *float64
	MeetsTarget *bool
}

// Summary tells how a unit's children fare.
type Summary struct {
	ChildCount                int
	ChildrenMeetingAllTargets int
	// ChildLevel is the level the children share: "8 of 8 districts" on the
	// tree of 2020, "104 of 104 communes" on the two-tier tree of 2025.
	// Empty when they differ.
	ChildLevel adminunit.Level
}

// count adds a child to the summary.
func (s *Summary) count(level adminunit.Level, meets bool) {
	switch {
	case s.ChildCount == 0:
		s.ChildLevel = level
	case s.ChildLevel != level:
		s.ChildLevel = ""
	}
	s.ChildCount++
	if meets {
		s.ChildrenMeetingAllTargets++
	}
}

// Report is the progress of one unit in one campaign, with its children's.
type Report struct {
	Unit     *ent.AdminUnit
	Campaign *ent.Campaign
	Rows     []Row
	Children []*Report
	Summary  Summary
}

// MeetsAll reports whether every row with a target meets it.
func (r *Report) MeetsAll() bool {
	for _, row := range r.Rows {
		if row.MeetsTarget != nil && !*row.MeetsTarget {
			return false
		}
	}
	return true
}

// Build reports a campaign's progress in unit and each of its children. The
// campaign and the units are read as the viewer, so out-of-scope ones are
// not found; the counters are then read by id. It costs four queries
// whatever the size of the province.
func Build(ctx context.Context, c *ent.Client, camp *ent.Campaign, unit *ent.AdminUnit) (*Report, error) {
	children, err := unit.QueryChildren().Order(ent.Asc(adminunit.FieldCode)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("progress: children: %w", err)
	}
	ids := []int{unit.ID}
	for _, ch := range children {
		ids = append(ids, ch.ID)
	}
	counters, err := c.ProgressCounter.Query().
		Where(progresscounter.CampaignID(camp.ID), progresscounter.AdminUnitIDIn(ids...)).
		All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("progress: counters: %w", err)
	}
	overrides, err := c.Target.Query().Where(target.CampaignID(camp.ID)).All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("progress: targets: %w", err)
	}
	t := newTargets(camp.Year, overrides)
	byUnit := map[int][]*ent.ProgressCounter{}
	for _, pc := range counters {
		byUnit[pc.AdminUnitID] = append(byUnit[pc.AdminUnitID], pc)
	}
	report := func(u *ent.AdminUnit) *Report {
		return &Report{Unit: u, Campaign: camp, Rows: rows(u, byUnit[u.ID], t)}
	}
	r := report(unit)
	for _, ch := range children {
		if len(byUnit[ch.ID]) == 0 && !validAt(ch, camp) {
			continue // a unit of another time, not part of this campaign's tree
		}
		cr := report(ch)
		r.Children = append(r.Children, cr)
		r.Summary.count(ch.Level, cr.MeetsAll())
	}
	return r, nil
}

// validAt reports whether an admin unit existed at the campaign's date.
func validAt(u *ent.AdminUnit, camp *ent.Campaign) bool {
	d := camp.ReferenceDate
	return (u.ValidFrom == nil || !u.ValidFrom.After(d)) && (u.ValidTo == nil || !u.ValidTo.Before(d))
}

// reportedTitles are always shown; the TT 25 community titles only where a
// unit of their level is counted.
var reportedTitles = []titles.Title{titles.Family, titles.Clan, titles.Community, titles.Unit, titles.Citizen}

// rows turns a unit's counters into one row per title (all subtypes
// together) and one per organisation subtype.
func rows(u *ent.AdminUnit, counters []*ent.ProgressCounter, t targets) []Row {
	type key struct {
		title   titles.Title
		subtype string
	}
	sums := map[key]*Row{}
	add := func(k key, pc *ent.ProgressCounter) {
		r := sums[k]
		if r == nil {
			r = &Row{Title: k.title}
			if k.subtype != "" {
				s := k.subtype
				r.Subtype = &s
			}
			sums[k] = r
		}
		r.Eligible += pc.Eligible
		r.Registered += pc.Registered
		r.Evaluated += pc.Evaluated
		r.Recognized += pc.Recognized
	}
	for _, pc := range counters {
		title := titles.Title(pc.Title)
		add(key{title, ""}, pc)
		if pc.Subtype != "" {
			add(key{title, pc.Subtype}, pc)
		}
	}
	for _, title := range reportedTitles {
		if sums[key{title, ""}] == nil {
			sums[key{title, ""}] = &Row{Title: title}
		}
	}
	out := make([]Row, 0, len(sums))
	for k, r := range sums {
		if r.Eligible > 0 {
			r.Rate = float64(r.Recognized) / float64(r.Eligible)
		}
		if rate, ok := t.forUnit(u, k.title, k.subtype); ok {
			r.Target = &rate
			if r.Eligible > 0 {
				meets := r.Rate >= rate-1e-9
				r.MeetsTarget = &meets
			}
		}
		out = append(out, *r)
	}
	order := map[titles.Title]int{}
	for i, title := range titles.All {
		order[title] = i
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Title != b.Title {
			return order[a.Title] < order[b.Title]
		}
		return a.Subtype == nil || b.Subtype != nil && *a.Subtype < *b.Subtype
	})
	return out
}

// targets resolves the target of a unit: the nearest override on its path
// for the subtype, then for all subtypes, then the national default.
type targets struct {
	year      int
	overrides map[targetKey]float64
}

type targetKey struct {
	unit    int
	title   titles.Title
	subtype string
}

func newTargets(year int, rows []*ent.Target) targets {
	t := targets{year: year, overrides: map[targetKey]float64{}}
	for _, r := range rows {
		t.overrides[targetKey{r.AdminUnitID, titles.Title(r.Title), r.Subtype}] = r.Rate
	}
	return t
}

func (t targets) forUnit(u *ent.AdminUnit, title titles.Title, subtype string) (float64, bool) {
	path := PathIDs(u.Path)
	subtypes := []string{""}
	if subtype != "" {
		subtypes = []string{subtype, ""}
	}
	for _, s := range subtypes {
		for i := len(path) - 1; i >= 0; i-- {
			if rate, ok := t.overrides[targetKey{path[i], title, s}]; ok {
				return rate, true
			}
		}
	}
	return titles.NationalTarget(title, t.year, u.Disadvantaged)
}
