package catalog

import (
	"slices"

	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
)

var (
	msgStillOpen = i18n.Message{VI: "%s đã được lập theo dòng này nhưng %s vẫn còn hoạt động: dòng mới được áp dụng một phần.",
		EN: "%s was formed by this row but %s is still open: the row is only partly applied."}
	msgNotMerged = i18n.Message{VI: "%s đã được lập theo dòng này nhưng «%s» không được sáp nhập vào đó.",
		EN: "%s was formed by this row but «%s» was not merged into it."}
)

// fate is what the tree says of one former unit of a merger row whose new
// commune it has.
type fate int

const (
	// undecided until the second pass.
	undecided fate = iota
	// merged: closed, and its successors lead to the row's new commune (or,
	// shared among several, to the new commune of another row naming it).
	merged
	// itself: the entry names the new commune itself (a commune that kept
	// its code and name), which tells nothing either way.
	itself
	// stillOpen: a unit of the tree answers to the entry.
	stillOpen
	// missing: neither open nor merged into the row's commune.
	missing
)

// applied sets apart the merger rows the tree already carries out, as it
// is after their reorganisation was applied: the new commune is open in the
// province with the row's code and the catalogue's name (tone marks aside),
// and every former unit the row names is closed into it, perhaps through
// later versions of either. Those rows change nothing; their commune is
// kept as the catalogue says (keep) and counted in p.Applied. A row applied
// in part (the commune formed, a former one still open, or closed into
// something else) is reported, never completed by guess. The rows left are
// returned for the diff proper, including those whose commune exists but
// none of whose formers went into it: a code the reform reuses, in the tree
// before the reform.
func (d *differ) applied(p *Province, rows []*MergerRow, scope []*Unit, claimed map[string]bool, keep func(*Row, *Unit)) []*MergerRow {
	inScope := map[int]bool{}
	for _, u := range scope {
		inScope[u.ID] = true
	}
	formed := map[*MergerRow]*Unit{}
	isFormed := map[int]bool{}
	for _, mr := range rows {
		u := d.treeUnit(nil, adminunit.LevelCOMMUNE, mr.Code)
		if u == nil || !inScope[u.ID] || d.used[u.ID] || exact(u.Name) != exact(d.rowOf[mr.Code].Name) {
			continue
		}
		formed[mr] = u
		isFormed[u.ID] = true
	}
	if len(formed) == 0 {
		return rows
	}
	// First pass: the entries closed into their own row's commune, and
	// which rows each closed unit went into.
	fates := map[*MergerRow][]fate{}
	found := map[*MergerRow][][]*Unit{}
	namedBy := map[int][]*MergerRow{}
	var into []*Unit // closed units whose successor is a formed commune
	for _, mr := range rows {
		n := formed[mr]
		if n == nil {
			continue
		}
		into = append(into, d.closedInto[n.ID]...)
		fs, us := make([]fate, len(mr.Formers)), make([][]*Unit, len(mr.Formers))
		for i, f := range mr.Formers {
			cs, _ := d.candidates(f, d.closedInto[n.ID])
			for _, s := range cs {
				namedBy[s.ID] = append(namedBy[s.ID], mr)
			}
			if self, _ := d.candidates(f, []*Unit{n}); len(self) > 0 {
				fs[i] = itself
			} else if len(cs) > 0 {
				fs[i] = merged
			}
		}
		fates[mr], found[mr] = fs, us
	}
	var open []*Unit // the tree's communes that no row formed
	for _, u := range scope {
		if !isFormed[u.ID] && !d.used[u.ID] {
			open = append(open, u)
		}
	}
	// Second pass: a commune shared among several new ones was closed into
	// one of them, whose row names it too; the others are open or missing.
	for _, mr := range rows {
		fs := fates[mr]
		for i, f := range mr.Formers {
			if fs == nil || fs[i] != undecided {
				continue
			}
			cs, _ := d.candidates(f, into)
			if slices.ContainsFunc(cs, func(s *Unit) bool {
				return slices.ContainsFunc(namedBy[s.ID], func(o *MergerRow) bool { return o != mr })
			}) {
				fs[i] = merged
				continue
			}
			if cs, _ := d.candidates(f, open); len(cs) > 0 {
				fs[i], found[mr][i] = stillOpen, cs
				continue
			}
			fs[i] = missing
		}
	}
	var rest []*MergerRow
	for _, mr := range rows {
		n, fs := formed[mr], fates[mr]
		done, bad := 0, 0
		for _, f := range fs {
			switch f {
			case merged:
				done++
			case stillOpen, missing:
				bad++
			}
		}
		if n == nil || (done == 0 && bad > 0) {
			rest = append(rest, mr)
			continue
		}
		d.used[n.ID] = true
		claimed[mr.Code] = true
		if bad == 0 {
			p.Applied++
			keep(d.rowOf[mr.Code], n)
			continue
		}
		for i, f := range mr.Formers {
			is := Issue{File: d.merger.File, Row: mr.Line, Column: colBefore, Value: f.Raw}
			switch fs[i] {
			case stillOpen:
				is.Msg, is.Args = msgStillOpen, []any{n.String(), listUnits(found[mr][i])}
				for _, u := range found[mr][i] {
					d.used[u.ID] = true
				}
			case missing:
				is.Msg, is.Args = msgNotMerged, []any{n.String(), f.Name}
			default:
				continue
			}
			p.Issues = append(p.Issues, is)
		}
	}
	return rest
}
