package imports

import (
	"encoding/binary"
	"hash/maphash"
	"strconv"
	"strings"
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

// registry is what the rows of one kind in a run leave for the rows after
// them: the units they took, and the identities they gave (a code, a name,
// a name and tie-break in a scope), each with the row that gave it first,
// for the repeats. A province's list is read in one run (1.8 million
// rows), so it keeps a few tens of bytes a row: identities hashed, but for
// households, which are kept with their code and head for the members that
// name them, since a member is never put in a household on a hash.
type registry struct {
	// taken are the ids of the units claimed.
	taken map[int]struct{}
	seeds [2]maphash.Seed

	// Kinds but households: codes are the codes claimed, each with its
	// last row (the rows repeating a code are refused, but for those
	// taking a stored unit's code); names the names, each with its first
	// row and that row's tie-break, and ties the names whose later rows
	// have another tie-break, each with the first such row.
	codes, ties map[identity]int32
	names       map[identity]firstName

	// Households: all claimed; byCode and byHead find the last one with a
	// code, or with a head in a village, by a hash of it, and
	// household.sameCode and sameHead the one before with that hash.
	households     []household
	byCode, byHead map[uint64]int32
}

// household is a household claimed: its members name it by its code or
// its head.
type household struct {
	id, village int
	row         int32
	tie         uint64 // hashed: tieHash
	code, head  string // head as compared: nameKey
	// The household before with the same hash of code, of village and
	// head; -1 for none.
	sameCode, sameHead int32
}

type firstName struct {
	row int32
	tie uint64
}

// identity is a code, a name, or a name and tie-break, in a scope, hashed
// to 96 bits, so that two different ones of a province's million rows
// share one with a chance of about 10⁻¹⁷. The chance is taken: at worst a
// row would be refused as a repeat of a row it does not repeat, or not
// refused as one. Tie-breaks are compared by a 64-bit hash of the name,
// scope and tie-break, equally unlikely to mistake one for another.
type identity [3]uint32

// The kinds of text hashed.
const (
	idCode = 'c'
	idName = 'n'
	idTie  = 't'
)

func newRegistry(k learningunit.Kind) *registry {
	g := &registry{taken: map[int]struct{}{}, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	if k == learningunit.KindHOUSEHOLD {
		g.byCode, g.byHead = map[uint64]int32{}, map[uint64]int32{}
	} else {
		g.codes, g.ties, g.names = map[identity]int32{}, map[identity]int32{}, map[identity]firstName{}
	}
	return g
}

// hash hashes a kind of text, its scope and its texts: 64 bits, and 32
// more by another seed. The seeds are the run's own, so that no file can
// be made to collide.
func (g *registry) hash(kind byte, scope int, texts ...string) (uint64, uint32) {
	b := make([]byte, 0, 64)
	b = append(b, kind)
	b = binary.LittleEndian.AppendUint64(b, uint64(scope))
	for _, t := range texts {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	return maphash.Bytes(g.seeds[0], b), uint32(maphash.Bytes(g.seeds[1], b))
}

func (g *registry) identity(kind byte, scope int, texts ...string) identity {
	h, check := g.hash(kind, scope, texts...)
	return identity{uint32(h), uint32(h >> 32), check}
}

func (g *registry) tieHash(scope int, name, tie string) uint64 {
	h, _ := g.hash(idTie, scope, name, tie)
	return h
}

// claimed reports whether a row of the run took the unit of id.
func (g *registry) claimed(id int) bool {
	_, ok := g.taken[id]
	return ok
}

// claim records the unit (id) a row took in scope (a household's
// village), with its code, name and tie-break as compared.
func (g *registry) claim(row, id, scope int, code, name, tie string) {
	g.taken[id] = struct{}{}
	if g.names == nil {
		g.claimHousehold(household{id: id, village: scope, row: int32(row), tie: g.tieHash(scope, name, tie), code: code, head: name})
		return
	}
	if code != "" {
		g.codes[g.identity(idCode, scope, code)] = int32(row)
	}
	k, t := g.identity(idName, scope, name), g.tieHash(scope, name, tie)
	first, ok := g.names[k]
	switch {
	case !ok:
		g.names[k] = firstName{row: int32(row), tie: t}
	case first.tie != t:
		k := g.identity(idTie, scope, name, tie)
		if _, ok := g.ties[k]; !ok {
			g.ties[k] = int32(row)
		}
	}
}

func (g *registry) claimHousehold(h household) {
	i := int32(len(g.households))
	h.code, h.head = strings.Clone(h.code), strings.Clone(h.head)
	h.sameCode, h.sameHead = -1, -1
	if h.code != "" {
		k, _ := g.hash(idCode, 0, h.code)
		if j, ok := g.byCode[k]; ok {
			h.sameCode = j
		}
		g.byCode[k] = i
	}
	k, _ := g.hash(idName, h.village, h.head)
	if j, ok := g.byHead[k]; ok {
		h.sameHead = j
	}
	g.byHead[k] = i
	g.households = append(g.households, h)
}

// codeRow is the last row that claimed code in scope, 0 for none.
func (g *registry) codeRow(scope int, code string) int {
	if g.names == nil {
		if hs := g.householdsCoded(code, scope); len(hs) > 0 {
			return int(hs[0].row)
		}
		return 0
	}
	return int(g.codes[g.identity(idCode, scope, code)])
}

// nameRow is the first row that claimed name in scope, with tie when
// hasTie; 0 for none.
func (g *registry) nameRow(scope int, name, tie string, hasTie bool) int {
	t := g.tieHash(scope, name, tie)
	if g.names == nil {
		hs := g.householdsHeaded(scope, name)
		for i := len(hs) - 1; i >= 0; i-- {
			if !hasTie || hs[i].tie == t {
				return int(hs[i].row)
			}
		}
		return 0
	}
	first, ok := g.names[g.identity(idName, scope, name)]
	switch {
	case !ok:
		return 0
	case !hasTie || first.tie == t:
		return int(first.row)
	}
	return int(g.ties[g.identity(idTie, scope, name, tie)])
}

// householdsCoded are the households claimed with code, in village (any
// when 0), the last first.
func (g *registry) householdsCoded(code string, village int) []*household {
	k, _ := g.hash(idCode, 0, code)
	var out []*household
	for i, ok := g.byCode[k]; ok && i >= 0; i = g.households[i].sameCode {
		if h := &g.households[i]; h.code == code && (village == 0 || h.village == village) {
			out = append(out, h)
		}
	}
	return out
}

// householdsHeaded are the households claimed in village whose head is
// named head (as compared), the last first.
func (g *registry) householdsHeaded(village int, head string) []*household {
	k, _ := g.hash(idName, village, head)
	var out []*household
	for i, ok := g.byHead[k]; ok && i >= 0; i = g.households[i].sameHead {
		if h := &g.households[i]; h.head == head && h.village == village {
			out = append(out, h)
		}
	}
	return out
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
