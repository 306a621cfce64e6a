package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/ent/adminunit"
	"hoctap/graph"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestWhereScope proves, from the schema, that no where-filter a client can
// send answers anything about a row the viewer may not read. It reads the
// GraphQL schema, so an edge or a field added later is covered without
// editing it:
//
//   - every list that takes `where:` (root lists, and nested connections
//     reached through a root list, which entgql loads eagerly);
//   - every path of edge predicates (`has…With`) from such a list, up to
//     maxPathDepth edges long;
//   - every filterable field of every type such a path reaches, with every
//     operator the where-input offers.
//
// For a row r the viewer cannot read, a filter Q must answer the same as "Q
// and id ≠ r" at the place r would match: were r seen, taking it away would
// change the count. r is drawn from the rows an ADMIN reaches from the
// viewer's own rows in a few hops, the rows a probe can reach at all. The
// `has…: true/false` predicates must answer as `has…With: [{}]` and its
// negation, whose scoping the paths prove. Run for every role below ADMIN
// (who reads everything) on the demo province, on both databases.
func TestWhereScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		// The tree of 2026, after the reform: the viewers' scopes took
		// over closed units whose records they read (history), and the
		// probes must find nothing of the closed units they did not.
		res, err := demo.Load(ctxTimeout(t), db, demo.Options{Scale: 0.0005, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := newAPI(t, db, nil)
		passwords := map[string]string{}
		for _, acc := range res.Accounts {
			passwords[acc.Username] = acc.Password
		}
		// The demo's MANAGER holds the whole province; one of a commune
		// has the neighbouring communes, and their pasts, out of scope.
		addCommuneManager(t, db, passwords)
		s := graph.NewExecutableSchema(graph.Config{}).Schema()
		admin := a.login(t, "admin", passwords["admin"]).AccessToken
		// The demo's province MANAGER reads all but the admin account, which
		// no edge leads to; the district MANAGER stands for the role.
		for _, user := range []string{"quanly.xa", "canbo", "congtacvien", "xem", "congdan"} {
			t.Run(user, func(t *testing.T) {
				p := &prober{t: t, a: a, s: s, admin: admin, token: a.login(t, user, passwords[user]).AccessToken}
				p.run()
			})
		}
	})
}

// maxPathDepth is how many edge predicates deep the probes go: enough to
// reach a neighbour's row from one's own (a household's village, then the
// village's other households), as the attacks of issue #10 did.
const maxPathDepth = 2

// candidatesPerType is how many out-of-scope rows of each type are probed.
const candidatesPerType = 3

// addCommuneManager makes a MANAGER of a commune the reform formed by a
// merge, other than the demo officer's.
func addCommuneManager(t *testing.T, db *store.DB, passwords map[string]string) {
	t.Helper()
	ctx := systemCtx()
	c, err := db.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelCOMMUNE), adminunit.ValidToIsNil(),
		adminunit.PredecessorsNEQ(""), adminunit.CodeNEQ("12688")).Order(adminunit.ByCode()).First(ctx)
	if err != nil {
		t.Fatalf("a merged commune: %v", err)
	}
	const pw = "commune-manager-pw-1"
	hash, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.User.Create().SetUsername("quanly.xa").SetFullName("Quản lý xã").SetPasswordHash(hash).
		SetRole(viewer.RoleManager).SetScopeID(c.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	passwords["quanly.xa"] = pw
}

type prober struct {
	t            *testing.T
	a            *api
	s            *ast.Schema
	admin, token string

	candidates map[string][]map[string]any // out-of-scope rows by type, with their fields as an ADMIN reads them
	probes     []probe
}

// probe is one filter on one list, and the same filter without the row it
// is about.
type probe struct {
	name       string
	list       listField
	with, sans map[string]any
}

// listField is a field that takes `where:`: a root list, or a nested
// connection reached through the root list of its parent type.
type listField struct {
	parent   string // "" for a root list; else the type holding the field
	field    string
	itemType string // the type of the rows
}

func (p *prober) run() {
	t := p.t
	p.findCandidates()
	for _, l := range p.lists() {
		p.pathProbes(l, l.itemType, nil, 0)
	}
	p.fieldProbes()
	if len(p.probes) == 0 {
		t.Fatal("no probe was made: the schema walk found nothing")
	}
	checked := p.runProbes()
	p.boolEdges()
	p.nonNullEdges()
	t.Logf("%d probes, %d out-of-scope rows of %d types", checked, countRows(p.candidates), len(p.candidates))
}

func countRows(m map[string][]map[string]any) int {
	n := 0
	for _, rows := range m {
		n += len(rows)
	}
	return n
}

// whereInput is the where-input type of a list field's rows.
func (p *prober) whereInput(typeName string) *ast.Definition {
	return p.s.Types[typeName+"WhereInput"]
}

// lists are the root lists that take where:, and the nested connections of
// the types those lists return.
func (p *prober) lists() []listField {
	var out []listField
	roots := map[string]bool{}
	for _, f := range p.s.Query.Fields {
		if it := connectionItem(p.s, f); it != "" && f.Arguments.ForName("where") != nil {
			out = append(out, listField{field: f.Name, itemType: it})
			roots[it] = true
		}
	}
	for _, name := range sortedKeys(roots) {
		for _, f := range p.s.Types[name].Fields {
			if it := connectionItem(p.s, f); it != "" && f.Arguments.ForName("where") != nil {
				out = append(out, listField{parent: name, field: f.Name, itemType: it})
			}
		}
	}
	return out
}

// connectionItem is the node type of a Relay connection field, "".
func connectionItem(s *ast.Schema, f *ast.FieldDefinition) string {
	conn := s.Types[f.Type.Name()]
	if conn == nil || !strings.HasSuffix(conn.Name, "Connection") {
		return ""
	}
	edges := conn.Fields.ForName("edges")
	if edges == nil {
		return ""
	}
	node := s.Types[edges.Type.Name()].Fields.ForName("node")
	if node == nil {
		return ""
	}
	return node.Type.Name()
}

// edgePredicates are the has…With fields of a where-input: field name → the
// type it filters.
func (p *prober) edgePredicates(typeName string) map[string]string {
	out := map[string]string{}
	for _, f := range p.whereInput(typeName).Fields {
		if strings.HasPrefix(f.Name, "has") && strings.HasSuffix(f.Name, "With") {
			out[f.Name] = strings.TrimSuffix(f.Type.Name(), "WhereInput")
		}
	}
	return out
}

// nest wraps a filter of the path's last type into the path.
func nest(path []string, leaf map[string]any) map[string]any {
	w := leaf
	for i := len(path) - 1; i >= 0; i-- {
		w = map[string]any{path[i]: []any{w}}
	}
	return w
}

// pathProbes adds, for every path of edge predicates from a list, a probe of
// each out-of-scope row the path ends on, plain and under `not`.
func (p *prober) pathProbes(l listField, typeName string, path []string, depth int) {
	if depth > 0 {
		for _, r := range p.candidates[typeName] {
			id := r["id"]
			with := nest(path, map[string]any{"id": id})
			sans := nest(path, map[string]any{"id": id, "idNEQ": id})
			name := fmt.Sprintf("%s %s{id: %v}", l, strings.Join(path, "."), id)
			p.probes = append(p.probes,
				probe{name: name, list: l, with: with, sans: sans},
				probe{name: "not " + name, list: l, with: map[string]any{"not": with}, sans: map[string]any{"not": sans}})
		}
	}
	if depth == maxPathDepth {
		return
	}
	edges := p.edgePredicates(typeName)
	for _, e := range sortedKeys(edges) {
		p.pathProbes(l, edges[e], append(slices.Clone(path), e), depth+1)
	}
}

// operators are the suffixes entgql gives field predicates, and how a probe
// builds its value from the out-of-scope row's value v.
var operators = []struct {
	suffix string
	value  func(v any) any
}{
	{"NEQ", same}, {"NotIn", list}, {"In", list},
	{"GTE", same}, {"GT", same}, {"LTE", same}, {"LT", same},
	{"ContainsFold", same}, {"Contains", same}, {"HasPrefix", same}, {"HasSuffix", same}, {"EqualFold", same},
	{"IsNil", yes}, {"NotNil", yes},
	{"", same},
}

func same(v any) any { return v }
func list(v any) any { return []any{v} }
func yes(any) any    { return true }

// fieldProbes adds, for every type an edge predicate reaches, a probe of
// every filterable field and operator, valued from each out-of-scope row,
// through the first one-edge path (from a root list) that reaches the type.
func (p *prober) fieldProbes() {
	reached := map[string]bool{}
	for _, l := range p.lists() {
		if l.parent != "" {
			continue
		}
		edges := p.edgePredicates(l.itemType)
		for _, e := range sortedKeys(edges) {
			typ := edges[e]
			if reached[typ] {
				continue
			}
			reached[typ] = true
			for _, r := range p.candidates[typ] {
				for _, f := range p.whereInput(typ).Fields {
					if f.Name == "id" || f.Name == "and" || f.Name == "or" || f.Name == "not" || strings.HasPrefix(f.Name, "has") {
						continue
					}
					base, op := splitOperator(f.Name)
					v, shown := r[base]
					if !shown {
						p.t.Errorf("%sWhereInput.%s filters on %q, which %s does not show: a filter must not read what the type hides", typ, f.Name, base, typ)
						continue
					}
					if v == nil && op.suffix != "IsNil" && op.suffix != "NotNil" {
						continue
					}
					val := op.value(v)
					p.probes = append(p.probes, probe{
						name: fmt.Sprintf("%s %s{%s: %v} of %v", l, e, f.Name, val, r["id"]),
						list: l,
						with: map[string]any{e: []any{map[string]any{f.Name: val}}},
						sans: map[string]any{e: []any{map[string]any{f.Name: val, "idNEQ": r["id"]}}},
					})
				}
			}
		}
	}
	for _, typ := range sortedKeys(p.candidates) {
		if !reached[typ] && len(p.candidates[typ]) > 0 {
			p.t.Logf("no edge predicate reaches %s: its fields cannot be probed through one", typ)
		}
	}
}

// splitOperator splits a where-input field name into the object field it
// filters and its operator.
func splitOperator(name string) (string, struct {
	suffix string
	value  func(v any) any
}) {
	for _, op := range operators {
		if op.suffix != "" && strings.HasSuffix(name, op.suffix) {
			return strings.TrimSuffix(name, op.suffix), op
		}
	}
	return name, operators[len(operators)-1]
}

func (l listField) String() string {
	if l.parent == "" {
		return l.field
	}
	return l.parent + "." + l.field
}

// probeBatch is how many counts go into one request, as aliases.
const probeBatch = 100

// runProbes runs every probe, both ways, as the viewer and compares.
func (p *prober) runProbes() int {
	t := p.t
	parents := p.visibleByType() // a readable row of each parent type
	n := 0
	for start := 0; start < len(p.probes); start += probeBatch {
		batch := p.probes[start:min(start+probeBatch, len(p.probes))]
		var doc strings.Builder
		vars := map[string]any{}
		doc.WriteString("query(")
		for i, pr := range batch {
			fmt.Fprintf(&doc, "$w%d: %sWhereInput, $s%d: %sWhereInput, ", i, pr.list.itemType, i, pr.list.itemType)
			vars[fmt.Sprintf("w%d", i)] = pr.with
			vars[fmt.Sprintf("s%d", i)] = pr.sans
		}
		doc.WriteString(") {\n")
		for i, pr := range batch {
			for _, v := range []string{"w", "s"} {
				alias := fmt.Sprintf("%s%d", v, i)
				if pr.list.parent == "" {
					fmt.Fprintf(&doc, "%s: %s(first: 0, where: $%s) { totalCount }\n", alias, pr.list.field, alias)
					continue
				}
				parent := parents[pr.list.parent]
				if parent == "" {
					t.Fatalf("the viewer reads no %s to probe %s through", pr.list.parent, pr.list)
				}
				fmt.Fprintf(&doc, "%s: %s(where: {id: %q}) { edges { node { %s(first: 0, where: $%s) { totalCount } } } }\n",
					alias, rootListOf(p.s, pr.list.parent), parent, pr.list.field, alias)
			}
		}
		doc.WriteString("}")
		r := p.a.exec(nil, p.token, doc.String(), vars, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("probe batch failed: %+v\n%s", r.Errors, doc.String())
		}
		var data map[string]json.RawMessage
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		for i, pr := range batch {
			w, s := string(data[fmt.Sprintf("w%d", i)]), string(data[fmt.Sprintf("s%d", i)])
			if w != s {
				t.Errorf("%s answers %s, and %s without the out-of-scope row: the filter sees it", pr.name, w, s)
			}
			n++
		}
	}
	return n
}

// rootListOf is the root list of a type, "" if none.
func rootListOf(s *ast.Schema, typeName string) string {
	for _, f := range s.Query.Fields {
		if connectionItem(s, f) == typeName && f.Arguments.ForName("where") != nil {
			return f.Name
		}
	}
	return ""
}

// visibleByType picks, for each type with a root list, one row the viewer
// reads, to reach nested lists through.
func (p *prober) visibleByType() map[string]string {
	out := map[string]string{}
	for _, l := range p.lists() {
		if l.parent != "" {
			continue
		}
		var got map[string]struct {
			Edges []struct{ Node struct{ ID string } }
		}
		p.a.exec(nil, p.token, fmt.Sprintf(`{ l: %s(first: 1) { edges { node { id } } } }`, l.field), nil, nil).decode(p.t, &got)
		if e := got["l"].Edges; len(e) > 0 {
			out[l.itemType] = e[0].Node.ID
		}
	}
	return out
}

// boolEdges checks that `has…: true` and `has…: false` answer as
// `has…With: [{}]` and its negation on every root list.
func (p *prober) boolEdges() {
	for _, l := range p.lists() {
		if l.parent != "" {
			continue
		}
		for _, e := range sortedKeys(p.edgePredicates(l.itemType)) {
			bare := strings.TrimSuffix(e, "With")
			q := fmt.Sprintf(`query($a: %[1]sWhereInput, $b: %[1]sWhereInput, $c: %[1]sWhereInput, $d: %[1]sWhereInput) {
				a: %[2]s(first: 0, where: $a) { totalCount } b: %[2]s(first: 0, where: $b) { totalCount }
				c: %[2]s(first: 0, where: $c) { totalCount } d: %[2]s(first: 0, where: $d) { totalCount } }`, l.itemType, l.field)
			r := p.a.exec(nil, p.token, q, map[string]any{
				"a": map[string]any{bare: true}, "b": map[string]any{e: []any{map[string]any{}}},
				"c": map[string]any{bare: false}, "d": map[string]any{"not": map[string]any{e: []any{map[string]any{}}}},
			}, nil)
			var got map[string]struct{ TotalCount int }
			r.decode(p.t, &got)
			if got["a"] != got["b"] || got["c"] != got["d"] {
				p.t.Errorf("%s: %s true/false answer %d/%d, %s [{}] and its negation %d/%d", l, bare,
					got["a"].TotalCount, got["c"].TotalCount, e, got["b"].TotalCount, got["d"].TotalCount)
			}
		}
	}
}

// nonNullEdges checks that the non-null edges of the rows the viewer reads
// lead to rows they read too: one that did not would null the whole row
// (a campaign without its province, a decision without its deciding unit).
func (p *prober) nonNullEdges() {
	for _, l := range p.lists() {
		if l.parent != "" {
			continue
		}
		var sel []string
		for _, f := range p.s.Types[l.itemType].Fields {
			target := p.s.Types[f.Type.Name()]
			if f.Type.NonNull && f.Type.Elem == nil && target != nil && slices.Contains(target.Interfaces, "Node") && !hasRequiredArgs(f) {
				sel = append(sel, f.Name+" { id }")
			}
		}
		if len(sel) == 0 {
			continue
		}
		r := p.a.exec(nil, p.token, fmt.Sprintf(`{ l: %s(first: 50) { edges { node { id %s } } } }`, l.field, strings.Join(sel, " ")), nil, nil)
		if len(r.Errors) > 0 {
			p.t.Errorf("%s: a readable row's non-null edge is out of reach: %+v", l.field, r.Errors[0])
		}
	}
}

// findCandidates collects out-of-scope rows the probes can reach: starting
// from rows the viewer reads, an ADMIN follows every edge of the schema a
// few hops; the rows found that the viewer cannot read are the candidates,
// the nearest first.
func (p *prober) findCandidates() {
	t := p.t
	var start []string
	for _, l := range p.lists() {
		if l.parent != "" {
			continue
		}
		var got map[string]struct {
			Edges []struct{ Node struct{ ID string } }
		}
		p.a.exec(nil, p.token, fmt.Sprintf(`{ l: %s(first: 5) { edges { node { id } } } }`, l.field), nil, nil).decode(t, &got)
		for _, e := range got["l"].Edges {
			start = append(start, e.Node.ID)
		}
	}
	types := p.typesOf(start)
	seen := map[string]bool{}
	for _, id := range start {
		seen[id] = true
	}
	var found []string
	frontier := start
	const hops, perTypeAndHop = 3, 8
	for range hops {
		var next []string
		taken := map[string]int{}
		for _, id := range frontier {
			for _, n := range p.neighbours(id, types[id]) {
				if !seen[n] {
					seen[n] = true
					next = append(next, n)
				}
			}
		}
		for id, typ := range p.typesOf(next) {
			types[id] = typ
		}
		// Follow a few rows of each type on: enough to reach every kind of
		// neighbour without walking the whole province.
		frontier = nil
		for _, id := range next {
			found = append(found, id)
			if taken[types[id]] < perTypeAndHop {
				taken[types[id]]++
				frontier = append(frontier, id)
			}
		}
	}
	visible := p.readable(found)
	p.candidates = map[string][]map[string]any{}
	for _, id := range found {
		typ := types[id]
		if visible[id] || p.whereInput(typ) == nil || len(p.candidates[typ]) >= candidatesPerType {
			continue
		}
		p.candidates[typ] = append(p.candidates[typ], p.fields(id, typ))
	}
	if len(p.candidates) == 0 {
		t.Fatal("no out-of-scope row was found near the viewer's rows: nothing would be proved")
	}
}

// typesOf reads, as an ADMIN, the type of each id.
func (p *prober) typesOf(ids []string) map[string]string {
	out := map[string]string{}
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		var got struct {
			Nodes []struct {
				ID       string
				Typename string `json:"__typename"`
			}
		}
		p.a.exec(nil, p.admin, `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, map[string]any{"ids": chunk}, nil).decode(p.t, &got)
		for _, n := range got.Nodes {
			out[n.ID] = n.Typename
		}
	}
	return out
}

// neighbours lists, as an ADMIN, the ids every edge of a row leads to (the
// first few of each list).
func (p *prober) neighbours(id, typ string) []string {
	var sel strings.Builder
	for _, f := range p.s.Types[typ].Fields {
		if hasRequiredArgs(f) {
			continue
		}
		target := p.s.Types[f.Type.Name()]
		switch {
		case target == nil:
		case connectionItem(p.s, f) != "":
			fmt.Fprintf(&sel, "%s: %s(first: 4) { edges { node { id } } }\n", f.Name, f.Name)
		case target.Kind == ast.Object && slices.Contains(target.Interfaces, "Node"):
			fmt.Fprintf(&sel, "%s { id }\n", f.Name)
		}
	}
	if sel.Len() == 0 {
		return nil
	}
	r := p.a.exec(nil, p.admin, fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on %s { %s } } }`, typ, sel.String()),
		map[string]any{"id": id}, nil)
	var got struct{ Node map[string]json.RawMessage }
	r.decode(p.t, &got)
	var out []string
	for _, name := range sortedKeys(got.Node) {
		out = append(out, idsIn(got.Node[name])...)
	}
	return out
}

func hasRequiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// idsIn finds every "id" in a JSON answer.
func idsIn(raw json.RawMessage) []string {
	var v any
	json.Unmarshal(raw, &v)
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if id, ok := v["id"].(string); ok {
				out = append(out, id)
			}
			for _, k := range sortedKeys(v) {
				walk(v[k])
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// readable asks, as the viewer, which of the ids they read.
func (p *prober) readable(ids []string) map[string]bool {
	out := map[string]bool{}
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		// An id out of reach is null, with a NOT_FOUND error at its place.
		r := p.a.exec(nil, p.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": chunk}, nil)
		for _, e := range r.Errors {
			if e.Extensions["code"] != "NOT_FOUND" {
				p.t.Fatalf("nodes: %+v", e)
			}
		}
		var got struct{ Nodes []*struct{ ID string } }
		if err := json.Unmarshal(r.Data, &got); err != nil {
			p.t.Fatalf("nodes: %v", err)
		}
		for _, n := range got.Nodes {
			if n != nil {
				out[n.ID] = true
			}
		}
	}
	return out
}

// fields reads, as an ADMIN, every scalar field of a row.
func (p *prober) fields(id, typ string) map[string]any {
	var names []string
	for _, f := range p.s.Types[typ].Fields {
		t := p.s.Types[f.Type.Name()]
		if t != nil && (t.Kind == ast.Scalar || t.Kind == ast.Enum) && len(f.Arguments) == 0 {
			names = append(names, f.Name)
		}
	}
	var got struct{ Node map[string]any }
	p.a.exec(nil, p.admin, fmt.Sprintf(`query($id: ID!) { node(id: $id) { __typename ... on %s { %s } } }`, typ, strings.Join(names, " ")),
		map[string]any{"id": id}, nil).decode(p.t, &got)
	return got.Node
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
