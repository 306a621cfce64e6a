package imports

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// exportPage is how many units an export reads at a time: the memory of
// an export is a page's, whatever the size of the scope.
const exportPage = 1000

var msgNotExportable = i18n.Message{
	VI: "Danh sách «%s» không xuất được; chọn một trong: %s.",
	EN: "The list «%s» cannot be exported; choose one of: %s."}

// Bundle lists the kinds a workbook of kind k holds: k, then the kinds
// whose rows name a unit of k as their parent (households bring their
// members).
func Bundle(k *Kind) []*Kind {
	out := []*Kind{k}
	if k.unit == nil {
		return out
	}
	for _, o := range Kinds() {
		if o.unit != nil && o.unit.parent == k.unit.kind {
			out = append(out, o)
		}
	}
	return out
}

// Exportable lists the kinds Export writes.
func Exportable() []*Kind {
	var out []*Kind
	for _, k := range Kinds() {
		if k.unit != nil {
			out = append(out, k)
		}
	}
	return out
}

// Export writes the open learning units of kind (and of the kinds in its
// Bundle: households with their members) as a workbook laid out as
// WriteTemplate lays out their template, one row per unit, so that the
// workbook, edited or not, imports back: unchanged, every row. The units
// are those of the viewer of ctx, read as them (the privacy policies
// filter every query) and within their scope, under the administrative
// unit under when it is not 0 (a unit outside the scope is NOT_FOUND). It
// may be done by whoever may import (Roles).
//
// Units are read a village's or commune's at a time, a page of exportPage
// at most, in the order of the units' codes, and written as a stream: the
// memory stays flat for a province. Nothing is written to w until the
// workbook is complete, so an error leaves w untouched.
func Export(ctx context.Context, c *ent.Client, w io.Writer, kind *Kind, under int) error {
	if err := Roles.May(ctx, "importLearningUnits"); err != nil {
		return err
	}
	if kind == nil || kind.unit == nil {
		name := ""
		if kind != nil {
			name = kind.ID
		}
		var ids []string
		for _, k := range Exportable() {
			ids = append(ids, k.ID)
		}
		return apperr.Input("kind", msgNotExportable, name, strings.Join(ids, ", "))
	}
	scope, root, err := exportRoot(ctx, c, under)
	if err != nil {
		return err
	}
	places, err := exportPlaces(ctx, c, scope, root, kind.unit.level)
	if err != nil {
		return err
	}
	b, err := newListBook(i18n.FromContext(ctx), Bundle(kind))
	if err != nil {
		return err
	}
	defer b.close()
	x := &exporter{ctx: ctx, c: c, b: b, root: root}
	for _, p := range places {
		if err := x.place(p); err != nil {
			return err
		}
	}
	return b.write(w)
}

// exportRoot returns the path of the viewer's scope (an ADMIN's is
// everything), and of what an export covers: the scope, or the unit under
// in it.
func exportRoot(ctx context.Context, c *ent.Client, under int) (scope, root string, err error) {
	scope = "/"
	if v := viewer.FromContext(ctx); v != nil && v.Role != viewer.RoleAdmin {
		if v.ScopePath == "" {
			// An empty prefix would match every row.
			return "", "", apperr.New(apperr.Forbidden, apperr.MsgForbidden)
		}
		scope = v.ScopePath
	}
	if under == 0 {
		return scope, scope, nil
	}
	u, err := c.AdminUnit.Query().Where(adminunit.ID(under)).Select(adminunit.FieldPath).Only(ctx)
	switch {
	case ent.IsNotFound(err), err == nil && !strings.HasPrefix(u.Path, scope):
		// A unit above the scope is read for its name, but is no more
		// exported than one elsewhere.
		return "", "", &apperr.Error{Code: apperr.NotFound, Field: "unit", Msg: apperr.MsgNotFound}
	case err != nil:
		return "", "", fmt.Errorf("imports: export: unit %d: %w", under, err)
	}
	return scope, u.Path, nil
}

// exportPlaces loads the open units under root, and those above it in the
// scope for their names, and returns those of level under root, in the
// order of their codes and their parents'. The units above the scope are
// left unnamed: an import by the viewer finds only the units of their
// scope, and would refuse a row naming the district of their commune.
func exportPlaces(ctx context.Context, c *ent.Client, scope, root string, level adminunit.Level) ([]*place, error) {
	rows, err := c.AdminUnit.Query().
		Where(adminunit.ValidToIsNil(),
			adminunit.LevelIn(adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE, adminunit.LevelVILLAGE),
			func(s *entsql.Selector) {
				p := s.C(adminunit.FieldPath)
				s.Where(entsql.Or(search.Prefix(p, root), entsql.And(search.InLineage(p, root), search.Prefix(p, scope))))
			}).
		Select(adminunit.FieldID, adminunit.FieldCode, adminunit.FieldName, adminunit.FieldLevel, adminunit.FieldParentID, adminunit.FieldPath).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("imports: export: administrative units: %w", err)
	}
	byID := make(map[int]*place, len(rows))
	for _, u := range rows {
		byID[u.ID] = &place{id: u.ID, code: u.Code, name: u.Name, level: u.Level, path: u.Path}
	}
	var out []*place
	for _, u := range rows {
		p := byID[u.ID]
		if u.ParentID != nil {
			p.parent = byID[*u.ParentID]
		}
		if p.level == level && strings.HasPrefix(p.path, root) {
			out = append(out, p)
		}
	}
	keys := make(map[*place]string, len(out))
	for _, p := range out {
		keys[p] = p.sortKey()
	}
	sort.Slice(out, func(i, j int) bool { return keys[out[i]] < keys[out[j]] })
	return out, nil
}

// sortKey orders places as the catalogue does: by their ancestors' codes,
// then theirs.
func (p *place) sortKey() string {
	if p == nil {
		return ""
	}
	return p.parent.sortKey() + p.code + "/"
}

// nameAt is the name of p or of its ancestor at level; "" for none.
func (p *place) nameAt(level adminunit.Level) string {
	for q := p; q != nil; q = q.parent {
		if q.level == level {
			return q.name
		}
	}
	return ""
}

// exporter writes the units of places to a listBook.
type exporter struct {
	ctx  context.Context
	c    *ent.Client
	b    *listBook
	root string
}

// place writes the units of one place: a page of the first list's units,
// then the units of the other lists whose parents they are, and so on. A
// list of members alone pages through their households, unwritten.
func (x *exporter) place(p *place) error {
	first := x.b.lists[0]
	parents, children := first, x.b.lists[1:]
	parentKind := first.kind.unit.kind
	if pk := first.kind.unit.parent; pk != "" {
		parents, children, parentKind = nil, x.b.lists, pk
	}
	last := 0
	for {
		page, err := x.units().Where(learningunit.AdminUnitID(p.id), learningunit.KindEQ(parentKind), learningunit.IDGT(last)).
			Order(ent.Asc(learningunit.FieldID)).Limit(exportPage).All(x.ctx)
		if err != nil {
			return fmt.Errorf("imports: export: units of %s: %w", p.name, err)
		}
		if len(page) == 0 {
			return nil
		}
		if parents != nil {
			for _, u := range page {
				if err := x.b.add(parents, rowOf(parents, u, p, nil)); err != nil {
					return err
				}
			}
		}
		for _, l := range children {
			if err := x.children(l, p, page); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
		last = page[len(page)-1].ID
	}
}

// children writes the units of list l whose parents are the page's, by
// parent, in the page's order.
func (x *exporter) children(l *list, p *place, page []*ent.LearningUnit) error {
	byID := make(map[int]*ent.LearningUnit, len(page))
	ids := make([]int, len(page))
	for i, u := range page {
		byID[u.ID], ids[i] = u, u.ID
	}
	kids, err := x.units().Where(learningunit.KindEQ(l.kind.unit.kind), learningunit.ParentIDIn(ids...)).
		Order(ent.Asc(learningunit.FieldParentID), ent.Asc(learningunit.FieldID)).All(x.ctx)
	if err != nil {
		return fmt.Errorf("imports: export: members in %s: %w", p.name, err)
	}
	for _, u := range kids {
		if err := x.b.add(l, rowOf(l, u, p, byID[*u.ParentID])); err != nil {
			return err
		}
	}
	return nil
}

// units starts a query of the open learning units under the export's
// root. The privacy policies narrow it to the viewer's scope already; the
// root narrows it again, so that an export never holds a unit outside
// what it was asked for, whoever runs it.
func (x *exporter) units() *ent.LearningUnitQuery {
	return x.c.LearningUnit.Query().Where(learningunit.ArchivedAtIsNil(), func(s *entsql.Selector) {
		s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), x.root))
	})
}

// rowOf is a unit's row in list l: the values of its columns as an import
// reads them back. p is the unit's place, parent its household (members).
func rowOf(l *list, u *ent.LearningUnit, p *place, parent *ent.LearningUnit) []any {
	out := make([]any, len(l.cols))
	for i, c := range l.cols {
		out[i] = unitValue(c.Key, u, p, parent)
	}
	return out
}

// unitValue is the value of a unit's column of key: nil for none.
func unitValue(key string, u *ent.LearningUnit, p *place, parent *ent.LearningUnit) any {
	switch key {
	case colCode:
		return u.Code
	case colDistrict:
		return p.nameAt(adminunit.LevelDISTRICT)
	case colCommune:
		return p.nameAt(adminunit.LevelCOMMUNE)
	case colVillage:
		return p.nameAt(adminunit.LevelVILLAGE)
	case colName:
		if u.Kind == learningunit.KindHOUSEHOLD && u.Name == householdPrefix+u.HeadName {
			return nil // named after its head, as an import names it
		}
		return u.Name
	case colHead:
		return u.HeadName
	case colAddress:
		return u.Address
	case colPhone:
		return u.Phone
	case colMembers:
		return u.MemberCount
	case colAdults:
		return u.AdultCount
	case colSubtype:
		if u.Subtype != nil {
			return titles.SubtypeNames[*u.Subtype].VI
		}
	case colBirthYear:
		if u.BirthYear != nil {
			return *u.BirthYear
		}
	case colHouseholdCode:
		if parent != nil {
			return parent.Code
		}
	case colHouseholdHead:
		if parent != nil {
			return parent.HeadName
		}
	}
	return nil
}
