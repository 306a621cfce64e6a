package model

import (
	"context"

	"hoctap/ent"
	"hoctap/internal/recordsummary"
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

// RecordSummaryView is a citizen's record summed up for a year, with the
// way to its activities, which a page of rows loads together.
type RecordSummaryView struct {
	*recordsummary.Summary
	// LoadActivities reads the activities of the year (with those of the
	// other rows of the page).
	LoadActivities func(context.Context) ([]*ent.LearningActivity, error)
}
