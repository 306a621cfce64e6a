package sheet

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/textnorm"
)

// Column is a column a caller expects: its Key, the Labels people write
// above it (the first is the name messages use), and whether a sheet
// without it is refused. A label may name a two-row header as
// "group / sub" ("Vợ hoặc chồng / Họ tên") to tell apart two columns that
// share a sub-header.
type Column struct {
	Key      string
	Labels   []string
	Required bool
}

// Found is where a column was found: its letter, and its header as written
// (a two-row header as "group / sub").
type Found struct {
	Key    string
	Index  int // 0-based
	Letter string
	Header string
}

// fold is how headers are compared: case, accents, spacing and punctuation
// folded away ("Họ tên chủ hộ", "HO TEN CHU HO", "Họ-tên  chủ hộ").
func fold(s string) string { return textnorm.Fold(s) }

// withoutNotes drops what is in brackets, a hint templates add to a header
// ("Ngày sinh (dd/mm/yyyy)", "Họ tên (*)").
func withoutNotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// matcher finds the column a header names.
type matcher struct {
	cols   []Column
	labels map[string]int // folded label → index in cols
}

func newMatcher(cols []Column) (*matcher, error) {
	m := &matcher{cols: cols, labels: map[string]int{}}
	keys := map[string]bool{}
	for i, c := range cols {
		if c.Key == "" || len(c.Labels) == 0 {
			return nil, fmt.Errorf("sheet: column %d needs a key and a label", i)
		}
		if keys[c.Key] {
			return nil, fmt.Errorf("sheet: column key %q twice", c.Key)
		}
		keys[c.Key] = true
		for _, l := range c.Labels {
			f := fold(l)
			if j, dup := m.labels[f]; dup && j != i {
				return nil, fmt.Errorf("sheet: label %q names both %q and %q", l, cols[j].Key, c.Key)
			}
			m.labels[f] = i
		}
	}
	return m, nil
}

// match returns the column a header names, or -1. The header is tried as
// written, then without its bracketed notes.
func (m *matcher) match(header string) int {
	if header == "" {
		return -1
	}
	if i, ok := m.labels[fold(header)]; ok {
		return i
	}
	if i, ok := m.labels[fold(withoutNotes(header))]; ok {
		return i
	}
	return -1
}

// headerCell is one column of a header: the text shown for it, and the
// texts tried, in order, to match it.
type headerCell struct {
	text  string
	tries []string
}

// oneRow is the header of a single row.
func oneRow(row []string) []headerCell {
	cells := make([]headerCell, len(row))
	for i, t := range row {
		cells[i] = headerCell{text: t, tries: []string{t}}
	}
	return cells
}

// twoRows combines a group row and a sub-header row. Each column is tried
// as "group / sub", then as the sub-header alone; a column with no
// sub-header (the group cell was merged down over it) as the group.
//
// When the group row has no merged cells (a CSV, or a workbook centring
// groups "across selection"), a group left of empty group cells is taken to
// span them while they have sub-headers: the shape a merged group takes
// once the merge is lost. When it has some, the merges say the spans.
func twoRows(group, sub []string, merged bool) []headerCell {
	n := max(len(group), len(sub))
	cells := make([]headerCell, n)
	spanning := ""
	for i := range n {
		g, s := at(group, i), at(sub, i)
		switch {
		case g != "":
			spanning = ""
			if s != "" && s != g {
				spanning = g
			}
		case s != "" && !merged:
			g = spanning
		default:
			spanning = ""
		}
		switch {
		case s == "" || s == g:
			cells[i] = headerCell{text: g, tries: []string{g}}
		case g == "":
			cells[i] = headerCell{text: s, tries: []string{s}}
		default:
			gs := g + " / " + s
			cells[i] = headerCell{text: gs, tries: []string{gs, s}}
		}
	}
	return cells
}

func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// header is a header matched against the expected columns.
type header struct {
	found    []Found // by index in cols; Index -1 when missing
	unknown  []Found // headers that name no column
	dups     []Found // headers naming a column already found
	dupOf    []string
	distinct int
}

func (m *matcher) read(cells []headerCell) header {
	h := header{found: make([]Found, len(m.cols))}
	for i := range h.found {
		h.found[i] = Found{Key: m.cols[i].Key, Index: -1, Header: m.cols[i].Labels[0]}
	}
	for i, c := range cells {
		if c.text == "" {
			continue
		}
		f := Found{Index: i, Letter: letter(i), Header: c.text}
		k := -1
		for _, t := range c.tries {
			if k = m.match(t); k >= 0 {
				break
			}
		}
		switch {
		case k < 0:
			h.unknown = append(h.unknown, f)
		case h.found[k].Index >= 0:
			h.dups = append(h.dups, f)
			h.dupOf = append(h.dupOf, h.found[k].Letter+" ("+h.found[k].Header+")")
		default:
			f.Key = m.cols[k].Key
			h.found[k] = f
			h.distinct++
		}
	}
	return h
}

// letter is a 0-based column index as Excel names it: A, B, …, AA.
func letter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return s
}

// findHeader picks the header among the first rows of a sheet: the first
// row where at least minMatch expected columns match. Title rows above it
// match none. A row is taken with the next as a two-row header (a group row
// over sub-headers) when it matches something itself and the pair matches
// more than it alone; a title row above a one-row header matches nothing
// itself, so it never becomes a group. It returns the index in rows of the
// header's first row, how many rows it spans (0 when none matched), and the
// header.
//
// search is the rows where the header may start; rows the same and any
// further rows held, for a two-row header starting on the last of search;
// merged tells which rows have cells merged across columns.
func (m *matcher) findHeader(search, rows [][]string, merged []bool, minMatch int) (first, span int, h header) {
	for i, row := range search {
		if blank(row) {
			continue
		}
		one := m.read(oneRow(row))
		if i+1 < len(rows) && one.distinct > 0 {
			if two := m.read(twoRows(row, rows[i+1], merged[i])); two.distinct > one.distinct && two.distinct >= minMatch {
				return i, 2, two
			}
		}
		if one.distinct >= minMatch {
			return i, 1, one
		}
	}
	return 0, 0, header{}
}

// blank reports whether every cell of a row is empty or spaces.
func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
