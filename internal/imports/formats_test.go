package imports_test

import (
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// TestFormats: the same list as people send it (CSV with and without a
// BOM, with commas or semicolons; a workbook with title rows and a header
// merged over two rows) reads the same, phone numbers that lost their
// leading zero included.
func TestFormats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		header := []string{"Mã hộ", "Thôn", "Họ và tên chủ hộ", "Số điện thoại", "Số nhân khẩu", "Số người lớn"}
		rows := [][]string{
			header,
			{"H1", "Thôn 1", "Đặng Văn Tâm", "912345678", "5", "3"},
			{"H2", "Thôn 2", "Ngô Thị Huệ", "0987 654 321", "2", "2"},
		}
		xlsx := xlsxFile(t, book{{
			name: "Gia đình hiếu học", // the old title's name
			rows: [][]any{
				{"DANH SÁCH HỘ GIA ĐÌNH NĂM 2024"},
				{"Xã An Bình"},
				{"Mã hộ", "Địa bàn", nil, "Chủ hộ", "Điện thoại", "Nhân khẩu", nil},
				{nil, "Xã", "Thôn", nil, nil, "Số người", "Người lớn"},
				{"H1", "Xã An Bình", "Thôn 1", "Đặng Văn Tâm", 912345678, 5, 3},
				{"H2", "Xã An Bình", "Thôn 2", "Ngô Thị Huệ", "0987 654 321", 2, 2},
			},
			merges: [][2]string{{"A1", "G1"}, {"A3", "A4"}, {"B3", "C3"}, {"D3", "D4"}, {"E3", "E4"}, {"F3", "G3"}},
		}})
		files := []struct {
			name string
			file []byte
			opts imports.Options
		}{
			{"CSV, BOM, semicolons", csvFile(t, true, ';', rows), imports.Options{Kind: imports.Households.ID}},
			{"CSV, no BOM, commas", csvFile(t, false, ',', rows), imports.Options{Kind: imports.Households.ID}},
			{"XLSX, merged two-row header", xlsx, imports.Options{}},
		}
		for _, f := range files {
			rep := check(t, db, fx, "officer", f.file, f.opts)
			wantTotals(t, rep, imports.Totals{Create: 2})
			var zero bool
			for _, w := range rep.Warnings {
				if w.Row > 0 && strings.Contains(w.Message(i18n.VI), "mất số 0 ở đầu; đã ghi thành 0912345678") {
					zero = true
				}
			}
			if !zero {
				t.Errorf("%s: no warning of the restored zero:\n%s", f.name, problems(rep))
			}
		}
		// A CSV names no kind: the importer must.
		rep := check(t, db, fx, "officer", files[0].file, imports.Options{})
		if rep.Errors != 1 || !strings.Contains(rep.Problems[0].Message(i18n.EN), "choose its kind") {
			t.Errorf("a CSV without its kind:\n%s", problems(rep))
		}

		mustApply(t, db, fx, "officer", xlsx, imports.Options{FileName: "2024.xlsx"})
		tam := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)["Hộ Đặng Văn Tâm"]
		if tam == nil || tam.Phone != "0912345678" || tam.MemberCount != 5 || tam.AdultCount != 3 || tam.Code != "H1" {
			t.Errorf("household read through the merged header: %+v", tam)
		}
		// The CSVs name the same households: nothing to do.
		for _, f := range files[:2] {
			wantTotals(t, check(t, db, fx, "officer", f.file, f.opts), imports.Totals{Unchanged: 2})
		}
	})
}

// TestDates: a member's year of birth read from a year, a typed date, a
// date cell (stored as Excel's serial) and a serial typed as a number.
func TestDates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		head := fx.Households[fx.V1a.Code][0].HeadName
		file := xlsxFile(t, book{{
			name: "Thành viên",
			rows: [][]any{
				{"Họ tên", "Chủ hộ", "Thôn", "Ngày sinh"},
				{"Mai Văn Một", head, "Thôn 1", 1961},
				{"Mai Văn Hai", head, "Thôn 1", "02/09/1962"},
				{"Mai Văn Ba", head, "Thôn 1", nil},
				{"Mai Văn Bốn", head, "Thôn 1", 23743}, // 1/1/1965
				{"Mai Văn Năm", head, "Thôn 1", "31/02/1966"},
			},
			fill: func(f *excelize.File, s string) {
				style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				if err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellValue(s, "D4", mustDate(t, "1963-04-30")); err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle(s, "D4", "D4", style); err != nil {
					t.Fatal(err)
				}
			},
		}})
		rep := mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 4, Refused: 1})
		members := unitsOf(t, db, learningunit.KindCITIZEN, fx.V1a.ID)
		for name, year := range map[string]int{"Mai Văn Một": 1961, "Mai Văn Hai": 1962, "Mai Văn Ba": 1963, "Mai Văn Bốn": 1965} {
			m := members[name]
			if m == nil || m.BirthYear == nil || *m.BirthYear != year || m.ParentID == nil || *m.ParentID != fx.Households[fx.V1a.Code][0].ID {
				t.Errorf("%s: %+v, want born %d in the first household", name, m, year)
			}
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Row != 6 || rep.Problems[0].Column != "D" {
			t.Errorf("31/02/1966 should be refused at row 6, column D:\n%s", problems(rep))
		}
	})
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLegacyFonts: names typed in the TCVN3 (.VnTime) and VNI fonts,
// as Excel hands them over, are converted to Unicode, and each row so
// converted says so, once, naming its cells; the converted names are the households' identities,
// so the list retyped in Unicode finds them.
func TestLegacyFonts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		legacy := xlsxFile(t, book{{name: "Hộ gia đình", rows: [][]any{
			{"Thôn", "Họ tên chủ hộ", "Địa chỉ"},
			{"Thôn 1", "Hoµng V¨n Th¸i", "Xãm §«ng"},      // TCVN3: Hoàng Văn Thái, Xóm Đông
			{"Thôn 1", "Nguyeãn Vaên Huøng", "Xoùm Taây"}, // VNI: Nguyễn Văn Hùng, Xóm Tây
			{"Thôn 1", "Lê Văn Tư", "Xóm Bắc"},
		}}})
		rep := mustApply(t, db, fx, "officer", legacy, imports.Options{})
		wantTotals(t, rep, imports.Totals{Create: 3})
		hh := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)
		for name, address := range map[string]string{"Hộ Hoàng Văn Thái": "Xóm Đông", "Hộ Nguyễn Văn Hùng": "Xóm Tây"} {
			if h := hh[name]; h == nil || h.Address != address {
				t.Errorf("%s: %+v, want the address %q", name, h, address)
			}
		}
		warned := map[int][]string{}
		for _, w := range rep.Warnings {
			warned[w.Row] = append(warned[w.Row], w.Column+" "+w.Message(i18n.EN))
		}
		for row, want := range map[int]string{
			2: "«Hoµng V¨n Th¸i»: Text typed in the TCVN3 encoding, converted to Unicode: B «Hoàng Văn Thái», C «Xóm Đông».",
			3: "«Nguyeãn Vaên Huøng»: Text typed in the VNI encoding, converted to Unicode: B «Nguyễn Văn Hùng», C «Xóm Tây».",
		} {
			if len(warned[row]) != 1 || !strings.HasPrefix(warned[row][0], "B ") || !strings.HasSuffix(warned[row][0], want) {
				t.Errorf("row %d: warnings %q, want one ending %q", row, warned[row], want)
			}
		}
		if len(warned[4]) != 0 {
			t.Errorf("row 4, typed in Unicode: warnings %q", warned[4])
		}
		unicode := xlsxFile(t, book{{name: "Hộ gia đình", rows: [][]any{
			{"Thôn", "Họ tên chủ hộ", "Địa chỉ"},
			{"Thôn 1", "Hoàng Văn Thái", "Xóm Đông"},
			{"Thôn 1", "Nguyễn Văn Hùng", "Xóm Tây"},
		}}})
		wantTotals(t, check(t, db, fx, "officer", unicode, imports.Options{}), imports.Totals{Unchanged: 2})
	})
}
