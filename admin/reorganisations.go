package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"hoctap/ent"
	"hoctap/ent/reorganisation"
	"hoctap/internal/apperr"
	unitcat "hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
)

// The "Sắp xếp đơn vị hành chính" section (ADMIN): the reorganisation
// decisions, planned and applied; the upload of the official catalogue
// (and a province's merger list), whose per-province report and plan it
// shows; and applying a planned decision after a confirmation. The upload
// calls what the API's importUnits calls (unitcat.Compare, reorg.Save,
// reorg.Plan), and applying calls reorg.Apply, which applies a decision
// once: a confirmation sent twice finds it applied and changes nothing.

// maxUploadBytes bounds the upload's request, files included, as the API
// bounds each of its files (graph.MaxCatalogueFile): the national
// catalogue is under 1 MiB.
const maxUploadBytes = 8 << 20

// reorganisationsPerPage is the length of the list of decisions.
const reorganisationsPerPage = 50

func reorganisationURL(id int) string { return Prefix + "reorganisations/" + strconv.Itoa(id) }

// mayReorganise refuses anyone but an ADMIN before anything is read.
func mayReorganise(ctx context.Context) error {
	if err := reorg.Roles.May(ctx, "importUnits"); err != nil {
		return err
	}
	return nil
}

// listReorganisations lists the decisions, newest effective date first.
func (c *Console) listReorganisations(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	if err := mayReorganise(ctx); err != nil {
		return err
	}
	list, err := client.Reorganisation.Query().
		Order(ent.Desc(reorganisation.FieldEffectiveOn), ent.Desc(reorganisation.FieldID)).
		Limit(reorganisationsPerPage).All(ctx)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "reorganisations", list)
	return nil
}

// reorganisationForm is the data of the upload form and of its report.
type reorganisationForm struct {
	Form *form
	// Result is the catalogue's per-province report; Reorganisation and
	// Plan the decision recorded from it and what applying it would do.
	Result         *unitcat.Result
	Reorganisation *ent.Reorganisation
	Plan           *planView
}

// Errors counts the report's problems that are not warnings.
func (d *reorganisationForm) Errors(issues []unitcat.Issue) int {
	n := 0
	for _, is := range issues {
		if !is.Warning {
			n++
		}
	}
	return n
}

// Absent names the catalogue's provinces this database does not hold.
func (d *reorganisationForm) Absent() []string {
	var out []string
	for _, p := range d.Result.Provinces {
		if p.Status == unitcat.NotInDatabase {
			out = append(out, p.Name)
		}
	}
	return out
}

// Message is an issue in the page's language.
func (p *Page) Message(is unitcat.Issue) string { return is.Message(p.Lang) }

// Kinds counts a province's changes by kind, in the order of spec.Kinds.
func (p *Page) Kinds(pr *unitcat.Province) map[string]int {
	out := map[string]int{}
	for k, n := range unitcat.Counts(pr.Changes) {
		out[string(k)] = n
	}
	return out
}

// reorganisationFields maps the domain's field names to the form's inputs.
var reorganisationFields = map[string]string{}

func newReorganisationForm(v url.Values) *form {
	f := newForm(v)
	f.fields = reorganisationFields
	return f
}

func (c *Console) newReorganisation(w http.ResponseWriter, r *http.Request) error {
	if err := mayReorganise(r.Context()); err != nil {
		return err
	}
	today := time.Now().In(i18n.Vietnam).Format(time.DateOnly)
	f := newReorganisationForm(url.Values{"number": {""}, "title": {""}, "signer": {""}, "signedOn": {today}, "effectiveOn": {today},
		"catalogue": {""}, "merger": {""}})
	c.render(w, r, http.StatusOK, "reorganisation_form", &reorganisationForm{Form: f})
	return nil
}

// uploadReorganisation compares the uploaded catalogue with the tree,
// records what can be applied as a planned decision, and shows the
// report with the plan. The report is of this upload: it is shown here,
// once; the decision's page shows its plan again.
func (c *Console) uploadReorganisation(w http.ResponseWriter, r *http.Request) error {
	ctx, _ := c.read(r.Context())
	if err := mayReorganise(ctx); err != nil {
		return err
	}
	f := newReorganisationForm(r.PostForm)
	for _, name := range []string{"catalogue", "merger"} {
		if _, ok := f.Values[name]; !ok {
			f.Values.Set(name, "")
		}
	}
	d := &reorganisationForm{Form: f}
	day := func(name string) time.Time {
		t, err := time.ParseInLocation(time.DateOnly, f.Get(name), i18n.Vietnam)
		if err != nil {
			f.fieldError(ctx, name, "unit.dateInvalid")
		}
		return t
	}
	signed, effective := day("signedOn"), day("effectiveOn")
	cat, err := uploaded(r, "catalogue")
	if err != nil {
		return err
	}
	if cat == nil {
		f.fieldError(ctx, "catalogue", "reorg.fileRequired")
	}
	merger, err := uploaded(r, "merger")
	if err != nil {
		return err
	}
	if f.Invalid() {
		c.render(w, r, http.StatusUnprocessableEntity, "reorganisation_form", d)
		return nil
	}
	err = c.write(ctx, func(ctx context.Context) error {
		client := ent.FromContext(ctx)
		res, err := unitcat.Compare(ctx, client, *cat, merger, effective)
		if err != nil {
			return err
		}
		d.Result = res
		if len(res.Spec.Changes) == 0 {
			return nil
		}
		if d.Reorganisation, err = reorg.Save(ctx, client, 0, reorg.Decision{Number: f.Get("number"), Title: f.Get("title"),
			Signer: f.Get("signer"), SignedOn: signed, EffectiveOn: effective}, res.Spec); err != nil {
			return err
		}
		im, err := reorg.Plan(ctx, client, d.Reorganisation)
		if err != nil {
			return err
		}
		d.Plan = newPlanView(im, i18n.FromContext(ctx), nil)
		return nil
	})
	if err != nil {
		d.Result, d.Reorganisation, d.Plan = nil, nil, nil
		if !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
		c.render(w, r, http.StatusUnprocessableEntity, "reorganisation_form", d)
		return nil
	}
	c.render(w, r, http.StatusOK, "reorganisation_form", d)
	return nil
}

// uploaded reads an uploaded file of the form, nil when none was sent.
func uploaded(r *http.Request, name string) (*unitcat.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	fhs := r.MultipartForm.File[name]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, nil
	}
	fh := fhs[0]
	body, err := readAll(fh)
	if err != nil {
		return nil, err
	}
	return &unitcat.File{Name: fh.Filename, Body: bytes.NewReader(body)}, nil
}

func readAll(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// reorganisationPage is the data of a decision's page.
type reorganisationPage struct {
	Reorganisation *ent.Reorganisation
	// Plan is what applying it would do, for a planned decision.
	Plan *planView
}

func getReorganisation(ctx context.Context, client *ent.Client, r *http.Request) (*ent.Reorganisation, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return client.Reorganisation.Query().Where(reorganisation.ID(id)).WithAppliedBy().Only(ctx)
}

// showReorganisation shows a decision: what it is, and for a planned one
// its plan and the button that applies it.
func (c *Console) showReorganisation(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	if err := mayReorganise(ctx); err != nil {
		return err
	}
	re, err := getReorganisation(ctx, client, r)
	if err != nil {
		return err
	}
	d := &reorganisationPage{Reorganisation: re}
	if re.Status == reorganisation.StatusPLANNED {
		im, err := reorg.Plan(ctx, client, re)
		if err != nil {
			return err
		}
		d.Plan = newPlanView(im, i18n.FromContext(ctx), nil)
	}
	c.render(w, r, http.StatusOK, "reorganisation", d)
	return nil
}

// confirmApplyReorganisation asks before a decision is applied.
func (c *Console) confirmApplyReorganisation(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	if err := mayReorganise(ctx); err != nil {
		return err
	}
	re, err := getReorganisation(ctx, client, r)
	if err != nil {
		return err
	}
	if re.Status == reorganisation.StatusAPPLIED {
		http.Redirect(w, r, reorganisationURL(re.ID), http.StatusSeeOther)
		return nil
	}
	c.render(w, r, http.StatusOK, "confirm", &confirmPage{
		TitleKey: "reorg.applyTitle", BodyKey: "reorg.applyBody", ButtonKey: "reorg.apply",
		Subject: re.Number + " — " + re.Title, Action: reorganisationURL(re.ID) + "/apply", Back: reorganisationURL(re.ID),
		Danger: true, Form: newForm(nil),
	})
	return nil
}

// applyReorganisation applies a planned decision in one transaction
// (reorg.Apply). Applied already, it changes nothing and says so.
func (c *Console) applyReorganisation(w http.ResponseWriter, r *http.Request) error {
	ctx, _ := c.read(r.Context())
	if err := mayReorganise(ctx); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var im *reorg.Impact
	err = c.write(ctx, func(ctx context.Context) error {
		var err error
		_, im, err = reorg.Apply(ctx, ent.FromContext(ctx), c.opts.Dialect, id)
		return err
	})
	if err == nil && c.auth != nil {
		// Accounts were moved as raw SQL, unseen by the account cache.
		c.auth.ForgetAccounts()
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.BadUserInput {
		// A problem of the plan (it can change after the plan was shown):
		// the decision's page shows them all.
		c.redirect(w, r, reorganisationURL(id), "flash.reorgProblems")
		return nil
	}
	if err != nil {
		return err
	}
	if im == nil {
		c.redirect(w, r, reorganisationURL(id), "flash.reorgAlreadyApplied")
		return nil
	}
	c.redirect(w, r, reorganisationURL(id), "flash.reorgApplied")
	return nil
}
