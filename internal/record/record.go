// Package record keeps the rules of a citizen's lifelong-learning record
// (hồ sơ học tập suốt đời) beyond who may touch it (Roles and the privacy
// rules of internal/rule decide that, first): what an activity must say,
// verification, evidence files and their limits, and optimistic
// concurrency.
package record

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hoctap/ent"
	"hoctap/ent/evidencefile"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// Roles says who may write records at all: the citizen (their own), the
// staff who enter learning units (OFFICER, COLLABORATOR), and only an
// OFFICER reviews. Which record, and which activity, is the privacy rule's
// (rule.LearningActivityWrite, rule.EvidenceFileWrite).
var Roles = access.Roles{
	"addLearningActivity":    authors,
	"updateLearningActivity": authors,
	"removeLearningActivity": authors,
	"reviewLearningActivity": {viewer.RoleAdmin, viewer.RoleOfficer},
	"attachEvidence":         authors,
	"removeEvidence":         authors,
}

var authors = []viewer.Role{viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator, viewer.RoleCitizen}

// Limits of an activity's texts and numbers (the schema's, said here so the
// messages can name them).
const (
	MaxTitle    = 200
	MaxProvider = 200
	MaxCert     = 200
	MaxNote     = 1000
	MaxHours    = 10000
)

var (
	msgNotCitizen      = i18n.Message{VI: "Chỉ công dân mới có hồ sơ học tập; đơn vị được chọn là %s.", EN: "Only citizens have a learning record; the unit chosen is a %s (citizenID)."}
	msgCitizenArchived = i18n.Message{VI: "Hồ sơ công dân này đã được lưu trữ, không thể ghi thêm.", EN: "This citizen's record is archived and cannot be added to."}
	msgRemoved         = i18n.Message{VI: "Hoạt động này đã bị xóa khỏi hồ sơ, không thể sửa.", EN: "This activity was removed from the record and cannot be changed."}
	msgEndBeforeStart  = i18n.Message{VI: "Ngày kết thúc không được trước ngày bắt đầu (%s).", EN: "The end date cannot be before the start date (%s)."}
	msgFutureDate      = i18n.Message{VI: "Ngày không được sau hôm nay (%s).", EN: "The date cannot be after today (%s)."}
	msgHours           = i18n.Message{VI: "Số giờ học phải trong khoảng 0–%d.", EN: "Hours must be within 0–%d."}
	msgReviewStatus    = i18n.Message{VI: "Chỉ chọn VERIFIED (đã xác minh) hoặc REJECTED (không xác minh được).", EN: "Choose VERIFIED or REJECTED."}
	msgRejectNote      = i18n.Message{VI: "Cần ghi lý do không xác minh được.", EN: "Give the reason for rejecting."}
)

// dateLayout is how dates are written back in messages.
const dateLayout = "02/01/2006"

// system reads what a check needs, whoever the viewer is.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Add enters an activity into a citizen's record: self-declared when the
// viewer is the citizen, entered by staff otherwise. It is PENDING until an
// officer of the citizen's place reviews it.
func Add(ctx context.Context, in ent.CreateLearningActivityInput) (*ent.LearningActivity, error) {
	if err := Roles.May(ctx, "addLearningActivity"); err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	c := ent.FromContext(ctx)
	citizen, err := access.Lookup(ctx, "citizenID", func(ctx context.Context) (*ent.LearningUnit, error) {
		return c.LearningUnit.Get(ctx, in.CitizenID)
	})
	if err != nil {
		return nil, err
	}
	source := learningactivity.SourceOFFICER
	if v != nil && v.Role == viewer.RoleCitizen {
		source = learningactivity.SourceSELF
	}
	create := func() *ent.LearningActivityCreate {
		b := c.LearningActivity.Create().SetInput(in).SetSource(source)
		if v != nil {
			b.SetEnteredByID(v.UserID)
		}
		return b
	}
	if err := access.Authorize(ctx, learningactivity.Policy, "citizenID", create().Mutation()); err != nil {
		return nil, err
	}
	if citizen.Kind != learningunit.KindCITIZEN {
		return nil, apperr.Input("citizenID", msgNotCitizen, titles.KindName(citizen.Kind))
	}
	if citizen.ArchivedAt != nil {
		return nil, apperr.Input("citizenID", msgCitizenArchived)
	}
	content := activity{
		title: in.Title, provider: deref(in.Provider), certificate: deref(in.Certificate),
		startedOn: in.StartedOn, endedOn: in.EndedOn, hours: deref(in.Hours),
	}
	if err := content.check(); err != nil {
		return nil, err
	}
	in.Title, in.StartedOn, in.EndedOn = content.title, content.startedOn, content.endedOn
	in.Provider, in.Certificate = optional(in.Provider, content.provider), optional(in.Certificate, content.certificate)
	a, err := create().Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("add learning activity: %w", err)
	}
	return a, record(ctx, c, "activity.add", a, citizen.AdminPath, map[string]any{"citizen": citizen.ID, "source": source})
}

// Update changes an activity; with expectedVersion set it fails with
// CONFLICT when the activity changed since the client read it. A change to
// a verified or rejected activity sends it back to PENDING: what was
// verified is no longer what it says.
func Update(ctx context.Context, id int, in ent.UpdateLearningActivityInput, expectedVersion *int) (*ent.LearningActivity, error) {
	if err := Roles.May(ctx, "updateLearningActivity"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	// The days kept are midnights in Vietnam, read back in another zone:
	// in Vietnam's they are the same days again.
	content := activity{
		title: old.Title, provider: old.Provider, certificate: old.Certificate,
		startedOn: old.StartedOn.In(i18n.Vietnam), hours: old.Hours,
	}
	if old.EndedOn != nil {
		end := old.EndedOn.In(i18n.Vietnam)
		content.endedOn = &end
	}
	content.apply(in)
	// A reviewed activity goes back to PENDING when what it says changes;
	// until that is known (the input checked), the write is authorized as
	// one that would.
	reopens := old.Status != learningactivity.StatusPENDING
	update := func() *ent.LearningActivityUpdateOne {
		u := c.LearningActivity.UpdateOneID(id).SetInput(in)
		if reopens {
			reopen(u.Mutation())
		}
		return u
	}
	if err := access.Authorize(ctx, learningactivity.Policy, "id", update().Mutation()); err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		return nil, apperr.Input("id", msgRemoved)
	}
	if err := content.check(); err != nil {
		return nil, err
	}
	if in.Title != nil {
		in.Title = &content.title
	}
	if in.StartedOn != nil {
		in.StartedOn = &content.startedOn
	}
	if in.EndedOn != nil {
		in.EndedOn = content.endedOn
	}
	in.Provider, in.Certificate = optional(in.Provider, content.provider), optional(in.Certificate, content.certificate)
	reopens = reopens && (content.differs(old) || in.Kind != nil && *in.Kind != old.Kind)
	applied, err := idem.CheckVersion(ctx, expectedVersion, old.Version, update().Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return old, nil
	}
	a, err := update().Where(learningactivity.Version(old.Version)).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update learning activity: %w", err)
	}
	return a, record(ctx, c, "activity.update", a, citizenPath(ctx, c, a.CitizenID), map[string]any{"reopened": reopens})
}

// Remove takes an activity out of the record: it is kept (archivedAt set)
// but no longer shown on the printable record or counted. Removing a
// removed activity changes nothing, so a resent remove answers it whatever
// version it was based on.
func Remove(ctx context.Context, id int, expectedVersion *int) (*ent.LearningActivity, error) {
	if err := Roles.May(ctx, "removeLearningActivity"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	if err := access.Authorize(ctx, learningactivity.Policy, "id", c.LearningActivity.UpdateOneID(id).SetArchivedAt(now).Mutation()); err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		return old, nil
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, err
	}
	a, err := c.LearningActivity.UpdateOneID(id).Where(learningactivity.Version(old.Version)).SetArchivedAt(now).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("remove learning activity: %w", err)
	}
	return a, record(ctx, c, "activity.remove", a, citizenPath(ctx, c, a.CitizenID), nil)
}

// Review records an officer's verdict on an activity: VERIFIED, or
// REJECTED with the reason the citizen reads. A verdict may be changed by
// another review.
func Review(ctx context.Context, id int, status learningactivity.Status, note string, expectedVersion *int) (*ent.LearningActivity, error) {
	if err := Roles.May(ctx, "reviewLearningActivity"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	note = strings.TrimSpace(printable(note))
	update := func() *ent.LearningActivityUpdateOne {
		u := c.LearningActivity.UpdateOneID(id).SetStatus(status).SetReviewedAt(time.Now().UTC())
		if v != nil {
			u.SetReviewedByID(v.UserID)
		}
		if note == "" {
			return u.ClearReviewNote()
		}
		return u.SetReviewNote(note)
	}
	if status != learningactivity.StatusVERIFIED && status != learningactivity.StatusREJECTED {
		return nil, apperr.Input("status", msgReviewStatus)
	}
	if err := access.Authorize(ctx, learningactivity.Policy, "id", update().Mutation()); err != nil {
		return nil, err
	}
	switch n := len([]rune(note)); {
	case n == 0 && status == learningactivity.StatusREJECTED:
		return nil, apperr.Input("note", msgRejectNote)
	case n > MaxNote:
		return nil, apperr.Input("note", apperr.MsgTooLong, MaxNote)
	}
	if old.ArchivedAt != nil {
		return nil, apperr.Input("id", msgRemoved)
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, err
	}
	a, err := update().Where(learningactivity.Version(old.Version)).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("review learning activity: %w", err)
	}
	return a, record(ctx, c, "activity.review", a, citizenPath(ctx, c, a.CitizenID), map[string]any{"status": status})
}

// reopen sends an activity back to PENDING, its review cleared.
func reopen(m *ent.LearningActivityMutation) {
	m.SetStatus(learningactivity.StatusPENDING)
	m.ClearReviewNote()
	m.ClearReviewedByID()
	m.ClearReviewedAt()
}

// activity is what an activity says, as checked.
type activity struct {
	title, provider, certificate string
	startedOn                    time.Time
	endedOn                      *time.Time
	hours                        float64
}

// apply sets the changes of an update on the activity as it was.
func (a *activity) apply(in ent.UpdateLearningActivityInput) {
	if in.Title != nil {
		a.title = *in.Title
	}
	if in.ClearProvider {
		a.provider = ""
	}
	if in.Provider != nil {
		a.provider = *in.Provider
	}
	if in.ClearCertificate {
		a.certificate = ""
	}
	if in.Certificate != nil {
		a.certificate = *in.Certificate
	}
	if in.StartedOn != nil {
		a.startedOn = *in.StartedOn
	}
	if in.ClearEndedOn {
		a.endedOn = nil
	}
	if in.EndedOn != nil {
		a.endedOn = in.EndedOn
	}
	if in.Hours != nil {
		a.hours = *in.Hours
	}
}

// differs reports whether the checked activity says something other than
// old does.
func (a *activity) differs(old *ent.LearningActivity) bool {
	endsDiffer := (a.endedOn == nil) != (old.EndedOn == nil) || a.endedOn != nil && !a.endedOn.Equal(*old.EndedOn)
	return a.title != old.Title || a.provider != old.Provider || a.certificate != old.Certificate ||
		!a.startedOn.Equal(old.StartedOn) || endsDiffer || a.hours != old.Hours
}

// check normalises the activity (texts trimmed, dates to their day) and
// checks it, naming the field at fault.
func (a *activity) check() error {
	// In NFC, as the texts are kept (derive.NFC), so that the same words
	// typed decomposed are no change.
	a.title = norm.NFC.String(strings.Join(strings.Fields(printable(a.title)), " "))
	a.provider = norm.NFC.String(strings.TrimSpace(printable(a.provider)))
	a.certificate = norm.NFC.String(strings.TrimSpace(printable(a.certificate)))
	for _, f := range []struct {
		name, value string
		max         int
	}{{"title", a.title, MaxTitle}, {"provider", a.provider, MaxProvider}, {"certificate", a.certificate, MaxCert}} {
		if len([]rune(f.value)) > f.max {
			return apperr.Input(f.name, apperr.MsgTooLong, f.max)
		}
	}
	if a.title == "" {
		return apperr.Input("title", apperr.MsgRequired)
	}
	today := Day(time.Now().In(i18n.Vietnam))
	a.startedOn = Day(a.startedOn)
	if a.startedOn.After(today) {
		return apperr.Input("startedOn", msgFutureDate, today.Format(dateLayout))
	}
	if a.endedOn != nil {
		end := Day(*a.endedOn)
		a.endedOn = &end
		if end.After(today) {
			return apperr.Input("endedOn", msgFutureDate, today.Format(dateLayout))
		}
		if end.Before(a.startedOn) {
			return apperr.Input("endedOn", msgEndBeforeStart, a.startedOn.Format(dateLayout))
		}
	}
	if a.hours < 0 || a.hours > MaxHours || a.hours != a.hours {
		return apperr.Input("hours", msgHours, MaxHours)
	}
	return nil
}

// Day keeps the calendar day of t as the client wrote it, at midnight in
// Vietnam, as the days units open and close are kept: an activity's dates
// are days, and "today" is Vietnam's.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, i18n.Vietnam)
}

// get loads the activity a write is about: NOT_FOUND when it does not
// exist, FORBIDDEN when it is outside the viewer's reach.
func get(ctx context.Context, c *ent.Client, id int) (*ent.LearningActivity, error) {
	return access.Lookup(ctx, "id", func(ctx context.Context) (*ent.LearningActivity, error) {
		return c.LearningActivity.Get(ctx, id)
	})
}

// citizenPath is where the citizen lives now, for the audit log.
func citizenPath(ctx context.Context, c *ent.Client, id int) string {
	p, err := c.LearningUnit.Query().Where(learningunit.ID(id)).Select(learningunit.FieldAdminPath).String(system(ctx))
	if err != nil {
		return ""
	}
	return p
}

// record writes the audit entry of a change to an activity.
// The audit log is read by managers, who do not read records (a record is
// personal, internal/rule): its entries name who did what to which
// activity, never what the record says.
func record(ctx context.Context, c *ent.Client, action string, a *ent.LearningActivity, path string, details map[string]any) error {
	return audit.Record(ctx, c, audit.Entry{Action: action, TargetType: "LearningActivity", TargetID: a.ID, ScopePath: path, Details: details})
}

// printable drops control characters (a NUL, which PostgreSQL refuses in
// text; stray line breaks of a pasted title) but for spaces.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// optional is the checked text for an optional input: nil stays nil.
func optional(p *string, checked string) *string {
	if p == nil {
		return nil
	}
	return &checked
}

// activityOf loads an activity's citizen path and status as the system,
// for the evidence writes that change it.
func activityOf(ctx context.Context, c *ent.Client, id int) (*ent.LearningActivity, error) {
	return c.LearningActivity.Query().Where(learningactivity.ID(id)).Only(system(ctx))
}

// countEvidence counts an activity's files, whoever may read them.
func countEvidence(ctx context.Context, c *ent.Client, activityID int) (int, error) {
	return c.EvidenceFile.Query().Where(evidencefile.ActivityID(activityID)).Count(system(ctx))
}
