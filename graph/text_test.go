package graph_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
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
			CreateLearningUnit struct{ Name string }
		}
		a.must(t, "officer", `mutation($v: ID!, $n: String!) { createLearningUnit(input: {kind: HOUSEHOLD, name: $n, adminUnitID: $v}) { name } }`,
			map[string]any{"v": id(fx.V1a.ID), "n": decomposed}, &created)
		if created.CreateLearningUnit.Name != name {
			t.Errorf("stored %+q, want the NFC %+q", created.CreateLearningUnit.Name, name)
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
