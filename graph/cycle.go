package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/target"
	"hoctap/graph/model"
	"hoctap/internal/apperr"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/title"
	"hoctap/internal/viewer"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// subtypeOf turns a stored subtype ("" for none) into the GraphQL enum.
func subtypeOf(s *string) *learningunit.Subtype {
	if s == nil || *s == "" {
		return nil
	}
	st := learningunit.Subtype(*s)
	return &st
}

func decidingLevels(in []*model.DecidingLevelInput) []cycle.TitleLevel {
	if in == nil {
		return nil
	}
	out := make([]cycle.TitleLevel, len(in))
	for i, l := range in {
		out[i] = cycle.TitleLevel{Title: l.Title, Level: l.Level}
	}
	return out
}

// currentSets returns the newest criteria set of each title of a campaign,
// and whether evaluations use it, in two queries.
func currentSets(ctx context.Context, c *ent.Client, campaignID int) ([]*model.CriteriaSetView, error) {
	sets, err := c.CriteriaSet.Query().Where(criteriaset.CampaignID(campaignID)).
		Order(ent.Asc(criteriaset.FieldTitle), ent.Desc(criteriaset.FieldVersion)).All(ctx)
	if err != nil {
		return nil, err
	}
	latest := map[title.Title]*ent.CriteriaSet{}
	var ids []int
	for _, s := range sets {
		if latest[s.Title] == nil {
			latest[s.Title] = s
			ids = append(ids, s.ID)
		}
	}
	used, err := c.Evaluation.Query().Where(evaluation.CriteriaSetIDIn(ids...)).
		Unique(true).Select(evaluation.FieldCriteriaSetID).Ints(ctx)
	if err != nil {
		return nil, err
	}
	inUse := map[int]bool{}
	for _, id := range used {
		inUse[id] = true
	}
	out := make([]*model.CriteriaSetView, 0, len(latest))
	for _, t := range title.All {
		if s := latest[t]; s != nil {
			out = append(out, &model.CriteriaSetView{CriteriaSet: s, InUse: inUse[s.ID]})
		}
	}
	return out, nil
}

// campaignTargets are a campaign's targets with their units, in the order
// the API lists them.
func campaignTargets(ctx context.Context, campaignID int) ([]*ent.Target, error) {
	return ent.FromContext(ctx).Target.Query().Where(target.CampaignID(campaignID)).WithAdminUnit().
		Order(ent.Asc(target.FieldTitle), ent.Asc(target.FieldID)).All(ctx)
}

var msgNotProvince = i18n.Message{VI: "Đơn vị không phải tỉnh, thành phố.", EN: "The unit is not a province."}

// currentCampaign is the open campaign of the province the viewer's scope
// lies in, or of provinceID.
func currentCampaign(ctx context.Context, c *ent.Client, provinceID *int) (*ent.Campaign, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
	}
	paths := search.Lineage(v.ScopePath)
	if provinceID != nil {
		p, err := c.AdminUnit.Get(ctx, *provinceID)
		switch {
		case ent.IsNotFound(err):
			return nil, &apperr.Error{Code: apperr.NotFound, Field: "provinceID", Msg: apperr.MsgNotFound, Err: err}
		case err != nil:
			return nil, err
		case p.Level != adminunit.LevelPROVINCE:
			return nil, apperr.Input("provinceID", msgNotProvince)
		}
		paths = []string{p.Path}
	}
	camp, err := c.Campaign.Query().
		Where(campaign.ScopePathIn(paths...), campaign.PhaseNEQ(campaign.PhaseCLOSED)).
		Order(ent.Desc(campaign.FieldYear)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return camp, err
}

// criterionScores lists an evaluation's points by criterion code, in the
// codes' natural order: TC2 before TC10.
func criterionScores(m map[string]float64) []*model.CriterionScore {
	out := make([]*model.CriterionScore, 0, len(m))
	for code, points := range m {
		out = append(out, &model.CriterionScore{Code: code, Points: points})
	}
	slices.SortFunc(out, func(a, b *model.CriterionScore) int { return naturalCompare(a.Code, b.Code) })
	return out
}

// naturalCompare orders strings with their runs of digits compared as
// numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
