package units_test

import (
	"context"
	"testing"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/units"
)

// inTx runs f as user in a transaction of its own, as a mutation runs,
// and commits what it wrote when it succeeds.
func inTx(t *testing.T, db *store.DB, f *fixture.Fixture, user string, fn func(ctx context.Context) error) error {
	t.Helper()
	ctx := f.As(context.Background(), user)
	tx, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(ent.NewContext(ent.NewTxContext(ctx, tx), tx.Client())); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// TestCodes: a code names one open unit of a kind in an administrative
// unit; another village, another kind or an archived holder leave it free.
func TestCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		f := fixture.Build(t, db.Client)
		household := func(village *ent.AdminUnit, code string) ent.CreateLearningUnitInput {
			return ent.CreateLearningUnitInput{Kind: learningunit.KindHOUSEHOLD, Name: "Hộ Trần Văn Mã", Code: ptr(code), AdminUnitID: village.ID}
		}
		var first *ent.LearningUnit
		if err := inTx(t, db, f, "officer", func(ctx context.Context) (err error) {
			first, err = units.Create(ctx, household(f.V1a, "H001"))
			return err
		}); err != nil {
			t.Fatalf("first H001: %v", err)
		}
		if first.Code != "H001" {
			t.Errorf("code = %q, want H001", first.Code)
		}
		cases := []struct {
			name   string
			create ent.CreateLearningUnitInput
			code   apperr.Code // "" for success
			field  string
		}{
			{"same village and kind", household(f.V1a, "H001"), apperr.Conflict, "code"},
			{"another village", household(f.V1b, "H001"), "", ""},
			{"another kind", ent.CreateLearningUnitInput{Kind: learningunit.KindCITIZEN, Name: "Trần Văn Mã", Code: ptr("H001"), AdminUnitID: f.V1a.ID}, "", ""},
			{"a space inside", household(f.V1a, "H 002"), apperr.BadUserInput, "code"},
			{"empty", household(f.V1a, ""), apperr.BadUserInput, "code"},
			{"birth year of a household", ent.CreateLearningUnitInput{Kind: learningunit.KindHOUSEHOLD, Name: "Hộ X", BirthYear: ptr(1980), AdminUnitID: f.V1a.ID}, apperr.BadUserInput, "birthYear"},
			{"birth year of a citizen", ent.CreateLearningUnitInput{Kind: learningunit.KindCITIZEN, Name: "Trần Thị Y", BirthYear: ptr(1980), AdminUnitID: f.V1a.ID}, "", ""},
			{"birth year too early", ent.CreateLearningUnitInput{Kind: learningunit.KindCITIZEN, Name: "Trần Thị Z", BirthYear: ptr(1899), AdminUnitID: f.V1a.ID}, apperr.BadUserInput, "birthYear"},
		}
		for _, tc := range cases {
			err := inTx(t, db, f, "officer", func(ctx context.Context) error {
				_, err := units.Create(ctx, tc.create)
				return err
			})
			checkErr(t, tc.name, err, tc.code, tc.field)
		}

		// Taking a code by an update, or by moving to where it is taken.
		var second *ent.LearningUnit
		if err := inTx(t, db, f, "officer", func(ctx context.Context) (err error) {
			second, err = units.Create(ctx, household(f.V1a, "H002"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		update := func(id int, in ent.UpdateLearningUnitInput) error {
			return inTx(t, db, f, "officer", func(ctx context.Context) error {
				_, err := units.Update(ctx, id, in, nil)
				return err
			})
		}
		checkErr(t, "update to a taken code", update(second.ID, ent.UpdateLearningUnitInput{Code: ptr("H001")}), apperr.Conflict, "code")
		checkErr(t, "update keeping its own code", update(second.ID, ent.UpdateLearningUnitInput{Code: ptr("H002"), Name: ptr("Hộ Trần Văn Hai")}), "", "")
		checkErr(t, "a code in another village", update(f.Households[f.V1b.Code][0].ID, ent.UpdateLearningUnitInput{Code: ptr("H009")}), "", "")
		checkErr(t, "move to a village where the code is taken", update(f.Households[f.V1b.Code][0].ID, ent.UpdateLearningUnitInput{AdminUnitID: ptr(f.V1a.ID), Code: ptr("H002")}), apperr.Conflict, "code")

		// An archived holder leaves its code free.
		if err := inTx(t, db, f, "officer", func(ctx context.Context) error {
			_, err := units.Archive(ctx, first.ID, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		checkErr(t, "the holder archived", update(second.ID, ent.UpdateLearningUnitInput{Code: ptr("H001")}), "", "")
	})
}

func checkErr(t *testing.T, name string, err error, code apperr.Code, field string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: %v, want success", name, err)
		}
		return
	}
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Field != field {
		t.Errorf("%s: %v, want %s on %s", name, err, code, field)
	}
}
