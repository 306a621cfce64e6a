package cycle

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/criteria"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/recordsummary"
	"hoctap/internal/rule"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

var (
	msgPhase            = i18n.Message{VI: "Chiến dịch đang ở giai đoạn %s, chưa thể %s.", EN: "The campaign is in its %s phase; you cannot %s now."}
	msgWindow           = i18n.Message{VI: "Ngoài thời hạn %s của chiến dịch (%s – %s).", EN: "Outside the campaign's %s window (%s – %s)."}
	msgWrongTitle       = i18n.Message{VI: "Danh hiệu %[1]s không dành cho %[2]s này; %[2]s này chỉ đăng ký được danh hiệu %[3]s.", EN: "The %s title is not open to this %s, which may aim at the %s title only."}
	msgNoTitle          = i18n.Message{VI: "Không có danh hiệu nào dành cho %s ở cấp %s.", EN: "No title is open to a %s at %s level."}
	msgArchivedUnit     = i18n.Message{VI: "Đơn vị đã được lưu trữ.", EN: "The unit is archived."}
	msgOtherProvince    = i18n.Message{VI: "Đơn vị không thuộc tỉnh của chiến dịch.", EN: "The unit is not in the campaign's province."}
	msgRegistered       = i18n.Message{VI: "Đơn vị đã đăng ký danh hiệu này trong chiến dịch.", EN: "The unit is already registered for this title in the campaign."}
	msgStatus           = i18n.Message{VI: "Đăng ký đang ở trạng thái %s, không thể %s.", EN: "The registration is %s; you cannot %s it."}
	msgNoCriteria       = i18n.Message{VI: "Chiến dịch chưa có bộ tiêu chí cho danh hiệu này.", EN: "The campaign has no criteria for this title."}
	msgNotPassed        = i18n.Message{VI: "Đăng ký %s chưa được đánh giá đạt.", EN: "Registration %s has not passed its evaluation."}
	msgMixed            = i18n.Message{VI: "Một quyết định chỉ công nhận một danh hiệu của một chiến dịch.", EN: "One decision recognises one title of one campaign."}
	msgDecidingLevel    = i18n.Message{VI: "Danh hiệu này do cấp %s công nhận.", EN: "This title is recognised at %s level."}
	msgOutsideScope     = i18n.Message{VI: "Đăng ký %s không thuộc địa bàn của bạn.", EN: "Registration %s is outside your scope."}
	msgEmptyList        = i18n.Message{VI: "Cần chọn ít nhất một đăng ký.", EN: "Choose at least one registration."}
	msgTooMany          = i18n.Message{VI: "Mỗi quyết định tối đa %d đăng ký.", EN: "A decision lists at most %d registrations."}
	msgDecisionNumber   = i18n.Message{VI: "Số quyết định %s đã được dùng.", EN: "Decision number %s is already used."}
	msgAlreadyDone      = i18n.Message{VI: "Đăng ký %s vừa được người khác xử lý.", EN: "Registration %s was just handled by someone else."}
	msgHandled          = i18n.Message{VI: "Đăng ký %s %s, không thể công nhận nữa (có thể vừa được người khác xử lý).", EN: "Registration %s is %s and can no longer be recognised (someone may just have handled it)."}
	msgScoreTwice       = i18n.Message{VI: "Tiêu chí %s được chấm hai lần.", EN: "Criterion %s is scored twice."}
	msgFutureDate       = i18n.Message{VI: "Ngày quyết định không được ở tương lai.", EN: "The decision date cannot be in the future."}
	msgNotCitizen       = i18n.Message{VI: "Chỉ đánh giá danh hiệu Công dân học tập mới dẫn được hoạt động của hồ sơ học tập.", EN: "Only an evaluation for the learning-citizen title can cite activities of a learning record."}
	msgNotOwnActivity   = i18n.Message{VI: "Hoạt động %s không có trong hồ sơ học tập của công dân được đánh giá.", EN: "Activity %s is not in the learning record of the citizen evaluated."}
	msgRecordOutOfReach = i18n.Message{VI: "Anh/chị không xem được hồ sơ học tập của công dân này (có thể công dân đã chuyển đến nơi khác), nên không đánh giá được theo hồ sơ.", EN: "You cannot read this citizen's learning record (they may have moved away), so you cannot evaluate against it."}
	msgTooManyCited     = i18n.Message{VI: "Mỗi lần đánh giá dẫn tối đa %d hoạt động.", EN: "An evaluation cites at most %d activities."}
)

// MaxCited bounds the activities one evaluation cites.
const MaxCited = 100

// MaxPerDecision bounds one recognize call.
const MaxPerDecision = 5000

// registrationTitle checks a title value.
func registrationTitle(t titles.Title) error { return registration.TitleValidator(t) }

func validSubtype(s string) bool {
	return learningunit.SubtypeValidator(learningunit.Subtype(s)) == nil
}

// Actions, as error messages name them.
var (
	actRegister  = i18n.Message{VI: "đăng ký", EN: "register"}
	actEvaluate  = i18n.Message{VI: "đánh giá", EN: "evaluate"}
	actRecognize = i18n.Message{VI: "công nhận", EN: "recognise"}
	actReject    = i18n.Message{VI: "từ chối", EN: "reject"}
	actWithdraw  = i18n.Message{VI: "rút", EN: "withdraw"}
)

// inPhase fails unless the campaign is in one of the phases and today is
// inside the phase's window, when it has one.
func inPhase(camp *ent.Campaign, action i18n.Message, now time.Time, allowed ...campaign.Phase) error {
	ok := false
	for _, p := range allowed {
		ok = ok || camp.Phase == p
	}
	if !ok {
		return apperr.Input("campaignID", msgPhase, titles.PhaseName(camp.Phase), action)
	}
	var from, to *time.Time
	switch camp.Phase {
	case campaign.PhaseREGISTRATION:
		from, to = camp.RegistrationStarts, camp.RegistrationEnds
	case campaign.PhaseEVALUATION:
		from, to = camp.EvaluationStarts, camp.EvaluationEnds
	case campaign.PhaseRECOGNITION:
		from, to = camp.RecognitionStarts, camp.RecognitionEnds
	}
	// A window's end day counts whole.
	if from != nil && now.Before(*from) || to != nil && !now.Before(to.AddDate(0, 0, 1)) {
		return apperr.Input("campaignID", msgWindow, titles.PhaseName(camp.Phase), day(from), day(to))
	}
	return nil
}

func day(t *time.Time) string {
	if t == nil {
		return "…"
	}
	return t.Format("02/01/2006")
}

// Register enters a learning unit in a campaign for a title.
func Register(ctx context.Context, campaignID, learningUnitID int, title titles.Title) (*ent.Registration, error) {
	if err := may(ctx, "register"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	camp, err := access.Lookup(ctx, "campaignID", func(ctx context.Context) (*ent.Campaign, error) { return c.Campaign.Get(ctx, campaignID) })
	if err != nil {
		return nil, err
	}
	lu, err := access.Lookup(ctx, "learningUnitID", func(ctx context.Context) (*ent.LearningUnit, error) {
		return c.LearningUnit.Query().Where(learningunit.ID(learningUnitID)).WithAdminUnit().Only(ctx)
	})
	if err != nil {
		return nil, err
	}
	err = access.Authorize(ctx, registration.Policy, "learningUnitID",
		c.Registration.Create().SetCampaignID(camp.ID).SetLearningUnitID(lu.ID).SetAdminPath(lu.AdminPath).Mutation())
	if err != nil {
		return nil, err
	}
	allowed := []campaign.Phase{campaign.PhaseREGISTRATION}
	if camp.AllowLateRegistration {
		allowed = append(allowed, campaign.PhaseEVALUATION)
	}
	if err := inPhase(camp, actRegister, time.Now(), allowed...); err != nil {
		return nil, err
	}
	if lu.ArchivedAt != nil {
		return nil, apperr.Input("learningUnitID", msgArchivedUnit)
	}
	if !strings.HasPrefix(lu.AdminPath, camp.ScopePath) {
		return nil, apperr.Input("learningUnitID", msgOtherProvince)
	}
	if err := aimsAt(lu.Kind, lu.Edges.AdminUnit.Level, title); err != nil {
		return nil, err
	}
	exists, err := c.Registration.Query().
		Where(registration.CampaignID(camp.ID), registration.LearningUnitID(lu.ID), registration.TitleEQ(title)).
		Exist(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	if exists {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "learningUnitID", Msg: msgRegistered}
	}
	sub := progress.Subtype(lu.Kind, lu.Subtype)
	r, err := c.Registration.Create().
		SetCampaignID(camp.ID).SetLearningUnitID(lu.ID).SetTitle(title).SetSubtype(sub).
		SetAdminUnitID(lu.AdminUnitID).SetAdminPath(lu.AdminPath).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	if err := progress.Apply(ctx, c, camp, r.AdminPath, title, sub, progress.Delta{Registered: 1}); err != nil {
		return nil, err
	}
	return r, record(ctx, c, "registration.register", r, nil)
}

// statusError refuses an action on a registration in state s.
func statusError(field string, s registration.Status, action i18n.Message) error {
	return apperr.Input(field, msgStatus, titles.StatusName(s), action)
}

// handledError is the CONFLICT of a recognition that finds a registration
// already out of the cycle, in state s.
func handledError(id int, s registration.Status) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "registrationIDs", Msg: msgHandled, Args: []any{strconv.Itoa(id), titles.StatusName(s)}}
}

// decidingLevelError refuses a recognition to an officer whose unit is not
// at level, the one that decides the title.
func decidingLevelError(level adminunit.Level) error {
	return &apperr.Error{Code: apperr.Forbidden, Field: "registrationIDs", Msg: msgDecidingLevel, Args: []any{titles.LevelName(level)}}
}

// aimsAt checks that a unit of kind at an admin level may aim at title,
// naming the title it may aim at when there is one.
func aimsAt(kind learningunit.Kind, level adminunit.Level, title titles.Title) error {
	want, ok := titles.For(kind, level)
	switch {
	case !ok:
		return apperr.Input("title", msgNoTitle, titles.KindName(kind), titles.LevelName(level))
	case want != title:
		return apperr.Input("title", msgWrongTitle, titles.TitleName(title), titles.KindName(kind), titles.TitleName(want))
	}
	return nil
}

// record audits a registration transition.
func record(ctx context.Context, c *ent.Client, action string, r *ent.Registration, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["campaign"] = r.CampaignID
	details["learningUnit"] = r.LearningUnitID
	details["title"] = r.Title
	return audit.Record(ctx, c, audit.Entry{Action: action, TargetType: "Registration", TargetID: r.ID, ScopePath: r.AdminPath, Details: details})
}

// getRegistration loads the registration a write is about, with its campaign.
func getRegistration(ctx context.Context, c *ent.Client, field string, id int) (*ent.Registration, *ent.Campaign, error) {
	r, err := access.Lookup(ctx, field, func(ctx context.Context) (*ent.Registration, error) { return c.Registration.Get(ctx, id) })
	if err != nil {
		return nil, nil, err
	}
	camp, err := c.Campaign.Get(system(ctx), r.CampaignID)
	if err != nil {
		return nil, nil, fmt.Errorf("campaign of registration %d: %w", id, err)
	}
	return r, camp, nil
}

// EvaluationInput is a scoring of a registration.
type EvaluationInput struct {
	Kind   evaluation.Kind
	Scores []Score
	Notes  string
	// ActivityIDs are activities of the registered citizen's record cited
	// as evidence (LEARNING_CITIZEN only).
	ActivityIDs []int
}

// Score is the points entered for one criterion.
type Score struct {
	Code   string
	Points float64
}

// scoreMap indexes scores by criterion, refusing a criterion scored twice.
func scoreMap(in []Score) (map[string]float64, error) {
	out := make(map[string]float64, len(in))
	for _, sc := range in {
		if _, dup := out[sc.Code]; dup {
			return nil, apperr.Input("scores."+sc.Code, msgScoreTwice, sc.Code)
		}
		out[sc.Code] = sc.Points
	}
	return out, nil
}

// Evaluate scores a registration against the campaign's current criteria of
// its title; the result is computed here, never taken from the client. A
// FINAL evaluation decides the registration's result (and may redo an
// earlier one until recognition); SELF and DRAFT ones are kept beside it.
func Evaluate(ctx context.Context, registrationID int, in EvaluationInput) (*ent.Evaluation, *ent.Registration, error) {
	if err := may(ctx, "evaluate"); err != nil {
		return nil, nil, err
	}
	c := ent.FromContext(ctx)
	r, camp, err := getRegistration(ctx, c, "registrationID", registrationID)
	if err != nil {
		return nil, nil, err
	}
	// Who enters which kind of evaluation where (a collaborator only
	// drafts, a citizen only self-assesses their own) is the policy's.
	err = access.Authorize(ctx, evaluation.Policy, "registrationID",
		c.Evaluation.Create().SetRegistrationID(r.ID).SetKind(in.Kind).Mutation())
	if err != nil {
		return nil, nil, err
	}
	if evaluation.KindValidator(in.Kind) != nil {
		return nil, nil, apperr.Input("kind", apperr.MsgInvalidValue, "kind", string(in.Kind))
	}
	phasesOK := []campaign.Phase{campaign.PhaseEVALUATION}
	if in.Kind != evaluation.KindFINAL {
		phasesOK = append(phasesOK, campaign.PhaseREGISTRATION)
	}
	if err := inPhase(camp, actEvaluate, time.Now(), phasesOK...); err != nil {
		return nil, nil, err
	}
	if r.Status != registration.StatusREGISTERED && r.Status != registration.StatusEVALUATED {
		return nil, nil, statusError("registrationID", r.Status, actEvaluate)
	}
	if len([]rune(in.Notes)) > 4000 {
		return nil, nil, apperr.Input("notes", apperr.MsgTooLong, 4000)
	}
	set, err := LatestSet(ctx, c, camp.ID, r.Title)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.Input("registrationID", msgNoCriteria)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w", err)
	}
	scores, err := scoreMap(in.Scores)
	if err != nil {
		return nil, nil, err
	}
	res, err := criteria.Score(set.Criteria, set.Rule, scores)
	if err != nil {
		return nil, nil, err
	}
	// Citing the record, or scoring what it backs, is for those who read
	// it: after a move, the officer of the citizen's old commune still
	// evaluates where they registered, but no longer reads their record.
	if r.Title == titles.Citizen && (len(in.ActivityIDs) > 0 || criteria.HasRecordRule(set.Criteria)) {
		ok, err := rule.ReadsRecordOf(ctx, c, r.LearningUnitID)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, &apperr.Error{Code: apperr.Forbidden, Field: "registrationID", Msg: msgRecordOutOfReach}
		}
	}
	cited, err := citedActivities(ctx, c, r, in.ActivityIDs)
	if err != nil {
		return nil, nil, err
	}
	// A FINAL evaluation gives a record-backed criterion points only on a
	// record that holds what it asks; a SELF or DRAFT one may, and its
	// answer tells what the record lacks (RecordGaps).
	if in.Kind == evaluation.KindFINAL {
		gaps, err := recordGaps(ctx, c, r, camp, set, scores)
		if err != nil {
			return nil, nil, err
		}
		if len(gaps) > 0 {
			return nil, nil, gaps[0]
		}
	}
	result := evaluation.ResultFAILED
	if res.Passed {
		result = evaluation.ResultPASSED
	}
	b := c.Evaluation.Create().
		SetRegistrationID(r.ID).SetCriteriaSetID(set.ID).SetKind(in.Kind).
		SetScores(scores).SetTotal(res.Total).SetResult(result).SetNotes(in.Notes).
		AddActivityIDs(cited...)
	if res.Level > 0 {
		b.SetLevel(res.Level)
	}
	if v := viewer.FromContext(ctx); v != nil {
		b.SetEvaluatorID(v.UserID)
	}
	ev, err := b.Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w", err)
	}
	if in.Kind != evaluation.KindFINAL {
		return ev, r, record(ctx, c, "registration.assess", r, map[string]any{"kind": in.Kind, "total": res.Total})
	}
	u := c.Registration.UpdateOneID(r.ID).Where(registration.StatusIn(registration.StatusREGISTERED, registration.StatusEVALUATED)).
		SetStatus(registration.StatusEVALUATED).SetResult(registration.Result(result)).SetScore(res.Total)
	if res.Level > 0 {
		u.SetLevel(res.Level)
	} else {
		u.ClearLevel()
	}
	updated, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, &apperr.Error{Code: apperr.Conflict, Field: "registrationID", Msg: msgAlreadyDone, Args: []any{fmt.Sprint(r.ID)}}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w", err)
	}
	if r.Status == registration.StatusREGISTERED {
		if err := progress.Apply(ctx, c, camp, r.AdminPath, r.Title, r.Subtype, progress.Delta{Evaluated: 1}); err != nil {
			return nil, nil, err
		}
	}
	return ev, updated, record(ctx, c, "registration.evaluate", updated, map[string]any{"result": result, "total": res.Total, "level": res.Level})
}

// citedActivities checks the activities an evaluation cites: only for a
// LEARNING_CITIZEN registration, each of the registered citizen's own
// record and not removed from it. They are read as the system and any
// other one — a neighbour's, one that does not exist — is refused alike, so
// the answer tells nothing of records the viewer may not read.
func citedActivities(ctx context.Context, c *ent.Client, r *ent.Registration, ids []int) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if r.Title != titles.Citizen {
		return nil, apperr.Input("activityIDs", msgNotCitizen)
	}
	ids = dedupe(ids)
	if len(ids) > MaxCited {
		return nil, apperr.Input("activityIDs", msgTooManyCited, MaxCited)
	}
	own, err := c.LearningActivity.Query().
		Where(learningactivity.IDIn(ids...), learningactivity.CitizenID(r.LearningUnitID), learningactivity.ArchivedAtIsNil()).
		IDs(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("cited activities: %w", err)
	}
	found := make(map[int]bool, len(own))
	for _, id := range own {
		found[id] = true
	}
	for _, id := range ids {
		if !found[id] {
			return nil, apperr.Input("activityIDs", msgNotOwnActivity, strconv.Itoa(id))
		}
	}
	return ids, nil
}

// recordGaps lists what the registered citizen's record lacks for the
// criteria the scores give points to, in the campaign's year; none for
// other titles or sets without record rules.
func recordGaps(ctx context.Context, c *ent.Client, r *ent.Registration, camp *ent.Campaign, set *ent.CriteriaSet, scores map[string]float64) ([]*apperr.Error, error) {
	if r.Title != titles.Citizen || !criteria.HasRecordRule(set.Criteria) {
		return nil, nil
	}
	// The rule is about the record, whoever asks: counted as the system.
	facts, err := recordsummary.Facts(system(ctx), c, r.LearningUnitID, camp.Year)
	if err != nil {
		return nil, err
	}
	return criteria.RecordGaps(set.Criteria, scores, facts), nil
}

// RecordGaps tells what the registered citizen's record lacks, today, for
// the points an evaluation gave: empty when it holds what each record-backed
// criterion asks (always so for a FINAL evaluation when it was made). The
// answer of evaluate shows it, so a citizen learns from their
// self-assessment what to add or have verified.
func RecordGaps(ctx context.Context, c *ent.Client, ev *ent.Evaluation) ([]*apperr.Error, error) {
	sys := system(ctx)
	r, err := c.Registration.Get(sys, ev.RegistrationID)
	if err != nil {
		return nil, fmt.Errorf("record gaps: %w", err)
	}
	if r.Title != titles.Citizen {
		return nil, nil
	}
	camp, err := c.Campaign.Get(sys, r.CampaignID)
	if err != nil {
		return nil, fmt.Errorf("record gaps: %w", err)
	}
	set, err := c.CriteriaSet.Get(sys, ev.CriteriaSetID)
	if err != nil {
		return nil, fmt.Errorf("record gaps: %w", err)
	}
	return recordGaps(ctx, c, r, camp, set, ev.Scores)
}

// DecisionInput is a recognition decision.
type DecisionInput struct {
	Number string
	Date   time.Time
	Signer string
}

// Recognize recognises many registrations under one decision of the viewer's
// People's Committee. All must be of one campaign and title, evaluated as
// passed and in the viewer's scope; the viewer's unit must be at the level
// that decides the title. It is all or nothing: a registration recognised
// meanwhile by a concurrent call makes this one fail and change nothing.
func Recognize(ctx context.Context, ids []int, in DecisionInput) (*ent.Decision, []*ent.Registration, error) {
	if err := may(ctx, "recognize"); err != nil {
		return nil, nil, err
	}
	c := ent.FromContext(ctx)
	v := viewer.FromContext(ctx)
	switch {
	case len(ids) == 0:
		return nil, nil, apperr.Input("registrationIDs", msgEmptyList)
	case len(ids) > MaxPerDecision:
		return nil, nil, apperr.Input("registrationIDs", msgTooMany, MaxPerDecision)
	}
	ids = dedupe(ids)
	// In id order, so concurrent calls lock shared rows in the same order
	// and PostgreSQL never has to break a deadlock between them.
	regs, err := c.Registration.Query().Where(registration.IDIn(ids...)).Order(ent.Asc(registration.FieldID)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("recognize: %w", err)
	}
	if len(regs) != len(ids) {
		found := map[int]bool{}
		for _, r := range regs {
			found[r.ID] = true
		}
		for _, id := range ids {
			if !found[id] {
				_, _, err := getRegistration(ctx, c, "registrationIDs", id)
				return nil, nil, err
			}
		}
	}
	// Who may recognise these (the scope, the deciding level) is settled
	// before anything about the registrations' state is said.
	for _, r := range regs {
		if v == nil || !v.InScope(r.AdminPath) {
			return nil, nil, &apperr.Error{Code: apperr.Forbidden, Field: "registrationIDs", Msg: msgOutsideScope, Args: []any{fmt.Sprint(r.ID)}}
		}
	}
	first := regs[0]
	for _, r := range regs {
		if r.CampaignID != first.CampaignID || r.Title != first.Title {
			return nil, nil, apperr.Input("registrationIDs", msgMixed)
		}
	}
	camp, err := c.Campaign.Get(system(ctx), first.CampaignID)
	if err != nil {
		return nil, nil, fmt.Errorf("recognize: %w", err)
	}
	scope, err := c.AdminUnit.Get(ctx, v.ScopeID)
	if err != nil {
		return nil, nil, fmt.Errorf("recognize: scope: %w", err)
	}
	level := DecidingLevel(camp, first.Title)
	if scope.Level != level {
		return nil, nil, decidingLevelError(level)
	}
	switch {
	case strings.TrimSpace(in.Number) == "":
		return nil, nil, apperr.Input("number", apperr.MsgRequired)
	case len(in.Number) > 64:
		return nil, nil, apperr.Input("number", apperr.MsgTooLong, 64)
	case strings.TrimSpace(in.Signer) == "":
		return nil, nil, apperr.Input("signer", apperr.MsgRequired)
	case len([]rune(in.Signer)) > 200:
		return nil, nil, apperr.Input("signer", apperr.MsgTooLong, 200)
	case in.Date.IsZero():
		return nil, nil, apperr.Input("date", apperr.MsgRequired)
	case in.Date.After(time.Now().Add(24 * time.Hour)):
		return nil, nil, apperr.Input("date", msgFutureDate)
	}
	if err := inPhase(camp, actRecognize, time.Now(), campaign.PhaseRECOGNITION); err != nil {
		return nil, nil, err
	}
	for _, r := range regs {
		switch {
		case handled(r.Status):
			// Recognised, rejected or withdrawn since the caller listed it:
			// the same CONFLICT as losing the race below, since a call that
			// waited for a concurrent one to commit sees exactly this.
			return nil, nil, handledError(r.ID, r.Status)
		case r.Status != registration.StatusEVALUATED:
			return nil, nil, statusError("registrationIDs", r.Status, actRecognize)
		case r.Result == nil || *r.Result != registration.ResultPASSED:
			return nil, nil, apperr.Input("registrationIDs", msgNotPassed, fmt.Sprint(r.ID))
		}
	}
	taken, err := c.Decision.Query().Where(decision.CampaignID(camp.ID), decision.DecidingUnitID(scope.ID), decision.Number(in.Number)).Exist(system(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("recognize: %w", err)
	}
	if taken {
		return nil, nil, &apperr.Error{Code: apperr.Conflict, Field: "number", Msg: msgDecisionNumber, Args: []any{in.Number}}
	}
	dec, err := c.Decision.Create().SetCampaignID(camp.ID).SetDecidingUnitID(scope.ID).
		SetTitle(first.Title).SetNumber(in.Number).SetDate(in.Date).SetSigner(in.Signer).Save(ctx)
	if err != nil {
		if ent.IsConstraintError(err) {
			return nil, nil, &apperr.Error{Code: apperr.Conflict, Field: "number", Msg: msgDecisionNumber, Args: []any{in.Number}, Err: err}
		}
		return nil, nil, fmt.Errorf("recognize: %w", err)
	}
	var validUntil *time.Time
	if titles.Leveled(first.Title) {
		t := in.Date.AddDate(titles.RecognitionYears, 0, -1)
		validUntil = &t
	}
	type group struct {
		path, subtype string
	}
	counts := map[group]int{}
	out := make([]*ent.Registration, 0, len(regs))
	for _, r := range regs {
		// The status condition is the race guard: of two concurrent calls
		// only one finds the registration still EVALUATED.
		n, err := c.Registration.Update().
			Where(registration.ID(r.ID), registration.StatusEQ(registration.StatusEVALUATED)).
			SetStatus(registration.StatusRECOGNIZED).SetDecisionID(dec.ID).SetRecognizedOn(in.Date).
			SetNillableValidUntil(validUntil).
			Save(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("recognize: %w", err)
		}
		if n == 0 {
			return nil, nil, &apperr.Error{Code: apperr.Conflict, Field: "registrationIDs", Msg: msgAlreadyDone, Args: []any{fmt.Sprint(r.ID)}}
		}
		counts[group{r.AdminPath, r.Subtype}]++
		r.Status, r.DecisionID, r.RecognizedOn, r.ValidUntil = registration.StatusRECOGNIZED, &dec.ID, &in.Date, validUntil
		out = append(out, r)
	}
	keys := make([]group, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].path+keys[i].subtype < keys[j].path+keys[j].subtype })
	for _, k := range keys {
		if err := progress.Apply(ctx, c, camp, k.path, first.Title, k.subtype, progress.Delta{Recognized: counts[k]}); err != nil {
			return nil, nil, err
		}
	}
	err = audit.Record(ctx, c, audit.Entry{
		Action: "registration.recognize", TargetType: "Decision", TargetID: dec.ID, ScopePath: scope.Path,
		Details: map[string]any{"number": in.Number, "date": in.Date.Format(time.DateOnly), "signer": in.Signer, "registrations": ids, "title": first.Title},
	})
	return dec, out, err
}

// handled reports whether a registration has left the cycle for good, so no
// later action of the cycle applies to it.
func handled(s registration.Status) bool {
	return s == registration.StatusRECOGNIZED || s == registration.StatusREJECTED || s == registration.StatusWITHDRAWN
}

func dedupe(ids []int) []int {
	seen := map[int]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Reject turns down a registration with a reason (an OFFICER's decision).
func Reject(ctx context.Context, id int, reason string, expectedVersion *int) (*ent.Registration, error) {
	if err := may(ctx, "rejectRegistration"); err != nil {
		return nil, err
	}
	return end(ctx, id, reason, expectedVersion, registration.StatusREJECTED, "registration.reject", actReject)
}

// Withdraw takes a registration back at the unit's request.
func Withdraw(ctx context.Context, id int, reason string, expectedVersion *int) (*ent.Registration, error) {
	if err := may(ctx, "withdrawRegistration"); err != nil {
		return nil, err
	}
	return end(ctx, id, reason, expectedVersion, registration.StatusWITHDRAWN, "registration.withdraw", actWithdraw)
}

func end(ctx context.Context, id int, reason string, expectedVersion *int, status registration.Status, action string, verb i18n.Message) (*ent.Registration, error) {
	c := ent.FromContext(ctx)
	r, camp, err := getRegistration(ctx, c, "id", id)
	if err != nil {
		return nil, err
	}
	if err := access.Authorize(ctx, registration.Policy, "id", c.Registration.UpdateOneID(id).SetStatus(status).Mutation()); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, apperr.Input("reason", msgReason)
	}
	if len([]rune(reason)) > 1000 {
		return nil, apperr.Input("reason", apperr.MsgTooLong, 1000)
	}
	if camp.Phase == campaign.PhaseCLOSED {
		return nil, apperr.Input("id", msgClosed)
	}
	// The same ending sent again (its answer lost): one version on, in the
	// status and with the reason it asked for.
	if expectedVersion != nil && r.Version == *expectedVersion+1 && r.Status == status && r.Reason == reason {
		return r, nil
	}
	if r.Status != registration.StatusREGISTERED && r.Status != registration.StatusEVALUATED {
		return nil, statusError("id", r.Status, verb)
	}
	if err := apperr.CheckVersion(expectedVersion, r.Version); err != nil {
		return nil, err
	}
	updated, err := c.Registration.UpdateOneID(id).Where(registration.StatusEQ(r.Status)).
		SetStatus(status).SetReason(reason).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgAlreadyDone, Args: []any{fmt.Sprint(id)}}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	d := progress.Delta{Registered: -1}
	if r.Status == registration.StatusEVALUATED {
		d.Evaluated = -1
	}
	if err := progress.Apply(ctx, c, camp, r.AdminPath, r.Title, r.Subtype, d); err != nil {
		return nil, err
	}
	return updated, record(ctx, c, action, updated, map[string]any{"reason": reason, "from": r.Status})
}
