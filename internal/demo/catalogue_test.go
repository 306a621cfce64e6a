package demo_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"hoctap/internal/demo"
)

// sharedData is the team's copy of the official catalogue (see its README).
const sharedData = "../../../shared/data"

// TestEmbeddedCatalogue proves that each file the binary embeds holds
// exactly its provinces' rows of the shared catalogue, in the same order:
// cut again with the filter below if the shared data changes.
func TestEmbeddedCatalogue(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("the shared catalogue is not here, nothing to compare the embedded rows with (%v)", err)
	}
	for _, tt := range []struct {
		embedded, shared string
		provinceColumn   int // -1: every row
		provinces        []string
	}{
		{demo.Units20250301, "units-2025-03-01.csv", 1, []string{"33", "34"}},
		{demo.Units20250701, "units-2025-07-01.csv", 1, []string{"33"}},
		{demo.MergeHungYen20250701, "merge-2025-07-01-hung-yen.csv", -1, nil},
	} {
		t.Run(tt.shared, func(t *testing.T) {
			f, err := os.Open(filepath.Join(sharedData, tt.shared))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			all, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := all[:1]
			for _, r := range all[1:] {
				if tt.provinceColumn < 0 || slices.Contains(tt.provinces, r[tt.provinceColumn]) {
					want = append(want, r)
				}
			}
			e, err := demo.Data.Open(tt.embedded)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			got, err := csv.NewReader(e).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 2 {
				t.Fatalf("%s has no rows of provinces %v", tt.shared, tt.provinces)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d rows, want the %d of %s", tt.embedded, len(got), len(want), tt.shared)
			}
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("%s row %d = %q, want %q", tt.embedded, i, got[i], want[i])
				}
			}
		})
	}
}
