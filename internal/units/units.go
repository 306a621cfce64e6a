// Package units holds the rules of learning units beyond who may touch them
// (the privacy policy decides that): which kinds may nest in which, subtypes,
// counts, archiving, and optimistic concurrency.
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
)

var (
	msgSubtypeOnlyOrg = i18n.Message{VI: "Chỉ đơn vị (cơ quan, trường học, doanh nghiệp…) mới có phân loại.", EN: "Only organisations have a subtype."}
	msgSubtypeNeeded  = i18n.Message{VI: "Cần chọn phân loại đơn vị.", EN: "Choose the organisation's subtype."}
	msgParentKind     = i18n.Message{VI: "%s không thể thuộc về %s.", EN: "A %s cannot belong to a %s."}
	msgAdults         = i18n.Message{VI: "Số người lớn không được lớn hơn số thành viên.", EN: "Adults cannot outnumber members."}
	msgArchived       = i18n.Message{VI: "Đơn vị này đã được lưu trữ, không thể sửa.", EN: "This unit is archived and cannot be changed."}
	msgCommunityTaken = i18n.Message{VI: "Địa bàn này đã có hồ sơ cộng đồng học tập.", EN: "This area already has a learning-community record."}
)

// parents lists the kinds a unit of each kind may belong to.
var parents = map[learningunit.Kind][]learningunit.Kind{
	learningunit.KindCITIZEN:   {learningunit.KindHOUSEHOLD, learningunit.KindORGANIZATION},
	learningunit.KindHOUSEHOLD: {learningunit.KindCLAN},
}

// Create adds a learning unit in the transaction of ctx.
func Create(ctx context.Context, in ent.CreateLearningUnitInput) (*ent.LearningUnit, error) {
	c := ent.FromContext(ctx)
	if err := checkSubtype(in.Kind, in.Subtype); err != nil {
		return nil, err
	}
	if err := checkCounts(in.MemberCount, in.AdultCount); err != nil {
		return nil, err
	}
	if err := checkParent(ctx, c, in.Kind, in.ParentID); err != nil {
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
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		if err := authorize(ctx, c.LearningUnit.UpdateOneID(id).SetInput(in).Mutation()); err != nil {
			return nil, err
		}
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
	if in.ParentID != nil {
		if *in.ParentID == id {
			return nil, apperr.Input("parentID", msgParentKind, old.Kind, old.Kind)
		}
		if err := checkParent(ctx, c, old.Kind, in.ParentID); err != nil {
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
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if old.ArchivedAt != nil {
		if err := authorize(ctx, c.LearningUnit.UpdateOneID(id).SetArchivedAt(*old.ArchivedAt).Mutation()); err != nil {
			return nil, err
		}
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

// checkParent checks that parentID, if set, names a visible unit of a kind
// that units of kind may belong to.
func checkParent(ctx context.Context, c *ent.Client, kind learningunit.Kind, parentID *int) error {
	if parentID == nil {
		return nil
	}
	p, err := access.Lookup(ctx, "parentID", func(ctx context.Context) (*ent.LearningUnit, error) {
		return c.LearningUnit.Get(ctx, *parentID)
	})
	if err != nil {
		return err
	}
	for _, k := range parents[kind] {
		if p.Kind == k {
			return nil
		}
	}
	return apperr.Input("parentID", msgParentKind, kind, p.Kind)
}

// authorize asks the privacy policy about a write that will not be saved:
// on an archived unit Update and Archive answer without writing, and would
// otherwise tell a role that may not change the unit at all (a VIEWER, a
// MANAGER) "archived" or even succeed, where API.md says FORBIDDEN.
func authorize(ctx context.Context, m *ent.LearningUnitMutation) error {
	return learningunit.Policy.EvalMutation(ctx, m)
}

// get loads the learning unit a write is about.
func get(ctx context.Context, c *ent.Client, id int) (*ent.LearningUnit, error) {
	return access.Lookup(ctx, "id", func(ctx context.Context) (*ent.LearningUnit, error) { return c.LearningUnit.Get(ctx, id) })
}
