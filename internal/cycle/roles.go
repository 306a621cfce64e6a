package cycle

import (
	"context"

	"hoctap/internal/access"
	"hoctap/internal/viewer"
)

var (
	managers   = []viewer.Role{viewer.RoleAdmin, viewer.RoleManager}
	fieldStaff = []viewer.Role{viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator}
	officers   = []viewer.Role{viewer.RoleAdmin, viewer.RoleOfficer}
)

// Roles says who may do each write of the title cycle at all (API.md,
// "Roles"): managers plan campaigns, officers and collaborators register and
// score, only officers recognise and reject, a citizen registers their own
// record for the learning-citizen title and self-assesses. Where
// they may do it is decided by the privacy rules of internal/rule
// (CampaignWrite, CampaignPartWrite, RegistrationWrite, EvaluationWrite,
// DecisionWrite), which every function asks before its own rules.
var Roles = access.Roles{
	"createCampaign":       managers,
	"updateCampaign":       managers,
	"advanceCampaign":      managers,
	"revertCampaign":       managers,
	"setTargets":           managers,
	"setCriteria":          managers,
	"register":             withCitizen(fieldStaff),
	"evaluate":             withCitizen(fieldStaff),
	"recognize":            officers,
	"rejectRegistration":   officers,
	"withdrawRegistration": fieldStaff,
}

// withCitizen is roles and the CITIZEN, in a slice of its own.
func withCitizen(roles []viewer.Role) []viewer.Role {
	return append(roles[:len(roles):len(roles)], viewer.RoleCitizen)
}

// may is the first check of every write of the package.
func may(ctx context.Context, op string) error { return Roles.May(ctx, op) }
