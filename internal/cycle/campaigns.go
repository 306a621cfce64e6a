// Package cycle holds the rules of the yearly title cycle: campaigns and
// their phases, targets and criteria, and each registration's way from
// registration through evaluation to recognition. Who may act is decided
// first, by Roles and the ent privacy policies; this package then decides
// what may happen when, keeps the progress counters in step and writes the
// audit trail, all in the caller's transaction (ent.FromContext).
package cycle

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/evaluation"
	"hoctap/ent/privacy"
	"hoctap/ent/target"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/criteria"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/progress"
	"hoctap/internal/titles"
)

var (
	msgNotProvince    = i18n.Message{VI: "Chiến dịch phải thuộc một tỉnh.", EN: "A campaign belongs to a province."}
	msgCampaignExists = i18n.Message{VI: "Tỉnh đã có chiến dịch năm %d.", EN: "The province already has a campaign for %d."}
	msgYear           = i18n.Message{VI: "Năm phải từ 2000 đến 2100.", EN: "The year must be from 2000 to 2100."}
	msgDates          = i18n.Message{VI: "Ngày kết thúc phải sau ngày bắt đầu.", EN: "The end must come after the start."}
	msgLastPhase      = i18n.Message{VI: "Chiến dịch đã kết thúc.", EN: "The campaign is closed."}
	msgFirstPhase     = i18n.Message{VI: "Chiến dịch đang ở giai đoạn đầu tiên.", EN: "The campaign is in its first phase."}
	msgReason         = i18n.Message{VI: "Cần ghi lý do.", EN: "Give a reason."}
	msgRate           = i18n.Message{VI: "Chỉ tiêu phải từ 0 đến 1 (0%–100%).", EN: "A target is from 0 to 1 (0%–100%)."}
	msgSubtype        = i18n.Message{VI: "Phân loại %q không hợp lệ.", EN: "Unknown subtype %q."}
	msgSubtypeTitle   = i18n.Message{VI: "Chỉ danh hiệu Đơn vị học tập có chỉ tiêu theo phân loại.", EN: "Only the learning-unit title has per-subtype targets."}
	msgUnitOutside    = i18n.Message{VI: "Đơn vị hành chính không thuộc tỉnh của chiến dịch.", EN: "The admin unit is not in the campaign's province."}
	msgLevel          = i18n.Message{VI: "Cấp %q không hợp lệ.", EN: "Unknown level %q."}
	msgTitle          = i18n.Message{VI: "Danh hiệu %q không hợp lệ.", EN: "Unknown title %q."}
	msgLevelTwice     = i18n.Message{VI: "Danh hiệu %s được khai báo hai lần.", EN: "The %s title is given twice."}
	msgNotDeciding    = i18n.Message{VI: "Không có danh hiệu nào do cấp %s công nhận.", EN: "No title is recognised at %s level."}
	msgClosed         = i18n.Message{VI: "Chiến dịch đã kết thúc, không thể thay đổi.", EN: "The campaign is closed and cannot change."}
	msgRecordTitle    = i18n.Message{VI: "Chỉ tiêu chí của danh hiệu Công dân học tập mới có yêu cầu về hồ sơ học tập.", EN: "Only criteria of the learning-citizen title can ask for a learning record."}
	msgMoved          = i18n.Message{VI: "Chiến dịch đã được chuyển sang giai đoạn %s bởi người khác (hoặc bởi một lần gửi trước); hãy xem lại trước khi chuyển tiếp.", EN: "The campaign has already been moved to the %s phase, by someone else or by an earlier submission; review it before moving on."}
)

// Phases are a campaign's phases in order.
var Phases = []campaign.Phase{campaign.PhasePLANNING, campaign.PhaseREGISTRATION, campaign.PhaseEVALUATION, campaign.PhaseRECOGNITION, campaign.PhaseCLOSED}

func phaseIndex(p campaign.Phase) int {
	for i, x := range Phases {
		if x == p {
			return i
		}
	}
	return -1
}

// Windows are the optional date windows of a campaign's phases.
type Windows struct {
	RegistrationStarts, RegistrationEnds *time.Time
	EvaluationStarts, EvaluationEnds     *time.Time
	RecognitionStarts, RecognitionEnds   *time.Time
}

func (w Windows) check() error {
	for _, p := range []struct {
		field    string
		from, to *time.Time
	}{
		{"registrationEnds", w.RegistrationStarts, w.RegistrationEnds},
		{"evaluationEnds", w.EvaluationStarts, w.EvaluationEnds},
		{"recognitionEnds", w.RecognitionStarts, w.RecognitionEnds},
	} {
		if p.from != nil && p.to != nil && p.to.Before(*p.from) {
			return apperr.Input(p.field, msgDates)
		}
	}
	return nil
}

// CampaignInput is a new campaign.
type CampaignInput struct {
	ProvinceID int
	Year       int
	Name       string
	Windows
	// DecidingLevels overrides which admin level recognises a title.
	DecidingLevels []TitleLevel
}

// TitleLevel names the admin level that recognises a title.
type TitleLevel struct {
	Title titles.Title
	Level adminunit.Level
}

// CreateCampaign opens a province's campaign for a year. It copies the
// targets and the latest criteria of the province's previous campaign, or
// starts from the built-in templates, and counts the eligible units.
func CreateCampaign(ctx context.Context, in CampaignInput) (*ent.Campaign, error) {
	if err := may(ctx, "createCampaign"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	province, err := access.Lookup(ctx, "provinceID", func(ctx context.Context) (*ent.AdminUnit, error) {
		return c.AdminUnit.Get(ctx, in.ProvinceID)
	})
	if err != nil {
		return nil, err
	}
	if err := access.Authorize(ctx, campaign.Policy, "provinceID", c.Campaign.Create().SetProvinceID(province.ID).Mutation()); err != nil {
		return nil, err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return nil, apperr.Input("year", msgYear)
	}
	if err := in.Windows.check(); err != nil {
		return nil, err
	}
	levels, err := decidingLevels(in.DecidingLevels)
	if err != nil {
		return nil, err
	}
	if province.Level != adminunit.LevelPROVINCE {
		return nil, apperr.Input("provinceID", msgNotProvince)
	}
	exists, err := c.Campaign.Query().Where(campaign.ProvinceID(province.ID), campaign.Year(in.Year)).Exist(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("create campaign: %w", err)
	}
	if exists {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "year", Msg: msgCampaignExists, Args: []any{in.Year}}
	}
	name := in.Name
	if name == "" {
		name = fmt.Sprintf("Xây dựng xã hội học tập năm %d – %s", in.Year, province.Name)
	}
	camp, err := c.Campaign.Create().
		SetProvinceID(province.ID).SetYear(in.Year).SetName(name).
		SetReferenceDate(time.Date(in.Year, 12, 31, 0, 0, 0, 0, time.UTC)).
		SetNillableRegistrationStarts(in.RegistrationStarts).SetNillableRegistrationEnds(in.RegistrationEnds).
		SetNillableEvaluationStarts(in.EvaluationStarts).SetNillableEvaluationEnds(in.EvaluationEnds).
		SetNillableRecognitionStarts(in.RecognitionStarts).SetNillableRecognitionEnds(in.RecognitionEnds).
		SetDecidingLevels(levels).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create campaign: %w", err)
	}
	copied, err := copyPrevious(ctx, c, camp)
	if err != nil {
		return nil, err
	}
	if err := progress.Rebuild(ctx, c, camp); err != nil {
		return nil, err
	}
	return camp, audit.Record(ctx, c, audit.Entry{
		Action: "campaign.create", TargetType: "Campaign", TargetID: camp.ID, ScopePath: camp.ScopePath,
		Details: map[string]any{"year": camp.Year, "copiedFrom": copied},
	})
}

func decidingLevels(in []TitleLevel) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range titles.All {
		out[string(t)] = string(titles.DecidingLevel(t))
	}
	seen := map[titles.Title]bool{}
	for _, d := range in {
		t, l := d.Title, d.Level
		if seen[t] {
			return nil, apperr.Input("decidingLevels", msgLevelTwice, titles.TitleName(t))
		}
		seen[t] = true
		if registrationTitle(t) != nil {
			return nil, apperr.Input("decidingLevels", msgTitle, t)
		}
		if adminunit.LevelValidator(l) != nil {
			return nil, apperr.Input("decidingLevels", msgLevel, l)
		}
		if l == adminunit.LevelVILLAGE || l == adminunit.LevelCOUNTRY {
			return nil, apperr.Input("decidingLevels", msgNotDeciding, titles.LevelName(l))
		}
		out[string(t)] = string(l)
	}
	return out, nil
}

// copyPrevious copies targets and the latest criteria of the province's
// latest earlier campaign into camp, or the templates of camp's year when
// there is none. It returns the year copied from, 0 for the templates.
//
// What the previous campaign held may no longer apply: a community title
// whose rule changed between the two years (Thông tư 44/2014 gave way to
// 25/2023 in 2024) takes the template of the new year, and the targets of
// units a reorganisation closed since are left behind.
func copyPrevious(ctx context.Context, c *ent.Client, camp *ent.Campaign) (int, error) {
	prev, err := c.Campaign.Query().
		Where(campaign.ProvinceID(camp.ProvinceID), campaign.YearLT(camp.Year)).
		Order(ent.Desc(campaign.FieldYear)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return 0, fmt.Errorf("previous campaign: %w", err)
	}
	if prev != nil {
		targets, err := prev.QueryTargets().Where(target.HasAdminUnitWith(adminunit.ValidToIsNil())).All(ctx)
		if err != nil {
			return 0, fmt.Errorf("previous targets: %w", err)
		}
		builders := make([]*ent.TargetCreate, len(targets))
		for i, t := range targets {
			builders[i] = c.Target.Create().SetCampaignID(camp.ID).SetTitle(t.Title).SetSubtype(t.Subtype).
				SetAdminUnitID(t.AdminUnitID).SetRate(t.Rate)
		}
		if err := c.Target.CreateBulk(builders...).Exec(ctx); err != nil {
			return 0, fmt.Errorf("copy targets: %w", err)
		}
	}
	var builders []*ent.CriteriaSetCreate
	for _, t := range titles.All {
		b := c.CriteriaSet.Create().SetCampaignID(camp.ID).SetTitle(t).SetVersion(1)
		var cs *ent.CriteriaSet
		if prev != nil && sameRule(t, prev.Year, camp.Year) {
			if cs, err = LatestSet(ctx, c, prev.ID, t); err != nil && !ent.IsNotFound(err) {
				return 0, err
			}
		}
		if cs != nil {
			b.SetName(cs.Name).SetCriteria(cs.Criteria).SetRule(cs.Rule)
		} else {
			// A title no rule of the year recognises (a district's
			// community before 2024) gets no set.
			tpl, ok := titles.TemplateFor(t, camp.Year)
			if !ok {
				continue
			}
			b.SetName(tpl.Name).SetCriteria(tpl.Criteria).SetRule(tpl.Rule)
		}
		builders = append(builders, b)
	}
	if err := c.CriteriaSet.CreateBulk(builders...).Exec(ctx); err != nil {
		return 0, fmt.Errorf("copy criteria: %w", err)
	}
	if prev == nil {
		return 0, nil
	}
	return prev.Year, nil
}

// sameRule reports whether title t was recognised by the same rule in
// both years: the community titles changed rule in titles.TT25From.
func sameRule(t titles.Title, a, b int) bool {
	return !titles.Leveled(t) || (a < titles.TT25From) == (b < titles.TT25From)
}

// DecidingLevel is the level whose units recognise title t in a campaign:
// the campaign's own choice, else the decree's.
func DecidingLevel(camp *ent.Campaign, t titles.Title) adminunit.Level {
	if level := adminunit.Level(camp.DecidingLevels[string(t)]); level != "" {
		return level
	}
	return titles.DecidingLevel(t)
}

// LatestSet returns the newest criteria set of a title in a campaign.
func LatestSet(ctx context.Context, c *ent.Client, campaignID int, t titles.Title) (*ent.CriteriaSet, error) {
	return c.CriteriaSet.Query().
		Where(criteriaset.CampaignID(campaignID), criteriaset.TitleEQ(t)).
		Order(ent.Desc(criteriaset.FieldVersion)).First(ctx)
}

// writableCampaign loads the campaign a write is about and checks that the
// viewer may change it: campaigns are read by everyone in or under their
// province, but changed only by its managers.
func writableCampaign(ctx context.Context, c *ent.Client, field string, id int) (*ent.Campaign, error) {
	camp, err := access.Lookup(ctx, field, func(ctx context.Context) (*ent.Campaign, error) { return c.Campaign.Get(ctx, id) })
	if err != nil {
		return nil, err
	}
	if err := access.Authorize(ctx, campaign.Policy, field, c.Campaign.UpdateOneID(id).Mutation()); err != nil {
		return nil, err
	}
	return camp, nil
}

// CampaignUpdate changes a campaign; nil fields stay.
type CampaignUpdate struct {
	Name                  *string
	Windows               Windows
	AllowLateRegistration *bool
	DecidingLevels        []TitleLevel
	Version               *int
}

// UpdateCampaign changes a campaign's name, windows and settings.
func UpdateCampaign(ctx context.Context, id int, in CampaignUpdate) (*ent.Campaign, error) {
	if err := may(ctx, "updateCampaign"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	camp, err := writableCampaign(ctx, c, "id", id)
	if err != nil {
		return nil, err
	}
	w := Windows{
		RegistrationStarts: pick(in.Windows.RegistrationStarts, camp.RegistrationStarts),
		RegistrationEnds:   pick(in.Windows.RegistrationEnds, camp.RegistrationEnds),
		EvaluationStarts:   pick(in.Windows.EvaluationStarts, camp.EvaluationStarts),
		EvaluationEnds:     pick(in.Windows.EvaluationEnds, camp.EvaluationEnds),
		RecognitionStarts:  pick(in.Windows.RecognitionStarts, camp.RecognitionStarts),
		RecognitionEnds:    pick(in.Windows.RecognitionEnds, camp.RecognitionEnds),
	}
	if err := w.check(); err != nil {
		return nil, err
	}
	u := c.Campaign.UpdateOneID(id).Where(campaign.Version(camp.Version)).
		SetNillableRegistrationStarts(w.RegistrationStarts).SetNillableRegistrationEnds(w.RegistrationEnds).
		SetNillableEvaluationStarts(w.EvaluationStarts).SetNillableEvaluationEnds(w.EvaluationEnds).
		SetNillableRecognitionStarts(w.RecognitionStarts).SetNillableRecognitionEnds(w.RecognitionEnds).
		SetNillableAllowLateRegistration(in.AllowLateRegistration)
	if in.Name != nil {
		if *in.Name == "" {
			return nil, apperr.Input("name", apperr.MsgRequired)
		}
		u.SetName(*in.Name)
	}
	if in.DecidingLevels != nil {
		levels, err := decidingLevels(in.DecidingLevels)
		if err != nil {
			return nil, err
		}
		u.SetDecidingLevels(levels)
	}
	applied, err := idem.CheckVersion(ctx, in.Version, camp.Version, u.Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return camp, nil
	}
	updated, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(camp.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update campaign: %w", err)
	}
	return updated, audit.Record(ctx, c, audit.Entry{Action: "campaign.update", TargetType: "Campaign", TargetID: id, ScopePath: camp.ScopePath})
}

func pick(v, old *time.Time) *time.Time {
	if v != nil {
		return v
	}
	return old
}

// Advance moves a campaign from phase from to the next one. The caller
// names the phase it saw, so two confirmations of the same step (two
// managers, or one form sent twice) move the campaign once: the second gets
// CONFLICT instead of silently skipping a phase.
func Advance(ctx context.Context, id int, from campaign.Phase, reason string, expectedVersion *int) (*ent.Campaign, error) {
	if err := may(ctx, "advanceCampaign"); err != nil {
		return nil, err
	}
	return move(ctx, id, from, 1, reason, expectedVersion)
}

// Revert moves a campaign back one phase from phase from; only a MANAGER (or
// ADMIN) may, and must say why.
func Revert(ctx context.Context, id int, from campaign.Phase, reason string, expectedVersion *int) (*ent.Campaign, error) {
	if err := may(ctx, "revertCampaign"); err != nil {
		return nil, err
	}
	return move(ctx, id, from, -1, reason, expectedVersion)
}

func move(ctx context.Context, id int, from campaign.Phase, step int, reason string, expectedVersion *int) (*ent.Campaign, error) {
	c := ent.FromContext(ctx)
	camp, err := writableCampaign(ctx, c, "id", id)
	if err != nil {
		return nil, err
	}
	if step < 0 && reason == "" {
		return nil, apperr.Input("reason", msgReason)
	}
	if campaign.PhaseValidator(from) != nil {
		return nil, apperr.Input("from", apperr.MsgInvalidValue, "from", string(from))
	}
	if moved(camp, from, step, expectedVersion) {
		return camp, nil
	}
	i := phaseIndex(from) + step
	if i < 0 || i >= len(Phases) {
		if camp.Phase != from {
			return nil, movedMeanwhile(camp.Phase)
		}
		if i < 0 {
			return nil, apperr.Input("id", msgFirstPhase)
		}
		return nil, apperr.Input("id", msgLastPhase)
	}
	next := Phases[i]
	if camp.Phase == from {
		// A moved campaign answers CONFLICT on from (below), which says more.
		if err := apperr.CheckVersion(expectedVersion, camp.Version); err != nil {
			return nil, err
		}
	}
	// The phase condition is checked by the database, not by comparing with
	// camp: two replicas may both have read the old phase. On PostgreSQL the
	// second UPDATE waits for the first to commit and then matches no row.
	// The privacy policy runs here too, so a role that may not move
	// campaigns is FORBIDDEN whatever phase it names.
	updated, err := c.Campaign.UpdateOneID(id).Where(campaign.PhaseEQ(from)).SetPhase(next).Save(ctx)
	if ent.IsNotFound(err) {
		now, err := c.Campaign.Get(system(ctx), id)
		if err != nil {
			return nil, fmt.Errorf("move campaign %d: phase after conflict: %w", id, err)
		}
		if moved(now, from, step, expectedVersion) {
			return c.Campaign.Get(ctx, id)
		}
		return nil, movedMeanwhile(now.Phase)
	}
	if err != nil {
		return nil, fmt.Errorf("move campaign %d from %s to %s: %w", id, from, next, err)
	}
	action := "campaign.advance"
	if step < 0 {
		action = "campaign.revert"
	}
	return updated, audit.Record(ctx, c, audit.Entry{
		Action: action, TargetType: "Campaign", TargetID: id, ScopePath: camp.ScopePath,
		Details: map[string]any{"from": from, "to": next, "reason": reason},
	})
}

// moved reports whether camp is where the move of step from phase from,
// based on version expectedVersion, takes it, by that very move: the
// campaign is one version on and in the next phase, so the one change since
// the client read it is this move. A resent move (its answer lost) is then
// answered with the campaign rather than CONFLICT. Without expectedVersion,
// or with any other change between, it is not recognised.
func moved(camp *ent.Campaign, from campaign.Phase, step int, expectedVersion *int) bool {
	i := phaseIndex(from) + step
	return expectedVersion != nil && camp.Version == *expectedVersion+1 &&
		i >= 0 && i < len(Phases) && camp.Phase == Phases[i]
}

// movedMeanwhile is the CONFLICT of a phase change whose starting phase is
// no longer the campaign's.
func movedMeanwhile(now campaign.Phase) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "from", Msg: msgMoved, Args: []any{titles.PhaseName(now)}}
}

// TargetInput sets or clears one target override.
type TargetInput struct {
	Title   titles.Title
	Subtype string
	// AdminUnitID is the unit whose subtree the target covers; 0 for the
	// whole province.
	AdminUnitID int
	// Rate is the share to reach; nil removes the override, so the next one
	// up the tree (or the national target) applies again.
	Rate *float64
}

// SetTargets sets many targets of a campaign at once, all or none.
func SetTargets(ctx context.Context, campaignID int, rows []TargetInput) error {
	if err := may(ctx, "setTargets"); err != nil {
		return err
	}
	c := ent.FromContext(ctx)
	camp, err := writableCampaign(ctx, c, "campaignID", campaignID)
	if err != nil {
		return err
	}
	if camp.Phase == campaign.PhaseCLOSED {
		return apperr.Input("campaignID", msgClosed)
	}
	for i, r := range rows {
		f := fmt.Sprintf("targets[%d].", i)
		if registrationTitle(r.Title) != nil {
			return apperr.Input(f+"title", msgTitle, r.Title)
		}
		if r.Rate != nil && !(*r.Rate >= 0 && *r.Rate <= 1) {
			return apperr.Input(f+"rate", msgRate)
		}
		if r.Subtype != "" {
			if r.Title != titles.Unit {
				return apperr.Input(f+"subtype", msgSubtypeTitle)
			}
			if !validSubtype(r.Subtype) {
				return apperr.Input(f+"subtype", msgSubtype, r.Subtype)
			}
		}
		unitID := r.AdminUnitID
		if unitID == 0 {
			unitID = camp.ProvinceID
		}
		u, err := access.Lookup(ctx, f+"adminUnitID", func(ctx context.Context) (*ent.AdminUnit, error) { return c.AdminUnit.Get(ctx, unitID) })
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u.Path, camp.ScopePath) {
			return apperr.Input(f+"adminUnitID", msgUnitOutside)
		}
		_, err = c.Target.Delete().Where(target.CampaignID(camp.ID), target.TitleEQ(r.Title),
			target.Subtype(r.Subtype), target.AdminUnitID(unitID)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("set targets: %w", err)
		}
		if r.Rate != nil {
			err = c.Target.Create().SetCampaignID(camp.ID).SetTitle(r.Title).SetSubtype(r.Subtype).
				SetAdminUnitID(unitID).SetRate(*r.Rate).Exec(ctx)
			if err != nil {
				return fmt.Errorf("set targets: %w", err)
			}
		}
	}
	if err := audit.Record(ctx, c, audit.Entry{
		Action: "campaign.set_targets", TargetType: "Campaign", TargetID: camp.ID, ScopePath: camp.ScopePath,
		Details: map[string]any{"rows": rows},
	}); err != nil {
		return err
	}
	return nil
}

// SetCriteria replaces the criteria of a title in a campaign. The latest set
// is edited in place while no evaluation uses it; once used, it stays as it
// is and a new version is added, so no evaluation's basis ever changes.
func SetCriteria(ctx context.Context, campaignID int, title titles.Title, name string, cs []criteria.Criterion, rule criteria.Rule) (*ent.CriteriaSet, error) {
	if err := may(ctx, "setCriteria"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	camp, err := writableCampaign(ctx, c, "campaignID", campaignID)
	if err != nil {
		return nil, err
	}
	if camp.Phase == campaign.PhaseCLOSED {
		return nil, apperr.Input("campaignID", msgClosed)
	}
	if registrationTitle(title) != nil {
		return nil, apperr.Input("title", msgTitle, title)
	}
	if err := criteria.Validate(cs, rule); err != nil {
		return nil, err
	}
	if title != titles.Citizen {
		// Only a citizen has a lifelong-learning record to ask of.
		for i, cr := range cs {
			if cr.Record != nil {
				return nil, apperr.Input(fmt.Sprintf("criteria[%d].record", i), msgRecordTitle)
			}
		}
	}
	if name == "" {
		return nil, apperr.Input("name", apperr.MsgRequired)
	}
	latest, err := LatestSet(ctx, c, camp.ID, title)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("set criteria: %w", err)
	}
	version := 1
	if latest != nil {
		used, err := c.Evaluation.Query().Where(evaluation.CriteriaSetID(latest.ID)).Exist(system(ctx))
		if err != nil {
			return nil, fmt.Errorf("set criteria: %w", err)
		}
		if !used {
			if err := c.CriteriaSet.DeleteOneID(latest.ID).Exec(ctx); err != nil {
				return nil, fmt.Errorf("set criteria: %w", err)
			}
			version = latest.Version
		} else {
			version = latest.Version + 1
		}
	}
	set, err := c.CriteriaSet.Create().SetCampaignID(camp.ID).SetTitle(title).SetVersion(version).
		SetName(name).SetCriteria(cs).SetRule(rule).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("set criteria: %w", err)
	}
	return set, audit.Record(ctx, c, audit.Entry{
		Action: "campaign.set_criteria", TargetType: "Campaign", TargetID: camp.ID, ScopePath: camp.ScopePath,
		Details: map[string]any{"title": title, "version": version},
	})
}

func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}
