package imports

import (
	"fmt"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
)

var (
	msgNoHousehold = i18n.Message{
		VI: "Không có hộ gia đình «%s» trong phạm vi bạn quản lý (hoặc ở dòng trước của tệp).",
		EN: "There is no household «%s» in your scope (nor on an earlier row of the file)."}
	msgManyHouseholds = i18n.Message{
		VI: "Có %d hộ gia đình ứng với «%s»; ghi mã hộ (và thôn) để chỉ rõ.",
		EN: "%d households answer to «%s»; write the household's code (and village)."}
)

// resolve works out a chunk of rows of a kind of learning unit: their
// places, a member's household, and which unit each row is about.
func (uk *unitKind) resolve(e *engine, rd *reader, chunk []item) error {
	if e.w != nil {
		if err := e.w.reserve(e.ctx, len(chunk)); err != nil {
			return err
		}
	}
	recs := items[*record](chunk)
	if err := e.locate(uk, recs); err != nil {
		return err
	}
	if uk.parent != "" {
		if err := e.households(recs); err != nil {
			return err
		}
	}
	existing, err := e.existing(uk, recs)
	if err != nil {
		return err
	}
	e.classify(uk, rd, recs, existing)
	return nil
}

// action is what the row does to its unit.
func (r *record) action() action {
	switch {
	case r.refused():
		return actRefuse
	case r.stored == nil:
		return actCreate
	case r.final.equal(r.stored.values):
		return actUnchanged
	}
	return actUpdate
}

// locate finds each row's place in the scope. A member named by the code
// of their household alone has no place of their own: their household's
// is theirs.
func (e *engine) locate(uk *unitKind, recs []*record) error {
	located := func(r *record) bool { return uk.parent == "" || r.where.village != "" }
	var unknown []placeQuery
	for _, r := range recs {
		if located(r) {
			if a := e.places.resolve(r.where); a.place == nil && a.code != "" {
				unknown = append(unknown, r.where)
			}
		}
	}
	if err := e.places.outsideScope(e.sys, e.c, unknown); err != nil {
		return err
	}
	for _, r := range recs {
		if !located(r) {
			continue
		}
		if a := e.places.resolve(r.where); a.place != nil {
			r.place = a.place
		} else {
			r.fail(a.column, a.msg, a.args...)
		}
	}
	return nil
}

// households finds the household each member names: by its code (in the
// member's village, or in the whole scope when the row names no village),
// or by its head's name in the village; among the households the database
// holds and those the run has claimed (created, say, by the households
// sheet of the same workbook).
func (e *engine) households(recs []*record) error {
	reg := e.registry(learningunit.KindHOUSEHOLD)
	villages := map[int]bool{}
	bare := map[string]bool{}
	byHead := false // some row names its household by its head
	for _, r := range recs {
		switch {
		case r.refused():
		case r.place != nil:
			villages[r.place.id] = true
			byHead = byHead || r.hhCode == ""
		case r.hhCode != "":
			bare[r.hhCode] = true
		}
	}
	q := e.c.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD), learningunit.ArchivedAtIsNil())
	var found []*ent.LearningUnit
	if len(villages) > 0 {
		us, err := q.Clone().Where(learningunit.AdminUnitIDIn(keys(villages)...)).
			Select(learningunit.FieldID, learningunit.FieldAdminUnitID, learningunit.FieldCode, learningunit.FieldHeadName).All(e.sys)
		if err != nil {
			return wrap("households of the members", err)
		}
		found = append(found, us...)
	}
	if len(bare) > 0 {
		us, err := q.Clone().Where(learningunit.CodeIn(keys(bare)...), func(s *entsql.Selector) {
			s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), e.scopePath))
		}).Select(learningunit.FieldID, learningunit.FieldAdminUnitID, learningunit.FieldCode, learningunit.FieldHeadName).All(e.sys)
		if err != nil {
			return wrap("households of the members", err)
		}
		found = append(found, us...)
	}
	// The database's households, but those the run has claimed: the
	// registry holds them as the run leaves them.
	byVillage := map[int][]candidate{}
	byCode := map[string][]candidate{}
	for _, u := range found {
		p := e.places.byID[u.AdminUnitID]
		if p == nil || reg.claimed(p.id, u.ID) {
			continue
		}
		c := candidate{id: u.ID, place: p, code: u.Code}
		if byHead {
			c.head = nameKey(u.HeadName)
		}
		byVillage[p.id] = append(byVillage[p.id], c)
		if u.Code != "" {
			byCode[u.Code] = append(byCode[u.Code], c)
		}
	}
	claimed := func(cands []candidate, hs []household) []candidate {
		for _, h := range hs {
			cands = append(cands, candidate{id: h.id, place: e.places.byID[h.village]})
		}
		return cands
	}
	for _, r := range recs {
		if r.refused() {
			continue
		}
		var cands []candidate
		col, named := colHouseholdHead, r.hhHead
		switch {
		case r.hhCode != "" && r.place != nil:
			col, named = colHouseholdCode, r.hhCode
			for _, c := range byVillage[r.place.id] {
				if c.code == r.hhCode {
					cands = append(cands, c)
				}
			}
			// The run's last household of the code in the village: the
			// rows that repeat a code are refused.
			if hs := reg.householdsCoded(r.hhCode, r.place.id); len(hs) > 0 {
				cands = claimed(cands, hs[:1])
			}
		case r.hhCode != "":
			col, named = colHouseholdCode, r.hhCode
			cands = claimed(slices.Clone(byCode[r.hhCode]), reg.householdsCoded(r.hhCode, 0))
		default:
			key := nameKey(r.hhHead)
			for _, c := range byVillage[r.place.id] {
				if c.head == key {
					cands = append(cands, c)
				}
			}
			cands = claimed(cands, reg.householdsHeaded(r.place.id, key))
		}
		switch len(cands) {
		case 0:
			r.fail(col, msgNoHousehold, named)
		case 1:
			r.parent, r.place = cands[0].id, cands[0].place
		default:
			r.fail(col, msgManyHouseholds, len(cands), named)
		}
	}
	return nil
}

// candidate is a household a member may name: stored, with its code and
// head as compared, or claimed by the run.
type candidate struct {
	id         int
	place      *place
	code, head string
}

// pool is the stored units of a scope, by code and by name as compared.
type pool struct {
	byCode map[string][]*stored
	byName map[string][]*stored
}

// existing loads, in one query, the open units of the kind in the rows'
// scopes (their places, or a member's household), but those the run has
// claimed.
func (e *engine) existing(uk *unitKind, recs []*record) (map[int]*pool, error) {
	scopes := map[int]bool{}
	placeOf := map[int]int{} // a scope's place, for the registry
	for _, r := range recs {
		if !r.refused() && r.scope() > 0 {
			scopes[r.scope()] = true
			placeOf[r.scope()] = r.place.id
		}
	}
	out := map[int]*pool{}
	if len(scopes) == 0 {
		return out, nil
	}
	q := e.c.LearningUnit.Query().Where(learningunit.KindEQ(uk.kind), learningunit.ArchivedAtIsNil())
	if uk.parent != "" {
		q.Where(learningunit.ParentIDIn(keys(scopes)...))
	} else {
		q.Where(learningunit.AdminUnitIDIn(keys(scopes)...))
	}
	us, err := q.Select(learningunit.FieldID, learningunit.FieldAdminUnitID, learningunit.FieldParentID, learningunit.FieldVersion,
		learningunit.FieldCode, learningunit.FieldName, learningunit.FieldHeadName, learningunit.FieldAddress, learningunit.FieldPhone,
		learningunit.FieldBirthYear, learningunit.FieldMemberCount, learningunit.FieldAdultCount, learningunit.FieldSubtype).
		All(e.sys)
	if err != nil {
		return nil, fmt.Errorf("imports: %s of the rows: %w", uk.kind, err)
	}
	reg := e.registry(uk.kind)
	for _, u := range us {
		scope := u.AdminUnitID
		if uk.parent != "" {
			scope = *u.ParentID
		}
		if reg.claimed(placeOf[scope], u.ID) {
			continue
		}
		s := storedOf(u)
		s.nameKey, s.tieKey = identityName(uk, s.values), tieKey(uk.tieCol, s.values)
		p := out[scope]
		if p == nil {
			p = &pool{byCode: map[string][]*stored{}, byName: map[string][]*stored{}}
			out[scope] = p
		}
		if s.code != "" {
			p.byCode[s.code] = append(p.byCode[s.code], s)
		}
		p.byName[s.nameKey] = append(p.byName[s.nameKey], s)
	}
	return out, nil
}

func keys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// classify decides which unit each row is about (see identity.go): first
// by code and by name with the tie-break column, for every row of the
// chunk; then, for the rows left, by name alone, or a new unit.
func (e *engine) classify(uk *unitKind, rd *reader, recs []*record, existing map[int]*pool) {
	reg := e.registry(uk.kind)
	hasTie := rd.has[uk.tieCol]
	// unclaimed are the stored units of a scope with a code (byCode) or a
	// name (byName), that no row took yet and that keep keeps.
	unclaimed := func(r *record, code, name string, keep func(*stored) bool) []*stored {
		p := existing[r.scope()]
		if p == nil {
			return nil
		}
		cands := p.byName[name]
		if code != "" {
			cands = p.byCode[code]
		}
		var out []*stored
		for _, s := range cands {
			if !reg.claimed(r.place.id, s.id) && keep(s) {
				out = append(out, s)
			}
		}
		return out
	}
	all := func(*stored) bool { return true }
	// repeat is the first earlier row of the run with the row's name and
	// tie-break (any of its name when the sheet has no tie-break column),
	// 0 for none.
	repeat := func(r *record, name, tie string) int { return reg.nameRow(r.place.id, r.scope(), name, tie, hasTie) }
	var left []*record
	for _, r := range recs {
		if r.refused() {
			continue
		}
		row := e.rowValues(uk, r)
		name, tie := identityName(uk, row), tieKey(uk.tieCol, row)
		if r.code != "" {
			if row := reg.codeRow(r.place.id, r.scope(), r.code); row > 0 {
				r.fail(colCode, msgRepeatCode, r.code, row)
				continue
			}
			same := unclaimed(r, r.code, "", all)
			if len(same) > 1 {
				r.fail(colCode, msgManyCode, len(same), kindName(uk.kind), r.code)
				continue
			}
			if len(same) == 1 {
				e.take(uk, rd, r, same[0])
				continue
			}
		} else if row := repeat(r, name, tie); row > 0 {
			r.fail(uk.nameCol, msgRepeatRow, kindName(uk.kind), row)
			continue
		}
		if hasTie {
			same := unclaimed(r, "", name, func(s *stored) bool {
				return (r.code == "" || s.code == "") && s.tieKey == tie
			})
			if len(same) > 1 {
				r.fail(uk.nameCol, msgManyName, len(same), kindName(uk.kind), r.cells[uk.nameCol].Text)
				continue
			}
			if len(same) == 1 {
				e.take(uk, rd, r, same[0])
				continue
			}
		}
		left = append(left, r)
	}
	// Rows left with one name in one scope: when the scope has units of
	// that name, which row is which unit cannot be told.
	type scopeKey struct {
		scope int
		name  string
	}
	namesakes := map[scopeKey]int{}
	for _, r := range left {
		namesakes[scopeKey{r.scope(), identityName(uk, e.rowValues(uk, r))}]++
	}
	for _, r := range left {
		row := e.rowValues(uk, r)
		name, tie := identityName(uk, row), tieKey(uk.tieCol, row)
		// An earlier row of the chunk may have taken the code or the name
		// since the first pass.
		if r.code != "" {
			if row := reg.codeRow(r.place.id, r.scope(), r.code); row > 0 {
				r.fail(colCode, msgRepeatCode, r.code, row)
				continue
			}
		} else if row := repeat(r, name, tie); row > 0 {
			r.fail(uk.nameCol, msgRepeatRow, kindName(uk.kind), row)
			continue
		}
		same := unclaimed(r, "", name, func(s *stored) bool { return r.code == "" || s.code == "" })
		switch n := namesakes[scopeKey{r.scope(), name}]; {
		case len(same) == 0:
			e.create(uk, rd, r)
		case len(same) > 1:
			r.fail(uk.nameCol, msgManyName, len(same), kindName(uk.kind), r.cells[uk.nameCol].Text)
		case n > 1:
			r.fail(uk.nameCol, msgManyRows, n, r.cells[uk.nameCol].Text, kindName(uk.kind))
		default:
			e.take(uk, rd, r, same[0])
		}
	}
}

// rowValues are the values a row gives a new unit.
func (e *engine) rowValues(uk *unitKind, r *record) values {
	v := values{code: r.code, name: r.name, head: r.head, address: r.address, phone: r.phone, birthYear: r.birthYear, subtype: r.subtype}
	if r.members != nil {
		v.members = *r.members
	}
	switch {
	case r.adults != nil:
		v.adults = *r.adults
	case uk.kind == learningunit.KindORGANIZATION:
		v.adults = v.members // an organisation's staff are adults
	}
	if uk.kind == learningunit.KindCITIZEN {
		v.members, v.adults = 1, 0
		if isAdult(v.birthYear) {
			v.adults = 1
		}
	}
	return v
}

// merged are the values a row leaves a stored unit with: the columns the
// sheet has replace the stored values (see the package doc).
func (e *engine) merged(uk *unitKind, rd *reader, r *record, s values) values {
	v := s
	if r.code != "" {
		v.code = r.code
	}
	switch uk.kind {
	case learningunit.KindHOUSEHOLD:
		// A household named after its head follows its head.
		if r.named {
			v.name = r.name
		} else if v.name == "" || v.name == householdPrefix+v.head {
			v.name = householdPrefix + r.head
		}
		v.head = r.head
	case learningunit.KindCITIZEN:
		v.name = r.name
		if rd.has[colBirthYear] {
			v.birthYear = r.birthYear
		}
		v.members, v.adults = 1, 0
		if isAdult(v.birthYear) {
			v.adults = 1
		}
	default:
		v.name = r.name
		if rd.has[colHead] {
			v.head = r.head
		}
	}
	if rd.has[colAddress] {
		v.address = r.address
	}
	if rd.has[colPhone] {
		v.phone = r.phone
	}
	if r.members != nil {
		v.members = *r.members
	}
	if r.adults != nil {
		v.adults = *r.adults
	}
	if rd.has[colSubtype] {
		v.subtype = r.subtype
	}
	return v
}

// take makes a row about a stored unit, and claims it.
func (e *engine) take(uk *unitKind, rd *reader, r *record, s *stored) {
	v := e.merged(uk, rd, r, s.values)
	if v.adults > v.members {
		r.fail(colAdults, msgAdults, v.adults, v.members)
		return
	}
	r.stored, r.final, r.id = s, v, s.id
	e.claim(uk, r)
}

// create makes a row create a unit, and claims it under a new id (a
// negative one in a dry run).
func (e *engine) create(uk *unitKind, rd *reader, r *record) {
	r.final = e.rowValues(uk, r)
	if r.final.adults > r.final.members {
		r.fail(colAdults, msgAdults, r.final.adults, r.final.members)
		return
	}
	if e.w != nil {
		r.id = e.w.newID()
	} else {
		e.tempID--
		r.id = e.tempID
	}
	e.claim(uk, r)
}

func (e *engine) claim(uk *unitKind, r *record) {
	e.registry(uk.kind).claim(r.place.id, r.row, r.id, r.scope(), r.final.code, identityName(uk, r.final), tieKey(uk.tieCol, r.final))
}
