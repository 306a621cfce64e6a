package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hoctap/internal/textnorm"
)

// dataDir holds the official files (../shared/data, read-only, not in the
// repository).
var dataDir = filepath.Join("..", "..", "..", "shared", "data")

func dataFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(dataDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the official catalogue file %s is not here (%v): these tests read ../shared/data", p, err)
	}
	return p
}

func readDoc(t testing.TB, path string) *Document {
	t.Helper()
	doc, err := ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return doc
}

// TestReadOfficialFiles reads the three files of ../shared/data: the row
// counts of its README, and not one row refused.
func TestReadOfficialFiles(t *testing.T) {
	for _, tt := range []struct {
		file   string
		format Format
		rows   int
	}{
		{"units-2025-03-01.csv", ThreeTier, 10035},
		{"units-2025-07-01.csv", TwoTier, 3321},
		{"merge-2025-07-01-hung-yen.csv", Merger, 104},
	} {
		t.Run(tt.file, func(t *testing.T) {
			doc := readDoc(t, dataFile(t, tt.file))
			if doc.Format != tt.format {
				t.Fatalf("format = %s, want %s", doc.Format, tt.format)
			}
			for _, is := range doc.Issues {
				t.Errorf("issue: %s", is.Message("en"))
			}
			n := 0
			if doc.Catalogue != nil {
				n = len(doc.Catalogue.Rows)
				provinces := map[string]bool{}
				for _, r := range doc.Catalogue.Rows {
					provinces[r.ProvinceCode] = true
				}
				want := map[Format]int{ThreeTier: 63, TwoTier: 34}[tt.format]
				if len(provinces) != want {
					t.Errorf("%d provinces, want %d", len(provinces), want)
				}
			} else {
				n = len(doc.Merger.Rows)
				for _, r := range doc.Merger.Rows {
					if len(r.Formers) == 0 {
						t.Errorf("row %d: no former communes read from %q", r.Line, r.Before)
					}
				}
			}
			if n != tt.rows {
				t.Fatalf("%d rows, want %d", n, tt.rows)
			}
		})
	}
}

// TestRead: headers matched loosely, a BOM skipped, leading zeros kept, and
// every bad row named by its spreadsheet row number.
func TestRead(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in      string
		format  Format
		rows    int
		issues  []string // "row column" of each issue
		wantErr bool
	}{
		{name: "two-tier with BOM", in: "\ufeffTỉnh Thành Phố,Mã TP,Phường Xã,Mã PX,Cấp\nThành phố Hà Nội,01,Phường Ba Đình,00004,Phường\n",
			format: TwoTier, rows: 1},
		{name: "headers loosely", in: "tinh thanh pho , MA TP,Quận  Huyện,ma qh,phuong xa,Mã PX,cap\r\nTỉnh A,01,Huyện B,001,Xã C,00001,Xã\r\n",
			format: ThreeTier, rows: 1},
		{name: "merger", in: "Tỉnh Thành Phố,Mã PX,Phường Xã (sau sắp xếp),Trước sắp xếp\nTỉnh A,00001,Xã C,\"Xã D, Xã E (phần còn lại, sau khi sáp nhập vào xã F)\"\n",
			format: Merger, rows: 1},
		{name: "bad rows", in: "Tỉnh Thành Phố,Mã TP,Phường Xã,Mã PX,Cấp\n" +
			"Tỉnh A,1,Xã B,00001,Xã\n" + // row 2: province code of 1 digit
			"Tỉnh A,01,Xã C,,Xã\n" + // row 3: no commune code
			"Tỉnh A,01,Xã D,00004\n" + // row 4: a column short
			"Tỉnh A,01,Xã E,00005,Xã\n" +
			"Tỉnh A,01,Xã F,00005,Xã\n" + // row 6: duplicate code
			"Tỉnh Z,01,Xã G,00007,Xã\n", // row 7: another name for 01
			format: TwoTier, rows: 1, issues: []string{"2 Mã TP", "3 Mã PX", "4 ", "6 Mã PX", "7 Mã TP"}},
		{name: "unknown header", in: "a,b,c\n1,2,3\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(strings.NewReader(tt.in), "x.csv")
			if tt.wantErr {
				var ce *Error
				if !errors.As(err, &ce) || ce.Issue.Row != 1 {
					t.Fatalf("Read = %v, want an error on row 1", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != tt.format {
				t.Fatalf("format %s, want %s", doc.Format, tt.format)
			}
			var got []string
			for _, is := range doc.Issues {
				got = append(got, strings.TrimSpace(strings.Join([]string{strconv.Itoa(is.Row), is.Column}, " ")))
			}
			if strings.Join(got, "|") != strings.TrimSpace(strings.Join(trimAll(tt.issues), "|")) {
				t.Fatalf("issues %q, want %q", got, tt.issues)
			}
			n := 0
			if doc.Catalogue != nil {
				n = len(doc.Catalogue.Rows)
				if doc.Catalogue.Rows[0].ProvinceCode != "01" && doc.Catalogue.Rows[0].ProvinceCode != "" {
					t.Errorf("province code %q lost its leading zero", doc.Catalogue.Rows[0].ProvinceCode)
				}
			} else {
				n = len(doc.Merger.Rows)
				f := doc.Merger.Rows[0].Formers
				if len(f) != 2 || !f[1].Part || f[1].Name != "Xã E" {
					t.Errorf("formers %+v, want Xã D and a part of Xã E", f)
				}
			}
			if n != tt.rows {
				t.Fatalf("%d rows, want %d", n, tt.rows)
			}
		})
	}
}

func trimAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strings.TrimSpace(x)
	}
	return out
}

// TestNames: both tone-mark placements meet, different tones stay apart
// where Fold cannot tell them, and the merger list's entries are read.
func TestNames(t *testing.T) {
	for _, tt := range []struct {
		a, b        string
		fold, exact bool
	}{
		{"Xã Thụy Anh", "Xã Thuỵ Anh", true, true},
		{"Xã Đông Hòa", "Xã Đông Hoà", true, true},
		{"Xã Đông Hòa", "Xã Đông Hóa", true, false},
		{"Xã Đông Hòa", "Xã Đông Hoa", true, false},
		{"Xã  Hòa-Bình", "xã hòa bình", true, true},
		{"Xã Hòa Bình", "Xã Hòa Bính", true, false},
	} {
		if got := textnorm.Fold(tt.a) == textnorm.Fold(tt.b); got != tt.fold {
			t.Errorf("Fold(%q) == Fold(%q): %v, want %v", tt.a, tt.b, got, tt.fold)
		}
		if got := exact(tt.a) == exact(tt.b); got != tt.exact {
			t.Errorf("exact(%q) == exact(%q): %v, want %v", tt.a, tt.b, got, tt.exact)
		}
	}
	for _, tt := range []struct{ name, typ, base string }{
		{"Thị trấn Đông Hưng", "thi tran", "dong hung"},
		{"Thị xã Mỹ Hào", "thi xa", "my hao"},
		{"Xã An Hiệp", "xa", "an hiep"},
		{"An Hiệp", "", "an hiep"},
		{"Xuân Trúc", "", "xuan truc"},
		{"Đặc khu Phú Quốc", "dac khu", "phu quoc"},
	} {
		if typ, base := splitType(tt.name); typ != tt.typ || base != tt.base {
			t.Errorf("splitType(%q) = %q, %q; want %q, %q", tt.name, typ, base, tt.typ, tt.base)
		}
	}
	got := splitFormers("Xã Minh Tân (huyện Hưng Hà), Xã Đình Dù (phần còn lại sau khi sáp nhập vào Xã A, Xã B), một phần Xã C, Thị trấn D")
	want := []Former{
		{Name: "Xã Minh Tân", Qualifier: "huyện Hưng Hà"},
		{Name: "Xã Đình Dù", Part: true},
		{Name: "Xã C", Part: true},
		{Name: "Thị trấn D"},
	}
	if len(got) != len(want) {
		t.Fatalf("splitFormers = %+v", got)
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Qualifier != want[i].Qualifier || got[i].Part != want[i].Part {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
