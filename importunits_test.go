package main

import (
	"bytes"
	"context"
	"os"
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
		base := []string{"--db", db.DSN, "--catalogue", data + "units-2025-07-01.csv", "--merger", data + "merge-2025-07-01-hung-yen.csv", "--date", "2025-06-30"}
		for _, tt := range []struct {
			name    string
			args    []string
			want    string
			wantErr string
		}{
			{name: "vietnamese", args: append(base, "--dry-run"), want: "Tỉnh Hưng Yên (33): KHÔNG áp dụng được"},
			{name: "english", args: append(base, "--dry-run", "--lang", "en"), want: "row 35, column «Trước sắp xếp»: \"Xã Kim Trung\""},
			{name: "no date", args: base[:6], wantErr: "--date"},
			{name: "merger list as catalogue", args: []string{"--db", db.DSN, "--catalogue", data + "merge-2025-07-01-hung-yen.csv", "--date", "2025-06-30"}, wantErr: "not a catalogue"},
			{name: "no catalogue", args: []string{"--db", db.DSN, "--date", "2025-06-30"}, wantErr: "--catalogue is required"},
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
	})
}
