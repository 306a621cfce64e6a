package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// rawValues asks excelize for cells as stored, not as displayed: a date
// cell's serial number (its display, "01-01-20" under Excel's default date
// format, is month first and two-digit-year), a phone number's digits
// without a display format's spaces.
var rawValues = excelize.Options{RawCellValue: true}

// xlsxSource reads the rows of a worksheet. excelize's iterator stops once
// per row number, present in the file or not, so counting stops numbers
// rows as Excel does.
type xlsxSource struct {
	rows  *excelize.Rows
	num   int
	cells []string
	e     error
}

func newXLSXSource(xf *excelize.File, sheet string) (*xlsxSource, error) {
	rows, err := xf.Rows(sheet)
	if err != nil {
		return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	return &xlsxSource{rows: rows}, nil
}

func (s *xlsxSource) next() bool {
	if s.e != nil || !s.rows.Next() {
		if s.e == nil {
			s.e = s.rows.Error()
		}
		return false
	}
	s.num++
	s.cells, s.e = s.rows.Columns(rawValues)
	if s.e != nil {
		s.e = &Problem{Row: s.num, Msg: msgBadXLSX, Args: []any{s.e.Error()}}
		return false
	}
	return true
}

func (s *xlsxSource) row() (int, []string) { return s.num, s.cells }
func (s *xlsxSource) err() error           { return s.e }
func (s *xlsxSource) close() error         { return s.rows.Close() }

// rect is a merged range, 0-based and inclusive.
type rect struct{ col1, row1, col2, row2 int }

// readMerges returns the merged ranges of a sheet that start in its first
// maxRow rows. excelize's GetMergeCells would parse the whole worksheet
// into memory (and Rows would then write it back out), which a sheet of
// 600,000 rows cannot afford; so the worksheet's XML is streamed from the
// zip and searched for <mergeCells>, which follows the cell data, and only
// that element is parsed. It costs one more pass of inflating the sheet.
func readMerges(file, sheet string, maxRow int) ([]rect, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	defer zr.Close()
	part, err := sheetPart(&zr.Reader, sheet)
	if err != nil || part == nil {
		return nil, err // a workbook laid out unusually: read it without merges
	}
	rc, err := part.Open()
	if err != nil {
		return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	defer rc.Close()
	r, err := seekElement(rc, "mergeCells")
	if err != nil || r == nil {
		return nil, err
	}
	var merges []rect
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return merges, nil // a truncated tail: keep what was read
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local != "mergeCell" {
				continue
			}
			for _, a := range el.Attr {
				if a.Name.Local != "ref" {
					continue
				}
				if m, ok := parseRange(a.Value); ok && m.row1 < maxRow {
					merges = append(merges, m)
				}
			}
		case xml.EndElement:
			if el.Name.Local == "mergeCells" {
				return merges, nil
			}
		}
	}
}

// seekElement reads r up to the start tag of an element named name (with
// any namespace prefix), and returns a reader from that tag on; nil if
// there is none. Cell text cannot hold a raw '<', so a match is a tag.
func seekElement(r io.Reader, name string) (io.Reader, error) {
	// keep is the tail carried from one chunk to the next, where a tag cut
	// in two may start.
	const keep, chunk = 64, 64 << 10
	buf := make([]byte, keep+chunk)
	carried := 0
	for {
		n, err := io.ReadFull(r, buf[carried:])
		b := buf[:carried+n]
		if i := tagStart(b, name); i >= 0 {
			return io.MultiReader(bytes.NewReader(b[i:]), r), nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, nil
		}
		if err != nil {
			return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
		}
		carried = copy(buf, b[len(b)-keep:])
	}
}

// tagStart finds "<name" or "<prefix:name" followed by a space, '>' or '/'.
func tagStart(b []byte, name string) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(name))
		if i < 0 {
			return -1
		}
		i += off
		off = i + len(name)
		if off >= len(b) || !strings.ContainsRune(" \t\r\n>/", rune(b[off])) {
			continue
		}
		j := i - 1
		for j >= 0 && j > i-32 && isNameByte(b[j]) {
			j--
		}
		if j >= 0 && b[j] == '<' && (j == i-1 || b[i-1] == ':') {
			return j
		}
	}
}

func isNameByte(c byte) bool {
	return c == ':' || c == '_' || c == '-' || c == '.' ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseRange reads "B3:D4".
func parseRange(ref string) (rect, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return rect{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return rect{}, false
	}
	return rect{min(c1, c2) - 1, min(r1, r2) - 1, max(c1, c2) - 1, max(r1, r2) - 1}, true
}

// sheetPart finds a sheet's worksheet in the zip through the workbook and
// its relationships; nil when the workbook is not where Excel puts it.
func sheetPart(zr *zip.Reader, sheet string) (*zip.File, error) {
	const (
		workbook = "xl/workbook.xml"
		rels     = "xl/_rels/workbook.xml.rels"
	)
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = f
	}
	var id string
	err := eachElement(files[workbook], "sheet", func(attr map[string]string) bool {
		if strings.EqualFold(attr["name"], sheet) {
			id = attr["id"]
			return false
		}
		return true
	})
	if err != nil || id == "" {
		return nil, err
	}
	var target string
	err = eachElement(files[rels], "Relationship", func(attr map[string]string) bool {
		if attr["Id"] == id {
			target = attr["Target"]
			return false
		}
		return true
	})
	if err != nil || target == "" {
		return nil, err
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else {
		target = path.Join("xl", target)
	}
	return files[strings.ToLower(target)], nil
}

// eachElement calls fn with the attributes (by local name) of each element
// named name in a small XML part, until fn returns false.
func eachElement(f *zip.File, name string, fn func(map[string]string) bool) error {
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &Problem{Msg: msgBadXLSX, Args: []any{fmt.Sprintf("%s: %v", f.Name, err)}}
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == name {
			attr := make(map[string]string, len(el.Attr))
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			if !fn(attr) {
				return nil
			}
		}
	}
}
