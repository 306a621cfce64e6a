package graph_test

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

const nationalTargetsQ = `{ nationalTargets(first: 100) { totalCount edges { node { id title period area subtype rate source note version } } } }`

type nationalTarget struct {
	ID, Title, Area, Source, Note string
	Period, Version               int
	Subtype                       *string
	Rate                          *float64
}

func nationalTargets(t *testing.T, a *api, user string) []nationalTarget {
	t.Helper()
	var got struct {
		NationalTargets struct {
			TotalCount int
			Edges      []struct{ Node nationalTarget }
		}
	}
	a.must(t, user, nationalTargetsQ, nil, &got)
	out := make([]nationalTarget, len(got.NationalTargets.Edges))
	for i, e := range got.NationalTargets.Edges {
		out[i] = e.Node
	}
	if len(out) != got.NationalTargets.TotalCount {
		t.Fatalf("%s: %d rows of %d", user, len(out), got.NationalTargets.TotalCount)
	}
	return out
}

func pct(v float64) *float64 { return &v }

// domainTable is the table "National targets" of DOMAIN.md, written out
// here rather than taken from the seed it checks: period, title, area →
// rate (nil: not confirmed) and source. QĐ 281's learning unit is 50%
// everywhere; QĐ 387 and QĐ 677 set no separate disadvantaged rate; the
// learning citizen has no 2020 target.
var domainTable = map[string]struct {
	rate   *float64
	source string
}{
	"2020/LEARNING_FAMILY/GENERAL":          {pct(0.70), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_FAMILY/DISADVANTAGED":    {pct(0.60), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_CLAN/GENERAL":            {pct(0.50), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_CLAN/DISADVANTAGED":      {pct(0.40), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_COMMUNITY/GENERAL":       {pct(0.60), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_COMMUNITY/DISADVANTAGED": {pct(0.50), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_UNIT/GENERAL":            {pct(0.50), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2020/LEARNING_UNIT/DISADVANTAGED":      {pct(0.50), "QĐ 281/QĐ-TTg ngày 20/02/2014"},
	"2025/LEARNING_FAMILY/GENERAL":          {pct(0.70), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_FAMILY/DISADVANTAGED":    {pct(0.70), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_CLAN/GENERAL":            {pct(0.65), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_CLAN/DISADVANTAGED":      {pct(0.65), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_COMMUNITY/GENERAL":       {pct(0.65), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_COMMUNITY/DISADVANTAGED": {pct(0.65), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_UNIT/GENERAL":            {pct(0.80), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_UNIT/DISADVANTAGED":      {pct(0.80), "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2025/LEARNING_CITIZEN/GENERAL":         {pct(0.40), "QĐ 677/QĐ-TTg ngày 03/6/2022"},
	"2025/LEARNING_CITIZEN/DISADVANTAGED":   {pct(0.40), "QĐ 677/QĐ-TTg ngày 03/6/2022"},
	"2030/LEARNING_FAMILY/GENERAL":          {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_FAMILY/DISADVANTAGED":    {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_CLAN/GENERAL":            {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_CLAN/DISADVANTAGED":      {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_COMMUNITY/GENERAL":       {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_COMMUNITY/DISADVANTAGED": {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_UNIT/GENERAL":            {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_UNIT/DISADVANTAGED":      {nil, "QĐ 387/QĐ-TTg ngày 25/3/2022"},
	"2030/LEARNING_CITIZEN/GENERAL":         {pct(0.60), "QĐ 677/QĐ-TTg ngày 03/6/2022"},
	"2030/LEARNING_CITIZEN/DISADVANTAGED":   {pct(0.60), "QĐ 677/QĐ-TTg ngày 03/6/2022"},
}

// TestNationalTargetsSeeded: a migrated database holds DOMAIN.md's table,
// every row with its source, and every signed-in role reads all of it.
func TestNationalTargetsSeeded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		for _, user := range []string{"admin", "manager", "officer", "collaborator", "viewer", "citizen", "officer4"} {
			rows := nationalTargets(t, a, user)
			if len(rows) != len(domainTable) {
				t.Errorf("%s reads %d national targets, DOMAIN.md has %d", user, len(rows), len(domainTable))
			}
			for _, r := range rows {
				k := fmt.Sprintf("%d/%s/%s", r.Period, r.Title, r.Area)
				want, ok := domainTable[k]
				switch {
				case !ok:
					t.Errorf("%s: unexpected row %s", user, k)
				case (r.Rate == nil) != (want.rate == nil) || r.Rate != nil && *r.Rate != *want.rate:
					t.Errorf("%s: %s rate %v, want %v", user, k, r.Rate, want.rate)
				case r.Source != want.source || r.Subtype != nil || r.Version != 1:
					t.Errorf("%s: %s = %+v, want source %q, no subtype, version 1", user, k, r, want.source)
				}
			}
		}
		// Migrating again adds nothing.
		if err := db.Migrate(ctxTimeout(t)); err != nil {
			t.Fatal(err)
		}
		if n := len(nationalTargets(t, a, "admin")); n != len(domainTable) {
			t.Errorf("after a second migrate: %d rows", n)
		}
		a.fails(t, "", "UNAUTHENTICATED", "", nationalTargetsQ, nil)
	})
}

const updateNationalTargetM = `mutation($in: UpdateNationalTargetInput!) { updateNationalTarget(input: $in) { nationalTarget { id rate source note version } } }`

func findTarget(t *testing.T, rows []nationalTarget, period int, title, area string) nationalTarget {
	t.Helper()
	for _, r := range rows {
		if r.Period == period && r.Title == title && r.Area == area {
			return r
		}
	}
	t.Fatalf("no national target %d %s %s", period, title, area)
	return nationalTarget{}
}

// TestUpdateNationalTarget: only an ADMIN edits the table; bad input and a
// stale version change nothing; an edit is audited and bumps the version;
// a campaign created before the edit keeps the targets it copied, one
// created after takes the new one, and a campaign older than the copies
// reads the current table.
func TestUpdateNationalTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		family := findTarget(t, nationalTargets(t, a, "admin"), 2025, "LEARNING_FAMILY", "GENERAL")

		createM := `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2025}) { campaign { id
			nationalTargets { title subtype area period rate source } } } }`
		type created struct {
			CreateCampaign struct {
				Campaign struct {
					ID              string
					NationalTargets []struct {
						Title, Area, Source string
						Subtype             *string
						Period              int
						Rate                float64
					}
				}
			}
		}
		var before created
		a.must(t, "manager", createM, map[string]any{"p": id(fx.P1.ID)}, &before)
		if n := len(before.CreateCampaign.Campaign.NationalTargets); n != 10 {
			t.Fatalf("a 2025 campaign took %d national targets, want 10 (5 titles, 2 areas): %+v", n, before.CreateCampaign.Campaign.NationalTargets)
		}

		for _, tc := range []struct {
			user, code, field string
			in                map[string]any
		}{
			{"manager", "FORBIDDEN", "", map[string]any{"rate": 0.75}},
			{"officer", "FORBIDDEN", "", map[string]any{"rate": 0.75}},
			{"viewer", "FORBIDDEN", "", map[string]any{"rate": 0.75}},
			{"citizen", "FORBIDDEN", "", map[string]any{"rate": 0.75}},
			{"", "UNAUTHENTICATED", "", map[string]any{"rate": 0.75}},
			{"admin", "BAD_USER_INPUT", "rate", map[string]any{"rate": 1.5}},
			{"admin", "BAD_USER_INPUT", "rate", map[string]any{"rate": -0.1}},
			{"admin", "BAD_USER_INPUT", "source", map[string]any{"source": ""}},
			{"admin", "BAD_USER_INPUT", "clearRate", map[string]any{"rate": 0.5, "clearRate": true}},
			{"admin", "CONFLICT", "expectedVersion", map[string]any{"rate": 0.75, "expectedVersion": family.Version + 1}},
		} {
			a.fails(t, tc.user, tc.code, tc.field, updateNationalTargetM, map[string]any{"in": with(tc.in, "id", family.ID)})
		}
		if got := findTarget(t, nationalTargets(t, a, "admin"), 2025, "LEARNING_FAMILY", "GENERAL"); !reflect.DeepEqual(got, family) {
			t.Fatalf("refused edits changed the row: %+v, was %+v", got, family)
		}
		a.fails(t, "admin", "NOT_FOUND", "id", updateNationalTargetM, map[string]any{"in": map[string]any{"id": id(fx.P1.ID), "rate": 0.75}})

		var upd struct {
			UpdateNationalTarget struct{ NationalTarget nationalTarget }
		}
		a.must(t, "admin", updateNationalTargetM, map[string]any{"in": map[string]any{"id": family.ID,
			"rate": 0.75, "note": "Tỉnh đề nghị", "expectedVersion": family.Version}}, &upd)
		if u := upd.UpdateNationalTarget.NationalTarget; u.Rate == nil || *u.Rate != 0.75 || u.Version != family.Version+1 || u.Note != "Tỉnh đề nghị" || u.Source != family.Source {
			t.Fatalf("updated: %+v", u)
		}
		entries, err := db.AuditLog.Query().Where(auditlog.Action("national_target.update")).All(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].TargetType != "NationalTarget" || entries[0].ActorName != "admin" ||
			fmt.Sprint(entries[0].Details["before"].(map[string]any)["rate"]) != "0.7" ||
			fmt.Sprint(entries[0].Details["after"].(map[string]any)["rate"]) != "0.75" {
			t.Fatalf("audit: %+v", entries)
		}
		// The old version is stale now.
		a.fails(t, "admin", "CONFLICT", "expectedVersion", updateNationalTargetM, map[string]any{"in": map[string]any{"id": family.ID, "rate": 0.8, "expectedVersion": family.Version}})

		var after created
		a.must(t, "manager2", createM, map[string]any{"p": id(fx.P2.ID)}, &after)
		familyTarget := func(campID string, unit int) float64 {
			t.Helper()
			var p progressReport
			a.must(t, "admin", progressQ, map[string]any{"c": campID, "u": id(unit)}, &p)
			r := titleRow(p.Progress.Rows, "LEARNING_FAMILY")
			if r.Target == nil {
				t.Fatalf("campaign %s: no family target", campID)
			}
			return *r.Target
		}
		if got := familyTarget(before.CreateCampaign.Campaign.ID, fx.P1.ID); got != 0.70 {
			t.Errorf("campaign created before the edit: family target %v, want its copy's 0.70", got)
		}
		if got := familyTarget(after.CreateCampaign.Campaign.ID, fx.P2.ID); got != 0.75 {
			t.Errorf("campaign created after the edit: family target %v, want 0.75", got)
		}
		for _, r := range after.CreateCampaign.Campaign.NationalTargets {
			if r.Title == "LEARNING_FAMILY" && r.Area == "GENERAL" && (r.Rate != 0.75 || r.Period != 2025) {
				t.Errorf("new campaign's copy: %+v", r)
			}
		}
		// A campaign from before campaigns kept a copy reads the table.
		if _, err := db.SQL.ExecContext(ctxTimeout(t), `UPDATE campaigns SET national_targets = NULL WHERE id = `+before.CreateCampaign.Campaign.ID); err != nil {
			t.Fatal(err)
		}
		if got := familyTarget(before.CreateCampaign.Campaign.ID, fx.P1.ID); got != 0.75 {
			t.Errorf("campaign without a copy: family target %v, want the current table's 0.75", got)
		}

		// Clearing a 2030 rate that was set: a 2027 campaign takes 2025's.
		clan30 := findTarget(t, nationalTargets(t, a, "admin"), 2030, "LEARNING_CLAN", "GENERAL")
		a.must(t, "admin", updateNationalTargetM, map[string]any{"in": map[string]any{"id": clan30.ID, "rate": 0.9}}, nil)
		var c27 created
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2027}) { campaign { id
			nationalTargets { title subtype area period rate source } } } }`, map[string]any{"p": id(fx.P1.ID)}, &c27)
		a.must(t, "admin", updateNationalTargetM, map[string]any{"in": map[string]any{"id": clan30.ID, "clearRate": true}}, nil)
		var c28 created
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2028}) { campaign { id
			nationalTargets { title subtype area period rate source } } } }`, map[string]any{"p": id(fx.P1.ID)}, &c28)
		clanOf := func(c created) (float64, int) {
			for _, r := range c.CreateCampaign.Campaign.NationalTargets {
				if r.Title == "LEARNING_CLAN" && r.Area == "GENERAL" {
					return r.Rate, r.Period
				}
			}
			return -1, 0
		}
		if r, p := clanOf(c27); r != 0.9 || p != 2030 {
			t.Errorf("2027 campaign after 2030's clan rate was set: %v from %d", r, p)
		}
		if r, p := clanOf(c28); r != 0.65 || p != 2025 {
			t.Errorf("2028 campaign after 2030's clan rate was cleared: %v from %d, want 2025's 0.65", r, p)
		}
	})
}

// TestAreaTargets: a commune and its villages take the target of the
// commune's area; a district or province the eligible-weighted mix of its
// communes' (README, "National targets").
func TestAreaTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client) // 2 households per village, a clan per commune
		// C2 (one village, 2 of D1's 6 households) is disadvantaged. The
		// flag on its village, and on D2, is the commune's business only:
		// set there, it changes nothing.
		for _, u := range []int{fx.C2.ID, fx.V1a.ID, fx.D2.ID} {
			if err := db.AdminUnit.UpdateOneID(u).SetDisadvantaged(true).Exec(systemCtx()); err != nil {
				t.Fatal(err)
			}
		}
		if !db.AdminUnit.Query().Where(adminunit.ID(fx.C2.ID)).OnlyX(systemCtx()).Disadvantaged {
			t.Fatal("C2 not flagged")
		}
		a := newAPI(t, db, fx)
		var c struct {
			CreateCampaign struct{ Campaign struct{ ID string } }
		}
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2020}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)}, &c)
		camp := c.CreateCampaign.Campaign.ID

		targets := map[int]map[string]float64{} // unit → title → target
		for _, u := range []int{fx.P1.ID, fx.D1.ID, fx.C1.ID, fx.C2.ID} {
			var p progressReport
			a.must(t, "manager", progressQ, map[string]any{"c": camp, "u": id(u)}, &p)
			put := func(unit int, rows []progressRow) {
				targets[unit] = map[string]float64{}
				for _, r := range rows {
					if r.Subtype == nil && r.Target != nil {
						targets[unit][r.Title] = *r.Target
					}
				}
			}
			put(u, p.Progress.Rows)
			for _, ch := range p.Progress.Children {
				var cid int
				fmt.Sscan(ch.Unit.ID, &cid)
				put(cid, ch.Rows)
			}
		}
		for _, tc := range []struct {
			name         string
			unit         int
			family, clan float64
		}{
			{"general commune", fx.C1.ID, 0.70, 0.50},
			{"flagged village of a general commune", fx.V1a.ID, 0.70, 0.50},
			{"disadvantaged commune", fx.C2.ID, 0.60, 0.40},
			{"village of a disadvantaged commune", fx.V2a.ID, 0.60, 0.40},
			// 2 of 6 households and 1 of 2 clans in C2.
			{"district with one disadvantaged commune of two", fx.D1.ID, 0.70*4/6 + 0.60*2/6, 0.50*0.5 + 0.40*0.5},
			{"flagged district of general communes", fx.D2.ID, 0.70, 0.50},
			// 2 of 8 households and 1 of 3 clans.
			{"province", fx.P1.ID, 0.70*6/8 + 0.60*2/8, 0.50*2/3 + 0.40/3},
		} {
			got, ok := targets[tc.unit]
			if !ok {
				t.Errorf("%s: not reported", tc.name)
				continue
			}
			if math.Abs(got["LEARNING_FAMILY"]-tc.family) > 1e-9 || math.Abs(got["LEARNING_CLAN"]-tc.clan) > 1e-9 {
				t.Errorf("%s: family %v clan %v, want %v and %v", tc.name, got["LEARNING_FAMILY"], got["LEARNING_CLAN"], tc.family, tc.clan)
			}
			// QĐ 281's learning unit is 50% in both areas.
			if got["LEARNING_UNIT"] != 0.50 {
				t.Errorf("%s: learning unit %v", tc.name, got["LEARNING_UNIT"])
			}
		}
	})
}
