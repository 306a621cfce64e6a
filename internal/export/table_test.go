package export

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"hoctap/internal/i18n"
)

func TestFormatText(t *testing.T) {
	localMidnight := time.Date(2021, 12, 10, 0, 0, 0, 0, i18n.Vietnam).UTC() // 2021-12-09T17:00Z
	for _, tt := range []struct {
		v    any
		k    kind
		want string
	}{
		{nil, percent, ""},
		{"Hộ ông An", text, "Hộ ông An"},
		{12, count, "12"},
		{82.5, number, "82.5"},
		{80.0, number, "80"},
		{0.625, percent, "62.5"},
		{1.0 / 3, percent, "33.33"},
		{1.0, percent, "100"},
		{time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC), date, "10/12/2021"},
		{localMidnight, date, "10/12/2021"},
	} {
		if got := formatText(tt.v, tt.k); got != tt.want {
			t.Errorf("formatText(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestCSVFormulas checks that text a user typed cannot run as a
// spreadsheet formula, while numbers stay numbers.
func TestCSVFormulas(t *testing.T) {
	tbl := &table{
		columns: []column{{"Tên", text, 10}, {"Số", count, 10}, {"Tỷ lệ", percent, 10}},
		rows: [][]any{
			{"=HYPERLINK(\"http://x\")", -1, 0.5},
			{"+84 912", 0, nil},
			{"@SUM(A1)", 3, 1.0},
			{"Hộ ông An", 4, 0.0},
		},
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte(bom)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tên", "Số", "Tỷ lệ"},
		{"'=HYPERLINK(\"http://x\")", "-1", "50"},
		{"'+84 912", "0", ""},
		{"'@SUM(A1)", "3", "100"},
		{"Hộ ông An", "4", "0"},
	}
	for i := range want {
		for j := range want[i] {
			if records[i][j] != want[i][j] {
				t.Errorf("cell %d,%d = %q, want %q", i, j, records[i][j], want[i][j])
			}
		}
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"01/QĐ-UBND", "01-qd-ubnd"},
		{"90101.01", "90101-01"},
		{"  125 / QĐ – UBND ", "125-qd-ubnd"},
		{"../../etc/passwd", "etc-passwd"},
	} {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in     string
		id     int
		format Format
		ok     bool
	}{
		{"12.csv", 12, CSV, true},
		{"12.xlsx", 12, XLSX, true},
		{"12.html", 12, HTML, true},
		{"12.tar.csv", 0, CSV, false},
		{"12.CSV", 0, "", false},
		{"12", 0, "", false},
		{"abc.csv", 0, CSV, false},
		{"0.csv", 0, CSV, false},
	} {
		id, f, err := decisionFile(tt.in)
		if (err == nil) != tt.ok || id != tt.id || tt.ok && f != tt.format {
			t.Errorf("decisionFile(%q) = %d, %q, %v", tt.in, id, f, err)
		}
	}
}
