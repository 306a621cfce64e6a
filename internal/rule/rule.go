// Package rule holds the privacy rules of the ent schema: who may read and
// write what, decided from the viewer in the context. Policies are deny by
// default; reads are narrowed in SQL to the viewer's scope, writes are checked
// against the role and against the scope of every row and edge they touch.
package rule

import (
	"context"
	"slices"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/viewer"
)

// DenyAnonymous denies every query and mutation without a viewer. System
// tasks (seeding, migrations, sign-in) say so with privacy.DecisionContext,
// which ent honours before any rule runs.
func DenyAnonymous() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return privacy.Denyf("no viewer")
		}
		return privacy.Skip
	})
}

// AllowAdmin allows everything to ADMIN.
func AllowAdmin() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v := viewer.FromContext(ctx); v != nil && v.Role == viewer.RoleAdmin {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// system reads what a rule needs to decide, whoever the viewer is.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// adminUnitPath is the materialised path of an admin unit, "" if none.
func adminUnitPath(ctx context.Context, c *ent.Client, id int) string {
	p, err := c.AdminUnit.Query().Where(adminunit.ID(id)).Select(adminunit.FieldPath).String(system(ctx))
	if err != nil {
		return ""
	}
	return p
}

// learningUnitPath is the admin path of a learning unit, "" if none.
func learningUnitPath(ctx context.Context, c *ent.Client, id int) string {
	p, err := c.LearningUnit.Query().Where(learningunit.ID(id)).Select(learningunit.FieldAdminPath).String(system(ctx))
	if err != nil {
		return ""
	}
	return p
}

// LearningUnitWrite lets OFFICER and COLLABORATOR create and edit learning
// units in their scope, never moving one (or attaching it to a parent)
// outside it; a CITIZEN edits the contact details of their own record.
func LearningUnitWrite() privacy.MutationRule {
	return privacy.LearningUnitMutationRuleFunc(func(ctx context.Context, m *ent.LearningUnitMutation) error {
		v := viewer.FromContext(ctx)
		if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			return privacy.Denyf("%s of learning units is not allowed", m.Op())
		}
		if v.Role == viewer.RoleCitizen {
			id, ok := m.ID()
			if !ok || id != v.LearningUnitID || !onlyFields(m, learningunit.FieldPhone, learningunit.FieldAddress) {
				return privacy.Denyf("a citizen may only update the contact details of their own record")
			}
			return privacy.Allow
		}
		if v.Role != viewer.RoleOfficer && v.Role != viewer.RoleCollaborator {
			return privacy.Denyf("role %s cannot change learning units", v.Role)
		}
		c := m.Client()
		if id, ok := m.ID(); ok {
			if p := learningUnitPath(ctx, c, id); p != "" && !v.InScope(p) {
				return privacy.Denyf("learning unit %d is outside the viewer's scope", id)
			}
		}
		if id, ok := m.AdminUnitID(); ok && !v.InScope(adminUnitPath(ctx, c, id)) {
			return privacy.Denyf("admin unit %d is outside the viewer's scope", id)
		}
		if id, ok := m.ParentID(); ok && !v.InScope(learningUnitPath(ctx, c, id)) {
			return privacy.Denyf("parent %d is outside the viewer's scope", id)
		}
		return privacy.Allow
	})
}

// onlyFields reports whether a mutation sets no field but the given ones and
// the bookkeeping columns every update touches.
func onlyFields(m ent.Mutation, allowed ...string) bool {
	allowed = append(allowed, "updated_at", "version")
	for _, f := range append(m.Fields(), m.ClearedFields()...) {
		if !slices.Contains(allowed, f) {
			return false
		}
	}
	return true
}

// UserWrite lets a MANAGER create and edit accounts of lower roles in their
// scope, and anyone but an admin change only the name of their own account.
// Nobody grants a role above their own or a scope outside their own.
func UserWrite() privacy.MutationRule {
	return privacy.UserMutationRuleFunc(func(ctx context.Context, m *ent.UserMutation) error {
		v := viewer.FromContext(ctx)
		if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			return privacy.Denyf("%s of users is not allowed", m.Op())
		}
		id, update := m.ID()
		if update && id == v.UserID {
			if onlyFields(m, user.FieldFullName) {
				return privacy.Allow
			}
			return privacy.Denyf("users cannot change their own role, scope or state")
		}
		if v.Role != viewer.RoleManager {
			return privacy.Denyf("role %s cannot manage users", v.Role)
		}
		c := m.Client()
		if update {
			target, err := c.User.Query().Where(user.ID(id)).Only(system(ctx))
			if err == nil && (!v.InScope(target.ScopePath) || !v.Role.Above(target.Role)) {
				return privacy.Denyf("user %d is outside what %s may manage", id, v)
			}
		}
		if r, ok := m.Role(); ok && !v.Role.Above(r) {
			return privacy.Denyf("role %s cannot grant role %s", v.Role, r)
		}
		if id, ok := m.ScopeID(); ok && !v.InScope(adminUnitPath(ctx, c, id)) {
			return privacy.Denyf("scope %d is outside the viewer's scope", id)
		}
		// The account's own learning record is an edge like the scope: it
		// must not point outside the viewer's scope either.
		if id, ok := m.LearningUnitID(); ok && !v.InScope(learningUnitPath(ctx, c, id)) {
			return privacy.Denyf("learning unit %d is outside the viewer's scope", id)
		}
		return privacy.Allow
	})
}

// AdminUnitWrite lets a MANAGER keep the villages and residential groups
// (level VILLAGE) of their scope: add one under a unit of their scope, and
// rename, retype or recode one. Nothing else of the tree is theirs: no
// other level, no move (parent), no closing or merging (valid_to,
// merged_into), which go through a reorganisation run by an ADMIN.
func AdminUnitWrite() privacy.MutationRule {
	return privacy.AdminUnitMutationRuleFunc(func(ctx context.Context, m *ent.AdminUnitMutation) error {
		v := viewer.FromContext(ctx)
		if v.Role != viewer.RoleManager {
			return privacy.Denyf("role %s cannot change admin units", v.Role)
		}
		c := m.Client()
		switch {
		case m.Op().Is(ent.OpCreate):
			if level, _ := m.Level(); level != adminunit.LevelVILLAGE {
				return privacy.Denyf("a manager cannot create a unit of level %s", level)
			}
			pid, ok := m.ParentID()
			if !ok || !v.InScope(adminUnitPath(ctx, c, pid)) {
				return privacy.Denyf("parent %d is outside the viewer's scope", pid)
			}
			if _, ok := m.MergedIntoID(); ok {
				return privacy.Denyf("a manager cannot merge units")
			}
			if _, ok := m.ValidTo(); ok {
				return privacy.Denyf("a manager cannot close units")
			}
			return privacy.Allow
		case m.Op().Is(ent.OpUpdateOne):
			id, _ := m.ID()
			target, err := c.AdminUnit.Query().Where(adminunit.ID(id)).
				Select(adminunit.FieldLevel, adminunit.FieldPath).Only(system(ctx))
			if err != nil || target.Level != adminunit.LevelVILLAGE || !v.InScope(target.Path) {
				return privacy.Denyf("admin unit %d is not a village of the viewer's scope", id)
			}
			if !onlyFields(m, adminunit.FieldName, adminunit.FieldNameKey, adminunit.FieldType, adminunit.FieldCode) {
				return privacy.Denyf("a manager may only rename, retype or recode a village")
			}
			return privacy.Allow
		}
		return privacy.Denyf("%s of admin units is not allowed", m.Op())
	})
}
