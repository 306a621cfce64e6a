package schema

import (
	"entgo.io/ent"

	"hoctap/ent/privacy"
	"hoctap/internal/changes"
	"hoctap/internal/derive"
	"hoctap/internal/national"
	"hoctap/internal/progress"
	"hoctap/internal/rule"
)

// Every policy ends in AlwaysDenyRule: what no rule allows is denied.

// Policy of the AdminUnit: anyone reads their scope subtree (and the units
// above it); ADMIN (or an import running as the system) changes the
// hierarchy, a MANAGER the villages of their scope (rule.AdminUnitWrite).
func (AdminUnit) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.AdminUnitWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the AdminUnit.
func (AdminUnit) Hooks() []ent.Hook {
	return []ent.Hook{changes.Hook(), derive.NFC(), derive.SortKeys("name"), derive.Version(), derive.AdminUnitKeys(), derive.AdminUnitPath()}
}

// Policy of the LearningUnit.
func (LearningUnit) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.LearningUnitWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the LearningUnit.
func (LearningUnit) Hooks() []ent.Hook {
	return []ent.Hook{changes.Hook(), derive.NFC(), derive.SortKeys("name"), derive.Version(), derive.LearningUnitPath(), derive.LearningUnitKeys(), progress.LearningUnitHook()}
}

// Policy of the User.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.UserWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the User.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{derive.NFC(), derive.SortKeys("full_name"), derive.Version(), derive.UserScope(), derive.UserKeys()}
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
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy of the Campaign: readable by anyone whose scope overlaps the
// province (its officers below, admins above); run by its MANAGER or ADMIN.
func (Campaign) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.CampaignWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the Campaign.
func (Campaign) Hooks() []ent.Hook {
	return []ent.Hook{changes.Hook(), derive.NFC(), derive.Version(), derive.CampaignScope(), national.CampaignDefaults()}
}

// Policy of the Target: read with its campaign; set by the campaign's managers.
func (Target) Policy() ent.Policy { return campaignPart }

// Policy of the CriteriaSet: read with its campaign; set by its managers.
func (CriteriaSet) Policy() ent.Policy { return campaignPart }

var campaignPart = privacy.Policy{
	Query: privacy.QueryPolicy{
		rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
	},
	Mutation: privacy.MutationPolicy{
		rule.DenyAnonymous(), rule.AllowAdmin(), rule.CampaignPartWrite(), privacy.AlwaysDenyRule(),
	},
}

// Policy of the Registration: staff read and write those of their scope;
// only an OFFICER recognises; a citizen reads their own and their household's.
func (Registration) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.RegistrationWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the Registration.
func (Registration) Hooks() []ent.Hook {
	return []ent.Hook{changes.Hook(), derive.Version()}
}

// Hooks of the Evaluation.
func (Evaluation) Hooks() []ent.Hook { return []ent.Hook{changes.Hook()} }

// Hooks of the Target: logged as a change of its campaign.
func (Target) Hooks() []ent.Hook { return []ent.Hook{changes.Hook()} }

// Hooks of the CriteriaSet: logged as a change of its campaign.
func (CriteriaSet) Hooks() []ent.Hook { return []ent.Hook{changes.Hook()} }

// Policy of the Evaluation: read with its registration; entered by staff of
// the scope (a COLLABORATOR only as a draft) or by the citizen as a
// self-assessment; never changed.
func (Evaluation) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.EvaluationWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Policy of the Decision: readable where the deciding unit's scope overlaps
// the viewer's; issued by an OFFICER of the deciding unit.
func (Decision) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.DecisionWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the Decision.
func (Decision) Hooks() []ent.Hook {
	return []ent.Hook{changes.Hook(), derive.NFC(), derive.DecisionScope()}
}

// Policy of the ProgressCounter: derived data, written and read by the
// progress package as the system after its own scope checks.
func (ProgressCounter) Policy() ent.Policy { return denyAll }

// Policy of the Reorganisation: planned and applied by ADMIN only.
func (Reorganisation) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the Reorganisation.
func (Reorganisation) Hooks() []ent.Hook {
	return []ent.Hook{derive.NFC(), derive.Version()}
}

// Policy of the NationalTarget: the government's targets, read by everyone
// signed in and changed by ADMIN only.
func (NationalTarget) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the NationalTarget.
func (NationalTarget) Hooks() []ent.Hook {
	return []ent.Hook{derive.NFC(), derive.Version()}
}

// Policy of the ImportJob: its uploader reads it, and an ADMIN; the
// importjob package writes it as the system, having checked the importer.
func (ImportJob) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy of the ImportChunk: the file of an import, read and written by
// the importjob package only.
func (ImportChunk) Policy() ent.Policy { return denyAll }

// Policy of the LearningActivity: read by its citizen and the staff of the
// citizen's place; written by the citizen (self-declared) or that staff, and
// verified only by an OFFICER there (rule.LearningActivityWrite).
func (LearningActivity) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.LearningActivityWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the LearningActivity.
func (LearningActivity) Hooks() []ent.Hook {
	return []ent.Hook{derive.NFC(), derive.Days("started_on", "ended_on"), derive.Version()}
}

// Policy of the EvidenceFile: read with its activity; uploaded and removed
// by whoever may change the activity (rule.EvidenceFileWrite).
func (EvidenceFile) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.EvidenceFileWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the EvidenceFile.
func (EvidenceFile) Hooks() []ent.Hook {
	return []ent.Hook{derive.NFC()}
}

// Policy of the EvidenceBlob: the bytes are read and written by the record
// package as the system, after the EvidenceFile's own checks.
func (EvidenceBlob) Policy() ent.Policy { return denyAll }
