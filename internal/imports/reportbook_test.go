package imports_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// reportBook writes a report's workbook, with copies of the rows of
// original.
func reportBook(t *testing.T, rep *imports.Report, lang i18n.Lang, original []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := imports.WriteReportBook(&buf, rep, lang, bytes.NewReader(original)); err != nil {
		t.Fatalf("report book: %v", err)
	}
	return buf.Bytes()
}

// marks are the cells of a sheet filled red, with their comments.
func marks(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows := rowsOf(t, f, sheet)
	for r, row := range rows {
		for c := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Fill.Color) > 0 && s.Fill.Color[0] == "FFC7CE" {
				out[cell] = ""
			}
		}
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if _, ok := out[c.Cell]; !ok {
			t.Errorf("%s: comment on %s, a cell not marked", sheet, c.Cell)
		}
		out[c.Cell] = c.Text
	}
	return out
}

// TestReportBook: the report book lists the totals and the problems, the
// refused rows first, and copies each sheet's refused rows under their
// header, the cells at fault red with their problem in a comment; fixed,
// it imports as the original would.
func TestReportBook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := xlsxFile(t, book{
			{name: "Hộ gia đình", rows: [][]any{
				{"DANH SÁCH HỘ GIA ĐÌNH"},
				householdsHeader,
				{1, "H001", "Xã An Bình", "Thôn 1", "Trần Văn Hải", "", 912345678, 4, 2},
				{2, "H002", "Xã An Bình", "Thôn 1", "Đỗ Văn Bảy", "", "091-ABC", 3, 2},
				{3, "H003", "Xã An Bình", "Thôn 9", "Vũ Thị Tám", "", "", 2, 3},
			}},
			{name: "Thành viên", rows: [][]any{
				membersHeader,
				{1, "H001", "Thôn 1", "Trần Văn Hải", 1975, "Chủ hộ"},
				{2, "H999", "Thôn 1", "Đỗ Thị Chín", 1980, "Vợ"},
			}},
		})
		rep := check(t, db, fx, "officer", file, imports.Options{FileName: "an-binh.xlsx"})
		wantTotals(t, rep, imports.Totals{Create: 2, Refused: 3})
		f := openBook(t, reportBook(t, rep, i18n.VI, file))
		if got, want := f.GetSheetList(), []string{"Báo cáo", "Hộ gia đình", "Thành viên"}; !slices.Equal(got, want) {
			t.Fatalf("sheets %q, want %q", got, want)
		}

		// The report: the totals, then the problems, errors first.
		var lines []string
		for _, r := range rowsOf(t, f, "Báo cáo") {
			lines = append(lines, strings.Join(r, "|"))
		}
		report := strings.Join(lines, "\n")
		for _, want := range []string{
			"Tệp|an-binh.xlsx", "Kết quả|Chạy thử: chưa ghi gì", "Số lỗi|4",
			"Hộ gia đình|Hộ gia đình|3|1|0|0|2", "Thành viên|Thành viên hộ|2|1|0|0|1", "Tổng cộng|||2|0|0|3",
			"Lỗi|Hộ gia đình|4|G|Điện thoại|091-ABC|Không phải số điện thoại hợp lệ",
			"Lỗi|Thành viên|3|B|Mã hộ|H999|Không có hộ gia đình «H999»",
		} {
			if !strings.Contains(report, want) {
				t.Errorf("the report does not say %q:\n%s", want, report)
			}
		}
		firstWarning := strings.Index(report, "Cảnh báo|Hộ gia đình|3|G")
		if firstWarning < 0 || firstWarning < strings.LastIndex(report, "Lỗi|") {
			t.Errorf("the lost zero of row 3 is not a warning after the errors:\n%s", report)
		}

		// The copies: the header, the refused rows with their numbers.
		cases := []struct {
			sheet string
			rows  [][]string
			marks map[string]string
		}{
			{"Hộ gia đình",
				[][]string{
					append(slices.Clone(strs(householdsHeader)), "Dòng gốc"),
					{"2", "H002", "Xã An Bình", "Thôn 1", "Đỗ Văn Bảy", "", "091-ABC", "3", "2", "4"},
					{"3", "H003", "Xã An Bình", "Thôn 9", "Vũ Thị Tám", "", "", "2", "3", "5"},
				},
				map[string]string{"G2": "Không phải số điện thoại hợp lệ", "D3": "Không có thôn «Thôn 9» thuộc Xã An Bình", "I3": "Số người lớn (3) lớn hơn số thành viên (2)"}},
			{"Thành viên",
				[][]string{
					append(slices.Clone(strs(membersHeader)), "Dòng gốc"),
					{"2", "H999", "Thôn 1", "Đỗ Thị Chín", "1980", "Vợ", "3"},
				},
				map[string]string{"B2": "Không có hộ gia đình «H999»"}},
		}
		for _, tc := range cases {
			rows := rowsOf(t, f, tc.sheet)
			if len(rows) != len(tc.rows) {
				t.Errorf("%s: rows %q, want %q", tc.sheet, rows, tc.rows)
				continue
			}
			for i := range rows {
				if !slices.Equal(rows[i], tc.rows[i]) {
					t.Errorf("%s, row %d: %q, want %q", tc.sheet, i+1, rows[i], tc.rows[i])
				}
			}
			got := marks(t, f, tc.sheet)
			if len(got) != len(tc.marks) {
				t.Errorf("%s: marked %q, want %q", tc.sheet, got, tc.marks)
			}
			for cell, want := range tc.marks {
				if !strings.Contains(got[cell], want) {
					t.Errorf("%s, %s: comment %q, want %q", tc.sheet, cell, got[cell], want)
				}
			}
		}

		// Imported as it is, the report book refuses the same rows, and
		// says nothing of its report sheet or its «Dòng gốc» column.
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		again := check(t, db, fx, "officer", buf.Bytes(), imports.Options{})
		wantTotals(t, again, imports.Totals{Refused: 3})
		if again.WarningCount > 0 {
			t.Errorf("the report book read back with warnings:\n%s", problems(again))
		}
		// Fixed, it goes in.
		for cell, v := range map[string]string{"G2": "0912345679", "D3": "Thôn 2", "I3": "1"} {
			if err := f.SetCellStr("Hộ gia đình", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellStr("Thành viên", "B2", "H002"); err != nil {
			t.Fatal(err)
		}
		if buf, err = f.WriteToBuffer(); err != nil {
			t.Fatal(err)
		}
		wantTotals(t, check(t, db, fx, "officer", buf.Bytes(), imports.Options{}), imports.Totals{Create: 3})
	})
}

func strs(row []any) []string {
	out := make([]string, len(row))
	for i, v := range row {
		out[i] = v.(string)
	}
	return out
}

// TestReportBookCases: a CSV's copy is named after its kind; a report
// listing some problems copies their rows only and says how many are left
// out; without the file, the report alone; another file is refused.
func TestReportBookCases(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	csv := csvFile(t, true, ';', [][]string{
		{"Thôn", "Họ tên chủ hộ", "Số nhân khẩu"},
		{"Thôn 9", "Hộ Một", "2"},
		{"Thôn 1", "Hộ Hai", "-1"},
		{"Thôn 1", "Hộ Ba", "x"},
	})
	rep := check(t, db, fx, "officer", csv, imports.Options{Kind: imports.Households.ID, MaxProblems: 2})
	if rep.Errors != 3 || len(rep.Problems) != 2 {
		t.Fatalf("%d problems, %d listed:\n%s", rep.Errors, len(rep.Problems), problems(rep))
	}
	f := openBook(t, reportBook(t, rep, i18n.EN, csv))
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Báo cáo", "Hộ gia đình"}) {
		t.Fatalf("sheets %q", got)
	}
	rows := rowsOf(t, f, "Hộ gia đình")
	want := [][]string{{"Thôn", "Họ tên chủ hộ", "Số nhân khẩu", "Dòng gốc"}, {"Thôn 9", "Hộ Một", "2", "2"}, {"Thôn 1", "Hộ Hai", "-1", "3"}}
	if len(rows) != len(want) || !slices.Equal(rows[1], want[1]) || !slices.Equal(rows[2], want[2]) || !slices.Equal(rows[0], want[0]) {
		t.Errorf("the CSV's copy: %q, want %q", rows, want)
	}
	var report []string
	for _, r := range rowsOf(t, f, "Báo cáo") {
		report = append(report, strings.Join(r, "|"))
	}
	if !slices.Contains(report, "2 of 3 errors listed; fix them and check again for the rest.") || !slices.Contains(report, "Outcome|Dry run: nothing written") {
		t.Errorf("the report in English:\n%s", strings.Join(report, "\n"))
	}

	var buf bytes.Buffer
	if err := imports.WriteReportBook(&buf, rep, i18n.VI, nil); err != nil {
		t.Fatal(err)
	}
	if got := openBook(t, buf.Bytes()).GetSheetList(); !slices.Equal(got, []string{"Báo cáo"}) {
		t.Errorf("without the file: sheets %q", got)
	}
	buf.Reset()
	other := append(slices.Clone(csv), "Thôn 1;Hộ Bốn;2\r\n"...)
	if err := imports.WriteReportBook(&buf, rep, i18n.VI, bytes.NewReader(other)); !errors.Is(err, imports.ErrNotTheFile) || buf.Len() > 0 {
		t.Errorf("another file: %v, %d bytes written", err, buf.Len())
	}
}
