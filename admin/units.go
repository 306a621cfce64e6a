package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/internal/adminunits"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// The "Địa bàn" section: the administrative tree one level per page (a
// province holds about a hundred communes, a commune about ten villages,
// so a unit's children fit a page or two where the whole tree would not),
// an accent-free search, a unit's page with its history, and the forms to
// add a unit and to rename, retype or recode one. What a viewer may change
// is what the privacy policy lets them (adminunits.MayCreateUnder,
// MayUpdate, MayClose); moving and closing units are reorganisations of
// one change, planned then confirmed (unitchanges.go).

// childrenPerPage is the length of a page of a unit's children.
const childrenPerPage = 100

// searchResults bounds the search's answer.
const searchResults = 50

func unitURL(id int) string { return Prefix + "units/" + strconv.Itoa(id) }

// Level names an administrative level ("tỉnh", "xã").
func (p *Page) Level(l adminunit.Level) string { return titles.LevelName(l).Format(p.Lang) }

// unitSearch is the data of the search page.
type unitSearch struct {
	Search string
	Units  []*ent.AdminUnit
	More   bool
}

// listUnits sends the viewer to their own unit (the country for an ADMIN),
// or, with q, lists the units whose name matches q without accents, in the
// viewer's reach, higher levels and open units first.
func (c *Console) listUnits(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		http.Redirect(w, r, unitURL(viewer.FromContext(ctx).ScopeID), http.StatusSeeOther)
		return nil
	}
	d := &unitSearch{Search: q}
	units, err := client.AdminUnit.Query().
		Where(search.Match(ctx, q)).
		WithParent().
		Order(ent.Asc(adminunit.FieldDepth), ent.Asc(adminunit.FieldNameKey), ent.Asc(adminunit.FieldID)).
		Limit(searchResults + 1).All(ctx)
	if err != nil {
		return err
	}
	if len(units) > searchResults {
		units, d.More = units[:searchResults], true
	}
	d.Units = units
	c.render(w, r, http.StatusOK, "units", d)
	return nil
}

// unitPage is the data of a unit's page.
type unitPage struct {
	Unit *ent.AdminUnit
	// Ancestors are the units above, from the top, as far as the viewer
	// reads them.
	Ancestors []*ent.AdminUnit
	Children  []*ent.AdminUnit
	// Closed shows closed children too.
	Closed      bool
	Query       url.Values
	Total       int
	Page, Pages int
	// MergedFrom are the units this one was formed from; Unit.Edges.MergedInto
	// what it became.
	MergedFrom []*ent.AdminUnit
	// NewLevels are the levels of the units the viewer may add here;
	// Editable says whether they may rename, retype or recode it.
	NewLevels []adminunit.Level
	Editable  bool
	// Closable says whether they may move it, merge it or dissolve it.
	Closable bool
	Audit    []*ent.AuditLog
}

// getUnit reads a unit as the viewer: out of reach is not found.
func getUnit(ctx context.Context, client *ent.Client, r *http.Request) (*ent.AdminUnit, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return client.AdminUnit.Query().Where(adminunit.ID(id)).WithMergedInto().WithParent().Only(ctx)
}

// ancestors reads the units above u from its materialised path.
func ancestors(ctx context.Context, client *ent.Client, u *ent.AdminUnit) ([]*ent.AdminUnit, error) {
	var ids []int
	for _, s := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if id, err := strconv.Atoi(s); err == nil && id != u.ID {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return client.AdminUnit.Query().Where(adminunit.IDIn(ids...)).Order(ent.Asc(adminunit.FieldDepth)).All(ctx)
}

// showUnit shows a unit: its facts, where it lies, its children a page at
// a time, its history and its audit trail.
func (c *Console) showUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	d := &unitPage{Unit: u, Query: qv, Closed: qv.Get("closed") == "1", Page: 1}
	if d.Ancestors, err = ancestors(ctx, client, u); err != nil {
		return err
	}
	q := client.AdminUnit.Query().Where(adminunit.ParentID(u.ID))
	if !d.Closed {
		q.Where(adminunit.ValidToIsNil())
	}
	if d.Total, err = q.Clone().Count(ctx); err != nil {
		return err
	}
	d.Pages = max(1, (d.Total+childrenPerPage-1)/childrenPerPage)
	if p, err := strconv.Atoi(qv.Get("page")); err == nil && p > 1 {
		d.Page = min(p, d.Pages)
	}
	if d.Children, err = q.Order(ent.Asc(adminunit.FieldCode), ent.Asc(adminunit.FieldNameKey), ent.Asc(adminunit.FieldID)).
		Offset((d.Page - 1) * childrenPerPage).Limit(childrenPerPage).All(ctx); err != nil {
		return err
	}
	if d.MergedFrom, err = u.QueryMergedFrom().Order(ent.Asc(adminunit.FieldCode)).All(ctx); err != nil {
		return err
	}
	for _, l := range adminunits.ChildLevels(u.Level) {
		if adminunits.MayCreateUnder(ctx, client, u, l) {
			d.NewLevels = append(d.NewLevels, l)
		}
	}
	d.Editable = adminunits.MayUpdate(ctx, client, u)
	d.Closable = adminunits.MayClose(ctx, client, u)
	if d.Audit, err = client.AuditLog.Query().
		Where(auditlog.TargetID(u.ID), auditlog.TargetType("AdminUnit")).
		Order(ent.Desc(auditlog.FieldAt), ent.Desc(auditlog.FieldID)).
		Limit(auditEntries).All(ctx); err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "unit", d)
	return nil
}

// unitForm is the data of the add and edit forms.
type unitForm struct {
	Form *form
	// Parent is the unit a new one goes under; Unit the unit edited.
	Parent, Unit *ent.AdminUnit
	Levels       []adminunit.Level
	// Types are the official types of the levels offered, for the type
	// input's suggestions.
	Types []string
}

// unitFields maps the domain's field names to the form's inputs.
var unitFields = map[string]string{"expectedVersion": "", "id": "", "parentID": ""}

func newUnitForm(v url.Values) *form {
	f := newForm(v)
	f.fields = unitFields
	return f
}

// creatable lists the levels the viewer may add under parent, and their
// types.
func creatable(ctx context.Context, client *ent.Client, parent *ent.AdminUnit) ([]adminunit.Level, []string) {
	var levels []adminunit.Level
	var types []string
	for _, l := range adminunits.ChildLevels(parent.Level) {
		if adminunits.MayCreateUnder(ctx, client, parent, l) {
			levels = append(levels, l)
			types = append(types, adminunits.Types[l]...)
		}
	}
	return levels, types
}

func (c *Console) newUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	parent, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	d := &unitForm{Parent: parent}
	if d.Levels, d.Types = creatable(ctx, client, parent); len(d.Levels) == 0 {
		return forbidden()
	}
	level := d.Levels[0]
	if l := adminunit.Level(r.URL.Query().Get("level")); adminunit.LevelValidator(l) == nil {
		level = l
	}
	typ := ""
	if ts := adminunits.Types[level]; len(ts) > 0 {
		typ = ts[0]
	}
	d.Form = newUnitForm(url.Values{"level": {string(level)}, "type": {typ}})
	c.render(w, r, http.StatusOK, "unit_form", d)
	return nil
}

// createUnit adds a unit under the one of the path through
// adminunits.Create.
func (c *Console) createUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	parent, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	f := newUnitForm(r.PostForm)
	d := &unitForm{Form: f, Parent: parent}
	d.Levels, d.Types = creatable(ctx, client, parent)
	in := adminunits.CreateInput{
		ParentID: parent.ID, Level: adminunit.Level(f.Get("level")),
		Code: f.Get("code"), Name: f.Get("name"), Type: f.Get("type"), Disadvantaged: f.Has("disadvantaged"),
	}
	if adminunit.LevelValidator(in.Level) != nil {
		f.fieldError(ctx, "level", "unit.levelRequired")
	}
	if s := f.Get("validFrom"); s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			f.fieldError(ctx, "validFrom", "unit.dateInvalid")
		}
		in.ValidFrom = &day
	}
	var created *ent.AdminUnit
	if !f.Invalid() {
		err := c.write(ctx, func(ctx context.Context) error {
			var err error
			created, err = adminunits.Create(ctx, in)
			return err
		})
		if err != nil && !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
	}
	if f.Invalid() {
		c.render(w, r, http.StatusUnprocessableEntity, "unit_form", d)
		return nil
	}
	c.redirect(w, r, unitURL(created.ID), "flash.unitCreated", created.Name)
	return nil
}

func (c *Console) editUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	if !adminunits.MayUpdate(ctx, client, u) {
		return forbidden()
	}
	f := newUnitForm(url.Values{"code": {u.Code}, "name": {u.Name}, "type": {u.Type}, "version": {strconv.Itoa(u.Version)}})
	c.render(w, r, http.StatusOK, "unit_form", &unitForm{Form: f, Unit: u, Types: adminunits.Types[u.Level]})
	return nil
}

// updateUnit renames, retypes or recodes a unit through adminunits.Update,
// which refuses a stale version.
func (c *Console) updateUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	f := newUnitForm(r.PostForm)
	code, name, typ := f.Get("code"), f.Get("name"), f.Get("type")
	in := adminunits.UpdateInput{Code: &code, Name: &name, Type: &typ}
	var version *int
	if v, ok := f.Int("version"); ok {
		version = &v
	}
	err = c.write(ctx, func(ctx context.Context) error {
		_, err := adminunits.Update(ctx, u.ID, in, version)
		return err
	})
	if err != nil {
		if !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
		c.render(w, r, http.StatusUnprocessableEntity, "unit_form", &unitForm{Form: f, Unit: u, Types: adminunits.Types[u.Level]})
		return nil
	}
	c.redirect(w, r, unitURL(u.ID), "flash.unitUpdated", name)
	return nil
}

// forbidden is the refusal of a form the viewer may not use at all.
func forbidden() error { return apperr.New(apperr.Forbidden, apperr.MsgForbidden) }
