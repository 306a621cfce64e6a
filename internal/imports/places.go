package imports

import (
	"context"
	"fmt"
	"sort"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/adminunits"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
)

// place is an open administrative unit of the importer's scope, where rows
// put their units.
type place struct {
	id     int
	code   string
	name   string
	level  adminunit.Level
	parent *place
	path   string
}

// within reports whether p lies in one of units (or is one of them).
func (p *place) within(units []*place) bool {
	for q := p; q != nil; q = q.parent {
		for _, u := range units {
			if q == u {
				return true
			}
		}
	}
	return false
}

// places indexes the open districts, communes and villages of the
// importer's scope, to find the ones rows name: by code, by name (compared
// as textnorm.Fold does, so tone styles and case do not matter, as
// adminunits keeps sibling names unique by it), or by name without its
// type word ("Đông Hưng" for "Xã Đông Hưng").
type places struct {
	byID   map[int]*place
	byCode map[adminunit.Level]map[string][]*place
	byName map[adminunit.Level]map[string][]*place
	byBase map[adminunit.Level]map[string][]*place
	// scope is the importer's scope unit when it is a commune: the commune
	// of a clan or organisation row that names none.
	scope *place
	// resolved caches what the rows' texts named, and outside what codes
	// name out of scope, so each distinct place is worked out once.
	resolved map[placeQuery]placeAnswer
}

// loadPlaces reads the open units below (and at) the scope path, a few
// thousand for a province. ctx reads as the system: the scope is applied
// here, by the path.
func loadPlaces(ctx context.Context, c *ent.Client, scopePath string) (*places, error) {
	rows, err := c.AdminUnit.Query().
		Where(adminunit.ValidToIsNil(),
			adminunit.LevelIn(adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE, adminunit.LevelVILLAGE),
			func(s *entsql.Selector) { s.Where(search.Prefix(s.C(adminunit.FieldPath), scopePath)) }).
		Select(adminunit.FieldID, adminunit.FieldCode, adminunit.FieldName, adminunit.FieldLevel, adminunit.FieldParentID, adminunit.FieldPath).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("imports: administrative units of the scope: %w", err)
	}
	ps := &places{
		byID:     map[int]*place{},
		byCode:   map[adminunit.Level]map[string][]*place{},
		byName:   map[adminunit.Level]map[string][]*place{},
		byBase:   map[adminunit.Level]map[string][]*place{},
		resolved: map[placeQuery]placeAnswer{},
	}
	byID := ps.byID
	for _, u := range rows {
		byID[u.ID] = &place{id: u.ID, code: u.Code, name: u.Name, level: u.Level, path: u.Path}
	}
	for _, u := range rows {
		p := byID[u.ID]
		if u.ParentID != nil {
			p.parent = byID[*u.ParentID] // nil above the scope
		}
		if p.path == scopePath && p.level == adminunit.LevelCOMMUNE {
			ps.scope = p
		}
		add(ps.byCode, p.level, p.code, p)
		add(ps.byName, p.level, textnorm.Fold(p.name), p)
		if b := baseName(p.level, p.name); b != "" {
			add(ps.byBase, p.level, b, p)
		}
	}
	return ps, nil
}

func add(m map[adminunit.Level]map[string][]*place, level adminunit.Level, key string, p *place) {
	if m[level] == nil {
		m[level] = map[string][]*place{}
	}
	m[level][key] = append(m[level][key], p)
}

// typeWords are the type words of each level's names, folded, longest
// first so that "to dan pho" wins over "to".
var typeWords = func() map[adminunit.Level][]string {
	m := map[adminunit.Level][]string{}
	for level, types := range adminunits.Types {
		for _, t := range types {
			m[level] = append(m[level], textnorm.Fold(t))
		}
		sort.Slice(m[level], func(i, j int) bool { return len(m[level][i]) > len(m[level][j]) })
	}
	return m
}()

// baseName is a unit's name folded without the type word it opens with
// ("thon dong" → "dong"); "" when it has none.
func baseName(level adminunit.Level, name string) string {
	f := textnorm.Fold(name)
	for _, t := range typeWords[level] {
		if rest, ok := strings.CutPrefix(f, t+" "); ok {
			return rest
		}
	}
	return ""
}

// find returns the units of level that text names, among those within
// some unit of within when it is not nil: by code first, then by name,
// then by name without type word, each narrowed to within.
func (ps *places) find(level adminunit.Level, text string, within []*place) []*place {
	narrow := func(cands []*place) []*place {
		if within == nil {
			return cands
		}
		var out []*place
		for _, p := range cands {
			if p.within(within) {
				out = append(out, p)
			}
		}
		return out
	}
	if c := narrow(ps.byCode[level][strings.TrimSpace(text)]); len(c) > 0 {
		return c
	}
	f := textnorm.Fold(text)
	if c := narrow(ps.byName[level][f]); len(c) > 0 {
		return c
	}
	if b := baseName(level, text); b != "" {
		f = b
	}
	return narrow(ps.byBase[level][f])
}

// placeQuery is the texts a row names its place with.
type placeQuery struct {
	level                      adminunit.Level
	district, commune, village string
}

// placeAnswer is the place a query names, or the problem: the column at
// fault, and the message.
type placeAnswer struct {
	place  *place
	column string
	msg    i18n.Message
	args   []any
	// code is the text of the column at fault when it may be a code of a
	// unit out of scope, not yet looked up (outsideScope).
	code  string
	level adminunit.Level
}

var (
	msgPlaceMissing   = i18n.Message{VI: "Cần ghi %s.", EN: "The %s is needed."}
	msgPlaceNotFound  = i18n.Message{VI: "Không có %s «%s» trong phạm vi bạn quản lý.", EN: "There is no %s «%s» in your scope."}
	msgPlaceNotUnder  = i18n.Message{VI: "Không có %s «%s» thuộc %s.", EN: "There is no %s «%s» in %s."}
	msgPlaceAmbiguous = i18n.Message{VI: "«%s» có thể là %s; ghi rõ %s.", EN: "«%s» could be %s; name the %s."}
	msgPlaceOutside   = i18n.Message{VI: "%s (mã %s) nằm ngoài phạm vi bạn quản lý.", EN: "%s (code %s) is outside your scope."}
)

// resolve finds the place of a row: a village (households, members) or a
// commune (clans, organisations), narrowed by the commune and district
// the row names.
func (ps *places) resolve(q placeQuery) placeAnswer {
	if a, ok := ps.resolved[q]; ok {
		return a
	}
	a := ps.resolveUncached(q)
	ps.resolved[q] = a
	return a
}

func (ps *places) resolveUncached(q placeQuery) placeAnswer {
	var within []*place
	if q.district != "" {
		ds := ps.find(adminunit.LevelDISTRICT, q.district, nil)
		if len(ds) == 0 {
			return notFound(colDistrict, adminunit.LevelDISTRICT, q.district)
		}
		within = ds
	}
	if q.commune == "" && q.level == adminunit.LevelCOMMUNE {
		if ps.scope != nil && within == nil {
			return placeAnswer{place: ps.scope}
		}
		return placeAnswer{column: colCommune, msg: msgPlaceMissing, args: []any{titles.LevelNames[adminunit.LevelCOMMUNE]}}
	}
	if q.commune != "" {
		cs := ps.find(adminunit.LevelCOMMUNE, q.commune, within)
		switch {
		case len(cs) == 0 && within != nil:
			return placeAnswer{column: colCommune, msg: msgPlaceNotUnder,
				args: []any{titles.LevelNames[adminunit.LevelCOMMUNE], q.commune, within[0].name}}
		case len(cs) == 0:
			return notFound(colCommune, adminunit.LevelCOMMUNE, q.commune)
		case q.level == adminunit.LevelCOMMUNE && len(cs) > 1:
			return ambiguous(colCommune, q.commune, cs, adminunit.LevelDISTRICT)
		case q.level == adminunit.LevelCOMMUNE:
			return placeAnswer{place: cs[0]}
		}
		within = cs
	}
	vs := ps.find(adminunit.LevelVILLAGE, q.village, within)
	switch {
	case len(vs) == 1:
		return placeAnswer{place: vs[0]}
	case len(vs) > 1:
		return ambiguous(colVillage, q.village, vs, adminunit.LevelCOMMUNE)
	case q.commune != "":
		return placeAnswer{column: colVillage, msg: msgPlaceNotUnder,
			args: []any{titles.LevelNames[adminunit.LevelVILLAGE], q.village, within[0].name}}
	}
	return notFound(colVillage, adminunit.LevelVILLAGE, q.village)
}

func notFound(column string, level adminunit.Level, text string) placeAnswer {
	return placeAnswer{column: column, msg: msgPlaceNotFound, args: []any{titles.LevelNames[level], text}, code: strings.TrimSpace(text), level: level}
}

// ambiguous names the units a text could be, with the unit above each, and
// the level to name to tell them apart.
func ambiguous(column, text string, cands []*place, tell adminunit.Level) placeAnswer {
	var names []string
	for _, p := range cands {
		n := p.name
		if p.parent != nil {
			n += " (" + p.parent.name + ")"
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return placeAnswer{column: column, msg: msgPlaceAmbiguous, args: []any{text, strings.Join(names, "; "), titles.LevelNames[tell]}}
}

// outsideScope looks up, in one query, which of the codes that named no
// unit of the scope are codes of open units elsewhere, so that a row
// naming one is told it is out of scope rather than unknown. It rewrites
// the cached answers.
func (ps *places) outsideScope(ctx context.Context, c *ent.Client, queries []placeQuery) error {
	var codes []string
	seen := map[string]bool{}
	for _, q := range queries {
		a := ps.resolved[q]
		if a.place == nil && a.code != "" && !seen[a.code] {
			seen[a.code] = true
			codes = append(codes, a.code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	units, err := c.AdminUnit.Query().
		Where(adminunit.ValidToIsNil(), adminunit.CodeIn(codes...)).
		Select(adminunit.FieldCode, adminunit.FieldName, adminunit.FieldLevel).
		All(ctx)
	if err != nil {
		return fmt.Errorf("imports: codes out of scope: %w", err)
	}
	for _, q := range queries {
		a := ps.resolved[q]
		if a.place != nil || a.code == "" {
			continue
		}
		for _, u := range units {
			if u.Code == a.code && u.Level == a.level {
				a.msg, a.args = msgPlaceOutside, []any{u.Name, u.Code}
				break
			}
		}
		a.code = "" // looked up
		ps.resolved[q] = a
	}
	return nil
}
