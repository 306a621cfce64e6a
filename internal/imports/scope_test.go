package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// TestScope: each importer writes only inside their scope; a row outside
// it is refused on its own, with a message that says so, and the file's
// other rows go in.
func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		row := func(n int, commune, village, head string) []any {
			return []any{n, "", commune, village, head, "", "", 2, 1}
		}
		file := xlsxFile(t, book{{name: "Hộ gia đình", rows: [][]any{
			householdsHeader,
			row(1, "", "90101.01", "Hộ Một"),         // V1a by its code
			row(2, "", "90102.01", "Hộ Hai"),         // V2a: Xã Hòa Lạc, P1
			row(3, "Xã Minh Hải", "Thôn 1", "Hộ Ba"), // C4: P2
			row(4, "", "Thôn 2", "Hộ Bốn"),           // V1b, the only Thôn 2 of C1 and P1
			row(5, "", "91101.01", "Hộ Năm"),         // V4a: P2
			row(6, "", "Thôn 1", "Hộ Sáu"),           // one Thôn 1 in C1, three in P1, five in all
			row(7, "Xã Hoà Lạc", "Thôn 1", "Hộ Bảy"), // V2a, the commune's name in the old tone style
			row(8, "Xã An Bình", "Thôn 9", "Hộ Tám"), // no such village
		}}})
		cases := []struct {
			user    string
			created []int // rows created
			refused map[int]string
		}{
			{"officer", []int{2, 5, 7}, map[int]string{
				3: "ngoài phạm vi", 4: "Không có xã «Xã Minh Hải» trong phạm vi", 6: "ngoài phạm vi", 8: "Không có xã «Xã Hoà Lạc» trong phạm vi", 9: "Không có thôn «Thôn 9» thuộc Xã An Bình"}},
			{"manager", []int{2, 3, 5, 8}, map[int]string{
				4: "Không có xã «Xã Minh Hải» trong phạm vi", 6: "ngoài phạm vi", 7: "có thể là Thôn 1 (Xã An Bình); Thôn 1 (Xã Hòa Lạc); Thôn 1 (Xã Tân Phong)", 9: "Không có thôn «Thôn 9»"}},
			{"admin", []int{2, 3, 4, 5, 6, 8}, map[int]string{7: "có thể là", 9: "Không có thôn «Thôn 9»"}},
		}
		for _, tc := range cases {
			rep := check(t, db, fx, tc.user, file, imports.Options{})
			wantTotals(t, rep, imports.Totals{Create: len(tc.created), Refused: len(tc.refused)})
			got := map[int]string{}
			for _, p := range rep.Problems {
				got[p.Row] += p.Message(i18n.VI)
			}
			for row, want := range tc.refused {
				if !strings.Contains(got[row], want) {
					t.Errorf("%s, row %d: %q, want %q", tc.user, row, got[row], want)
				}
			}
			if len(got) != len(tc.refused) {
				t.Errorf("%s: problems on rows %v, want %v", tc.user, got, tc.refused)
			}
		}

		// Applied with the refused rows skipped, the officer's file writes
		// only in their commune.
		rep := mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 3, Refused: 5})
		for _, v := range []struct {
			id   int
			want int
		}{{fx.V1a.ID, 2 + 2}, {fx.V1b.ID, 2 + 1}, {fx.V2a.ID, 2}, {fx.V4a.ID, 2}} {
			if n := len(unitsOf(t, db, learningunit.KindHOUSEHOLD, v.id)); n != v.want {
				t.Errorf("admin unit %d: %d households, want %d", v.id, n, v.want)
			}
		}
	})
}

// TestRoles: who may not import is FORBIDDEN before the file is read.
func TestRoles(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	for _, user := range []string{"collaborator", "viewer", "citizen"} {
		_, err := imports.Check(fx.As(context.Background(), user), db.Client, bytes.NewReader(nil), imports.Options{})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Forbidden {
			t.Errorf("%s: %v, want FORBIDDEN", user, err)
		}
	}
	if _, err := imports.Check(context.Background(), db.Client, bytes.NewReader(nil), imports.Options{}); err == nil {
		t.Error("an anonymous import was let in")
	}
}
