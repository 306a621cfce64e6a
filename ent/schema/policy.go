package schema

import (
	"entgo.io/ent"

	"hoctap/ent/privacy"
	"hoctap/internal/derive"
	"hoctap/internal/rule"
)

// Every policy ends in AlwaysDenyRule: what no rule allows is denied.

// Policy of the AdminUnit: anyone reads their scope subtree; only ADMIN (or
// an import running as the system) changes the hierarchy.
func (AdminUnit) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterAdminUnits(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the AdminUnit.
func (AdminUnit) Hooks() []ent.Hook {
	return []ent.Hook{derive.Version(), derive.AdminUnitPath(), derive.AdminUnitKeys()}
}

// Policy of the LearningUnit.
func (LearningUnit) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterLearningUnits(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.LearningUnitWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the LearningUnit.
func (LearningUnit) Hooks() []ent.Hook {
	return []ent.Hook{derive.Version(), derive.LearningUnitPath(), derive.LearningUnitKeys()}
}

// Policy of the User.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterUsers(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.UserWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the User.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{derive.Version(), derive.UserScope(), derive.UserKeys()}
}

// denyAll is the policy of tables only the system touches: the auth code
// reads and writes them under privacy.DecisionContext.
var denyAll = privacy.Policy{
	Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
	Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
}

// Policy of the SearchKey: keys are derived by hooks running as the system.
func (SearchKey) Policy() ent.Policy { return denyAll }

// Policy of the Session.
func (Session) Policy() ent.Policy { return denyAll }

// Policy of the RefreshToken.
func (RefreshToken) Policy() ent.Policy { return denyAll }

// Policy of the LoginAttempt.
func (LoginAttempt) Policy() ent.Policy { return denyAll }

// Policy of the Setting.
func (Setting) Policy() ent.Policy { return denyAll }

// Policy of the AuditLog: ADMIN reads all, MANAGER the entries of their
// scope; entries are written only by the audit package, as the system.
func (AuditLog) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterAudit(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
