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
// score, only officers recognise and reject, a citizen self-assesses. Where
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
	"register":             fieldStaff,
	"evaluate":             append(fieldStaff[:len(fieldStaff):len(fieldStaff)], viewer.RoleCitizen),
	"recognize":            officers,
	"rejectRegistration":   officers,
	"withdrawRegistration": fieldStaff,
}

// may is the first check of every write of the package.
func may(ctx context.Context, op string) error { return Roles.May(ctx, op) }
