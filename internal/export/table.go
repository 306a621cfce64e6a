package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/i18n"
)

// kind says how the values of a column are written.
type kind int

const (
	text    kind = iota // a string
	count               // an int
	number              // a float64, e.g. points
	percent             // a float64 fraction from 0 to 1, shown as a percentage
	date                // a time.Time, of which only the day counts
)

// column is one column of a table.
type column struct {
	header string
	kind   kind
	width  float64 // in characters, for XLSX
}

// field is one label–value line above a table, such as a decision's
// number. Its value is a string, an int or a time.Time.
type field struct {
	label string
	value any
}

// table is what the CSV and XLSX writers render: a few label–value lines,
// then a header row and the rows. A cell holds the Go type of its column's
// kind, or nil for an empty cell.
type table struct {
	title    string // of the document, for XLSX properties
	sheet    string // at most 31 characters
	preamble []field
	columns  []column
	rows     [][]any
}

// day returns the calendar day of t in Vietnam, at midnight UTC: what
// spreadsheets store as a date.
func day(t time.Time) time.Time {
	y, m, d := t.In(i18n.Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// formatDate writes a day as Vietnamese documents do: dd/mm/yyyy.
func formatDate(t time.Time) string { return day(t).Format("02/01/2006") }

// percentage turns a fraction into a percentage rounded to two decimals:
// 0.625 is 62.5, 1/3 is 33.33.
func percentage(f float64) float64 { return math.Round(f*10000) / 100 }

// formatText renders a cell for CSV and HTML. Percentages are written as
// numbers of percent, the column header says so.
func formatText(v any, k kind) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if k == percent {
			v = percentage(v)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return formatDate(v)
	default:
		return fmt.Sprint(v)
	}
}

// kindOf is the kind of a preamble value.
func kindOf(v any) kind {
	switch v.(type) {
	case int:
		return count
	case time.Time:
		return date
	default:
		return text
	}
}

// bom makes Excel read a CSV file as UTF-8, so Vietnamese shows correctly.
const bom = "\uFEFF"

// writeCSV writes t as RFC 4180 CSV in UTF-8 with a byte order mark.
func writeCSV(w io.Writer, t *table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	// The csv.Writer keeps the first write error; Error reports it after
	// Flush, so the rows need no check of their own.
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, f := range t.preamble {
		cw.Write([]string{f.label, csvText(formatText(f.value, kindOf(f.value)), kindOf(f.value))})
	}
	if len(t.preamble) > 0 {
		cw.Write([]string{""})
	}
	record := make([]string, len(t.columns))
	for i, c := range t.columns {
		record[i] = c.header
	}
	cw.Write(record)
	for _, row := range t.rows {
		for i, c := range t.columns {
			record[i] = csvText(formatText(row[i], c.kind), c.kind)
		}
		cw.Write(record)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvText keeps a spreadsheet from running text as a formula: names are
// typed in by users, and "=HYPERLINK(…)" in a name must stay text (CWE-1236).
func csvText(s string, k kind) string {
	if k == text && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// XLSX layout.
const (
	// a4 is the paper size code of A4 in SpreadsheetML.
	a4 = 9
	// headerHeight fits a header wrapped on two lines.
	headerHeight = 32
)

// xlsxStyles are the style ids of one workbook: the header's, the
// preamble labels', and per kind those of table cells (bordered, for
// printing) and of preamble values.
type xlsxStyles struct {
	header, label int
	cell, plain   map[kind]int
}

// numFmts are the number formats of the kinds: counts with thousands
// separators, points as they are (General), rates as percentages, days as
// Vietnamese dates.
var numFmts = map[kind]string{count: "#,##0", percent: "0.0%", date: "dd/mm/yyyy"}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	s := xlsxStyles{cell: map[kind]int{}, plain: map[kind]int{}}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	}); err != nil {
		return s, err
	}
	if s.label, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return s, err
	}
	for _, k := range []kind{text, count, number, percent, date} {
		var fmtCode *string
		if c, ok := numFmts[k]; ok {
			fmtCode = &c
		}
		align := &excelize.Alignment{Vertical: "top", WrapText: k == text}
		if k == date {
			align.Horizontal = "left"
		}
		if s.cell[k], err = f.NewStyle(&excelize.Style{Border: border, CustomNumFmt: fmtCode, Alignment: align}); err != nil {
			return s, err
		}
		if s.plain[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: fmtCode, Alignment: &excelize.Alignment{Horizontal: "left"}}); err != nil {
			return s, err
		}
	}
	return s, nil
}

// xlsxValue is a cell's value as excelize should store it: numbers as
// numbers, days as dates.
func xlsxValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return day(t)
	}
	return v
}

// writeXLSX writes t as one worksheet: the preamble in bold labels, a bold
// header row frozen and repeated on every printed page, numbers as numbers,
// percentages and dates formatted, A4 landscape.
func writeXLSX(w io.Writer, t *table) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write xlsx: %w", cerr)
		}
	}()
	if err := fillXLSX(f, t); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func fillXLSX(f *excelize.File, t *table) error {
	if err := f.SetSheetName(f.GetSheetName(0), t.sheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: t.title, Creator: "hoctap", Language: "vi-VN"}); err != nil {
		return err
	}
	size, landscape := a4, "landscape"
	if err := f.SetPageLayout(t.sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape}); err != nil {
		return err
	}
	styles, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	headerRow := 1
	if len(t.preamble) > 0 {
		headerRow = len(t.preamble) + 2 // a blank line between
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: t.sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", t.sheet, headerRow, headerRow),
	}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	for i, c := range t.columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	below, _ := excelize.CoordinatesToCellName(1, headerRow+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: below, ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last := len(t.columns)
	for i, p := range t.preamble {
		// The label spans the first two columns and the value the rest,
		// so that neither is cut by the narrow first column.
		row := i + 1
		cells := make([]any, last)
		cells[0] = excelize.Cell{StyleID: styles.label, Value: p.label}
		valueCol := min(3, last)
		cells[valueCol-1] = excelize.Cell{StyleID: styles.plain[kindOf(p.value)], Value: xlsxValue(p.value)}
		a, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(a, cells); err != nil {
			return err
		}
		if valueCol > 2 {
			b, _ := excelize.CoordinatesToCellName(2, row)
			if err := sw.MergeCell(a, b); err != nil {
				return err
			}
		}
		if valueCol < last {
			from, _ := excelize.CoordinatesToCellName(valueCol, row)
			to, _ := excelize.CoordinatesToCellName(last, row)
			if err := sw.MergeCell(from, to); err != nil {
				return err
			}
		}
	}
	header := make([]any, len(t.columns))
	for i, c := range t.columns {
		header[i] = excelize.Cell{StyleID: styles.header, Value: c.header}
	}
	cell, _ := excelize.CoordinatesToCellName(1, headerRow)
	if err := sw.SetRow(cell, header, excelize.RowOpts{Height: headerHeight}); err != nil {
		return err
	}
	cells := make([]any, len(t.columns))
	for i, row := range t.rows {
		for j, c := range t.columns {
			// Empty cells are written too, for their borders.
			cells[j] = excelize.Cell{StyleID: styles.cell[c.kind], Value: xlsxValue(row[j])}
		}
		cell, _ := excelize.CoordinatesToCellName(1, headerRow+1+i)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
