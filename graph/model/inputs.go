package model

import "hoctap/ent"

// UpdateLearningUnitInput is ent's changes to a learning unit with the unit
// they apply to and the version they were based on, as one input.
type UpdateLearningUnitInput struct {
	ent.UpdateLearningUnitInput
	ID              int
	ExpectedVersion *int
}
