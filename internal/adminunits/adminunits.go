// Package adminunits holds the rules of editing the administrative tree in
// place: adding a unit under an open parent, and renaming, retyping or
// recoding one; and closing, merging or moving one unit, which it hands to
// the reorganisation engine as a decision of one change (reorganise.go). Who may do it is decided first, by Roles and then by the
// privacy rule (rule.AdminUnitWrite: ADMIN anywhere, a MANAGER the villages
// of their scope); this package adds the checks a policy cannot express,
// with input errors that name the field. Moving and closing units change
// their place in history and are reorganisations (internal/reorg), which
// close a unit and open its successor instead of rewriting it.
package adminunits

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

var (
	msgParentClosed = i18n.Message{VI: "Đơn vị cấp trên đã giải thể hoặc sáp nhập; không thể thêm đơn vị vào đó.", EN: "The parent unit is closed (dissolved or merged); nothing can be added under it."}
	msgLevel        = i18n.Message{VI: "Dưới một đơn vị cấp %s không thể có đơn vị cấp %s.", EN: "A unit of %s level cannot hold a unit of %s level."}
	msgLevelLeaf    = i18n.Message{VI: "Không thể thêm đơn vị dưới một đơn vị cấp %s.", EN: "Nothing can be added under a unit of %s level."}
	msgCodeFormat   = i18n.Message{VI: "Mã đơn vị cấp %s gồm đúng %d chữ số (theo danh mục hành chính quốc gia).", EN: "The code of a %s-level unit has exactly %d digits (as in the national catalogue)."}
	msgVillageCode  = i18n.Message{VI: "Mã thôn, tổ dân phố gồm 1–16 ký tự, không có khoảng trắng.", EN: "A village code has 1–16 characters, without spaces."}
	msgCodeTaken    = i18n.Message{VI: "Mã %q đã được một đơn vị đang hoạt động dùng (%s).", EN: "The code %q is used by an open unit (%s)."}
	msgNameTaken    = i18n.Message{VI: "Đơn vị cấp trên đã có đơn vị tên %q.", EN: "The parent unit already has a unit named %q."}
	msgType         = i18n.Message{VI: "Loại đơn vị cấp %s là một trong: %s.", EN: "A %s-level unit's type is one of: %s."}
	msgClosed       = i18n.Message{VI: "Đơn vị này đã giải thể hoặc sáp nhập, không thể sửa.", EN: "This unit is closed (dissolved or merged) and cannot be changed."}
	msgValidFrom    = i18n.Message{VI: "Ngày thành lập không thể trước ngày thành lập của đơn vị cấp trên (%s).", EN: "The unit cannot begin before its parent does (%s)."}
)

// maxName bounds a unit's name, as the schema does.
const maxName = 200

// Roles says who may write the administrative tree at all: ADMIN, and a
// MANAGER for the villages of their scope, which the privacy rule
// (rule.AdminUnitWrite), asked before any rule of this package, decides.
var Roles = access.Roles{
	"createAdminUnit": {viewer.RoleAdmin, viewer.RoleManager},
	"updateAdminUnit": {viewer.RoleAdmin, viewer.RoleManager},
	// Closing and moving are reorganisations (reorg.Roles: ADMIN), but a
	// MANAGER closes, merges and moves the villages of their scope: see
	// reorganise.go.
	"closeAdminUnit": {viewer.RoleAdmin, viewer.RoleManager},
	"moveAdminUnit":  {viewer.RoleAdmin, viewer.RoleManager},
}

// CreateInput is a new unit.
type CreateInput struct {
	ParentID      int
	Level         adminunit.Level
	Code, Name    string
	Type          string
	Disadvantaged bool
	// ValidFrom is the first day of the unit; nil when it predates the
	// records. Only its calendar day counts.
	ValidFrom *time.Time
}

// UpdateInput changes a unit in place; nil fields stay.
type UpdateInput struct {
	Code, Name, Type *string
}

// Create adds a unit under an open parent, in the transaction of ctx, and
// audits it.
func Create(ctx context.Context, in CreateInput) (*ent.AdminUnit, error) {
	if err := Roles.May(ctx, "createAdminUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	parent, err := access.Lookup(ctx, "parentID", func(ctx context.Context) (*ent.AdminUnit, error) {
		return c.AdminUnit.Get(ctx, in.ParentID)
	})
	if err != nil {
		return nil, err
	}
	in.Code, in.Name, in.Type = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.Type)
	var validFrom *time.Time
	if in.ValidFrom != nil {
		d := day(*in.ValidFrom)
		validFrom = &d
	}
	b := c.AdminUnit.Create().
		SetParentID(parent.ID).SetLevel(in.Level).SetCode(in.Code).SetName(in.Name).SetType(in.Type).
		SetDisadvantaged(in.Disadvantaged).SetNillableValidFrom(validFrom)
	if err := access.Authorize(ctx, adminunit.Policy, "parentID", b.Mutation()); err != nil {
		return nil, err
	}
	if parent.ValidTo != nil {
		return nil, apperr.Input("parentID", msgParentClosed)
	}
	if err := checkLevel(parent.Level, in.Level); err != nil {
		return nil, err
	}
	if validFrom != nil && parent.ValidFrom != nil && validFrom.Before(*parent.ValidFrom) {
		return nil, apperr.Input("validFrom", msgValidFrom, parent.ValidFrom.Format(time.DateOnly))
	}
	if err := checkCode(ctx, c, parent, in.Level, 0, in.Code); err != nil {
		return nil, err
	}
	if err := checkName(ctx, c, parent, 0, in.Name); err != nil {
		return nil, err
	}
	typ, err := checkType(in.Level, in.Type)
	if err != nil {
		return nil, err
	}
	u, err := b.SetType(typ).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create admin unit: %w", err)
	}
	details := map[string]any{
		"code": u.Code, "name": u.Name, "type": u.Type, "level": u.Level, "parent": parent.ID,
	}
	if u.Disadvantaged {
		details["disadvantaged"] = true
	}
	if u.ValidFrom != nil {
		details["validFrom"] = u.ValidFrom.Format(time.DateOnly)
	}
	return u, audit.Record(ctx, c, audit.Entry{
		Action: "admin_unit.create", TargetType: "AdminUnit", TargetID: u.ID, ScopePath: u.Path, Details: details,
	})
}

// Update renames, retypes or recodes a unit in place, in the transaction
// of ctx, and audits the old and new values. With expectedVersion set it
// fails with CONFLICT when the unit changed since the client read it.
func Update(ctx context.Context, id int, in UpdateInput, expectedVersion *int) (*ent.AdminUnit, error) {
	if err := Roles.May(ctx, "updateAdminUnit"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := access.Lookup(ctx, "id", func(ctx context.Context) (*ent.AdminUnit, error) {
		return c.AdminUnit.Get(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	trim := func(s *string) *string {
		if s == nil {
			return nil
		}
		t := strings.TrimSpace(*s)
		return &t
	}
	in.Code, in.Name, in.Type = trim(in.Code), trim(in.Name), trim(in.Type)
	u := c.AdminUnit.UpdateOneID(id).Where(adminunit.Version(old.Version))
	code, name, typ := old.Code, old.Name, old.Type
	if in.Code != nil {
		code = *in.Code
		u.SetCode(code)
	}
	if in.Name != nil {
		name = *in.Name
		u.SetName(name)
	}
	if in.Type != nil {
		typ = *in.Type
		u.SetType(typ)
	}
	if err := access.Authorize(ctx, adminunit.Policy, "id", u.Mutation()); err != nil {
		return nil, err
	}
	if old.ValidTo != nil {
		return nil, apperr.Input("id", msgClosed)
	}
	applied, err := idem.CheckVersion(ctx, expectedVersion, old.Version, u.Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return old, nil
	}
	var parent *ent.AdminUnit
	if old.ParentID != nil {
		if parent, err = c.AdminUnit.Get(system(ctx), *old.ParentID); err != nil {
			return nil, fmt.Errorf("parent of admin unit %d: %w", id, err)
		}
	}
	// Only what changes is checked: a unit loaded from an older catalogue
	// can still be renamed without its code being judged by today's rules.
	if in.Code != nil && code != old.Code {
		if err := checkCode(ctx, c, parent, old.Level, id, code); err != nil {
			return nil, err
		}
	}
	if in.Name != nil && name != old.Name {
		if err := checkName(ctx, c, parent, id, name); err != nil {
			return nil, err
		}
	}
	if in.Type != nil && typ != old.Type {
		if typ, err = checkType(old.Level, typ); err != nil {
			return nil, err
		}
		u.SetType(typ)
	}
	details := map[string]any{}
	for field, pair := range map[string][2]string{"code": {old.Code, code}, "name": {old.Name, name}, "type": {old.Type, typ}} {
		if pair[0] != pair[1] {
			details[field] = map[string]any{"from": pair[0], "to": pair[1]}
		}
	}
	if len(details) == 0 {
		return old, nil
	}
	updated, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update admin unit: %w", err)
	}
	return updated, audit.Record(ctx, c, audit.Entry{
		Action: "admin_unit.update", TargetType: "AdminUnit", TargetID: id, ScopePath: updated.Path, Details: details,
	})
}

// checkLevel checks that a unit of level may sit directly under a unit of
// the parent's level.
func checkLevel(parent, level adminunit.Level) error {
	allowed := childLevels[parent]
	if len(allowed) == 0 {
		return apperr.Input("level", msgLevelLeaf, titles.LevelName(parent))
	}
	if !slices.Contains(allowed, level) {
		return apperr.Input("level", msgLevel, titles.LevelName(parent), titles.LevelName(level))
	}
	return nil
}

// checkCode checks a unit's code: the format of its level, and free among
// the open units. Codes of the catalogue's levels are national, so no two
// open units of a level share one; a village's code is unique among the
// open villages of its commune. self is the unit edited, 0 for a new one.
func checkCode(ctx context.Context, c *ent.Client, parent *ent.AdminUnit, level adminunit.Level, self int, code string) error {
	if code == "" {
		return apperr.Input("code", apperr.MsgRequired)
	}
	if !validCode(level, code) {
		if n, ok := codeDigits[level]; ok {
			return apperr.Input("code", msgCodeFormat, titles.LevelName(level), n)
		}
		return apperr.Input("code", msgVillageCode)
	}
	q := c.AdminUnit.Query().Where(adminunit.Code(code), adminunit.LevelEQ(level), adminunit.ValidToIsNil(), adminunit.IDNEQ(self))
	if _, national := codeFormats[level]; !national && parent != nil {
		q.Where(adminunit.ParentID(parent.ID))
	}
	// Read as the system: a code is taken whether or not the viewer can see
	// the unit that holds it.
	holder, err := q.First(system(ctx))
	switch {
	case err == nil:
		return &apperr.Error{Code: apperr.Conflict, Field: "code", Msg: msgCodeTaken, Args: []any{code, holder.Name}}
	case !ent.IsNotFound(err):
		return fmt.Errorf("check code: %w", err)
	}
	return nil
}

// checkName checks a unit's name: present, not too long, and unique among
// its open siblings compared without accents or case (textnorm.Fold), so
// "Thôn Đông" and "thon dong" are one name: a search could not tell them
// apart either, nor an import matching names across tone-mark styles.
func checkName(ctx context.Context, c *ent.Client, parent *ent.AdminUnit, self int, name string) error {
	switch n := len([]rune(name)); {
	case n == 0:
		return apperr.Input("name", apperr.MsgRequired)
	case n > maxName:
		return apperr.Input("name", apperr.MsgTooLong, maxName)
	}
	if parent == nil {
		return nil
	}
	siblings, err := c.AdminUnit.Query().Where(adminunit.ParentID(parent.ID), adminunit.ValidToIsNil(), adminunit.IDNEQ(self)).
		Select(adminunit.FieldName).Strings(system(ctx))
	if err != nil {
		return fmt.Errorf("check name: %w", err)
	}
	folded := textnorm.Fold(name)
	for _, s := range siblings {
		if textnorm.Fold(s) == folded {
			return &apperr.Error{Code: apperr.Conflict, Field: "name", Msg: msgNameTaken, Args: []any{s}}
		}
	}
	return nil
}

// checkType returns typ as the catalogue spells it for level, or the
// error naming the types of that level.
func checkType(level adminunit.Level, typ string) (string, error) {
	canonical, ok := canonicalType(level, typ)
	switch {
	case ok:
		return canonical, nil
	case typ == "":
		return "", apperr.Input("type", apperr.MsgRequired)
	}
	return "", apperr.Input("type", msgType, titles.LevelName(level), typeList(level))
}

// day keeps the calendar day of t as the client wrote it, at midnight in
// Vietnam, as reorganisations store the days units open and close
// (i18n.Vietnam): a unit created on 1/3 then reads as opening the same day
// as one a decision of 1/3 makes.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, i18n.Vietnam)
}

// system reads what a check needs, whoever the viewer is.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// MayCreateUnder reports whether the viewer of ctx may add a unit of level
// under parent: the question the privacy policy answers for the write
// itself, asked without writing, so a console offers only what the API
// would accept.
func MayCreateUnder(ctx context.Context, c *ent.Client, parent *ent.AdminUnit, level adminunit.Level) bool {
	if parent.ValidTo != nil || Roles.May(ctx, "createAdminUnit") != nil || !slices.Contains(childLevels[parent.Level], level) {
		return false
	}
	return adminunit.Policy.EvalMutation(ctx, c.AdminUnit.Create().SetParentID(parent.ID).SetLevel(level).Mutation()) == nil
}

// MayUpdate reports whether the viewer of ctx may rename, retype or recode
// u, as the privacy policy decides.
func MayUpdate(ctx context.Context, c *ent.Client, u *ent.AdminUnit) bool {
	if u.ValidTo != nil || Roles.May(ctx, "updateAdminUnit") != nil {
		return false
	}
	return adminunit.Policy.EvalMutation(ctx, c.AdminUnit.UpdateOneID(u.ID).SetName(u.Name).Mutation()) == nil
}
