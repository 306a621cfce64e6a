package sheet

import "fmt"

// Rows is a sheet's rows as the file holds them, from its first, blank
// ones included and no header looked for: for copying rows out of a file
// as they were written (the rows an import refused, say), where a Table
// gives the values under the columns asked for.
//
//	rows, err := book.Rows("Hộ gia đình")
//	…
//	defer rows.Close()
//	for rows.Next() {
//		num, cells := rows.Row()
//		…
//	}
//	if err := rows.Err(); err != nil { … }
type Rows struct {
	src   source
	clean func(string) string
	num   int
	cells []string
}

// Rows starts reading a sheet's rows ("" is the first). Cells are tidied
// as a Table's are (trimmed, Options.Normalize, NFC). A CSV's rows can be
// read once, by Rows or by Read.
func (b *Book) Rows(sheet string) (*Rows, error) {
	name, err := b.lookup(sheet)
	if err != nil {
		return nil, err
	}
	var src source
	switch b.format {
	case XLSX:
		xs, err := newXLSXSource(b.xf, name)
		if err != nil {
			return nil, err
		}
		src = xs
	case CSV:
		if b.csvRead {
			return nil, &Problem{Msg: msgReadOnce}
		}
		b.csvRead = true
		headerRows := b.opts.HeaderRows
		if headerRows <= 0 {
			headerRows = DefaultHeaderRows
		}
		src = newCSVSource(b.csv, headerRows)
	}
	return &Rows{src: src, clean: cleaner(b.opts.Normalize)}, nil
}

// Next moves to the next row of the file; false at the end or on an
// error (see Err).
func (r *Rows) Next() bool {
	if !r.src.next() {
		return false
	}
	num, raw := r.src.row()
	r.num = num
	r.cells = r.cells[:0]
	for _, c := range raw {
		r.cells = append(r.cells, r.clean(c))
	}
	return true
}

// Row is the current row: its number as Excel shows it, and its cells
// (valid until Next).
func (r *Rows) Row() (int, []string) { return r.num, r.cells }

// Err is what stopped Next early: a *Problem for a fault of the file,
// another error for one of the machine.
func (r *Rows) Err() error {
	if err := r.src.err(); err != nil {
		return readErr(err)
	}
	return nil
}

// Close releases what reading the sheet holds.
func (r *Rows) Close() error {
	if err := r.src.close(); err != nil {
		return fmt.Errorf("sheet: close: %w", err)
	}
	return nil
}
