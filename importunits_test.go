package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/internal/catalog"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
)

// TestImportUnitsCommand runs `hoctap import-units` on a database built from
// the old catalogue's Hưng Yên and Thái Bình: it prints the report in the
// language asked, and refuses what it cannot read.
func TestImportUnitsCommand(t *testing.T) {
	const data = "../shared/data/"
	if _, err := os.Stat(data + "units-2025-03-01.csv"); err != nil {
		t.Skipf("the official catalogue is not in %s (%v)", data, err)
	}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		doc, err := catalog.ReadFile(data + "units-2025-03-01.csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := catalog.Load(context.Background(), db, doc.Catalogue, catalog.LoadOptions{Provinces: []string{"33", "34"}}); err != nil {
			t.Fatal(err)
		}
		base := []string{"--db", db.DSN, "--catalogue", data + "units-2025-07-01.csv", "--merger", data + "merge-2025-07-01-hung-yen.csv", "--effective", "2025-07-01"}
		for _, tt := range []struct {
			name    string
			args    []string
			want    string
			wantErr string
		}{
			{name: "vietnamese", args: append(base, "--dry-run"), want: "Tỉnh Hưng Yên (33): KHÔNG áp dụng được"},
			{name: "english", args: append(base, "--dry-run", "--lang", "en"), want: "row 35, column «Trước sắp xếp»: \"Xã Kim Trung\""},
			{name: "no date", args: base[:6], wantErr: "--effective"},
			{name: "no decision", args: base, wantErr: "--number and --title"},
			{name: "merger list as catalogue", args: []string{"--db", db.DSN, "--catalogue", data + "merge-2025-07-01-hung-yen.csv", "--effective", "2025-07-01", "--dry-run"}, wantErr: "not a catalogue"},
			{name: "no catalogue", args: []string{"--db", db.DSN, "--effective", "2025-07-01"}, wantErr: "--catalogue is required"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var out bytes.Buffer
				err := runImportUnits(context.Background(), tt.args, func(string) string { return "" }, &out)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("import-units = %v, want an error naming %s", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out.String(), tt.want) {
					t.Fatalf("output lacks %q:\n%s", tt.want, out.String())
				}
			})
		}

		// With row 35 of the published list corrected ("Kim Trung" is the
		// catalogue's "Kim Chung"), the reform plans and applies.
		published, err := os.ReadFile(data + "merge-2025-07-01-hung-yen.csv")
		if err != nil {
			t.Fatal(err)
		}
		fixed := filepath.Join(t.TempDir(), "merge.csv")
		if err := os.WriteFile(fixed, bytes.ReplaceAll(published, []byte("Xã Kim Trung"), []byte("Xã Kim Chung")), 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		args := []string{"--db", db.DSN, "--catalogue", data + "units-2025-07-01.csv", "--merger", fixed, "--effective", "2025-07-01",
			"--number", "1665/NQ-UBTVQH15", "--title", "Sắp xếp đơn vị hành chính cấp xã tỉnh Hưng Yên", "--signed", "2025-06-16", "--lang", "en"}
		if err := runImportUnits(context.Background(), args, func(string) string { return "" }, &out); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		for _, want := range []string{"No problems: it can be applied.", "Applied decision 1665/NQ-UBTVQH15"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
}
