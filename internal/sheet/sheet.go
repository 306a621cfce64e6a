// Package sheet reads the household, clan and citizen lists that villages and
// communes send, as Excel workbooks (.xlsx) or CSV files, one row at a time.
//
// Such lists are made by hand, so the reader is forgiving where people
// differ and strict where a wrong guess would import wrong data. It finds
// the header below title rows, through merged and two-row headers, and
// matches it loosely (case, accents, spacing, punctuation, synonyms); it
// names each row and column as Excel shows them, so a report can say "row
// 17, column C (Ngày sinh)"; and its value parsers take the dates, phone
// numbers and ticks people type, refusing, with a message in Vietnamese and
// English, what they cannot read for sure.
//
// Memory stays flat however long the sheet: rows are read as a stream
// (excelize's Rows iterator, encoding/csv) and only the current row and the
// few rows searched for the header are held. What an XLSX costs besides is
// excelize's: its shared-strings table (one entry per distinct text of the
// workbook) and any part of the zip under unzipInMemory unpacked in
// memory, larger ones in temporary files. An XLSX read from an io.Reader is first spooled
// to a temporary file, since a zip is read from its end; a CSV is read
// straight from the reader.
//
// Finding merged header cells costs one more pass over the worksheet: its
// XML is inflated again and searched for the merges, which follow the cell
// data (excelize's GetMergeCells would load the whole sheet). Merged cells
// are filled in the header rows only; a data cell merged over several rows
// reads as empty below its first row.
//
// XLSX cells are read as stored, not as displayed: a date cell gives its
// serial number, which the date parsers read (its display under Excel's
// default format, month first with a two-digit year, could not be read
// safely), and a number gives its digits without its display format (a
// code typed as the number 1 and shown as "01" by a format reads "1").
// Text comes back trimmed and in Unicode NFC; Options.Normalize may change
// it further (converting legacy-font text, say) before headers are matched
// and values returned.
package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is the kind of file, told by its first bytes.
type Format string

// The formats read.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// CSVSheet is the name of the one sheet of a CSV file.
const CSVSheet = "CSV"

// Defaults of Options.
const (
	// DefaultHeaderRows is how many rows are searched for the header: room
	// for a few title lines (the list's name, the village, the date) and a
	// blank row or two above it.
	DefaultHeaderRows = 20
	// defaultMinMatch is how many expected columns a row must have to be
	// the header, when the caller does not say: two, since one could be a
	// title that happens to read like a header.
	defaultMinMatch = 2
)

// Options tune a Book. The zero value is ready to use.
type Options struct {
	// Normalize, if set, transforms the text of every cell (after trimming,
	// before headers are matched and values returned).
	Normalize func(string) string
	// HeaderRows is how many rows are searched for the header;
	// DefaultHeaderRows if 0.
	HeaderRows int
	// MinMatch is how many expected columns a row must have to be the
	// header; if 0, two (or all of them when fewer are expected).
	MinMatch int
	// TmpDir is where an uploaded XLSX is spooled and excelize unpacks
	// large parts; the system's if empty.
	TmpDir string
}

// The first bytes of the files told apart.
var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts an Excel 97–2003 workbook, and an encrypted .xlsx.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Book is an open file: a workbook's sheets, or the one sheet of a CSV.
type Book struct {
	format   Format
	opts     Options
	xf       *excelize.File
	path     string // the XLSX on disk
	spooled  bool   // path is ours to remove
	sheets   []string
	date1904 bool
	csv      io.Reader // the CSV after its first bytes were looked at
	closer   io.Closer // the CSV file OpenFile opened
	csvRead  bool
}

// OpenFile opens an XLSX or CSV file, told by its content, not its name.
func OpenFile(path string, opts Options) (*Book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sheet: %w", err)
	}
	br := bufio.NewReader(f)
	magic, _ := br.Peek(len(oleMagic))
	switch {
	case bytes.HasPrefix(magic, zipMagic):
		f.Close()
		return openXLSX(path, false, opts)
	case bytes.HasPrefix(magic, oleMagic):
		f.Close()
		return nil, &Problem{Msg: msgOldExcel}
	}
	return &Book{format: CSV, opts: opts, sheets: []string{CSVSheet}, csv: br, closer: f}, nil
}

// Open opens an XLSX or CSV file read from r, told by its content. An XLSX is
// first copied to a temporary file (removed by Close); a CSV is read from r
// as its rows are asked for, so r must stay open until then.
func Open(r io.Reader, opts Options) (*Book, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(len(oleMagic))
	switch {
	case bytes.HasPrefix(magic, oleMagic):
		return nil, &Problem{Msg: msgOldExcel}
	case !bytes.HasPrefix(magic, zipMagic):
		return &Book{format: CSV, opts: opts, sheets: []string{CSVSheet}, csv: br}, nil
	}
	tmp, err := os.CreateTemp(opts.TmpDir, "hoctap-sheet-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("sheet: spool upload: %w", err)
	}
	_, err = io.Copy(tmp, br)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("sheet: spool upload: %w", err)
	}
	b, err := openXLSX(tmp.Name(), true, opts)
	if err != nil {
		os.Remove(tmp.Name())
	}
	return b, err
}

// unzipInMemory is the largest part of a workbook excelize unpacks in
// memory: a village's list, not a province's (excelize's default is 16
// MB, a tenth of the server's memory budget, and a workbook of two sheets
// held two).
const unzipInMemory = 1 << 20

func openXLSX(path string, spooled bool, opts Options) (*Book, error) {
	xf, err := excelize.OpenFile(path, excelize.Options{TmpDir: opts.TmpDir, UnzipXMLSizeLimit: unzipInMemory})
	if err != nil {
		return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	props, err := xf.GetWorkbookProps()
	if err != nil {
		xf.Close()
		return nil, &Problem{Msg: msgBadXLSX, Args: []any{err.Error()}}
	}
	b := &Book{format: XLSX, opts: opts, xf: xf, path: path, spooled: spooled, sheets: xf.GetSheetList()}
	b.date1904 = props.Date1904 != nil && *props.Date1904
	return b, nil
}

// Format is the kind of file.
func (b *Book) Format() Format { return b.format }

// Sheets lists the sheets' names in workbook order; a CSV has one, CSVSheet.
func (b *Book) Sheets() []string { return append([]string(nil), b.sheets...) }

// Close releases the file and removes the temporary files.
func (b *Book) Close() error {
	var errs []error
	if b.xf != nil {
		errs = append(errs, b.xf.Close())
	}
	if b.spooled {
		errs = append(errs, os.Remove(b.path))
	}
	if b.closer != nil {
		errs = append(errs, b.closer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sheet: close: %w", err)
	}
	return nil
}

// Read starts reading a sheet ("" is the first): it finds the header that
// names cols and returns the table of the rows below it. It fails with a
// *HeaderError when no header is found or a required column is missing, a
// *Problem when the sheet does not exist or the file cannot be read. A
// workbook's sheets may be read as often as wanted; a CSV, once.
func (b *Book) Read(sheet string, cols ...Column) (*Table, error) {
	m, err := newMatcher(cols)
	if err != nil {
		return nil, err
	}
	name, err := b.lookup(sheet)
	if err != nil {
		return nil, err
	}
	opts := b.opts
	if opts.HeaderRows <= 0 {
		opts.HeaderRows = DefaultHeaderRows
	}
	if opts.MinMatch <= 0 {
		opts.MinMatch = min(defaultMinMatch, len(cols))
	}
	var src source
	var merges []rect
	switch b.format {
	case XLSX:
		if merges, err = readMerges(b.path, name, opts.HeaderRows+1); err != nil {
			return nil, err
		}
		if src, err = newXLSXSource(b.xf, name); err != nil {
			return nil, err
		}
	case CSV:
		if b.csvRead {
			return nil, &Problem{Msg: msgReadOnce}
		}
		b.csvRead = true
		src = newCSVSource(b.csv, opts.HeaderRows)
	}
	t, err := newTable(src, m, opts, merges, b.date1904)
	if err != nil {
		src.close()
		return nil, err
	}
	t.Sheet = name
	return t, nil
}

// lookup finds a sheet by name, case aside ("" is the first).
func (b *Book) lookup(sheet string) (string, error) {
	if sheet == "" {
		if len(b.sheets) == 0 {
			return "", &Problem{Msg: msgEmptyFile}
		}
		return b.sheets[0], nil
	}
	for _, s := range b.sheets {
		if strings.EqualFold(s, sheet) {
			return s, nil
		}
	}
	return "", &Problem{Msg: msgNoSheet, Args: []any{sheet, strings.Join(b.sheets, ", ")}}
}
