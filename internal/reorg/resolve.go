package reorg

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
)

var (
	msgNoChanges     = i18n.Message{VI: "Quyết định chưa có thay đổi nào.", EN: "The decision holds no change."}
	msgUnknownKind   = i18n.Message{VI: "Loại thay đổi không hợp lệ: %s.", EN: "Unknown kind of change: %s."}
	msgUnitMissing   = i18n.Message{VI: "Không có đơn vị hành chính đang hoạt động với mã định danh %d.", EN: "No open administrative unit has id %d."}
	msgTwice         = i18n.Message{VI: "Đơn vị %s đã có trong một thay đổi khác (thay đổi %d).", EN: "Unit %s is already part of another change (change %d)."}
	msgSources       = i18n.Message{VI: "Cần ít nhất %d đơn vị nguồn.", EN: "At least %d source units are needed."}
	msgOneSource     = i18n.Message{VI: "Thay đổi này có đúng một đơn vị nguồn.", EN: "This change takes exactly one source unit."}
	msgNoTarget      = i18n.Message{VI: "Cần chỉ rõ đơn vị kế thừa.", EN: "Name the successor unit."}
	msgTargetClosed  = i18n.Message{VI: "Đơn vị kế thừa %s cũng bị giải thể trong quyết định này.", EN: "The successor %s is closed by this decision too."}
	msgKeyUnknown    = i18n.Message{VI: "Không có đơn vị mới nào mang khóa %q trong quyết định.", EN: "No new unit of the decision has key %q."}
	msgKeyTwice      = i18n.Message{VI: "Khóa %q được dùng cho hai đơn vị mới.", EN: "Key %q names two new units."}
	msgNewCode       = i18n.Message{VI: "Đơn vị mới cần có mã.", EN: "A new unit needs its code."}
	msgNewName       = i18n.Message{VI: "Đơn vị mới cần có tên.", EN: "A new unit needs its name."}
	msgNewType       = i18n.Message{VI: "Đơn vị mới cần có loại (Xã, Phường, Thôn…).", EN: "A new unit needs its type (Xã, Phường, Thôn…)."}
	msgNewParent     = i18n.Message{VI: "Đơn vị mới cần có đơn vị cấp trên.", EN: "A new unit needs the unit above it."}
	msgLevel         = i18n.Message{VI: "Cấp %q không hợp lệ.", EN: "Level %q is not valid."}
	msgParts         = i18n.Message{VI: "Chia tách cần ít nhất hai phần.", EN: "A split needs at least two parts."}
	msgVillageOf     = i18n.Message{VI: "Thôn/tổ %s không thuộc đơn vị được chia tách.", EN: "Village %s is not in the unit being split."}
	msgVillageTwice  = i18n.Message{VI: "Thôn/tổ %s được giao cho hai phần.", EN: "Village %s is given to two parts."}
	msgCycle         = i18n.Message{VI: "Không thể chuyển %s vào bên dưới chính nó.", EN: "%s cannot move below itself."}
	msgNotEmpty      = i18n.Message{VI: "Không thể giải thể %s: vẫn còn đơn vị trực thuộc đang hoạt động; hãy sáp nhập hoặc chuyển chúng trước.", EN: "%s cannot be closed: open units remain below it; merge or move them first."}
	msgTier          = i18n.Message{VI: "Không có đơn vị cấp %s nào đang hoạt động trong %s.", EN: "No open unit of level %s lies within %s."}
	msgRenameNothing = i18n.Message{VI: "Cần tên, loại hoặc mã mới.", EN: "Give a new name, type or code."}
	msgUserScope     = i18n.Message{VI: "Quyết định không thay đổi phạm vi của tài khoản %d.", EN: "The decision does not change the scope of account %d."}
	msgScopeClosed   = i18n.Message{VI: "Đơn vị %d không phải đơn vị đang hoạt động sau quyết định.", EN: "Unit %d is not an open unit after the decision."}
	msgUserTwice     = i18n.Message{VI: "Tài khoản %d được chọn phạm vi hai lần.", EN: "Account %d is given a scope twice."}
	msgTooEarly      = i18n.Message{VI: "Ngày hiệu lực phải sau ngày đơn vị %s bắt đầu (%s).", EN: "The effective date must come after %s began (%s)."}
)

// scopeChoice is the admin's choice of a scope for one account, the
// userScopes entry at index.
type scopeChoice struct {
	index int
	node  *node
}

// node is one unit of the tree being planned: an open unit of the database
// (unit set) or a unit the plan makes (unit nil).
type node struct {
	unit *ent.AdminUnit
	// What the plan makes of it.
	code, name, typ string
	level           adminunit.Level
	disadvantaged   bool
	// parent is the node it sits under after the plan; nil above a province.
	parent *node
	// fate of an existing unit: kept where it is, or closed.
	closed bool
	// into is the node a closed unit's contents go to: its successor, or
	// for an abolished tier the unit above it. Nil for a plain close.
	into *node
	// mergedInto is recorded on a closed unit: its successor, not the unit
	// above an abolished tier (which it did not become).
	mergedInto *node
	// version is the new row a kept unit gets when its place in the tree
	// changes; a node made by the plan is its own.
	version *node
	// renamed marks a kept unit whose code, name or type the plan changes
	// in place.
	renamed bool
	// byDefault marks a village a split gave to its first part unasked.
	byDefault bool
	// children in the database, open.
	children []*node
	// change is the index of the change that decided this unit's fate.
	change int
	// parentID or parentKey is where a new unit asked to sit, until
	// placeNew finds it.
	parentID  int
	parentKey string
	field     string // where the change describes it, for problems
	// id, path and depth of a new row, once allocated.
	id    int
	path  string
	depth int
}

// isNew reports whether the node is a row the plan makes.
func (n *node) isNew() bool { return n.unit == nil }

// label names a unit in messages: code and name.
func (n *node) label() string { return n.code + " " + n.name }

// final is the node that stands for n after the plan: its new version if
// it gets one, else itself. Closed units have none.
func (n *node) final() *node {
	if n.version != nil {
		return n.version
	}
	return n
}

// dest is where what sat in n (learning units, accounts, registrations)
// goes: n itself or its new version when kept, where its contents go when
// closed. Nil when n is kept in place.
func (n *node) dest() *node {
	switch {
	case n.closed && n.into != nil:
		return n.into.final()
	case n.closed:
		return nil
	case n.version != nil:
		return n.version
	}
	return nil
}

// Problem is why a change cannot be applied.
type Problem struct {
	// Change is the index of the change in the spec; -1 for the decision
	// as a whole.
	Change int
	// Field names the part of the change at fault.
	Field   string
	Message i18n.Message
	Args    []any
}

// Text is the problem in the language lang.
func (p Problem) Text(lang i18n.Lang) string { return p.Message.Format(lang, p.Args...) }

// resolved is a spec worked out against the tree.
type resolved struct {
	nodes    map[int]*node // existing open units by id
	created  []*node       // new units, parents before children
	keys     map[string]*node
	made     map[string]*node // new units by change index and field
	versions map[*node]*node  // the unit each new version stands for
	problems []Problem
	scopes   map[int]scopeChoice // the admin's choices of scope by user id
}

func (r *resolved) fail(change int, field string, msg i18n.Message, args ...any) {
	r.problems = append(r.problems, Problem{Change: change, Field: field, Message: msg, Args: args})
}

// resolve works s out against units, the open units of the provinces the
// spec touches (with their ancestors).
func resolve(s spec.Spec, units []*ent.AdminUnit) *resolved {
	r := &resolved{nodes: map[int]*node{}, keys: map[string]*node{}, made: map[string]*node{}, versions: map[*node]*node{}, scopes: map[int]scopeChoice{}}
	for _, u := range units {
		r.nodes[u.ID] = &node{unit: u, code: u.Code, name: u.Name, typ: u.Type, level: u.Level, disadvantaged: u.Disadvantaged, change: -1}
	}
	for _, n := range r.nodes {
		if pid := n.unit.ParentID; pid != nil {
			if p := r.nodes[*pid]; p != nil {
				n.parent = p
				p.children = append(p.children, n)
			}
		}
	}
	for _, n := range r.nodes {
		slices.SortFunc(n.children, func(a, b *node) int { return a.unit.ID - b.unit.ID })
	}
	if len(s.Changes) == 0 {
		r.fail(-1, "changes", msgNoChanges)
		return r
	}
	// New units first, so that changes may name them by key in any order.
	for i, c := range s.Changes {
		switch c.Kind {
		case spec.Create:
			r.newUnit(i, "new", c.New)
		case spec.Merge:
			if c.Successor != nil && c.Successor.New != nil {
				r.newUnit(i, "successor.new", c.Successor.New)
			}
		case spec.Split:
			for j, p := range c.Parts {
				if p.Successor.New != nil {
					r.newUnit(i, fmt.Sprintf("parts.%d.successor.new", j), p.Successor.New)
				}
			}
		}
	}
	for _, n := range r.created {
		r.placeNew(n)
	}
	claimed := map[*node]int{}
	claim := func(i int, field string, id int) *node {
		n := r.nodes[id]
		if n == nil {
			r.fail(i, field, msgUnitMissing, id)
			return nil
		}
		if j, ok := claimed[n]; ok {
			r.fail(i, field, msgTwice, n.label(), j)
			return nil
		}
		claimed[n] = i
		n.change = i
		return n
	}
	for i, c := range s.Changes {
		switch c.Kind {
		case spec.Create:
		case spec.Rename:
			r.rename(i, c, claim)
		case spec.Merge:
			r.merge(i, c, claim)
		case spec.Split:
			r.split(i, c, claim)
		case spec.Move:
			r.move(i, c, claim)
		case spec.AbolishTier:
			r.abolish(i, c, claim)
		case spec.Close:
			for j, id := range c.Sources {
				if n := claim(i, fmt.Sprintf("sources.%d", j), id); n != nil {
					n.closed = true
				}
			}
			if len(c.Sources) == 0 {
				r.fail(i, "sources", msgSources, 1)
			}
		default:
			r.fail(i, "kind", msgUnknownKind, c.Kind)
		}
	}
	if len(r.problems) > 0 {
		return r
	}
	r.version()
	r.checkCloses()
	for i, us := range s.UserScopes {
		field := fmt.Sprintf("userScopes.%d.", i)
		var n *node
		switch {
		case us.ScopeKey != "":
			if n = r.keys[us.ScopeKey]; n == nil {
				r.fail(-1, field+"scopeKey", msgKeyUnknown, us.ScopeKey)
				continue
			}
		default:
			// Only open units are nodes.
			if n = r.nodes[us.ScopeID]; n == nil || n.closed {
				r.fail(-1, field+"scopeID", msgScopeClosed, us.ScopeID)
				continue
			}
		}
		if _, twice := r.scopes[us.UserID]; twice {
			r.fail(-1, field+"userID", msgUserTwice, us.UserID)
			continue
		}
		r.scopes[us.UserID] = scopeChoice{index: i, node: n}
	}
	return r
}

// newUnit adds a unit the plan makes.
func (r *resolved) newUnit(i int, field string, u *spec.Unit) {
	level := adminunit.Level(u.Level)
	switch {
	case strings.TrimSpace(u.Code) == "":
		r.fail(i, field+".code", msgNewCode)
		return
	case strings.TrimSpace(u.Name) == "":
		r.fail(i, field+".name", msgNewName)
		return
	case strings.TrimSpace(u.Type) == "":
		r.fail(i, field+".type", msgNewType)
		return
	case adminunit.LevelValidator(level) != nil || level == adminunit.LevelCOUNTRY:
		r.fail(i, field+".level", msgLevel, u.Level)
		return
	}
	// Texts arrive as the client typed them; stored text is NFC (see
	// derive.NFC, which these bulk-written rows do not pass through).
	n := &node{code: strings.TrimSpace(u.Code), name: norm.NFC.String(strings.TrimSpace(u.Name)), typ: norm.NFC.String(strings.TrimSpace(u.Type)),
		level: level, disadvantaged: u.Disadvantaged, change: i, field: field}
	if u.Key != "" {
		if r.keys[u.Key] != nil {
			r.fail(i, field+".key", msgKeyTwice, u.Key)
			return
		}
		r.keys[u.Key] = n
	}
	// The parent is placed once every new unit is known (placeNew).
	n.parentID, n.parentKey = u.ParentID, u.ParentKey
	r.created = append(r.created, n)
	r.made[fmt.Sprintf("%d/%s", i, field)] = n
}

// placeNew puts a new unit under its parent, an open unit or another new
// one, now that all are known.
func (r *resolved) placeNew(n *node) {
	switch {
	case n.parentKey != "":
		n.parent = r.keys[n.parentKey]
		if n.parent == nil {
			r.fail(n.change, n.field+".parentKey", msgKeyUnknown, n.parentKey)
		}
	case n.parentID != 0:
		n.parent = r.nodes[n.parentID]
		if n.parent == nil {
			r.fail(n.change, n.field+".parentID", msgUnitMissing, n.parentID)
		}
	default:
		r.fail(n.change, n.field+".parentID", msgNewParent)
	}
}

// target finds a change's successor: an open unit, a new one of this
// change, or a new one of another change by key.
func (r *resolved) target(i int, field string, t *spec.Target, made *node) *node {
	switch {
	case t == nil:
	case t.New != nil:
		return made
	case t.Key != "":
		if n := r.keys[t.Key]; n != nil {
			return n
		}
		r.fail(i, field+".key", msgKeyUnknown, t.Key)
		return nil
	case t.ID != 0:
		if n := r.nodes[t.ID]; n != nil {
			return n
		}
		r.fail(i, field+".id", msgUnitMissing, t.ID)
		return nil
	}
	r.fail(i, field, msgNoTarget)
	return nil
}

func (r *resolved) rename(i int, c spec.Change, claim func(int, string, int) *node) {
	if len(c.Sources) != 1 {
		r.fail(i, "sources", msgOneSource)
		return
	}
	n := claim(i, "sources.0", c.Sources[0])
	if n == nil {
		return
	}
	if c.New == nil || c.New.Code == "" && c.New.Name == "" && c.New.Type == "" {
		r.fail(i, "new", msgRenameNothing)
		return
	}
	if c.New.Code != "" {
		n.code = strings.TrimSpace(c.New.Code)
	}
	if c.New.Name != "" {
		n.name = strings.TrimSpace(c.New.Name)
	}
	if c.New.Type != "" {
		n.typ = strings.TrimSpace(c.New.Type)
	}
	n.renamed = n.code != n.unit.Code || n.name != n.unit.Name || n.typ != n.unit.Type
}

func (r *resolved) merge(i int, c spec.Change, claim func(int, string, int) *node) {
	into := r.target(i, "successor", c.Successor, r.made[fmt.Sprintf("%d/successor.new", i)])
	// Two units at least merge, the successor counted when it is one of
	// them: a new successor or an existing one outside takes one source.
	min := 1
	if into != nil && !into.isNew() && slices.Contains(c.Sources, into.unit.ID) {
		min = 2
	}
	if len(c.Sources) < min {
		r.fail(i, "sources", msgSources, min)
	}
	for j, id := range c.Sources {
		n := claim(i, fmt.Sprintf("sources.%d", j), id)
		if n == nil || into == nil {
			continue
		}
		if n == into {
			continue // the successor is one of the merged units and stays
		}
		n.closed, n.into, n.mergedInto = true, into, into
	}
}

func (r *resolved) split(i int, c spec.Change, claim func(int, string, int) *node) {
	if len(c.Sources) != 1 {
		r.fail(i, "sources", msgOneSource)
		return
	}
	if len(c.Parts) < 2 {
		r.fail(i, "parts", msgParts)
	}
	n := claim(i, "sources.0", c.Sources[0])
	parts := make([]*node, len(c.Parts))
	for j, p := range c.Parts {
		field := fmt.Sprintf("parts.%d.successor", j)
		parts[j] = r.target(i, field, &p.Successor, r.made[fmt.Sprintf("%d/%s.new", i, field)])
	}
	if n == nil || len(parts) == 0 || slices.Contains(parts, nil) {
		return
	}
	n.closed, n.into, n.mergedInto = true, parts[0], parts[0]
	given := map[*node]bool{}
	for j, p := range c.Parts {
		for k, id := range p.Villages {
			field := fmt.Sprintf("parts.%d.villages.%d", j, k)
			v := r.nodes[id]
			switch {
			case v == nil:
				r.fail(i, field, msgUnitMissing, id)
			case v.parent != n:
				r.fail(i, field, msgVillageOf, v.label())
			case given[v]:
				r.fail(i, field, msgVillageTwice, v.label())
			default:
				given[v] = true
				v.parent = parts[j]
			}
		}
	}
	for _, v := range n.children {
		if !given[v] {
			v.byDefault = true
		}
	}
}

func (r *resolved) move(i int, c spec.Change, claim func(int, string, int) *node) {
	if len(c.Sources) != 1 {
		r.fail(i, "sources", msgOneSource)
		return
	}
	n := claim(i, "sources.0", c.Sources[0])
	field, p := "parentID", r.nodes[c.ParentID]
	switch {
	case c.ParentKey != "":
		field, p = "parentKey", r.keys[c.ParentKey]
		if p == nil {
			r.fail(i, field, msgKeyUnknown, c.ParentKey)
		}
	case p == nil:
		r.fail(i, field, msgUnitMissing, c.ParentID)
	}
	if n == nil || p == nil {
		return
	}
	for a := p; a != nil; a = a.parent {
		if a == n {
			r.fail(i, field, msgCycle, n.label())
			return
		}
	}
	n.parent = p
}

func (r *resolved) abolish(i int, c spec.Change, claim func(int, string, int) *node) {
	within := r.nodes[c.WithinID]
	level := adminunit.Level(c.Level)
	if within == nil {
		r.fail(i, "withinID", msgUnitMissing, c.WithinID)
		return
	}
	if adminunit.LevelValidator(level) != nil {
		r.fail(i, "level", msgLevel, c.Level)
		return
	}
	var tier []*node
	var walk func(*node)
	walk = func(n *node) {
		for _, ch := range n.children {
			if ch.level == level {
				tier = append(tier, ch)
				continue
			}
			walk(ch)
		}
	}
	walk(within)
	if len(tier) == 0 {
		r.fail(i, "level", msgTier, c.Level, within.label())
	}
	for _, t := range tier {
		if n := claim(i, "level", t.unit.ID); n != nil {
			n.closed = true
			n.into = n.parent // what it held goes up a tier
		}
	}
}

// version works out, top down, which kept units need a new row: those whose
// parent after the plan is not the row they sit under now. Children follow
// their parent into its successor, past abolished tiers.
func (r *resolved) version() {
	done := map[*node]bool{}
	var visit func(n *node)
	visit = func(n *node) {
		if done[n] {
			return
		}
		done[n] = true
		if p := n.parent; p != nil && !p.isNew() {
			visit(p)
		}
		if !n.closed {
			want := r.home(n.parent)
			if want != nil && (want.isNew() || n.unit.ParentID == nil || *n.unit.ParentID != want.unit.ID) {
				n.version = &node{code: n.code, name: n.name, typ: n.typ, level: n.level, disadvantaged: n.disadvantaged, parent: want, change: n.change}
				r.created = append(r.created, n.version)
				r.versions[n.version] = n
			}
		}
		for _, ch := range n.children {
			visit(ch)
		}
	}
	ids := make([]int, 0, len(r.nodes))
	for id := range r.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		visit(r.nodes[id])
	}
	// Kept units' new parents may be new rows made after them: order the
	// new rows parents first.
	r.created = parentsFirst(r.created)
}

// home is the row a child of p sits under after the plan: p's new row or
// p itself, or, when p is closed, where p's contents go.
func (r *resolved) home(p *node) *node {
	for p != nil && p.closed {
		p = p.into
	}
	if p == nil {
		return nil
	}
	return p.final()
}

// parentsFirst orders new rows so that each comes after the new row it
// sits under.
func parentsFirst(ns []*node) []*node {
	out := make([]*node, 0, len(ns))
	placed := map[*node]bool{}
	var place func(n *node)
	place = func(n *node) {
		if placed[n] {
			return
		}
		placed[n] = true
		if n.parent != nil && n.parent.isNew() {
			place(n.parent)
		}
		out = append(out, n)
	}
	for _, n := range ns {
		place(n)
	}
	return out
}

// checkCloses refuses a plain close of a unit that still holds open units
// after the plan, and a successor the plan closes.
func (r *resolved) checkCloses() {
	for _, n := range r.nodes {
		if n.mergedInto != nil && n.mergedInto.closed {
			r.fail(n.change, "successor", msgTargetClosed, n.mergedInto.label())
		}
		if !n.closed || n.into != nil {
			continue
		}
		for _, ch := range n.children {
			if !ch.closed && ch.parent == n {
				r.fail(n.change, "sources", msgNotEmpty, n.label())
				break
			}
		}
	}
}
