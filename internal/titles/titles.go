// Package titles describes the learning titles as data: which units may aim
// at each, the national targets of DOMAIN.md, the level that recognises
// each by default, and the built-in criteria templates a province adapts.
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

// national holds the national targets of one programme period.
type national struct {
	general, disadvantaged map[Title]float64
}

// The national targets of DOMAIN.md. QĐ 281 set the 2020 rates, with lower
// ones for disadvantaged areas; QĐ 387 the 2025 ones; QĐ 677 the learning
// citizen's 40% (2025) and 60% (2030). Other 2030 rates are not confirmed,
// so the 2025 ones hold until they are.
var (
	targets2020 = national{
		general:       map[Title]float64{Family: 0.70, Clan: 0.50, Community: 0.60, Unit: 0.50},
		disadvantaged: map[Title]float64{Family: 0.60, Clan: 0.40, Community: 0.50, Unit: 0.50},
	}
	targets2025 = national{
		general: map[Title]float64{Family: 0.70, Clan: 0.65, Community: 0.65, Unit: 0.80, Citizen: 0.40},
	}
	targets2030 = national{
		general: map[Title]float64{Family: 0.70, Clan: 0.65, Community: 0.65, Unit: 0.80, Citizen: 0.60},
	}
)

// NationalTarget returns the national target of a title for a campaign
// year, in a disadvantaged area or not; ok is false where none is set (the
// TT 25 community titles).
func NationalTarget(t Title, year int, disadvantaged bool) (rate float64, ok bool) {
	n := targets2025
	switch {
	case year <= 2020:
		n = targets2020
	case year >= 2030:
		n = targets2030
	}
	if disadvantaged && n.disadvantaged != nil {
		rate, ok = n.disadvantaged[t]
		return rate, ok
	}
	rate, ok = n.general[t]
	return rate, ok
}
