package imports_test

import (
	"strings"
	"testing"

	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// TestIdentity follows one village's list through the edits a commune
// makes to it, each step a file applied after the one before: which rows
// update which household, which are refused, and why.
func TestIdentity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		type hh struct{ code, head, address, phone string }
		file := func(rows ...hh) []byte {
			out := [][]string{{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Địa chỉ", "Điện thoại"}}
			for _, r := range rows {
				out = append(out, []string{r.code, "Thôn 2", r.head, r.address, r.phone})
			}
			return csvFile(t, false, ',', out)
		}
		opts := imports.Options{Kind: imports.Households.ID}
		steps := []struct {
			name    string
			file    []byte
			want    imports.Totals
			refused map[int]string // row → message part
		}{
			{"two namesakes, told apart by their addresses",
				file(hh{"", "Nguyễn Văn An", "Xóm Đông", ""}, hh{"", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"", "Trần Thị Mai", "Xóm Đông", ""}),
				imports.Totals{Create: 3}, nil},
			{"the same list again", file(hh{"", "Nguyễn Văn An", "Xóm Đông", ""}, hh{"", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"", "Trần Thị Mai", "Xóm Đông", ""}),
				imports.Totals{Unchanged: 3}, nil},
			// Names and addresses are compared loosely but written as the
			// file has them.
			{"rows in another order, a phone added, a name in capitals, an address without accents",
				file(hh{"", "Trần Thị Mai", "xom dong", "0912000111"}, hh{"", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"", "NGUYỄN VĂN AN", "Xóm Đông", ""}),
				imports.Totals{Update: 2, Unchanged: 1}, nil},
			{"a single household's address corrected", file(hh{"", "Trần Thị Mai", "Xóm Nam", "0912000111"}),
				imports.Totals{Update: 1}, nil},
			{"two rows of one name, neither at the address of the one household of the name",
				file(hh{"", "Trần Thị Mai", "Xóm Tây", ""}, hh{"", "Trần Thị Mai", "Xóm Bắc", ""}),
				imports.Totals{Refused: 2}, map[int]string{2: "2 dòng tên «Trần Thị Mai»", 3: "2 dòng tên «Trần Thị Mai»"}},
			{"a namesake at an address neither has", file(hh{"", "Nguyễn Văn An", "Xóm Bắc", ""}),
				imports.Totals{Refused: 1}, map[int]string{2: "Có 2 hộ gia đình tên «Nguyễn Văn An»"}},
			{"a row twice", file(hh{"", "Lý Văn Mới", "Xóm Bắc", ""}, hh{"", "Lý Văn Mới", "Xóm Bắc", ""}),
				imports.Totals{Create: 1, Refused: 1}, map[int]string{3: "Lặp lại hộ gia đình của dòng 2"}},
			{"codes given to the households already there",
				file(hh{"A1", "Nguyễn Văn An", "Xóm Đông", ""}, hh{"A2", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"M1", "Trần Thị Mai", "Xóm Nam", "0912000111"}),
				imports.Totals{Update: 3}, nil},
			{"by code, whatever the name says now",
				file(hh{"A1", "Nguyễn Văn Ân", "Xóm Đông", ""}, hh{"A2", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"M1", "Trần Thị Mai", "Xóm Nam", "0912000111"}),
				imports.Totals{Update: 1, Unchanged: 2}, nil},
			{"a code twice", file(hh{"A2", "Nguyễn Văn An", "Xóm Tây", ""}, hh{"A2", "Phan Văn Khác", "", ""}),
				imports.Totals{Unchanged: 1, Refused: 1}, map[int]string{3: "Mã A2 đã có ở dòng 2"}},
			{"a new code for a name the village has with codes: a new household",
				file(hh{"A3", "Nguyễn Văn An", "Xóm Tây", ""}),
				imports.Totals{Create: 1}, nil},
		}
		for _, s := range steps {
			rep := mustApply(t, db, fx, "officer", s.file, imports.Options{Kind: opts.Kind, SkipRefused: true})
			if rep.Totals != s.want {
				t.Errorf("%s: totals %+v, want %+v\n%s", s.name, rep.Totals, s.want, problems(rep))
			}
			got := map[int]string{}
			for _, p := range rep.Problems {
				got[p.Row] = p.Message(i18n.VI)
			}
			for row, want := range s.refused {
				if !strings.Contains(got[row], want) {
					t.Errorf("%s, row %d: %q, want %q", s.name, row, got[row], want)
				}
			}
		}
		byCode := map[string]string{}
		all, err := db.Client.LearningUnit.Query().Where(learningunit.AdminUnitID(fx.V1b.ID), learningunit.KindEQ(learningunit.KindHOUSEHOLD)).All(system)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range all {
			byCode[u.Code] = u.HeadName + " / " + u.Address
		}
		want := map[string]string{"A1": "Nguyễn Văn Ân / Xóm Đông", "A2": "Nguyễn Văn An / Xóm Tây", "A3": "Nguyễn Văn An / Xóm Tây", "M1": "Trần Thị Mai / Xóm Nam"}
		for code, w := range want {
			if byCode[code] != w {
				t.Errorf("household %s: %q, want %q", code, byCode[code], w)
			}
		}
		if h := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1b.ID)["Hộ Nguyễn Văn Ân"]; h == nil {
			t.Error("the household renamed by its code kept its old name")
		}
	})
}
