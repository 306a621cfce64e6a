package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/adminunits"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
)

// Moving a unit and closing it (dissolving it, or merging it into a
// sibling) from its page. Each is a reorganisation of one change
// (adminunits.MoveUnit, CloseUnit), so it goes in two steps: the form posts
// to a plan, which changes nothing and shows what would move (learning
// units, accounts, the units below given new rows, warnings); its
// confirmation posts the same values again and applies them. The
// confirmation carries the version of the unit it was shown, and a unit
// already closed is not closed again: a confirmation sent twice lands on
// the unit's page, saying nothing changed.

// unitChangeKinds are the two forms, by their path.
const (
	changeMove  = "move"
	changeClose = "close"
)

// unitChangeForm is the data of the move and close forms and of their
// plan.
type unitChangeForm struct {
	Kind string
	Form *form
	Unit *ent.AdminUnit
	// Choices are the units offered as the new parent (move) or the
	// successor (close).
	Choices []*ent.AdminUnit
	// Target is the chosen one, on the plan.
	Target *ent.AdminUnit
	Plan   *planView
	Action string
	Back   string
}

// unitChangeFields maps the domain's field names to the forms' inputs.
var unitChangeFields = map[string]string{"parentID": "target", "successorID": "target", "expectedVersion": "", "id": ""}

func newUnitChangeForm(v url.Values) *form {
	f := newForm(v)
	f.fields = unitChangeFields
	return f
}

// changeKind reads the form's kind from the path.
func changeKind(r *http.Request) (string, error) {
	switch k := r.PathValue("kind"); k {
	case changeMove, changeClose:
		return k, nil
	}
	return "", apperr.New(apperr.NotFound, apperr.MsgNotFound)
}

// changeChoices lists what a form offers: for a move, the open units of
// the unit's province (or, for a district, the provinces) that may hold
// it and the viewer may add it under, but its own parent; for a close, its
// open siblings of its level the viewer may change.
func changeChoices(ctx context.Context, client *ent.Client, u *ent.AdminUnit, kind string) ([]*ent.AdminUnit, error) {
	q := client.AdminUnit.Query().Where(adminunit.ValidToIsNil(), adminunit.IDNEQ(u.ID))
	if kind == changeClose {
		if u.ParentID == nil {
			return nil, nil
		}
		q.Where(adminunit.ParentID(*u.ParentID), adminunit.LevelEQ(u.Level))
	} else {
		var levels []adminunit.Level
		for _, l := range []adminunit.Level{adminunit.LevelCOUNTRY, adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE} {
			if slices.Contains(adminunits.ChildLevels(l), u.Level) {
				levels = append(levels, l)
			}
		}
		q.Where(adminunit.LevelIn(levels...))
		if u.ParentID != nil {
			q.Where(adminunit.IDNEQ(*u.ParentID))
		}
		if lineage := search.Lineage(u.Path); u.Level != adminunit.LevelPROVINCE && u.Level != adminunit.LevelDISTRICT && len(lineage) > 1 {
			q.Where(func(s *entsql.Selector) { s.Where(search.Prefix(s.C(adminunit.FieldPath), lineage[1])) })
		}
	}
	units, err := q.Order(ent.Asc(adminunit.FieldDepth), ent.Asc(adminunit.FieldNameKey), ent.Asc(adminunit.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(t *ent.AdminUnit) bool {
		if kind == changeClose {
			return !adminunits.MayClose(ctx, client, t)
		}
		return !adminunits.MayCreateUnder(ctx, client, t, u.Level)
	}), nil
}

// showUnitChange shows the move or close form of a unit.
func (c *Console) showUnitChange(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	kind, err := changeKind(r)
	if err != nil {
		return err
	}
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	if !adminunits.MayClose(ctx, client, u) {
		return forbidden()
	}
	f := newUnitChangeForm(url.Values{
		"effectiveOn": {adminunits.VietnamDay(time.Now()).Format(time.DateOnly)},
		"version":     {strconv.Itoa(u.Version)},
		"target":      {""}, "reason": {""}, "decisionNumber": {""},
	})
	return c.renderUnitChange(w, r, http.StatusOK, kind, u, f)
}

func (c *Console) renderUnitChange(w http.ResponseWriter, r *http.Request, status int, kind string, u *ent.AdminUnit, f *form) error {
	ctx, client := c.read(r.Context())
	choices, err := changeChoices(ctx, client, u, kind)
	if err != nil {
		return err
	}
	c.render(w, r, status, "unit_change", &unitChangeForm{Kind: kind, Form: f, Unit: u, Choices: choices,
		Action: unitURL(u.ID) + "/" + kind, Back: unitURL(u.ID)})
	return nil
}

// planUnitChange checks the form and shows what the change would do,
// changing nothing; its confirmation posts to applyUnitChange.
func (c *Console) planUnitChange(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	kind, err := changeKind(r)
	if err != nil {
		return err
	}
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	f := newUnitChangeForm(r.PostForm)
	ch, ok, err := c.unitChange(ctx, f, kind, u, false)
	if err != nil {
		return err
	}
	if !ok {
		return c.renderUnitChange(w, r, http.StatusUnprocessableEntity, kind, u, f)
	}
	d := &unitChangeForm{Kind: kind, Form: f, Unit: u, Target: ch.Target,
		Plan:   newPlanView(ch.Impact, i18n.FromContext(ctx), adminunits.ProblemField),
		Action: unitURL(u.ID) + "/" + kind + "/confirm", Back: unitURL(u.ID)}
	status := http.StatusOK
	if len(ch.Impact.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.render(w, r, status, "unit_change_plan", d)
	return nil
}

// applyUnitChange applies a change confirmed on its plan, and shows where
// the unit lives on.
func (c *Console) applyUnitChange(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	kind, err := changeKind(r)
	if err != nil {
		return err
	}
	u, err := getUnit(ctx, client, r)
	if err != nil {
		return err
	}
	if u.ValidTo != nil {
		// Confirmed twice, or closed meanwhile: nothing to do.
		c.redirect(w, r, unitURL(u.ID), "flash.unitAlreadyClosed", u.Name)
		return nil
	}
	f := newUnitChangeForm(r.PostForm)
	ch, ok, err := c.unitChange(ctx, f, kind, u, true)
	if err != nil {
		return err
	}
	if !ok {
		return c.renderUnitChange(w, r, http.StatusUnprocessableEntity, kind, u, f)
	}
	switch {
	case kind == changeMove:
		c.redirect(w, r, unitURL(ch.Successor.ID), "flash.unitMoved", u.Name)
	case ch.Successor != nil:
		c.redirect(w, r, unitURL(ch.Successor.ID), "flash.unitMerged", u.Name)
	default:
		c.redirect(w, r, unitURL(u.ID), "flash.unitClosed", u.Name)
	}
	return nil
}

// unitChange reads the form and plans the change, or with apply applies
// it in a transaction. ok is false when the form holds errors to show.
func (c *Console) unitChange(ctx context.Context, f *form, kind string, u *ent.AdminUnit, apply bool) (*adminunits.Change, bool, error) {
	day, err := time.ParseInLocation(time.DateOnly, f.Get("effectiveOn"), i18n.Vietnam)
	if err != nil {
		f.fieldError(ctx, "effectiveOn", "unit.dateInvalid")
	}
	target, _ := strconv.Atoi(f.Get("target"))
	if kind == changeMove && target == 0 {
		f.fieldError(ctx, "target", "unitChange.parentRequired")
	}
	var version *int
	if v, ok := f.Int("version"); ok {
		version = &v
	}
	if f.Invalid() {
		return nil, false, nil
	}
	var ch *adminunits.Change
	run := func(ctx context.Context) error {
		var err error
		switch {
		case kind == changeMove && apply:
			ch, err = adminunits.MoveUnit(ctx, c.opts.Dialect, adminunits.MoveInput{ID: u.ID, ParentID: target, EffectiveOn: day,
				Reason: f.Get("reason"), DecisionNumber: f.Get("decisionNumber"), ExpectedVersion: version})
		case kind == changeMove:
			ch, err = adminunits.PlanMove(ctx, adminunits.MoveInput{ID: u.ID, ParentID: target, EffectiveOn: day,
				Reason: f.Get("reason"), DecisionNumber: f.Get("decisionNumber"), ExpectedVersion: version})
		case apply:
			ch, err = adminunits.CloseUnit(ctx, c.opts.Dialect, adminunits.CloseInput{ID: u.ID, SuccessorID: target, EffectiveOn: day,
				Reason: f.Get("reason"), DecisionNumber: f.Get("decisionNumber"), ExpectedVersion: version})
		default:
			ch, err = adminunits.PlanClose(ctx, adminunits.CloseInput{ID: u.ID, SuccessorID: target, EffectiveOn: day,
				Reason: f.Get("reason"), DecisionNumber: f.Get("decisionNumber"), ExpectedVersion: version})
		}
		return err
	}
	if apply {
		err = c.write(ctx, run)
	} else {
		err = run(ctx)
	}
	if err != nil {
		if !f.setError(err, i18n.FromContext(ctx)) {
			return nil, false, err
		}
		return nil, false, nil
	}
	return ch, true, nil
}
