package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/registration"
	"hoctap/internal/criteria"
	"hoctap/internal/progress"
	"hoctap/internal/title"
	"hoctap/internal/titles"
)

// unitInfo is what the campaigns need of a learning unit.
type unitInfo struct {
	id, adminUnitID int
	adminPath       string
	title           title.Title
	subtype         string
}

// yearPlan says what share of each title's units a demo campaign
// registers and recognises. Recognised shares sit above the national
// targets of 2020 (and the province's own 30% for enterprises), as Thái Bình
// reported; every commune gets its share, so every district meets them.
// Until 2023 the communes' community title follows TT 44/2014 (passed or
// failed) and no district's is awarded (titles.TemplateFor).
type yearPlan struct {
	year       int
	phase      campaign.Phase
	recognized map[title.Title]float64
	registered map[title.Title]float64
	evaluated  float64 // share of registrations evaluated, for a campaign in progress
	// lateRegistration lets officers still register units (the manager's
	// override), as units keep asking to join during the evaluation.
	lateRegistration bool
}

var plans = []yearPlan{
	{year: 2019, phase: campaign.PhaseCLOSED,
		recognized: map[title.Title]float64{titles.Family: 0.72, titles.Clan: 0.55, titles.Community: 0.64, titles.Unit: 0.56, titles.Citizen: 0.30, titles.CommunityCommune: 0.4},
		registered: map[title.Title]float64{titles.Family: 0.82, titles.Clan: 0.66, titles.Community: 0.75, titles.Unit: 0.68, titles.Citizen: 0.40, titles.CommunityCommune: 0.5},
		evaluated:  1},
	{year: 2020, phase: campaign.PhaseCLOSED,
		recognized: map[title.Title]float64{titles.Family: 0.76, titles.Clan: 0.58, titles.Community: 0.67, titles.Unit: 0.62, titles.Citizen: 0.36, titles.CommunityCommune: 0.45},
		registered: map[title.Title]float64{titles.Family: 0.86, titles.Clan: 0.70, titles.Community: 0.78, titles.Unit: 0.72, titles.Citizen: 0.45, titles.CommunityCommune: 0.55},
		evaluated:  1},
	// The first year on the two-tier tree: the new Hưng Yên's, and the
	// national shape's.
	{year: 2025, phase: campaign.PhaseCLOSED,
		recognized: map[title.Title]float64{titles.Family: 0.74, titles.Clan: 0.62, titles.Community: 0.68, titles.Unit: 0.81, titles.Citizen: 0.42, titles.CommunityCommune: 0.3},
		registered: map[title.Title]float64{titles.Family: 0.84, titles.Clan: 0.72, titles.Community: 0.78, titles.Unit: 0.88, titles.Citizen: 0.52, titles.CommunityCommune: 0.4},
		evaluated:  1},
	// The new Hưng Yên's campaign in progress.
	{year: 2026, phase: campaign.PhaseEVALUATION,
		registered: map[title.Title]float64{titles.Family: 0.86, titles.Clan: 0.74, titles.Community: 0.80, titles.Unit: 0.88, titles.Citizen: 0.55, titles.CommunityCommune: 0.45},
		evaluated:  0.4, lateRegistration: true},
	{year: 2021, phase: campaign.PhaseEVALUATION,
		registered: map[title.Title]float64{titles.Family: 0.84, titles.Clan: 0.70, titles.Community: 0.80, titles.Unit: 0.75, titles.Citizen: 0.50, titles.CommunityCommune: 0.5},
		evaluated:  0.4, lateRegistration: true},
}

// campaigns loads the campaigns of years in each province: 2019, 2020 and
// 2025 closed, 2021 and 2026 under evaluation. Registrations, evaluations
// and decisions are written in bulk, then the counters are rebuilt once per
// campaign.
func (l *loader) campaigns(ctx context.Context, years []int, provinces ...*ent.AdminUnit) error {
	levels, err := l.c.AdminUnit.Query().Select(adminunit.FieldID, adminunit.FieldLevel, adminunit.FieldPath, adminunit.FieldName, adminunit.FieldValidTo).All(ctx)
	if err != nil {
		return fmt.Errorf("demo campaigns: %w", err)
	}
	byID := map[int]*ent.AdminUnit{}
	for _, u := range levels {
		byID[u.ID] = u
	}
	for _, p := range plans {
		if !slices.Contains(years, p.year) {
			continue
		}
		for _, province := range provinces {
			if err := l.campaign(ctx, province, byID, p); err != nil {
				return fmt.Errorf("demo campaign %d of %s: %w", p.year, province.Name, err)
			}
		}
	}
	return nil
}

func (l *loader) campaign(ctx context.Context, province *ent.AdminUnit, units map[int]*ent.AdminUnit, p yearPlan) error {
	// After the 2025 reform there is no district level (the closed
	// districts keep their paths, for the campaigns before it): what
	// districts recognised, the province does.
	hasDistricts := false
	for _, u := range units {
		if u.Level == adminunit.LevelDISTRICT && u.ValidTo == nil && strings.HasPrefix(u.Path, province.Path) {
			hasDistricts = true
			break
		}
	}
	decidingLevel := func(t title.Title) adminunit.Level {
		l := titles.DecidingLevel(t)
		if l == adminunit.LevelDISTRICT && !hasDistricts {
			return adminunit.LevelPROVINCE
		}
		return l
	}
	levels := map[string]string{}
	for _, t := range titles.All {
		levels[string(t)] = string(decidingLevel(t))
	}
	b := l.c.Campaign.Create().SetProvinceID(province.ID).SetYear(p.year).SetPhase(p.phase).
		SetName(fmt.Sprintf("Xây dựng xã hội học tập năm %d – %s", p.year, province.Name)).
		SetReferenceDate(time.Date(p.year, 12, 31, 0, 0, 0, 0, time.UTC)).
		SetDecidingLevels(levels).
		SetAllowLateRegistration(p.lateRegistration)
	if p.phase == campaign.PhaseCLOSED {
		// Closed campaigns keep the windows they ran in; the one in progress
		// has none, so its phase alone decides, whatever today's date.
		b.SetRegistrationStarts(time.Date(p.year, 1, 15, 0, 0, 0, 0, time.UTC)).
			SetRegistrationEnds(time.Date(p.year, 3, 31, 0, 0, 0, 0, time.UTC)).
			SetEvaluationStarts(time.Date(p.year, 10, 1, 0, 0, 0, 0, time.UTC)).
			SetEvaluationEnds(time.Date(p.year, 11, 30, 0, 0, 0, 0, time.UTC)).
			SetRecognitionStarts(time.Date(p.year, 12, 1, 0, 0, 0, 0, time.UTC)).
			SetRecognitionEnds(time.Date(p.year, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	camp, err := b.Save(ctx)
	if err != nil {
		return err
	}
	// Each year's rule: a title no rule recognised that year (a district's
	// community before TT 25/2023) has no set, and nothing registers for it.
	sets := map[title.Title]*ent.CriteriaSet{}
	for _, t := range titles.All {
		tpl, ok := titles.TemplateFor(t, p.year)
		if !ok {
			continue
		}
		cs, err := l.c.CriteriaSet.Create().SetCampaignID(camp.ID).SetTitle(t).SetVersion(1).
			SetName(tpl.Name).SetCriteria(tpl.Criteria).SetRule(tpl.Rule).Save(ctx)
		if err != nil {
			return err
		}
		sets[t] = cs
	}
	if p.year == 2020 {
		// The province's own, lower target for enterprises (DOMAIN.md).
		if err := l.c.Target.Create().SetCampaignID(camp.ID).SetTitle(titles.Unit).SetSubtype("ENTERPRISE").
			SetAdminUnitID(province.ID).SetRate(0.30).Exec(ctx); err != nil {
			return err
		}
	}

	// Units by commune (their own commune, or the unit itself above that)
	// and title, in a stable order.
	type group struct {
		commune int
		title   title.Title
	}
	// The demo citizen's registration of an open campaign is records'
	// (records.go): registered, self-assessed, left for an officer.
	citizen, err := l.demoCitizen(ctx)
	if err != nil {
		return err
	}
	groups := map[group][]unitInfo{}
	for _, u := range l.units {
		if !strings.HasPrefix(u.adminPath, province.Path) {
			continue // another province's unit
		}
		if u.id == citizen && p.phase != campaign.PhaseCLOSED {
			continue
		}
		groups[group{communeOf(u.adminPath, units), u.title}] = append(groups[group{communeOf(u.adminPath, units), u.title}], u)
	}
	keys := make([]group, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].commune != keys[j].commune {
			return keys[i].commune < keys[j].commune
		}
		return keys[i].title < keys[j].title
	})

	// Decisions, one per deciding unit and title, are written in bulk after
	// the registrations that name them by index.
	recognizedOn := time.Date(p.year, 12, 15, 0, 0, 0, 0, time.UTC)
	decisions := map[[2]int]int{} // deciding unit, title index → decision index
	var decisionRows [][]any
	decisionFor := func(u unitInfo) (int, error) {
		level := decidingLevel(u.title)
		var decider *ent.AdminUnit
		for _, id := range progress.PathIDs(u.adminPath) {
			if a := units[id]; a != nil && a.Level == level {
				decider = a
			}
		}
		if decider == nil {
			return 0, fmt.Errorf("no %s above %s", level, u.adminPath)
		}
		k := [2]int{decider.ID, titleIndex(u.title)}
		if i, ok := decisions[k]; ok {
			return i, nil
		}
		i := len(decisionRows)
		decisionRows = append(decisionRows, []any{0, decider.Path, string(u.title), fmt.Sprintf("%d/QĐ-UBND", 100+i),
			recognizedOn, "Chủ tịch UBND " + decider.Name, time.Now().UTC(), camp.ID, decider.ID})
		decisions[k] = i
		return i, nil
	}

	now := time.Now().UTC()
	var regs, evals [][]any
	for _, k := range keys {
		us := groups[k]
		recognized := share(len(us), p.recognized[k.title])
		registered := max(share(len(us), p.registered[k.title]), recognized)
		if p.phase != campaign.PhaseCLOSED && registered == len(us) && len(us) > 1 {
			// Someone in every commune still to register, for an officer
			// trying the demo (and the tests that do), however few villages
			// the commune has at a small scale.
			registered--
		}
		set := sets[k.title]
		if set == nil {
			continue
		}
		for i, u := range us[:registered] {
			r := registrationRow{unit: u, status: registration.StatusREGISTERED, decision: -1}
			if float64(i) < math.Ceil(float64(registered)*p.evaluated) {
				pass := i < recognized || p.phase != campaign.PhaseCLOSED && i%5 != 4
				scores, res := sampleScores(set, pass)
				r.status, r.score, r.result, r.level = registration.StatusEVALUATED, &res.Total, resultOf(res), res.Level
				if i < recognized && p.phase == campaign.PhaseCLOSED {
					did, err := decisionFor(u)
					if err != nil {
						return err
					}
					r.status, r.decision, r.recognizedOn = registration.StatusRECOGNIZED, did, &recognizedOn
					if len(set.Rule.Levels) > 0 { // TT 25/2023: a level held 3 years
						until := recognizedOn.AddDate(titles.RecognitionYears, 0, -1)
						r.validUntil = &until
					}
				}
				js, err := json.Marshal(scores)
				if err != nil {
					return err
				}
				evals = append(evals, []any{0, set.ID, string(evaluation.KindFINAL), string(js), res.Total, r.result,
					nullInt(res.Level), time.Date(p.year, 11, 10, 0, 0, 0, 0, time.UTC), len(regs)})
			}
			regs = append(regs, r.values(camp.ID, now))
		}
	}
	dfirst, err := l.tx.IDs(ctx, decision.Table, len(decisionRows))
	if err != nil {
		return err
	}
	for i, d := range decisionRows {
		d[0] = dfirst + i
	}
	if err := l.tx.Insert(ctx, decision.Table, decisionColumns, decisionRows); err != nil {
		return err
	}
	first, err := l.tx.IDs(ctx, registration.Table, len(regs))
	if err != nil {
		return err
	}
	for i := range regs {
		regs[i][0] = first + i
		if d, ok := regs[i][decisionColumn].(int); ok {
			regs[i][decisionColumn] = dfirst + d // the decision's index becomes its id
		}
	}
	if err := l.tx.Insert(ctx, registration.Table, registrationColumns, regs); err != nil {
		return err
	}
	efirst, err := l.tx.IDs(ctx, evaluation.Table, len(evals))
	if err != nil {
		return err
	}
	for i, e := range evals {
		e[0] = efirst + i
		e[len(e)-1] = first + e[len(e)-1].(int) // the registration's index becomes its id
	}
	if err := l.tx.Insert(ctx, evaluation.Table, evaluationColumns, evals); err != nil {
		return err
	}
	return progress.Rebuild(ctx, l.c, camp)
}

var (
	registrationColumns = []string{
		registration.FieldID, registration.FieldCreatedAt, registration.FieldUpdatedAt, registration.FieldVersion,
		registration.FieldTitle, registration.FieldSubtype, registration.FieldAdminPath, registration.FieldStatus,
		registration.FieldResult, registration.FieldLevel, registration.FieldScore, registration.FieldRecognizedOn,
		registration.FieldValidUntil, registration.FieldCampaignID, registration.FieldDecisionID,
		registration.FieldLearningUnitID, registration.FieldAdminUnitID,
	}
	// decisionColumn is the index of the decision in registrationColumns.
	decisionColumn  = slices.Index(registrationColumns, registration.FieldDecisionID)
	decisionColumns = []string{
		decision.FieldID, decision.FieldScopePath, decision.FieldTitle, decision.FieldNumber, decision.FieldDate,
		decision.FieldSigner, decision.FieldCreatedAt, decision.FieldCampaignID, decision.FieldDecidingUnitID,
	}
	evaluationColumns = []string{
		evaluation.FieldID, evaluation.FieldCriteriaSetID, evaluation.FieldKind, evaluation.FieldScores, evaluation.FieldTotal,
		evaluation.FieldResult, evaluation.FieldLevel, evaluation.FieldCreatedAt, evaluation.FieldRegistrationID,
	}
)

// registrationRow is a registration to write in bulk.
type registrationRow struct {
	unit                     unitInfo
	status                   registration.Status
	result                   string
	score                    *float64
	level                    int
	decision                 int // an index into the campaign's decisions, -1 for none
	recognizedOn, validUntil *time.Time
}

func (r registrationRow) values(campaignID int, now time.Time) []any {
	var result, score, decision, recognizedOn, validUntil any
	if r.result != "" {
		result = r.result
	}
	if r.score != nil {
		score = *r.score
	}
	if r.decision >= 0 {
		decision = r.decision
	}
	if r.recognizedOn != nil {
		recognizedOn = *r.recognizedOn
	}
	if r.validUntil != nil {
		validUntil = *r.validUntil
	}
	return []any{0, now, now, 1, string(r.unit.title), r.unit.subtype, r.unit.adminPath, string(r.status),
		result, nullInt(r.level), score, recognizedOn, validUntil, campaignID, decision, r.unit.id, r.unit.adminUnitID}
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// share is ⌈n × rate⌉: rounding up keeps every commune at or above rate.
func share(n int, rate float64) int {
	return min(n, int(math.Ceil(float64(n)*rate-1e-9)))
}

// sampleScores gives every criterion 80% of its points (all of a required
// one) to pass, or 40% to fail, and scores them with the set's own rule.
func sampleScores(set *ent.CriteriaSet, pass bool) (map[string]float64, criteria.Result) {
	scores := map[string]float64{}
	for _, c := range set.Criteria {
		switch {
		case pass && c.Required:
			scores[c.Code] = c.MaxPoints
		case pass:
			scores[c.Code] = math.Round(c.MaxPoints * 0.8)
		default:
			scores[c.Code] = math.Round(c.MaxPoints * 0.4)
		}
	}
	res, _ := criteria.Score(set.Criteria, set.Rule, scores)
	return scores, res
}

func resultOf(r criteria.Result) string {
	if r.Passed {
		return "PASSED"
	}
	return "FAILED"
}

func titleIndex(t title.Title) int {
	for i, x := range titles.All {
		if x == t {
			return i
		}
	}
	return -1
}

// communeOf returns the commune on a path, or the deepest unit above the
// commune level (a district's or the province's own community).
func communeOf(path string, units map[int]*ent.AdminUnit) int {
	last := 0
	for _, id := range progress.PathIDs(path) {
		u := units[id]
		if u == nil {
			continue
		}
		last = id
		if u.Level == adminunit.LevelCOMMUNE {
			return id
		}
	}
	return last
}
