package graph_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"entgo.io/ent/privacy"

	"golang.org/x/text/unicode/norm"

	"hoctap/ent/adminunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestNamesInNFC checks that a name typed with decomposed Vietnamese marks
// is stored precomposed (NFC), and that filters find it whichever form the
// client types, on both databases.
func TestNamesInNFC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		const name = "Hộ Nguyễn Thị Ệ"
		decomposed := norm.NFD.String(name)
		if decomposed == name {
			t.Fatal("the decomposed form is the same string: nothing to test")
		}
		var created struct {
			CreateLearningUnit struct{ LearningUnit struct{ Name string } }
		}
		a.must(t, "officer", `mutation($v: ID!, $n: String!) { createLearningUnit(input: {kind: HOUSEHOLD, name: $n, adminUnitID: $v}) { learningUnit { name } } }`,
			map[string]any{"v": id(fx.V1a.ID), "n": decomposed}, &created)
		if created.CreateLearningUnit.LearningUnit.Name != name {
			t.Errorf("stored %+q, want the NFC %+q", created.CreateLearningUnit.LearningUnit.Name, name)
		}
		for _, tt := range []struct{ how, filter string }{
			{"precomposed", norm.NFC.String("Thị Ệ")},
			{"decomposed", norm.NFD.String("Thị Ệ")},
		} {
			var got struct {
				LearningUnits struct{ TotalCount int }
			}
			a.must(t, "officer", `query($q: String!) { learningUnits(where: {nameContains: $q}) { totalCount } }`,
				map[string]any{"q": tt.filter}, &got)
			if got.LearningUnits.TotalCount != 1 {
				t.Errorf("nameContains %s: %d units, want 1", tt.how, got.LearningUnits.TotalCount)
			}
		}
	})
}

// TestNamesInVietnameseOrder checks that sorting by name follows the
// Vietnamese alphabet (a ă â b … d đ … o ô ơ … u ư … x), across pages and in
// both directions, for each list a client sorts by name, on both databases.
func TestNamesInVietnameseOrder(t *testing.T) {
	// In Vietnamese order; the byte order of UTF-8 puts Ă, Â, Đ, Ô, Ơ and Ư
	// after X.
	want := []string{"Thử An", "Thử Ăn", "Thử Ân", "Thử Bùi", "Thử Dương", "Thử Đỗ", "Thử Ô", "Thử Ơn", "Thử Ưng", "Thử Xuân"}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		for i := len(want) - 1; i >= 0; i-- { // created backwards, so ids sort the other way
			n := want[i]
			a.must(t, "officer", `mutation($v: ID!, $n: String!) { createLearningUnit(input: {kind: HOUSEHOLD, name: $n, adminUnitID: $v}) { learningUnit { id } } }`,
				map[string]any{"v": id(fx.V1a.ID), "n": n}, nil)
			if err := db.Client.AdminUnit.Create().SetCode(fmt.Sprintf("T%02d", i)).SetName(n).SetLevel(adminunit.LevelVILLAGE).
				SetType("Thôn").SetParentID(fx.C1.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := db.Client.User.Create().SetUsername(fmt.Sprintf("thu%02d", i)).SetFullName(n).SetPasswordHash("x").
				SetRole(viewer.RoleViewer).SetScopeID(fx.C1.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ list, filter, field string }{
			{"learningUnits", "nameHasPrefix", "NAME"},
			{"adminUnits", "nameHasPrefix", "NAME"},
			{"users", "fullNameHasPrefix", "FULL_NAME"},
		} {
			name := "name"
			if tt.list == "users" {
				name = "fullName"
			}
			for _, dir := range []string{"ASC", "DESC"} {
				expect := slices.Clone(want)
				if dir == "DESC" {
					slices.Reverse(expect)
				}
				// Pages of three, so the cursors carry the order too.
				q := fmt.Sprintf(`query($after: Cursor) { %s(first: 3, after: $after, where: {%s: "Thử "}, orderBy: {field: %s, direction: %s}) {
					edges { node { %s } } pageInfo { hasNextPage endCursor } } }`, tt.list, tt.filter, tt.field, dir, name)
				var got []string
				var after any
				for range len(want) {
					var page map[string]struct {
						Edges    []struct{ Node map[string]string }
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
					a.must(t, "admin", q, map[string]any{"after": after}, &page)
					for _, e := range page[tt.list].Edges {
						got = append(got, e.Node[name])
					}
					if !page[tt.list].PageInfo.HasNextPage {
						break
					}
					after = page[tt.list].PageInfo.EndCursor
				}
				if !slices.Equal(got, expect) {
					t.Errorf("%s by %s %s:\n got %q\nwant %q", tt.list, tt.field, dir, got, expect)
				}
			}
		}
	})
}
