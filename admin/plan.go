package admin

import (
	"slices"

	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
)

// A reorganisation's plan as the console shows it: counts first, then the
// units made, closed and given new rows level by level (provinces,
// districts and communes by name, villages by number, since a province's
// reform moves thousands of them), the accounts whose scope moves with the
// widened ones first, and the problems that stop it.

// planView is the data of the "plan" template.
type planView struct {
	Impact *reorg.Impact
	Counts map[string]int
	Levels []planLevel
	// Users lists the accounts whose scope moves, those whose new scope
	// is wider than their old one first.
	Users    []reorg.UserChange
	Widened  int
	Problems []planProblem
}

// planLevel is the units of one level the plan makes, closes or moves.
type planLevel struct {
	Level adminunit.Level
	// Listed says whether the units are named; villages are counted only.
	Listed                    bool
	Created, Closed, Versions []reorg.UnitChange
	Renamed                   []reorg.UnitChange
}

// Empty reports whether the level has nothing to show.
func (l planLevel) Empty() bool {
	return len(l.Created)+len(l.Closed)+len(l.Versions)+len(l.Renamed) == 0
}

// planProblem is a problem of the plan, in the page's language.
type planProblem struct{ Field, Text string }

// levelsTopDown are the levels a plan shows, from the top.
var levelsTopDown = []adminunit.Level{adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE, adminunit.LevelVILLAGE}

// newPlanView arranges an impact for the page; field names where each
// problem lies (the engine's field, or a form's input).
func newPlanView(im *reorg.Impact, lang i18n.Lang, field func(reorg.Problem) string) *planView {
	v := &planView{Impact: im, Counts: im.Count()}
	for _, l := range levelsTopDown {
		pl := planLevel{Level: l, Listed: l != adminunit.LevelVILLAGE}
		for _, u := range im.Units {
			if u.Unit.Level != l {
				continue
			}
			switch u.Action {
			case reorg.Created:
				pl.Created = append(pl.Created, u)
			case reorg.Closed:
				pl.Closed = append(pl.Closed, u)
			case reorg.Versions:
				pl.Versions = append(pl.Versions, u)
			case reorg.Renamed:
				pl.Renamed = append(pl.Renamed, u)
			}
		}
		if !pl.Empty() {
			v.Levels = append(v.Levels, pl)
		}
	}
	v.Users = slices.Clone(im.Users)
	slices.SortStableFunc(v.Users, func(a, b reorg.UserChange) int {
		switch {
		case a.Widened == b.Widened:
			return 0
		case a.Widened:
			return -1
		}
		return 1
	})
	for _, u := range im.Users {
		if u.Widened {
			v.Widened++
		}
	}
	if field == nil {
		field = reorg.ProblemField
	}
	for _, p := range im.Problems {
		v.Problems = append(v.Problems, planProblem{Field: field(p), Text: p.Text(lang)})
	}
	return v
}
