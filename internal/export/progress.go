package export

import (
	"fmt"
	"net/http"

	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/titles"
)

// The values of the "meets target" column.
const (
	meets    = "Đạt"
	missed   = "Chưa đạt"
	noTarget = "—"
)

// progressSheet names the worksheet of a progress export.
const progressSheet = "Tiến độ"

// progressColumns are the columns of a progress export, one row per unit,
// title and organisation subtype.
var progressColumns = []column{
	{"Mã đơn vị", text, 12},
	{"Tên đơn vị", text, 28},
	{"Danh hiệu", text, 30},
	{"Loại hình", text, 18},
	{"Số thuộc diện", count, 12},
	{"Số đăng ký", count, 12},
	{"Số đã đánh giá", count, 12},
	{"Số được công nhận", count, 13},
	{"Tỷ lệ công nhận (%)", percent, 13},
	{"Chỉ tiêu (%)", percent, 11},
	{"Đạt chỉ tiêu", text, 12},
}

// Progress serves GET /export/progress.{csv|xlsx}?campaign=<id>&unit=<id>:
// the API's progress report of a unit and its children as a table, the
// unit's own rows first.
func (h *Handler) Progress(f Format) http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		campaignID, err := idParam(q, "campaign")
		if err != nil {
			return err
		}
		unitID, err := idParam(q, "unit")
		if err != nil {
			return err
		}
		rep, err := progress.Load(r.Context(), h.client, campaignID, unitID)
		if err != nil {
			return renamed(err, map[string]string{"campaignID": "campaign", "unitID": "unit"})
		}
		name := fmt.Sprintf("tien-do-%d-%s", rep.Campaign.Year, slug(rep.Unit.Code))
		return h.send(w, r, f, name, progressTable(rep))
	})
}

// progressTable lays a report out: the unit's rows, then each child's.
func progressTable(rep *progress.Report) *table {
	t := &table{
		title:   fmt.Sprintf("%s — %s", rep.Campaign.Name, rep.Unit.Name),
		sheet:   progressSheet,
		columns: progressColumns,
	}
	for _, r := range append([]*progress.Report{rep}, rep.Children...) {
		for _, row := range r.Rows {
			t.rows = append(t.rows, progressRow(r, row))
		}
	}
	return t
}

func progressRow(r *progress.Report, row progress.Row) []any {
	subtype := ""
	if row.Subtype != nil {
		subtype = titles.SubtypeName(*row.Subtype, i18n.VI)
	}
	var target any
	if row.Target != nil {
		target = *row.Target
	}
	verdict := noTarget
	if row.MeetsTarget != nil {
		verdict = missed
		if *row.MeetsTarget {
			verdict = meets
		}
	}
	return []any{
		r.Unit.Code, r.Unit.Name, titles.Name(row.Title, i18n.VI), subtype,
		row.Eligible, row.Registered, row.Evaluated, row.Recognized,
		row.Rate, target, verdict,
	}
}
