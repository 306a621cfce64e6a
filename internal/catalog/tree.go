package catalog

import (
	"context"
	"fmt"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/predicate"
	"hoctap/ent/privacy"
)

// Unit is a unit of the tree as the diff sees it.
type Unit struct {
	ID       int
	Code     string
	Name     string
	Type     string
	Level    adminunit.Level
	ParentID int
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
}

// ReadTree reads the country, provinces, districts and communes valid at date
// (valid_from empty or on or before it, valid_to empty or on or after it),
// as the system: the import is an admin's, who reaches everything.
func ReadTree(ctx context.Context, c *ent.Client, date time.Time) (*Tree, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	all, err := c.AdminUnit.Query().
		Where(ValidAt(date), adminunit.LevelIn(adminunit.LevelCOUNTRY, adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE)).
		Order(ent.Asc(adminunit.FieldCode), ent.Asc(adminunit.FieldID)).
		Select(adminunit.FieldID, adminunit.FieldCode, adminunit.FieldName, adminunit.FieldType, adminunit.FieldLevel, adminunit.FieldParentID).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: read the tree: %w", err)
	}
	t := &Tree{Date: date, Units: map[int]*Unit{}, Children: map[int][]*Unit{}}
	for _, a := range all {
		u := &Unit{ID: a.ID, Code: a.Code, Name: a.Name, Type: a.Type, Level: a.Level}
		if a.ParentID != nil {
			u.ParentID = *a.ParentID
		}
		t.Units[u.ID] = u
		t.Children[u.ParentID] = append(t.Children[u.ParentID], u)
		switch u.Level {
		case adminunit.LevelPROVINCE:
			t.Provinces = append(t.Provinces, u)
		case adminunit.LevelCOUNTRY:
			t.Root = u.ID
		}
	}
	return t, nil
}

// ValidAt selects the units that exist on date.
func ValidAt(date time.Time) predicate.AdminUnit {
	return adminunit.And(
		adminunit.Or(adminunit.ValidFromIsNil(), adminunit.ValidFromLTE(date)),
		adminunit.Or(adminunit.ValidToIsNil(), adminunit.ValidToGTE(date)),
	)
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
