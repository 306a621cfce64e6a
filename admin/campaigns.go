package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/campaign"
	"hoctap/internal/apperr"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/viewer"
)

// campaignLimit bounds the campaign list: one per province and year.
const campaignLimit = 500

// campaignList is the data of the campaign list.
type campaignList struct {
	Years     []int
	Year      int
	Campaigns []*ent.Campaign
	// CanCreate is set when the viewer may open a campaign somewhere.
	CanCreate bool
}

// listCampaigns lists the campaigns the viewer may see, newest year first,
// optionally of one year.
func (c *Console) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	d := &campaignList{}
	years, err := client.Campaign.Query().Unique(true).Order(ent.Desc(campaign.FieldYear)).Select(campaign.FieldYear).Ints(ctx)
	if err != nil {
		return err
	}
	d.Years = years
	q := client.Campaign.Query()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		d.Year = y
		q.Where(campaign.Year(y))
	}
	if d.Campaigns, err = q.WithProvince().
		Order(ent.Desc(campaign.FieldYear), ent.Asc(campaign.FieldName)).
		Limit(campaignLimit).All(ctx); err != nil {
		return err
	}
	provinces, err := c.provinces(ctx, client)
	if err != nil {
		return err
	}
	d.CanCreate = len(provinces) > 0
	c.render(w, r, http.StatusOK, "campaigns", d)
	return nil
}

// provinces lists the provinces the viewer can see, current ones first.
func (c *Console) provinces(ctx context.Context, client *ent.Client) ([]*ent.AdminUnit, error) {
	return client.AdminUnit.Query().
		Where(adminunit.LevelEQ(adminunit.LevelPROVINCE)).
		Order(ent.Asc(adminunit.FieldValidTo), ent.Asc(adminunit.FieldNameKey)).
		All(ctx)
}

// campaignForm is the data of the new-campaign form.
type campaignForm struct {
	Form      *form
	Provinces []*ent.AdminUnit
}

// campaignFields maps the domain's field names to the form's inputs.
var campaignFields = map[string]string{"provinceID": "provinceID", "year": "year", "name": "name"}

func (c *Console) newCampaign(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	provinces, err := c.provinces(ctx, client)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"year": {strconv.Itoa(time.Now().In(i18n.Vietnam).Year())}})
	if len(provinces) == 1 {
		f.Values.Set("provinceID", strconv.Itoa(provinces[0].ID))
	}
	f.fields = campaignFields
	c.render(w, r, http.StatusOK, "campaign_form", &campaignForm{Form: f, Provinces: provinces})
	return nil
}

// createCampaign opens a campaign through cycle.CreateCampaign, which
// copies the province's previous targets and criteria.
func (c *Console) createCampaign(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	f := newForm(r.PostForm)
	f.fields = campaignFields
	provinceID, ok := f.Int("provinceID")
	if !ok {
		f.fieldError(ctx, "provinceID", "campaign.provinceRequired")
	}
	year, ok := f.Int("year")
	if !ok {
		f.fieldError(ctx, "year", "campaign.yearNumber")
	}
	var camp *ent.Campaign
	if !f.Invalid() {
		err := c.write(ctx, func(ctx context.Context) error {
			var err error
			camp, err = cycle.CreateCampaign(ctx, cycle.CampaignInput{ProvinceID: provinceID, Year: year, Name: f.Get("name")})
			return err
		})
		if err != nil && !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
	}
	if f.Invalid() {
		provinces, err := c.provinces(ctx, client)
		if err != nil {
			return err
		}
		c.render(w, r, http.StatusUnprocessableEntity, "campaign_form", &campaignForm{Form: f, Provinces: provinces})
		return nil
	}
	c.redirect(w, r, campaignURL(camp.ID), "flash.campaignCreated", strconv.Itoa(camp.Year))
	return nil
}

func campaignURL(id int) string { return Prefix + "campaigns/" + strconv.Itoa(id) }

// getCampaign reads a campaign and its province as the viewer: out of scope
// is not found.
func getCampaign(ctx context.Context, client *ent.Client, r *http.Request) (*ent.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return client.Campaign.Query().Where(campaign.ID(id)).WithProvince().Only(ctx)
}

// phaseStep is one step of the phase indicator.
type phaseStep struct {
	Phase         campaign.Phase
	Done, Current bool
}

func steps(p campaign.Phase) []phaseStep {
	out := make([]phaseStep, len(cycle.Phases))
	done := true
	for i, x := range cycle.Phases {
		if x == p {
			done = false
		}
		out[i] = phaseStep{Phase: x, Done: done, Current: x == p}
	}
	return out
}

// campaignPage is the data of a campaign's page.
type campaignPage struct {
	Campaign *ent.Campaign
	Steps    []phaseStep
	Next     campaign.Phase
	Previous campaign.Phase
	Targets  int
	Audit    []*ent.AuditLog
}

// neighbours returns the phases before and after p, "" at either end.
func neighbours(p campaign.Phase) (prev, next campaign.Phase) {
	for i, x := range cycle.Phases {
		if x != p {
			continue
		}
		if i > 0 {
			prev = cycle.Phases[i-1]
		}
		if i+1 < len(cycle.Phases) {
			next = cycle.Phases[i+1]
		}
	}
	return prev, next
}

func (c *Console) showCampaign(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	d := &campaignPage{Campaign: camp, Steps: steps(camp.Phase)}
	d.Previous, d.Next = neighbours(camp.Phase)
	if d.Targets, err = camp.QueryTargets().Count(ctx); err != nil {
		return err
	}
	if d.Audit, err = client.AuditLog.Query().
		Where(auditlog.TargetID(camp.ID), auditlog.TargetType("Campaign")).
		Order(ent.Desc(auditlog.FieldAt), ent.Desc(auditlog.FieldID)).
		Limit(auditEntries).All(ctx); err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "campaign", d)
	return nil
}

// confirmAdvance asks for confirmation, and an optional reason, before the
// campaign moves to its next phase.
func (c *Console) confirmAdvance(w http.ResponseWriter, r *http.Request) error {
	return c.confirmMove(w, r, newForm(nil), http.StatusOK, 1)
}

func (c *Console) confirmRevert(w http.ResponseWriter, r *http.Request) error {
	return c.confirmMove(w, r, newForm(nil), http.StatusOK, -1)
}

func (c *Console) confirmMove(w http.ResponseWriter, r *http.Request, f *form, status, step int) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	prev, next := neighbours(camp.Phase)
	// The form carries the phase it confirms leaving: sent twice, or after
	// someone else moved the campaign, it is refused instead of moving the
	// campaign one phase further than the user saw.
	d := &confirmPage{Subject: camp.Name, Back: campaignURL(camp.ID), Reason: true, Form: f,
		Hidden: map[string]string{"from": string(camp.Phase)}}
	if step > 0 {
		d.TitleKey, d.ButtonKey, d.Action = "campaign.advanceTitle", "campaign.advance", campaignURL(camp.ID)+"/advance"
		d.BodyKey = "campaign.advanceBody." + string(next)
		if next == "" {
			d.BodyKey = "campaign.closedBody"
		}
	} else {
		d.TitleKey, d.ButtonKey, d.Action = "campaign.revertTitle", "campaign.revert", campaignURL(camp.ID)+"/revert"
		d.BodyKey, d.Danger, d.ReasonRequired = "campaign.revertBody."+string(prev), true, true
		if prev == "" {
			d.BodyKey = "campaign.firstBody"
		}
	}
	c.render(w, r, status, "confirm", d)
	return nil
}

// advanceCampaign moves the campaign on through cycle.Advance, which
// audits the move and its reason.
func (c *Console) advanceCampaign(w http.ResponseWriter, r *http.Request) error {
	return c.move(w, r, 1)
}

// revertCampaign moves the campaign back through cycle.Revert, which asks a
// manager's role and a reason.
func (c *Console) revertCampaign(w http.ResponseWriter, r *http.Request) error {
	return c.move(w, r, -1)
}

func (c *Console) move(w http.ResponseWriter, r *http.Request, step int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := newForm(r.PostForm)
	f.fields = map[string]string{"reason": "reason"}
	from := campaign.Phase(f.Get("from"))
	// Not an input the user can correct: its errors go at the top of the
	// form, and the page shown again confirms the phase the campaign is in now.
	f.Values.Del("from")
	var camp *ent.Campaign
	err = c.write(r.Context(), func(ctx context.Context) error {
		var err error
		if step > 0 {
			camp, err = cycle.Advance(ctx, id, from, f.Get("reason"), nil)
		} else {
			camp, err = cycle.Revert(ctx, id, from, f.Get("reason"), nil)
		}
		return err
	})
	if err != nil {
		if !f.setError(err, i18n.FromContext(r.Context())) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if apperr.CodeOf(err) == apperr.Conflict {
			status = http.StatusConflict
		}
		return c.confirmMove(w, r, f, status, step)
	}
	c.redirect(w, r, campaignURL(id), "flash.campaignMoved", msg(r.Context(), "phase."+string(camp.Phase)))
	return nil
}

// home is the console's first page: the campaigns of the newest year and
// a way to each section.
func (c *Console) home(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	if !isStaff(viewer.FromContext(ctx).Role) {
		// An officer's console is the import pages.
		http.Redirect(w, r, importsURL, http.StatusSeeOther)
		return nil
	}
	camps, err := client.Campaign.Query().WithProvince().
		Order(ent.Desc(campaign.FieldYear), ent.Asc(campaign.FieldName)).Limit(6).All(ctx)
	if err != nil {
		return err
	}
	users, err := client.User.Query().Count(ctx)
	if err != nil {
		return err
	}
	scope, err := client.AdminUnit.Get(ctx, viewer.FromContext(ctx).ScopeID)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "home", &homePage{Campaigns: camps, Users: users, Scope: scope})
	return nil
}

type homePage struct {
	Campaigns []*ent.Campaign
	Users     int
	Scope     *ent.AdminUnit
}

// notFound is the console's answer to a path it does not have.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, apperr.MsgNotFound)
}
