package catalog

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/dbtest"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestApplyHungYenReform carries a database built from the catalogue of
// March 2025 through the reform of 1/7/2025, as the catalogue and the Hưng
// Yên merger list (row 35 corrected) describe it: Hưng Yên then has its 104
// communes and no district, Thái Bình is part of it, a village and its
// household and an officer follow their commune to its successor, and
// importing the same files again finds nothing left to do: every row of the
// merger list already applied, the catalogue's communes already there.
func TestApplyHungYenReform(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		loadCatalogue(t, db, "33", "34")
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		c := db.Client
		// A village of Xã Kim Chung, with a household and an officer.
		kimChung := c.AdminUnit.Query().Where(adminunit.Code("12664")).OnlyX(ctx)
		village := c.AdminUnit.Create().SetCode("12664.01").SetName("Thôn Đông").SetType("Thôn").SetLevel(adminunit.LevelVILLAGE).
			SetParent(kimChung).SaveX(ctx)
		home := c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName("Hộ Trần Văn Bình").SetAdminUnit(village).SaveX(ctx)
		officer := c.User.Create().SetUsername("canbo.kimchung").SetFullName("Cán bộ Kim Chung").SetPasswordHash("x").
			SetRole(viewer.RoleOfficer).SetScope(kimChung).SaveX(ctx)

		catalogue := readDoc(t, dataFile(t, "units-2025-07-01.csv"))
		merger := readDoc(t, dataFile(t, "merge-2025-07-01-hung-yen.csv"))
		for i, f := range merger.Merger.Rows[33].Formers {
			if f.Name == "Xã Kim Trung" {
				merger.Merger.Rows[33].Formers[i].Name = "Xã Kim Chung"
			}
		}
		res := diffDocs(t, db, catalogue, merger)
		if p := provinceOf(t, res, "33"); p.Status != Ready {
			t.Fatalf("Hưng Yên is %s", p.Status)
		}
		r := c.Reorganisation.Create().SetNumber("1665/NQ-UBTVQH15").SetTitle("Sắp xếp các đơn vị hành chính cấp xã của tỉnh Hưng Yên năm 2025").
			SetSignedOn(time.Date(2025, 6, 16, 0, 0, 0, 0, i18n.Vietnam)).SetEffectiveOn(time.Date(2025, 7, 1, 0, 0, 0, 0, i18n.Vietnam)).
			SetSpec(res.Spec).SaveX(ctx)
		plan, err := reorg.Plan(ctx, c, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plan.Problems {
			t.Errorf("problem: %s %s", reorg.ProblemField(p), p.Text(i18n.EN))
		}
		start := time.Now()
		if _, _, err := reorg.Apply(ctx, c, db.Dialect, r.ID); err != nil {
			t.Fatal(err)
		}
		t.Logf("applied the reform of Hưng Yên on %s in %v", db.Dialect, time.Since(start).Round(time.Millisecond))

		hy := c.AdminUnit.Query().Where(adminunit.Code("33"), adminunit.LevelEQ(adminunit.LevelPROVINCE), adminunit.ValidToIsNil()).OnlyX(ctx)
		open := func(level adminunit.Level) int {
			return c.AdminUnit.Query().Where(adminunit.PathHasPrefix(hy.Path), adminunit.LevelEQ(level), adminunit.ValidToIsNil()).CountX(ctx)
		}
		if n := open(adminunit.LevelCOMMUNE); n != 104 {
			t.Errorf("Hưng Yên has %d open communes, want 104", n)
		}
		if n := open(adminunit.LevelDISTRICT); n != 0 {
			t.Errorf("Hưng Yên has %d open districts, want none", n)
		}
		tb := c.AdminUnit.Query().Where(adminunit.Code("34"), adminunit.LevelEQ(adminunit.LevelPROVINCE)).OnlyX(ctx)
		if tb.ValidTo == nil || tb.MergedIntoID == nil || *tb.MergedIntoID != hy.ID {
			t.Errorf("Thái Bình after the reform: %+v", tb)
		}
		// Xã Kim Chung became part of Xã Hưng Hà (12586).
		hungHa := c.AdminUnit.Query().Where(adminunit.Code("12586"), adminunit.ValidToIsNil()).OnlyX(ctx)
		if got := c.User.GetX(ctx, officer.ID); got.ScopeID != hungHa.ID {
			t.Errorf("the officer of Kim Chung works in %d, want Xã Hưng Hà %d", got.ScopeID, hungHa.ID)
		}
		moved := c.LearningUnit.GetX(ctx, home.ID)
		v := c.AdminUnit.GetX(ctx, moved.AdminUnitID)
		if v.Name != "Thôn Đông" || v.ValidTo != nil || v.ParentID == nil || *v.ParentID != hungHa.ID || moved.AdminPath != v.Path {
			t.Errorf("the household lives in %+v (path %s)", v, moved.AdminPath)
		}

		// The same files against the tree of 1/7/2025: nothing to do, and
		// the report says why.
		reformDay := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		tree, err := ReadTree(ctx, c, reformDay)
		if err != nil {
			t.Fatal(err)
		}
		again := Diff(tree, catalogue, merger)
		if p := provinceOf(t, again, "33"); p.Status != Unchanged || len(p.Changes) != 0 || p.Applied != 104 || len(p.Issues) != 0 {
			t.Errorf("importing again: Hưng Yên is %s with %d changes, %d rows applied: %v", p.Status, len(p.Changes), p.Applied, issues(p))
		}
		if len(again.Spec.Changes) != 0 {
			t.Errorf("importing again: the spec holds %d changes", len(again.Spec.Changes))
		}
		var out bytes.Buffer
		again.Print(&out, i18n.VI)
		if !strings.Contains(out.String(), "Tỉnh Hưng Yên (33): không có gì thay đổi; 104 xã đã đúng theo danh sách sáp nhập\n") {
			t.Errorf("report:\n%s", out.String())
		}
		// The catalogue alone: the 104 communes by their codes, no district
		// tier left to abolish, Thái Bình already part of Hưng Yên.
		alone := Diff(tree, catalogue, nil)
		if p := provinceOf(t, alone, "33"); p.Status != Unchanged || len(p.Changes) != 0 || len(p.Issues) != 0 {
			t.Errorf("the catalogue alone: Hưng Yên is %s with %v: %v", p.Status, Counts(p.Changes), issues(p))
		}
		// The tree of 30/6/2025 is still the one before the reform: the
		// closed units' last day is theirs.
		before := diffDocs(t, db, catalogue, merger)
		if p := provinceOf(t, before, "33"); p.Status != Ready || p.Applied != 0 || fmt.Sprint(Counts(p.Changes)) != fmt.Sprint(Counts(res.Spec.Changes)) {
			t.Errorf("the tree of 30/6 after the reform: Hưng Yên is %s with %v, want READY with %v", p.Status, Counts(p.Changes), Counts(res.Spec.Changes))
		}
	})
}

// issues renders all of a province's issues, for a failure message.
func issues(p *Province) []string {
	var out []string
	for _, is := range p.Issues {
		out = append(out, is.Message(i18n.EN))
	}
	return out
}
