package imports

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"strings"
)

// registry is what the rows of one kind in a run leave for the rows after
// them: the units they took, and the identities they gave (a code, a name,
// a name and tie-break in a scope), each with the row that gave it first,
// for the repeats (identity.go).
//
// A province's list is read in one run (1.8 million rows), and the server
// has a memory budget, so the registry is split by place (the village or
// commune of a row; a member's is their household's) and holds in memory
// only the places the file was in lately: at most hotClaims claims, the
// places used longest ago going out to a temporary file first. A row of a
// place gone out reads it back in. Lists come a village at a time (a
// village's own list, or an export, sorted by place), so a place goes out
// once and seldom comes back; a file in no order costs more reading but
// is classified alike. What a place holds is hashed, but for households,
// which keep their code and head for the members that name them, since a
// member is never put in a household on a hash.
type registry struct {
	households bool
	seeds      [2]maphash.Seed
	// hot are the parts in memory, by place; size counts their claims,
	// and tick the chunks, for the parts' last use.
	hot  map[int]*part
	size int
	tick uint64
	// spill holds the parts gone out; nil until one goes.
	spill  *spill
	tmpDir string
	// Households only: the place of the households with a code, by a
	// 32-bit hash of the code (-1: several places, listed in more), so
	// that a member named by their household's code alone finds it.
	codeAt map[uint32]int32
	more   map[uint32][]int32
	// err is the first error reading or writing the spill: the run stops
	// on it (engine.chunk).
	err error
}

// hotClaims is how many claims a registry holds in memory, in all its
// places: a dozen villages' rows, a megabyte or so (a household's claim
// costs ~250 bytes, another unit's ~125, BenchmarkApply). While an import
// step runs the server's heap grows to twice what is live (gcbudget.Import)
// up to its soft limit, so every megabyte held here is two of the server's.
var hotClaims = 5_000

// part is what the rows of one place claimed.
type part struct {
	place int
	used  uint64
	// taken are the ids of the units claimed.
	taken map[int]struct{}

	// Kinds but households: codes are the codes claimed, each with its
	// last row (the rows repeating a code are refused, but for those
	// taking a stored unit's code); names the names, each with its first
	// row and that row's tie-break, and ties the names whose later rows
	// have another tie-break, each with the first such row. fresh are
	// the claims since the part was last read in, for the spill.
	codes, ties map[identity]int32
	names       map[identity]firstName
	fresh       []claim

	// Households: all claimed, those from saved on not yet in the spill;
	// byCode and byHead find the last one with a code, or with a head,
	// by a hash of it, and household.sameCode and sameHead the one
	// before with that hash.
	households     []household
	saved          int
	byCode, byHead map[uint64]int32
}

// claim is a unit a row of a kind but households took, as its part keeps
// it: hashed.
type claim struct {
	id         int
	row        int32
	hasCode    bool
	code, name identity
	nameTie    identity // the name and the tie-break
	tie        uint64   // tieHash
}

// household is a household claimed: its members name it by its code or
// its head.
type household struct {
	id, village int
	row         int32
	tie         uint64 // hashed: tieHash
	code, head  string // head as compared: nameKey
	// The household before with the same hash of code, of head; -1 for
	// none.
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

func newRegistry(households bool, tmpDir string) *registry {
	g := &registry{households: households, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		hot: map[int]*part{}, tmpDir: tmpDir}
	if households {
		g.codeAt, g.more = map[uint32]int32{}, map[uint32][]int32{}
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

// part is the part of place, read back in if it went out.
func (g *registry) part(place int) *part {
	p := g.hot[place]
	if p == nil {
		p = &part{place: place, taken: map[int]struct{}{}}
		if g.households {
			p.byCode, p.byHead = map[uint64]int32{}, map[uint64]int32{}
		} else {
			p.codes, p.ties, p.names = map[identity]int32{}, map[identity]int32{}, map[identity]firstName{}
		}
		g.hot[place] = p
		if g.spill != nil && g.err == nil {
			if err := g.spill.read(place, func(b []byte) error { return g.replay(p, b) }); err != nil {
				g.err = err
			}
		}
		p.saved = len(p.households)
		g.size += len(p.taken)
	}
	p.used = g.tick
	return p
}

// trim sends parts out, those used longest ago first, until the parts in
// memory hold at most hotClaims claims; it is called between chunks, so a
// chunk's parts stay in while it is resolved.
func (g *registry) trim() {
	g.tick++
	for g.size > hotClaims && len(g.hot) > 1 && g.err == nil {
		var old *part
		for _, p := range g.hot {
			if old == nil || p.used < old.used {
				old = p
			}
		}
		if err := g.out(old); err != nil {
			g.err = err
			return
		}
	}
}

// out writes what a part claimed since it was read in to the spill, and
// drops it from memory.
func (g *registry) out(p *part) error {
	if g.spill == nil {
		s, err := newSpill(g.tmpDir)
		if err != nil {
			return err
		}
		g.spill = s
	}
	var b []byte
	if g.households {
		for _, h := range p.households[p.saved:] {
			b = binary.AppendVarint(b, int64(h.id))
			b = binary.AppendVarint(b, int64(h.row))
			b = binary.LittleEndian.AppendUint64(b, h.tie)
			b = appendString(b, h.code)
			b = appendString(b, h.head)
		}
	} else {
		for _, c := range p.fresh {
			b = binary.AppendVarint(b, int64(c.id))
			b = binary.AppendVarint(b, int64(c.row))
			if c.hasCode {
				b = append(b, 1)
				b = appendIdentity(b, c.code)
			} else {
				b = append(b, 0)
			}
			b = appendIdentity(b, c.name)
			b = appendIdentity(b, c.nameTie)
			b = binary.LittleEndian.AppendUint64(b, c.tie)
		}
	}
	if err := g.spill.write(p.place, b); err != nil {
		return err
	}
	delete(g.hot, p.place)
	g.size -= len(p.taken)
	return nil
}

// replay reads back what a part wrote out.
func (g *registry) replay(p *part, b []byte) error {
	d := decoder{b: b}
	for len(d.b) > 0 && d.err == nil {
		if g.households {
			h := household{id: int(d.varint()), village: p.place, row: int32(d.varint()), tie: d.uint64()}
			h.code, h.head = d.string(), d.string()
			if d.err == nil {
				p.addHousehold(g, h)
			}
			continue
		}
		c := claim{id: int(d.varint()), row: int32(d.varint())}
		c.hasCode = d.byte() == 1
		if c.hasCode {
			c.code = d.identity()
		}
		c.name, c.nameTie, c.tie = d.identity(), d.identity(), d.uint64()
		if d.err == nil {
			p.add(c)
		}
	}
	if d.err != nil {
		return fmt.Errorf("imports: read back the rows of place %d: %w", p.place, d.err)
	}
	p.fresh = p.fresh[:0]
	return nil
}

// add records a claim in its part.
func (p *part) add(c claim) {
	p.taken[c.id] = struct{}{}
	p.fresh = append(p.fresh, c)
	if c.hasCode {
		p.codes[c.code] = c.row
	}
	first, ok := p.names[c.name]
	switch {
	case !ok:
		p.names[c.name] = firstName{row: c.row, tie: c.tie}
	case first.tie != c.tie:
		if _, ok := p.ties[c.nameTie]; !ok {
			p.ties[c.nameTie] = c.row
		}
	}
}

// addHousehold records a household claimed in its part.
func (p *part) addHousehold(g *registry, h household) {
	i := int32(len(p.households))
	p.taken[h.id] = struct{}{}
	h.sameCode, h.sameHead = -1, -1
	if h.code != "" {
		k, _ := g.hash(idCode, 0, h.code)
		if j, ok := p.byCode[k]; ok {
			h.sameCode = j
		}
		p.byCode[k] = i
	}
	k, _ := g.hash(idName, h.village, h.head)
	if j, ok := p.byHead[k]; ok {
		h.sameHead = j
	}
	p.byHead[k] = i
	p.households = append(p.households, h)
}

// claimed reports whether a row of the run took the unit of id, in place.
func (g *registry) claimed(place, id int) bool {
	_, ok := g.part(place).taken[id]
	return ok
}

// claim records the unit (id) a row of place took in scope (its place,
// or a member's household), with its code, name and tie-break as
// compared.
func (g *registry) claim(place, row, id, scope int, code, name, tie string) {
	p := g.part(place)
	g.size++
	if g.households {
		h := household{id: id, village: place, row: int32(row), tie: g.tieHash(scope, name, tie),
			code: strings.Clone(code), head: strings.Clone(name)}
		p.addHousehold(g, h)
		if code != "" {
			g.locateCode(code, place)
		}
		return
	}
	c := claim{id: id, row: int32(row), hasCode: code != "", name: g.identity(idName, scope, name),
		nameTie: g.identity(idTie, scope, name, tie), tie: g.tieHash(scope, name, tie)}
	if c.hasCode {
		c.code = g.identity(idCode, scope, code)
	}
	p.add(c)
}

// locateCode notes that a household of place has code.
func (g *registry) locateCode(code string, place int) {
	h, _ := g.hash(idCode, 0, code)
	k := uint32(h)
	at, ok := g.codeAt[k]
	switch {
	case !ok:
		g.codeAt[k] = int32(place)
	case at == int32(place):
	case at >= 0:
		g.codeAt[k] = -1
		g.more[k] = []int32{at, int32(place)}
	default:
		for _, q := range g.more[k] {
			if q == int32(place) {
				return
			}
		}
		g.more[k] = append(g.more[k], int32(place))
	}
}

// codeRow is the last row of place that claimed code in scope, 0 for none.
func (g *registry) codeRow(place, scope int, code string) int {
	if g.households {
		if hs := g.householdsCoded(code, place); len(hs) > 0 {
			return int(hs[0].row)
		}
		return 0
	}
	return int(g.part(place).codes[g.identity(idCode, scope, code)])
}

// nameRow is the first row of place that claimed name in scope, with tie
// when hasTie; 0 for none.
func (g *registry) nameRow(place, scope int, name, tie string, hasTie bool) int {
	t := g.tieHash(scope, name, tie)
	if g.households {
		hs := g.householdsHeaded(place, name)
		for i := len(hs) - 1; i >= 0; i-- {
			if !hasTie || hs[i].tie == t {
				return int(hs[i].row)
			}
		}
		return 0
	}
	p := g.part(place)
	first, ok := p.names[g.identity(idName, scope, name)]
	switch {
	case !ok:
		return 0
	case !hasTie || first.tie == t:
		return int(first.row)
	}
	return int(p.ties[g.identity(idTie, scope, name, tie)])
}

// householdsCoded are the households claimed with code, in village (any
// when 0), the last of a village first.
func (g *registry) householdsCoded(code string, village int) []household {
	if village != 0 {
		return g.part(village).coded(g, code, nil)
	}
	h, _ := g.hash(idCode, 0, code)
	at, ok := g.codeAt[uint32(h)]
	switch {
	case !ok:
		return nil
	case at >= 0:
		return g.part(int(at)).coded(g, code, nil)
	}
	var out []household
	for _, place := range g.more[uint32(h)] {
		out = g.part(int(place)).coded(g, code, out)
	}
	return out
}

func (p *part) coded(g *registry, code string, out []household) []household {
	k, _ := g.hash(idCode, 0, code)
	for i, ok := p.byCode[k]; ok && i >= 0; i = p.households[i].sameCode {
		if h := p.households[i]; h.code == code {
			out = append(out, h)
		}
	}
	return out
}

// householdsHeaded are the households claimed in village whose head is
// named head (as compared), the last first.
func (g *registry) householdsHeaded(village int, head string) []household {
	p := g.part(village)
	k, _ := g.hash(idName, village, head)
	var out []household
	for i, ok := p.byHead[k]; ok && i >= 0; i = p.households[i].sameHead {
		if h := p.households[i]; h.head == head {
			out = append(out, h)
		}
	}
	return out
}

// close removes the spill.
func (g *registry) close() error {
	if g.spill == nil {
		return nil
	}
	return g.spill.close()
}

// spill is a temporary file of the parts gone out: each place's writes,
// appended, and where they are.
type spill struct {
	f   *os.File
	end int64
	at  map[int][]segment
	buf []byte
}

type segment struct {
	off int64
	n   int
}

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, "hoctap-import-*.spill")
	if err != nil {
		return nil, fmt.Errorf("imports: spill: %w", err)
	}
	return &spill{f: f, at: map[int][]segment{}}, nil
}

func (s *spill) write(place int, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		return fmt.Errorf("imports: spill: %w", err)
	}
	s.at[place] = append(s.at[place], segment{s.end, len(b)})
	s.end += int64(len(b))
	return nil
}

// read hands each write of place to fn, in order.
func (s *spill) read(place int, fn func([]byte) error) error {
	for _, seg := range s.at[place] {
		if cap(s.buf) < seg.n {
			s.buf = make([]byte, seg.n)
		}
		b := s.buf[:seg.n]
		if _, err := s.f.ReadAt(b, seg.off); err != nil {
			return fmt.Errorf("imports: spill: %w", err)
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

func (s *spill) close() error {
	err := errors.Join(s.f.Close(), os.Remove(s.f.Name()))
	if err != nil {
		return fmt.Errorf("imports: spill: %w", err)
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendIdentity(b []byte, id identity) []byte {
	for _, v := range id {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// decoder reads what out wrote; its first fault stays in err.
type decoder struct {
	b   []byte
	err error
}

var errShort = io.ErrUnexpectedEOF

func (d *decoder) fail() { d.err, d.b = errShort, nil }

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) identity() identity {
	var id identity
	if len(d.b) < 12 {
		d.fail()
		return id
	}
	for i := range id {
		id[i] = binary.LittleEndian.Uint32(d.b[4*i:])
	}
	d.b = d.b[12:]
	return id
}

// string reads a text, copied out of the buffer the spill reuses.
func (d *decoder) string() string {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.fail()
		return ""
	}
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}
