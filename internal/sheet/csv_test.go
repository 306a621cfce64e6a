package sheet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// households are the columns a household list is read with in these tests.
var households = []Column{
	{Key: "stt", Labels: []string{"STT", "Số thứ tự"}},
	{Key: "head", Labels: []string{"Họ tên chủ hộ", "Chủ hộ", "Họ tên"}, Required: true},
	{Key: "head_year", Labels: []string{"Năm sinh chủ hộ", "Năm sinh"}},
	{Key: "born", Labels: []string{"Ngày sinh"}},
	{Key: "phone", Labels: []string{"Điện thoại", "Số điện thoại", "SĐT"}},
	{Key: "address", Labels: []string{"Địa chỉ"}},
	{Key: "spouse", Labels: []string{"Vợ/chồng / Họ tên", "Họ tên vợ/chồng"}},
	{Key: "spouse_year", Labels: []string{"Vợ/chồng / Năm sinh"}},
}

// got is a row read, by key, with its number.
type got struct {
	num  int
	text map[string]string
}

// readAll reads every row of a book's sheet.
func readAll(t *testing.T, b *Book, sheet string, cols []Column) (*Table, []got) {
	t.Helper()
	tb, err := b.Read(sheet, cols...)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	defer tb.Close()
	var rows []got
	for tb.Next() {
		r := tb.Row()
		g := got{num: r.Num, text: map[string]string{}}
		for _, c := range cols {
			if v := r.Text(c.Key); v != "" {
				g.text[c.Key] = v
			}
		}
		rows = append(rows, g)
	}
	if err := tb.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	return tb, rows
}

func openCSV(t *testing.T, content string, opts Options) *Book {
	t.Helper()
	b, err := Open(strings.NewReader(content), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	if b.Format() != CSV {
		t.Fatalf("format %s, want csv", b.Format())
	}
	return b
}

func TestCSVVariants(t *testing.T) {
	const bom = "\ufeff"
	// Each file holds the same two households; the first data row is row
	// 4 (after a title row and a blank one) or 2.
	tests := []struct {
		name, content string
		first         int
	}{
		{"comma", "STT,Họ tên chủ hộ,Năm sinh,Điện thoại\r\n1,Nguyễn Văn An,1980,912345678\r\n2,\"Trần, Thị Bình\",1975,\"0912 345 678\"\r\n", 2},
		{"comma BOM", bom + "STT,Họ tên chủ hộ,Năm sinh,Điện thoại\n1,Nguyễn Văn An,1980,912345678\n2,\"Trần, Thị Bình\",1975,\"0912 345 678\"\n", 2},
		{"semicolon", "STT;Họ tên chủ hộ;Năm sinh;Điện thoại\n1;Nguyễn Văn An;1980;912345678\n2;Trần, Thị Bình;1975;0912 345 678\n", 2},
		{"semicolon BOM", bom + "STT;Họ tên chủ hộ;Năm sinh;Điện thoại\n1;Nguyễn Văn An;1980;912345678\n2;\"Trần, Thị Bình\";1975;0912 345 678\n", 2},
		// A title row with a comma in it above a semicolon header: the header
		// splits into more fields.
		{"title above", "DANH SÁCH HỘ GIA ĐÌNH THÔN ĐÔNG, XÃ AN BÌNH\n;;;\nSTT;Họ tên chủ hộ;Năm sinh;Điện thoại\n1;Nguyễn Văn An;1980;912345678\n2;Trần, Thị Bình;1975;0912 345 678\n", 4},
		{"Excel sep line", "sep=;\nSTT;Họ tên chủ hộ;Năm sinh;Điện thoại\n1;Nguyễn Văn An;1980;912345678\n2;Trần, Thị Bình;1975;0912 345 678\n", 2},
		// Headers as people write them: capitals without accents, spacing.
		{"loose headers", "stt,HO TEN CHU HO, năm  sinh ,SĐT\n1,Nguyễn Văn An,1980,912345678\n2,\"Trần, Thị Bình\",1975,0912 345 678\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := openCSV(t, tt.content, Options{})
			if s := b.Sheets(); len(s) != 1 || s[0] != CSVSheet {
				t.Fatalf("sheets %q", s)
			}
			tb, rows := readAll(t, b, "", households)
			if tb.HeaderRow != tt.first-1 {
				t.Errorf("header row %d, want %d", tb.HeaderRow, tt.first-1)
			}
			if len(rows) != 2 {
				t.Fatalf("%d rows, want 2: %v", len(rows), rows)
			}
			if rows[0].num != tt.first || rows[1].num != tt.first+1 {
				t.Errorf("row numbers %d, %d; want %d, %d", rows[0].num, rows[1].num, tt.first, tt.first+1)
			}
			if h := rows[1].text["head"]; h != "Trần, Thị Bình" {
				t.Errorf("head %q: the quoted comma split the field", h)
			}
			if y := rows[0].text["head_year"]; y != "1980" {
				t.Errorf("year %q", y)
			}
			if p := rows[1].text["phone"]; p != "0912 345 678" {
				t.Errorf("phone %q", p)
			}
		})
	}
}

func TestCSVQuotedAndRagged(t *testing.T) {
	content := "Họ tên chủ hộ,Địa chỉ,Điện thoại,Năm sinh\n" +
		"\"Nguyễn Văn \"\"Tư\"\"\",\"Thôn Đông;\nxóm 2\",0912345678\n" + // a quote, a semicolon and a line break inside; no year
		",,,\n" + // an empty row
		"Lê Thị Hoa\n" + // only the first cell
		"Phạm Văn Nam,Thôn Tây,0987654321,1970,ghi chú thừa\n" // one cell too many
	b := openCSV(t, content, Options{})
	_, rows := readAll(t, b, "", households)
	want := []got{
		{2, map[string]string{"head": "Nguyễn Văn \"Tư\"", "address": "Thôn Đông;\nxóm 2", "phone": "0912345678"}},
		// The quoted line break keeps row 2 one row, as in Excel.
		{4, map[string]string{"head": "Lê Thị Hoa"}},
		{5, map[string]string{"head": "Phạm Văn Nam", "address": "Thôn Tây", "phone": "0987654321", "head_year": "1970"}},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		if rows[i].num != want[i].num || !equalMaps(rows[i].text, want[i].text) {
			t.Errorf("row %d = %v, want %v", i, rows[i], want[i])
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCSVTwoRowHeaderWithoutMerges(t *testing.T) {
	// A group header exported to CSV: the group's cell is followed by empty
	// ones over its sub-headers.
	content := "STT,Thông tin chủ hộ,,Vợ/chồng,,Địa chỉ\n" +
		",Họ tên,Năm sinh,Họ tên,Năm sinh,\n" +
		"1,Nguyễn Văn An,1980,Trần Thị Bình,1982,Thôn Đông\n"
	b := openCSV(t, content, Options{})
	tb, rows := readAll(t, b, "", households)
	if tb.HeaderRow != 1 || tb.HeaderRows != 2 {
		t.Fatalf("header %d+%d, want 1+2", tb.HeaderRow, tb.HeaderRows)
	}
	want := map[string]string{"stt": "1", "head": "Nguyễn Văn An", "head_year": "1980",
		"spouse": "Trần Thị Bình", "spouse_year": "1982", "address": "Thôn Đông"}
	if len(rows) != 1 || rows[0].num != 3 || !equalMaps(rows[0].text, want) {
		t.Fatalf("rows %v, want row 3 %v", rows, want)
	}
}

func TestCSVNotUTF8(t *testing.T) {
	// "Họ tên" saved as Windows-1258 by Excel's plain "CSV" format.
	content := "STT,H\xd2 t\xean ch\xf0 h\xd2,Năm sinh\n1,Nguyễn Văn An,1980\n2,Tr\xe2\xd2n Th\xd2,1975\n"
	b := openCSV(t, content, Options{MinMatch: 1})
	tb, err := b.Read("", households...)
	if err == nil {
		for tb.Next() {
		}
		err = tb.Err()
	}
	var p *Problem
	if !errors.As(err, &p) || p.Msg != msgNotUTF8 || p.Row != 1 {
		t.Fatalf("err %v, want the not-UTF-8 problem at row 1", err)
	}
}

func TestCSVReadOnce(t *testing.T) {
	b := openCSV(t, "Họ tên chủ hộ,Năm sinh\nAn,1980\n", Options{})
	if _, err := b.Read("", households...); err != nil {
		t.Fatal(err)
	}
	_, err := b.Read("", households...)
	var p *Problem
	if !errors.As(err, &p) || p.Msg != msgReadOnce {
		t.Fatalf("second read: %v", err)
	}
}

func TestDetectByContent(t *testing.T) {
	dir := t.TempDir()
	// A CSV named .xlsx is still a CSV.
	path := filepath.Join(dir, "ho.xlsx")
	if err := os.WriteFile(path, []byte("Họ tên chủ hộ;Năm sinh\nAn;1980\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := OpenFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Format() != CSV {
		t.Fatalf("format %s", b.Format())
	}
	_, rows := readAll(t, b, "", households)
	if len(rows) != 1 || rows[0].text["head_year"] != "1980" {
		t.Fatalf("rows %v", rows)
	}
	// A damaged workbook is named as one.
	_, err = Open(strings.NewReader("PK\x03\x04 not really a zip"), Options{TmpDir: dir})
	var bad *Problem
	if !errors.As(err, &bad) || bad.Msg != msgBadXLSX {
		t.Fatalf("damaged xlsx: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("spooled copy left behind: %v", left)
	}
	// An Excel 97–2003 file is refused with a way out.
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	_, err = Open(strings.NewReader(string(xls)), Options{})
	var p *Problem
	if !errors.As(err, &p) || p.Msg != msgOldExcel {
		t.Fatalf("xls: %v", err)
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1;2;3\n", ';'},
		{"\"x;y;z\",b\n", ','}, // semicolons inside quotes do not count
		{"Title, with comma\na;b;c\n", ';'},
		{"a;b,c\n", ','}, // a tie is a comma
		{"one column\n", ','},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.in), DefaultHeaderRows); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
