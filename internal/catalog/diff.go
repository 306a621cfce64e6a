package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/textnorm"
)

// Status is what can be done with a province of the import.
type Status string

// The statuses of a province.
const (
	// Ready: its changes are in the spec.
	Ready Status = "READY"
	// Blocked: something in its rows or its tree is unmatched or
	// ambiguous; none of its changes are in the spec, so that its reform is
	// applied whole or not at all.
	Blocked Status = "BLOCKED"
	// Unchanged: the tree already is what the catalogue says.
	Unchanged Status = "UNCHANGED"
	// NotInDatabase: a province of the catalogue with no unit in the
	// database (a database built from the demo holds only its own).
	NotInDatabase Status = "NOT_IN_DATABASE"
	// NotInCatalogue: a province of the tree the catalogue neither lists
	// nor gives its communes to (a catalogue of some provinces only); left
	// as it is.
	NotInCatalogue Status = "NOT_IN_CATALOGUE"
)

// Province is the report of one province of the catalogue (or of the tree,
// for NotInCatalogue): the tree provinces it covers, its changes, and its
// issues.
type Province struct {
	Code, Name string
	Status     Status
	// Tree lists the provinces of the tree that become this one: itself,
	// if it exists, and those merged into it.
	Tree    []*Unit
	Changes []spec.Change
	Issues  []Issue
	// Applied counts the rows of the merger list the tree already carries
	// out (the reorganisation was applied): they change nothing.
	Applied int
}

func (p *Province) blocked() bool {
	return slices.ContainsFunc(p.Issues, func(is Issue) bool { return !is.Warning })
}

// Result is a diff: the spec of every province that can be applied, and the
// report of every province.
type Result struct {
	Format    Format
	Spec      spec.Spec
	Provinces []*Province
	// Issues are the files' own: rows that could not be read, merger rows
	// of no province of the catalogue. Any that is not a warning blocks
	// every province, since a row missing from a catalogue would close its
	// unit.
	Issues []Issue
}

var (
	msgNoCatalogue    = i18n.Message{VI: "Mã %s không có trong danh mục.", EN: "Code %s is not in the catalogue."}
	msgOtherName      = i18n.Message{VI: "Danh mục ghi mã %s là «%s»; dùng tên trong danh mục.", EN: "The catalogue names code %s «%s»; its name is used."}
	msgOtherProvince  = i18n.Message{VI: "Danh mục xếp mã %s vào %s, không phải %s.", EN: "The catalogue puts code %s in %s, not %s."}
	msgUnknownFormer  = i18n.Message{VI: "Không tìm thấy «%s» trong %s tại ngày %s.", EN: "No unit «%s» in %s on %s."}
	msgUnknownWhere   = i18n.Message{VI: "Không tìm thấy «%s» thuộc «%s».", EN: "No unit «%s» in «%s»."}
	msgAmbiguous      = i18n.Message{VI: "«%s» có thể là %s; ghi rõ huyện, ví dụ «%s (huyện …)».", EN: "«%s» could be %s; name its district, e.g. «%s (huyện …)»."}
	msgByDistrict     = i18n.Message{VI: "«%s» được hiểu là %s, cùng huyện với các xã khác của dòng.", EN: "«%s» taken as %s, in the district of the row's other communes."}
	msgTwice          = i18n.Message{VI: "%s được kể ở các dòng %s mà không ghi «một phần»: coi là chia tách.", EN: "%s is listed on rows %s without saying it is a part: taken as a split."}
	msgOnePart        = i18n.Message{VI: "Chỉ một phần của %s có trong danh sách này; phần còn lại thuộc danh sách khác.", EN: "Only a part of %s is in this list; the rest belongs to another list."}
	msgUnlisted       = i18n.Message{VI: "Không có trong danh mục mới, cũng không có trong danh sách sắp xếp: sẽ bị đóng mà không có đơn vị kế thừa.", EN: "Neither in the new catalogue nor in the merger list: it would be closed without a successor."}
	msgClosedNoList   = i18n.Message{VI: "%d đơn vị không còn trong danh mục sẽ bị đóng mà không có đơn vị kế thừa (không có danh sách sắp xếp cho tỉnh này).", EN: "%d units no longer in the catalogue would be closed without a successor (no merger list for this province)."}
	msgSpelling       = i18n.Message{VI: "«%s» được hiểu là %s (cách viết i/y khác nhau).", EN: "«%s» taken as %s (i/y spelt differently)."}
	msgByName         = i18n.Message{VI: "Khớp theo tên với %s: đổi mã thành %s.", EN: "Matched by name with %s: recoded to %s."}
	msgNoSuccessor    = i18n.Message{VI: "Danh mục không có tỉnh này, cũng không chuyển xã nào của tỉnh sang tỉnh khác: giữ nguyên.", EN: "The catalogue neither lists this province nor carries its communes elsewhere: left as it is."}
	msgDuplicateCode  = i18n.Message{VI: "Cây có nhiều đơn vị mang mã %s tại ngày này: %s.", EN: "The tree has several units with code %s at this date: %s."}
	msgMoveUnder      = i18n.Message{VI: "Không chuyển được %s vào %s chưa có trong cây.", EN: "%s cannot move under %s, which is not in the tree yet."}
	msgNoMergerTarget = i18n.Message{VI: "Dòng thuộc «%s», không phải tỉnh nào của danh mục.", EN: "The row belongs to «%s», no province of the catalogue."}
)

// names is a unit name taken apart for matching: its folded type word,
// the rest folded with i and y alike (base), as spelt (spelt), and with
// its diacritics (exact).
type names struct{ typ, base, spelt, exact string }

func nameOf(name string) names {
	typ, spelt := splitType(name)
	ex := exact(name)
	if typ != "" {
		ex = strings.Join(strings.Fields(ex)[len(strings.Fields(typ)):], " ")
	}
	return names{typ, iy(spelt), spelt, ex}
}

// iy spells a syllable-final y after a consonant (or after "qu") as i: the
// two spellings are both in official use ("Vũ Quý" in the merger list,
// "Vũ Quí" in the catalogue; "Thủ Sỹ", "Thủ Sĩ"), while y after a vowel
// ("Huy", "Tây") is another sound and stays.
func iy(folded string) string {
	words := strings.Fields(folded)
	for i, w := range words {
		n := len(w)
		if n < 2 || w[n-1] != 'y' {
			continue
		}
		if !strings.ContainsRune("aeiouy", rune(w[n-2])) || (n >= 3 && w[n-3:n-1] == "qu" && (n == 3 || !strings.ContainsRune("aeiouy", rune(w[n-4])))) {
			words[i] = w[:n-1] + "i"
		}
	}
	return strings.Join(words, " ")
}

// catProvince and catDistrict are the provinces and districts a catalogue
// names through its communes' rows.
type catProvince struct {
	code, name string
	line       int
	rows       []*Row
}

type catDistrict struct {
	code, name, province string
	line                 int
}

// differ holds one diff.
type differ struct {
	tree   *Tree
	cat    *Catalogue
	merger *MergerList
	date   string
	res    *Result

	provinces []*catProvince
	provByKey map[string]*catProvince // code → province
	districts map[string]*catDistrict
	rowOf     map[string]*Row // commune code → row
	treeCode  map[string][]*Unit
	// closedInto lists, for a unit of the tree, the closed communes whose
	// successors lead to it.
	closedInto map[int][]*Unit
	// used marks the tree units the diff has accounted for.
	used map[int]bool
	// group is, for each province of the catalogue, the tree provinces
	// that become it.
	group map[string][]*Unit
}

// Diff compares a catalogue, and optionally a merger list, with the tree:
// codes first, names second, and never a guess: a name that fits several
// units, or none, is reported on its row and blocks its province.
func Diff(tree *Tree, doc *Document, merger *Document) *Result {
	d := &differ{tree: tree, cat: doc.Catalogue, res: &Result{Format: doc.Format}, date: tree.Date.Format("02/01/2006"),
		provByKey: map[string]*catProvince{}, districts: map[string]*catDistrict{}, rowOf: map[string]*Row{},
		treeCode: map[string][]*Unit{}, closedInto: map[int][]*Unit{}, used: map[int]bool{}}
	d.res.Issues = append(d.res.Issues, doc.Issues...)
	if merger != nil {
		d.merger = merger.Merger
		d.res.Issues = append(d.res.Issues, merger.Issues...)
	}
	d.index()
	d.group = d.groups()
	for _, p := range d.provinces {
		d.res.Provinces = append(d.res.Provinces, d.province(p, d.group[p.code]))
	}
	for _, pu := range tree.Provinces {
		if _, ok := d.provByKey[pu.Code]; !ok && !d.used[pu.ID] {
			d.res.Provinces = append(d.res.Provinces, &Province{Code: pu.Code, Name: pu.Name, Status: NotInCatalogue, Tree: []*Unit{pu},
				Issues: []Issue{{Unit: pu.String(), Warning: true, Msg: msgNoSuccessor}}})
		}
	}
	d.orphanMergerRows()
	fileBlocked := slices.ContainsFunc(d.res.Issues, func(is Issue) bool { return !is.Warning })
	for _, p := range d.res.Provinces {
		switch {
		case p.Status == NotInDatabase || p.Status == NotInCatalogue:
		case p.blocked() || fileBlocked:
			p.Status = Blocked
		case len(p.Changes) == 0:
			p.Status = Unchanged
		default:
			p.Status = Ready
			d.res.Spec.Changes = append(d.res.Spec.Changes, p.Changes...)
		}
	}
	if d.res.Spec.Changes == nil {
		d.res.Spec.Changes = []spec.Change{}
	}
	return d.res
}

func (d *differ) index() {
	for i := range d.cat.Rows {
		r := &d.cat.Rows[i]
		d.rowOf[r.Code] = r
		p := d.provByKey[r.ProvinceCode]
		if p == nil {
			p = &catProvince{code: r.ProvinceCode, name: r.ProvinceName, line: r.Line}
			d.provByKey[r.ProvinceCode] = p
			d.provinces = append(d.provinces, p)
		}
		p.rows = append(p.rows, r)
		if r.DistrictCode != "" && d.districts[r.DistrictCode] == nil {
			d.districts[r.DistrictCode] = &catDistrict{code: r.DistrictCode, name: r.DistrictName, province: r.ProvinceCode, line: r.Line}
		}
	}
	for _, u := range d.tree.Units {
		if u.Level != adminunit.LevelCOUNTRY {
			d.treeCode[string(u.Level)+":"+u.Code] = append(d.treeCode[string(u.Level)+":"+u.Code], u)
		}
	}
	for _, u := range d.tree.Closed {
		if u.Level != adminunit.LevelCOMMUNE {
			continue
		}
		if s := d.tree.successor(u); s != nil {
			d.closedInto[s.ID] = append(d.closedInto[s.ID], u)
		}
	}
	byID := func(a, b *Unit) int { return cmp.Compare(a.ID, b.ID) }
	for _, us := range d.treeCode {
		slices.SortFunc(us, byID)
	}
	for _, us := range d.closedInto {
		slices.SortFunc(us, byID)
	}
}

// treeUnit is the one unit of level with code, nil for none; several are an
// issue of the tree, reported to p.
func (d *differ) treeUnit(p *Province, level adminunit.Level, code string) *Unit {
	us := d.treeCode[string(level)+":"+code]
	if len(us) > 1 && p != nil {
		var list []string
		for _, u := range us {
			list = append(list, fmt.Sprintf("%s #%d", u.Name, u.ID))
		}
		p.Issues = append(p.Issues, Issue{Msg: msgDuplicateCode, Args: []any{code, strings.Join(list, ", ")}})
		return nil
	}
	if len(us) == 1 {
		return us[0]
	}
	return nil
}

// groups finds, for each province of the catalogue, the tree provinces that
// become it: the one with its code, and those the catalogue no longer lists
// whose communes' codes it carries (Thái Bình's communes reappear in the new
// Hưng Yên). A province of the tree goes where most of its communes' codes go.
func (d *differ) groups() map[string][]*Unit {
	out := map[string][]*Unit{}
	for _, pu := range d.tree.Provinces {
		if _, kept := d.provByKey[pu.Code]; kept {
			out[pu.Code] = append([]*Unit{pu}, out[pu.Code]...)
			continue
		}
		votes := map[string]int{}
		for _, c := range d.tree.below(pu, adminunit.LevelCOMMUNE) {
			if r := d.rowOf[c.Code]; r != nil {
				votes[r.ProvinceCode]++
			}
		}
		best := ""
		for code, n := range votes {
			if best == "" || n > votes[best] || (n == votes[best] && code < best) {
				best = code
			}
		}
		if best != "" {
			out[best] = append(out[best], pu)
		}
	}
	return out
}

// ref is how a change names the parent of a new unit: an existing unit or
// one the spec creates under key.
type ref struct {
	id  int
	key string
}

func (r ref) set(u *spec.Unit) {
	u.ParentID, u.ParentKey = r.id, r.key
	if r.id != 0 {
		u.ParentKey = ""
	}
}

// batch collects a province's changes by kind, to be written out in the
// order they can be applied: everything naming a unit of the tree by id
// comes before the changes that re-version units (abolishing a tier,
// merging provinces), which would leave those ids closed.
type batch struct {
	creates, renames, merges, splits, moves, closes, districtCloses, abolish, provinceMerges []spec.Change
}

func (b *batch) all() []spec.Change {
	return slices.Concat(b.creates, b.renames, b.merges, b.splits, b.moves, b.closes, b.districtCloses, b.abolish, b.provinceMerges)
}

// province diffs one province of the catalogue against the tree provinces
// that become it.
func (d *differ) province(cp *catProvince, group []*Unit) *Province {
	p := &Province{Code: cp.code, Name: cp.name, Tree: group}
	if len(group) == 0 {
		p.Status = NotInDatabase
		return p
	}
	for _, u := range group {
		d.used[u.ID] = true
	}
	var b batch
	// The province itself.
	parent := ref{key: "tp:" + cp.code}
	if tp := group[0]; tp.Code == cp.code {
		parent = ref{id: tp.ID}
		if exact(tp.Name) != exact(cp.name) {
			b.renames = append(b.renames, spec.Change{Kind: spec.Rename, Sources: []int{tp.ID},
				New: &spec.Unit{Code: cp.code, Name: cp.name, Type: typeOf(cp.name), Level: string(adminunit.LevelPROVINCE)}, Note: d.note(d.cat.File, cp.line)})
		}
	} else {
		b.creates = append(b.creates, spec.Change{Kind: spec.Create, New: &spec.Unit{Key: parent.key, Code: cp.code, Name: cp.name,
			Type: typeOf(cp.name), Level: string(adminunit.LevelPROVINCE), ParentID: d.tree.Root}, Note: d.note(d.cat.File, cp.line)})
	}
	inGroup := map[int]bool{}
	for _, u := range group {
		inGroup[u.ID] = true
	}
	var scope []*Unit // the communes of the group's provinces
	for _, u := range group {
		scope = append(scope, d.tree.below(u, adminunit.LevelCOMMUNE)...)
	}
	// Districts: kept, renamed and created as a three-tier catalogue says,
	// or the tier abolished by a two-tier one.
	districtRef := map[string]ref{}
	if d.cat.Format == ThreeTier {
		d.districtChanges(p, cp, group, parent, districtRef, &b)
	}
	// Communes: first those the merger list forms (unless the tree already
	// has them as it says), then by code, then by name.
	rows := d.mergerRows(p, cp)
	listed := len(rows) > 0
	claimed := map[string]bool{} // catalogue codes the merger list forms
	for _, mr := range rows {
		d.checkRow(p, cp, mr)
	}
	if listed {
		rows = d.applied(p, rows, scope, claimed, func(r *Row, u *Unit) { d.keep(p, r, u, inGroup, parent, districtRef, &b) })
	}
	if len(rows) > 0 {
		merges, creates, splits := d.merge(p, cp, rows, scope, parent, claimed)
		b.merges = append(b.merges, merges...)
		b.creates = append(b.creates, creates...)
		b.splits = append(b.splits, splits...)
	}
	var byName []*Row
	for _, r := range cp.rows {
		if claimed[r.Code] {
			continue
		}
		u := d.treeUnit(p, adminunit.LevelCOMMUNE, r.Code)
		if u == nil || d.used[u.ID] {
			byName = append(byName, r)
			continue
		}
		d.used[u.ID] = true
		d.keep(p, r, u, inGroup, parent, districtRef, &b)
	}
	for _, r := range byName {
		d.byName(p, r, scope, inGroup, parent, districtRef, &b)
	}
	// What is left of the tree closes.
	var unlisted []int
	for _, u := range scope {
		if d.used[u.ID] || d.elsewhere(cp.code, u) {
			continue
		}
		d.used[u.ID] = true
		b.closes = append(b.closes, spec.Change{Kind: spec.Close, Sources: []int{u.ID}, Note: u.String()})
		if listed {
			p.Issues = append(p.Issues, Issue{Unit: u.String(), Msg: msgUnlisted})
		} else {
			unlisted = append(unlisted, u.ID)
		}
	}
	if len(unlisted) > 0 {
		p.Issues = append(p.Issues, Issue{Warning: true, Msg: msgClosedNoList, Args: []any{len(unlisted)}})
	}
	if d.cat.Format == TwoTier {
		for _, u := range group {
			if len(d.tree.below(u, adminunit.LevelDISTRICT)) > 0 {
				b.abolish = append(b.abolish, spec.Change{Kind: spec.AbolishTier, Level: string(adminunit.LevelDISTRICT), WithinID: u.ID, Note: u.String()})
			}
		}
	}
	if sources := groupSources(group, cp.code); len(sources) > 0 {
		succ := &spec.Target{ID: parent.id, Key: parent.key}
		if parent.id != 0 {
			succ.Key = ""
		}
		b.provinceMerges = append(b.provinceMerges, spec.Change{Kind: spec.Merge, Sources: sources, Successor: succ, Note: cp.name})
	}
	p.Changes = b.all()
	return p
}

// elsewhere reports whether the catalogue puts the tree's commune or
// district u in another of its provinces than code, one the database holds:
// that province's diff moves it there, so this one must neither close it
// nor take it by name.
func (d *differ) elsewhere(code string, u *Unit) bool {
	var in string
	switch u.Level {
	case adminunit.LevelCOMMUNE:
		if r := d.rowOf[u.Code]; r != nil {
			in = r.ProvinceCode
		}
	case adminunit.LevelDISTRICT:
		if cd := d.districts[u.Code]; cd != nil {
			in = cd.province
		}
	}
	return in != "" && in != code && len(d.group[in]) > 0
}

// groupSources are the ids of the tree provinces merged into code.
func groupSources(group []*Unit, code string) []int {
	var ids []int
	for _, u := range group {
		if u.Code != code {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

func (d *differ) note(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }

// districtChanges diffs the districts of a three-tier catalogue.
func (d *differ) districtChanges(p *Province, cp *catProvince, group []*Unit, parent ref, refs map[string]ref, b *batch) {
	var codes []string
	for _, r := range cp.rows {
		if !slices.Contains(codes, r.DistrictCode) {
			codes = append(codes, r.DistrictCode)
		}
	}
	for _, code := range codes {
		cd := d.districts[code]
		if cd.province != cp.code {
			continue // reported on its communes' rows, by the reader
		}
		u := d.treeUnit(p, adminunit.LevelDISTRICT, code)
		if u == nil || d.used[u.ID] {
			key := "qh:" + code
			refs[code] = ref{key: key}
			nu := &spec.Unit{Key: key, Code: code, Name: cd.name, Type: typeOf(cd.name), Level: string(adminunit.LevelDISTRICT)}
			parent.set(nu)
			b.creates = append(b.creates, spec.Change{Kind: spec.Create, New: nu, Note: d.note(d.cat.File, cd.line)})
			continue
		}
		d.used[u.ID] = true
		// Communes moving into it name its id; the engine follows a
		// district merged into a new row to that row.
		refs[code] = ref{id: u.ID}
		note := d.note(d.cat.File, cd.line)
		nu := &spec.Unit{Code: code, Name: cd.name, Type: typeOf(cd.name), Level: string(adminunit.LevelDISTRICT)}
		renamed := exact(u.Name) != exact(cd.name)
		pv := d.tree.province(u)
		moved := pv != nil && !slices.ContainsFunc(group, func(g *Unit) bool { return g.ID == pv.ID })
		switch {
		case moved && parent.id == 0:
			p.Issues = append(p.Issues, Issue{File: d.cat.File, Row: cd.line, Column: colDistrictCode, Value: code, Msg: msgMoveUnder, Args: []any{u.String(), cp.name}})
		case moved && renamed:
			b.moves = append(b.moves, renameAndMove(u, nu, "qh:"+code, parent.id, note))
		case moved:
			b.moves = append(b.moves, spec.Change{Kind: spec.Move, Sources: []int{u.ID}, ParentID: parent.id, Note: note})
		case renamed:
			b.renames = append(b.renames, spec.Change{Kind: spec.Rename, Sources: []int{u.ID}, New: nu, Note: note})
		}
	}
	for _, g := range group {
		for _, u := range d.tree.below(g, adminunit.LevelDISTRICT) {
			if !d.used[u.ID] && !d.elsewhere(cp.code, u) {
				// Closed after the communes, once they have left it.
				d.used[u.ID] = true
				b.districtCloses = append(b.districtCloses, spec.Change{Kind: spec.Close, Sources: []int{u.ID}, Note: u.String()})
			}
		}
	}
}

// keep handles a commune of the catalogue found in the tree: renamed,
// retyped, recoded or moved as the catalogue says.
func (d *differ) keep(p *Province, r *Row, u *Unit, inGroup map[int]bool, parent ref, districts map[string]ref, b *batch) {
	note := d.note(d.cat.File, r.Line)
	renamed := u.Code != r.Code || exact(u.Name) != exact(r.Name) || textnorm.Fold(u.Type) != textnorm.Fold(r.Type)
	// Where it should be: its district (three-tier) or its province.
	want := parent
	if r.DistrictCode != "" {
		want = districts[r.DistrictCode]
	}
	var moved bool
	if d.cat.Format == ThreeTier {
		moved = want.id == 0 || u.ParentID != want.id
	} else {
		pv := d.tree.province(u)
		moved = pv == nil || !inGroup[pv.ID]
	}
	nu := &spec.Unit{Code: r.Code, Name: r.Name, Type: r.Type, Level: string(adminunit.LevelCOMMUNE)}
	switch {
	case moved && want.id == 0:
		p.Issues = append(p.Issues, Issue{File: d.cat.File, Row: r.Line, Column: colCommuneCode, Value: r.Code, Msg: msgMoveUnder, Args: []any{u.String(), cmp.Or(r.DistrictName, r.ProvinceName)}})
		if renamed {
			b.renames = append(b.renames, spec.Change{Kind: spec.Rename, Sources: []int{u.ID}, New: nu, Note: note})
		}
	case moved && renamed:
		b.moves = append(b.moves, renameAndMove(u, nu, "px:"+r.Code, want.id, note))
	case moved:
		b.moves = append(b.moves, spec.Change{Kind: spec.Move, Sources: []int{u.ID}, ParentID: want.id, Note: note})
	case renamed:
		b.renames = append(b.renames, spec.Change{Kind: spec.Rename, Sources: []int{u.ID}, New: nu, Note: note})
	}
}

// renameAndMove is the change for a unit renamed (or retyped, recoded) and
// moved at once. The engine takes a unit into one change only, and what it
// does with a unit that moves is to close it into a new row under its new
// parent; so this is that, said outright: the unit merged alone into its
// new row, which bears the new name, while the closed row keeps the old.
func renameAndMove(u *Unit, nu *spec.Unit, key string, parent int, note string) spec.Change {
	nu.Key, nu.ParentID = key, parent
	return spec.Change{Kind: spec.Merge, Sources: []int{u.ID}, Successor: &spec.Target{New: nu}, Note: note}
}

// byName handles a commune of the catalogue whose code the tree lacks: a
// unit of the same name nobody else took is the same commune recoded; none
// is a new commune; several are reported.
func (d *differ) byName(p *Province, r *Row, scope []*Unit, inGroup map[int]bool, parent ref, districts map[string]ref, b *batch) {
	want := nameOf(r.Name)
	var cands []*Unit
	for _, u := range scope {
		if d.used[u.ID] || d.elsewhere(p.Code, u) {
			continue
		}
		n := nameOf(u.Name)
		if n.base == want.base && (want.typ == "" || n.typ == "" || n.typ == want.typ) {
			cands = append(cands, u)
		}
	}
	cands = narrow(cands, want)
	switch len(cands) {
	case 0:
		nu := &spec.Unit{Key: "px:" + r.Code, Code: r.Code, Name: r.Name, Type: r.Type, Level: string(adminunit.LevelCOMMUNE)}
		if r.DistrictCode != "" {
			districts[r.DistrictCode].set(nu)
		} else {
			parent.set(nu)
		}
		b.creates = append(b.creates, spec.Change{Kind: spec.Create, New: nu, Note: d.note(d.cat.File, r.Line)})
	case 1:
		u := cands[0]
		d.used[u.ID] = true
		p.Issues = append(p.Issues, Issue{File: d.cat.File, Row: r.Line, Column: colCommune, Value: r.Name, Warning: true, Msg: msgByName, Args: []any{u.String(), r.Code}})
		d.keep(p, r, u, inGroup, parent, districts, b)
	default:
		p.Issues = append(p.Issues, Issue{File: d.cat.File, Row: r.Line, Column: colCommune, Value: r.Name, Msg: msgAmbiguous, Args: []any{r.Name, listUnits(cands), r.Name}})
	}
}

// narrow keeps, of several candidates, those whose name is the wanted one
// with its diacritics (tone placement aside); of one or none, all.
func narrow(cands []*Unit, want names) []*Unit {
	if len(cands) < 2 {
		return cands
	}
	var out []*Unit
	for _, u := range cands {
		if nameOf(u.Name).exact == want.exact {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

func listUnits(us []*Unit) string {
	var s []string
	for _, u := range us {
		s = append(s, u.String())
	}
	return strings.Join(s, ", ")
}
