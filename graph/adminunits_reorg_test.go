package graph_test

import (
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/learningunit"
	"hoctap/ent/reorganisation"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

const (
	closeAdminUnit = `mutation($id: ID!, $on: Time!, $s: ID, $r: String, $n: String, $v: Int) {
		closeAdminUnit(input: {id: $id, effectiveOn: $on, successorID: $s, reason: $r, decisionNumber: $n, expectedVersion: $v}) {
			closed { id validTo mergedInto { id } } unit { id code name parent { id } }
			learningUnits users { username to { id } widened } units { action unit { code } }
			reorganisation { number title status } } }`
	moveAdminUnit = `mutation($id: ID!, $p: ID!, $on: Time!, $r: String, $v: Int) {
		moveAdminUnit(input: {id: $id, parentID: $p, effectiveOn: $on, reason: $r, expectedVersion: $v}) {
			closed { id validTo mergedInto { id } } unit { id code name parent { id } }
			learningUnits users { username to { id } widened } units { action unit { code } }
			reorganisation { number title status } } }`
)

// effectiveOn is the day the tests' changes take effect: in the past, as
// an applied change must be.
const effectiveOn = "2025-07-01T00:00:00+07:00"

type reorganisedOut struct {
	Closed struct {
		ID         string
		ValidTo    *string
		MergedInto *struct{ ID string }
	}
	Unit *struct {
		ID, Code, Name string
		Parent         struct{ ID string }
	}
	LearningUnits int
	Users         []struct {
		Username string
		To       struct{ ID string }
		Widened  bool
	}
	Units []struct {
		Action string
		Unit   struct{ Code string }
	}
	Reorganisation *struct{ Number, Title, Status string }
}

// TestMoveAndCloseAdminUnit moves, merges and dissolves units through the
// API as ADMIN and as a province's MANAGER: what sat in a unit follows it,
// the old row is kept closed, the decision is recorded and applied, and
// every refusal names its field and changes nothing.
func TestMoveAndCloseAdminUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		ctx := systemCtx()
		count := func() [3]int {
			t.Helper()
			var n [3]int
			var err error
			if n[0], err = db.AdminUnit.Query().Where(adminunit.ValidToIsNil()).Count(ctx); err != nil {
				t.Fatal(err)
			}
			if n[1], err = db.Reorganisation.Query().Count(ctx); err != nil {
				t.Fatal(err)
			}
			if n[2], err = db.LearningUnit.Query().Where(learningunit.AdminUnitID(fx.V1b.ID)).Count(ctx); err != nil {
				t.Fatal(err)
			}
			return n
		}
		village := func(parent *ent.AdminUnit, code, name string) *ent.AdminUnit {
			t.Helper()
			u, err := db.AdminUnit.Create().SetParent(parent).SetLevel(adminunit.LevelVILLAGE).SetType("Thôn").
				SetCode(code).SetName(name).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		empty := village(fx.C1, "90101.08", "Thôn Tám")
		young := village(fx.C1, "90101.09", "Thôn Chín")
		if err := young.Update().SetValidFrom(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		clash := village(fx.C2, "90102.02", "Thôn 2") // V1b is "Thôn 2" too
		if err := db.User.Create().SetUsername("collab1b").SetFullName("Cộng tác viên thôn 2").SetPasswordHash("unused").
			SetRole(viewer.RoleCollaborator).SetScope(fx.V1b).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		tomorrow := time.Now().AddDate(0, 0, 2).Format(time.RFC3339)

		t.Run("refusals", func(t *testing.T) {
			for _, tc := range []struct {
				name, user, query string
				vars              map[string]any
				code, field       string
			}{
				{"officer", "officer", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C2.ID), "on", effectiveOn), "FORBIDDEN", ""},
				{"viewer", "viewer", closeAdminUnit, m("id", id(empty.ID), "on", effectiveOn), "FORBIDDEN", ""},
				{"citizen", "citizen", closeAdminUnit, m("id", id(empty.ID), "on", effectiveOn), "FORBIDDEN", ""},
				{"anonymous", "", closeAdminUnit, m("id", id(empty.ID), "on", effectiveOn), "UNAUTHENTICATED", ""},
				{"manager: a commune", "manager", moveAdminUnit, m("id", id(fx.C2.ID), "p", id(fx.D2.ID), "on", effectiveOn), "FORBIDDEN", "id"},
				{"manager: a commune merged", "manager", closeAdminUnit, m("id", id(fx.C2.ID), "on", effectiveOn, "s", id(fx.C1.ID)), "FORBIDDEN", "id"},
				{"manager: another province's village", "manager", closeAdminUnit, m("id", id(fx.V4a.ID), "on", effectiveOn), "FORBIDDEN", "id"},
				{"manager: into another province", "manager", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C4.ID), "on", effectiveOn), "FORBIDDEN", "parentID"},
				{"manager: merged into another province's village", "manager", closeAdminUnit, m("id", id(fx.V1b.ID), "on", effectiveOn, "s", id(fx.V4a.ID)), "FORBIDDEN", "successorID"},
				{"manager2: P1's village", "manager2", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C4.ID), "on", effectiveOn), "FORBIDDEN", "id"},
				{"missing unit", "admin", closeAdminUnit, m("id", id(fx.V4a.ID+100000), "on", effectiveOn), "NOT_FOUND", "id"},
				{"missing parent", "admin", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.V4a.ID+100000), "on", effectiveOn), "NOT_FOUND", "parentID"},
				{"the country", "admin", closeAdminUnit, m("id", id(fx.Country.ID), "on", effectiveOn), "FORBIDDEN", "id"},
				{"same parent", "manager", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C1.ID), "on", effectiveOn), "BAD_USER_INPUT", "parentID"},
				{"village under a district", "admin", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.D2.ID), "on", effectiveOn), "BAD_USER_INPUT", "parentID"},
				{"commune under a commune", "admin", moveAdminUnit, m("id", id(fx.C2.ID), "p", id(fx.C3.ID), "on", effectiveOn), "BAD_USER_INPUT", "parentID"},
				{"name taken under the new parent", "manager", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C2.ID), "on", effectiveOn), "CONFLICT", "name"},
				{"after today", "manager", moveAdminUnit, m("id", id(empty.ID), "p", id(fx.C2.ID), "on", tomorrow), "BAD_USER_INPUT", "effectiveOn"},
				{"before the unit began", "manager", moveAdminUnit, m("id", id(young.ID), "p", id(fx.C2.ID), "on", effectiveOn), "BAD_USER_INPUT", "effectiveOn"},
				{"stale version", "manager", moveAdminUnit, m("id", id(empty.ID), "p", id(fx.C2.ID), "on", effectiveOn, "v", 7), "CONFLICT", "expectedVersion"},
				{"dissolve a village with households", "manager", closeAdminUnit, m("id", id(fx.V1b.ID), "on", effectiveOn), "BAD_USER_INPUT", "id"},
				{"dissolve a commune with villages", "admin", closeAdminUnit, m("id", id(fx.C3.ID), "on", effectiveOn), "BAD_USER_INPUT", "id"},
				{"merge into itself", "manager", closeAdminUnit, m("id", id(fx.V1b.ID), "on", effectiveOn, "s", id(fx.V1b.ID)), "BAD_USER_INPUT", "successorID"},
				{"merge a village into a commune", "admin", closeAdminUnit, m("id", id(fx.V1b.ID), "on", effectiveOn, "s", id(fx.C1.ID)), "BAD_USER_INPUT", "successorID"},
				{"reason too long", "manager", closeAdminUnit, m("id", id(empty.ID), "on", effectiveOn, "r", string(make([]rune, 501))), "BAD_USER_INPUT", "reason"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := count()
					r := a.as(tc.user, tc.query, tc.vars)
					if r.code() != tc.code || tc.field != "" && r.field() != tc.field {
						t.Fatalf("got %s on %q (%+v), want %s on %q", r.code(), r.field(), r.Errors, tc.code, tc.field)
					}
					if after := count(); after != before {
						t.Errorf("refused, but open units, decisions and V1b's learning units went from %v to %v", before, after)
					}
				})
			}
		})

		t.Run("manager moves a village", func(t *testing.T) {
			households := len(fx.Households[fx.V1b.Code]) * 3
			var out struct{ MoveAdminUnit reorganisedOut }
			a.must(t, "manager", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C3.ID), "on", effectiveOn, "r", "Theo đề nghị của xã"), &out)
			got := out.MoveAdminUnit
			if got.Unit == nil || got.Unit.Parent.ID != id(fx.C3.ID) || got.Unit.Code != fx.V1b.Code || got.Unit.ID == id(fx.V1b.ID) {
				t.Fatalf("new row %+v", got.Unit)
			}
			if got.Closed.ID != id(fx.V1b.ID) || got.Closed.ValidTo == nil || got.Closed.MergedInto == nil || got.Closed.MergedInto.ID != got.Unit.ID {
				t.Errorf("old row %+v", got.Closed)
			}
			if !mustTime(t, *got.Closed.ValidTo).In(vietnam).Equal(time.Date(2025, 6, 30, 0, 0, 0, 0, vietnam)) {
				t.Errorf("validTo %s, want the day before the move", *got.Closed.ValidTo)
			}
			if got.LearningUnits != households {
				t.Errorf("%d learning units followed, want %d", got.LearningUnits, households)
			}
			// The village's collaborator follows it.
			if len(got.Users) != 1 || got.Users[0].Username != "collab1b" || got.Users[0].Widened {
				t.Errorf("accounts moved: %+v", got.Users)
			}
			if got.Reorganisation != nil {
				t.Errorf("a manager reads the decision %+v", got.Reorganisation)
			}
			r, err := db.Reorganisation.Query().Order(ent.Desc(reorganisation.FieldID)).First(ctx)
			if err != nil || r.Status != reorganisation.StatusAPPLIED || r.Title != "Chuyển Thôn 2 sang Xã Tân Phong" || r.Number != "—" {
				t.Fatalf("decision %+v (%v)", r, err)
			}
			newID := mustAtoi(t, got.Unit.ID)
			if n, _ := db.LearningUnit.Query().Where(learningunit.AdminUnitID(newID)).Count(ctx); n != households {
				t.Errorf("%d learning units in the new row, want %d", n, households)
			}
			if u, _ := db.User.Query().Where(user.Username("collab1b")).Only(ctx); u.ScopeID != newID {
				t.Errorf("the collaborator's scope is %d, want %d", u.ScopeID, newID)
			}
			entry, err := db.AuditLog.Query().Where(auditlog.Action("admin_unit.move"), auditlog.TargetID(fx.V1b.ID)).Only(ctx)
			if err != nil || entry.Details["reason"] != "Theo đề nghị của xã" || entry.ActorName != "manager" {
				t.Errorf("audit %+v (%v)", entry, err)
			}
			// Sent again: the unit is closed, nothing changes.
			before := count()
			a.fails(t, "manager", "CONFLICT", "id", moveAdminUnit, m("id", id(fx.V1b.ID), "p", id(fx.C3.ID), "on", effectiveOn))
			if after := count(); after != before {
				t.Errorf("the repeat changed %v to %v", before, after)
			}
		})

		t.Run("manager merges a village", func(t *testing.T) {
			var out struct{ CloseAdminUnit reorganisedOut }
			a.must(t, "manager", closeAdminUnit, m("id", id(clash.ID), "on", effectiveOn, "s", id(fx.V2a.ID), "n", "12/QĐ-UBND"), &out)
			got := out.CloseAdminUnit
			if got.Unit == nil || got.Unit.ID != id(fx.V2a.ID) || got.Closed.MergedInto == nil || got.Closed.MergedInto.ID != id(fx.V2a.ID) {
				t.Fatalf("merge %+v", got)
			}
			r, err := db.Reorganisation.Query().Order(ent.Desc(reorganisation.FieldID)).First(ctx)
			if err != nil || r.Number != "12/QĐ-UBND" || r.Title != "Sáp nhập Thôn 2 vào Thôn 1" {
				t.Fatalf("decision %+v (%v)", r, err)
			}
		})

		t.Run("manager dissolves an empty village", func(t *testing.T) {
			var out struct{ CloseAdminUnit reorganisedOut }
			a.must(t, "manager", closeAdminUnit, m("id", id(empty.ID), "on", effectiveOn), &out)
			if got := out.CloseAdminUnit; got.Unit != nil || got.Closed.ValidTo == nil || got.Closed.MergedInto != nil {
				t.Fatalf("dissolution %+v", got)
			}
		})

		t.Run("admin moves a commune", func(t *testing.T) {
			var out struct{ MoveAdminUnit reorganisedOut }
			a.must(t, "admin", moveAdminUnit, m("id", id(fx.C2.ID), "p", id(fx.D2.ID), "on", effectiveOn), &out)
			got := out.MoveAdminUnit
			if got.Unit == nil || got.Unit.Parent.ID != id(fx.D2.ID) || got.Reorganisation == nil || got.Reorganisation.Status != "APPLIED" {
				t.Fatalf("move %+v", got)
			}
			// Its village (the one merged into it above) gets a new row
			// under its new row, and its officer follows it.
			versions := 0
			for _, u := range got.Units {
				if u.Action == "VERSION" {
					versions++
				}
			}
			if versions != 2 {
				t.Errorf("%d new rows, want the commune's and its village's: %+v", versions, got.Units)
			}
			if u, _ := db.User.Query().Where(user.Username("officer2")).Only(ctx); u.ScopeID != mustAtoi(t, got.Unit.ID) {
				t.Errorf("officer2's scope is %d, want the new row %s", u.ScopeID, got.Unit.ID)
			}
		})

		t.Run("admin merges a commune", func(t *testing.T) {
			// The village moved into C3 began on effectiveOn: it cannot get
			// another row that very day.
			a.fails(t, "admin", "BAD_USER_INPUT", "effectiveOn", closeAdminUnit, m("id", id(fx.C3.ID), "on", effectiveOn, "s", id(fx.C1.ID)))
			var out struct{ CloseAdminUnit reorganisedOut }
			a.must(t, "admin", closeAdminUnit, m("id", id(fx.C3.ID), "on", "2025-08-01T00:00:00+07:00", "s", id(fx.C1.ID), "r", "Nghị quyết sắp xếp"), &out)
			got := out.CloseAdminUnit
			if got.Unit == nil || got.Unit.ID != id(fx.C1.ID) || got.Reorganisation.Title != "Sáp nhập Xã Tân Phong vào Xã An Bình" {
				t.Fatalf("merge %+v", got)
			}
			v, err := db.AdminUnit.Query().Where(adminunit.Code(fx.V3a.Code), adminunit.ValidToIsNil()).Only(ctx)
			if err != nil || *v.ParentID != fx.C1.ID {
				t.Errorf("C3's village now %+v (%v), want under C1", v, err)
			}
		})
	})
}

// vietnam is the time zone of effective dates.
var vietnam = time.FixedZone("ICT", 7*60*60)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
