package imports

import (
	"archive/zip"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
)

// The sheets a template has besides its lists; an import skips them
// (instructionSheets).
const (
	instructionsSheet = "Hướng dẫn"
	choicesSheet      = "Danh mục"
)

// Layout of a list's sheet.
const (
	// headerHeight fits a header wrapped on two lines.
	headerHeight = 32
	// textFormat is Excel's built-in number format "@": what is typed
	// stays text, so codes and phone numbers keep their leading zeros.
	textFormat = 49
	// dateFormat shows a date cell as Vietnamese documents write it.
	dateFormat = "dd/mm/yyyy"
)

// typeWidths are the widths of the columns of each type, in characters.
var typeWidths = map[ValueType]float64{
	TypeText: 28, TypeCode: 14, TypePlace: 18, TypePhone: 14, TypeCount: 12,
	TypeYear: 11, TypeDate: 12, TypeYesNo: 10, TypeChoice: 20,
}

// WriteTemplate writes the workbook lists are typed into: a sheet of
// instructions («Hướng dẫn») in lang first, each item also in the other
// language; then one sheet per kind (all kinds when none is given), named
// as the kind's first sheet name, with its header (the first label of each
// column the import reads; the required ones in another colour) frozen,
// columns sized and formatted for their values, and drop-down lists where
// a column has fixed values, which a sheet «Danh mục» holds. An import
// reads the workbook filled in, and skips the sheets of instructions.
func WriteTemplate(w io.Writer, lang i18n.Lang, kinds ...*Kind) error {
	if len(kinds) == 0 {
		kinds = Kinds()
	}
	b, err := newListBook(lang, kinds)
	if err != nil {
		return err
	}
	defer b.close()
	return b.write(w)
}

// listBook is a workbook of lists as a template lays them out, its lists'
// rows written as a stream (an export writes a province's households).
type listBook struct {
	f      *excelize.File
	lang   i18n.Lang
	lists  []*list
	styles listStyles
	// choices are the ranges of «Danh mục» holding each list of values,
	// by the values joined.
	choices map[string]string
}

// list is the sheet of one kind in a listBook.
type list struct {
	kind *Kind
	name string
	cols []sheet.Column
	// styles are the cell style of each column.
	styles []int
	sw     *excelize.StreamWriter
	// row is the last row written.
	row   int
	cells []any
	// part counts the sheets the list went on to when one was full.
	part int
}

// maxSheetRows is the rows a sheet holds, its header's included: Excel's
// bound (a variable for the tests).
var maxSheetRows = excelize.TotalRows

type listStyles struct {
	header, required, text, date     int
	title, heading, label, alt, note int
}

func newListBook(lang i18n.Lang, kinds []*Kind) (*listBook, error) {
	b := &listBook{f: excelize.NewFile(), lang: lang, choices: map[string]string{}}
	if err := b.layout(kinds); err != nil {
		b.close()
		return nil, fmt.Errorf("imports: workbook: %w", err)
	}
	return b, nil
}

// layout writes the instructions, the lists of values and the lists'
// headers.
func (b *listBook) layout(kinds []*Kind) error {
	f := b.f
	if err := f.SetSheetName(f.GetSheetName(0), instructionsSheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: msgTemplateTitle.Format(b.lang), Creator: "hoctap", Language: "vi-VN"}); err != nil {
		return err
	}
	var err error
	if b.styles, err = newListStyles(f); err != nil {
		return err
	}
	for _, k := range kinds {
		l := &list{kind: k, name: k.Sheets[0], cols: k.written()}
		if _, err := f.NewSheet(l.name); err != nil {
			return err
		}
		b.lists = append(b.lists, l)
	}
	if err := b.writeChoices(); err != nil {
		return err
	}
	if err := b.writeInstructions(); err != nil {
		return err
	}
	for _, l := range b.lists {
		if err := b.startList(l); err != nil {
			return err
		}
	}
	return nil
}

func newListStyles(f *excelize.File) (listStyles, error) {
	var s listStyles
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	header := func(fill string) *excelize.Style {
		return &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Border:    border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}
	}
	date := dateFormat
	wrap := &excelize.Alignment{Vertical: "top", WrapText: true}
	for _, st := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, header("D9E1F2")},
		{&s.required, header("F8CBAD")},
		{&s.text, &excelize.Style{NumFmt: textFormat}},
		{&s.date, &excelize.Style{CustomNumFmt: &date}},
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.heading, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: wrap}},
		{&s.label, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrap}},
		{&s.note, &excelize.Style{Alignment: wrap}},
		{&s.alt, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: wrap}},
	} {
		id, err := f.NewStyle(st.style)
		if err != nil {
			return s, err
		}
		*st.id = id
	}
	return s, nil
}

// cellStyle is the style of the cells of a column of type t: text for
// what must keep its leading zeros or is text anyway, dates as dates,
// numbers as they are.
func (s listStyles) cellStyle(t ValueType) int {
	switch t {
	case TypeCount, TypeYear:
		return 0
	case TypeDate:
		return s.date
	}
	return s.text
}

// width is a column's width: its type's, or wider for a long header.
func width(c sheet.Column, h ColumnHelp) float64 {
	return math.Max(typeWidths[h.Type], float64(utf8.RuneCountInString(c.Labels[0]))*1.2+2)
}

// writeChoices fills «Danh mục» with the lists of values the lists'
// columns take, one column each, when some column has one.
func (b *listBook) writeChoices() error {
	col := 0
	for _, l := range b.lists {
		for _, c := range l.cols {
			values := l.kind.columnHelp(c.Key).choices()
			key := strings.Join(values, "\x00")
			if len(values) == 0 || b.choices[key] != "" {
				continue
			}
			if col == 0 {
				if _, err := b.f.NewSheet(choicesSheet); err != nil {
					return err
				}
			}
			col++
			name, err := excelize.ColumnNumberToName(col)
			if err != nil {
				return err
			}
			if err := b.f.SetCellStr(choicesSheet, name+"1", c.Labels[0]); err != nil {
				return err
			}
			if err := b.f.SetCellStyle(choicesSheet, name+"1", name+"1", b.styles.header); err != nil {
				return err
			}
			for i, v := range values {
				if err := b.f.SetCellStr(choicesSheet, fmt.Sprintf("%s%d", name, i+2), v); err != nil {
					return err
				}
			}
			if err := b.f.SetColWidth(choicesSheet, name, name, width(c, ColumnHelp{Type: TypeChoice})); err != nil {
				return err
			}
			b.choices[key] = fmt.Sprintf("'%s'!$%s$2:$%s$%d", choicesSheet, name, name, len(values)+1)
		}
	}
	return nil
}

// startList lays out a list's sheet: its drop-down lists (set before the
// stream starts, which writes them after the rows), column widths and
// formats, the frozen header.
func (b *listBook) startList(l *list) error {
	for i, c := range l.cols {
		h := l.kind.columnHelp(c.Key)
		values := h.choices()
		if len(values) == 0 {
			continue
		}
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, excelize.TotalRows)
		dv.SetSqrefDropList(b.choices[strings.Join(values, "\x00")])
		// A warning, not a stop: the import reads spellings the list
		// does not offer («Trường THCS» for a school).
		dv.SetError(excelize.DataValidationErrorStyleWarning, c.Labels[0],
			msgNotInList.Format(b.lang, strings.Join(values, "; ")))
		if err := b.f.AddDataValidation(l.name, dv); err != nil {
			return err
		}
	}
	sw, err := b.f.NewStreamWriter(l.name)
	if err != nil {
		return err
	}
	l.sw = sw
	header := make([]any, len(l.cols))
	l.styles = make([]int, len(l.cols))
	for i, c := range l.cols {
		h := l.kind.columnHelp(c.Key)
		if err := sw.SetColWidth(i+1, i+1, width(c, h)); err != nil {
			return err
		}
		l.styles[i] = b.styles.cellStyle(h.Type)
		if err := sw.SetColStyle(i+1, i+1, l.styles[i]); err != nil {
			return err
		}
		style := b.styles.header
		if c.Required {
			style = b.styles.required
		}
		header[i] = excelize.Cell{StyleID: style, Value: c.Labels[0]}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	l.row = 1
	l.cells = make([]any, len(l.cols))
	return sw.SetRow("A1", header, excelize.RowOpts{Height: headerHeight})
}

// add writes a row of a list: values by column, nil or "" for an empty
// cell (written with the column's format, for what is typed there later).
func (b *listBook) add(l *list, values []any) error {
	if l.row == maxSheetRows {
		if err := b.continueList(l); err != nil {
			return fmt.Errorf("imports: workbook: %w", err)
		}
	}
	l.row++
	for i, v := range values {
		if s, ok := v.(string); ok && s == "" {
			v = nil
		}
		l.cells[i] = excelize.Cell{StyleID: l.styles[i], Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, l.row)
	if err != nil {
		return fmt.Errorf("imports: workbook: %w", err)
	}
	if err := l.sw.SetRow(cell, l.cells); err != nil {
		return fmt.Errorf("imports: workbook: %w", err)
	}
	return nil
}

// continueList goes on with a list whose sheet is full (a province's 1.2
// million members) on a sheet of its own, named as Excel names a copy of
// a sheet, «Thành viên (2)»: an import reads it as the same kind.
func (b *listBook) continueList(l *list) error {
	if err := l.sw.Flush(); err != nil {
		return err
	}
	l.part++
	l.name = continuedSheet(l.kind.Sheets[0], l.part+1)
	if _, err := b.f.NewSheet(l.name); err != nil {
		return err
	}
	return b.startList(l)
}

// continuedSheet names the nth sheet of a list, within Excel's 31
// characters.
func continuedSheet(name string, n int) string {
	suffix := fmt.Sprintf(" (%d)", n)
	r := []rune(name)
	if keep := 31 - len(suffix); len(r) > keep {
		r = r[:keep]
	}
	return string(r) + suffix
}

// write finishes the lists and writes the workbook to w.
func (b *listBook) write(w io.Writer) error {
	for _, l := range b.lists {
		if err := l.sw.Flush(); err != nil {
			return fmt.Errorf("imports: workbook: %w", err)
		}
	}
	// excelize builds the whole zip in a buffer before writing it out, a
	// province's lists in memory; handed a zip writer on w instead of on
	// its buffer, it writes the zip straight to w, each streamed sheet
	// copied from its temporary file, and leaves the buffer empty.
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := b.f.Write(io.Discard); err != nil {
		return fmt.Errorf("imports: write workbook: %w", err)
	}
	return nil
}

// close removes the workbook's temporary files.
func (b *listBook) close() error { return b.f.Close() }

// The columns of the sheet of instructions.
const (
	instrColumns = 5 // Cột, Bắt buộc, Định dạng, Giải thích, Tên cột khác
	// charsPerLine is about how many characters a merged line of
	// instructions holds, for the height of a wrapped one.
	charsPerLine = 140
	lineHeight   = 15
)

var instrWidths = []float64{24, 10, 34, 60, 40}

// guide writes the sheet of instructions row by row with the normal API (it is small).
type guide struct {
	f     *excelize.File
	lang  i18n.Lang
	other i18n.Lang
	s     listStyles
	row   int
}

// writeInstructions fills «Hướng dẫn»: how lists are filled in and
// imported, then each list's sheet and columns.
func (b *listBook) writeInstructions() error {
	in := &guide{f: b.f, lang: b.lang, other: i18n.EN, s: b.styles}
	if b.lang == i18n.EN {
		in.other = i18n.VI
	}
	for i, w := range instrWidths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(instructionsSheet, name, name, w); err != nil {
			return err
		}
	}
	in.row = 1
	if err := in.cell(1, b.styles.title, msgInstrTitle.Format(b.lang)); err != nil {
		return err
	}
	in.row++
	if err := in.cell(1, b.styles.alt, msgInstrTitle.Format(in.other)); err != nil {
		return err
	}
	in.row++ // a blank row
	for i, m := range generalInstructions {
		if err := in.paragraph(b.styles.note, m, i+1); err != nil {
			return err
		}
	}
	for _, l := range b.lists {
		if err := in.list(l); err != nil {
			return err
		}
	}
	return nil
}

// cell writes one cell on the current row.
func (in *guide) cell(col, style int, v string) error {
	name, err := excelize.CoordinatesToCellName(col, in.row)
	if err != nil {
		return err
	}
	if err := in.f.SetCellStr(instructionsSheet, name, v); err != nil {
		return err
	}
	return in.f.SetCellStyle(instructionsSheet, name, name, style)
}

// line writes a text across the sheet's columns, on a row tall enough
// for it wrapped.
func (in *guide) line(style int, text string) error {
	in.row++
	if err := in.cell(1, style, text); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(instrColumns, in.row)
	first, _ := excelize.CoordinatesToCellName(1, in.row)
	if err := in.f.MergeCell(instructionsSheet, first, last); err != nil {
		return err
	}
	lines := (utf8.RuneCountInString(text) + charsPerLine - 1) / charsPerLine
	return in.f.SetRowHeight(instructionsSheet, in.row, float64(max(1, lines)*lineHeight+2))
}

// paragraph writes an item in the reader's language, then in the other;
// numbered when n > 0.
func (in *guide) paragraph(style int, m i18n.Message, n int, args ...any) error {
	first, second := m.Format(in.lang, args...), m.Format(in.other, args...)
	if n > 0 {
		first, second = fmt.Sprintf("%d. %s", n, first), fmt.Sprintf("%d. %s", n, second)
	}
	if err := in.line(style, first); err != nil {
		return err
	}
	return in.line(in.s.alt, second)
}

// list documents a list's sheet: what a row is, its other names, each
// column, and the columns accepted but not read.
func (in *guide) list(l *list) error {
	k := l.kind
	in.row++
	if err := in.paragraph(in.s.heading, msgInstrSheet, 0, l.name, k.Name); err != nil {
		return err
	}
	if k.Help.Rows != (i18n.Message{}) {
		if err := in.paragraph(in.s.note, k.Help.Rows, 0); err != nil {
			return err
		}
	}
	if len(k.Sheets) > 1 {
		if err := in.paragraph(in.s.note, msgInstrSheetNames, 0, strings.Join(k.Sheets[1:], "; ")); err != nil {
			return err
		}
	}
	in.row++
	for i, h := range instrHeaders {
		if err := in.cell(i+1, in.s.header, h.Format(in.lang)+"\n"+h.Format(in.other)); err != nil {
			return err
		}
	}
	if err := in.f.SetRowHeight(instructionsSheet, in.row, headerHeight); err != nil {
		return err
	}
	var unread []string
	for _, c := range k.Columns {
		h := k.columnHelp(c.Key)
		if h.NotRead {
			unread = append(unread, c.Labels[0])
			continue
		}
		required := msgNo
		if c.Required {
			required = msgYes
		}
		for _, lang := range []i18n.Lang{in.lang, in.other} {
			in.row++
			style, label, others := in.s.note, "", ""
			if lang == in.lang {
				style, label, others = in.s.label, c.Labels[0], strings.Join(c.Labels[1:], "; ")
			} else {
				style = in.s.alt
			}
			for i, v := range []string{label, required.Format(lang), h.format(lang), h.Desc.Format(lang), others} {
				if err := in.cell(i+1, style, v); err != nil {
					return err
				}
			}
		}
	}
	if len(unread) > 0 {
		return in.paragraph(in.s.note, msgInstrUnread, 0, strings.Join(unread, "; "))
	}
	return nil
}

var (
	msgTemplateTitle   = i18n.Message{VI: "Mẫu danh sách nhập vào hoctap", EN: "hoctap import template"}
	msgInstrTitle      = i18n.Message{VI: "HƯỚNG DẪN ĐIỀN VÀ NHẬP DANH SÁCH", EN: "HOW TO FILL IN AND IMPORT THE LISTS"}
	msgNotInList       = i18n.Message{VI: "Giá trị không có trong danh sách: %s.", EN: "The value is not in the list: %s."}
	msgYes             = i18n.Message{VI: "Có", EN: "Yes"}
	msgNo              = i18n.Message{VI: "Không", EN: "No"}
	msgInstrSheet      = i18n.Message{VI: "Trang «%s»: %s", EN: "Sheet «%s»: %s"}
	msgInstrSheetNames = i18n.Message{
		VI: "Trang này cũng được nhận ra khi mang tên: %s.",
		EN: "The sheet is also recognised by the names: %s."}
	msgInstrUnread = i18n.Message{
		VI: "Các cột sau được chấp nhận nhưng không đọc: %s.",
		EN: "These columns are accepted and not read: %s."}
	instrHeaders = []i18n.Message{
		{VI: "Cột", EN: "Column"}, {VI: "Bắt buộc", EN: "Required"}, {VI: "Định dạng", EN: "Format"},
		{VI: "Giải thích", EN: "Explanation"}, {VI: "Tên cột khác được chấp nhận", EN: "Other headers accepted"},
	}
)

// generalInstructions are the rules of every list, as the package doc
// and identity.go state them.
var generalInstructions = []i18n.Message{
	{VI: "Mỗi trang tính là một danh sách; tên trang cho biết loại danh sách. Giữ dòng tiêu đề (tên cột); phía trên có thể thêm vài dòng tên danh sách, ngày lập. Cột có thể đổi thứ tự, cột không dùng có thể bỏ. Ô tiêu đề màu cam là cột bắt buộc.",
		EN: "Each sheet is one list; its name says which. Keep the header row (the column names); a few title lines (the list's name, its date) may go above it. Columns may be reordered, and unused ones removed. Orange headers are required columns."},
	{VI: "Mỗi dòng một đơn vị. Ngày ghi ngày/tháng/năm (dd/mm/yyyy), ví dụ 31/12/1980; ô ngày của Excel cũng được. Số điện thoại ghi đủ 10 chữ số, bắt đầu bằng 0. Mã không có dấu cách; cột mã và điện thoại để dạng Văn bản (Text) cho khỏi mất số 0 ở đầu.",
		EN: "One unit per row. Dates are day/month/year (dd/mm/yyyy), e.g. 31/12/1980; Excel date cells are read too. Phone numbers have all 10 digits, starting with 0. Codes have no spaces; code and phone columns are formatted as Text so leading zeros stay."},
	{VI: "Đơn vị hành chính (huyện, xã, thôn) ghi bằng tên hoặc mã; tên được so không phân biệt hoa thường, dấu đặt kiểu cũ hay mới («Hoà»/«Hòa»), có hay không chữ «Xã», «Thôn».",
		EN: "Administrative units (district, commune, village) are written by name or code; names are compared regardless of case, tone-mark style («Hoà»/«Hòa»), and with or without «Xã», «Thôn»."},
	{VI: "Mỗi dòng được nhận ra là đơn vị nào: theo mã; không có mã thì theo tên trong địa bàn (trùng tên thì theo cột phân biệt nêu ở từng trang). Không rõ là đơn vị nào thì dòng bị từ chối, hãy ghi mã; không bao giờ đoán.",
		EN: "Each row is matched to its unit: by code; without one, by name in its place (namesakes told apart by the column each sheet names). A row that could be several units is refused, asking for a code; nothing is guessed."},
	{VI: "Nhập lại tệp đã sửa thì cập nhật đơn vị đã có, không tạo thêm; nhập cùng một tệp hai lần không thay đổi gì. Cột không có trong trang giữ nguyên giá trị đã lưu; ô trống ở cột chữ (địa chỉ, điện thoại) xoá giá trị đã lưu, ô trống ở cột số hay mã giữ nguyên.",
		EN: "Importing an edited file again updates the units already there and creates no others; importing the same file twice changes nothing. A column the sheet lacks keeps the stored values; an empty cell of a text column (address, phone) clears the stored value, one of a number or code column keeps it."},
	{VI: "Tệp được kiểm tra trước (chạy thử, không ghi gì): báo từng dòng, từng cột sẽ tạo mới, cập nhật, không đổi hay bị từ chối. Mặc định, tệp có dòng bị từ chối thì không ghi gì; có thể chọn ghi các dòng tốt và bỏ qua dòng bị từ chối.",
		EN: "The file is checked first (a dry run that writes nothing): each row and column is reported as to create, update, unchanged or refused. By default a file with a refused row writes nothing; the good rows alone may be written instead."},
	{VI: "Chỉ nhập được vào địa bàn mình quản lý (cán bộ tỉnh: tỉnh của mình; cán bộ xã: xã của mình); dòng ngoài địa bàn bị từ chối.",
		EN: "Units go only into the importer's area (a province manager's province, a commune officer's commune); rows outside it are refused."},
	{VI: "Chữ gõ bằng phông TCVN3 (.VnTime) hay VNI được tự chuyển sang Unicode. Tệp CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy) cũng được, mỗi tệp một danh sách. Trang «Danh mục» liệt kê giá trị của các cột chọn từ danh sách.",
		EN: "Text typed in the TCVN3 (.VnTime) or VNI fonts is converted to Unicode. CSV files (UTF-8, comma or semicolon separated) are read too, one list a file. The sheet «Danh mục» lists the values of the columns with a drop-down list."},
}
