package imports

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/textnorm"
)

// reportSheet names the first sheet of a report book; an import skips it
// (instructionSheets), so a report book fixed can be imported again.
const reportSheet = "Báo cáo"

// labelSourceRow heads the column of a report book's copied rows that
// says which row of the file each came from.
const labelSourceRow = "Dòng gốc"

// Layout of a report book.
const (
	copyWidth       = 18
	sourceRowWidth  = 10
	commentWidth    = 300
	commentHeight   = 80
	commentAuthor   = "hoctap"
	messageColWidth = 70
)

// ErrNotTheFile is WriteReportBook's error when the file given is not the
// one the report is about (its SHA-256 differs).
var ErrNotTheFile = errors.New("imports: report book: the file is not the one the report is about")

// WriteReportBook writes an import's report as a workbook, for the
// importer to download after a dry run. Its first sheet, «Báo cáo», has
// the totals of each sheet read and the problems the report lists, the
// refused rows first, then the warnings, all in lang. Then, for each sheet
// with refused rows, a copy of its header and of those rows, read again
// from original (the file the report is about; nil for no copies): the
// cells at fault filled red with the problem in a comment, the row's
// number in the file in a last column («Dòng gốc», which an import does
// not read). Fixed, the workbook imports like the original (its report
// sheet is skipped). Only the rows of the problems the report lists are
// copied (Options.MaxProblems). Nothing is written to w before the
// workbook is complete.
func WriteReportBook(w io.Writer, rep *Report, lang i18n.Lang, original io.Reader) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("imports: report book: %w", cerr)
		}
	}()
	rb := &reportBook{f: f, lang: lang, rep: rep}
	if rb.styles, err = newListStyles(f); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if rb.bad, err = f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
		Font: &excelize.Font{Color: "9C0006"},
	}); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), reportSheet); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if err := rb.summary(); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if original != nil {
		if err := rb.copies(original); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("imports: write report book: %w", err)
	}
	return nil
}

type reportBook struct {
	f      *excelize.File
	lang   i18n.Lang
	rep    *Report
	styles listStyles
	bad    int
	row    int
}

// put writes a row of values on the report sheet from column A.
func (rb *reportBook) put(style int, values ...any) error {
	rb.row++
	cell, _ := excelize.CoordinatesToCellName(1, rb.row)
	if err := rb.f.SetSheetRow(reportSheet, cell, &values); err != nil {
		return err
	}
	if style == 0 {
		return nil
	}
	last, _ := excelize.CoordinatesToCellName(len(values), rb.row)
	return rb.f.SetCellStyle(reportSheet, cell, last, style)
}

// summary fills «Báo cáo»: the file, the totals by sheet, the problems.
func (rb *reportBook) summary() error {
	rep, lang := rb.rep, rb.lang
	for i, w := range []float64{22, 22, 10, 14, 22, 24, messageColWidth, 12} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := rb.f.SetColWidth(reportSheet, col, col, w); err != nil {
			return err
		}
	}
	outcome := msgReportDryRun
	if rep.Applied {
		outcome = msgReportApplied
	}
	for _, line := range []struct {
		style  int
		values []any
	}{
		{rb.styles.title, []any{msgReportTitle.Format(lang)}},
		{0, []any{msgReportFile.Format(lang), rep.FileName}},
		{0, []any{"SHA-256", rep.SHA256}},
		{0, []any{msgReportOutcome.Format(lang), outcome.Format(lang)}},
		{0, []any{msgReportErrors.Format(lang), rep.Errors}},
		{0, []any{msgReportWarnings.Format(lang), rep.WarningCount}},
	} {
		if err := rb.put(line.style, line.values...); err != nil {
			return err
		}
	}
	rb.row++
	if err := rb.put(rb.styles.header, formatAll(lang, totalsHeaders)...); err != nil {
		return err
	}
	for _, s := range rep.Sheets {
		name := s.Kind
		if k := KindByID(s.Kind); k != nil {
			name = k.Name.Format(lang)
		}
		t := s.Totals
		if err := rb.put(0, s.Sheet, name, s.Rows, t.Create, t.Update, t.Unchanged, t.Refused); err != nil {
			return err
		}
	}
	t := rep.Totals
	if err := rb.put(rb.styles.label, msgReportTotal.Format(lang), "", "", t.Create, t.Update, t.Unchanged, t.Refused); err != nil {
		return err
	}
	rb.row++
	if err := rb.put(rb.styles.header, formatAll(lang, problemHeaders)...); err != nil {
		return err
	}
	for _, ps := range []struct {
		list  []Problem
		count int
		level i18n.Message
		cut   i18n.Message
	}{
		{rep.Problems, rep.Errors, msgReportError, msgReportErrorsCut},
		{rep.Warnings, rep.WarningCount, msgReportWarning, msgReportWarningsCut},
	} {
		for _, p := range ps.list {
			var row any
			if p.Row > 0 {
				row = p.Row
			}
			if err := rb.put(0, ps.level.Format(lang), p.Sheet, row, p.Column, p.Header, p.Value, p.Msg.Format(lang, p.Args...)); err != nil {
				return err
			}
			cell, _ := excelize.CoordinatesToCellName(7, rb.row)
			if err := rb.f.SetCellStyle(reportSheet, cell, cell, rb.styles.note); err != nil {
				return err
			}
		}
		if ps.count > len(ps.list) {
			if err := rb.put(rb.styles.label, ps.cut.Format(lang, len(ps.list), ps.count)); err != nil {
				return err
			}
		}
	}
	return nil
}

func formatAll(lang i18n.Lang, ms []i18n.Message) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m.Format(lang)
	}
	return out
}

// refusedRows are the rows of a sheet the report lists problems of, with
// those problems: below its header, and refused (warnings aside).
func (rb *reportBook) refusedRows(s SheetReport) map[int][]Problem {
	out := map[int][]Problem{}
	below := s.HeaderRow + max(s.HeaderRows, 1)
	for _, p := range rb.rep.Problems {
		if p.Sheet == s.Sheet && p.Row >= below && !p.Warning {
			out[p.Row] = append(out[p.Row], p)
		}
	}
	return out
}

// copies reads original again and copies each sheet's refused rows. The
// file is checked against the report's digest once read: rows copied
// from another file would be other rows.
func (rb *reportBook) copies(original io.Reader) error {
	h := sha256.New()
	in := io.TeeReader(original, h)
	book, err := sheet.Open(in, sheet.Options{Normalize: normalizer(&conversion{})})
	if err != nil {
		return fmt.Errorf("imports: report book: open the file: %w", err)
	}
	defer book.Close()
	taken := map[string]bool{textnorm.Fold(reportSheet): true}
	for _, s := range rb.rep.Sheets {
		rows := rb.refusedRows(s)
		if len(rows) == 0 {
			continue
		}
		if err := rb.copySheet(book, s, rows, copyName(s, taken)); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return fmt.Errorf("imports: report book: read the file: %w", err)
	}
	if rb.rep.SHA256 != "" && hex.EncodeToString(h.Sum(nil)) != rb.rep.SHA256 {
		return ErrNotTheFile
	}
	return nil
}

// copyName names the copy of a sheet: as the sheet, when it names its
// kind, else as its kind's template does (a CSV's, say); never twice.
func copyName(s SheetReport, taken map[string]bool) string {
	name := s.Sheet
	if kindOfSheet(name) == nil {
		if k := KindByID(s.Kind); k != nil {
			name = k.Sheets[0]
		}
	}
	base := name
	for i := 2; taken[textnorm.Fold(name)]; i++ {
		name = fmt.Sprintf("%s (%d)", base, i)
	}
	taken[textnorm.Fold(name)] = true
	return name
}

// copySheet writes the header rows of sheet s and its rows listed in
// rows, as the file has them, then marks the cells at fault.
func (rb *reportBook) copySheet(book *sheet.Book, s SheetReport, rows map[int][]Problem, name string) error {
	rd, err := book.Rows(s.Sheet)
	if err != nil {
		return fmt.Errorf("imports: report book: read sheet %q: %w", s.Sheet, err)
	}
	defer rd.Close()
	header := s.HeaderRow + max(s.HeaderRows, 1) - 1
	type copied struct {
		num   int
		cells []string
	}
	var heads, kept []copied
	width := 0
	for rd.Next() {
		num, cells := rd.Row()
		switch {
		case num >= s.HeaderRow && num <= header:
			heads = append(heads, copied{num, append([]string(nil), cells...)})
		case rows[num] != nil:
			kept = append(kept, copied{num, append([]string(nil), cells...)})
		default:
			continue
		}
		width = max(width, len(cells))
	}
	if err := rd.Err(); err != nil {
		return fmt.Errorf("imports: report book: read sheet %q: %w", s.Sheet, err)
	}
	if _, err := rb.f.NewSheet(name); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	f := rb.f
	sourceCol := width + 1
	put := func(row int, cells []string, extra any) error {
		values := make([]any, sourceCol)
		for i, c := range cells {
			values[i] = c
		}
		values[sourceCol-1] = extra
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(name, cell, &values)
	}
	for i, h := range heads {
		var label any
		if i == 0 {
			label = labelSourceRow
		}
		if err := put(i+1, h.cells, label); err != nil {
			return fmt.Errorf("imports: report book: %w", err)
		}
		first, _ := excelize.CoordinatesToCellName(1, i+1)
		last, _ := excelize.CoordinatesToCellName(sourceCol, i+1)
		if err := f.SetCellStyle(name, first, last, rb.styles.header); err != nil {
			return fmt.Errorf("imports: report book: %w", err)
		}
	}
	for i, r := range kept {
		row := len(heads) + 1 + i
		if err := put(row, r.cells, r.num); err != nil {
			return fmt.Errorf("imports: report book: %w", err)
		}
		if err := rb.mark(name, row, sourceCol, rows[r.num]); err != nil {
			return fmt.Errorf("imports: report book: %w", err)
		}
	}
	last, _ := excelize.ColumnNumberToName(sourceCol)
	if err := f.SetColWidth(name, "A", last, copyWidth); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if err := f.SetColWidth(name, last, last, sourceRowWidth); err != nil {
		return fmt.Errorf("imports: report book: %w", err)
	}
	if len(heads) > 0 {
		below, _ := excelize.CoordinatesToCellName(1, len(heads)+1)
		return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: len(heads), TopLeftCell: below, ActivePane: "bottomLeft"})
	}
	return nil
}

// mark fills red the cells of a copied row that problems are at, each
// with its problems in a comment; a problem of no column marks the row's
// «Dòng gốc» cell.
func (rb *reportBook) mark(name string, row, sourceCol int, problems []Problem) error {
	byCell := map[string][]string{}
	var order []string
	for _, p := range problems {
		col := sourceCol
		if p.Column != "" {
			if n, err := excelize.ColumnNameToNumber(p.Column); err == nil {
				col = n
			}
		}
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if byCell[cell] == nil {
			order = append(order, cell)
		}
		byCell[cell] = append(byCell[cell], p.Msg.Format(rb.lang, p.Args...))
	}
	for _, cell := range order {
		if err := rb.f.SetCellStyle(name, cell, cell, rb.bad); err != nil {
			return err
		}
		if err := rb.f.AddComment(name, excelize.Comment{
			Cell: cell, Author: commentAuthor, Text: strings.Join(byCell[cell], "\n"),
			Width: commentWidth, Height: commentHeight,
		}); err != nil {
			return err
		}
	}
	return nil
}

var (
	msgReportTitle       = i18n.Message{VI: "BÁO CÁO NHẬP DANH SÁCH", EN: "IMPORT REPORT"}
	msgReportFile        = i18n.Message{VI: "Tệp", EN: "File"}
	msgReportOutcome     = i18n.Message{VI: "Kết quả", EN: "Outcome"}
	msgReportDryRun      = i18n.Message{VI: "Chạy thử: chưa ghi gì", EN: "Dry run: nothing written"}
	msgReportApplied     = i18n.Message{VI: "Đã ghi", EN: "Written"}
	msgReportErrors      = i18n.Message{VI: "Số lỗi", EN: "Errors"}
	msgReportWarnings    = i18n.Message{VI: "Số cảnh báo", EN: "Warnings"}
	msgReportTotal       = i18n.Message{VI: "Tổng cộng", EN: "Total"}
	msgReportError       = i18n.Message{VI: "Lỗi", EN: "Error"}
	msgReportWarning     = i18n.Message{VI: "Cảnh báo", EN: "Warning"}
	msgReportErrorsCut   = i18n.Message{VI: "Chỉ liệt kê %d trong %d lỗi; sửa rồi chạy thử lại để xem tiếp.", EN: "%d of %d errors listed; fix them and check again for the rest."}
	msgReportWarningsCut = i18n.Message{VI: "Chỉ liệt kê %d trong %d cảnh báo.", EN: "%d of %d warnings listed."}
	totalsHeaders        = []i18n.Message{
		{VI: "Trang", EN: "Sheet"}, {VI: "Loại danh sách", EN: "Kind of list"}, {VI: "Số dòng", EN: "Rows"},
		{VI: "Tạo mới", EN: "Create"}, {VI: "Cập nhật", EN: "Update"}, {VI: "Không đổi", EN: "Unchanged"},
		{VI: "Bị từ chối", EN: "Refused"},
	}
	problemHeaders = []i18n.Message{
		{VI: "Mức độ", EN: "Level"}, {VI: "Trang", EN: "Sheet"}, {VI: "Dòng", EN: "Row"}, {VI: "Cột", EN: "Column"},
		{VI: "Tiêu đề cột", EN: "Header"}, {VI: "Giá trị", EN: "Value"}, {VI: "Nội dung", EN: "Message"},
	}
)
