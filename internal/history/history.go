// Package history works out which closed units' records each open unit
// inherits, so that a reorganisation loses nobody a year of history.
//
// Records of closed campaigns (registrations, decisions, the campaigns
// themselves) keep the materialised paths of the tree they were made on:
// Thái Bình's 2020 registrations stay under Thái Bình's path after it
// became part of Hưng Yên, so that the 2020 report reads as it did. Read by
// path alone they would vanish for everyone but an ADMIN: the officer of a
// merged commune now works in its successor, whose path is new. A unit's
// predecessors list the closed units it took over: its officers read their
// records as they read their own.
//
// A predecessor is taken over whole when everything that was in it went
// into the successor's subtree (a merge); its path then stands for it and
// all below it. A split's source went several ways: each part inherits the
// source's own records ("=" and its path) and the villages it was given,
// never its sister's. Predecessors above one's own path add nothing (they
// are read as one's own) and are left out, as are those another entry
// covers.
package history

import (
	"slices"
	"sort"
	"strings"
)

// onlyMark marks an entry that stands for a unit alone, not its subtree.
const onlyMark = "="

// Entry is one predecessor: a path, read as a subtree, or onlyMark and a
// path, read as that unit alone.
type Entry string

// Whole is the entry of a unit taken over with everything below it.
func Whole(path string) Entry { return Entry(path) }

// Only is the entry of a unit taken over without what was below it.
func Only(path string) Entry { return Entry(onlyMark + path) }

// Path is the unit's materialised path; whole reports whether the entry
// stands for its subtree.
func (e Entry) Path() (path string, whole bool) {
	if p, ok := strings.CutPrefix(string(e), onlyMark); ok {
		return p, false
	}
	return string(e), true
}

// Covers reports whether the entry stands for the unit at path.
func (e Entry) Covers(path string) bool {
	p, whole := e.Path()
	if whole {
		return strings.HasPrefix(path, p)
	}
	return path == p
}

// Parse reads a stored list of entries (space-separated).
func Parse(s string) []Entry {
	fields := strings.Fields(s)
	out := make([]Entry, len(fields))
	for i, f := range fields {
		out[i] = Entry(f)
	}
	return out
}

// Format writes entries as stored: space-separated, sorted.
func Format(entries []Entry) string {
	ss := make([]string, len(entries))
	for i, e := range entries {
		ss[i] = string(e)
	}
	sort.Strings(ss)
	return strings.Join(ss, " ")
}

// AnyCovers reports whether one of entries stands for the unit at path.
func AnyCovers(entries []Entry, path string) bool {
	return slices.ContainsFunc(entries, func(e Entry) bool { return e.Covers(path) })
}

// Minimal drops the entries a unit at own needs not list: those under its
// own path and those another entry covers. The rest come back sorted.
func Minimal(own string, entries []Entry) []Entry {
	var wholes []string
	for _, e := range entries {
		if p, whole := e.Path(); whole {
			wholes = append(wholes, p)
		}
	}
	covered := func(p string, self Entry) bool {
		if own != "" && strings.HasPrefix(p, own) {
			return true
		}
		for _, w := range wholes {
			// A whole entry covers the entries under it, not itself.
			if strings.HasPrefix(p, w) && Entry(w) != self {
				return true
			}
		}
		return false
	}
	seen := map[Entry]bool{}
	var out []Entry
	for _, e := range entries {
		p, _ := e.Path()
		if seen[e] || covered(p, e) {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// Unit is what Compute reads of an admin unit.
type Unit struct {
	ID       int
	ParentID int // 0 at the top
	Path     string
	// MergedInto is the unit a closed unit became, 0 if none (a plain
	// close, or a tier abolished into the unit above).
	MergedInto int
	Closed     bool
}

// Compute gives every open unit the predecessors it inherits, from the
// tree as it stands: each closed unit with a successor is inherited by the
// open unit its chain of successors ends at and by every unit above that
// one. Units inheriting nothing are left out.
func Compute(units []Unit) map[int][]Entry {
	byID := make(map[int]*Unit, len(units))
	for i := range units {
		byID[units[i].ID] = &units[i]
	}
	final := func(u *Unit) *Unit {
		// A chain is as long as the reorganisations a unit went through;
		// the bound only guards against a cycle in bad data.
		for range len(units) + 1 {
			if !u.Closed {
				return u
			}
			next := byID[u.MergedInto]
			if next == nil {
				return nil
			}
			u = next
		}
		return nil
	}
	sorted := make([]*Unit, len(units))
	for i := range units {
		sorted[i] = &units[i]
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	// below lists the units under u, from the path order.
	below := func(u *Unit) []*Unit {
		i := sort.Search(len(sorted), func(i int) bool { return sorted[i].Path > u.Path })
		j := i
		for j < len(sorted) && strings.HasPrefix(sorted[j].Path, u.Path) {
			j++
		}
		return sorted[i:j]
	}
	inherited := map[int][]Entry{}
	for _, u := range sorted {
		if !u.Closed || u.MergedInto == 0 || u.Path == "" {
			continue
		}
		f := final(u)
		if f == nil {
			continue
		}
		e := Whole(u.Path)
		if !wentWhole(u, f, below(u), final) {
			e = Only(u.Path)
		}
		for a := f; a != nil; a = byID[a.ParentID] {
			if !a.Closed {
				inherited[a.ID] = append(inherited[a.ID], e)
			}
		}
	}
	for id, es := range inherited {
		inherited[id] = Minimal(byID[id].Path, es)
		if len(inherited[id]) == 0 {
			delete(inherited, id)
		}
	}
	return inherited
}

// wentWhole reports whether everything under the closed unit u went where
// u went (f's subtree): no unit under it is still open in place, and every
// one that moved on moved into f.
func wentWhole(u, f *Unit, under []*Unit, final func(*Unit) *Unit) bool {
	for _, d := range under {
		if !d.Closed {
			return false
		}
		if d.MergedInto == 0 {
			continue
		}
		if fd := final(d); fd == nil || !strings.HasPrefix(fd.Path, f.Path) {
			return false
		}
	}
	return true
}
