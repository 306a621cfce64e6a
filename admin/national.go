package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"hoctap/ent"
	"hoctap/ent/auditlog"
	"hoctap/ent/nationaltarget"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/national"
	"hoctap/internal/viewer"
)

// nationalURL is the page of the national targets.
const nationalURL = Prefix + "national-targets"

// nationalPeriod is one programme period's rows of the national table.
type nationalPeriod struct {
	Year int
	Rows []*ent.NationalTarget
}

// nationalPage is the data of the national targets page.
type nationalPage struct {
	Periods []nationalPeriod
	// CanEdit: only an ADMIN edits the table; managers read it.
	CanEdit bool
}

// nationalForm is the data of a national target's edit page.
type nationalForm struct {
	Target *ent.NationalTarget
	Form   *form
	Audit  []*ent.AuditLog
}

func canEditNational(ctx context.Context) bool {
	v := viewer.FromContext(ctx)
	return v != nil && national.Roles.Allows("updateNationalTarget", v.Role)
}

// listNationalTargets shows the national table by period, as every new
// campaign copies it.
func (c *Console) listNationalTargets(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	rows, err := client.NationalTarget.Query().
		Order(ent.Asc(nationaltarget.FieldPeriod), ent.Asc(nationaltarget.FieldID)).
		All(ctx)
	if err != nil {
		return err
	}
	d := &nationalPage{CanEdit: canEditNational(ctx)}
	for _, t := range rows {
		if n := len(d.Periods); n == 0 || d.Periods[n-1].Year != t.Period {
			d.Periods = append(d.Periods, nationalPeriod{Year: t.Period})
		}
		p := &d.Periods[len(d.Periods)-1]
		p.Rows = append(p.Rows, t)
	}
	c.render(w, r, http.StatusOK, "national_targets", d)
	return nil
}

func getNationalTarget(ctx context.Context, client *ent.Client, r *http.Request) (*ent.NationalTarget, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	t, err := client.NationalTarget.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, apperr.MsgNotFound)
	}
	return t, err
}

// showNationalForm renders a target's form with its audit trail.
func (c *Console) showNationalForm(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, client := c.read(r.Context())
	if !canEditNational(ctx) {
		return apperr.New(apperr.Forbidden, apperr.MsgForbidden)
	}
	t, err := getNationalTarget(ctx, client, r)
	if err != nil {
		return err
	}
	if f == nil {
		rate := ""
		if t.Rate != nil {
			rate = pctInput(i18n.FromContext(ctx), *t.Rate)
		}
		f = newForm(url.Values{"rate": {rate}, "source": {t.Source}, "note": {t.Note}, "version": {strconv.Itoa(t.Version)}})
	}
	d := &nationalForm{Target: t, Form: f}
	if d.Audit, err = client.AuditLog.Query().
		Where(auditlog.TargetID(t.ID), auditlog.TargetType("NationalTarget")).
		Order(ent.Desc(auditlog.FieldAt), ent.Desc(auditlog.FieldID)).
		Limit(auditEntries).All(ctx); err != nil {
		return err
	}
	c.render(w, r, status, "national_target_form", d)
	return nil
}

func (c *Console) editNationalTarget(w http.ResponseWriter, r *http.Request) error {
	return c.showNationalForm(w, r, http.StatusOK, nil)
}

// updateNationalTarget saves a target: an emptied rate marks it not
// confirmed. The version the form was loaded with goes along, so an edit
// made meanwhile by another admin is a CONFLICT, not silently overwritten.
func (c *Console) updateNationalTarget(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := newForm(r.PostForm)
	var in national.Update
	if raw := f.Get("rate"); raw == "" {
		in.ClearRate = true
	} else if pct, ok := parseNumber(raw); ok {
		rate := pct / 100
		in.Rate = &rate
	} else {
		f.fieldError(ctx, "rate", "targets.notNumber")
	}
	source, note := f.Get("source"), f.Get("note")
	in.Source, in.Note = &source, &note
	if v, ok := f.Int("version"); ok {
		in.Version = &v
	}
	if !f.Invalid() {
		err = c.write(ctx, func(ctx context.Context) error {
			_, err := national.UpdateTarget(ctx, id, in)
			return err
		})
		if err != nil && !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
	}
	if f.Invalid() {
		return c.showNationalForm(w, r, http.StatusUnprocessableEntity, f)
	}
	c.redirect(w, r, nationalURL, "flash.nationalSaved")
	return nil
}
