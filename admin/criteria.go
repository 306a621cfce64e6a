package admin

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/evaluation"
	"hoctap/internal/apperr"
	"hoctap/internal/criteria"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
)

// blankCriteria is how many empty rows the criteria form offers for new
// criteria.
const blankCriteria = 3

// criteriaSummary is one title's current set on the criteria page.
type criteriaSummary struct {
	Title titles.Title
	Set   *ent.CriteriaSet
	Total float64
}

type criteriaList struct {
	Campaign *ent.Campaign
	Sets     []criteriaSummary
}

// latestSet returns the newest criteria set of a title, nil when none.
func latestSet(ctx context.Context, client *ent.Client, campaignID int, t titles.Title) (*ent.CriteriaSet, error) {
	s, err := cycle.LatestSet(ctx, client, campaignID, t)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return s, err
}

func total(cs []criteria.Criterion) float64 {
	t := 0.0
	for _, c := range cs {
		t += c.MaxPoints
	}
	return t
}

// listCriteria shows each title's current criteria set.
func (c *Console) listCriteria(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	sets, err := client.CriteriaSet.Query().Where(criteriaset.CampaignID(camp.ID)).
		Order(ent.Desc(criteriaset.FieldVersion)).All(ctx)
	if err != nil {
		return err
	}
	latest := map[titles.Title]*ent.CriteriaSet{}
	for _, s := range sets {
		if latest[s.Title] == nil {
			latest[s.Title] = s
		}
	}
	d := &criteriaList{Campaign: camp}
	for _, t := range titles.All {
		s := latest[t]
		row := criteriaSummary{Title: t, Set: s}
		if s != nil {
			row.Total = total(s.Criteria)
		}
		d.Sets = append(d.Sets, row)
	}
	c.render(w, r, http.StatusOK, "criteria", d)
	return nil
}

// criteriaForm is the data of a title's criteria form.
type criteriaForm struct {
	Campaign *ent.Campaign
	Title    titles.Title
	Set      *ent.CriteriaSet
	// InUse: evaluations use the current set, so saving adds a version.
	InUse   bool
	Leveled bool
	Rows    []int
	Form    *form
	Closed  bool
}

// Row returns the input name of a criterion row's field.
func (d *criteriaForm) Row(i int, field string) string { return fmt.Sprintf("c.%d.%s", i, field) }

func criteriaTitle(r *http.Request) (titles.Title, error) {
	t := titles.Title(r.PathValue("title"))
	if !t.Valid() {
		return "", apperr.New(apperr.NotFound, apperr.MsgNotFound)
	}
	return t, nil
}

func (c *Console) loadCriteriaForm(ctx context.Context, client *ent.Client, r *http.Request, f *form) (*criteriaForm, error) {
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return nil, err
	}
	t, err := criteriaTitle(r)
	if err != nil {
		return nil, err
	}
	d := &criteriaForm{Campaign: camp, Title: t, Form: f, Leveled: titles.Leveled(t), Closed: camp.Phase == campaign.PhaseCLOSED}
	if d.Set, err = latestSet(ctx, client, camp.ID, t); err != nil {
		return nil, err
	}
	if d.Set != nil {
		if d.InUse, err = client.Evaluation.Query().Where(evaluation.CriteriaSetID(d.Set.ID)).Exist(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// editCriteria shows a title's criteria, with empty rows to add more.
func (c *Console) editCriteria(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	d, err := c.loadCriteriaForm(ctx, client, r, newForm(nil))
	if err != nil {
		return err
	}
	lang := i18n.FromContext(ctx)
	v := d.Form.Values
	n := 0
	if s := d.Set; s != nil {
		v.Set("name", s.Name)
		v.Set("passPoints", decInput(lang, s.Rule.PassPoints))
		v.Set("minShare", pctInput(lang, s.Rule.MinShare))
		var levels []string
		for _, l := range s.Rule.Levels {
			levels = append(levels, decInput(lang, l))
		}
		v.Set("levels", strings.Join(levels, "; "))
		for i, cr := range s.Criteria {
			v.Set(d.Row(i, "code"), cr.Code)
			v.Set(d.Row(i, "group"), cr.Group)
			v.Set(d.Row(i, "text"), cr.Text)
			v.Set(d.Row(i, "maxPoints"), decInput(lang, cr.MaxPoints))
			if cr.Required {
				v.Set(d.Row(i, "required"), "1")
			}
		}
		n = len(s.Criteria)
	}
	d.Rows = rowIndexes(n + blankCriteria)
	c.render(w, r, http.StatusOK, "criteria_form", d)
	return nil
}

func rowIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// maxCriteriaRows bounds the rows a form may post.
const maxCriteriaRows = 200

var criterionErrorField = regexp.MustCompile(`^criteria\[(\d+)\]\.(\w+)$`)

// saveCriteria reads the rows (an empty row is dropped, so clearing a row
// removes its criterion) and saves them through cycle.SetCriteria, which
// validates them and versions a set that evaluations already use.
func (c *Console) saveCriteria(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	f := newForm(r.PostForm)
	f.fields = map[string]string{"rule.passPoints": "passPoints", "rule.minShare": "minShare", "rule.levels": "levels", "name": "name"}
	d, err := c.loadCriteriaForm(ctx, client, r, f)
	if err != nil {
		return err
	}
	n, _ := f.Int("rows")
	n = min(max(n, 0), maxCriteriaRows)
	d.Rows = rowIndexes(n)
	var (
		cs   []criteria.Criterion
		rows []int // the form row of each criterion
	)
	for i := range n {
		cr := criteria.Criterion{Code: f.Get(d.Row(i, "code")), Group: f.Get(d.Row(i, "group")), Text: f.Get(d.Row(i, "text")), Required: f.Has(d.Row(i, "required"))}
		points := f.Get(d.Row(i, "maxPoints"))
		if cr.Code == "" && cr.Text == "" && points == "" {
			continue
		}
		if p, ok := parseNumber(points); ok {
			cr.MaxPoints = p
		} else {
			f.fieldError(ctx, d.Row(i, "maxPoints"), "criteria.notNumber")
		}
		cs = append(cs, cr)
		rows = append(rows, i)
	}
	rule := criteria.Rule{}
	number := func(input string, scale float64) float64 {
		v, ok := parseNumber(f.Get(input))
		if !ok {
			f.fieldError(ctx, input, "criteria.notNumber")
		}
		return v / scale
	}
	rule.PassPoints = number("passPoints", 1)
	rule.MinShare = number("minShare", 100)
	if d.Leveled {
		for _, s := range strings.FieldsFunc(f.Get("levels"), func(r rune) bool { return r == ';' || r == ' ' }) {
			l, ok := parseNumber(s)
			if !ok {
				f.fieldError(ctx, "levels", "criteria.levelsFormat")
				break
			}
			rule.Levels = append(rule.Levels, l)
		}
	}
	if !f.Invalid() {
		err := c.write(ctx, func(ctx context.Context) error {
			_, err := cycle.SetCriteria(ctx, d.Campaign.ID, d.Title, f.Get("name"), cs, rule)
			return err
		})
		if err != nil {
			e, ok := asInput(err)
			if !ok {
				return err
			}
			lang := i18n.FromContext(ctx)
			if m := criterionErrorField.FindStringSubmatch(e.Field); m != nil {
				if i, _ := strconv.Atoi(m[1]); i < len(rows) {
					f.Errors[d.Row(rows[i], m[2])] = e.Message(lang)
				}
			} else {
				f.setError(err, lang)
			}
			if !f.Invalid() {
				f.Error = e.Message(lang)
			}
		}
	}
	if f.Invalid() {
		c.render(w, r, http.StatusUnprocessableEntity, "criteria_form", d)
		return nil
	}
	c.redirect(w, r, campaignURL(d.Campaign.ID)+"/criteria", "flash.criteriaSaved", titles.Name(d.Title, i18n.FromContext(ctx)))
	return nil
}
