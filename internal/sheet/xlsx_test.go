package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/i18n"
)

// saveXLSX writes a workbook built by fill to a file of the test's.
func saveXLSX(t *testing.T, name string, fill func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// householdBook is a list as a commune sends it: a title merged across the
// sheet, a line under it, a two-row header (a group "Thông tin chủ hộ"
// merged over "Họ tên" and "Năm sinh"; "Vợ/chồng" likewise; "STT", "Ngày
// sinh", "Điện thoại", "Ghi chú" merged down both rows), then households
// with dates as date cells, as serial numbers and as text, years and phone
// numbers as numbers, and an empty row.
func householdBook(t *testing.T) string {
	return saveXLSX(t, "danh sach.xlsx", func(f *excelize.File) {
		s := "Sheet1"
		set := func(cell string, v any) { must(t, f.SetCellValue(s, cell, v)) }
		merge := func(a, b string) { must(t, f.MergeCell(s, a, b)) }
		set("A1", "DANH SÁCH HỘ GIA ĐÌNH THÔN ĐÔNG")
		merge("A1", "H1")
		set("A2", "Xã An Bình, năm 2024")
		for cell, v := range map[string]string{"A3": "STT", "B3": "Thông tin chủ hộ", "D3": "Ngày sinh",
			"E3": "Điện thoại", "F3": "Vợ/chồng", "H3": "Ghi chú", "B4": "Họ tên", "C4": "Năm sinh", "F4": "Họ tên", "G4": "Năm sinh"} {
			set(cell, v)
		}
		for _, m := range [][2]string{{"A3", "A4"}, {"B3", "C3"}, {"D3", "D4"}, {"E3", "E4"}, {"F3", "G3"}, {"H3", "H4"}} {
			merge(m[0], m[1])
		}
		dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // Excel's default short date
		must(t, err)
		vnDate := "dd/mm/yyyy"
		vnStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &vnDate})
		must(t, err)
		phoneFmt := "0000 000 000"
		phoneStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &phoneFmt})
		must(t, err)

		must(t, f.SetSheetRow(s, "A5", &[]any{1, "Nguyễn Văn An", 1980, time.Date(1980, 6, 15, 0, 0, 0, 0, time.UTC), 912345678, "Trần Thị Bình", 1982}))
		must(t, f.SetCellStyle(s, "D5", "D5", dateStyle))
		must(t, f.SetCellStyle(s, "E5", "E5", phoneStyle))
		// Row 6 is left empty.
		must(t, f.SetSheetRow(s, "A7", &[]any{2, "Lê Văn Cường", "1975", 43831, "+84 912 345 678"}))
		must(t, f.SetCellStyle(s, "D7", "D7", vnStyle))
		must(t, f.SetSheetRow(s, "A8", &[]any{3, "Phạm Thị Dung", 1990, "05/03/1990", "0912.345.678", "", "", "chuyển đi"}))
		must(t, f.SetSheetRow(s, "A9", &[]any{4, "Hoàng Văn Em", 1985, "31/02/1985", 12345}))
	})
}

func TestXLSXHouseholds(t *testing.T) {
	b, err := OpenFile(householdBook(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Format() != XLSX {
		t.Fatalf("format %s", b.Format())
	}
	tb, err := b.Read("", households...)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if tb.HeaderRow != 3 || tb.HeaderRows != 2 {
		t.Fatalf("header %d+%d, want 3+2", tb.HeaderRow, tb.HeaderRows)
	}
	at := map[string]string{}
	for _, f := range tb.Columns() {
		at[f.Key] = f.Letter + " " + f.Header
	}
	wantAt := map[string]string{
		"stt":         "A STT",
		"head":        "B Thông tin chủ hộ / Họ tên", // matched by its sub-header alone
		"head_year":   "C Thông tin chủ hộ / Năm sinh",
		"born":        "D Ngày sinh",
		"phone":       "E Điện thoại",
		"address":     " Địa chỉ",            // not in the sheet, not required
		"spouse":      "F Vợ/chồng / Họ tên", // matched as group / sub
		"spouse_year": "G Vợ/chồng / Năm sinh",
	}
	if !equalMaps(at, wantAt) {
		t.Errorf("columns %v\nwant %v", at, wantAt)
	}
	w := tb.Warnings()
	if len(w) != 1 || w[0].Column != "H" || w[0].Header != "Ghi chú" || w[0].Msg != msgUnknown || !w[0].Warning {
		t.Errorf("warnings %+v, want H (Ghi chú) unknown", w)
	}

	type want struct {
		num        int
		head       string
		year       int
		born       time.Time
		phone      string
		spouse     string
		spouseYear int
	}
	wants := []want{
		{5, "Nguyễn Văn An", 1980, day(1980, 6, 15), "0912345678", "Trần Thị Bình", 1982},
		{7, "Lê Văn Cường", 1975, day(2020, 1, 1), "0912345678", "", 0},
		{8, "Phạm Thị Dung", 1990, day(1990, 3, 5), "0912345678", "", 0},
	}
	var i int
	for tb.Next() {
		r := tb.Row()
		if i == len(wants) {
			// Row 9: a date that does not exist, a phone number too short.
			if r.Num != 9 {
				t.Fatalf("row %d, want 9", r.Num)
			}
			_, err := r.Cell("born").Date()
			var p *Problem
			if !errors.As(err, &p) || p.Row != 9 || p.Column != "D" || p.Header != "Ngày sinh" || p.Value != "31/02/1985" {
				t.Errorf("born: %v, want row 9 column D (Ngày sinh)", err)
			} else if got, want := p.Message(i18n.VI), "Dòng 9, cột D (Ngày sinh) «31/02/1985»: "+msgDate.VI; got != want {
				t.Errorf("message %q\nwant %q", got, want)
			}
			if _, err := r.Cell("phone").Phone(); !errors.As(err, &p) || p.Column != "E" || p.Msg != msgPhone {
				t.Errorf("phone: %v", err)
			}
			i++
			continue
		}
		if i > len(wants) {
			t.Fatalf("extra row %d", r.Num)
		}
		w := wants[i]
		i++
		if r.Num != w.num {
			t.Errorf("row %d, want %d", r.Num, w.num)
		}
		if got := r.Text("head"); got != w.head {
			t.Errorf("row %d head %q, want %q", r.Num, got, w.head)
		}
		if y, err := r.Cell("head_year").Year(); err != nil || y != w.year {
			t.Errorf("row %d year %d, %v; want %d", r.Num, y, err, w.year)
		}
		if d, err := r.Cell("born").Date(); err != nil || !d.Equal(w.born) {
			t.Errorf("row %d born %v, %v; want %v", r.Num, d, err, w.born)
		}
		if p, err := r.Cell("phone").Phone(); err != nil || p != w.phone {
			t.Errorf("row %d phone %q, %v; want %q", r.Num, p, err, w.phone)
		}
		if got := r.Text("spouse"); got != w.spouse {
			t.Errorf("row %d spouse %q, want %q", r.Num, got, w.spouse)
		}
		if c := r.Cell("spouse_year"); !c.Empty() {
			if y, err := c.Year(); err != nil || y != w.spouseYear {
				t.Errorf("row %d spouse year %d, %v", r.Num, y, err)
			}
		} else if w.spouseYear != 0 {
			t.Errorf("row %d spouse year empty", r.Num)
		}
		if c := r.Cell("address"); c.Text != "" || c.Column != "" || c.Header != "Địa chỉ" {
			t.Errorf("row %d missing column: %+v", r.Num, c)
		}
	}
	if err := tb.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(wants)+1 {
		t.Fatalf("%d rows, want %d", i, len(wants)+1)
	}
}

// TestXLSXDisplayedDate shows why cells are read raw: excelize's formatted
// value of a date cell under Excel's default format is month first with a
// two-digit year, which day-first parsing would misread.
func TestXLSXDisplayedDate(t *testing.T) {
	f, err := excelize.OpenFile(householdBook(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	shown, _ := f.GetCellValue("Sheet1", "D5")
	raw, _ := f.GetCellValue("Sheet1", "D5", excelize.Options{RawCellValue: true})
	if _, err := ParseDate(shown); err == nil {
		t.Errorf("the displayed %q parsed; the test no longer shows the trap", shown)
	}
	if d, err := ParseDate(raw); err != nil || !d.Equal(day(1980, 6, 15)) {
		t.Errorf("raw %q: %v, %v", raw, d, err)
	}
}

func TestXLSXTitleAboveOneRowHeader(t *testing.T) {
	path := saveXLSX(t, "x.xlsx", func(f *excelize.File) {
		must(t, f.SetCellValue("Sheet1", "A1", "DANH SÁCH HỘ GIA ĐÌNH"))
		must(t, f.MergeCell("Sheet1", "A1", "D1"))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"STT", "Chủ hộ", "Năm sinh", "SĐT"}))
		must(t, f.SetSheetRow("Sheet1", "A3", &[]any{1, "Nguyễn Văn An", 1980, 912345678}))
	})
	b, err := OpenFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tb, rows := readAll(t, b, "", households)
	if tb.HeaderRow != 2 || tb.HeaderRows != 1 {
		t.Fatalf("header %d+%d, want 2+1: the title became a group", tb.HeaderRow, tb.HeaderRows)
	}
	want := map[string]string{"stt": "1", "head": "Nguyễn Văn An", "head_year": "1980", "phone": "912345678"}
	if len(rows) != 1 || rows[0].num != 3 || !equalMaps(rows[0].text, want) {
		t.Fatalf("rows %v", rows)
	}
}

func TestXLSXSheets(t *testing.T) {
	path := saveXLSX(t, "x.xlsx", func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Hướng dẫn"))
		must(t, f.SetCellValue("Hướng dẫn", "A1", "Điền mỗi hộ một dòng."))
		_, err := f.NewSheet("Hộ gia đình")
		must(t, err)
		must(t, f.SetSheetRow("Hộ gia đình", "A1", &[]any{"Họ tên chủ hộ", "Năm sinh"}))
		must(t, f.SetSheetRow("Hộ gia đình", "A2", &[]any{"An", 1980}))
	})
	b, err := OpenFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if s := b.Sheets(); strings.Join(s, "|") != "Hướng dẫn|Hộ gia đình" {
		t.Fatalf("sheets %q", s)
	}
	_, rows := readAll(t, b, "hộ gia đình", households) // case does not matter, as in Excel
	if len(rows) != 1 || rows[0].text["head"] != "An" {
		t.Fatalf("rows %v", rows)
	}
	// The instructions sheet has no header.
	_, err = b.Read("Hướng dẫn", households...)
	var he *HeaderError
	if !errors.As(err, &he) || he.Problems[0].Msg != msgNoHeader {
		t.Fatalf("instructions: %v", err)
	}
	if !strings.Contains(he.Problems[0].Message(i18n.VI), "«Họ tên chủ hộ»") {
		t.Errorf("no-header message does not name the columns: %s", he.Problems[0].Message(i18n.VI))
	}
	_, err = b.Read("Dòng họ", households...)
	var p *Problem
	if !errors.As(err, &p) || p.Msg != msgNoSheet || !strings.Contains(p.Message(i18n.VI), "Hộ gia đình") {
		t.Fatalf("unknown sheet: %v", err)
	}
}

func TestMissingRequiredColumn(t *testing.T) {
	b := openCSV(t, "STT;Năm sinh;Điện thoại;Nghề nghiệp\n1;1980;0912345678;Nông\n", Options{})
	_, err := b.Read("", households...)
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err %v, want a HeaderError", err)
	}
	var errs, warns []string
	for _, p := range he.Problems {
		if p.Warning {
			warns = append(warns, p.Message(i18n.VI))
		} else {
			errs = append(errs, p.Message(i18n.VI))
		}
	}
	if len(errs) != 1 || errs[0] != "Dòng 1, cột Họ tên chủ hộ: Thiếu cột bắt buộc." {
		t.Errorf("errors %q", errs)
	}
	if len(warns) != 1 || warns[0] != "Dòng 1, cột D (Nghề nghiệp): Cột không dùng đến, bỏ qua." {
		t.Errorf("warnings %q", warns)
	}
	if !strings.Contains(err.Error(), "The required column is missing") && !strings.Contains(err.Error(), "required column") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestDuplicateHeader(t *testing.T) {
	b := openCSV(t, "Chủ hộ,Họ tên chủ hộ,Năm sinh\nAn,Bình,1980\n", Options{})
	tb, rows := readAll(t, b, "", households)
	if rows[0].text["head"] != "An" {
		t.Errorf("head %q, want the first column's", rows[0].text["head"])
	}
	w := tb.Warnings()
	if len(w) != 1 || w[0].Column != "B" || w[0].Msg != msgDuplicate || w[0].Args[0] != "A (Chủ hộ)" {
		t.Errorf("warnings %+v", w)
	}
}

func TestNormalizeHook(t *testing.T) {
	// A stand-in for the legacy-font converter: TCVN3 text as Excel shows it
	// with a Unicode font.
	tcvn3 := strings.NewReplacer("Hä tªn chñ hé", "Họ tên chủ hộ", "N¨m sinh", "Năm sinh", "NguyÔn V¨n An", "Nguyễn Văn An")
	var seen []string
	path := saveXLSX(t, "x.xlsx", func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Hä tªn chñ hé", "N¨m sinh"}))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"  NguyÔn V¨n An ", 1980}))
	})
	b, err := OpenFile(path, Options{Normalize: func(s string) string { seen = append(seen, s); return tcvn3.Replace(s) }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, rows := readAll(t, b, "", households)
	if len(rows) != 1 || rows[0].text["head"] != "Nguyễn Văn An" {
		t.Fatalf("rows %v", rows)
	}
	if !strings.Contains(strings.Join(seen, "|"), "NguyÔn V¨n An|") {
		t.Errorf("Normalize saw %q, want trimmed cell text", seen)
	}
}

func TestOpenUploadRemovesSpool(t *testing.T) {
	data, err := os.ReadFile(householdBook(t))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	b, err := Open(bytes.NewReader(data), Options{TmpDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if b.Format() != XLSX {
		t.Fatalf("format %s", b.Format())
	}
	_, rows := readAll(t, b, "", households)
	if len(rows) != 4 {
		t.Errorf("%d rows, want 4", len(rows))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestXLSX1904(t *testing.T) {
	path := saveXLSX(t, "x.xlsx", func(f *excelize.File) {
		yes := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Họ tên chủ hộ", "Ngày sinh"}))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"An", 42369})) // 1/1/2020 in the 1904 system
	})
	b, err := OpenFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tb, err := b.Read("", households...)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if !tb.Next() {
		t.Fatal(tb.Err())
	}
	if d, err := tb.Row().Cell("born").Date(); err != nil || !d.Equal(day(2020, 1, 1)) {
		t.Fatalf("born %v, %v", d, err)
	}
}

func TestSeekElement(t *testing.T) {
	tail := `<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells></worksheet>`
	for _, pad := range []int{0, 10, 64<<10 - 5, 64 << 10, 200 << 10} {
		for _, prefix := range []string{"", "x:"} {
			doc := `<worksheet><sheetData>` + strings.Repeat("<c><is><t>mergeCells</t></is></c>", pad/36) + `</sheetData>` +
				strings.ReplaceAll(tail, "mergeCell", prefix+"mergeCell")
			r, err := seekElement(strings.NewReader(doc), "mergeCells")
			if err != nil || r == nil {
				t.Fatalf("pad %d %q: %v, %v", pad, prefix, r, err)
			}
			rest, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(rest, []byte("<"+prefix+"mergeCells count")) {
				t.Errorf("pad %d %q: starts %.40q", pad, prefix, rest)
			}
		}
	}
	if r, err := seekElement(strings.NewReader("<worksheet><sheetData/></worksheet>"), "mergeCells"); r != nil || err != nil {
		t.Errorf("no merges: %v, %v", r, err)
	}
}

// TestXLSXMergesSayTheSpans: a sub-header right of a merged group, with no
// group of its own, is not taken into the group, as it would be in a CSV
// where the merge is lost.
func TestXLSXMergesSayTheSpans(t *testing.T) {
	path := saveXLSX(t, "x.xlsx", func(f *excelize.File) {
		s := "Sheet1"
		must(t, f.SetSheetRow(s, "A1", &[]any{"Họ tên chủ hộ", "Vợ/chồng"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"", "Họ tên", "Năm sinh", "Năm sinh"}))
		must(t, f.MergeCell(s, "A1", "A2"))
		must(t, f.MergeCell(s, "B1", "C1"))
		must(t, f.SetSheetRow(s, "A3", &[]any{"Nguyễn Văn An", "Trần Thị Bình", 1982, 1980}))
	})
	b, err := OpenFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tb, rows := readAll(t, b, "", households)
	if tb.HeaderRow != 1 || tb.HeaderRows != 2 {
		t.Fatalf("header %d+%d, want 1+2", tb.HeaderRow, tb.HeaderRows)
	}
	want := map[string]string{"head": "Nguyễn Văn An", "spouse": "Trần Thị Bình", "spouse_year": "1982", "head_year": "1980"}
	if len(rows) != 1 || rows[0].num != 3 || !equalMaps(rows[0].text, want) {
		t.Fatalf("rows %v, want row 3 %v", rows, want)
	}
	if len(tb.Warnings()) != 0 {
		t.Errorf("warnings %v", tb.Warnings())
	}
}

func TestReadMerges(t *testing.T) {
	path := householdBook(t)
	got, err := readMerges(path, "sheet1", 4)
	if err != nil {
		t.Fatal(err)
	}
	// Within the first 4 rows: the title and the header's six ranges.
	want := map[rect]bool{{0, 0, 7, 0}: true, {0, 2, 0, 3}: true, {1, 2, 2, 2}: true, {3, 2, 3, 3}: true,
		{4, 2, 4, 3}: true, {5, 2, 6, 2}: true, {7, 2, 7, 3}: true}
	if len(got) != len(want) {
		t.Fatalf("merges %v", got)
	}
	for _, m := range got {
		if !want[m] {
			t.Errorf("unexpected merge %v", m)
		}
	}
	if got, _ := readMerges(path, "sheet1", 1); len(got) != 1 {
		t.Errorf("merges starting in row 1: %v", got)
	}
}
