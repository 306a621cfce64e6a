package model

import (
	"hoctap/ent"
	"hoctap/internal/reorg"
)

// CriteriaSetView is a criteria set with whether evaluations use it, worked
// out for all of a campaign's sets at once.
type CriteriaSetView struct {
	*ent.CriteriaSet
	InUse bool
}

// ReorganisationPlan is a reorganisation with what applying it does or did.
type ReorganisationPlan struct {
	Reorganisation *ent.Reorganisation
	Applied        bool
	*reorg.Impact
}

// AdminUnitReorganised is what closeAdminUnit and moveAdminUnit did: the
// closed row, the row the unit lives on in, what followed it, and the
// decision recorded, read as the viewer by a resolver.
type AdminUnitReorganised struct {
	Closed           *ent.AdminUnit
	Unit             *ent.AdminUnit
	ReorganisationID int
	*reorg.Impact
}
