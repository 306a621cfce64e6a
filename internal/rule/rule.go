// Package rule holds the privacy rules of the ent schema: who may read and
// write what, decided from the viewer in the context. Policies are deny by
// default; reads are narrowed in SQL to the viewer's scope, writes are checked
// against the role and against the scope of every row and edge they touch.
package rule

import (
	"context"
	"slices"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/search"
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

// FilterScope narrows a query to the rows whose materialised path column
// lies in the viewer's scope, and allows it. The generated queries take
// typed predicates, hence the switch; a type missing from it is denied.
func FilterScope(column string) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		v := viewer.FromContext(ctx)
		if v == nil || v.ScopePath == "" {
			return privacy.Denyf("no scope")
		}
		p := func(s *sql.Selector) { s.Where(search.Prefix(s.C(column), v.ScopePath)) }
		switch q := q.(type) {
		case *ent.AdminUnitQuery:
			q.Where(p)
		case *ent.LearningUnitQuery:
			q.Where(p)
		case *ent.UserQuery:
			q.Where(p)
		case *ent.AuditLogQuery:
			q.Where(p)
		case *ent.RegistrationQuery:
			q.Where(p)
		default:
			return privacy.Denyf("no scope filter for %T", q)
		}
		return privacy.Allow
	})
}

// FilterAdminUnits narrows admin units to the viewer's scope subtree.
func FilterAdminUnits() privacy.QueryRule { return FilterScope(adminunit.FieldPath) }

// FilterUsers lets a citizen read only their own account and staff the
// accounts in their scope.
func FilterUsers() privacy.QueryRule {
	return privacy.UserQueryRuleFunc(func(ctx context.Context, q *ent.UserQuery) error {
		v := viewer.FromContext(ctx)
		if v.Role == viewer.RoleCitizen {
			q.Where(user.ID(v.UserID))
			return privacy.Allow
		}
		return FilterScope(user.FieldScopePath).EvalQuery(ctx, q)
	})
}

// FilterLearningUnits lets a citizen read their own record, their household
// and its members; staff read the units in their scope.
func FilterLearningUnits() privacy.QueryRule {
	return privacy.LearningUnitQueryRuleFunc(func(ctx context.Context, q *ent.LearningUnitQuery) error {
		v := viewer.FromContext(ctx)
		if v.Role == viewer.RoleCitizen {
			own := []int{v.LearningUnitID}
			if v.HouseholdID != 0 {
				own = append(own, v.HouseholdID)
				q.Where(learningunit.Or(learningunit.IDIn(own...), learningunit.ParentID(v.HouseholdID)))
			} else {
				q.Where(learningunit.IDIn(own...))
			}
			return privacy.Allow
		}
		return FilterScope(learningunit.FieldAdminPath).EvalQuery(ctx, q)
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

// FilterAudit lets a MANAGER read the audit entries of their scope. To the
// other roles the audit log holds no entry they may see, and API.md has
// reads out of reach behave as if the rows did not exist: node(id) of an
// entry is null and auditLogs/auditTrail are empty, rather than FORBIDDEN
// (which also nulled a whole `me` that asked for its auditTrail).
func FilterAudit() privacy.QueryRule {
	return privacy.AuditLogQueryRuleFunc(func(ctx context.Context, q *ent.AuditLogQuery) error {
		if v := viewer.FromContext(ctx); v.Role != viewer.RoleManager {
			q.Where(func(s *sql.Selector) { s.Where(sql.False()) })
			return privacy.Allow
		}
		return FilterScope(auditlog.FieldScopePath).EvalQuery(ctx, q)
	})
}
