package imports_test

import (
	"reflect"
	"strings"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// TestSpilledRegistry: a file whose rows go back and forth between two
// villages is classified alike whether the run keeps every place's
// claims in memory or sends each place out to its spill at every row and
// reads it back: repeats far apart are still repeats, members still find
// their households by code alone or by head.
func TestSpilledRegistry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := xlsxFile(t, book{
			{name: "Hộ gia đình", rows: [][]any{
				{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Địa chỉ"},
				{"S1", "Thôn 1", "Đinh Văn Một", "Xóm Đông"},  // 2
				{"S2", "Thôn 2", "Đinh Văn Hai", "Xóm Tây"},   // 3
				{"", "Thôn 1", "Đinh Văn Ba", "Xóm Bắc"},      // 4
				{"S4", "Thôn 2", "Đinh Văn Bốn", "Xóm Nam"},   // 5
				{"S5", "Thôn 1", "Đinh Văn Năm", ""},          // 6
				{"S2", "Thôn 2", "Đinh Văn Khác", "Xóm Tây"},  // 7: code of row 3
				{"", "Thôn 1", "Đinh Văn Ba", "Xóm Bắc"},      // 8: repeats row 4
				{"S8", "Thôn 2", "Đinh Văn Tám", "Xóm Trong"}, // 9
				{"S5", "Thôn 2", "Đinh Văn Mười", ""},         // 10: the code of row 6, in another village
			}},
			{name: "Thành viên", rows: [][]any{
				{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Họ tên", "Năm sinh"},
				{"S1", "", "", "Đinh Thị Một", 1990},               // 2: by code alone
				{"S4", "", "", "Đinh Thị Bốn", 1991},               // 3
				{"", "Thôn 1", "Đinh Văn Ba", "Đinh Thị Ba", 1992}, // 4: by head
				{"S8", "Thôn 2", "", "Đinh Thị Tám", 1993},         // 5
				{"S1", "", "", "Đinh Thị Một", 1990},               // 6: repeats row 2
				{"S9", "", "", "Đinh Thị Chín", 1994},              // 7: no such household
				{"S5", "Thôn 1", "", "Đinh Thị Năm", 1995},         // 8
				{"S5", "", "", "Đinh Thị Mười", 1996},              // 9: which S5?
			}},
		})
		inMemory := check(t, db, fx, "officer", file, imports.Options{})
		wantTotals(t, inMemory, imports.Totals{Create: 12, Refused: 5})
		got := map[string]string{}
		for _, p := range inMemory.Problems {
			got[p.Sheet+string(rune('0'+p.Row))] = p.Message(i18n.VI)
		}
		for at, want := range map[string]string{
			"Hộ gia đình7": "Mã S2 đã có ở dòng 3",
			"Hộ gia đình8": "Lặp lại hộ gia đình của dòng 4",
			"Thành viên6":  "dòng 2",
			"Thành viên7":  "Không có hộ gia đình «S9»",
			"Thành viên9":  "Có 2 hộ gia đình ứng với «S5»",
		} {
			if !strings.Contains(got[at], want) {
				t.Errorf("%s: %q, want %q", at, got[at], want)
			}
		}

		defer imports.SetChunks(1, 1)()
		spilled := check(t, db, fx, "officer", file, imports.Options{})
		if !reflect.DeepEqual(spilled.Totals, inMemory.Totals) || problems(spilled) != problems(inMemory) {
			t.Errorf("spilled: %+v\n%s\nin memory: %+v\n%s", spilled.Totals, problems(spilled), inMemory.Totals, problems(inMemory))
		}
		mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		wantTotals(t, check(t, db, fx, "officer", file, imports.Options{}), imports.Totals{Unchanged: 12, Refused: 5})
	})
}
