package catalog

import (
	"context"
	"fmt"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/predicate"
	"hoctap/ent/privacy"
	"hoctap/internal/i18n"
)

// Unit is a unit of the tree as the diff sees it.
type Unit struct {
	ID       int
	Code     string
	Name     string
	Type     string
	Level    adminunit.Level
	ParentID int
	// MergedInto is a closed unit's successor (its new version, or the
	// unit it was merged into), 0 for none.
	MergedInto int
}

func (u *Unit) String() string { return fmt.Sprintf("%s (%s)", u.Name, u.Code) }

// Tree is the provinces, districts and communes valid at a date.
type Tree struct {
	Date     time.Time
	Units    map[int]*Unit
	Children map[int][]*Unit
	// Provinces in code order.
	Provinces []*Unit
	// Root is the country unit, 0 when the database has none yet.
	Root int
	// Closed are the provinces, districts and communes closed before Date,
	// with the parents they kept and their successors: what reorganisations
	// already applied left behind. They are no part of the tree (Units,
	// Children); the diff reads them to tell a merger list already applied
	// from one still to apply.
	Closed map[int]*Unit
}

// ReadTree reads the country, provinces, districts and communes valid at date
// (valid_from empty or on or before it, valid_to empty or on or after it),
// and those closed before it, as the system: the import is an admin's, who
// reaches everything.
func ReadTree(ctx context.Context, c *ent.Client, date time.Time) (*Tree, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	levels := adminunit.LevelIn(adminunit.LevelCOUNTRY, adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE)
	fields := []string{adminunit.FieldID, adminunit.FieldCode, adminunit.FieldName, adminunit.FieldType, adminunit.FieldLevel,
		adminunit.FieldParentID, adminunit.FieldMergedIntoID}
	all, err := c.AdminUnit.Query().
		Where(ValidAt(date), levels).
		Order(ent.Asc(adminunit.FieldCode), ent.Asc(adminunit.FieldID)).
		Select(fields...).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: read the tree: %w", err)
	}
	closed, err := c.AdminUnit.Query().
		Where(adminunit.ValidToLT(day(date)), levels).
		Select(fields...).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: read the closed units: %w", err)
	}
	t := &Tree{Date: date, Units: map[int]*Unit{}, Children: map[int][]*Unit{}, Closed: make(map[int]*Unit, len(closed))}
	for _, a := range all {
		u := unitOf(a)
		t.Units[u.ID] = u
		t.Children[u.ParentID] = append(t.Children[u.ParentID], u)
		switch u.Level {
		case adminunit.LevelPROVINCE:
			t.Provinces = append(t.Provinces, u)
		case adminunit.LevelCOUNTRY:
			t.Root = u.ID
		}
	}
	for _, a := range closed {
		t.Closed[a.ID] = unitOf(a)
	}
	return t, nil
}

func unitOf(a *ent.AdminUnit) *Unit {
	u := &Unit{ID: a.ID, Code: a.Code, Name: a.Name, Type: a.Type, Level: a.Level}
	if a.ParentID != nil {
		u.ParentID = *a.ParentID
	}
	if a.MergedIntoID != nil {
		u.MergedInto = *a.MergedIntoID
	}
	return u
}

// ValidAt selects the units that exist on date, a calendar day.
func ValidAt(date time.Time) predicate.AdminUnit {
	d := day(date)
	return adminunit.And(
		adminunit.Or(adminunit.ValidFromIsNil(), adminunit.ValidFromLTE(d)),
		adminunit.Or(adminunit.ValidToIsNil(), adminunit.ValidToGTE(d)),
	)
}

// day is the calendar day of date (as written: 2025-07-01 is the first of
// July whatever its zone) at midnight in Vietnam, in UTC: validity dates are
// stored so (reorg writes the effective day's midnight in Vietnam), and
// compared so, since SQLite compares them as text.
func day(date time.Time) time.Time {
	return time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, i18n.Vietnam).UTC()
}

// unit is a unit of the tree or a closed one, nil for neither.
func (t *Tree) unit(id int) *Unit {
	if u := t.Units[id]; u != nil {
		return u
	}
	return t.Closed[id]
}

// successor follows a closed unit's successors, through the versions a
// unit may have had, to the unit of the tree it lives on in; nil for none
// (closed without a successor, or into a unit closed since).
func (t *Tree) successor(u *Unit) *Unit {
	// Bounded by the closed units, should the links ever loop.
	for range len(t.Closed) + 1 {
		if open := t.Units[u.MergedInto]; open != nil {
			return open
		}
		if u = t.Closed[u.MergedInto]; u == nil {
			return nil
		}
	}
	return nil
}

// province is the province a unit lies in, nil for none.
func (t *Tree) province(u *Unit) *Unit {
	for u != nil && u.Level != adminunit.LevelPROVINCE {
		u = t.Units[u.ParentID]
	}
	return u
}

// district is the district a commune lies in, nil for none.
func (t *Tree) district(u *Unit) *Unit {
	if p := t.Units[u.ParentID]; p != nil && p.Level == adminunit.LevelDISTRICT {
		return p
	}
	return nil
}

// below lists the units of level under u, at any depth.
func (t *Tree) below(u *Unit, level adminunit.Level) []*Unit {
	var out []*Unit
	var walk func(id int)
	walk = func(id int) {
		for _, ch := range t.Children[id] {
			if ch.Level == level {
				out = append(out, ch)
			}
			walk(ch.ID)
		}
	}
	walk(u.ID)
	return out
}
