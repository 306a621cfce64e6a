// Package titles describes the learning titles as data: which units may aim
// at each, the level that recognises each by default, and the built-in
// criteria templates a province adapts. The national targets are data of
// their own (internal/national).
package titles

import (
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/title"
)

// Title is a learning title.
type Title = title.Title

// The titles.
const (
	Family            = title.Family
	Clan              = title.Clan
	Community         = title.Community
	Unit              = title.Unit
	Citizen           = title.Citizen
	CommunityCommune  = title.CommunityCommune
	CommunityDistrict = title.CommunityDistrict
	CommunityProvince = title.CommunityProvince
)

// All lists the titles in report order.
var All = title.All

// For returns the title a learning unit of kind may aim at; a community's
// title depends on the level of the admin unit it is.
func For(kind learningunit.Kind, level adminunit.Level) (Title, bool) {
	switch kind {
	case learningunit.KindHOUSEHOLD:
		return Family, true
	case learningunit.KindCLAN:
		return Clan, true
	case learningunit.KindORGANIZATION:
		return Unit, true
	case learningunit.KindCITIZEN:
		return Citizen, true
	case learningunit.KindCOMMUNITY:
		switch level {
		case adminunit.LevelVILLAGE:
			return Community, true
		case adminunit.LevelCOMMUNE:
			return CommunityCommune, true
		case adminunit.LevelDISTRICT:
			return CommunityDistrict, true
		case adminunit.LevelPROVINCE:
			return CommunityProvince, true
		}
	}
	return "", false
}

// Leveled reports whether a title is recognised at level 1 or 2 for three
// years (Thông tư 25/2023) rather than passed or failed every year.
func Leveled(t Title) bool {
	return t == CommunityCommune || t == CommunityDistrict || t == CommunityProvince
}

// RecognitionYears is how long a leveled recognition holds.
const RecognitionYears = 3

// DecidingLevel is the admin level whose People's Committee recognises a
// title unless the campaign configures otherwise: the commune for families,
// clans and villages; the district for organisations, citizens and
// communes; the province above that (DOMAIN.md, "Recognise").
func DecidingLevel(t Title) adminunit.Level {
	switch t {
	case Family, Clan, Community:
		return adminunit.LevelCOMMUNE
	case Unit, Citizen, CommunityCommune:
		return adminunit.LevelDISTRICT
	default:
		return adminunit.LevelPROVINCE
	}
}
