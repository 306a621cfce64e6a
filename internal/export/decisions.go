package export

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"hoctap/ent"
	"hoctap/ent/decision"
	"hoctap/ent/registration"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
)

//go:embed templates/decision.html templates/record.html
var templateFS embed.FS

var decisionPage = template.Must(template.New("decision.html").
	Funcs(template.FuncMap{"upper": strings.ToUpper}).
	ParseFS(templateFS, "templates/decision.html"))

// decisionSheet names the worksheet of a decision export.
const decisionSheet = "Danh sách công nhận"

// unknown stands for what the viewer may not see, such as the deciding unit
// of a decision above a village collaborator's scope.
const unknown = "—"

// Decision serves GET /export/decisions/{file}, where file is <id>.csv,
// <id>.xlsx or <id>.html: a recognition decision's header and the units it
// recognised, as spreadsheets or as a printable page.
func (h *Handler) Decision() http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		id, f, err := decisionFile(r.PathValue("file"))
		if err != nil {
			return err
		}
		d, err := loadDecision(r.Context(), h.client, id)
		if err != nil {
			return err
		}
		t := decisionTable(d)
		if f != HTML {
			return h.send(w, r, f, "quyet-dinh-"+slug(d.Number), t)
		}
		var buf bytes.Buffer
		if err := decisionPage.Execute(&buf, newDecisionView(d, t)); err != nil {
			return fmt.Errorf("render decision %d: %w", d.ID, err)
		}
		hd := w.Header()
		hd.Set("Content-Type", contentTypes[HTML])
		hd.Set("Cache-Control", "private, no-store")
		// The page is static: no script, no request of its own.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.write(w, r, buf.Bytes())
		return nil
	})
}

// decisionFile splits "12.csv" into an id and a format. A format it does
// not serve is a page that does not exist; a bad id is the client's error.
func decisionFile(name string) (int, Format, error) {
	base, ext, ok := cut(name)
	f := Format(ext)
	if !ok || contentTypes[f] == "" {
		return 0, "", apperr.New(apperr.NotFound, apperr.MsgNotFound)
	}
	id, err := parseID("id", base)
	return id, f, err
}

func cut(name string) (base, ext string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return name, "", false
	}
	return name[:i], name[i+1:], true
}

// loadDecision reads a decision as the viewer with everything its list
// shows, in six statements whatever its length: the decision, its campaign,
// its deciding unit, its recognised registrations, their learning units and
// their admin units. Each is filtered by the viewer's privacy rules, so a
// viewer below the deciding unit sees the decision with the units of their
// own scope only, as the API shows it.
func loadDecision(ctx context.Context, c *ent.Client, id int) (*ent.Decision, error) {
	d, err := c.Decision.Query().
		Where(decision.ID(id)).
		WithCampaign().
		WithDecidingUnit().
		WithRegistrations(func(q *ent.RegistrationQuery) {
			q.Where(registration.StatusEQ(registration.StatusRECOGNIZED)).WithLearningUnit().WithAdminUnit()
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Msg: apperr.MsgNotFound, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("load decision %d: %w", id, err)
	}
	sortRegistrations(d.Edges.Registrations)
	return d, nil
}

// sortRegistrations orders a decision's list by village or commune, then
// by name in Vietnamese alphabetical order.
func sortRegistrations(regs []*ent.Registration) {
	col := collate.New(language.Vietnamese)
	area := func(r *ent.Registration) string {
		if u := r.Edges.AdminUnit; u != nil {
			return u.Code
		}
		return ""
	}
	name := func(r *ent.Registration) string {
		if u := r.Edges.LearningUnit; u != nil {
			return u.Name
		}
		return ""
	}
	sort.SliceStable(regs, func(i, j int) bool {
		a, b := regs[i], regs[j]
		if area(a) != area(b) {
			return area(a) < area(b)
		}
		if c := col.CompareString(name(a), name(b)); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
}

// decisionColumns are the columns of a decision's list; level and validity
// only for the TT 25 titles, which have them.
func decisionColumns(leveled bool) []column {
	cols := []column{
		{"STT", count, 6},
		{"Đơn vị được công nhận", text, 32},
		{"Chủ hộ / người đứng đầu", text, 24},
		{"Địa chỉ", text, 30},
		{"Địa bàn", text, 18},
		{"Điểm", number, 8},
	}
	if leveled {
		cols = append(cols, column{"Mức độ", count, 8}, column{"Hiệu lực đến", date, 13})
	}
	return cols
}

// committee names the People's Committee of a deciding unit.
func committee(u *ent.AdminUnit) string {
	if u == nil {
		return unknown
	}
	return "Ủy ban nhân dân " + u.Name
}

func decisionTable(d *ent.Decision) *table {
	leveled := titles.Leveled(d.Title)
	campaignName := unknown
	if camp := d.Edges.Campaign; camp != nil {
		campaignName = camp.Name
	}
	regs := d.Edges.Registrations
	t := &table{
		title: fmt.Sprintf("Quyết định số %s — %s", d.Number, titles.Name(d.Title, i18n.VI)),
		sheet: decisionSheet,
		preamble: []field{
			{"Số quyết định", d.Number},
			{"Ngày quyết định", d.Date},
			{"Người ký", d.Signer},
			{"Cơ quan ban hành", committee(d.Edges.DecidingUnit)},
			{"Danh hiệu", titles.Name(d.Title, i18n.VI)},
			{"Chiến dịch", campaignName},
			{"Số đơn vị được công nhận", len(regs)},
		},
		columns: decisionColumns(leveled),
	}
	for i, r := range regs {
		name, head, address, area := unknown, "", "", unknown
		if u := r.Edges.LearningUnit; u != nil {
			name, head, address = u.Name, u.HeadName, u.Address
		}
		if u := r.Edges.AdminUnit; u != nil {
			area = u.Name
		}
		var score any
		if r.Score != nil {
			score = *r.Score
		}
		row := []any{i + 1, name, head, address, area, score}
		if leveled {
			var level, until any
			if r.Level != nil {
				level = *r.Level
			}
			if r.ValidUntil != nil {
				until = *r.ValidUntil
			}
			row = append(row, level, until)
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// decisionView is what the printable page shows.
type decisionView struct {
	Number, Signer, Title string
	Date                  string // dd/mm/yyyy
	// Unit is the deciding unit's name, whose People's Committee heads the
	// page ("ỦY BAN NHÂN DÂN" over "XÃ AN BÌNH"), and Place that name
	// without its type, for the place and date line; both are empty when
	// the viewer cannot see the unit.
	Unit, Place      string
	Day, Month, Year string
	CampaignYear     int
	Columns          []viewColumn
	Rows             [][]viewCell
}

type viewColumn struct {
	Header  string
	Numeric bool
}

type viewCell struct {
	Text    string
	Numeric bool
}

func newDecisionView(d *ent.Decision, t *table) decisionView {
	date := day(d.Date)
	v := decisionView{
		Number: d.Number, Signer: d.Signer, Title: titles.Name(d.Title, i18n.VI),
		Date: formatDate(d.Date),
		Day:  date.Format("02"), Month: date.Format("01"), Year: date.Format("2006"),
	}
	if camp := d.Edges.Campaign; camp != nil {
		v.CampaignYear = camp.Year
	}
	if u := d.Edges.DecidingUnit; u != nil {
		v.Unit = u.Name
		v.Place = strings.TrimSpace(strings.TrimPrefix(u.Name, u.Type))
	}
	for _, c := range t.columns {
		v.Columns = append(v.Columns, viewColumn{Header: c.header, Numeric: c.kind != text})
	}
	for _, row := range t.rows {
		cells := make([]viewCell, len(row))
		for i, c := range t.columns {
			cells[i] = viewCell{Text: formatText(row[i], c.kind), Numeric: c.kind != text}
		}
		v.Rows = append(v.Rows, cells)
	}
	return v
}
