package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/titles"
)

// dashboard is the data of a campaign's progress page.
type dashboard struct {
	Campaign *ent.Campaign
	Report   *progress.Report
	// Trail is the way from the province down to the unit shown.
	Trail []*ent.AdminUnit
	// Titles are the columns: the titles the unit reports, all subtypes
	// together.
	Titles []titles.Title
	Rows   []progress.Row
	// Children are the child units' cells, in Titles order.
	Children []childRow
	Charts   []chart
	// Misses counts the children that miss at least one target.
	Misses    int
	CSV, XLSX string
}

// childRow is a child unit's line of the dashboard table.
type childRow struct {
	Unit     *ent.AdminUnit
	Cells    []*progress.Row
	MeetsAll bool
	// Href drills down to the unit, "" for a unit with nothing below.
	Href string
}

// showProgress shows a campaign's progress in a unit (the province unless
// ?unit= names one below it) and in each of its child units, as a table
// and a bar chart per title, units that miss a target highlighted. The
// report is progress.LoadIn's, as the API and the exports have it.
func (c *Console) showProgress(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	unitID := camp.ProvinceID
	if id, err := strconv.Atoi(r.URL.Query().Get("unit")); err == nil {
		unitID = id
	}
	report, err := progress.LoadIn(ctx, client, camp, unitID)
	if err != nil {
		return err
	}
	d := &dashboard{Campaign: camp, Report: report}
	trail, err := client.AdminUnit.Query().
		Where(adminunit.IDIn(progress.PathIDs(report.Unit.Path)...)).
		Order(ent.Asc(adminunit.FieldDepth)).All(ctx)
	if err != nil {
		return err
	}
	for _, u := range trail {
		if strings.HasPrefix(u.Path, camp.ScopePath) {
			d.Trail = append(d.Trail, u)
		}
	}
	for _, row := range report.Rows {
		if row.Subtype == nil {
			d.Titles = append(d.Titles, row.Title)
			d.Rows = append(d.Rows, row)
		}
	}
	base := campaignURL(camp.ID) + "/progress?unit="
	for _, ch := range report.Children {
		cr := childRow{Unit: ch.Unit, MeetsAll: ch.MeetsAll()}
		if ch.Unit.Level != adminunit.LevelVILLAGE {
			cr.Href = base + strconv.Itoa(ch.Unit.ID)
		}
		for _, t := range d.Titles {
			cr.Cells = append(cr.Cells, rowOf(ch, t))
		}
		if !cr.MeetsAll {
			d.Misses++
		}
		d.Children = append(d.Children, cr)
	}
	lang := i18n.FromContext(ctx)
	for i, t := range d.Titles {
		if len(d.Children) == 0 {
			break
		}
		var bars []barInput
		for _, ch := range d.Children {
			b := barInput{Label: ch.Unit.Name, Href: ch.Href}
			if row := ch.Cells[i]; row != nil {
				b.Rate, b.Target, b.Meets, b.Eligible = row.Rate, row.Target, row.MeetsTarget, row.Eligible
			}
			bars = append(bars, b)
		}
		d.Charts = append(d.Charts, newChart(lang, "chart-"+strconv.Itoa(i), titles.Name(t, lang), bars))
	}
	q := url.Values{"campaign": {strconv.Itoa(camp.ID)}, "unit": {strconv.Itoa(report.Unit.ID)}}.Encode()
	d.CSV, d.XLSX = "/export/progress.csv?"+q, "/export/progress.xlsx?"+q
	c.render(w, r, http.StatusOK, "progress", d)
	return nil
}

// rowOf returns a report's row of a title, all subtypes together.
func rowOf(r *progress.Report, t titles.Title) *progress.Row {
	for i := range r.Rows {
		if r.Rows[i].Title == t && r.Rows[i].Subtype == nil {
			return &r.Rows[i]
		}
	}
	return nil
}
