package imports

import (
	"strings"
	"unicode/utf8"

	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/units"
)

// The longest texts a learning unit keeps (the schema's limits).
const (
	maxName    = 200
	maxAddress = 300
)

// householdPrefix opens the name of a household named after its head, as
// the demo, the fixture and the console name them: "Hộ Nguyễn Văn An".
const householdPrefix = "Hộ "

var (
	msgEmpty     = i18n.Message{VI: "Thiếu giá trị.", EN: "The value is missing."}
	msgTooLong   = i18n.Message{VI: "Dài quá %d ký tự.", EN: "Longer than %d characters."}
	msgAdults    = i18n.Message{VI: "Số người lớn (%d) lớn hơn số thành viên (%d).", EN: "More adults (%d) than members (%d)."}
	msgSubtype   = i18n.Message{VI: "Không rõ loại hình; ghi một trong: %s.", EN: "Unknown subtype; write one of: %s."}
	msgHousehold = i18n.Message{
		VI: "Cần mã hộ, hoặc họ tên chủ hộ cùng thôn của hộ.",
		EN: "The household's code is needed, or its head's name and its village."}
	msgPhoneZero = i18n.Message{VI: "Số điện thoại mất số 0 ở đầu; đã ghi thành %s.", EN: "The phone number lost its leading zero; read as %s."}
	msgLegacy    = i18n.Message{VI: "Chữ gõ bằng bảng mã %s, đã chuyển sang Unicode: %s.", EN: "Text typed in the %s encoding, converted to Unicode: %s."}
)

// record is a row read into a learning unit's fields, with what is wrong
// with it. A field's pointer (or its column in has) says whether the
// sheet gives it: a column the sheet lacks leaves the stored value alone.
type record struct {
	line

	code, name, head, address, phone string
	members, adults, birthYear       *int
	subtype                          *learningunit.Subtype
	// named says the row wrote the unit's name, rather than taking it
	// from its head (households).
	named bool

	where          placeQuery
	hhCode, hhHead string

	// Worked out from the database and the rows before.
	place  *place
	parent int // the household of a member, 0 for none
	// stored is the unit the row is about, nil when it creates one; final
	// the values the row leaves it with; id its id (negative for a unit a
	// dry run would create).
	stored *stored
	final  values
	id     int
}

// scope is the row's identity scope: its place, or a member's household.
func (r *record) scope() int {
	if r.parent != 0 {
		return r.parent
	}
	return r.place.id
}

// reader reads the rows of one sheet of a kind.
type reader struct {
	kind *Kind
	has  map[string]bool // columns the sheet has
	// legacy is what the cell being read was converted from (see
	// toUnicode): set by the sheet's Normalize hook, read and cleared
	// cell by cell.
	legacy *conversion
}

// conversion is a cell converted from a legacy font encoding.
type conversion struct{ enc, from string }

// normalizer is the sheet.Options.Normalize of an import: it converts text
// typed in a legacy font and notes it for the row's warning.
func normalizer(note *conversion) func(string) string {
	return func(s string) string {
		u, enc := toUnicode(s)
		if enc != "" {
			*note = conversion{enc: enc, from: s}
		}
		return u
	}
}

// cell reads the row's cell of column key, noting a legacy conversion
// for the row's warning.
func (rd *reader) cell(rec *line, row *sheet.Row, key string) sheet.Cell {
	*rd.legacy = conversion{}
	c := row.Cell(key)
	rec.cells[key] = c
	if rd.legacy.enc != "" {
		if len(rec.converted) == 0 {
			rec.legacy = *rd.legacy
		}
		rec.converted = append(rec.converted, c)
	}
	return c
}

// text reads a text column: "" when the sheet lacks it or the cell is
// empty; a problem when a required value is missing or too long.
func (rd *reader) text(rec *line, row *sheet.Row, key string, required bool, limit int) string {
	if !rd.has[key] {
		return ""
	}
	c := rd.cell(rec, row, key)
	switch {
	case c.Text == "" && required:
		rec.errs = append(rec.errs, *c.Problem(msgEmpty))
	case utf8.RuneCountInString(c.Text) > limit:
		rec.errs = append(rec.errs, *c.Problem(msgTooLong, limit))
	}
	return c.Text
}

// count reads a count column: nil when the sheet lacks it or the cell is
// empty (the stored count stays).
func (rd *reader) count(rec *line, row *sheet.Row, key string) *int {
	if !rd.has[key] {
		return nil
	}
	c := rd.cell(rec, row, key)
	if c.Empty() {
		return nil
	}
	n, err := c.Int()
	switch {
	case err != nil:
		rec.errs = append(rec.errs, problemOf(err, c))
		return nil
	case n < 0:
		rec.errs = append(rec.errs, *c.Problem(apperr.MsgNegative))
		return nil
	}
	return &n
}

// problemOf is the problem of a value parser's error.
func problemOf(err error, c sheet.Cell) sheet.Problem {
	if p, ok := err.(*sheet.Problem); ok {
		return *p
	}
	return *c.Problem(i18n.Message{VI: "%s", EN: "%s"}, err.Error())
}

// parse reads a data row of a sheet of learning units.
func (uk *unitKind) parse(rd *reader, row *sheet.Row) item {
	rec := &record{line: newLine(row)}
	l := &rec.line
	if code := rd.text(l, row, colCode, false, units.MaxCode); code != "" {
		if !units.ValidCode(code) {
			rec.fail(colCode, units.MsgCode, units.MaxCode)
		}
		rec.code = code
	}
	rec.where = placeQuery{
		level:    uk.level,
		district: rd.text(l, row, colDistrict, false, maxName),
		commune:  rd.text(l, row, colCommune, false, maxName),
		village:  rd.text(l, row, colVillage, uk.level == adminunit.LevelVILLAGE && uk.parent == "", maxName),
	}
	switch uk.kind {
	case learningunit.KindHOUSEHOLD:
		// The head's name, behind "Hộ ", is the household's.
		rec.head = rd.text(l, row, colHead, true, maxName-utf8.RuneCountInString(householdPrefix))
		rec.name = rd.text(l, row, colName, false, maxName)
		rec.named = rec.name != ""
		if !rec.named && rec.head != "" {
			rec.name = householdPrefix + rec.head
		}
	case learningunit.KindCITIZEN:
		rec.name = rd.text(l, row, colName, true, maxName)
		rec.hhCode = rd.text(l, row, colHouseholdCode, false, units.MaxCode)
		rec.hhHead = rd.text(l, row, colHouseholdHead, false, maxName)
		if rec.hhCode == "" && (rec.hhHead == "" || rec.where.village == "") {
			rec.fail(colHouseholdCode, msgHousehold)
		}
		rec.birthYear = rd.birthYear(l, row)
	default:
		rec.name = rd.text(l, row, colName, true, maxName)
		rec.head = rd.text(l, row, colHead, false, maxName)
	}
	rec.named = rec.named || uk.kind != learningunit.KindHOUSEHOLD
	rec.address = rd.text(l, row, colAddress, false, maxAddress)
	rec.phone = rd.phone(l, row)
	rec.members = rd.count(l, row, colMembers)
	rec.adults = rd.count(l, row, colAdults)
	if rec.members != nil && rec.adults != nil && *rec.adults > *rec.members {
		rec.fail(colAdults, msgAdults, *rec.adults, *rec.members)
	}
	if rd.has[colSubtype] {
		c := rd.cell(l, row, colSubtype)
		switch s, ok := parseSubtype(c.Text); {
		case c.Empty():
			rec.errs = append(rec.errs, *c.Problem(msgEmpty))
		case !ok:
			rec.errs = append(rec.errs, *c.Problem(msgSubtype, subtypeList()))
		default:
			rec.subtype = &s
		}
	}
	// The other cells of the row, read for their legacy-font warning.
	for _, key := range []string{colRelation, colGender, colNote} {
		if rd.has[key] {
			rd.cell(l, row, key)
		}
	}
	rec.warnLegacy()
	return rec
}

// phone reads the phone column, restoring a lost leading zero with a
// warning.
func (rd *reader) phone(rec *line, row *sheet.Row) string {
	if !rd.has[colPhone] {
		return ""
	}
	c := rd.cell(rec, row, colPhone)
	if c.Empty() {
		return ""
	}
	p, err := c.Phone()
	if err != nil {
		rec.errs = append(rec.errs, problemOf(err, c))
		return ""
	}
	if digits := strings.TrimSpace(c.Text); digits != "" && digits[0] != '0' && digits[0] != '+' && "0"+digits == p {
		w := c.Problem(msgPhoneZero, p)
		w.Warning = true
		rec.warns = append(rec.warns, *w)
	}
	return p
}

// birthYear reads a member's year of birth, or the year of a date of
// birth (typed, or an Excel date serial).
func (rd *reader) birthYear(rec *line, row *sheet.Row) *int {
	if !rd.has[colBirthYear] {
		return nil
	}
	c := rd.cell(rec, row, colBirthYear)
	if c.Empty() {
		return nil
	}
	y, err := c.Year()
	switch {
	case err != nil:
		rec.errs = append(rec.errs, problemOf(err, c))
		return nil
	case y < units.MinBirthYear || y > units.MaxBirthYear():
		rec.errs = append(rec.errs, *c.Problem(units.MsgBirthYear, units.MinBirthYear, units.MaxBirthYear()))
		return nil
	}
	return &y
}
