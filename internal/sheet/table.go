package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/i18n"
)

// source is a sheet's rows as a file stores them, empty ones included.
type source interface {
	next() bool
	// row is the current row: its number as Excel shows it, and its cells
	// as stored (valid until next).
	row() (num int, cells []string)
	err() error
	close() error
}

// Table is the rows of a sheet below its header, read one at a time:
//
//	for t.Next() {
//		row := t.Row()
//		name := row.Text("name")
//		born, err := row.Cell("born").Date()
//		…
//	}
//	if err := t.Err(); err != nil { … }
type Table struct {
	Sheet string
	// HeaderRow is the header's first row as Excel numbers it, HeaderRows
	// how many rows it spans (2 for a group row over sub-headers).
	HeaderRow, HeaderRows int

	found    []Found        // by column, as given to Read
	keys     map[string]int // key → index in found
	warnings []Problem
	src      source
	pending  []bufRow // rows read while looking for the header
	row      Row
	err      error
	clean    func(string) string
	date1904 bool
}

type bufRow struct {
	num   int
	cells []string
}

func newTable(src source, m *matcher, opts Options, merges []rect, date1904 bool) (*Table, error) {
	t := &Table{src: src, keys: map[string]int{}, date1904: date1904, clean: cleaner(opts.Normalize)}
	// Hold the rows where the header may be, and one more for a two-row
	// header starting on the last of them.
	var rows []bufRow
	for len(rows) < opts.HeaderRows+1 && src.next() {
		num, cells := src.row()
		rows = append(rows, bufRow{num, append([]string(nil), cells...)})
	}
	if err := src.err(); err != nil {
		return nil, readErr(err)
	}
	texts := make([][]string, len(rows))
	for i, r := range rows {
		texts[i] = make([]string, len(r.cells))
		for j, c := range r.cells {
			texts[i][j] = t.clean(c)
		}
	}
	merged := fillMerges(texts, rows, merges)
	first, span, h := m.findHeader(texts[:min(len(texts), opts.HeaderRows)], texts, merged, opts.MinMatch)
	if span == 0 {
		if len(rows) == 0 || allBlank(texts) {
			return nil, &HeaderError{Problems: []Problem{{Msg: msgEmptyFile}}}
		}
		var names []string
		for _, c := range m.cols {
			names = append(names, "«"+c.Labels[0]+"»")
		}
		return nil, &HeaderError{Problems: []Problem{{Msg: msgNoHeader,
			Args: []any{opts.HeaderRows, opts.MinMatch, strings.Join(names, ", ")}}}}
	}
	t.HeaderRow, t.HeaderRows = rows[first].num, span
	t.found = h.found
	var missing bool
	var problems []Problem
	for i, f := range h.found {
		t.keys[f.Key] = i
		if f.Index < 0 && m.cols[i].Required {
			missing = true
			problems = append(problems, Problem{Row: t.HeaderRow, Header: f.Header, Msg: msgMissing})
		}
	}
	for _, f := range h.unknown {
		t.warnings = append(t.warnings, Problem{Row: t.HeaderRow, Column: f.Letter, Header: f.Header, Warning: true, Msg: msgUnknown})
	}
	for i, f := range h.dups {
		t.warnings = append(t.warnings, Problem{Row: t.HeaderRow, Column: f.Letter, Header: f.Header, Warning: true,
			Msg: msgDuplicate, Args: []any{h.dupOf[i]}})
	}
	if missing {
		return nil, &HeaderError{Problems: append(problems, t.warnings...)}
	}
	t.pending = rows[first+span:]
	return t, nil
}

// cleaner is how cell text is tidied: trimmed, passed to the caller's
// normalizer, composed to NFC (text typed on a Mac, or converted from a
// legacy font, may come decomposed).
func cleaner(normalize func(string) string) func(string) string {
	return func(s string) string {
		s = strings.TrimSpace(s)
		if normalize != nil && s != "" {
			s = normalize(s)
		}
		return norm.NFC.String(s)
	}
}

// fillMerges gives every cell of a merged range the value of its top-left
// cell, as a reader of the sheet sees it, within the held rows. It returns
// which held rows have a range across columns.
func fillMerges(texts [][]string, rows []bufRow, merges []rect) []bool {
	merged := make([]bool, len(texts))
	if len(rows) == 0 {
		return merged
	}
	index := func(row0 int) int { return row0 + 1 - rows[0].num } // 0-based sheet row → held row
	for _, m := range merges {
		top := index(m.row1)
		if top < 0 || top >= len(texts) {
			continue
		}
		v := at(texts[top], m.col1)
		for r := top; r <= index(m.row2) && r < len(texts); r++ {
			for len(texts[r]) <= m.col2 {
				texts[r] = append(texts[r], "")
			}
			for c := m.col1; c <= m.col2; c++ {
				texts[r][c] = v
			}
			merged[r] = merged[r] || m.col2 > m.col1
		}
	}
	return merged
}

func allBlank(rows [][]string) bool {
	for _, r := range rows {
		if !blank(r) {
			return false
		}
	}
	return true
}

// readErr keeps a file's fault (a *Problem) as it is and wraps the others.
func readErr(err error) error {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return fmt.Errorf("sheet: read: %w", err)
}

// Columns says where each expected column was found, in the order given to
// Read; a column not found has Index -1 and its first label as Header.
func (t *Table) Columns() []Found { return append([]Found(nil), t.found...) }

// Warnings lists what the header has that no column expects: unknown
// headers, and a second header naming a column already found.
func (t *Table) Warnings() []Problem { return append([]Problem(nil), t.warnings...) }

// Next moves to the next data row, skipping empty ones; false at the end of
// the sheet or on an error (see Err).
func (t *Table) Next() bool {
	for t.err == nil {
		var num int
		var cells []string
		switch {
		case len(t.pending) > 0:
			num, cells = t.pending[0].num, t.pending[0].cells
			t.pending = t.pending[1:]
		case t.src.next():
			num, cells = t.src.row()
		default:
			if err := t.src.err(); err != nil {
				t.err = readErr(err)
			}
			return false
		}
		if !blank(cells) {
			t.row = Row{Num: num, cells: cells, t: t}
			return true
		}
	}
	return false
}

// Row is the current row, valid until Next.
func (t *Table) Row() *Row { return &t.row }

// Err is what stopped Next early: a *Problem naming the row for a fault of
// the file, another error for a fault of the machine.
func (t *Table) Err() error { return t.err }

// Close releases what reading the sheet holds (excelize's temporary file).
func (t *Table) Close() error {
	if err := t.src.close(); err != nil {
		return fmt.Errorf("sheet: close: %w", err)
	}
	return nil
}

// Row is a data row of a table.
type Row struct {
	// Num is the row's number as Excel shows it.
	Num   int
	cells []string
	t     *Table
}

// Cell is the cell of a row under an expected column. It panics on a key
// not given to Read, a mistake of the caller's code.
func (r *Row) Cell(key string) Cell {
	i, ok := r.t.keys[key]
	if !ok {
		panic(fmt.Sprintf("sheet: no column %q was asked for", key))
	}
	f := r.t.found[i]
	c := Cell{Row: r.Num, Column: f.Letter, Header: f.Header, date1904: r.t.date1904}
	if f.Index >= 0 && f.Index < len(r.cells) {
		c.Text = r.t.clean(r.cells[f.Index])
	}
	return c
}

// Text is the text of the row's cell under key: "" when the cell is empty or
// the column is not in the sheet.
func (r *Row) Text(key string) string { return r.Cell(key).Text }

// Cell is a cell's text and where it is, for messages. The parsing methods
// return a *Problem located at the cell.
type Cell struct {
	Row int
	// Column is the letter, "" when the column is not in the sheet.
	Column string
	// Header is the header as written, or the column's first label.
	Header   string
	Text     string
	date1904 bool
}

// Empty reports whether the cell has no text.
func (c Cell) Empty() bool { return c.Text == "" }

// Problem returns a problem located at the cell, for the caller's own
// checks of its value.
func (c Cell) Problem(msg i18n.Message, args ...any) *Problem {
	return &Problem{Row: c.Row, Column: c.Column, Header: c.Header, Value: c.Text, Msg: msg, Args: args}
}

// Date reads the cell as ParseDate does, in the workbook's date system.
func (c Cell) Date() (time.Time, error) {
	d, err := parseDate(c.Text, c.date1904)
	return d, c.locate(err)
}

// Year reads the cell as ParseYear does, in the workbook's date system.
func (c Cell) Year() (int, error) {
	y, err := parseYear(c.Text, c.date1904)
	return y, c.locate(err)
}

// Int reads the cell as ParseInt does.
func (c Cell) Int() (int, error) {
	n, err := ParseInt(c.Text)
	return n, c.locate(err)
}

// Phone reads the cell as ParsePhone does.
func (c Cell) Phone() (string, error) {
	p, err := ParsePhone(c.Text)
	return p, c.locate(err)
}

// Bool reads the cell as ParseBool does.
func (c Cell) Bool() (bool, error) {
	b, err := ParseBool(c.Text)
	return b, c.locate(err)
}

func (c Cell) locate(err error) error {
	if p, ok := err.(*Problem); ok {
		return p.at(c)
	}
	return err
}
