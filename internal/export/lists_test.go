package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/dbtest"
)

// TestListExports: the import template and the exports of learning units
// as files, to whom they are given, and what they refuse before a byte of
// the file is out.
func TestListExports(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		e := newEnv(t, open)
		fx := e.fx
		const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		units := func(query string) string { return "/export/units.xlsx?" + query }

		t.Run("files", func(t *testing.T) {
			e := e.with(t)
			for _, tt := range []struct {
				user, path, disposition string
				sheets                  []string
				// heads are the households' heads the file has, by the
				// prefix every one of them has (their village's code).
				heads []string
			}{
				{"officer", "/export/templates/imports.xlsx", "attachment; filename=mau-nhap-danh-sach.xlsx",
					[]string{"Hướng dẫn", "Dòng họ", "Cơ quan, đơn vị", "Hộ gia đình", "Thành viên", "Tài khoản", "Kết quả", "Danh mục"}, nil},
				{"viewer", "/export/templates/imports.xlsx?kind=households", "attachment; filename=mau-nhap-danh-sach-ho-gia-dinh.xlsx",
					[]string{"Hướng dẫn", "Hộ gia đình", "Thành viên"}, nil},
				{"officer", "/export/templates/imports.xlsx?kind=clans&kind=organisations", "attachment; filename=mau-nhap-danh-sach-dong-ho.xlsx",
					[]string{"Hướng dẫn", "Dòng họ", "Cơ quan, đơn vị", "Danh mục"}, nil},
				{"officer", units("kind=households"), "attachment; filename=ho-gia-dinh.xlsx",
					[]string{"Hướng dẫn", "Hộ gia đình", "Thành viên"}, []string{fx.V1a.Code, fx.V1b.Code}},
				{"officer4", units("kind=households"), "attachment; filename=ho-gia-dinh.xlsx",
					[]string{"Hướng dẫn", "Hộ gia đình", "Thành viên"}, []string{fx.V4a.Code}},
				{"manager", units(fmt.Sprintf("kind=households&unit=%d", fx.V2a.ID)), fmt.Sprintf("attachment; filename=ho-gia-dinh-%d.xlsx", fx.V2a.ID),
					[]string{"Hướng dẫn", "Hộ gia đình", "Thành viên"}, []string{fx.V2a.Code}},
				{"admin", units("kind=organisations"), "attachment; filename=co-quan-don-vi.xlsx",
					[]string{"Hướng dẫn", "Cơ quan, đơn vị", "Danh mục"}, nil},
			} {
				rec := e.request(tt.user, http.MethodGet, tt.path, nil, nil)
				h := rec.Header()
				if rec.Code != http.StatusOK || h.Get("Content-Type") != xlsx || h.Get("Content-Disposition") != tt.disposition ||
					!strings.Contains(h.Get("Cache-Control"), "no-store") {
					t.Errorf("%s GET %s: %d %v", tt.user, tt.path, rec.Code, h)
					continue
				}
				f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
				if err != nil {
					t.Fatalf("%s GET %s: %v", tt.user, tt.path, err)
				}
				if got := f.GetSheetList(); !slices.Equal(got, tt.sheets) {
					t.Errorf("%s GET %s: sheets %q, want %q", tt.user, tt.path, got, tt.sheets)
				}
				if tt.heads == nil {
					f.Close()
					continue
				}
				rows, err := f.GetRows("Hộ gia đình")
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows[1:] {
					got = append(got, r[4]) // Họ tên chủ hộ
				}
				var want []string
				for _, v := range tt.heads {
					for _, hh := range fx.Households[v] {
						want = append(want, hh.HeadName)
					}
				}
				if !sameSet(got, want) {
					t.Errorf("%s GET %s: households %q, want %q", tt.user, tt.path, got, want)
				}
			}
		})

		t.Run("access", func(t *testing.T) {
			e := e.with(t)
			for _, tt := range []struct {
				name, user, path string
				status           int
				code, field      string
			}{
				{"anonymous template", "", "/export/templates/imports.xlsx", 401, "UNAUTHENTICATED", ""},
				{"anonymous units", "", units("kind=households"), 401, "UNAUTHENTICATED", ""},
				{"temporary password", "locked", units("kind=households"), 403, "FORBIDDEN", ""},
				{"collaborator", "collaborator", units("kind=households"), 403, "FORBIDDEN", ""},
				{"viewer", "viewer", units("kind=clans"), 403, "FORBIDDEN", ""},
				{"citizen", "citizen", units("kind=households"), 403, "FORBIDDEN", ""},
				{"other province", "officer", units(fmt.Sprintf("kind=households&unit=%d", fx.C4.ID)), 404, "NOT_FOUND", "unit"},
				{"unit above scope", "officer", units(fmt.Sprintf("kind=households&unit=%d", fx.D1.ID)), 404, "NOT_FOUND", "unit"},
				{"missing kind", "officer", units(""), 400, "BAD_USER_INPUT", "kind"},
				{"unknown kind", "officer", units("kind=people"), 400, "BAD_USER_INPUT", "kind"},
				{"a kind not exported", "manager", units("kind=accounts"), 400, "BAD_USER_INPUT", "kind"},
				{"garbage unit", "officer", units("kind=households&unit=x"), 400, "BAD_USER_INPUT", "unit"},
				{"unknown template kind", "officer", "/export/templates/imports.xlsx?kind=x", 400, "BAD_USER_INPUT", "kind"},
			} {
				rec := e.request(tt.user, http.MethodGet, tt.path, nil, nil)
				var body struct {
					Error struct{ Code, Field string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Errorf("%s: %d %q is not JSON", tt.name, rec.Code, rec.Body)
					continue
				}
				if rec.Code != tt.status || body.Error.Code != tt.code || body.Error.Field != tt.field ||
					rec.Header().Get("Content-Disposition") != "" {
					t.Errorf("%s: %d %+v %v, want %d %s on %q", tt.name, rec.Code, body.Error, rec.Header(), tt.status, tt.code, tt.field)
				}
			}
		})
	})
}
