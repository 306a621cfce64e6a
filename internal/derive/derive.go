// Package derive holds the ent hooks that keep derived columns in step with
// the data they come from: materialised paths, their copies on learning
// units and users, search keys and version numbers. Every write path goes
// through them, so no caller can forget one.
package derive

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/privacy"
	"golang.org/x/text/unicode/norm"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/hook"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/textnorm"
)

// system lets a hook read what it needs whoever the viewer is; the write it
// serves has already passed the privacy policy.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

type derivedKey struct{}

// derived marks writes that complete a row rather than change it, so they do
// not bump its version.
func derived(ctx context.Context) context.Context {
	return context.WithValue(system(ctx), derivedKey{}, true)
}

// Version increments the version of every updated row.
func Version() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if v, ok := m.(interface{ AddVersion(int) }); ok && ctx.Value(derivedKey{}) == nil {
				v.AddVersion(1)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}

// NFC stores every text a mutation sets in Unicode normal form C. Phones,
// keyboards and Excel sheets send Vietnamese both precomposed and decomposed
// ("ệ" as one code point or as "e" with two marks); the two look alike and
// compare unequal, so a name typed decomposed was invisible to
// `nameContains` and sorted apart from its twins.
func NFC() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, f := range m.Fields() {
				v, _ := m.Field(f)
				if s, ok := v.(string); ok && !norm.NFC.IsNormalString(s) {
					if err := m.SetField(f, norm.NFC.String(s)); err != nil {
						return nil, fmt.Errorf("normalise %s: %w", f, err)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// SortKeys keeps each text field's Vietnamese collation key (the field
// named text+"_key", see textnorm.SortKey) in step with the text. It runs
// after NFC, so the key is the stored text's.
func SortKeys(texts ...string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, f := range texts {
				// Field reports the zero value of a field the mutation does not set.
				if v, set := m.Field(f); set {
					s, _ := v.(string)
					if err := m.SetField(f+"_key", textnorm.SortKey(s)); err != nil {
						return nil, fmt.Errorf("sort key of %s: %w", f, err)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// copyPath sets a row's copy of an admin unit's path when the mutation sets
// the unit.
func copyPath(ctx context.Context, c *ent.Client, id int, set bool, setPath func(string)) error {
	if !set {
		return nil
	}
	p, err := pathOf(ctx, c, id)
	if err != nil {
		return err
	}
	setPath(p)
	return nil
}

// pathOf returns the materialised path of an admin unit.
func pathOf(ctx context.Context, c *ent.Client, id int) (string, error) {
	p, err := c.AdminUnit.Query().Where(adminunit.ID(id)).Select(adminunit.FieldPath).String(system(ctx))
	if err != nil {
		return "", fmt.Errorf("path of admin unit %d: %w", id, err)
	}
	return p, nil
}

// AdminUnitPath sets the depth of a new unit and, once its id is known, its
// materialised path: the parent's path followed by the id.
func AdminUnitPath() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AdminUnitFunc(func(ctx context.Context, m *ent.AdminUnitMutation) (ent.Value, error) {
			parentPath := "/"
			if pid, ok := m.ParentID(); ok {
				p, err := pathOf(ctx, m.Client(), pid)
				if err != nil {
					return nil, err
				}
				parentPath = p
			}
			m.SetDepth(depth(parentPath))
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			u := v.(*ent.AdminUnit)
			u.Path = parentPath + strconv.Itoa(u.ID) + "/"
			if err := m.Client().AdminUnit.UpdateOneID(u.ID).SetPath(u.Path).Exec(derived(ctx)); err != nil {
				return nil, fmt.Errorf("set path of admin unit %d: %w", u.ID, err)
			}
			return u, nil
		})
	}, ent.OpCreate)
}

// depth counts the units in a path.
func depth(path string) int {
	n := -1
	for i := range len(path) {
		if path[i] == '/' {
			n++
		}
	}
	return n
}

// AdminUnitKeys indexes the name of an admin unit for search. It must wrap
// AdminUnitPath, which gives a new unit its path only after the insert.
func AdminUnitKeys() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AdminUnitFunc(func(ctx context.Context, m *ent.AdminUnitMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			u := v.(*ent.AdminUnit)
			if m.Op().Is(ent.OpCreate) {
				return u, search.AddKeys(ctx, m.Client(), u.ID, u.Path, u.Name)
			}
			if _, ok := m.Name(); ok {
				return u, search.ReplaceKeys(ctx, m.Client(), u.ID, u.Path, u.Name)
			}
			return u, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// LearningUnitPath copies the admin unit's path onto a learning unit when it
// is created or moved, so scope filters need no join.
func LearningUnitPath() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.LearningUnitFunc(func(ctx context.Context, m *ent.LearningUnitMutation) (ent.Value, error) {
			id, ok := m.AdminUnitID()
			if err := copyPath(ctx, m.Client(), id, ok, m.SetAdminPath); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// LearningUnitKeys indexes the name and head's name of a learning unit.
func LearningUnitKeys() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.LearningUnitFunc(func(ctx context.Context, m *ent.LearningUnitMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpUpdate) {
				path, moved := m.AdminPath()
				if !moved {
					return next.Mutate(ctx, m)
				}
				return moveKeys(ctx, m, m.Client(), m.IDs, path, next)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			u := v.(*ent.LearningUnit)
			_, name := m.Name()
			_, head := m.HeadName()
			_, moved := m.AdminPath()
			switch {
			case m.Op().Is(ent.OpCreate):
				return u, search.AddKeys(ctx, m.Client(), u.ID, u.AdminPath, u.Name, u.HeadName)
			case name || head || moved || m.HeadNameCleared():
				return u, search.ReplaceKeys(ctx, m.Client(), u.ID, u.AdminPath, u.Name, u.HeadName)
			}
			return u, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// moveKeys runs an update of many rows (listed by ids) that moves them to
// path, and moves their search keys with them, so that searches narrowed to
// a scope find them at their new place.
func moveKeys(ctx context.Context, m ent.Mutation, c *ent.Client, ids func(context.Context) ([]int, error), path string, next ent.Mutator) (ent.Value, error) {
	// The rows the update will change: its predicates include the ones
	// the privacy policy added, so the system may list them.
	owners, err := ids(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("rows to move: %w", err)
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return nil, err
	}
	return v, search.MoveKeys(ctx, c, path, owners...)
}

// UserScope copies the scope unit's path and predecessors onto a user when
// the scope is set.
func UserScope() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.UserFunc(func(ctx context.Context, m *ent.UserMutation) (ent.Value, error) {
			if id, ok := m.ScopeID(); ok {
				u, err := m.Client().AdminUnit.Query().Where(adminunit.ID(id)).
					Select(adminunit.FieldPath, adminunit.FieldPredecessors).Only(system(ctx))
				if err != nil {
					return nil, fmt.Errorf("scope %d: %w", id, err)
				}
				m.SetScopePath(u.Path)
				m.SetScopePredecessors(u.Predecessors)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// UserKeys indexes the username and full name of a user.
func UserKeys() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.UserFunc(func(ctx context.Context, m *ent.UserMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpUpdate) {
				path, moved := m.ScopePath()
				if !moved {
					return next.Mutate(ctx, m)
				}
				return moveKeys(ctx, m, m.Client(), m.IDs, path, next)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			u := v.(*ent.User)
			_, name := m.FullName()
			_, login := m.Username()
			_, moved := m.ScopePath()
			switch {
			case m.Op().Is(ent.OpCreate):
				return u, search.AddKeys(ctx, m.Client(), u.ID, u.ScopePath, u.Username, u.FullName)
			case name || login || moved:
				return u, search.ReplaceKeys(ctx, m.Client(), u.ID, u.ScopePath, u.Username, u.FullName)
			}
			return u, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// CampaignScope copies the province's path onto a new campaign.
func CampaignScope() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CampaignFunc(func(ctx context.Context, m *ent.CampaignMutation) (ent.Value, error) {
			id, ok := m.ProvinceID()
			if err := copyPath(ctx, m.Client(), id, ok, m.SetScopePath); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// DecisionScope copies the deciding unit's path onto a new decision.
func DecisionScope() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.DecisionFunc(func(ctx context.Context, m *ent.DecisionMutation) (ent.Value, error) {
			id, ok := m.DecidingUnitID()
			if err := copyPath(ctx, m.Client(), id, ok, m.SetScopePath); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// Derived reports whether ctx is that of a write that completes a row rather
// than changes it (a new unit's path): the changes log skips those, the
// write they complete being logged already.
func Derived(ctx context.Context) bool { return ctx.Value(derivedKey{}) != nil }

// Days keeps the named time fields as calendar days: midnight in Vietnam,
// as the days units open and close are kept. Every stored day then carries
// the same zone, which SQLite needs (it compares times as the text the
// driver wrote, offset included), and a year's bounds (midnights in
// Vietnam) cut both databases' rows at the same place. A time is taken to
// be on Vietnam's calendar: a UTC midnight, or a Vietnam midnight read
// back from PostgreSQL in UTC, is the same day again.
func Days(fields ...string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, f := range fields {
				v, set := m.Field(f)
				if t, ok := v.(time.Time); set && ok {
					y, mo, d := t.In(i18n.Vietnam).Date()
					if err := m.SetField(f, time.Date(y, mo, d, 0, 0, 0, 0, i18n.Vietnam)); err != nil {
						return nil, fmt.Errorf("day %s: %w", f, err)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}
