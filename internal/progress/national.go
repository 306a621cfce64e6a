package progress

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/progresscounter"
	"hoctap/ent/target"
	"hoctap/internal/apperr"
	"hoctap/internal/national"
	"hoctap/internal/viewer"
)

// National is the progress of a year across the provinces' campaigns: each
// province's report (on its own campaign and targets) and the country's
// sums against the national targets.
type National struct {
	Year     int
	Unit     *ent.AdminUnit
	Rows     []Row
	Children []*Report
	Summary  Summary
}

// BuildNational reports a year nationally in a few queries, whatever the
// number of provinces: the country and the campaigns (as the viewer, so only
// an ADMIN — or whoever sees the country — gets it), then the national
// table, the provinces' counters and targets, and the disadvantaged
// communes' counters (plus one per campaign older than its copy of the
// national targets).
func BuildNational(ctx context.Context, c *ent.Client, year int) (*National, error) {
	country, err := c.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelCOUNTRY)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("national progress: %w", err)
	}
	// Everyone reads the country's name (breadcrumbs); its report is for
	// those whose scope it is.
	if !viewer.FromContext(ctx).Reaches(country.Path) {
		return nil, apperr.New(apperr.NotFound, apperr.MsgNotFound)
	}
	camps, err := c.Campaign.Query().Where(campaign.Year(year)).WithProvince().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("national progress: campaigns: %w", err)
	}
	// The country's rows are set against the current national table.
	nat, err := national.ForYear(ctx, c, year)
	if err != nil {
		return nil, fmt.Errorf("national progress: %w", err)
	}
	n := &National{Year: year, Unit: country}
	if len(camps) == 0 {
		n.Rows = rows(country, nil, newTargets(nat, nil, areas{}))
		return n, nil
	}
	ids := make([]int, len(camps))
	provinces := make([]int, len(camps))
	for i, camp := range camps {
		ids[i], provinces[i] = camp.ID, camp.ProvinceID
	}
	counters, err := c.ProgressCounter.Query().
		Where(progresscounter.CampaignIDIn(ids...), progresscounter.AdminUnitIDIn(provinces...)).
		All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("national progress: counters: %w", err)
	}
	overrides, err := c.Target.Query().Where(target.CampaignIDIn(ids...)).All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("national progress: targets: %w", err)
	}
	provinceOf := make(map[int]int, len(camps))
	for _, camp := range camps {
		provinceOf[camp.ID] = camp.ProvinceID
	}
	byCampaign := map[int][]*ent.ProgressCounter{}
	var all []*ent.ProgressCounter
	for _, pc := range counters {
		if pc.AdminUnitID == provinceOf[pc.CampaignID] {
			byCampaign[pc.CampaignID] = append(byCampaign[pc.CampaignID], pc)
			all = append(all, pc)
		}
	}
	a, err := loadAreas(ctx, c, ids, country)
	if err != nil {
		return nil, err
	}
	targetsOf := map[int][]*ent.Target{}
	for _, t := range overrides {
		targetsOf[t.CampaignID] = append(targetsOf[t.CampaignID], t)
	}
	for _, camp := range camps {
		// Each province against the targets its campaign took; its
		// communes' counters are that campaign's alone.
		own, err := national.Of(ctx, c, camp)
		if err != nil {
			return nil, fmt.Errorf("national progress: %w", err)
		}
		ca := a.of(camp.ID)
		r := &Report{Unit: camp.Edges.Province, Campaign: camp,
			Rows: rows(camp.Edges.Province, byCampaign[camp.ID], newTargets(own, targetsOf[camp.ID], ca))}
		n.Children = append(n.Children, r)
		n.Summary.count(adminunit.LevelPROVINCE, r.MeetsAll())
	}
	// The country's rows: every province's counts against the national
	// targets (the root's own overrides do not exist).
	n.Rows = rows(country, all, newTargets(nat, nil, a))
	return n, nil
}
