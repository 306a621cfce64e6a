package graph_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/learningunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// actors are the columns of the access matrix: one fixture user per role,
// a sibling commune's officer and another province's manager and officer,
// and "" for an anonymous request. See fixture.Fixture for the tree:
//
//	admn  admin         ADMIN         VN (the country)
//	mngr  manager       MANAGER       P1
//	offc  officer       OFFICER       C1        (P1 > D1 > C1)
//	coll  collaborator  COLLABORATOR  V1a       (in C1)
//	view  viewer        VIEWER        D1
//	citz  citizen       CITIZEN       V1a, own record in household 90101.01 #0
//	off2  officer2      OFFICER       C2        (sibling of C1)
//	mgr2  manager2      MANAGER       P2        (another province)
//	off4  officer4      OFFICER       C4        (in P2)
//	anon  anonymous
var actors = []string{"admin", "manager", "officer", "collaborator", "viewer", "citizen", "officer2", "manager2", "officer4", ""}

// outcomes spells out the cells of the matrix.
var outcomes = map[string]string{
	"ok":   "ok",   // data, no error
	"null": "null", // node is null, the list leaves it out, as if it did not exist
	"F":    "FORBIDDEN",
	"NF":   "NOT_FOUND",
	"U":    "UNAUTHENTICATED",
	"BI":   "BAD_USER_INPUT",
	"-":    "-", // not run: covered by another row, or it would spoil later rows
}

// TestAccessMatrix runs every query and mutation as every role, on objects in
// the actor's scope, in a sibling commune, in the parent unit and in another
// province, and compares the outcome with API.md: out-of-scope reads behave
// as if the object did not exist, out-of-scope writes fail with FORBIDDEN
// and change nothing. Lists are compared row by row with the set computed
// here from the fixture, so that no row leaks.
func TestAccessMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("reads", func(t *testing.T) {
			for _, r := range e.readRows() {
				e.run(t, r)
			}
		})
		t.Run("lists", func(t *testing.T) {
			for _, r := range e.listRows() {
				e.runList(t, r)
			}
		})
		t.Run("writes", func(t *testing.T) {
			for _, r := range e.writeRows() {
				e.run(t, r)
			}
		})
		// The writes added units, accounts and audit entries all over the
		// tree: the lists must still hold exactly the actor's scope.
		t.Run("lists after writes", func(t *testing.T) {
			for _, r := range e.listRows() {
				e.runList(t, r)
			}
		})
	})
}

// row is one line of the matrix: an operation on one target, with the
// outcome expected for each actor.
type row struct {
	want  string // one outcome per actor, see outcomes
	name  string
	query string
	path  string                            // where the result lies in data: "node", "me.scope.parent", "nodes.1"
	vars  func(actor string) map[string]any // built per cell, so writes get fresh targets
	write bool                              // a mutation: a failed one must change nothing
	list  string                            // for lists: the type of the rows
	among func(w *world, actor string) ids  // for lists: the rows the query selects before scoping; nil for all
}

type ids map[int]bool

// env is one database with the fixture, the API and the extra objects the
// matrix needs.
type env struct {
	t    *testing.T // the running cell
	db   *store.DB
	fx   *fixture.Fixture
	a    *api
	hash string
	seq  int

	own, housemate, spare, remote *ent.LearningUnit // the citizen's record, another member of their household, a V1a citizen without account, a V4a citizen
	household                     *ent.LearningUnit // the citizen's household
	clanC1, schoolC1, schoolC4    *ent.LearningUnit
	staff                         *ent.LearningUnit // lives in V1a, belongs to the C1 school: the parent is above a collaborator's scope
	commuter                      *ent.LearningUnit // lives in V1a, belongs to the C4 school: the parent is in another province
	logC1, logC4                  *ent.AuditLog
	missing                       int            // an id in the learning-unit range that names no row
	c5                            *ent.AdminUnit // a second commune of P2, for moves within it
}

func newEnv(t *testing.T, db *store.DB) *env {
	fx := fixture.Build(t, db.Client)
	e := &env{t: t, db: db, fx: fx, a: newAPI(t, db, fx)}
	ctx := systemCtx()
	var err error
	if e.hash, err = auth.HashPassword(fixture.Password); err != nil {
		t.Fatal(err)
	}
	lu := func(q *ent.LearningUnitQuery) *ent.LearningUnit {
		t.Helper()
		u, err := q.Order(ent.Asc(learningunit.FieldID)).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	L := db.LearningUnit
	e.household = fx.Households[fx.V1a.Code][0]
	e.own = lu(L.Query().Where(learningunit.ID(*fx.Users["citizen"].LearningUnitID)))
	e.housemate = lu(L.Query().Where(learningunit.ParentID(e.household.ID), learningunit.IDNEQ(e.own.ID)))
	e.spare = lu(L.Query().Where(learningunit.ParentID(fx.Households[fx.V1a.Code][1].ID)))
	e.remote = lu(L.Query().Where(learningunit.ParentID(fx.Households[fx.V4a.Code][0].ID)))
	e.clanC1 = lu(L.Query().Where(learningunit.AdminUnitID(fx.C1.ID), learningunit.KindEQ(learningunit.KindCLAN)))
	e.schoolC1 = lu(L.Query().Where(learningunit.AdminUnitID(fx.C1.ID), learningunit.KindEQ(learningunit.KindORGANIZATION)))
	e.schoolC4 = lu(L.Query().Where(learningunit.AdminUnitID(fx.C4.ID), learningunit.KindEQ(learningunit.KindORGANIZATION)))
	member := func(name string, parent *ent.LearningUnit) *ent.LearningUnit {
		u, err := L.Create().SetKind(learningunit.KindCITIZEN).SetName(name).SetAdminUnit(fx.V1a).SetParent(parent).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.staff = member("Giáo viên Lê Thị Hoa", e.schoolC1)
	e.commuter = member("Kỹ sư Phạm Văn Đức", e.schoolC4)
	e.missing = fx.Households[fx.V4a.Code][1].ID + 100000
	if e.c5, err = db.AdminUnit.Create().SetParent(fx.D3).SetLevel(adminunit.LevelCOMMUNE).SetType("Xã").
		SetCode("91102").SetName("Xã Minh Châu").Save(ctx); err != nil {
		t.Fatal(err)
	}

	// One audit entry per fixture account, placed at the account's scope.
	for _, name := range slices.Sorted(maps.Keys(fx.Users)) {
		u := fx.Users[name]
		if err := audit.Record(ctx, db.Client, audit.Entry{Action: "test.seed", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath}); err != nil {
			t.Fatal(err)
		}
	}
	log := func(u *ent.User) *ent.AuditLog {
		l, err := db.AuditLog.Query().Where(auditlog.TargetID(u.ID)).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	e.logC1, e.logC4 = log(fx.Users["officer"]), log(fx.Users["officer4"])
	return e
}

func gid(id int) string { return strconv.Itoa(id) }

// m builds a map from key, value pairs.
func m(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// with returns a copy of an input object with more fields (the id, the
// version a mutation's input names beside the changes).
func with(in map[string]any, kv ...any) map[string]any {
	out := maps.Clone(in)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, m(kv...))
	return out
}

// fixed returns the same variables for every actor.
func fixed(vars map[string]any) func(string) map[string]any {
	return func(string) map[string]any { return vars }
}

// self is the id of the actor's own account (of officer's for anonymous).
func (e *env) self(actor string) string {
	if actor == "" {
		actor = "officer"
	}
	return gid(e.fx.Users[actor].ID)
}

// unit creates a fresh learning unit as the system: a target for one cell.
func (e *env) unit(kind learningunit.Kind, au *ent.AdminUnit, archived bool) string {
	e.seq++
	b := e.db.LearningUnit.Create().SetKind(kind).SetName(fmt.Sprintf("Tạm %d", e.seq)).SetAdminUnit(au)
	if archived {
		b.SetArchivedAt(time.Now())
	}
	u, err := b.Save(systemCtx())
	if err != nil {
		e.t.Fatal(err)
	}
	return gid(u.ID)
}

// user creates a fresh account as the system: a target for one cell.
func (e *env) user(role viewer.Role, au *ent.AdminUnit) string {
	e.seq++
	b := e.db.User.Create().SetUsername(fmt.Sprintf("tmp%d", e.seq)).SetFullName(fmt.Sprintf("Người dùng tạm %d", e.seq)).
		SetPasswordHash(e.hash).SetRole(role).SetScope(au)
	if role == viewer.RoleCitizen {
		b.SetLearningUnit(e.spare)
	}
	u, err := b.Save(systemCtx())
	if err != nil {
		e.t.Fatal(err)
	}
	return gid(u.ID)
}

// Queries of single objects. The path of each is "node", or "nodes.1".
const (
	nodeQuery  = `query($id: ID!) { node(id: $id) { id } }`
	nodesQuery = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`
)

// readRows: node and nodes on admin units, learning units, accounts and
// audit entries at every distance from each actor, nested edges, and me.
func (e *env) readRows() []row {
	fx := e.fx
	type target struct {
		want, name string
		id         int
	}
	obj := func(want, name string, id int) target { return target{want, name, id} }
	targets := []target{
		//   admn mngr offc coll view citz off2 mgr2 off4 anon
		obj("ok   ok   ok   ok   ok   ok   ok   ok   ok   U", "unit VN (country)", fx.Country.ID),
		obj("ok   ok   ok   ok   ok   ok   ok   null null U", "unit P1", fx.P1.ID),
		obj("ok   ok   ok   ok   ok   ok   ok   null null U", "unit D1", fx.D1.ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "unit C1", fx.C1.ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "unit V1a", fx.V1a.ID),
		obj("ok   ok   null null ok   null ok   null null U", "unit C2", fx.C2.ID),
		obj("ok   ok   null null ok   null ok   null null U", "unit V2a", fx.V2a.ID),
		obj("ok   ok   null null null null null null null U", "unit V3a", fx.V3a.ID),
		obj("ok   null null null null null null ok   ok   U", "unit P2", fx.P2.ID),
		obj("ok   null null null null null null ok   ok   U", "unit C4", fx.C4.ID),
		obj("ok   null null null null null null ok   ok   U", "unit V4a", fx.V4a.ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "citizen's household", e.household.ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "citizen's own record", e.own.ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "citizen's housemate", e.housemate.ID),
		obj("ok   ok   ok   ok   ok   null null null null U", "neighbour household in V1a", fx.Households[fx.V1a.Code][1].ID),
		obj("ok   ok   ok   null ok   null null null null U", "clan in C1", e.clanC1.ID),
		obj("ok   ok   ok   null ok   null null null null U", "household in V1b", fx.Households[fx.V1b.Code][0].ID),
		obj("ok   ok   null null ok   null ok   null null U", "household in V2a", fx.Households[fx.V2a.Code][0].ID),
		obj("ok   ok   null null null null null null null U", "household in V3a", fx.Households[fx.V3a.Code][0].ID),
		obj("ok   null null null null null null ok   ok   U", "household in V4a", fx.Households[fx.V4a.Code][0].ID),
		obj("ok   ok   ok   ok   ok   null null null null U", "V1a member of the C4 school", e.commuter.ID),
		obj("ok   null null null null null null null null U", "account admin", fx.Users["admin"].ID),
		obj("ok   ok   null null null null null null null U", "account manager", fx.Users["manager"].ID),
		obj("ok   ok   ok   null ok   null null null null U", "account officer", fx.Users["officer"].ID),
		obj("ok   ok   ok   ok   ok   null null null null U", "account collaborator", fx.Users["collaborator"].ID),
		obj("ok   ok   ok   ok   ok   ok   null null null U", "account citizen", fx.Users["citizen"].ID),
		obj("ok   ok   null null ok   null ok   null null U", "account officer2", fx.Users["officer2"].ID),
		obj("ok   null null null null null null ok   null U", "account manager2", fx.Users["manager2"].ID),
		obj("ok   null null null null null null ok   ok   U", "account officer4", fx.Users["officer4"].ID),
		obj("ok   ok   null null null null null null null U", "audit entry in C1", e.logC1.ID),
		obj("ok   null null null null null null ok   null U", "audit entry in C4", e.logC4.ID),
		obj("null null null null null null null null null U", "id of no object", e.missing),
	}
	var rows []row
	for _, tg := range targets {
		id := gid(tg.id)
		rows = append(rows, row{want: tg.want, name: "node " + tg.name, query: nodeQuery, path: "node", vars: fixed(m("id", id))})
	}
	// nodes: the actor's own account, which everyone signed in may read,
	// next to the target, so that one list mixes visible and hidden objects.
	for _, tg := range targets {
		id := gid(tg.id)
		rows = append(rows, row{want: tg.want, name: "nodes " + tg.name, query: nodesQuery, path: "nodes.1",
			vars: func(actor string) map[string]any {
				if actor == "" {
					return m("ids", []string{id, id})
				}
				return m("ids", []string{e.self(actor), id})
			}})
	}
	edge := func(want, name, query, path string, id int) row {
		return row{want: want, name: name, query: query, path: path, vars: fixed(m("id", gid(id)))}
	}
	const (
		auParent = `query($id: ID!) { node(id: $id) { ... on AdminUnit { parent { id } } } }`
		luParent = `query($id: ID!) { node(id: $id) { ... on LearningUnit { parent { id } } } }`
		luAdmin  = `query($id: ID!) { node(id: $id) { ... on LearningUnit { adminUnit { id } } } }`
		uScope   = `query($id: ID!) { node(id: $id) { ... on User { scope { id } } } }`
		uRecord  = `query($id: ID!) { node(id: $id) { ... on User { learningUnit { id } } } }`
	)
	return append(rows,
		//          admn mngr offc coll view citz off2 mgr2 off4 anon
		row{want: "ok   ok   ok   ok   ok   ok   ok   ok   ok   U", name: "me", query: `{ me { id role } }`, path: "me"},
		row{want: "ok   ok   ok   ok   ok   ok   ok   ok   ok   U", name: "me.scope", query: `{ me { scope { id } } }`, path: "me.scope"},
		// Everyone reads the units above their scope (breadcrumbs); the
		// country has none.
		row{want: "null ok   ok   ok   ok   ok   ok   ok   ok   U", name: "me.scope.parent", query: `{ me { scope { parent { id } } } }`, path: "me.scope.parent"},
		edge("ok   ok   ok   ok   ok   ok   null null null U", "C1.parent (D1)", auParent, "node.parent", fx.C1.ID),
		edge("ok   ok   ok   ok   ok   ok   null null null U", "V1a.parent (C1)", auParent, "node.parent", fx.V1a.ID),
		edge("ok   null null null null null null ok   ok   U", "V4a.parent (C4)", auParent, "node.parent", fx.V4a.ID),
		edge("ok   ok   ok   ok   ok   ok   null null null U", "own record.parent (household)", luParent, "node.parent", e.own.ID),
		edge("ok   ok   ok   ok   ok   ok   null null null U", "own record.adminUnit (V1a)", luAdmin, "node.adminUnit", e.own.ID),
		edge("ok   ok   ok   null ok   null null null null U", "V1a staff.parent (C1 school)", luParent, "node.parent", e.staff.ID),
		edge("ok   null null null null null null null null U", "V1a commuter.parent (C4 school)", luParent, "node.parent", e.commuter.ID),
		edge("ok   ok   ok   ok   ok   ok   null null null U", "account citizen.learningUnit", uRecord, "node.learningUnit", fx.Users["citizen"].ID),
		edge("ok   ok   ok   null ok   null null null null U", "account officer.scope (C1)", uScope, "node.scope", fx.Users["officer"].ID),
		edge("ok   null null null null null null ok   ok   U", "account officer4.scope (C4)", uScope, "node.scope", fx.Users["officer4"].ID),
	)
}

// conn is the selection of a list: enough to page through it and place
// each row.
func conn(kind string) string {
	sel := map[string]string{
		"AdminUnit":    "id",
		"LearningUnit": "id adminUnit { id }",
		"User":         "id scope { id }",
		"AuditLog":     "id",
	}[kind]
	return "totalCount pageInfo { hasNextPage endCursor } edges { node { " + sel + " } }"
}

// listRows: every list query and connection edge. A cell "ok" means: the
// rows returned are exactly those the row selects that lie in the actor's
// scope, as computed by world.visible.
func (e *env) listRows() []row {
	fx := e.fx
	list := func(want, name, kind, query, path string, id int, among func(w *world, actor string) ids) row {
		query = strings.ReplaceAll(query, "CONN", conn(kind))
		vars := m()
		if id != 0 {
			vars["id"] = gid(id)
		}
		return row{want: want, name: name, query: query, path: path, list: kind, among: among, vars: fixed(vars)}
	}
	const (
		children = `query($id: ID!, $after: Cursor) { node(id: $id) { ... on AdminUnit { children(first: 50, after: $after) { CONN } } } }`
		units    = `query($id: ID!, $after: Cursor) { node(id: $id) { ... on AdminUnit { learningUnits(first: 50, after: $after) { CONN } } } }`
		members  = `query($id: ID!, $after: Cursor) { node(id: $id) { ... on LearningUnit { children(first: 50, after: $after) { CONN } } } }`
		trail    = `query($id: ID!, $after: Cursor) { node(id: $id) { ... on User { auditTrail(first: 50, after: $after) { CONN } } } }`
	)
	childOf := func(id int) func(*world, string) ids {
		return func(w *world, _ string) ids {
			return w.unitsWhere(func(u *ent.AdminUnit) bool { return ptr(u.ParentID) == id })
		}
	}
	inUnit := func(id int) func(*world, string) ids {
		return func(w *world, _ string) ids {
			return w.lusWhere(func(l *ent.LearningUnit) bool { return l.AdminUnitID == id })
		}
	}
	memberOf := func(id int) func(*world, string) ids {
		return func(w *world, _ string) ids {
			return w.lusWhere(func(l *ent.LearningUnit) bool { return ptr(l.ParentID) == id })
		}
	}
	about := func(id func(actor string) int) func(*world, string) ids {
		return func(w *world, actor string) ids {
			out := ids{}
			for _, l := range w.logs {
				if ptr(l.TargetID) == id(actor) {
					out[l.ID] = true
				}
			}
			return out
		}
	}
	scopeOf := func(actor string) int { return e.fx.Users[actor].ScopeID }
	//           admn mngr offc coll view citz off2 mgr2 off4 anon
	const all = "ok   ok   ok   ok   ok   ok   ok   ok   ok   U"
	return []row{
		list(all, "adminUnits", "AdminUnit", `query($after: Cursor) { adminUnits(first: 50, after: $after) { CONN } }`, "adminUnits", 0, nil),
		list(all, "learningUnits", "LearningUnit", `query($after: Cursor) { learningUnits(first: 50, after: $after) { CONN } }`, "learningUnits", 0, nil),
		list(all, "users", "User", `query($after: Cursor) { users(first: 50, after: $after) { CONN } }`, "users", 0, nil),
		// Only ADMIN and MANAGER read the audit log; to everyone else it
		// holds nothing they may see, so it reads as empty.
		list(all, "auditLogs", "AuditLog", `query($after: Cursor) { auditLogs(first: 50, after: $after) { CONN } }`, "auditLogs", 0, nil),
		list(all, "me.auditTrail", "AuditLog", `query($after: Cursor) { me { auditTrail(first: 50, after: $after) { CONN } } }`, "me.auditTrail", 0,
			about(func(actor string) int { return e.fx.Users[actor].ID })),
		//    admn mngr offc coll view citz off2 mgr2 off4 anon
		list("ok   ok   ok   ok   ok   null null null null U", "account collaborator.auditTrail", "AuditLog", trail, "node.auditTrail",
			fx.Users["collaborator"].ID, about(func(string) int { return fx.Users["collaborator"].ID })),
		list("ok   null null null null null null ok   ok   U", "account officer4.auditTrail", "AuditLog", trail, "node.auditTrail",
			fx.Users["officer4"].ID, about(func(string) int { return fx.Users["officer4"].ID })),
		list(all, "me.scope.children", "AdminUnit", `query($after: Cursor) { me { scope { children(first: 50, after: $after) { CONN } } } }`, "me.scope.children", 0,
			func(w *world, actor string) ids { return childOf(scopeOf(actor))(w, actor) }),
		list(all, "me.scope.learningUnits", "LearningUnit", `query($after: Cursor) { me { scope { learningUnits(first: 50, after: $after) { CONN } } } }`, "me.scope.learningUnits", 0,
			func(w *world, actor string) ids { return inUnit(scopeOf(actor))(w, actor) }),
		list("ok   ok   ok   ok   ok   ok   ok   null null U", "P1.children", "AdminUnit", children, "node.children", fx.P1.ID, childOf(fx.P1.ID)),
		list("ok   ok   ok   ok   ok   ok   ok   null null U", "D1.children", "AdminUnit", children, "node.children", fx.D1.ID, childOf(fx.D1.ID)),
		list("ok   null null null null null null ok   ok   U", "P2.children", "AdminUnit", children, "node.children", fx.P2.ID, childOf(fx.P2.ID)),
		list("ok   ok   ok   ok   ok   ok   null null null U", "C1.learningUnits", "LearningUnit", units, "node.learningUnits", fx.C1.ID, inUnit(fx.C1.ID)),
		list("ok   ok   ok   ok   ok   ok   null null null U", "V1a.learningUnits", "LearningUnit", units, "node.learningUnits", fx.V1a.ID, inUnit(fx.V1a.ID)),
		list("ok   ok   null null ok   null ok   null null U", "V2a.learningUnits", "LearningUnit", units, "node.learningUnits", fx.V2a.ID, inUnit(fx.V2a.ID)),
		list("ok   null null null null null null ok   ok   U", "V4a.learningUnits", "LearningUnit", units, "node.learningUnits", fx.V4a.ID, inUnit(fx.V4a.ID)),
		list("ok   ok   ok   ok   ok   ok   null null null U", "citizen's household.children", "LearningUnit", members, "node.children", e.household.ID, memberOf(e.household.ID)),
		list("ok   ok   ok   null ok   null null null null U", "C1 school.children", "LearningUnit", members, "node.children", e.schoolC1.ID, memberOf(e.schoolC1.ID)),
		// The commuter lives in V1a: C4's officer sees the school, not them.
		list("ok   null null null null null null ok   ok   U", "C4 school.children", "LearningUnit", members, "node.children", e.schoolC4.ID, memberOf(e.schoolC4.ID)),
		// Filters and search select among the rows in scope, never beyond.
		list(all, "learningUnits where adminUnit is C4", "LearningUnit",
			`query($id: ID!, $after: Cursor) { learningUnits(first: 50, after: $after, where: {hasAdminUnitWith: {id: $id}}) { CONN } }`, "learningUnits", fx.C4.ID, inUnit(fx.C4.ID)),
		list(all, "learningUnits search nguyen", "LearningUnit",
			`query($after: Cursor) { learningUnits(first: 50, after: $after, search: "nguyen") { CONN } }`, "learningUnits", 0,
			func(w *world, _ string) ids {
				return w.lusWhere(func(l *ent.LearningUnit) bool {
					return strings.Contains(l.Name, "Nguyễn") || strings.Contains(l.HeadName, "Nguyễn")
				})
			}),
		list(all, "users where scope is P2", "User",
			`query($id: ID!, $after: Cursor) { users(first: 50, after: $after, where: {hasScopeWith: {id: $id}}) { CONN } }`, "users", fx.P2.ID,
			func(w *world, _ string) ids {
				return w.usersWhere(func(u *ent.User) bool { return u.ScopeID == fx.P2.ID })
			}),
		list(all, "users search nguoi dung", "User",
			`query($after: Cursor) { users(first: 50, after: $after, search: "nguoi dung") { CONN } }`, "users", 0,
			func(w *world, _ string) ids {
				return w.usersWhere(func(u *ent.User) bool { return strings.HasPrefix(u.FullName, "Người dùng") })
			}),
		list(all, "adminUnits search thon", "AdminUnit",
			`query($after: Cursor) { adminUnits(first: 50, after: $after, search: "thon") { CONN } }`, "adminUnits", 0,
			func(w *world, _ string) ids {
				return w.unitsWhere(func(u *ent.AdminUnit) bool { return strings.HasPrefix(u.Name, "Thôn") })
			}),
	}
}

// The mutations, each with its root field as path.
const (
	createLU      = `mutation($in: CreateLearningUnitInput!) { createLearningUnit(input: $in) { learningUnit { id adminUnit { id } } } }`
	updateLU      = `mutation($in: UpdateLearningUnitInput!) { updateLearningUnit(input: $in) { learningUnit { id version } } }`
	archiveLU     = `mutation($id: ID!) { archiveLearningUnit(input: {id: $id}) { learningUnit { id archivedAt } } }`
	createUser    = `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id role scope { id } } } }`
	updateUser    = `mutation($in: UpdateUserInput!) { updateUser(input: $in) { user { id role } } }`
	disableUser   = `mutation($id: ID!, $d: Boolean! = true) { disableUser(input: {id: $id, disabled: $d}) { user { id disabled } } }`
	resetPassword = `mutation($id: ID!) { resetPassword(input: {id: $id}) { user { id } temporaryPassword } }`
	createAU      = `mutation($in: CreateAdminUnitInput!) { createAdminUnit(input: $in) { adminUnit { id parent { id } } } }`
	updateAU      = `mutation($in: UpdateAdminUnitInput!) { updateAdminUnit(input: $in) { adminUnit { id version } } }`
	closeAU       = `mutation($id: ID!, $s: ID) { closeAdminUnit(input: {id: $id, effectiveOn: "2025-07-01T00:00:00+07:00", successorID: $s}) { closed { id validTo } } }`
	moveAU        = `mutation($id: ID!, $p: ID!) { moveAdminUnit(input: {id: $id, parentID: $p, effectiveOn: "2025-07-01T00:00:00+07:00"}) { closed { id } unit { id } } }`
)

// writeRows: every mutation as every actor on targets at every distance.
// Targets are made fresh for each cell, so that one cell's success does not
// decide the next one's outcome.
func (e *env) writeRows() []row {
	fx := e.fx
	w := func(want, name, query string, vars func(actor string) map[string]any) row {
		root := query[strings.Index(query, "{")+1:]
		root = strings.TrimSpace(root[:strings.Index(root, "(")])
		return row{want: want, name: name, query: query, path: root, vars: vars, write: true}
	}
	newUnit := func(kind string, au *ent.AdminUnit, extra ...any) func(string) map[string]any {
		return fixed(m("in", m(append([]any{"kind", kind, "name", "Hộ Trần Văn Mới", "adminUnitID", gid(au.ID)}, extra...)...)))
	}
	// onFresh makes a fresh unit of kind in au and sends input to op on it.
	onFresh := func(kind learningunit.Kind, au *ent.AdminUnit, archived bool, input map[string]any) func(string) map[string]any {
		return func(string) map[string]any {
			u := e.unit(kind, au, archived)
			return m("id", u, "in", with(input, "id", u)) // the id alone for archiveLearningUnit
		}
	}
	on := func(id int, input map[string]any) func(string) map[string]any {
		return fixed(m("id", gid(id), "in", with(input, "id", gid(id))))
	}
	rename := m("name", "Tên mới")
	seq := 0
	newUser := func(role viewer.Role, au *ent.AdminUnit, extra ...any) func(string) map[string]any {
		return func(string) map[string]any {
			seq++
			return m("in", m(append([]any{"username", fmt.Sprintf("new%d", seq), "fullName", "Người dùng mới", "password", "Mat-khau-moi-2024",
				"role", string(role), "scopeID", gid(au.ID)}, extra...)...))
		}
	}
	onUser := func(role viewer.Role, au *ent.AdminUnit, input map[string]any) func(string) map[string]any {
		return func(string) map[string]any {
			u := e.user(role, au)
			return m("id", u, "in", with(input, "id", u)) // the id alone for disableUser and resetPassword
		}
	}
	onSelf := func(input func(actor string) map[string]any) func(string) map[string]any {
		return func(actor string) map[string]any {
			u := e.self(actor)
			return m("id", u, "in", with(input(actor), "id", u))
		}
	}
	disabledUser := func(string) map[string]any {
		id := e.user(viewer.RoleOfficer, fx.C1)
		if err := e.db.User.UpdateOneID(mustAtoi(e.t, id)).SetDisabled(true).Exec(systemCtx()); err != nil {
			e.t.Fatal(err)
		}
		return m("id", id, "d", false)
	}
	HH, CLAN, CIT := learningunit.KindHOUSEHOLD, learningunit.KindCLAN, learningunit.KindCITIZEN
	// newAU adds a unit of level under parent, with a code and name of its
	// own in each cell.
	newAU := func(parent *ent.AdminUnit, level, typ string, digits int) func(string) map[string]any {
		return func(string) map[string]any {
			seq++
			code := fmt.Sprintf("%0*d", digits, 10+seq)
			if digits == 0 {
				code = fmt.Sprintf("%s.%d", parent.Code, 50+seq)
			}
			return m("in", m("parentID", gid(parent.ID), "level", level, "code", code, "name", fmt.Sprintf("%s Mới %d", typ, seq), "type", typ))
		}
	}
	// onAU renames a fresh unit of level under parent.
	onAU := func(parent *ent.AdminUnit, level, typ, code string) func(string) map[string]any {
		return func(string) map[string]any {
			seq++
			u, err := e.db.AdminUnit.Create().SetParent(parent).SetLevel(adminunit.Level(level)).SetType(typ).
				SetCode(fmt.Sprintf(code, seq)).SetName(fmt.Sprintf("%s Cũ %d", typ, seq)).Save(systemCtx())
			if err != nil {
				e.t.Fatal(err)
			}
			return m("in", m("id", gid(u.ID), "name", fmt.Sprintf("%s Đổi Tên %d", typ, seq)))
		}
	}
	// freshAU makes an empty unit of level under parent, as the system.
	// It counts apart from seq, which gives province codes of 2 digits.
	fresh := 500
	freshAU := func(parent *ent.AdminUnit, level, typ, code string) string {
		fresh++
		u, err := e.db.AdminUnit.Create().SetParent(parent).SetLevel(adminunit.Level(level)).SetType(typ).
			SetCode(fmt.Sprintf(code, fresh)).SetName(fmt.Sprintf("%s Tạm %d", typ, fresh)).Save(systemCtx())
		if err != nil {
			e.t.Fatal(err)
		}
		return gid(u.ID)
	}
	// closeFresh dissolves (or, into, merges) a fresh empty unit.
	closeFresh := func(parent *ent.AdminUnit, level, typ, code string, into *ent.AdminUnit) func(string) map[string]any {
		return func(string) map[string]any {
			vars := m("id", freshAU(parent, level, typ, code))
			if into != nil {
				vars["s"] = gid(into.ID)
			}
			return vars
		}
	}
	// moveFresh moves a fresh empty unit under to.
	moveFresh := func(parent *ent.AdminUnit, level, typ, code string, to *ent.AdminUnit) func(string) map[string]any {
		return func(string) map[string]any { return m("id", freshAU(parent, level, typ, code), "p", gid(to.ID)) }
	}
	return []row{
		// admn mngr offc coll view citz off2 mgr2 off4 anon
		w("ok   ok   F    F    F    F    F    F    F    U", "close village in C1", closeAU, closeFresh(fx.C1, "VILLAGE", "Thôn", "90101.%d", nil)),
		w("ok   ok   F    F    F    F    F    F    F    U", "merge village of C1 into V2a", closeAU, closeFresh(fx.C1, "VILLAGE", "Thôn", "90101.%d", fx.V2a)),
		w("ok   F    F    F    F    F    F    F    F    U", "merge village of C1 into V4a", closeAU, closeFresh(fx.C1, "VILLAGE", "Thôn", "90101.%d", fx.V4a)),
		w("ok   F    F    F    F    F    F    ok   F    U", "close village in C4", closeAU, closeFresh(fx.C4, "VILLAGE", "Thôn", "91101.%d", nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "close commune in D1", closeAU, closeFresh(fx.D1, "COMMUNE", "Xã", "9%04d", nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "close district in P1", closeAU, closeFresh(fx.P1, "DISTRICT", "Huyện", "%03d", nil)),
		w("NF   NF   F    F    F    F    F    NF   F    U", "close missing unit", closeAU, fixed(m("id", gid(e.missing)))),
		w("ok   ok   F    F    F    F    F    F    F    U", "move village from C1 to C3", moveAU, moveFresh(fx.C1, "VILLAGE", "Thôn", "90101.%d", fx.C3)),
		w("ok   F    F    F    F    F    F    F    F    U", "move village from C1 to C4", moveAU, moveFresh(fx.C1, "VILLAGE", "Thôn", "90101.%d", fx.C4)),
		w("ok   F    F    F    F    F    F    ok   F    U", "move village within P2", moveAU, moveFresh(fx.C4, "VILLAGE", "Thôn", "91101.%d", e.c5)),
		w("ok   F    F    F    F    F    F    F    F    U", "move commune from D1 to D2", moveAU, moveFresh(fx.D1, "COMMUNE", "Xã", "9%04d", fx.D2)),
		w("NF   NF   F    F    F    F    F    NF   F    U", "move missing unit", moveAU, fixed(m("id", gid(e.missing), "p", gid(fx.C2.ID)))),

		// admn mngr offc coll view citz off2 mgr2 off4 anon
		w("ok   ok   F    F    F    F    F    F    F    U", "create village in C1", createAU, newAU(fx.C1, "VILLAGE", "Thôn", 0)),
		w("ok   F    F    F    F    F    F    ok   F    U", "create village in C4", createAU, newAU(fx.C4, "VILLAGE", "Thôn", 0)),
		w("ok   F    F    F    F    F    F    F    F    U", "create commune in D1", createAU, newAU(fx.D1, "COMMUNE", "Xã", 5)),
		w("ok   F    F    F    F    F    F    F    F    U", "create commune in P1", createAU, newAU(fx.P1, "COMMUNE", "Phường", 5)),
		w("ok   F    F    F    F    F    F    F    F    U", "create province", createAU, newAU(fx.Country, "PROVINCE", "Tỉnh", 2)),
		w("ok   ok   F    F    F    F    F    F    F    U", "rename village in C1", updateAU, onAU(fx.C1, "VILLAGE", "Thôn", "90101.%d")),
		w("ok   F    F    F    F    F    F    ok   F    U", "rename village in C4", updateAU, onAU(fx.C4, "VILLAGE", "Thôn", "91101.%d")),
		w("ok   F    F    F    F    F    F    F    F    U", "rename commune in D1", updateAU, onAU(fx.D1, "COMMUNE", "Xã", "9%04d")),
		w("NF   NF   F    F    F    F    F    NF   F    U", "rename missing unit", updateAU, fixed(m("in", m("id", gid(e.missing), "name", "Tên mới")))),

		// admn mngr offc coll view citz off2 mgr2 off4 anon
		w("ok   F    ok   ok   F    F    F    F    F    U", "create household in V1a", createLU, newUnit("HOUSEHOLD", fx.V1a)),
		w("ok   F    ok   F    F    F    F    F    F    U", "create clan in C1", createLU, newUnit("CLAN", fx.C1)),
		w("ok   F    F    F    F    F    ok   F    F    U", "create household in V2a", createLU, newUnit("HOUSEHOLD", fx.V2a)),
		w("ok   F    F    F    F    F    F    F    F    U", "create organisation in D1", createLU, newUnit("ORGANIZATION", fx.D1, "subtype", "AGENCY")),
		w("ok   F    F    F    F    F    F    F    ok   U", "create household in V4a", createLU, newUnit("HOUSEHOLD", fx.V4a)),
		w("ok   F    ok   ok   F    F    F    F    F    U", "create citizen in V1a's household", createLU,
			newUnit("CITIZEN", fx.V1a, "parentID", gid(fx.Households[fx.V1a.Code][1].ID))),
		w("ok   F    F    F    F    F    F    F    F    U", "create citizen in V1a in V4a's household", createLU,
			newUnit("CITIZEN", fx.V1a, "parentID", gid(fx.Households[fx.V4a.Code][0].ID))),

		w("ok   F    ok   ok   F    F    F    F    F    U", "update household in V1a", updateLU, onFresh(HH, fx.V1a, false, rename)),
		w("ok   F    ok   F    F    F    F    F    F    U", "update clan in C1", updateLU, onFresh(CLAN, fx.C1, false, rename)),
		w("ok   F    F    F    F    F    ok   F    F    U", "update household in V2a", updateLU, onFresh(HH, fx.V2a, false, rename)),
		w("ok   F    F    F    F    F    F    F    ok   U", "update household in V4a", updateLU, onFresh(HH, fx.V4a, false, rename)),
		w("ok   F    ok   F    F    F    F    F    F    U", "move household from V1a to V1b", updateLU, onFresh(HH, fx.V1a, false, m("adminUnitID", gid(fx.V1b.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move household from V1a to V2a", updateLU, onFresh(HH, fx.V1a, false, m("adminUnitID", gid(fx.V2a.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move household from V1a to D1", updateLU, onFresh(HH, fx.V1a, false, m("adminUnitID", gid(fx.D1.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move household from V1a to V4a", updateLU, onFresh(HH, fx.V1a, false, m("adminUnitID", gid(fx.V4a.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "attach citizen of V1a to V2a's household", updateLU,
			onFresh(CIT, fx.V1a, false, m("parentID", gid(fx.Households[fx.V2a.Code][0].ID)))),
		w("BI   F    BI   BI   F    F    F    F    F    U", "update archived household in V1a", updateLU, onFresh(HH, fx.V1a, true, rename)),
		w("ok   F    ok   ok   F    ok   F    F    F    U", "update own record's phone and address", updateLU, on(e.own.ID, m("phone", "0912345678", "address", "Thôn 1"))),
		w("ok   F    ok   ok   F    ok   F    F    F    U", "clear own record's phone", updateLU, on(e.own.ID, m("clearPhone", true))),
		w("ok   F    ok   ok   F    F    F    F    F    U", "update own record's name", updateLU, on(e.own.ID, rename)),
		w("-    F    -    -    F    F    F    F    F    U", "move own record to V1b", updateLU, on(e.own.ID, m("adminUnitID", gid(fx.V1b.ID)))),
		w("ok   F    ok   ok   F    F    F    F    F    U", "update own household's phone", updateLU, on(e.household.ID, m("phone", "0912345678"))),
		w("ok   F    ok   ok   F    F    F    F    F    U", "update housemate's phone", updateLU, on(e.housemate.ID, m("phone", "0912345678"))),
		// A missing object is NOT_FOUND only to the roles that may do the
		// operation at all: the role check comes first (TestRoleBeforeRules).
		w("NF   F    NF   NF   F    NF   NF   F    NF   U", "update missing unit", updateLU, on(e.missing, rename)),

		w("ok   F    ok   ok   F    F    F    F    F    U", "archive household in V1a", archiveLU, onFresh(HH, fx.V1a, false, nil)),
		w("ok   F    ok   F    F    F    F    F    F    U", "archive clan in C1", archiveLU, onFresh(CLAN, fx.C1, false, nil)),
		w("ok   F    F    F    F    F    ok   F    F    U", "archive household in V2a", archiveLU, onFresh(HH, fx.V2a, false, nil)),
		w("ok   F    F    F    F    F    F    F    ok   U", "archive household in V4a", archiveLU, onFresh(HH, fx.V4a, false, nil)),
		w("ok   F    ok   ok   F    F    F    F    F    U", "archive archived household in V1a", archiveLU, onFresh(HH, fx.V1a, true, nil)),
		w("-    F    -    -    F    F    F    F    F    U", "archive own record", archiveLU, fixed(m("id", gid(e.own.ID)))),
		w("NF   F    NF   NF   F    F    NF   F    NF   U", "archive missing unit", archiveLU, fixed(m("id", gid(e.missing)))),

		w("ok   ok   F    F    F    F    F    F    F    U", "create OFFICER in C1", createUser, newUser(viewer.RoleOfficer, fx.C1)),
		w("ok   ok   F    F    F    F    F    F    F    U", "create COLLABORATOR in V2a", createUser, newUser(viewer.RoleCollaborator, fx.V2a)),
		w("ok   F    F    F    F    F    F    ok   F    U", "create OFFICER in C4", createUser, newUser(viewer.RoleOfficer, fx.C4)),
		w("ok   F    F    F    F    F    F    F    F    U", "create VIEWER in VN", createUser, newUser(viewer.RoleViewer, fx.Country)),
		w("ok   F    F    F    F    F    F    F    F    U", "create MANAGER in P1", createUser, newUser(viewer.RoleManager, fx.P1)),
		w("ok   F    F    F    F    F    F    F    F    U", "create ADMIN in VN", createUser, newUser(viewer.RoleAdmin, fx.Country)),
		w("ok   ok   F    F    F    F    F    F    F    U", "create CITIZEN in V1a for a V1a record", createUser,
			newUser(viewer.RoleCitizen, fx.V1a, "learningUnitID", gid(e.spare.ID))),
		w("-    F    F    F    F    F    F    F    F    U", "create CITIZEN in V1a for a V4a record", createUser,
			newUser(viewer.RoleCitizen, fx.V1a, "learningUnitID", gid(e.remote.ID))),
		w("-    F    F    F    F    F    F    F    F    U", "create OFFICER in C1 linked to a V4a record", createUser,
			newUser(viewer.RoleOfficer, fx.C1, "learningUnitID", gid(e.remote.ID))),

		w("ok   ok   F    F    F    F    F    F    F    U", "rename OFFICER in C1", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("fullName", "Tên mới"))),
		w("ok   ok   F    F    F    F    F    F    F    U", "rename OFFICER in C2", updateUser, onUser(viewer.RoleOfficer, fx.C2, m("fullName", "Tên mới"))),
		w("ok   F    F    F    F    F    F    ok   F    U", "rename OFFICER in C4", updateUser, onUser(viewer.RoleOfficer, fx.C4, m("fullName", "Tên mới"))),
		w("ok   F    F    F    F    F    F    F    F    U", "rename MANAGER in P1", updateUser, onUser(viewer.RoleManager, fx.P1, m("fullName", "Tên mới"))),
		w("ok   F    F    F    F    F    F    F    F    U", "rename ADMIN in VN", updateUser, onUser(viewer.RoleAdmin, fx.Country, m("fullName", "Tên mới"))),
		w("ok   ok   F    F    F    F    F    F    F    U", "promote COLLABORATOR in V1a to OFFICER", updateUser, onUser(viewer.RoleCollaborator, fx.V1a, m("role", "OFFICER"))),
		w("ok   F    F    F    F    F    F    F    F    U", "promote OFFICER in C1 to MANAGER", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("role", "MANAGER"))),
		w("ok   F    F    F    F    F    F    F    F    U", "promote OFFICER in C1 to ADMIN", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("role", "ADMIN"))),
		w("ok   ok   F    F    F    F    F    F    F    U", "move OFFICER from C1 to C2", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("scopeID", gid(fx.C2.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move OFFICER from C1 to C4", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("scopeID", gid(fx.C4.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move OFFICER from C1 to VN", updateUser, onUser(viewer.RoleOfficer, fx.C1, m("scopeID", gid(fx.Country.ID)))),
		w("ok   F    F    F    F    F    F    F    F    U", "move OFFICER from C4 to C1", updateUser, onUser(viewer.RoleOfficer, fx.C4, m("scopeID", gid(fx.C1.ID)))),
		w("ok   ok   ok   ok   ok   ok   ok   ok   ok   U", "rename self", updateUser, onSelf(func(string) map[string]any { return m("fullName", "Tên mới") })),
		w("F    F    F    F    F    F    F    F    F    U", "change own role", updateUser, onSelf(func(actor string) map[string]any {
			if actor == "viewer" {
				return m("role", "COLLABORATOR")
			}
			return m("role", "VIEWER")
		})),
		w("-    F    F    F    F    F    F    F    F    U", "make self ADMIN", updateUser, onSelf(func(string) map[string]any { return m("role", "ADMIN") })),
		w("F    F    F    F    F    F    F    F    F    U", "move self to V4a", updateUser, onSelf(func(string) map[string]any { return m("scopeID", gid(fx.V4a.ID)) })),
		w("-    F    F    F    F    F    F    F    F    U", "move self to VN", updateUser, onSelf(func(string) map[string]any { return m("scopeID", gid(fx.Country.ID)) })),
		w("NF   NF   NF   NF   NF   NF   NF   NF   NF   U", "update missing account", updateUser, fixed(m("in", m("id", gid(e.missing), "fullName", "Tên mới")))),

		w("ok   ok   F    F    F    F    F    F    F    U", "disable OFFICER in C1", disableUser, onUser(viewer.RoleOfficer, fx.C1, nil)),
		w("ok   ok   F    F    F    F    F    F    F    U", "disable CITIZEN in V1a", disableUser, onUser(viewer.RoleCitizen, fx.V1a, nil)),
		w("ok   F    F    F    F    F    F    ok   F    U", "disable OFFICER in C4", disableUser, onUser(viewer.RoleOfficer, fx.C4, nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "disable MANAGER in P2", disableUser, onUser(viewer.RoleManager, fx.P2, nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "disable ADMIN", disableUser, onUser(viewer.RoleAdmin, fx.Country, nil)),
		w("ok   ok   F    F    F    F    F    F    F    U", "enable OFFICER in C1", disableUser, disabledUser),
		w("F    F    F    F    F    F    F    F    F    U", "disable self", disableUser, func(actor string) map[string]any { return m("id", e.self(actor)) }),
		w("NF   NF   F    F    F    F    F    NF   F    U", "disable missing account", disableUser, fixed(m("id", gid(e.missing)))),

		w("ok   ok   F    F    F    F    F    F    F    U", "reset password of OFFICER in C1", resetPassword, onUser(viewer.RoleOfficer, fx.C1, nil)),
		w("ok   ok   F    F    F    F    F    F    F    U", "reset password of CITIZEN in V1a", resetPassword, onUser(viewer.RoleCitizen, fx.V1a, nil)),
		w("ok   F    F    F    F    F    F    ok   F    U", "reset password of OFFICER in C4", resetPassword, onUser(viewer.RoleOfficer, fx.C4, nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "reset password of MANAGER in P1", resetPassword, onUser(viewer.RoleManager, fx.P1, nil)),
		w("ok   F    F    F    F    F    F    F    F    U", "reset password of ADMIN", resetPassword, onUser(viewer.RoleAdmin, fx.Country, nil)),
		w("F    F    F    F    F    F    F    F    F    U", "reset own password", resetPassword, func(actor string) map[string]any { return m("id", e.self(actor)) }),
		w("NF   NF   F    F    F    F    F    NF   F    U", "reset password of missing account", resetPassword, fixed(m("id", gid(e.missing)))),
	}
}

// run runs one row as every actor whose cell is not "-".
func (e *env) run(t *testing.T, r row) {
	t.Helper()
	cells := strings.Fields(r.want)
	if len(cells) != len(actors) {
		t.Fatalf("%s: %d cells, want %d", r.name, len(cells), len(actors))
	}
	for i, actor := range actors {
		want, ok := outcomes[cells[i]]
		if !ok {
			t.Fatalf("%s: unknown outcome %q", r.name, cells[i])
		}
		if want == "-" {
			continue
		}
		t.Run(r.name+"/"+label(actor), func(t *testing.T) {
			e.t = t // the fresh targets of this cell fail this cell
			var vars map[string]any
			if r.vars != nil {
				vars = r.vars(actor)
			}
			var before string
			if r.write && want != "ok" {
				before = e.snapshot(t)
			}
			res := e.a.as(actor, r.query, vars)
			expect(t, res, r.path, want)
			if before != "" {
				if after := e.snapshot(t); after != before {
					t.Errorf("%s failed with %s but changed the database:\n%s", r.name, res.code(), diff(before, after))
				}
			}
		})
	}
}

func label(actor string) string {
	if actor == "" {
		return "anonymous"
	}
	return actor
}

// expect checks one outcome: "ok", "null" or an error code.
func expect(t *testing.T, res response, path, want string) {
	t.Helper()
	got := at(t, res.Data, path)
	switch want {
	case "ok":
		if len(res.Errors) > 0 {
			t.Fatalf("want data, got errors %+v", res.Errors)
		}
		if got == nil {
			t.Fatalf("want data at %s, got null: %s", path, res.Data)
		}
	case "null":
		for _, er := range res.Errors {
			// nodes reports a missing item as NOT_FOUND, the same for a
			// hidden one as for an id of nothing.
			if c, _ := er.Extensions["code"].(string); c != "NOT_FOUND" || !strings.HasPrefix(path, "nodes") {
				t.Fatalf("want null at %s, got error %+v", path, er)
			}
		}
		if got != nil {
			t.Fatalf("want null at %s, got %v: the object leaks", path, got)
		}
	default:
		if res.code() != want {
			t.Fatalf("want %s, got %q: errors %+v, data %s", want, res.code(), res.Errors, res.Data)
		}
		if got != nil {
			t.Fatalf("want %s and no data, got %v at %s", want, got, path)
		}
	}
}

// at returns the value at a dotted path in data, nil where a step is null.
func at(t *testing.T, data json.RawMessage, path string) any {
	t.Helper()
	var v any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("data %s: %v", data, err)
		}
	}
	for _, step := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// runList runs a list row as every actor; "ok" pages through the whole list
// and compares its rows with the expected set.
func (e *env) runList(t *testing.T, r row) {
	t.Helper()
	cells := strings.Fields(r.want)
	if len(cells) != len(actors) {
		t.Fatalf("%s: %d cells, want %d", r.name, len(cells), len(actors))
	}
	for i, actor := range actors {
		want := outcomes[cells[i]]
		t.Run(r.name+"/"+label(actor), func(t *testing.T) {
			if want != "ok" {
				expect(t, e.a.as(actor, r.query, r.vars(actor)), r.path, want)
				return
			}
			got := ids{}
			var after any
			for page := 1; ; page++ {
				vars := maps.Clone(r.vars(actor))
				vars["after"] = after
				res := e.a.as(actor, r.query, vars)
				expect(t, res, r.path, "ok")
				var c struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct {
							ID        string
							AdminUnit struct{ ID string }
							Scope     struct{ ID string }
						}
					}
				}
				raw, _ := json.Marshal(at(t, res.Data, r.path))
				if err := json.Unmarshal(raw, &c); err != nil {
					t.Fatal(err)
				}
				w := e.world(t)
				scope := w.subtree(e.fx.Users[actor].ScopeID)
				for _, edge := range c.Edges {
					got[mustAtoi(t, edge.Node.ID)] = true
					// A learning unit lies in an admin unit of the scope
					// subtree, an account has its scope there.
					for _, unit := range []string{edge.Node.AdminUnit.ID, edge.Node.Scope.ID} {
						if unit != "" && !scope[mustAtoi(t, unit)] {
							t.Errorf("%s %s lies in admin unit %s, outside %s's scope", r.list, edge.Node.ID, unit, actor)
						}
					}
				}
				if !c.PageInfo.HasNextPage {
					if c.TotalCount != len(got) {
						t.Errorf("totalCount %d, but %d rows listed", c.TotalCount, len(got))
					}
					break
				}
				if page > 20 {
					t.Fatal("more than 20 pages")
				}
				after = c.PageInfo.EndCursor
			}
			w := e.world(t)
			wantIDs := w.visible(e.fx, actor, r.list)
			if r.among != nil {
				among := r.among(w, actor)
				for id := range wantIDs {
					if !among[id] {
						delete(wantIDs, id)
					}
				}
			}
			if leaked := minus(got, wantIDs); len(leaked) > 0 {
				t.Errorf("%d rows leak out of %s's scope: %s %v", len(leaked), label(actor), r.list, leaked)
			}
			if missing := minus(wantIDs, got); len(missing) > 0 {
				t.Errorf("%d rows of %s's scope missing: %s %v", len(missing), label(actor), r.list, missing)
			}
		})
	}
}

func minus(a, b ids) []int {
	var out []int
	for id := range a {
		if !b[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func mustAtoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func ptr[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// world is every row of the database, read as the system: what the expected
// sets are computed from, without the API's scope filters.
type world struct {
	units map[int]*ent.AdminUnit
	lus   []*ent.LearningUnit
	users []*ent.User
	logs  []*ent.AuditLog
}

func (e *env) world(t *testing.T) *world {
	t.Helper()
	ctx := systemCtx()
	units, err := e.db.AdminUnit.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{units: map[int]*ent.AdminUnit{}}
	for _, u := range units {
		w.units[u.ID] = u
	}
	if w.lus, err = e.db.LearningUnit.Query().All(ctx); err != nil {
		t.Fatal(err)
	}
	if w.users, err = e.db.User.Query().All(ctx); err != nil {
		t.Fatal(err)
	}
	if w.logs, err = e.db.AuditLog.Query().All(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

// subtree is root and the units below it, found by walking parent ids (not
// by the materialised paths the application filters on).
func (w *world) subtree(root int) ids {
	out := ids{}
	for id := range w.units {
		for u := w.units[id]; u != nil; u = w.units[ptr(u.ParentID)] {
			if u.ID == root {
				out[id] = true
				break
			}
		}
	}
	return out
}

// visible is what API.md's role table lets an actor read of a type: their
// scope subtree (and, of admin units, the units above it); for a citizen their own record, household and its members,
// and their own account; audit entries for ADMIN and MANAGER only.
func (w *world) visible(fx *fixture.Fixture, actor, kind string) ids {
	out := ids{}
	if actor == "" {
		return out
	}
	me := fx.Users[actor]
	scope := w.subtree(me.ScopeID)
	citizen := me.Role == viewer.RoleCitizen
	switch kind {
	case "AdminUnit":
		for id := range scope {
			out[id] = true
		}
		for u := w.units[me.ScopeID]; u != nil; u = w.units[ptr(u.ParentID)] {
			out[u.ID] = true
		}
	case "LearningUnit":
		household := fx.Households[fx.V1a.Code][0].ID
		for _, l := range w.lus {
			if citizen {
				out[l.ID] = l.ID == *me.LearningUnitID || l.ID == household || ptr(l.ParentID) == household
			} else {
				out[l.ID] = scope[l.AdminUnitID]
			}
		}
	case "User":
		for _, u := range w.users {
			out[u.ID] = citizen && u.ID == me.ID || !citizen && scope[u.ScopeID]
		}
	case "AuditLog":
		for _, l := range w.logs {
			segments := strings.Split(l.ScopePath, "/")
			out[l.ID] = me.Role == viewer.RoleAdmin || me.Role == viewer.RoleManager && slices.Contains(segments, gid(me.ScopeID))
		}
	}
	maps.DeleteFunc(out, func(_ int, in bool) bool { return !in })
	return out
}

func (w *world) unitsWhere(f func(*ent.AdminUnit) bool) ids {
	out := ids{}
	for _, u := range w.units {
		if f(u) {
			out[u.ID] = true
		}
	}
	return out
}

func (w *world) lusWhere(f func(*ent.LearningUnit) bool) ids {
	out := ids{}
	for _, l := range w.lus {
		if f(l) {
			out[l.ID] = true
		}
	}
	return out
}

func (w *world) usersWhere(f func(*ent.User) bool) ids {
	out := ids{}
	for _, u := range w.users {
		if f(u) {
			out[u.ID] = true
		}
	}
	return out
}

// snapshot renders every row a mutation could touch, one line each, so that
// a failed write can be shown to have changed nothing.
func (e *env) snapshot(t *testing.T) string {
	t.Helper()
	w := e.world(t)
	var lines []string
	for _, u := range w.units {
		lines = append(lines, fmt.Sprintf("unit %d v%d %s %s parent=%d path=%s", u.ID, u.Version, u.Code, u.Name, ptr(u.ParentID), u.Path))
	}
	for _, l := range w.lus {
		lines = append(lines, fmt.Sprintf("lu %d v%d %s %q head=%q addr=%q phone=%q n=%d/%d au=%d parent=%d path=%s archived=%v subtype=%v",
			l.ID, l.Version, l.Kind, l.Name, l.HeadName, l.Address, l.Phone, l.MemberCount, l.AdultCount,
			l.AdminUnitID, ptr(l.ParentID), l.AdminPath, ptr(l.ArchivedAt), ptr(l.Subtype)))
	}
	for _, u := range w.users {
		lines = append(lines, fmt.Sprintf("user %d v%d %s %q %s scope=%d path=%s disabled=%v must=%v lu=%d hash=%s",
			u.ID, u.Version, u.Username, u.FullName, u.Role, u.ScopeID, u.ScopePath, u.Disabled, u.MustChangePassword, ptr(u.LearningUnitID), u.PasswordHash))
	}
	for _, l := range w.logs {
		lines = append(lines, fmt.Sprintf("log %d %s", l.ID, l.Action))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// diff lists the lines only in a and only in b.
func diff(a, b string) string {
	in := func(s string) map[string]bool {
		set := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			set[l] = true
		}
		return set
	}
	as, bs := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !bs[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !as[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
