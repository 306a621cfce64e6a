// Package catalog reads the national catalogue of administrative units (the
// statistics office's spreadsheet export, three-tier before 1/7/2025 and
// two-tier after) and a province's merger list, and compares them with the
// tree in the database at a date: the result is a reorganisation spec
// (internal/reorg/spec) of what can be applied, and a report, province by
// province, of what cannot and why, naming each row.
package catalog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/i18n"
	"hoctap/internal/textnorm"
)

// Format is the kind of file, told by its header row.
type Format string

// The formats read.
const (
	// ThreeTier is the catalogue before the 2025 reform: province,
	// district, commune.
	ThreeTier Format = "THREE_TIER"
	// TwoTier is the catalogue after it: province, commune.
	TwoTier Format = "TWO_TIER"
	// Merger is a merger list: each new commune and the former ones it was
	// formed from.
	Merger Format = "MERGER"
)

// The column headings, as the catalogue's export writes them.
const (
	colProvince     = "Tỉnh Thành Phố"
	colProvinceCode = "Mã TP"
	colDistrict     = "Quận Huyện"
	colDistrictCode = "Mã QH"
	colCommune      = "Phường Xã"
	colCommuneCode  = "Mã PX"
	colLevel        = "Cấp"
	colNewCommune   = "Phường Xã (sau sắp xếp)"
	colBefore       = "Trước sắp xếp"
)

var formats = []struct {
	format  Format
	columns []string
}{
	{ThreeTier, []string{colProvince, colProvinceCode, colDistrict, colDistrictCode, colCommune, colCommuneCode, colLevel}},
	{TwoTier, []string{colProvince, colProvinceCode, colCommune, colCommuneCode, colLevel}},
	{Merger, []string{colProvince, colCommuneCode, colNewCommune, colBefore}},
}

// Row is one commune of a catalogue.
type Row struct {
	// Line is the row's number as a spreadsheet shows it: the header is 1.
	Line                       int
	ProvinceName, ProvinceCode string
	// DistrictName and DistrictCode are empty in a two-tier catalogue.
	DistrictName, DistrictCode string
	Name, Code, Type           string
}

// Catalogue is a catalogue file read.
type Catalogue struct {
	File   string
	Format Format
	Rows   []Row
}

// MergerRow is one new commune of a merger list.
type MergerRow struct {
	Line         int
	ProvinceName string
	Code, Name   string
	// Before is the list of former units as written; Formers its entries.
	Before  string
	Formers []Former
}

// MergerList is a merger list file read.
type MergerList struct {
	File string
	Rows []MergerRow
}

// Document is a file read: a catalogue or a merger list, with the rows it
// could not take.
type Document struct {
	Format    Format
	Catalogue *Catalogue
	Merger    *MergerList
	Issues    []Issue
}

var (
	msgHeader = i18n.Message{
		VI: "Không nhận ra định dạng tệp: dòng tiêu đề phải là của danh mục đơn vị hành chính (%s) hoặc của danh sách sắp xếp (%s).",
		EN: "Unknown file format: the header row must be the catalogue's (%s) or the merger list's (%s)."}
	msgEmptyFile   = i18n.Message{VI: "Tệp rỗng.", EN: "The file is empty."}
	msgFieldCount  = i18n.Message{VI: "Dòng có %d cột, cần %d.", EN: "The row has %d columns, %d expected."}
	msgEmpty       = i18n.Message{VI: "Thiếu giá trị.", EN: "The value is missing."}
	msgCode        = i18n.Message{VI: "Mã phải gồm %d chữ số.", EN: "The code must be %d digits."}
	msgDuplicate   = i18n.Message{VI: "Mã %s đã có ở dòng %d.", EN: "Code %s is already on row %d."}
	msgCSV         = i18n.Message{VI: "Không đọc được dòng: %s.", EN: "The row cannot be read: %s."}
	msgConflicting = i18n.Message{VI: "Mã %s mang tên khác ở dòng %d (%s).", EN: "Code %s has another name on row %d (%s)."}
)

// ReadFile reads a catalogue or merger list from a file.
func ReadFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	return Read(f, filepath.Base(path))
}

// Read reads a catalogue or a merger list, told apart by its header row.
// Rows are read one at a time; a row that cannot be taken is an issue naming
// it, and reading goes on, so one pass reports every bad row. Only a file
// whose header is not one of the formats is an error.
func Read(r io.Reader, file string) (*Document, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Issue: Issue{File: file, Row: 1, Msg: msgEmptyFile}}
	}
	if err != nil {
		return nil, &Error{Issue: Issue{File: file, Row: 1, Msg: msgCSV, Args: []any{err.Error()}}}
	}
	format, cols := detect(header)
	if format == "" {
		return nil, &Error{Issue: Issue{File: file, Row: 1, Value: strings.Join(header, ","), Msg: msgHeader,
			Args: []any{strings.Join(formats[0].columns, ", "), strings.Join(formats[2].columns, ", ")}}}
	}
	doc := &Document{Format: format}
	rd := reader{doc: doc, file: file, cols: cols, seen: map[string]int{}, names: map[string]named{}}
	if format == Merger {
		doc.Merger = &MergerList{File: file}
	} else {
		doc.Catalogue = &Catalogue{File: file, Format: format}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				doc.Issues = append(doc.Issues, Issue{File: file, Row: line, Msg: msgCSV, Args: []any{pe.Err.Error()}})
				continue
			}
			return nil, fmt.Errorf("catalog: read %s: %w", file, err)
		}
		rd.row(line, rec)
	}
	return doc, nil
}

// detect tells the format of a header row, matching headings loosely
// (case, accents, spacing), and where each column is.
func detect(header []string) (Format, map[string]int) {
	at := map[string]int{}
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		at[textnorm.Fold(h)] = i
	}
	for _, f := range formats {
		cols := map[string]int{}
		for _, c := range f.columns {
			i, ok := at[textnorm.Fold(c)]
			if !ok {
				break
			}
			cols[c] = i
		}
		// Every heading of the format and no heading of a richer one: a
		// three-tier file also has every two-tier heading.
		if len(cols) == len(f.columns) && len(header) == len(f.columns) {
			return f.format, cols
		}
	}
	return "", nil
}

// named is where a code was first seen, and with what name.
type named struct {
	line int
	name string
}

type reader struct {
	doc   *Document
	file  string
	cols  map[string]int
	seen  map[string]int   // commune code → row
	names map[string]named // province or district code → first row naming it
}

func (rd *reader) issue(line int, col, value string, msg i18n.Message, args ...any) {
	rd.doc.Issues = append(rd.doc.Issues, Issue{File: rd.file, Row: line, Column: col, Value: value, Msg: msg, Args: args})
}

// row takes one record, or says what is wrong with it.
func (rd *reader) row(line int, rec []string) {
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return // a blank line at the end of a hand-edited file
	}
	if len(rec) != len(rd.cols) {
		rd.issue(line, "", strings.Join(rec, ","), msgFieldCount, len(rec), len(rd.cols))
		return
	}
	get := func(col string) string { return norm.NFC.String(strings.TrimSpace(rec[rd.cols[col]])) }
	ok := true
	need := func(col string, digits int) string {
		v := get(col)
		switch {
		case v == "":
			rd.issue(line, col, v, msgEmpty)
			ok = false
		case digits > 0 && (len(v) != digits || strings.Trim(v, "0123456789") != ""):
			rd.issue(line, col, v, msgCode, digits)
			ok = false
		}
		return v
	}
	if rd.doc.Format == Merger {
		mr := MergerRow{Line: line, ProvinceName: need(colProvince, 0), Code: need(colCommuneCode, 5),
			Name: need(colNewCommune, 0), Before: need(colBefore, 0)}
		if !ok || !rd.unique(line, mr.Code) {
			return
		}
		mr.Formers = splitFormers(mr.Before)
		rd.doc.Merger.Rows = append(rd.doc.Merger.Rows, mr)
		return
	}
	r := Row{Line: line, ProvinceName: need(colProvince, 0), ProvinceCode: need(colProvinceCode, 2),
		Name: need(colCommune, 0), Code: need(colCommuneCode, 5), Type: need(colLevel, 0)}
	if rd.doc.Format == ThreeTier {
		r.DistrictName, r.DistrictCode = need(colDistrict, 0), need(colDistrictCode, 3)
	}
	if !ok || !rd.unique(line, r.Code) ||
		!rd.consistent(line, colProvinceCode, "tp:"+r.ProvinceCode, r.ProvinceCode, r.ProvinceName) ||
		(r.DistrictCode != "" && !rd.consistent(line, colDistrictCode, "qh:"+r.DistrictCode, r.DistrictCode, r.DistrictName)) {
		return
	}
	rd.doc.Catalogue.Rows = append(rd.doc.Catalogue.Rows, r)
}

// unique checks that a commune code appears once in the file.
func (rd *reader) unique(line int, code string) bool {
	if first, dup := rd.seen[code]; dup {
		rd.issue(line, colCommuneCode, code, msgDuplicate, code, first)
		return false
	}
	rd.seen[code] = line
	return true
}

// consistent checks that a province's or district's code keeps one name
// through the file.
func (rd *reader) consistent(line int, col, key, code, name string) bool {
	first, seen := rd.names[key]
	if !seen {
		rd.names[key] = named{line, name}
		return true
	}
	if textnorm.Fold(first.name) != textnorm.Fold(name) {
		rd.issue(line, col, code, msgConflicting, code, first.line, first.name)
		return false
	}
	return true
}
