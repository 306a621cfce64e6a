package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent/adminunit"
	"hoctap/ent/privacy"
	"hoctap/ent/searchkey"
	"hoctap/internal/bulk"
	"hoctap/internal/setup"
	"hoctap/internal/store"
	"hoctap/internal/textnorm"
)

// ErrNotEmpty is Load's answer for a database that already has provinces.
var ErrNotEmpty = errors.New("catalog: the database already holds provinces")

// LoadOptions narrow what Load builds.
type LoadOptions struct {
	// Provinces, when set, are the codes of the provinces to load; the
	// others are left out (for a quicker test).
	Provinces []string
}

// Loaded counts what Load wrote.
type Loaded struct{ Provinces, Districts, Communes int }

// Load builds the tree of a three-tier catalogue (country, provinces,
// districts, communes) in a database that has no province yet, in one
// transaction. The 10,000 communes of the national catalogue are written in
// bulk (multi-row INSERTs on SQLite, COPY on PostgreSQL) with the paths,
// depths, sort keys and search keys ent's hooks would give them; a unit at
// a time through ent took several statements each.
func Load(ctx context.Context, db *store.DB, cat *Catalogue, opts LoadOptions) (Loaded, error) {
	var n Loaded
	if cat.Format != ThreeTier {
		return n, fmt.Errorf("catalog: load: %s is not a three-tier catalogue", cat.File)
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := bulk.Begin(ctx, db.SQL, db.Dialect)
	if err != nil {
		return n, fmt.Errorf("catalog: load: %w", err)
	}
	n, err = load(ctx, tx, cat, opts)
	if err != nil {
		tx.Rollback()
		return Loaded{}, fmt.Errorf("catalog: load: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Loaded{}, fmt.Errorf("catalog: load: commit: %w", err)
	}
	if db.Dialect == dialect.Postgres {
		// As after the demo: without statistics PostgreSQL plans a
		// province's filters as nested loops over the whole table.
		if err := db.Analyze(ctx); err != nil {
			return n, fmt.Errorf("catalog: load: %w", err)
		}
	}
	return n, nil
}

// unitColumns are the columns of admin_units that Load writes.
var unitColumns = []string{
	adminunit.FieldID, adminunit.FieldCreatedAt, adminunit.FieldUpdatedAt, adminunit.FieldVersion,
	adminunit.FieldCode, adminunit.FieldName, adminunit.FieldNameKey, adminunit.FieldLevel, adminunit.FieldType,
	adminunit.FieldDisadvantaged, adminunit.FieldParentID, adminunit.FieldPath, adminunit.FieldDepth,
}

func load(ctx context.Context, tx *bulk.Tx, cat *Catalogue, opts LoadOptions) (Loaded, error) {
	var n Loaded
	exists, err := tx.Client.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelPROVINCE)).Exist(ctx)
	if err != nil {
		return n, err
	}
	if exists {
		return n, ErrNotEmpty
	}
	country, err := setup.Country(ctx, tx.Client)
	if err != nil {
		return n, err
	}
	type unit struct {
		id              int
		up              *unit // nil under the country
		code, name, typ string
		level           adminunit.Level
		path            string
	}
	var units []*unit
	byKey := map[string]*unit{}
	// add makes the unit of key under up, once: a province or district is
	// named by each of its communes' rows, and the first row places it.
	add := func(key string, up *unit, code, name, typ string, level adminunit.Level) *unit {
		if u := byKey[key]; u != nil {
			return u
		}
		u := &unit{up: up, code: code, name: name, typ: typ, level: level}
		byKey[key] = u
		units = append(units, u)
		return u
	}
	for _, r := range cat.Rows {
		if len(opts.Provinces) > 0 && !slices.Contains(opts.Provinces, r.ProvinceCode) {
			continue
		}
		p := add("tp:"+r.ProvinceCode, nil, r.ProvinceCode, r.ProvinceName, typeOf(r.ProvinceName), adminunit.LevelPROVINCE)
		dist := add("qh:"+r.DistrictCode, p, r.DistrictCode, r.DistrictName, typeOf(r.DistrictName), adminunit.LevelDISTRICT)
		add("px:"+r.Code, dist, r.Code, r.Name, r.Type, adminunit.LevelCOMMUNE)
	}
	if len(units) == 0 {
		return n, nil
	}
	first, err := tx.IDs(ctx, adminunit.Table, len(units))
	if err != nil {
		return n, err
	}
	// Parents come before their children in units, so one pass gives
	// every unit its parent's path.
	for i, u := range units {
		u.id = first + i
	}
	now := time.Now().UTC()
	rows := make([][]any, 0, len(units))
	var keys [][]any
	for _, u := range units {
		parentPath, parent := country.Path, country.ID
		if u.up != nil {
			parentPath, parent = u.up.path, u.up.id
		}
		u.path = parentPath + strconv.Itoa(u.id) + "/"
		depth := 0 // units above: the path's slashes, less the two around u
		for _, ch := range u.path {
			if ch == '/' {
				depth++
			}
		}
		rows = append(rows, []any{u.id, now, now, 1, u.code, u.name, textnorm.SortKey(u.name), string(u.level), u.typ,
			false, parent, u.path, depth - 2})
		for _, k := range textnorm.Keys(u.name) {
			keys = append(keys, []any{0, k, u.id, u.path})
		}
		switch u.level {
		case adminunit.LevelPROVINCE:
			n.Provinces++
		case adminunit.LevelDISTRICT:
			n.Districts++
		default:
			n.Communes++
		}
	}
	if err := tx.Insert(ctx, adminunit.Table, unitColumns, rows); err != nil {
		return n, err
	}
	kfirst, err := tx.IDs(ctx, searchkey.Table, len(keys))
	if err != nil {
		return n, err
	}
	for i := range keys {
		keys[i][0] = kfirst + i
	}
	if err := tx.Insert(ctx, searchkey.Table, []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}, keys); err != nil {
		return n, err
	}
	return n, nil
}
