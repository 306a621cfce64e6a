package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"
)

// csvPeek is how much of a CSV is looked at to tell its delimiter: the
// title rows and the header fit many times over.
const csvPeek = 64 << 10

var utf8BOM = []byte("\xef\xbb\xbf")

// csvSource reads the rows of a CSV. The row number is the record's: a
// quoted field spanning lines is one row, as in Excel.
type csvSource struct {
	cr  *csv.Reader
	num int
	rec []string
	e   error
}

// newCSVSource starts reading a CSV: it drops a BOM and Excel's "sep=;"
// line, and tells the delimiter, comma or semicolon (Excel's in a
// Vietnamese Windows, whose list separator follows the decimal comma), from
// the first lines: the one that splits some line, the header, into the most
// fields.
func newCSVSource(r io.Reader, lines int) *csvSource {
	br := bufio.NewReaderSize(r, csvPeek)
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	peek, err := br.Peek(csvPeek)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return &csvSource{e: err}
	}
	var delim rune
	if sep, n := sepLine(peek); sep != 0 {
		delim = sep
		br.Discard(n)
	} else {
		delim = detectDelimiter(peek, lines)
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // ragged rows: trailing empty cells left out
	cr.LazyQuotes = true    // a stray quote in a name is text, not an error
	cr.ReuseRecord = true
	return &csvSource{cr: cr}
}

// sepLine reads Excel's "sep=;" first line, returning the delimiter and the
// line's length.
func sepLine(b []byte) (rune, int) {
	line, _, ok := bytes.Cut(b, []byte("\n"))
	if !ok || !bytes.HasPrefix(line, []byte("sep=")) {
		return 0, 0
	}
	rest := bytes.TrimRight(line[len("sep="):], "\r")
	if len(rest) != 1 || (rest[0] != ',' && rest[0] != ';') {
		return 0, 0
	}
	return rune(rest[0]), len(line) + 1
}

// detectDelimiter picks ';' if some line of the first ones has more
// semicolons than any has commas, outside quotes; else ','.
func detectDelimiter(b []byte, lines int) rune {
	var commas, semis, maxCommas, maxSemis int
	quoted := false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		case c == '\n':
			maxCommas, maxSemis = max(maxCommas, commas), max(maxSemis, semis)
			commas, semis = 0, 0
			if lines--; lines == 0 {
				return pick(maxCommas, maxSemis)
			}
		}
	}
	return pick(max(maxCommas, commas), max(maxSemis, semis))
}

func pick(commas, semis int) rune {
	if semis > commas {
		return ';'
	}
	return ','
}

func (s *csvSource) next() bool {
	if s.e != nil || s.cr == nil {
		return false
	}
	rec, err := s.cr.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	s.num++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = &Problem{Row: s.num, Msg: msgCSVRow, Args: []any{pe.Err.Error()}}
		}
		s.e = err
		return false
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			s.e = &Problem{Row: s.num, Msg: msgNotUTF8}
			return false
		}
	}
	s.rec = rec
	return true
}

func (s *csvSource) row() (int, []string) { return s.num, s.rec }
func (s *csvSource) err() error           { return s.e }
func (s *csvSource) close() error         { return nil }
