package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/internal/search"
	"hoctap/internal/viewer"
)

// managesProvince reports whether the viewer is a MANAGER whose scope holds
// the province of a campaign.
func managesProvince(ctx context.Context, c *ent.Client, v *viewer.Viewer, campaignID int) bool {
	if v.Role != viewer.RoleManager {
		return false
	}
	p, err := c.Campaign.Query().Where(campaign.ID(campaignID)).Select(campaign.FieldScopePath).String(system(ctx))
	return err == nil && v.InScope(p)
}

// CampaignWrite lets a MANAGER create and change the campaigns of provinces
// in their scope.
func CampaignWrite() privacy.MutationRule {
	return privacy.CampaignMutationRuleFunc(func(ctx context.Context, m *ent.CampaignMutation) error {
		v := viewer.FromContext(ctx)
		if v.Role != viewer.RoleManager || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne) {
			return privacy.Denyf("role %s cannot change campaigns", v.Role)
		}
		c := m.Client()
		if id, ok := m.ProvinceID(); ok && !v.InScope(adminUnitPath(ctx, c, id)) {
			return privacy.Denyf("province %d is outside the viewer's scope", id)
		}
		if id, ok := m.ID(); ok && !managesProvince(ctx, c, v, id) {
			return privacy.Denyf("campaign %d is outside the viewer's scope", id)
		}
		return privacy.Allow
	})
}

// CampaignPartWrite lets a MANAGER of the campaign's province set its
// targets and criteria, for units in their scope. Creations name their
// campaign; other writes are narrowed to rows of the viewer's campaigns.
func CampaignPartWrite() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := viewer.FromContext(ctx)
		if v.Role != viewer.RoleManager {
			return privacy.Denyf("role %s cannot set targets or criteria", v.Role)
		}
		var (
			campaignID int
			named      bool
			c          *ent.Client
		)
		switch m := m.(type) {
		case *ent.TargetMutation:
			campaignID, named = m.CampaignID()
			c = m.Client()
			if id, set := m.AdminUnitID(); set && !v.InScope(adminUnitPath(ctx, c, id)) {
				return privacy.Denyf("admin unit %d is outside the viewer's scope", id)
			}
		case *ent.CriteriaSetMutation:
			campaignID, named = m.CampaignID()
			c = m.Client()
		default:
			return privacy.Denyf("unexpected mutation %T", m)
		}
		if m.Op().Is(ent.OpCreate) {
			if !named || !managesProvince(ctx, c, v, campaignID) {
				return privacy.Denyf("campaign %d is outside the viewer's scope", campaignID)
			}
			return privacy.Allow
		}
		m.(interface{ WhereP(...func(*sql.Selector)) }).WhereP(func(s *sql.Selector) {
			t := sql.Table(campaign.Table)
			s.Where(sql.In(s.C("campaign_id"),
				sql.Select(t.C(campaign.FieldID)).From(t).Where(search.Prefix(t.C(campaign.FieldScopePath), v.ScopePath))))
		})
		return privacy.Allow
	})
}

// RegistrationWrite lets OFFICER and COLLABORATOR register units of their
// scope and move registrations on; only an OFFICER recognises or rejects.
// A CITIZEN registers their own record and nothing else (the title it may
// aim at, LEARNING_CITIZEN, follows from the unit's kind); they change no
// registration once made.
func RegistrationWrite() privacy.MutationRule {
	return privacy.RegistrationMutationRuleFunc(func(ctx context.Context, m *ent.RegistrationMutation) error {
		v := viewer.FromContext(ctx)
		if v.Role == viewer.RoleCitizen {
			unit, ok := m.LearningUnitID()
			if m.Op().Is(ent.OpCreate) && ok && v.LearningUnitID != 0 && unit == v.LearningUnitID {
				return privacy.Allow
			}
			return privacy.Denyf("a citizen registers their own record only")
		}
		if v.Role != viewer.RoleOfficer && v.Role != viewer.RoleCollaborator {
			return privacy.Denyf("role %s cannot change registrations", v.Role)
		}
		if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne | ent.OpUpdate) {
			return privacy.Denyf("%s of registrations is not allowed", m.Op())
		}
		if s, ok := m.Status(); ok && (s == registration.StatusRECOGNIZED || s == registration.StatusREJECTED) && v.Role != viewer.RoleOfficer {
			return privacy.Denyf("only an officer recognises or rejects")
		}
		if p, ok := m.AdminPath(); ok && !v.InScope(p) {
			return privacy.Denyf("the unit is outside the viewer's scope")
		}
		if !m.Op().Is(ent.OpCreate) {
			// Updates touch only rows of the viewer's scope.
			m.Where(func(s *sql.Selector) { s.Where(search.Prefix(s.C(registration.FieldAdminPath), v.ScopePath)) })
		}
		return privacy.Allow
	})
}

// EvaluationWrite lets an OFFICER enter final scores and a COLLABORATOR
// drafts for registrations of their scope, and a citizen self-assess their
// own or their household's registration.
func EvaluationWrite() privacy.MutationRule {
	return privacy.EvaluationMutationRuleFunc(func(ctx context.Context, m *ent.EvaluationMutation) error {
		v := viewer.FromContext(ctx)
		kind, _ := m.Kind()
		regID, ok := m.RegistrationID()
		if !m.Op().Is(ent.OpCreate) || !ok {
			return privacy.Denyf("evaluations are only added")
		}
		r, err := m.Client().Registration.Get(system(ctx), regID)
		if err != nil {
			return privacy.Denyf("registration %d: %v", regID, err)
		}
		switch {
		case v.Role == viewer.RoleCitizen:
			if kind == "SELF" && (r.LearningUnitID == v.LearningUnitID || r.LearningUnitID == v.HouseholdID) {
				return privacy.Allow
			}
		case !v.InScope(r.AdminPath):
		case v.Role == viewer.RoleOfficer:
			return privacy.Allow
		case v.Role == viewer.RoleCollaborator && kind != "FINAL":
			return privacy.Allow
		}
		return privacy.Denyf("role %s cannot enter a %s evaluation here", v.Role, kind)
	})
}

// DecisionWrite lets an OFFICER issue decisions of their own scope unit.
func DecisionWrite() privacy.MutationRule {
	return privacy.DecisionMutationRuleFunc(func(ctx context.Context, m *ent.DecisionMutation) error {
		v := viewer.FromContext(ctx)
		id, ok := m.DecidingUnitID()
		if v.Role != viewer.RoleOfficer || !m.Op().Is(ent.OpCreate) || !ok || id != v.ScopeID {
			return privacy.Denyf("only an officer of the deciding unit issues its decisions")
		}
		return privacy.Allow
	})
}
