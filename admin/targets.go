package admin

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/titles"
)

// gridTitles are the titles with national targets, the grid's columns.
var gridTitles = []titles.Title{titles.Family, titles.Clan, titles.Community, titles.Unit, titles.Citizen}

// targetCell is one cell of the targets grid.
type targetCell struct {
	Input string // the input's name
	Title titles.Title
	// Value is what the input shows: the override typed or stored.
	Value string
	// Effective is the target that applies (as the progress report has it); Source
	// says where it comes from: "own", "province" or "national".
	Effective *float64
	Source    string
	Error     string
}

// targetRow is one unit of the grid.
type targetRow struct {
	Unit     *ent.AdminUnit
	Province bool
	Cells    []targetCell
}

// targetGrid is the data of the targets page.
type targetGrid struct {
	Campaign *ent.Campaign
	Titles   []titles.Title
	Rows     []targetRow
	Form     *form
	Closed   bool
}

func cellName(unitID int, t titles.Title) string { return fmt.Sprintf("t.%d.%s", unitID, t) }

// loadGrid builds the grid: the province and each of its child units (the
// district level, or the communes after the 2025 reform) valid at the
// campaign's date, as progress.Build lists them, times the titles. A cell
// shows the unit's own override, else the target it inherits.
func loadGrid(ctx context.Context, client *ent.Client, camp *ent.Campaign, f *form) (*targetGrid, error) {
	province, err := camp.Edges.ProvinceOrErr()
	if err != nil {
		return nil, err
	}
	report, err := progress.Build(ctx, client, camp, province)
	if err != nil {
		return nil, err
	}
	overrides, err := camp.QueryTargets().All(ctx)
	if err != nil {
		return nil, err
	}
	own := map[string]float64{}
	for _, t := range overrides {
		if t.Subtype == "" {
			own[cellName(t.AdminUnitID, t.Title)] = t.Rate
		}
	}
	lang := i18n.FromContext(ctx)
	g := &targetGrid{Campaign: camp, Titles: gridTitles, Form: f, Closed: camp.Phase == campaign.PhaseCLOSED}
	// The report already resolved each unit's target (its own override,
	// one inherited from above, or the national one).
	reports := append([]*progress.Report{report}, report.Children...)
	for i, rep := range reports {
		u := rep.Unit
		row := targetRow{Unit: u, Province: i == 0}
		for _, t := range gridTitles {
			cell := targetCell{Input: cellName(u.ID, t), Title: t}
			if r := rowOf(rep, t); r != nil {
				cell.Effective = r.Target
			}
			_, hasOwn := own[cell.Input]
			_, hasProvince := own[cellName(province.ID, t)]
			switch {
			case hasOwn:
				cell.Source = "own"
			case hasProvince && i > 0:
				cell.Source = "province"
			default:
				cell.Source = "national"
			}
			if v, typed := f.Values[cell.Input]; typed {
				cell.Value = v[0]
			} else if hasOwn {
				cell.Value = pctInput(lang, own[cell.Input])
			}
			cell.Error = f.Err(cell.Input)
			row.Cells = append(row.Cells, cell)
		}
		g.Rows = append(g.Rows, row)
	}
	return g, nil
}

func (c *Console) showTargets(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	g, err := loadGrid(ctx, client, camp, newForm(nil))
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "targets", g)
	return nil
}

var targetErrorField = regexp.MustCompile(`^targets\[(\d+)\]\.`)

// saveTargets sends the cells that changed to cycle.SetTargets in one call,
// all or none: a typed value sets the unit's own target, an emptied cell
// removes it so the inherited one applies again. A value that is not a
// percentage, or that the domain refuses, is shown next to its cell with
// everything typed kept.
func (c *Console) saveTargets(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	camp, err := getCampaign(ctx, client, r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm)
	current, err := loadGrid(ctx, client, camp, newForm(nil))
	if err != nil {
		return err
	}
	var (
		rows  []cycle.TargetInput
		cells []string // the input of each row
	)
	lang := i18n.FromContext(ctx)
	for _, row := range current.Rows {
		for _, cell := range row.Cells {
			typed, sent := f.Values[cell.Input]
			if !sent {
				continue
			}
			value := typed[0]
			in := cycle.TargetInput{Title: cell.Title, AdminUnitID: row.Unit.ID}
			switch {
			case value == "" && cell.Value == "":
				continue // no override, none wanted
			case value == "":
				// cleared: Rate nil removes the override
			default:
				pct, ok := parseNumber(value)
				if !ok {
					f.fieldError(ctx, cell.Input, "targets.notNumber")
					continue
				}
				if cell.Value != "" && pctInput(lang, pct/100) == cell.Value {
					continue // unchanged
				}
				rate := pct / 100
				in.Rate = &rate
			}
			rows = append(rows, in)
			cells = append(cells, cell.Input)
		}
	}
	if !f.Invalid() && len(rows) > 0 {
		err = c.write(ctx, func(ctx context.Context) error {
			err := cycle.SetTargets(ctx, camp.ID, rows)
			return err
		})
		if err != nil {
			e, ok := asInput(err)
			if !ok {
				return err
			}
			if m := targetErrorField.FindStringSubmatch(e.Field); m != nil {
				if i, _ := strconv.Atoi(m[1]); i < len(cells) {
					f.Errors[cells[i]] = e.Message(lang)
				}
			}
			if !f.Invalid() {
				f.Error = e.Message(lang)
			}
		}
	}
	if f.Invalid() {
		g, err := loadGrid(ctx, client, camp, f)
		if err != nil {
			return err
		}
		c.render(w, r, http.StatusUnprocessableEntity, "targets", g)
		return nil
	}
	c.redirect(w, r, campaignURL(camp.ID)+"/targets", "flash.targetsSaved", strconv.Itoa(len(rows)))
	return nil
}
