package imports

import (
	"strconv"
	"time"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
)

// A row's identity, the unit it is about, is worked out in this order:
//
//  1. Its code, among the open units of its kind in its place (its
//     village or commune; a member's household): the unit with that code
//     is the row's. A code no unit has yet falls back to the name (2, 3)
//     among the units without a code, so a list that numbers units
//     already imported without numbers gives them their codes.
//  2. Its name (the head's name for a household) and its tie-break column
//     (the address of a household, the head of a clan or organisation, a
//     member's year of birth), both equal: that unit.
//  3. Its name alone, when one unit of the place has it, no earlier row
//     of the file took that unit and no other row of the chunk left
//     unmatched has the name: that unit, whose tie-break column the row
//     then updates (an address corrected).
//
// No unit: the row creates one. Several: the row is refused, asking for
// the code; names are never guessed between. Names are compared as
// catalog.NameKey does (where the tone mark sits, case and spacing do not
// matter; "Hòa" is not "Hóa"), addresses as textnorm.Fold does.
//
// Each unit a row takes is claimed for the run: a later row naming the
// same unit is refused as a repeat of the first. Claims hold the values
// the run gives the unit, so that the rows after it see the unit as the
// run leaves it, whether the run writes (Apply) or not (Check): the two
// classify a file alike.

// stored is a learning unit as the database holds it, the fields an import
// reads and writes.
type stored struct {
	id          int
	adminUnitID int
	parentID    *int
	values
	version int
	// nameKey and tieKey are the unit's name and tie-break as compared.
	nameKey, tieKey string
}

// values are the fields of a learning unit an import sets.
type values struct {
	code, name, head, address, phone string
	birthYear                        *int
	members, adults                  int
	subtype                          *learningunit.Subtype
}

func storedOf(u *ent.LearningUnit) *stored {
	return &stored{id: u.ID, adminUnitID: u.AdminUnitID, parentID: u.ParentID, version: u.Version, values: values{
		code: u.Code, name: u.Name, head: u.HeadName, address: u.Address, phone: u.Phone,
		birthYear: u.BirthYear, members: u.MemberCount, adults: u.AdultCount, subtype: u.Subtype,
	}}
}

// equal reports whether two sets of values are the same.
func (a values) equal(b values) bool {
	return a.code == b.code && a.name == b.name && a.head == b.head && a.address == b.address && a.phone == b.phone &&
		eqPtr(a.birthYear, b.birthYear) && a.members == b.members && a.adults == b.adults && eqPtr(a.subtype, b.subtype)
}

func eqPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// nameKey is how a unit's name is compared for its identity.
func nameKey(s string) string { return catalog.NameKey(s) }

// tieKey is how the tie-break column of a kind is compared.
func tieKey(col string, v values) string {
	switch col {
	case colAddress:
		return textnorm.Fold(v.address)
	case colHead:
		return nameKey(v.head)
	case colBirthYear:
		if v.birthYear == nil {
			return ""
		}
		return strconv.Itoa(*v.birthYear)
	}
	return ""
}

// identityName is the value a kind's units are named by for identity.
func identityName(uk *unitKind, v values) string {
	if uk.nameCol == colHead {
		return nameKey(v.head)
	}
	return nameKey(v.name)
}

// adultAge is the age from which a member counts as an adult: 18, the
// age of majority of the Civil Code (Bộ luật Dân sự 2015, art. 20).
const adultAge = 18

// isAdult reports whether a member born in year is an adult this year; a
// member whose year is unknown counts as one, as lists of learning
// citizens are lists of adults.
func isAdult(year *int) bool {
	return year == nil || time.Now().In(i18n.Vietnam).Year()-*year >= adultAge
}

var (
	msgRepeatRow  = i18n.Message{VI: "Lặp lại %s của dòng %d.", EN: "Repeats the %s of row %d."}
	msgRepeatCode = i18n.Message{VI: "Mã %s đã có ở dòng %d.", EN: "Code %s is already on row %d."}
	msgManyCode   = i18n.Message{
		VI: "Có %d %s cùng mang mã %s ở đây; sửa mã của chúng trước khi nhập.",
		EN: "%d units of kind %s have code %s here; correct their codes before importing."}
	msgManyRows = i18n.Message{
		VI: "%d dòng tên «%s» mà không dòng nào khớp với %s cùng tên đã có ở đây; ghi mã để chỉ rõ dòng nào là ai.",
		EN: "%d rows are named «%s» and none matches the %s of that name already here; write codes to tell which is which."}
	msgManyName = i18n.Message{
		VI: "Có %d %s tên «%s» ở đây, không rõ là ai; ghi mã để chỉ rõ.",
		EN: "%d units of kind %s are named «%s» here and the row could be any; write its code."}
)

// kindName is the name of a kind for messages.
func kindName(k learningunit.Kind) i18n.Message { return titles.KindName(k) }
