package history

import (
	"reflect"
	"testing"
)

// u shortens the open units of the tables.
type u = Unit

func TestCompute(t *testing.T) {
	// A province P (1) with districts D (2) and E (3); communes X (4), Y (5)
	// under D, Z (6) under E; villages under the communes.
	old := []Unit{
		{ID: 1, Path: "/1/"},
		{ID: 2, ParentID: 1, Path: "/1/2/"},
		{ID: 3, ParentID: 1, Path: "/1/3/"},
		{ID: 4, ParentID: 2, Path: "/1/2/4/"},
		{ID: 5, ParentID: 2, Path: "/1/2/5/"},
		{ID: 6, ParentID: 3, Path: "/1/3/6/"},
		{ID: 40, ParentID: 4, Path: "/1/2/4/40/"},
		{ID: 41, ParentID: 4, Path: "/1/2/4/41/"},
		{ID: 50, ParentID: 5, Path: "/1/2/5/50/"},
	}
	with := func(changes ...Unit) []Unit {
		units := append([]Unit(nil), old...)
		for _, c := range changes {
			found := false
			for i := range units {
				if units[i].ID == c.ID {
					units[i], found = c, true
				}
			}
			if !found {
				units = append(units, c)
			}
		}
		return units
	}
	closed := func(id, parent int, path string, into int) Unit {
		return Unit{ID: id, ParentID: parent, Path: path, MergedInto: into, Closed: true}
	}
	tests := []struct {
		name  string
		units []Unit
		want  map[int][]Entry
	}{
		{"nothing closed", old, map[int][]Entry{}},
		{
			// The 2025 reform: districts abolished; X and Y merge into a
			// new commune C (7) right under P, their villages with it.
			"two-tier merge",
			with(
				closed(2, 1, "/1/2/", 0), closed(3, 1, "/1/3/", 0),
				closed(4, 2, "/1/2/4/", 7), closed(5, 2, "/1/2/5/", 7),
				closed(6, 3, "/1/3/6/", 8),
				closed(40, 4, "/1/2/4/40/", 70), closed(41, 4, "/1/2/4/41/", 71), closed(50, 5, "/1/2/5/50/", 72),
				u{ID: 7, ParentID: 1, Path: "/1/7/"}, u{ID: 8, ParentID: 1, Path: "/1/8/"},
				u{ID: 70, ParentID: 7, Path: "/1/7/70/"}, u{ID: 71, ParentID: 7, Path: "/1/7/71/"}, u{ID: 72, ParentID: 7, Path: "/1/7/72/"},
			),
			map[int][]Entry{
				// The province held it all already.
				7:  {Whole("/1/2/4/"), Whole("/1/2/5/")},
				8:  {Whole("/1/3/6/")},
				70: {Whole("/1/2/4/40/")},
				71: {Whole("/1/2/4/41/")},
				72: {Whole("/1/2/5/50/")},
			},
		},
		{
			// Province Q (9) merges into P: P takes Q whole.
			"province merge",
			append(with(), closed(9, 0, "/9/", 1), closed(10, 9, "/9/10/", 11), u{ID: 11, ParentID: 1, Path: "/1/11/"}),
			map[int][]Entry{1: {Whole("/9/")}, 11: {Whole("/9/10/")}},
		},
		{
			// X splits into X1 (12, its first part: X's own records) and
			// X2 (13), which is given village 41.
			"split",
			with(
				closed(4, 2, "/1/2/4/", 12),
				closed(40, 4, "/1/2/4/40/", 120), closed(41, 4, "/1/2/4/41/", 130),
				u{ID: 12, ParentID: 2, Path: "/1/2/12/"}, u{ID: 13, ParentID: 2, Path: "/1/2/13/"},
				u{ID: 120, ParentID: 12, Path: "/1/2/12/120/"}, u{ID: 130, ParentID: 13, Path: "/1/2/13/130/"},
			),
			map[int][]Entry{
				12:  {Whole("/1/2/4/40/"), Only("/1/2/4/")},
				13:  {Whole("/1/2/4/41/")},
				120: {Whole("/1/2/4/40/")},
				130: {Whole("/1/2/4/41/")},
			},
		},
		{
			// Y merged into X in one year, X into Z the next: Z inherits
			// both, and so does its district.
			"a chain of merges",
			with(closed(5, 2, "/1/2/5/", 4), closed(50, 5, "/1/2/5/50/", 0), closed(4, 2, "/1/2/4/", 6),
				closed(40, 4, "/1/2/4/40/", 0), closed(41, 4, "/1/2/4/41/", 0)),
			map[int][]Entry{6: {Whole("/1/2/4/"), Whole("/1/2/5/")}, 3: {Whole("/1/2/4/"), Whole("/1/2/5/")}},
		},
		{
			// A unit that kept one open unit below it went only in part.
			"an open unit left below",
			with(closed(4, 2, "/1/2/4/", 5), closed(40, 4, "/1/2/4/40/", 0)),
			map[int][]Entry{5: {Only("/1/2/4/")}},
		},
		{
			"a cycle in bad data ends nowhere",
			with(closed(4, 2, "/1/2/4/", 5), closed(5, 2, "/1/2/5/", 4)),
			map[int][]Entry{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.units)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compute = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEntries(t *testing.T) {
	es := Parse(Format([]Entry{Whole("/9/"), Only("/1/2/4/")}))
	tests := []struct {
		path string
		want bool
	}{
		{"/9/", true},
		{"/9/10/11/", true},
		{"/1/2/4/", true},
		{"/1/2/4/40/", false}, // taken over in part: not its villages
		{"/1/2/", false},
		{"/91/", false},
	}
	for _, tt := range tests {
		if got := AnyCovers(es, tt.path); got != tt.want {
			t.Errorf("AnyCovers(%v, %q) = %v, want %v", es, tt.path, got, tt.want)
		}
	}
	if got := Minimal("/1/", []Entry{Whole("/9/"), Whole("/9/10/"), Only("/9/"), Whole("/1/5/"), Whole("/9/")}); !reflect.DeepEqual(got, []Entry{Whole("/9/")}) {
		t.Errorf("Minimal = %v, want only /9/", got)
	}
}
