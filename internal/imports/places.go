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

// places indexes the open provinces, districts, communes and villages of
// the importer's scope, to find the ones rows name: by code, by name (compared
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
			adminunit.LevelIn(adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE, adminunit.LevelVILLAGE),
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

// placeQuery is the texts a row names its place with, and the level of
// the place: the row's level, or for an account the lowest level named.
type placeQuery struct {
	level                                adminunit.Level
	province, district, commune, village string
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

// maxResolved bounds the cache of places.resolve: a province has a few
// thousand units, but a long list may write them many ways.
const maxResolved = 20_000

// trim empties the cache of places.resolve when it has grown past
// maxResolved; it is called between chunks, as outsideScope rewrites the
// answers of the chunk's rows.
func (ps *places) trim() {
	if len(ps.resolved) > maxResolved {
		clear(ps.resolved)
	}
}

// resolve finds the place of a row: a village (households, members), a
// commune (clans, organisations) or a unit of any level (an account's
// scope), narrowed by the units above it the row names.
func (ps *places) resolve(q placeQuery) placeAnswer {
	if a, ok := ps.resolved[q]; ok {
		return a
	}
	a := ps.resolveUncached(q)
	ps.resolved[q] = a
	return a
}

// placeSteps are the levels a row may name, from the top, with their
// columns.
var placeSteps = []struct {
	level  adminunit.Level
	column string
	text   func(placeQuery) string
}{
	{adminunit.LevelPROVINCE, colProvince, func(q placeQuery) string { return q.province }},
	{adminunit.LevelDISTRICT, colDistrict, func(q placeQuery) string { return q.district }},
	{adminunit.LevelCOMMUNE, colCommune, func(q placeQuery) string { return q.commune }},
	{adminunit.LevelVILLAGE, colVillage, func(q placeQuery) string { return q.village }},
}

// resolveUncached walks down the levels the row names, each narrowing the
// next, to the query's level. A unit not found under the one named just
// above it is said to be not there; one not found at all, not in scope
// (or outside it: outsideScope).
func (ps *places) resolveUncached(q placeQuery) placeAnswer {
	var within []*place
	var above adminunit.Level // the level within was found at
	for i, step := range placeSteps {
		text := step.text(q)
		last := step.level == q.level
		if text == "" {
			if !last {
				continue
			}
			if step.level == adminunit.LevelCOMMUNE && ps.scope != nil && within == nil {
				// A commune's own officer need not name it.
				return placeAnswer{place: ps.scope}
			}
			return placeAnswer{column: step.column, msg: msgPlaceMissing, args: []any{titles.LevelNames[step.level]}}
		}
		found := ps.find(step.level, text, within)
		switch {
		case len(found) == 0 && i > 0 && above == placeSteps[i-1].level:
			return placeAnswer{column: step.column, msg: msgPlaceNotUnder,
				args: []any{titles.LevelNames[step.level], text, within[0].name}}
		case len(found) == 0:
			return notFound(step.column, step.level, text)
		case last && len(found) > 1:
			tell := adminunit.LevelCOUNTRY
			if i > 0 {
				tell = placeSteps[i-1].level
			}
			return ambiguous(step.column, text, found, tell)
		case last:
			return placeAnswer{place: found[0]}
		}
		within, above = found, step.level
	}
	panic("imports: no place of level " + string(q.level))
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
