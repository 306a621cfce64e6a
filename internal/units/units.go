// Package units holds the rules of learning units beyond who may touch them
// (Roles and the privacy policy decide that, first): which kinds may nest in
// which, subtypes, counts, archiving, and optimistic concurrency.
package units

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"entgo.io/ent/privacy"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

var (
	msgSubtypeOnlyOrg = i18n.Message{VI: "Chỉ đơn vị (cơ quan, trường học, doanh nghiệp…) mới có phân loại.", EN: "Only organisations have a subtype."}
	msgSubtypeNeeded  = i18n.Message{VI: "Cần chọn phân loại đơn vị.", EN: "Choose the organisation's subtype."}
	msgParentKind     = i18n.Message{VI: "Một %s không thể thuộc về một %s.", EN: "A unit of kind %s cannot belong to a unit of kind %s."}
	msgParentSelf     = i18n.Message{VI: "Một đơn vị không thể thuộc về chính nó.", EN: "A unit cannot belong to itself."}
	msgAdults         = i18n.Message{VI: "Số người lớn không được lớn hơn số thành viên.", EN: "Adults cannot outnumber members."}
	msgArchived       = i18n.Message{VI: "Đơn vị này đã được lưu trữ, không thể sửa.", EN: "This unit is archived and cannot be changed."}
	msgCommunityTaken = i18n.Message{VI: "Địa bàn này đã có hồ sơ cộng đồng học tập.", EN: "This area already has a learning-community record."}
	msgBirthYearKind  = i18n.Message{VI: "Chỉ công dân mới có năm sinh.", EN: "Only citizens have a year of birth."}

	// MsgCode and MsgCodeTaken are shared with the imports, which check
	// codes a file at a time.
	MsgCode      = i18n.Message{VI: "Mã gồm 1–%d ký tự, không có dấu cách.", EN: "A code has 1–%d characters and no spaces."}
	MsgCodeTaken = i18n.Message{VI: "Mã %s đã được dùng cho %s «%s» trong cùng địa bàn.", EN: "Code %s is already used by the %s «%s» in the same area."}
	// MsgBirthYear is a year of birth out of range.
	MsgBirthYear = i18n.Message{VI: "Năm sinh phải trong khoảng %d–%d.", EN: "The year of birth must be within %d–%d."}
)

// MaxCode is the longest code of a learning unit (the schema's limit).
const MaxCode = 32

// MinBirthYear is the earliest year of birth accepted: earlier ones are
// typos in a list of living people ("1899" for 1989).
const MinBirthYear = 1900

// codeFormat is a code: what a province numbers its households, clans and
// organisations with ("H001", "01.02.003", "DH-Nguyen"), without spaces, so
// that a code copied with a stray space is not a second code.
var codeFormat = regexp.MustCompile(`^\S{1,32}$`)

// ValidCode reports whether code has the format of a learning unit's code.
func ValidCode(code string) bool { return codeFormat.MatchString(code) }

// MaxBirthYear is the latest year of birth accepted: this year in Vietnam.
func MaxBirthYear() int { return time.Now().In(i18n.Vietnam).Year() }

// parents lists the kinds a unit of each kind may belong to.
var parents = map[learningunit.Kind][]learningunit.Kind{
	learningunit.KindCITIZEN:   {learningunit.KindHOUSEHOLD, learningunit.KindORGANIZATION},
	learningunit.KindHOUSEHOLD: {learningunit.KindCLAN},
}

// Roles says who may write learning units at all (API.md, "Roles"):
// officers and collaborators, and a citizen the contact details of their own
// record. Where, and which fields, is the privacy rule's
// (rule.LearningUnitWrite), asked before any rule of this package.
var Roles = access.Roles{
	"createLearningUnit":  {viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator},
	"updateLearningUnit":  {viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator, viewer.RoleCitizen},
	"archiveLearningUnit": {viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator},
}

// Create adds a learning unit in the transaction of ctx.
func Create(ctx context.Context, in ent.CreateLearningUnitInput) (*ent.LearningUnit, error) {
	if err := Roles.May(ctx, "createLearningUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	parent, err := getParent(ctx, c, in.ParentID)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, "adminUnitID", c.LearningUnit.Create().SetInput(in).Mutation()); err != nil {
		return nil, err
	}
	if err := checkSubtype(in.Kind, in.Subtype); err != nil {
		return nil, err
	}
	if err := checkCounts(in.MemberCount, in.AdultCount); err != nil {
		return nil, err
	}
	if err := checkParent(in.Kind, parent); err != nil {
		return nil, err
	}
	if err := checkBirthYear(in.Kind, in.BirthYear); err != nil {
		return nil, err
	}
	if in.Code != nil {
		if err := checkCode(ctx, c, in.AdminUnitID, in.Kind, *in.Code, 0); err != nil {
			return nil, err
		}
	}
	if in.Kind == learningunit.KindCOMMUNITY {
		taken, err := c.LearningUnit.Query().
			Where(learningunit.AdminUnitID(in.AdminUnitID), learningunit.KindEQ(learningunit.KindCOMMUNITY), learningunit.ArchivedAtIsNil()).
			Exist(ctx)
		if err != nil {
			return nil, fmt.Errorf("create learning unit: %w", err)
		}
		if taken {
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "adminUnitID", Msg: msgCommunityTaken}
		}
	}
	lu, err := c.LearningUnit.Create().SetInput(in).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create learning unit: %w", err)
	}
	return lu, nil
}

// Update changes a learning unit; with expectedVersion set it fails with
// CONFLICT when the unit changed since the client read it.
func Update(ctx context.Context, id int, in ent.UpdateLearningUnitInput, expectedVersion *int) (*ent.LearningUnit, error) {
	if err := Roles.May(ctx, "updateLearningUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	parent, err := getParent(ctx, c, in.ParentID)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, "id", c.LearningUnit.UpdateOneID(id).SetInput(in).Mutation()); err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		return nil, apperr.Input("id", msgArchived)
	}
	applied, err := idem.CheckVersion(ctx, expectedVersion, old.Version, c.LearningUnit.UpdateOneID(id).SetInput(in).Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return old, nil
	}
	subtype := old.Subtype
	if in.Subtype != nil {
		subtype = in.Subtype
	}
	if in.ClearSubtype {
		subtype = nil
	}
	if err := checkSubtype(old.Kind, subtype); err != nil {
		return nil, err
	}
	members, adults := old.MemberCount, old.AdultCount
	if in.MemberCount != nil {
		members = *in.MemberCount
	}
	if in.AdultCount != nil {
		adults = *in.AdultCount
	}
	if err := checkCounts(&members, &adults); err != nil {
		return nil, err
	}
	birthYear := old.BirthYear
	if in.BirthYear != nil {
		birthYear = in.BirthYear
	}
	if err := checkBirthYear(old.Kind, birthYear); err != nil {
		return nil, err
	}
	code, adminUnitID := old.Code, old.AdminUnitID
	if in.Code != nil {
		code = *in.Code
	}
	if in.AdminUnitID != nil {
		adminUnitID = *in.AdminUnitID
	}
	codeChanged := in.Code != nil && *in.Code != old.Code || in.AdminUnitID != nil && *in.AdminUnitID != old.AdminUnitID
	if !in.ClearCode && code != "" && codeChanged {
		if err := checkCode(ctx, c, adminUnitID, old.Kind, code, id); err != nil {
			return nil, err
		}
	}
	if parent != nil {
		if parent.ID == id {
			return nil, apperr.Input("parentID", msgParentSelf)
		}
		if err := checkParent(old.Kind, parent); err != nil {
			return nil, err
		}
	}
	lu, err := c.LearningUnit.UpdateOneID(id).Where(learningunit.Version(old.Version)).SetInput(in).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update learning unit: %w", err)
	}
	return lu, nil
}

// Archive marks a learning unit archived; archiving twice is harmless, so a
// resent archive answers the unit whatever version it was based on.
func Archive(ctx context.Context, id int, expectedVersion *int) (*ent.LearningUnit, error) {
	if err := Roles.May(ctx, "archiveLearningUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, "id", c.LearningUnit.UpdateOneID(id).SetArchivedAt(time.Now().UTC()).Mutation()); err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		return old, nil
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, err
	}
	lu, err := c.LearningUnit.UpdateOneID(id).Where(learningunit.Version(old.Version)).SetArchivedAt(time.Now().UTC()).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("archive learning unit: %w", err)
	}
	return lu, nil
}

func checkSubtype(kind learningunit.Kind, subtype *learningunit.Subtype) error {
	switch {
	case kind != learningunit.KindORGANIZATION && subtype != nil:
		return apperr.Input("subtype", msgSubtypeOnlyOrg)
	case kind == learningunit.KindORGANIZATION && subtype == nil:
		return apperr.Input("subtype", msgSubtypeNeeded)
	}
	return nil
}

// checkBirthYear checks a year of birth: a citizen's only, and in range.
func checkBirthYear(kind learningunit.Kind, year *int) error {
	switch {
	case year == nil:
		return nil
	case kind != learningunit.KindCITIZEN:
		return apperr.Input("birthYear", msgBirthYearKind)
	case *year < MinBirthYear || *year > MaxBirthYear():
		return apperr.Input("birthYear", MsgBirthYear, MinBirthYear, MaxBirthYear())
	}
	return nil
}

// checkCode checks a unit's code: its format, and that no other open unit
// of its kind in its administrative unit has it (self is the unit being
// changed, 0 for a new one). The holder is looked up as the system: a code
// is taken whether or not the viewer may read the unit that has it.
func checkCode(ctx context.Context, c *ent.Client, adminUnitID int, kind learningunit.Kind, code string, self int) error {
	if !ValidCode(code) {
		return apperr.Input("code", MsgCode, MaxCode)
	}
	holder, err := c.LearningUnit.Query().
		Where(learningunit.AdminUnitID(adminUnitID), learningunit.KindEQ(kind), learningunit.Code(code),
			learningunit.ArchivedAtIsNil(), learningunit.IDNEQ(self)).
		First(privacy.DecisionContext(ctx, privacy.Allow))
	switch {
	case err == nil:
		return &apperr.Error{Code: apperr.Conflict, Field: "code", Msg: MsgCodeTaken, Args: []any{code, titles.KindName(kind), holder.Name}}
	case !ent.IsNotFound(err):
		return fmt.Errorf("check code: %w", err)
	}
	return nil
}

func checkCounts(members, adults *int) error {
	for field, n := range map[string]*int{"memberCount": members, "adultCount": adults} {
		if n != nil && *n < 0 {
			return apperr.Input(field, apperr.MsgNegative)
		}
	}
	if members != nil && adults != nil && *adults > *members {
		return apperr.Input("adultCount", msgAdults)
	}
	return nil
}

// getParent loads the parent a write names, nil for none: a parent that
// does not exist is NOT_FOUND, one outside the viewer's reach FORBIDDEN.
func getParent(ctx context.Context, c *ent.Client, parentID *int) (*ent.LearningUnit, error) {
	if parentID == nil {
		return nil, nil
	}
	return access.Lookup(ctx, "parentID", func(ctx context.Context) (*ent.LearningUnit, error) {
		return c.LearningUnit.Get(ctx, *parentID)
	})
}

// checkParent checks that units of kind may belong to a parent of its kind.
func checkParent(kind learningunit.Kind, p *ent.LearningUnit) error {
	if p == nil {
		return nil
	}
	for _, k := range parents[kind] {
		if p.Kind == k {
			return nil
		}
	}
	return apperr.Input("parentID", msgParentKind, titles.KindName(kind), titles.KindName(p.Kind))
}

// authorize asks the privacy policy about a write before this package's
// rules run, and even when it will not be saved (an archived unit is
// answered without writing): otherwise a role that may not change the unit
// (a citizen's household, say) would be told "archived" or "changed
// meanwhile", or even succeed, where API.md says FORBIDDEN.
func authorize(ctx context.Context, field string, m *ent.LearningUnitMutation) error {
	return access.Authorize(ctx, learningunit.Policy, field, m)
}

// get loads the learning unit a write is about.
func get(ctx context.Context, c *ent.Client, id int) (*ent.LearningUnit, error) {
	return access.Lookup(ctx, "id", func(ctx context.Context) (*ent.LearningUnit, error) { return c.LearningUnit.Get(ctx, id) })
}
