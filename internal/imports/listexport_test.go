package imports_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/imports"
	"hoctap/internal/search"
	"hoctap/internal/store"
)

// enrich gives the fixture units with every column filled: a household
// with a code and a name of its own, a member with a code and a year of
// birth, an organisation and a clan with codes and heads.
func enrich(t *testing.T, db *store.DB, fx *fixture.Fixture) {
	t.Helper()
	c := db.Client
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	h, err := c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetCode("H09").SetName("Gia đình ông Chín").
		SetHeadName("Phan Văn Chín").SetAddress("Số 9, xóm Đông").SetPhone("0912345678").SetMemberCount(5).SetAdultCount(3).
		SetAdminUnit(fx.V1b).Save(system)
	must(err)
	must(c.LearningUnit.Create().SetKind(learningunit.KindCITIZEN).SetCode("C09").SetName("Phan Văn Chín").SetBirthYear(1970).
		SetPhone("0987654321").SetMemberCount(1).SetAdultCount(1).SetAdminUnit(fx.V1b).SetParent(h).Exec(system))
	must(c.LearningUnit.Create().SetKind(learningunit.KindCITIZEN).SetName("Phan Thị Mười").SetBirthYear(2015).
		SetMemberCount(1).SetAdultCount(0).SetAdminUnit(fx.V1b).SetParent(h).Exec(system))
	must(c.LearningUnit.Create().SetKind(learningunit.KindORGANIZATION).SetSubtype(learningunit.SubtypeENTERPRISE).SetCode("DV09").
		SetName("Công ty May Hòa Lạc").SetHeadName("Vũ Văn Mạnh").SetAddress("Cụm công nghiệp").SetMemberCount(120).SetAdultCount(118).
		SetAdminUnit(fx.C2).Exec(system))
	must(c.LearningUnit.Create().SetKind(learningunit.KindCLAN).SetCode("DH09").SetName("Dòng họ Phạm").SetHeadName("Phạm Văn Cả").
		SetMemberCount(40).SetAdultCount(35).SetAdminUnit(fx.C4).Exec(system))
}

// export writes a kind's export as user, failing the test on an error.
func export(t *testing.T, db *store.DB, fx *fixture.Fixture, user string, kind *imports.Kind, under int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := imports.Export(fx.As(context.Background(), user), db.Client, &buf, kind, under); err != nil {
		t.Fatalf("%s: export %s: %v", user, kind.ID, err)
	}
	return buf.Bytes()
}

// column lists the values of a sheet's column under header, below the
// header.
func column(t *testing.T, file []byte, sheet, header string) []string {
	t.Helper()
	rows := rowsOf(t, openBook(t, file), sheet)
	i := slices.Index(rows[0], header)
	if i < 0 {
		t.Fatalf("%s: no column %q in %q", sheet, header, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		v := ""
		if i < len(r) {
			v = r[i]
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// namesUnder lists the names of the open units of kind under path (the
// household heads' for households), read as the system.
func namesUnder(t *testing.T, db *store.DB, kind learningunit.Kind, path string) []string {
	t.Helper()
	us, err := db.Client.LearningUnit.Query().Where(learningunit.KindEQ(kind), learningunit.ArchivedAtIsNil(),
		func(s *entsql.Selector) { s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), path)) }).All(system)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range us {
		if kind == learningunit.KindHOUSEHOLD {
			out = append(out, u.HeadName)
		} else {
			out = append(out, u.Name)
		}
	}
	slices.Sort(out)
	return out
}

// TestExportRoundTrip: what each importer exports holds exactly the units
// of their scope (or of the unit asked for), and imports back unchanged,
// every row, with nothing to say; an edited cell is an update.
func TestExportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 3})
		enrich(t, db, fx)
		type sheetWant struct {
			sheet, header string
			kind          learningunit.Kind
		}
		households := []sheetWant{{"Hộ gia đình", "Họ tên chủ hộ", learningunit.KindHOUSEHOLD}, {"Thành viên", "Họ tên", learningunit.KindCITIZEN}}
		cases := []struct {
			user  string
			kind  *imports.Kind
			under *ent.AdminUnit
			root  string
			want  []sheetWant
		}{
			{"admin", imports.Households, nil, "/", households},
			{"manager", imports.Households, nil, fx.P1.Path, households},
			{"manager2", imports.Households, nil, fx.P2.Path, households},
			{"officer", imports.Households, nil, fx.C1.Path, households},
			{"officer", imports.Households, fx.V1b, fx.V1b.Path, households},
			{"manager", imports.Households, fx.C2, fx.C2.Path, households},
			{"officer", imports.Citizens, nil, fx.C1.Path, households[1:]},
			{"admin", imports.Organisations, nil, "/", []sheetWant{{"Cơ quan, đơn vị", "Tên đơn vị", learningunit.KindORGANIZATION}}},
			{"officer2", imports.Organisations, nil, fx.C2.Path, []sheetWant{{"Cơ quan, đơn vị", "Tên đơn vị", learningunit.KindORGANIZATION}}},
			{"manager2", imports.Clans, nil, fx.P2.Path, []sheetWant{{"Dòng họ", "Tên dòng họ", learningunit.KindCLAN}}},
			{"manager", imports.Clans, nil, fx.P1.Path, []sheetWant{{"Dòng họ", "Tên dòng họ", learningunit.KindCLAN}}},
		}
		for _, tc := range cases {
			under := 0
			if tc.under != nil {
				under = tc.under.ID
			}
			file := export(t, db, fx, tc.user, tc.kind, under)
			rows := 0
			for _, w := range tc.want {
				got, want := column(t, file, w.sheet, w.header), namesUnder(t, db, w.kind, tc.root)
				if !slices.Equal(got, want) {
					t.Errorf("%s, %s under %d: %s has %q, want %q", tc.user, tc.kind.ID, under, w.sheet, got, want)
				}
				rows += len(want)
			}
			if rows == 0 {
				t.Errorf("%s, %s: nothing to export, the case tests nothing", tc.user, tc.kind.ID)
			}
			rep := check(t, db, fx, tc.user, file, imports.Options{})
			wantTotals(t, rep, imports.Totals{Unchanged: rows})
			if rep.Errors+rep.WarningCount > 0 {
				t.Errorf("%s, %s: the export read back with problems:\n%s", tc.user, tc.kind.ID, problems(rep))
			}
		}

		// Edited, the export updates what changed.
		f := openBook(t, export(t, db, fx, "officer", imports.Households, fx.V1b.ID))
		rows := rowsOf(t, f, "Hộ gia đình")
		for i, r := range rows {
			if len(r) > 0 && r[0] == "H09" {
				cell := fmt.Sprintf("H%d", i+1) // Điện thoại
				if err := f.SetCellStr("Hộ gia đình", cell, "0911111111"); err != nil {
					t.Fatal(err)
				}
			}
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		wantTotals(t, check(t, db, fx, "officer", buf.Bytes(), imports.Options{}), imports.Totals{Update: 1, Unchanged: 3 + 3*2 + 2})
	})
}

// TestExportScope: an export is refused to who may not import, and of a
// unit outside the viewer's scope (even one above it, whose name they
// read); a refused export writes nothing.
func TestExportScope(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	cases := []struct {
		user  string
		kind  *imports.Kind
		under int
		code  apperr.Code
		field string
	}{
		{"", imports.Households, 0, apperr.Unauthenticated, ""},
		{"collaborator", imports.Households, 0, apperr.Forbidden, ""},
		{"viewer", imports.Households, 0, apperr.Forbidden, ""},
		{"citizen", imports.Households, 0, apperr.Forbidden, ""},
		{"officer", imports.Households, fx.C4.ID, apperr.NotFound, "unit"},
		{"officer", imports.Households, fx.C2.ID, apperr.NotFound, "unit"},
		{"officer", imports.Households, fx.P1.ID, apperr.NotFound, "unit"},
		{"manager", imports.Clans, fx.V4a.ID, apperr.NotFound, "unit"},
		{"manager", imports.Clans, 1 << 40, apperr.NotFound, "unit"},
		{"manager", &imports.Kind{ID: "accounts"}, 0, apperr.BadUserInput, "kind"},
		{"manager", nil, 0, apperr.BadUserInput, "kind"},
	}
	for _, tc := range cases {
		ctx := context.Background()
		if tc.user != "" {
			ctx = fx.As(ctx, tc.user)
		}
		var buf bytes.Buffer
		err := imports.Export(ctx, db.Client, &buf, tc.kind, tc.under)
		e, ok := apperr.As(err)
		if !ok || e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%s under %d: %v, want %s on %q", tc.user, tc.under, err, tc.code, tc.field)
		}
		if buf.Len() > 0 {
			t.Errorf("%s under %d: a refused export wrote %d bytes", tc.user, tc.under, buf.Len())
		}
	}
	// The names of the units above an officer's commune are theirs to
	// read, not to write: the export leaves the district empty.
	districts := column(t, export(t, db, fx, "officer", imports.Households, 0), "Hộ gia đình", "Huyện")
	if strings.Join(districts, "") != "" {
		t.Errorf("an officer's export names districts %q", districts)
	}
	districts = column(t, export(t, db, fx, "manager", imports.Households, fx.C1.ID), "Hộ gia đình", "Huyện")
	if len(districts) == 0 || districts[0] != "Huyện Đông" {
		t.Errorf("a manager's export of a commune names districts %q, want Huyện Đông", districts)
	}
}

// TestExportFullSheets: a list longer than a sheet goes on to sheets of
// its own («Thành viên (2)», as Excel names a copy), and the workbook
// imports back unchanged, every row.
func TestExportFullSheets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 3})
		enrich(t, db, fx)
		defer imports.SetMaxSheetRows(4)() // a header and three rows
		file := export(t, db, fx, "officer", imports.Households, 0)
		f := openBook(t, file)
		var lists []string
		rows := 0
		for _, name := range f.GetSheetList() {
			if strings.HasPrefix(name, "Hộ gia đình") || strings.HasPrefix(name, "Thành viên") {
				lists = append(lists, name)
				n := len(rowsOf(t, f, name)) - 1
				if n < 1 || n > 3 {
					t.Errorf("sheet %s holds %d rows, want 1 to 3", name, n)
				}
				rows += n
			}
		}
		if !slices.Contains(lists, "Thành viên (2)") || !slices.Contains(lists, "Hộ gia đình (2)") {
			t.Fatalf("sheets %q: the lists did not go on", lists)
		}
		want := len(namesUnder(t, db, learningunit.KindHOUSEHOLD, fx.C1.Path)) + len(namesUnder(t, db, learningunit.KindCITIZEN, fx.C1.Path))
		if rows != want {
			t.Errorf("%d rows over the sheets, want %d", rows, want)
		}
		rep := check(t, db, fx, "officer", file, imports.Options{})
		wantTotals(t, rep, imports.Totals{Unchanged: want})
		if rep.Errors+rep.WarningCount > 0 {
			t.Errorf("read back with problems:\n%s", problems(rep))
		}
	})
}
