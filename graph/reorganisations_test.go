package graph_test

import (
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

const (
	planM = `mutation($in: PlanReorganisationInput!) { planReorganisation(input: $in) {
		reorganisation { id status } applied learningUnits registrations
		units { action change unit { id code name level } from { code } into { code } parent { code } }
		users { username from { code } to { id code } widened chosen }
		problems { field message } } }`
	applyM = `mutation($id: ID!) { applyReorganisation(id: $id) {
		reorganisation { id status appliedAt } applied learningUnits units { action unit { id code } } } }`
)

type planAnswer struct {
	Reorganisation struct{ ID, Status string }
	Applied        bool
	LearningUnits  int
	Units          []struct {
		Action string
		Change *int
		Unit   struct {
			ID         *string
			Code, Name string
		}
		Into *struct{ Code string }
	}
	Users []struct {
		Username string
		To       struct {
			ID   *string
			Code string
		}
		Widened, Chosen bool
	}
	Problems []struct{ Field, Message string }
}

// TestReorganisationAPI walks the API through the fixture's 2025 reform:
// plan (nothing changes), fix a problem the plan reports, apply, apply
// again; and the officer of a merged commune then works in its successor.
func TestReorganisationAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		decision := func(changes []map[string]any, scopes []map[string]any) map[string]any {
			return map[string]any{"number": "1665/NQ-UBTVQH15", "title": "Sắp xếp đơn vị hành chính cấp xã",
				"signedOn": "2025-06-16T00:00:00+07:00", "effectiveOn": "2025-07-01T00:00:00+07:00",
				"changes": changes, "userScopes": scopes}
		}
		changes := []map[string]any{
			{"kind": "MERGE", "sources": []string{id(fx.P2.ID)}, "successor": map[string]any{"id": id(fx.P1.ID)}},
			{"kind": "ABOLISH_TIER", "level": "DISTRICT", "withinID": id(fx.P1.ID)},
			// P2's district tier is left: D3 follows P2 into P1, a
			// district there, as a new row.
			{"kind": "MERGE", "sources": []string{id(fx.C1.ID), id(fx.C2.ID)}, "successor": map[string]any{
				"new": map[string]any{"code": "90101", "name": "Xã An Hòa", "type": "Xã", "level": "COMMUNE", "parentID": id(fx.P1.ID)}}},
		}
		var planned struct{ PlanReorganisation planAnswer }
		a.must(t, "admin", planM, map[string]any{"in": decision(changes, nil)}, &planned)
		p := planned.PlanReorganisation
		if p.Applied || p.Reorganisation.Status != "PLANNED" || len(p.Problems) != 0 {
			t.Fatalf("plan: %+v", p)
		}
		var versions int
		for _, u := range p.Units {
			if u.Action == "VERSION" {
				versions++
			}
		}
		if versions == 0 || p.LearningUnits == 0 {
			t.Errorf("plan moves nothing: %+v", p)
		}

		// The whole reform, with the district viewer put on a commune: but
		// C3 gets a new row, so its old one is no scope after the plan.
		changes = append(changes, map[string]any{"kind": "ABOLISH_TIER", "level": "DISTRICT", "withinID": id(fx.P2.ID)})
		scopes := []map[string]any{{"userID": id(fx.Users["viewer"].ID), "scopeID": id(fx.C3.ID)}}
		in := decision(changes, scopes)
		in["id"] = p.Reorganisation.ID
		a.must(t, "admin", planM, map[string]any{"in": in}, &planned)
		p = planned.PlanReorganisation
		if len(p.Problems) != 1 || p.Problems[0].Field != "userScopes" {
			t.Fatalf("problems: %+v", p.Problems)
		}
		in["userScopes"] = []map[string]any{{"userID": id(fx.Users["viewer"].ID), "scopeID": id(fx.P1.ID)}}
		a.must(t, "admin", planM, map[string]any{"in": in}, &planned)
		p = planned.PlanReorganisation
		if len(p.Problems) != 0 {
			t.Fatalf("problems: %+v", p.Problems)
		}
		for _, u := range p.Users {
			if u.Username == "viewer" && (!u.Chosen || u.To.Code != "90") {
				t.Errorf("viewer's chosen scope: %+v", u)
			}
		}

		for _, user := range []string{"manager", "officer"} {
			a.fails(t, user, "FORBIDDEN", "", applyM, map[string]any{"id": p.Reorganisation.ID})
		}
		var applied struct{ ApplyReorganisation planAnswer }
		a.must(t, "admin", applyM, map[string]any{"id": p.Reorganisation.ID}, &applied)
		if ap := applied.ApplyReorganisation; !ap.Applied || ap.Reorganisation.Status != "APPLIED" || ap.LearningUnits != p.LearningUnits {
			t.Fatalf("apply: %+v (planned %d learning units)", ap, p.LearningUnits)
		}
		for _, u := range applied.ApplyReorganisation.Units {
			if u.Unit.ID == nil {
				t.Errorf("applied unit without an id: %+v", u)
			}
		}
		a.must(t, "admin", applyM, map[string]any{"id": p.Reorganisation.ID}, &applied)
		if applied.ApplyReorganisation.Applied {
			t.Error("applying again applied it again")
		}
		// An applied decision no longer changes.
		a.fails(t, "admin", "CONFLICT", "id", planM, map[string]any{"in": in})

		var me struct {
			Me struct {
				Scope struct{ Code, Name string }
			}
			LearningUnits struct{ TotalCount int }
		}
		// Signed in, as the app would: the account is read afresh.
		token := a.login(t, "officer", fixture.Password).AccessToken
		a.exec(nil, token, `{ me { scope { code name } } learningUnits(where: {kind: HOUSEHOLD}) { totalCount } }`, nil, nil).decode(t, &me)
		if me.Me.Scope.Name != "Xã An Hòa" || me.LearningUnits.TotalCount != 6 {
			t.Errorf("the merged commune's officer: %+v", me)
		}
	})
}

// TestReorganisationInput checks that bad decisions are refused, naming the
// field, before anything is recorded.
func TestReorganisationInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		base := func() map[string]any {
			return map[string]any{"number": "1/QĐ", "title": "Thử", "signedOn": "2025-06-16T00:00:00+07:00", "effectiveOn": "2025-07-01T00:00:00+07:00",
				"changes": []map[string]any{{"kind": "CREATE", "new": map[string]any{"code": "V9", "name": "Thôn Mới", "type": "Thôn", "level": "VILLAGE", "parentID": id(fx.C1.ID)}}}}
		}
		for _, tt := range []struct {
			name, field string
			edit        func(map[string]any)
		}{
			{"no number", "number", func(in map[string]any) { in["number"] = " " }},
			{"no title", "title", func(in map[string]any) { in["title"] = "" }},
			{"effective before signed", "effectiveOn", func(in map[string]any) { in["effectiveOn"] = "2025-01-01T00:00:00+07:00" }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				in := base()
				tt.edit(in)
				a.fails(t, "admin", "BAD_USER_INPUT", tt.field, planM, map[string]any{"in": in})
			})
		}
		// A problem of the plan is answered, not thrown, and applying it
		// is refused on the same field.
		in := base()
		in["changes"] = []map[string]any{{"kind": "CLOSE", "sources": []string{id(fx.V1a.ID)}}}
		var planned struct{ PlanReorganisation planAnswer }
		a.must(t, "admin", planM, map[string]any{"in": in}, &planned)
		p := planned.PlanReorganisation
		if len(p.Problems) != 1 || p.Problems[0].Field != "changes.0.sources" || p.Problems[0].Message == "" {
			t.Fatalf("problems: %+v", p.Problems)
		}
		a.fails(t, "admin", "BAD_USER_INPUT", "changes.0.sources", applyM, map[string]any{"id": p.Reorganisation.ID})
	})
}
