package rule

import (
	"context"

	"hoctap/ent"
	"hoctap/ent/citizenclaim"
	"hoctap/ent/invitation"
	"hoctap/ent/privacy"
	"hoctap/internal/viewer"
)

// InvitationWrite lets an OFFICER issue (create, or replace the code of)
// the invitation of a household of their scope, and nothing else.
func InvitationWrite() privacy.MutationRule {
	return privacy.InvitationMutationRuleFunc(func(ctx context.Context, m *ent.InvitationMutation) error {
		v := viewer.FromContext(ctx)
		if v.Role != viewer.RoleOfficer {
			return privacy.Denyf("role %s cannot issue invitations", v.Role)
		}
		c := m.Client()
		switch {
		case m.Op().Is(ent.OpCreate):
		case m.Op().Is(ent.OpUpdateOne):
			id, _ := m.ID()
			hh, err := c.Invitation.Query().Where(invitation.ID(id)).Select(invitation.FieldHouseholdID).Int(system(ctx))
			if err != nil || !v.InScope(learningUnitPath(ctx, c, hh)) {
				return privacy.Denyf("invitation %d is outside the viewer's scope", id)
			}
		default:
			return privacy.Denyf("%s of invitations is not allowed", m.Op())
		}
		if id, ok := m.HouseholdID(); ok && !v.InScope(learningUnitPath(ctx, c, id)) {
			return privacy.Denyf("household %d is outside the viewer's scope", id)
		}
		return privacy.Allow
	})
}

// CitizenClaimWrite lets an OFFICER decide (confirm or refuse) the claims
// of the records of their scope. Claims are made by the system: the
// claimant has no account yet.
func CitizenClaimWrite() privacy.MutationRule {
	return privacy.CitizenClaimMutationRuleFunc(func(ctx context.Context, m *ent.CitizenClaimMutation) error {
		v := viewer.FromContext(ctx)
		if v.Role != viewer.RoleOfficer {
			return privacy.Denyf("role %s cannot decide claims", v.Role)
		}
		if !m.Op().Is(ent.OpUpdateOne) {
			return privacy.Denyf("%s of claims is not allowed", m.Op())
		}
		id, _ := m.ID()
		path, err := m.Client().CitizenClaim.Query().Where(citizenclaim.ID(id)).Select(citizenclaim.FieldAdminPath).String(system(ctx))
		if err != nil || !v.InScope(path) {
			return privacy.Denyf("claim %d is outside the viewer's scope", id)
		}
		if !onlyFields(m, citizenclaim.FieldStatus, citizenclaim.FieldReason, citizenclaim.FieldDecidedAt,
			citizenclaim.FieldDecidedByID, citizenclaim.FieldHoldsUnitID) {
			return privacy.Denyf("an officer may only decide a claim")
		}
		return privacy.Allow
	})
}
