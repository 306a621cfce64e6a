package imports

import (
	"strings"

	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
)

// processor is what a kind of list does with its rows; the engine reads
// the sheet, hands the rows over a chunk at a time, tallies what they do
// and reports their problems. Learning units (units.go, write.go),
// accounts (accounts.go) and a campaign's results (results.go) each have
// one.
type processor interface {
	// parse reads a data row of the sheet: its cells, and what is wrong
	// with them alone.
	parse(rd *reader, row *sheet.Row) item
	// resolve works out a chunk of rows against the database and the rows
	// of the run before them: what each is about and what it does. Its
	// lookups cost one query a chunk, never one a row; Check and Apply
	// resolve a file alike.
	resolve(e *engine, rd *reader, chunk []item) error
	// write writes, in an Apply, the rows of a chunk that create or
	// change something (never a refused row).
	write(e *engine, chunk []item) error
}

// item is a row a processor read.
type item interface {
	// base is the row's number and problems.
	base() *line
	// action is what the row does once resolved.
	action() action
}

// action is what a row does.
type action int

const (
	actRefuse action = iota
	actCreate
	actUpdate
	actUnchanged
)

// items converts a chunk to the processor's own type of row.
func items[T item](chunk []item) []T {
	out := make([]T, len(chunk))
	for i, it := range chunk {
		out[i] = it.(T)
	}
	return out
}

// line is a row's place in its sheet and what is wrong with it, whatever
// its kind.
type line struct {
	row   int
	errs  []sheet.Problem
	warns []sheet.Problem
	// cells locates the problems found after parsing (the place, the
	// identity), by column key.
	cells map[string]sheet.Cell
	// converted are the cells converted from a legacy font, for the row's
	// warning, and legacy the first one's original text.
	converted []sheet.Cell
	legacy    conversion
}

func newLine(row *sheet.Row) line { return line{row: row.Num, cells: map[string]sheet.Cell{}} }

func (l *line) base() *line { return l }

// refused reports whether the row cannot be imported.
func (l *line) refused() bool { return len(l.errs) > 0 }

// fail records a problem at the row's cell of column key.
func (l *line) fail(key string, msg i18n.Message, args ...any) {
	c, ok := l.cells[key]
	if !ok {
		l.errs = append(l.errs, sheet.Problem{Row: l.row, Msg: msg, Args: args})
		return
	}
	l.errs = append(l.errs, *c.Problem(msg, args...))
}

// warnLegacy adds the row's warning of its cells converted from a legacy
// font: one a row, at the first such cell, naming each with its text.
func (l *line) warnLegacy() {
	if len(l.converted) == 0 {
		return
	}
	var cells []string
	for _, c := range l.converted {
		cells = append(cells, c.Column+" «"+c.Text+"»")
	}
	p := l.converted[0].Problem(msgLegacy, l.legacy.enc, strings.Join(cells, ", "))
	p.Value, p.Warning = l.legacy.from, true
	l.warns = append([]sheet.Problem{*p}, l.warns...)
}
