package progress

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/predicate"
	"hoctap/ent/progresscounter"
	"hoctap/internal/national"
	"hoctap/internal/national/rates"
	"hoctap/internal/recordsummary"
	"hoctap/internal/search"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
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
	// records and path, on the LEARNING_CITIZEN row of a campaign's
	// report only, count the citizens' records under path (CitizenRecords).
	records *records
	path    string
}

// records counts the citizens' records of a whole report, for all its rows
// at once, the first time a row asks: a report read without these figures
// (an export, a summary) does not pay for them.
type records struct {
	once   sync.Once
	c      *ent.Client
	prefix string
	year   int
	counts map[string]recordsummary.PathCounts
	err    error
}

// CitizenRecords counts, for the LEARNING_CITIZEN row of a campaign's
// report, the active citizens in the row's unit with any activity in their
// lifelong-learning record, and those with a VERIFIED one in the campaign's
// year; nil for other rows. The figures come from the record as it stands,
// not from counters (a record has no campaign to count in), in two
// statements for the whole report.
func (r *Row) CitizenRecords(ctx context.Context) (*recordsummary.PathCounts, error) {
	// A citizen's scope is their village: its counts, read as they change,
	// would tell them when a neighbour's activity was verified.
	if r.records == nil || viewer.FromContext(ctx).Role == viewer.RoleCitizen {
		return nil, nil
	}
	rs := r.records
	rs.once.Do(func() {
		rs.counts, rs.err = recordsummary.CountByPath(system(ctx), rs.c, rs.prefix, rs.year)
	})
	if rs.err != nil {
		return nil, fmt.Errorf("progress: %w", rs.err)
	}
	var sum recordsummary.PathCounts
	for p, pc := range rs.counts {
		if strings.HasPrefix(p, r.path) {
			sum.WithRecord += pc.WithRecord
			sum.Verified += pc.Verified
		}
	}
	return &sum, nil
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
// not found; the counters are then read by id. It costs the children, the
// targets, and the counters with the disadvantaged communes: three queries
// whatever the size of the province (a fourth for a campaign older than its
// copy of the national targets), and two more if the citizens' records are
// asked for (Row.CitizenRecords).
func Build(ctx context.Context, c *ent.Client, camp *ent.Campaign, unit *ent.AdminUnit) (*Report, error) {
	children, err := unit.QueryChildren().Order(ent.Asc(adminunit.FieldCode)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("progress: children: %w", err)
	}
	overrides, err := readTargets(ctx, c, camp)
	if err != nil {
		return nil, err
	}
	return build(ctx, c, camp, overrides, unit, children)
}

// build is Build with the unit's children and the campaign's target
// overrides read.
func build(ctx context.Context, c *ent.Client, camp *ent.Campaign, overrides []*ent.Target, unit *ent.AdminUnit, children []*ent.AdminUnit) (*Report, error) {
	ids := []int{unit.ID}
	for _, ch := range children {
		ids = append(ids, ch.ID)
	}
	communes, all, err := countersIn(ctx, c, camp, unit, ids)
	if err != nil {
		return nil, err
	}
	nat, err := national.Of(ctx, c, camp)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	disadvantaged := map[int]bool{}
	for _, cm := range communes {
		disadvantaged[cm.ID] = true
	}
	var communeCounters []*ent.ProgressCounter
	for _, pc := range all {
		if disadvantaged[pc.AdminUnitID] {
			communeCounters = append(communeCounters, pc)
		}
	}
	a := newAreas(communes, communeCounters)
	recs := &records{c: c, prefix: unit.Path, year: camp.Year}
	t := newTargets(nat, overrides, a)
	byUnit := map[int][]*ent.ProgressCounter{}
	for _, pc := range all {
		byUnit[pc.AdminUnitID] = append(byUnit[pc.AdminUnitID], pc)
	}
	report := func(u *ent.AdminUnit) *Report {
		r := &Report{Unit: u, Campaign: camp, Rows: rows(u, byUnit[u.ID], t)}
		for i := range r.Rows {
			if r.Rows[i].Title == titles.Citizen && r.Rows[i].Subtype == nil {
				r.Rows[i].records, r.Rows[i].path = recs, u.Path
			}
		}
		return r
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
		if rate, ok := t.forUnit(u, k.title, k.subtype, r.Eligible); ok {
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
// for the subtype, then for all subtypes, then the national target of the
// unit's area (areas).
type targets struct {
	national  rates.Set
	overrides map[targetKey]float64
	areas     areas
}

type targetKey struct {
	unit    int
	title   titles.Title
	subtype string
}

func newTargets(national rates.Set, rows []*ent.Target, a areas) targets {
	t := targets{national: national, overrides: map[targetKey]float64{}, areas: a}
	for _, r := range rows {
		t.overrides[targetKey{r.AdminUnitID, titles.Title(r.Title), r.Subtype}] = r.Rate
	}
	return t
}

// forUnit is the target of a title (and subtype) in u, whose row counts
// eligible units.
func (t targets) forUnit(u *ent.AdminUnit, title titles.Title, subtype string, eligible int) (float64, bool) {
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
	general, ok := t.national.Lookup(title, subtype, rates.General)
	if !ok {
		return 0, false
	}
	disadvantaged, _ := t.national.Lookup(title, subtype, rates.Disadvantaged)
	return Mix(general, disadvantaged, t.areas.share(u, title, subtype, eligible)), true
}

// Mix is the target of an area a share of whose eligible units lies in
// disadvantaged communes: the eligible-weighted mean of the two targets, so
// that a district all of whose communes meet their own targets meets its
// own. The ends are exact, not computed.
func Mix(general, disadvantaged, share float64) float64 {
	switch {
	case share <= 0:
		return general
	case share >= 1:
		return disadvantaged
	}
	return (1-share)*general + share*disadvantaged
}

// areas places the units of a report in the area categories of their
// communes: the disadvantaged flag is the commune's (DOMAIN.md). A commune,
// and a village in it, is wholly of its commune's category; a unit above
// the communes (a district, a province, the country, whatever the depth of
// the tree) has the share of its eligible units that lie in disadvantaged
// communes. Learning units attached above any commune count as general.
type areas struct {
	communes []*ent.AdminUnit // the disadvantaged communes on or under the report's unit
	counters []*ent.ProgressCounter
	// eligible counts, per disadvantaged commune, title and subtype ("" for
	// all subtypes), the units the campaigns count there.
	eligible map[targetKey]int
}

// loadAreas reads the disadvantaged communes on or under top and their
// counters in the campaigns: two queries, the second only where there are
// such communes.
func loadAreas(ctx context.Context, c *ent.Client, campaignIDs []int, top *ent.AdminUnit) (areas, error) {
	communes, err := disadvantagedCommunes(ctx, c, top)
	if err != nil {
		return areas{}, err
	}
	if len(communes) == 0 || len(campaignIDs) == 0 {
		return newAreas(communes, nil), nil
	}
	ids := make([]int, len(communes))
	for i, cm := range communes {
		ids[i] = cm.ID
	}
	counters, err := c.ProgressCounter.Query().
		Where(progresscounter.CampaignIDIn(campaignIDs...), progresscounter.AdminUnitIDIn(ids...)).
		All(system(ctx))
	if err != nil {
		return areas{}, fmt.Errorf("progress: area categories: counters: %w", err)
	}
	return newAreas(communes, counters), nil
}

// disadvantagedCommunes reads the disadvantaged communes on or under top.
func disadvantagedCommunes(ctx context.Context, c *ent.Client, top *ent.AdminUnit) ([]*ent.AdminUnit, error) {
	communes, err := c.AdminUnit.Query().
		Where(disadvantagedOnOrUnder(top)).
		Select(adminunit.FieldID, adminunit.FieldPath).
		All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("progress: area categories: %w", err)
	}
	return communes, nil
}

// disadvantagedOnOrUnder matches the disadvantaged communes on top's path
// or under it. Each branch of the OR names the level, the flag and the
// path or id in full, as an equality on the flag, so that SQLite reads
// the index (level, disadvantaged, path) for it; with the flag as a bare
// column, or the branches nested under one level and flag, it read every
// unit of the province through the path index instead.
func disadvantagedOnOrUnder(top *ent.AdminUnit) predicate.AdminUnit {
	isDisadvantagedCommune := adminunit.And(adminunit.LevelEQ(adminunit.LevelCOMMUNE), func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) { b.Ident(s.C(adminunit.FieldDisadvantaged)).WriteString(" = TRUE") }))
	})
	return adminunit.Or(
		adminunit.And(isDisadvantagedCommune, func(s *sql.Selector) { s.Where(search.Prefix(s.C(adminunit.FieldPath), top.Path)) }),
		adminunit.And(isDisadvantagedCommune, adminunit.IDIn(PathIDs(top.Path)...)),
	)
}

func newAreas(communes []*ent.AdminUnit, counters []*ent.ProgressCounter) areas {
	a := areas{communes: communes, counters: counters, eligible: map[targetKey]int{}}
	for _, pc := range counters {
		a.eligible[targetKey{pc.AdminUnitID, pc.Title, ""}] += pc.Eligible
		if pc.Subtype != "" {
			a.eligible[targetKey{pc.AdminUnitID, pc.Title, pc.Subtype}] += pc.Eligible
		}
	}
	return a
}

// of narrows a to the counters of one campaign.
func (a areas) of(campaignID int) areas {
	var counters []*ent.ProgressCounter
	for _, pc := range a.counters {
		if pc.CampaignID == campaignID {
			counters = append(counters, pc)
		}
	}
	return newAreas(a.communes, counters)
}

// share is the share of u's eligible units of a title (and subtype) that
// lie in disadvantaged communes; with nothing eligible, 0 (the general
// target), unless u is in such a commune.
func (a areas) share(u *ent.AdminUnit, title titles.Title, subtype string, eligible int) float64 {
	path := PathIDs(u.Path)
	in := 0
	for _, cm := range a.communes {
		if slices.Contains(path, cm.ID) {
			return 1 // u is the commune, or a village of it
		}
		if slices.Contains(PathIDs(cm.Path), u.ID) {
			in += a.eligible[targetKey{cm.ID, title, subtype}]
		}
	}
	if eligible <= 0 {
		return 0
	}
	return min(1, float64(in)/float64(eligible))
}
