package catalog

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/store"
)

// The small province's reform of 1/7/2025: two tiers, and a merger list
// that keeps a commune's name and code (An Hòa), renames one (Thị trấn
// Đông), forms a new one (Thụy Hòa), and splits one (Tân Phong) between
// two; written in the other tone-mark style.
var (
	smallReform = []string{
		"Tỉnh Hà Thử,90,Xã An Hòa,90001,Xã",
		"Tỉnh Hà Thử,90,Phường Đông,90003,Phường",
		"Tỉnh Hà Thử,90,Xã Thụy Hòa,90004,Xã",
		"Tỉnh Hà Mới,91,Xã Nam Sơn,91001,Xã",
		"Tỉnh Hà Mới,91,Xã Nam Hà,91002,Xã",
	}
	smallMerger = []string{
		`Tỉnh Hà Thử,90001,Xã An Hoà,"Xã An Hòa, Xã Bình Minh"`,
		`Tỉnh Hà Thử,90003,Phường Đông,"Thị trấn Đông, Xã Tân Phong (một phần)"`,
		`Tỉnh Hà Thử,90004,Xã Thuỵ Hòa,"Xã Thuỵ Lâm, Xã Hòa Bình, Xã Tân Phong (phần còn lại)"`,
	}
)

// TestRoundTrip carries the small province through two reorganisations by
// the catalogue, each diffed, planned, applied and diffed again: the second
// diff finds nothing to do. The first moves An Hòa and Thụy Lâm to each
// other's district, so that the reform then finds them as second versions:
// a kept commune's own earlier row must not pass for a former commune
// merged into it, and a merged commune is followed through its versions.
func TestRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		loadSmall(t, db)
		c := db.Client
		unchanged := func(t *testing.T, res *Result, applied int) {
			t.Helper()
			for _, p := range res.Provinces {
				wantApplied := 0
				if p.Code == "90" {
					wantApplied = applied
				}
				if p.Status != Unchanged || p.Applied != wantApplied || len(p.Issues) > 0 {
					t.Errorf("%s (%s) is %s with %q, %d rows already applied (want %d): %q",
						p.Name, p.Code, p.Status, renderAll(nil, p.Changes), p.Applied, wantApplied, issues(p))
				}
			}
			if len(res.Spec.Changes) > 0 {
				t.Errorf("the spec holds %d changes", len(res.Spec.Changes))
			}
		}

		moves := csvDoc(t, "2025-01-01.csv", header3, edit(smallBase,
			"Tỉnh Hà Thử,90,Huyện Tây,902,Xã An Hòa,90001,Xã", "Tỉnh Hà Thử,90,Huyện Đông,901,Xã Thụy Lâm,90004,Xã")...)
		tree := readTree(t, c, 2024, 12, 31)
		res := Diff(tree, moves, nil)
		if got, want := renderAll(tree, res.Spec.Changes), []string{"MOVE 90001 under 902", "MOVE 90004 under 901"}; !slices.Equal(got, want) {
			t.Fatalf("1/1/2025: %q, want %q", got, want)
		}
		apply(t, db, planned(t, c, res.Spec, vn(2025, 1, 1)))
		unchanged(t, Diff(readTree(t, c, 2025, 1, 1), moves, nil), 0)

		catalogue := csvDoc(t, "2025-07-01.csv", header2, smallReform...)
		merger := csvDoc(t, "merge.csv", headerMerger, smallMerger...)
		before := readTree(t, c, 2025, 6, 30)
		res = Diff(before, catalogue, merger)
		want := []string{
			`MERGE 90001+90002 into COMMUNE 90001 "Xã An Hòa" Xã under 90`,
			`MERGE 90003 into COMMUNE 90003 "Phường Đông" Phường under 90`,
			`MERGE 90004+90005 into COMMUNE 90004 "Xã Thụy Hòa" Xã under 90`,
			"SPLIT 90006 into px:90004, px:90003",
			"ABOLISH_TIER DISTRICT within 90",
			"ABOLISH_TIER DISTRICT within 91",
		}
		if got := renderAll(before, res.Spec.Changes); !slices.Equal(got, want) {
			t.Fatalf("1/7/2025:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		apply(t, db, planned(t, c, res.Spec, vn(2025, 7, 1)))

		after := readTree(t, c, 2025, 7, 1)
		again := Diff(after, catalogue, merger)
		unchanged(t, again, 3)
		var out bytes.Buffer
		again.Print(&out, i18n.VI)
		if !strings.Contains(out.String(), "Tỉnh Hà Thử (90): không có gì thay đổi; 3 xã đã đúng theo danh sách sáp nhập\n") {
			t.Errorf("report:\n%s", out.String())
		}
		unchanged(t, Diff(after, catalogue, nil), 0)
		// The day before, the tree is still the old one, and so is its diff.
		if got := renderAll(before, Diff(readTree(t, c, 2025, 6, 30), catalogue, merger).Spec.Changes); !slices.Equal(got, want) {
			t.Errorf("30/6/2025 after the reform:\n%s", strings.Join(got, "\n"))
		}
	})
}

// TestMergerListHalfApplied: a decision that formed Xã Thụy Hòa from Thụy
// Lâm alone, where the list also names Hòa Bình and the rest of Tân Phong,
// is reported on those entries; nothing is completed by guess, and An Hòa,
// whose row keeps its own name and code, is no part of the report.
func TestMergerListHalfApplied(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		loadSmall(t, db)
		c := db.Client
		tree := readTree(t, c, 2025, 6, 30)
		var province, thuyLam *Unit
		for _, u := range tree.Units {
			switch u.Code {
			case "90":
				province = u
			case "90004":
				thuyLam = u
			}
		}
		half := spec.Spec{Changes: []spec.Change{{Kind: spec.Merge, Sources: []int{thuyLam.ID}, Successor: &spec.Target{New: &spec.Unit{
			Code: "90004", Name: "Xã Thụy Hòa", Type: "Xã", Level: "COMMUNE", ParentID: province.ID}}}}}
		apply(t, db, planned(t, c, half, vn(2025, 7, 1)))

		res := Diff(readTree(t, c, 2025, 7, 1), csvDoc(t, "2025-07-01.csv", header2, smallReform...), csvDoc(t, "merge.csv", headerMerger, smallMerger...))
		p := provinceOf(t, res, "90")
		if p.Status != Blocked || p.Applied != 0 {
			t.Errorf("Hà Thử is %s with %d rows applied, want BLOCKED with none", p.Status, p.Applied)
		}
		errs := blocking(p)
		for _, want := range []string{"merge.csv:4 Trước sắp xếp Xã Hòa Bình", "merge.csv:4 Trước sắp xếp Xã Tân Phong (phần còn lại)"} {
			if !slices.Contains(errs, want) {
				t.Errorf("not reported: %s (reported: %q)", want, errs)
			}
		}
		if slices.ContainsFunc(errs, func(s string) bool { return strings.HasPrefix(s, "merge.csv:2 ") }) {
			t.Errorf("An Hòa's row reported: %q", errs)
		}
		if !slices.ContainsFunc(issues(p), func(s string) bool {
			return strings.Contains(s, "Xã Thụy Hòa (90004) was formed by this row but Xã Hòa Bình (90005) is still open")
		}) {
			t.Errorf("issues: %q", issues(p))
		}
	})
}
