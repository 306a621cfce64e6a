package adminunits

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/titles"
)

// Closing and moving one unit change its place in history, so they are
// reorganisations: a decision of one change (reorg), recorded and applied
// at once, which closes the unit's row and opens its new one, and carries
// what sat in it. The engine is the ADMIN's (reorg.Roles); a MANAGER's
// village is theirs as well, and this file is where that is decided: the
// unit, the new parent and the successor are each put to the privacy
// policy as the write a MANAGER may make (rule.AdminUnitWrite: a village of
// their scope, a village under a unit of their scope), and only then is the
// engine run, as the system.

var (
	msgAlreadyClosed = i18n.Message{VI: "Đơn vị này đã giải thể, sáp nhập hoặc chuyển đi từ trước; không có gì thay đổi.", EN: "This unit was already closed, merged or moved; nothing changed."}
	msgSameParent    = i18n.Message{VI: "Đơn vị đã trực thuộc %s.", EN: "The unit already sits under %s."}
	msgSelf          = i18n.Message{VI: "Không thể sáp nhập đơn vị vào chính nó.", EN: "A unit cannot merge into itself."}
	msgSuccessorLvl  = i18n.Message{VI: "Đơn vị kế thừa phải cùng cấp %s.", EN: "The successor must be of the same level (%s)."}
	msgSuccessorGone = i18n.Message{VI: "Đơn vị kế thừa đã giải thể hoặc sáp nhập.", EN: "The successor is closed (dissolved or merged)."}
	msgFuture        = i18n.Message{VI: "Thay đổi được áp dụng ngay nên ngày hiệu lực không thể sau hôm nay (%s); hãy thực hiện vào ngày đó.", EN: "The change is applied at once, so it cannot take effect after today (%s); make it on that day."}
	msgNoEffective   = i18n.Message{VI: "Cần ngày hiệu lực.", EN: "The effective date is required."}
	msgReasonLong    = i18n.Message{VI: "Lý do tối đa %d ký tự.", EN: "The reason has at most %d characters."}

	titleMove  = i18n.Message{VI: "Chuyển %s sang %s", EN: "Move %s to %s"}
	titleMerge = i18n.Message{VI: "Sáp nhập %s vào %s", EN: "Merge %s into %s"}
	titleClose = i18n.Message{VI: "Giải thể %s", EN: "Dissolve %s"}
)

// NoNumber is the decision number of a change made without one.
const NoNumber = "—"

// maxReason bounds a reason, as audit details should stay small.
const maxReason = 500

// CloseInput closes a unit on EffectiveOn: into SuccessorID (a merge: what
// it holds follows), or with none (it must hold nothing any more).
type CloseInput struct {
	ID          int
	EffectiveOn time.Time
	SuccessorID int // 0 for a plain close
	Reason      string
	// DecisionNumber is the number of the decision that ordered it, if
	// any.
	DecisionNumber  string
	ExpectedVersion *int
}

// MoveInput moves a unit, with everything below it, under ParentID from
// EffectiveOn.
type MoveInput struct {
	ID, ParentID    int
	EffectiveOn     time.Time
	Reason          string
	DecisionNumber  string
	ExpectedVersion *int
}

// Change is a close or move: planned (Impact only) or applied.
type Change struct {
	// Unit is the unit's row before the change (as the viewer reads it);
	// after Apply, its closed row.
	Unit *ent.AdminUnit
	// Target is the new parent (move) or the successor (merge); nil for a
	// plain close.
	Target *ent.AdminUnit
	Impact *reorg.Impact
	// Reorganisation is the decision recorded and applied; nil for a plan.
	Reorganisation *ent.Reorganisation
	// Successor is the row the unit lives on in once applied: its new row
	// (move), the successor (merge); nil for a plain close or a plan.
	Successor *ent.AdminUnit

	decision reorg.Decision
	spec     spec.Spec
	action   string
	details  map[string]any
}

// PlanClose checks a close as CloseUnit would and says what it would do,
// changing nothing.
func PlanClose(ctx context.Context, in CloseInput) (*Change, error) {
	ch, err := prepareClose(ctx, in)
	if err != nil {
		return nil, err
	}
	return ch, ch.plan(ctx)
}

// CloseUnit closes a unit (merging it into a successor, or dissolving it),
// as a one-change reorganisation applied in the transaction of ctx, and
// audits it. dialect is the database's, for the engine's bulk moves.
func CloseUnit(ctx context.Context, dialect string, in CloseInput) (*Change, error) {
	ch, err := prepareClose(ctx, in)
	if err != nil {
		return nil, err
	}
	return ch, ch.apply(ctx, dialect)
}

// PlanMove checks a move as MoveUnit would and says what it would do,
// changing nothing.
func PlanMove(ctx context.Context, in MoveInput) (*Change, error) {
	ch, err := prepareMove(ctx, in)
	if err != nil {
		return nil, err
	}
	return ch, ch.plan(ctx)
}

// MoveUnit moves a unit under another parent as a one-change
// reorganisation applied in the transaction of ctx, and audits it.
func MoveUnit(ctx context.Context, dialect string, in MoveInput) (*Change, error) {
	ch, err := prepareMove(ctx, in)
	if err != nil {
		return nil, err
	}
	return ch, ch.apply(ctx, dialect)
}

// MayClose reports whether the viewer of ctx may close or move u at all,
// as the privacy policy decides, so a console offers only what the API
// would accept.
func MayClose(ctx context.Context, c *ent.Client, u *ent.AdminUnit) bool {
	if u.ValidTo != nil || u.Level == adminunit.LevelCOUNTRY || Roles.May(ctx, "closeAdminUnit") != nil {
		return false
	}
	return adminunit.Policy.EvalMutation(ctx, c.AdminUnit.UpdateOneID(u.ID).SetName(u.Name).Mutation()) == nil
}

// prepareClose runs the checks of a close, role first, then the privacy
// policy on each unit named, then the rules.
func prepareClose(ctx context.Context, in CloseInput) (*Change, error) {
	if err := Roles.May(ctx, "closeAdminUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	u, err := mayChange(ctx, c, in.ID)
	if err != nil {
		return nil, err
	}
	var succ *ent.AdminUnit
	if in.SuccessorID != 0 {
		if succ, err = mayChangeField(ctx, c, in.SuccessorID, "successorID"); err != nil {
			return nil, err
		}
	}
	if err := checkOpen(u, in.ExpectedVersion); err != nil {
		return nil, err
	}
	day, err := effective(in.EffectiveOn)
	if err != nil {
		return nil, err
	}
	reason, err := checkReason(in.Reason)
	if err != nil {
		return nil, err
	}
	ch := &Change{Unit: u, Target: succ, details: map[string]any{"effectiveOn": day.Format(time.DateOnly)}}
	change := spec.Change{Kind: spec.Close, Sources: []int{u.ID}, Note: reason}
	title := titleClose.Format(i18n.VI, u.Name)
	ch.action = "admin_unit.close"
	if succ != nil {
		switch {
		case succ.ID == u.ID:
			return nil, apperr.Input("successorID", msgSelf)
		case succ.ValidTo != nil:
			return nil, apperr.Input("successorID", msgSuccessorGone)
		case succ.Level != u.Level:
			return nil, apperr.Input("successorID", msgSuccessorLvl, titles.LevelName(u.Level))
		}
		change = spec.Change{Kind: spec.Merge, Sources: []int{u.ID}, Successor: &spec.Target{ID: succ.ID}, Note: reason}
		title = titleMerge.Format(i18n.VI, u.Name, succ.Name)
		ch.action = "admin_unit.merge"
		ch.details["into"] = map[string]any{"id": succ.ID, "code": succ.Code, "name": succ.Name}
	}
	if reason != "" {
		ch.details["reason"] = reason
	}
	ch.decide(in.DecisionNumber, title, day, change)
	return ch, nil
}

// prepareMove runs the checks of a move: role, policy, rules.
func prepareMove(ctx context.Context, in MoveInput) (*Change, error) {
	if err := Roles.May(ctx, "moveAdminUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	u, err := mayChange(ctx, c, in.ID)
	if err != nil {
		return nil, err
	}
	parent, err := access.Lookup(ctx, "parentID", func(ctx context.Context) (*ent.AdminUnit, error) {
		return c.AdminUnit.Get(ctx, in.ParentID)
	})
	if err != nil {
		return nil, err
	}
	// The new row is a unit of the same level added under the new parent:
	// the write a MANAGER may make for a village of their scope.
	if err := access.Authorize(ctx, adminunit.Policy, "parentID", c.AdminUnit.Create().SetParentID(parent.ID).SetLevel(u.Level).Mutation()); err != nil {
		return nil, err
	}
	if err := checkOpen(u, in.ExpectedVersion); err != nil {
		return nil, err
	}
	switch {
	case parent.ValidTo != nil:
		return nil, apperr.Input("parentID", msgParentClosed)
	case u.ParentID != nil && *u.ParentID == parent.ID:
		return nil, apperr.Input("parentID", msgSameParent, parent.Name)
	}
	if err := checkLevel(parent.Level, u.Level); err != nil {
		e, _ := apperr.As(err)
		e.Field = "parentID"
		return nil, e
	}
	day, err := effective(in.EffectiveOn)
	if err != nil {
		return nil, err
	}
	reason, err := checkReason(in.Reason)
	if err != nil {
		return nil, err
	}
	// The new row keeps the unit's code and name: both must be free under
	// the new parent.
	if err := checkCode(ctx, c, parent, u.Level, u.ID, u.Code); err != nil {
		return nil, err
	}
	if err := checkName(ctx, c, parent, u.ID, u.Name); err != nil {
		return nil, err
	}
	ch := &Change{Unit: u, Target: parent, action: "admin_unit.move", details: map[string]any{
		"effectiveOn": day.Format(time.DateOnly), "from": ptrOr(u.ParentID), "to": map[string]any{"id": parent.ID, "code": parent.Code, "name": parent.Name},
	}}
	if reason != "" {
		ch.details["reason"] = reason
	}
	ch.decide(in.DecisionNumber, titleMove.Format(i18n.VI, u.Name, parent.Name), day,
		spec.Change{Kind: spec.Move, Sources: []int{u.ID}, ParentID: parent.ID, Note: reason})
	return ch, nil
}

// mayChange loads the unit a close or move is about and asks the privacy
// policy whether the viewer may change it.
func mayChange(ctx context.Context, c *ent.Client, id int) (*ent.AdminUnit, error) {
	return mayChangeField(ctx, c, id, "id")
}

func mayChangeField(ctx context.Context, c *ent.Client, id int, field string) (*ent.AdminUnit, error) {
	u, err := access.Lookup(ctx, field, func(ctx context.Context) (*ent.AdminUnit, error) {
		return c.AdminUnit.Get(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	if u.Level == adminunit.LevelCOUNTRY {
		return nil, &apperr.Error{Code: apperr.Forbidden, Field: field, Msg: apperr.MsgForbidden}
	}
	if err := access.Authorize(ctx, adminunit.Policy, field, c.AdminUnit.UpdateOneID(u.ID).SetName(u.Name).Mutation()); err != nil {
		return nil, err
	}
	return u, nil
}

// checkOpen refuses a unit already closed, as a repeated request meets
// it, and a stale version.
func checkOpen(u *ent.AdminUnit, expectedVersion *int) error {
	if u.ValidTo != nil {
		return &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgAlreadyClosed}
	}
	if err := apperr.CheckVersion(expectedVersion, u.Version); err != nil {
		return err
	}
	return nil
}

// effective is the effective day, at midnight in Vietnam, as the engine
// counts days; it may not lie after today, since the change is applied now.
func effective(t time.Time) (time.Time, error) {
	if t.IsZero() {
		return time.Time{}, apperr.Input("effectiveOn", msgNoEffective)
	}
	day := VietnamDay(t)
	if today := VietnamDay(time.Now()); day.After(today) {
		return time.Time{}, apperr.Input("effectiveOn", msgFuture, today.Format("02/01/2006"))
	}
	return day, nil
}

// VietnamDay is the calendar day of t in Vietnam, at its midnight: the
// day a decision takes effect.
func VietnamDay(t time.Time) time.Time {
	t = t.In(i18n.Vietnam)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, i18n.Vietnam)
}

func checkReason(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n > maxReason {
		return "", apperr.Input("reason", msgReasonLong, maxReason)
	}
	return s, nil
}

func ptrOr(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// decide writes the one-change decision: signed on its effective day (or
// today, for one that took effect earlier and is recorded late, which the
// engine accepts since the day it signs comes first).
func (ch *Change) decide(number, title string, day time.Time, change spec.Change) {
	number = strings.TrimSpace(number)
	if number == "" {
		number = NoNumber
	}
	ch.decision = reorg.Decision{Number: number, Title: title, SignedOn: day, EffectiveOn: day}
	ch.spec = spec.Spec{Changes: []spec.Change{change}}
	ch.details["decision"] = number
}

// plan asks the engine what the change would do, as the system: the
// viewer's right to it has been checked.
func (ch *Change) plan(ctx context.Context) error {
	im, err := reorg.Plan(system(ctx), ent.FromContext(ctx), &ent.Reorganisation{
		Number: ch.decision.Number, Title: ch.decision.Title, EffectiveOn: ch.decision.EffectiveOn, Spec: ch.spec,
	})
	if err != nil {
		return err
	}
	ch.Impact = im
	return nil
}

// apply records the decision and applies it in the transaction of ctx, as
// the system; a problem of the plan is the error of the field it is
// about.
func (ch *Change) apply(ctx context.Context, dialect string) error {
	c := ent.FromContext(ctx)
	sys := system(ctx)
	if err := ch.plan(ctx); err != nil {
		return err
	}
	if len(ch.Impact.Problems) > 0 {
		return problemError(ch.Impact.Problems[0])
	}
	r, err := reorg.Save(sys, c, 0, ch.decision, ch.spec)
	if err != nil {
		return err
	}
	r, im, err := reorg.Apply(sys, c, dialect, r.ID)
	if err != nil {
		if e, ok := apperr.As(err); ok && strings.HasPrefix(e.Field, "changes.") {
			return problemError(reorg.Problem{Change: 0, Field: strings.TrimPrefix(strings.TrimPrefix(e.Field, "changes.0"), "."), Message: e.Msg, Args: e.Args})
		}
		return err
	}
	ch.Reorganisation, ch.Impact = r, im
	// The rows as they are now, read as the viewer: the closed one and
	// where it went (a move's new row, a merge's successor).
	if ch.Unit, err = c.AdminUnit.Get(ctx, ch.Unit.ID); err != nil {
		return fmt.Errorf("closed unit %d: %w", ch.Unit.ID, err)
	}
	if id := ch.Unit.MergedIntoID; id != nil {
		if ch.Successor, err = c.AdminUnit.Get(ctx, *id); err != nil {
			return fmt.Errorf("successor of unit %d: %w", ch.Unit.ID, err)
		}
	}
	ch.details["reorganisation"] = r.ID
	ch.details["learningUnits"] = im.LearningUnits
	if len(im.Users) > 0 {
		ch.details["users"] = len(im.Users)
	}
	if ch.Successor != nil {
		ch.details["successor"] = ch.Successor.ID
	}
	return audit.Record(ctx, c, audit.Entry{
		Action: ch.action, TargetType: "AdminUnit", TargetID: ch.Unit.ID, ScopePath: ch.Unit.Path, Details: ch.details,
	})
}

// problemError is a problem of the engine's plan as the error of this
// package's input: the unit (id), the successor, the new parent or the
// date.
func problemError(p reorg.Problem) error {
	field := "id"
	switch {
	case strings.HasPrefix(p.Field, "successor"):
		field = "successorID"
	case strings.HasPrefix(p.Field, "parentID"):
		field = "parentID"
	case strings.HasPrefix(p.Field, "effectiveOn"):
		field = "effectiveOn"
	}
	return &apperr.Error{Code: apperr.BadUserInput, Field: field, Msg: p.Message, Args: p.Args}
}

// ProblemField is the input a plan's problem is about, for a form that
// shows it beside that input.
func ProblemField(p reorg.Problem) string {
	e, _ := apperr.As(problemError(p))
	return e.Field
}
