package imports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

var system = privacy.DecisionContext(context.Background(), privacy.Allow)

// csvFile writes rows as a CSV, with Excel's BOM when bom, cells separated
// by sep.
func csvFile(t testing.TB, bom bool, sep rune, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	if bom {
		b.WriteString("\xef\xbb\xbf")
	}
	w := csv.NewWriter(&b)
	w.Comma = sep
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// book is a workbook to build: its sheets in order.
type book []page

// page is a sheet: its rows from A1, cells merged, and what else fill does.
type page struct {
	name   string
	rows   [][]any
	merges [][2]string
	fill   func(f *excelize.File, sheet string)
}

// xlsxFile builds a workbook in memory.
func xlsxFile(t *testing.T, b book) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, p := range b {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", p.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(p.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range p.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(p.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range p.merges {
			if err := f.MergeCell(p.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		if p.fill != nil {
			p.fill(f, p.name)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot is the content of the tables an import may write, row by row,
// for comparing before and after.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"learning_units", "search_keys", "progress_counters", "audit_logs"} {
		rows, err := db.SQL.QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintln(&b, table, vals)
			n++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, table, n, "rows")
	}
	return b.String()
}

// check runs a dry run as user.
func check(t *testing.T, db *store.DB, fx *fixture.Fixture, user string, file []byte, opts imports.Options) *imports.Report {
	t.Helper()
	rep, err := imports.Check(fx.As(context.Background(), user), db.Client, bytes.NewReader(file), opts)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return rep
}

// apply applies a file as user.
func apply(t testing.TB, db *store.DB, fx *fixture.Fixture, user string, file []byte, opts imports.Options) (*imports.Report, error) {
	t.Helper()
	return imports.Apply(fx.As(context.Background(), user), db.Client, db.Dialect, bytes.NewReader(file), opts)
}

// mustApply applies a file that must go in.
func mustApply(t *testing.T, db *store.DB, fx *fixture.Fixture, user string, file []byte, opts imports.Options) *imports.Report {
	t.Helper()
	rep, err := apply(t, db, fx, user, file, opts)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, problems(rep))
	}
	return rep
}

// problems lists a report's problems and warnings, for failure messages.
func problems(rep *imports.Report) string {
	if rep == nil {
		return "(no report)"
	}
	var b strings.Builder
	for _, p := range rep.Problems {
		fmt.Fprintln(&b, "  problem:", p.Message(i18n.VI))
	}
	for _, p := range rep.Warnings {
		fmt.Fprintln(&b, "  warning:", p.Message(i18n.VI))
	}
	return b.String()
}

// wantTotals compares a report's totals.
func wantTotals(t *testing.T, rep *imports.Report, want imports.Totals) {
	t.Helper()
	if rep.Totals != want {
		t.Errorf("totals = %+v, want %+v\n%s", rep.Totals, want, problems(rep))
	}
}

// unitsOf lists the open units of a kind in an admin unit, by name.
func unitsOf(t *testing.T, db *store.DB, kind learningunit.Kind, adminUnitID int) map[string]*ent.LearningUnit {
	t.Helper()
	us, err := db.Client.LearningUnit.Query().
		Where(learningunit.KindEQ(kind), learningunit.AdminUnitID(adminUnitID), learningunit.ArchivedAtIsNil()).All(system)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*ent.LearningUnit{}
	for _, u := range us {
		out[u.Name] = u
	}
	return out
}

// messageOf renders an error as the API would, in lang.
func messageOf(err error, lang i18n.Lang) string {
	if e, ok := apperr.As(err); ok {
		return e.Message(lang)
	}
	return err.Error()
}
