package imports_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// templateHeaders are the header rows a template has, by sheet: the first
// label of each column an import reads, in the kind's order.
var templateHeaders = map[string][]string{
	"Dòng họ":         {"Mã dòng họ", "Huyện", "Xã/Phường/Thị trấn", "Tên dòng họ", "Trưởng họ", "Địa chỉ", "Điện thoại", "Số hộ", "Số người lớn"},
	"Cơ quan, đơn vị": {"Mã đơn vị", "Huyện", "Xã/Phường/Thị trấn", "Tên đơn vị", "Loại hình", "Thủ trưởng", "Địa chỉ", "Điện thoại", "Số cán bộ", "Số người lớn"},
	"Hộ gia đình":     {"Mã hộ", "Huyện", "Xã/Phường/Thị trấn", "Thôn/Tổ dân phố", "Họ tên chủ hộ", "Tên hộ", "Địa chỉ", "Điện thoại", "Số nhân khẩu", "Số người lớn"},
	"Thành viên":      {"Mã công dân", "Mã hộ", "Chủ hộ", "Huyện", "Xã/Phường/Thị trấn", "Thôn/Tổ dân phố", "Họ tên", "Năm sinh", "Điện thoại"},
	"Tài khoản":       {"Tên đăng nhập", "Họ tên", "Vai trò", "Tỉnh/Thành phố", "Huyện", "Xã/Phường/Thị trấn", "Thôn/Tổ dân phố"},
	"Kết quả": {"Mã đơn vị", "Tỉnh/Thành phố", "Huyện", "Xã/Phường/Thị trấn", "Thôn/Tổ dân phố", "Năm", "Đăng ký", "Kết quả đánh giá",
		"Công nhận", "Số quyết định", "Ngày quyết định", "Người ký"},
}

// openBook opens a workbook written in memory.
func openBook(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// template writes a template of kinds (all when none) in lang.
func template(t *testing.T, lang i18n.Lang, kinds ...*imports.Kind) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := imports.WriteTemplate(&buf, lang, kinds...); err != nil {
		t.Fatalf("template: %v", err)
	}
	return buf.Bytes()
}

// rowsOf reads a sheet's rows.
func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	return rows
}

// TestTemplate: the template has its sheets in order, each list with its
// header frozen and its columns sized, drop-down lists where a column has
// fixed values, and instructions naming every sheet and column in both
// languages.
func TestTemplate(t *testing.T) {
	f := openBook(t, template(t, i18n.VI))
	if got, want := f.GetSheetList(), []string{"Hướng dẫn", "Dòng họ", "Cơ quan, đơn vị", "Hộ gia đình", "Thành viên", "Tài khoản", "Kết quả", "Danh mục"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for name, want := range templateHeaders {
		rows := rowsOf(t, f, name)
		if len(rows) != 1 || !slices.Equal(rows[0], want) {
			t.Errorf("%s: rows %q, want the header %q alone", name, rows, want)
		}
		panes, err := f.GetPanes(name)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v (%v), want the header frozen", name, panes, err)
		}
		if w, err := f.GetColWidth(name, "A"); err != nil || w < 12 {
			t.Errorf("%s: column A is %v wide (%v)", name, w, err)
		}
	}
	// The code keeps its leading zeros: its column is text.
	style, err := f.GetColStyle("Hộ gia đình", "A")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := f.GetStyle(style); err != nil || s.NumFmt != 49 {
		t.Errorf("the code's column has style %+v (%v), want text (49)", s, err)
	}

	// The drop-down lists, by sheet and cells, and the lists of values
	// they take from «Danh mục», by column; the two yes/no columns share
	// one.
	for _, tc := range []struct {
		sheet string
		lists map[string]string
	}{
		{"Cơ quan, đơn vị", map[string]string{"E2:E1048576": "A"}},
		{"Tài khoản", map[string]string{"C2:C1048576": "B"}},
		{"Kết quả", map[string]string{"G2:G1048576": "C", "H2:H1048576": "D", "I2:I1048576": "C"}},
		{"Hộ gia đình", nil},
		{"Thành viên", nil},
	} {
		dvs, err := f.GetDataValidations(tc.sheet)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, dv := range dvs {
			got[dv.Sqref] = dv.Formula1
			if dv.Type != "list" {
				t.Errorf("%s, %s: validation of type %q", tc.sheet, dv.Sqref, dv.Type)
			}
		}
		if len(got) != len(tc.lists) {
			t.Errorf("%s: drop-down lists %v, want %v", tc.sheet, got, tc.lists)
		}
		for cells, col := range tc.lists {
			if want := "'Danh mục'!$" + col + "$2:$" + col + "$"; !strings.HasPrefix(got[cells], want) {
				t.Errorf("%s, %s: drop-down list %q, want %s…", tc.sheet, cells, got[cells], want)
			}
		}
	}
	choices := map[string][]string{}
	cols, err := f.GetCols("Danh mục")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		choices[c[0]] = slices.DeleteFunc(c[1:], func(s string) bool { return s == "" })
	}
	for header, want := range map[string][]string{
		"Loại hình":        {"Cơ quan", "Trường học", "Doanh nghiệp", "Lực lượng vũ trang", "Khác"},
		"Vai trò":          {"Quản trị hệ thống", "Cán bộ quản lý", "Cán bộ", "Cộng tác viên", "Người xem", "Công dân"},
		"Đăng ký":          {"Có", "Không"},
		"Kết quả đánh giá": {"Đạt", "Không đạt"},
	} {
		if !slices.Equal(choices[header], want) {
			t.Errorf("Danh mục, %s: %q, want %q", header, choices[header], want)
		}
	}
	if len(choices) != 4 {
		t.Errorf("Danh mục has the lists %q", choices)
	}

	var guide strings.Builder
	for _, r := range rowsOf(t, f, "Hướng dẫn") {
		guide.WriteString(strings.Join(r, " | ") + "\n")
	}
	text := guide.String()
	want := []string{"HƯỚNG DẪN", "HOW TO FILL IN", "dd/mm/yyyy", "Trang «Hộ gia đình»: Hộ gia đình", "Sheet «Hộ gia đình»: Households",
		"theo họ tên chủ hộ trong thôn", "by its head's name in the village", "Họ tên chủ hộ | Có", "| Yes |",
		"Chủ hộ; Tên chủ hộ", "Một trong: Cơ quan; Trường học", "One of: Cơ quan", "không đọc: STT; Ghi chú; Dòng gốc; Quan hệ với chủ hộ; Giới tính",
		"Nhập lại tệp đã sửa", "Importing an edited file again"}
	for name, headers := range templateHeaders {
		want = append(want, "«"+name+"»")
		for _, h := range headers {
			want = append(want, h+" |")
		}
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the instructions do not say %q", w)
		}
	}
	// In English, English first.
	en := rowsOf(t, openBook(t, template(t, i18n.EN, imports.Households)), "Hướng dẫn")
	if en[0][0] != "HOW TO FILL IN AND IMPORT THE LISTS" || en[1][0] != "HƯỚNG DẪN ĐIỀN VÀ NHẬP DANH SÁCH" {
		t.Errorf("English instructions start %q", en[:2])
	}
}

// TestTemplateKinds: a template of some kinds has their sheets only, and
// a yes/no column or a list of values gets its drop-down list.
func TestTemplateKinds(t *testing.T) {
	tick := &imports.Kind{
		ID: "test", Name: i18n.Message{VI: "Thử", EN: "Test"}, Sheets: []string{"Thử"},
		Columns: []sheet.Column{
			{Key: "name", Labels: []string{"Tên"}, Required: true},
			{Key: "done", Labels: []string{"Đã xong"}},
			{Key: "level", Labels: []string{"Mức"}},
		},
		Help: imports.Help{Columns: map[string]imports.ColumnHelp{
			"done":  {Type: imports.TypeYesNo},
			"level": {Type: imports.TypeChoice, Values: []string{"Mức 1", "Mức 2"}},
		}},
	}
	cases := []struct {
		kinds  []*imports.Kind
		sheets []string
		lists  map[string]string // drop-down lists by cells
	}{
		{[]*imports.Kind{imports.Households}, []string{"Hướng dẫn", "Hộ gia đình"}, nil},
		{imports.Bundle(imports.Households), []string{"Hướng dẫn", "Hộ gia đình", "Thành viên"}, nil},
		{[]*imports.Kind{tick}, []string{"Hướng dẫn", "Thử", "Danh mục"},
			map[string]string{"B2:B1048576": "'Danh mục'!$A$2:$A$3", "C2:C1048576": "'Danh mục'!$B$2:$B$3"}},
	}
	for _, tc := range cases {
		f := openBook(t, template(t, i18n.VI, tc.kinds...))
		if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
			t.Errorf("sheets %q, want %q", got, tc.sheets)
		}
		if tc.lists == nil {
			continue
		}
		dvs, err := f.GetDataValidations(tc.sheets[1])
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, dv := range dvs {
			got[dv.Sqref] = dv.Formula1
		}
		if len(got) != len(tc.lists) {
			t.Errorf("drop-down lists %v, want %v", got, tc.lists)
		}
		for cells, ref := range tc.lists {
			if got[cells] != ref {
				t.Errorf("drop-down list of %s: %q, want %q", cells, got[cells], ref)
			}
		}
		choices := rowsOf(t, f, "Danh mục")
		if len(choices) != 3 || !slices.Equal(choices[1], []string{"Có", "Mức 1"}) || !slices.Equal(choices[2], []string{"Không", "Mức 2"}) {
			t.Errorf("Danh mục: %q", choices)
		}
	}
}

// TestTemplateFilled: the template filled in imports as it is: no header
// problem, no warning, every row to create.
func TestTemplateFilled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		f := openBook(t, template(t, i18n.VI))
		fill := map[string][][]any{
			"Dòng họ":         {{"DH01", "", "", "Dòng họ Trần", "Trần Văn Cả", "", "", 40, 30}},
			"Cơ quan, đơn vị": {{"DV01", "", "Xã An Bình", "Trường THCS An Bình", "Trường học", "Phạm Văn Đức", "", "0912345678", 30, 30}},
			"Hộ gia đình": {
				{"H01", "", "", "Thôn 1", "Đỗ Văn Hùng", "", "Số 3", "0987654321", 3, 2},
				{"H02", "", "Xã An Bình", "Thôn 2", "Lý Thị Hoa", "", "", "", 1, 1},
			},
			"Thành viên": {
				{"C01", "H01", "Đỗ Văn Hùng", "", "", "Thôn 1", "Đỗ Văn Hùng", 1970, ""},
				{"C02", "H01", "", "", "", "", "Đỗ Thị Mai", "12/05/2010", ""},
			},
		}
		for sheetName, rows := range fill {
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				if err := f.SetSheetRow(sheetName, cell, &r); err != nil {
					t.Fatal(err)
				}
			}
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		rep := check(t, db, fx, "officer", buf.Bytes(), imports.Options{})
		wantTotals(t, rep, imports.Totals{Create: 6})
		if rep.Errors+rep.WarningCount > 0 || len(rep.Sheets) != len(imports.Kinds()) {
			t.Errorf("the filled template: %d sheets read\n%s", len(rep.Sheets), problems(rep))
		}

		// Accounts, their roles as the drop-down list offers them.
		f = openBook(t, template(t, i18n.VI, imports.Accounts))
		for i, r := range [][]any{
			{"canbo.anbinh", "Lê Văn Bình", "Cán bộ", "", "", "Xã An Bình", ""},
			{"ctv.thon1", "Lê Thị Một", "Cộng tác viên", "", "", "", "90101.01"},
			{"xem.dong", "Trần Văn Xem", "Người xem", "", "Huyện Đông", "", ""},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow("Tài khoản", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		if buf, err = f.WriteToBuffer(); err != nil {
			t.Fatal(err)
		}
		rep = check(t, db, fx, "manager", buf.Bytes(), imports.Options{})
		wantTotals(t, rep, imports.Totals{Create: 3})
		if rep.Errors+rep.WarningCount > 0 {
			t.Errorf("the filled accounts template:\n%s", problems(rep))
		}
	})
}
