package model

import "hoctap/ent"

// CriteriaSetView is a criteria set with whether evaluations use it, worked
// out for all of a campaign's sets at once.
type CriteriaSetView struct {
	*ent.CriteriaSet
	InUse bool
}
