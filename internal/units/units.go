// Package units holds the rules of learning units beyond who may touch them
// (Roles and the privacy policy decide that, first): which kinds may nest in
// which, subtypes, counts, archiving, and optimistic concurrency.
package units

import (
	"context"
	"fmt"
	"time"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
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
)

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
	if expectedVersion != nil && *expectedVersion != old.Version {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "expectedVersion", Msg: apperr.MsgConflictVersion, Args: []any{old.Version}}
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
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "expectedVersion", Msg: apperr.MsgConflictVersion, Args: []any{old.Version + 1}}
	}
	if err != nil {
		return nil, fmt.Errorf("update learning unit: %w", err)
	}
	return lu, nil
}

// Archive marks a learning unit archived; archiving twice is harmless.
func Archive(ctx context.Context, id int) (*ent.LearningUnit, error) {
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
	lu, err := c.LearningUnit.UpdateOneID(id).SetArchivedAt(time.Now().UTC()).Save(ctx)
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
