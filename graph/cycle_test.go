package graph_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

func id(n int) string { return strconv.Itoa(n) }

// must runs a query that must succeed and decodes its data.
func (a *api) must(t *testing.T, user, query string, vars map[string]any, v any) {
	t.Helper()
	r := a.as(user, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s: %+v", user, query, r.Errors)
	}
	if v != nil {
		r.decode(t, v)
	}
}

// fails runs a query that must fail with code (and field, if given).
func (a *api) fails(t *testing.T, user, code, field, query string, vars map[string]any) {
	t.Helper()
	r := a.as(user, query, vars)
	if r.code() != code || field != "" && r.field() != field {
		t.Fatalf("%s: got %s on %q (%+v), want %s on %q", user, r.code(), r.field(), r.Errors, code, field)
	}
}

const (
	registerM = `mutation($c: ID!, $u: ID!, $t: Title!) { register(input: {campaignID: $c, learningUnitID: $u, title: $t}) { registration { id status } } }`
	evaluateM = `mutation($r: ID!, $k: EvaluationKind!, $s: [ScoreInput!]!) { evaluate(input: {registrationID: $r, kind: $k, scores: $s}) {
		evaluation { result total } registration { status result } } }`
	recognizeM = `mutation($ids: [ID!]!, $n: String!) { recognize(input: {registrationIDs: $ids, number: $n, date: "2021-12-10T00:00:00Z", signer: "Chủ tịch UBND xã"}) {
		decision { id number } registrations { id status } } }`
	advanceM  = `mutation($c: ID!, $f: CampaignPhase!) { advanceCampaign(input: {id: $c, from: $f}) { campaign { phase } } }`
	progressQ = `query($c: ID!, $u: ID!) { progress(campaignID: $c, unitID: $u) {
		rows { title subtype eligible registered evaluated recognized rate target meetsTarget }
		children { unit { id code } rows { title subtype eligible registered evaluated recognized rate target meetsTarget } }
		summary { childCount childrenMeetingAllTargets } } }`
)

// scores for the family template: pass (80) or fail (70).
func familyScores(pass bool) []map[string]any {
	tc4 := 10.0
	if !pass {
		tc4 = 0
	}
	return []map[string]any{{"code": "TC1", "points": 30}, {"code": "TC2", "points": 25}, {"code": "TC3", "points": 15}, {"code": "TC4", "points": tc4}}
}

type progressRow struct {
	Title                                       string
	Subtype                                     *string
	Eligible, Registered, Evaluated, Recognized int
	Rate                                        float64
	Target                                      *float64
	MeetsTarget                                 *bool
}

type progressReport struct {
	Progress struct {
		Rows     []progressRow
		Children []struct {
			Unit struct{ ID, Code string }
			Rows []progressRow
		}
		Summary struct{ ChildCount, ChildrenMeetingAllTargets int }
	}
}

func titleRow(rows []progressRow, title string) progressRow {
	for _, r := range rows {
		if r.Title == title && r.Subtype == nil {
			return r
		}
	}
	return progressRow{Title: title}
}

// TestCampaignCycle walks a campaign from PLANNING to CLOSED with several
// roles and checks the progress report against counts kept by the test.
func TestCampaignCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 4})
		a := newAPI(t, db, fx)

		var created struct {
			CreateCampaign struct {
				Campaign struct {
					ID, Phase    string
					CriteriaSets []struct{ Title string }
				}
			}
		}
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id phase criteriaSets { title } } } }`,
			map[string]any{"p": id(fx.P1.ID)}, &created)
		camp := created.CreateCampaign.Campaign.ID
		// The rules of 2021: no community above the commune was recognised
		// before Thông tư 25/2023.
		if created.CreateCampaign.Campaign.Phase != "PLANNING" || len(created.CreateCampaign.Campaign.CriteriaSets) != 6 {
			t.Fatalf("new campaign: %+v", created.CreateCampaign.Campaign)
		}
		a.fails(t, "manager", "CONFLICT", "year", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)})
		a.fails(t, "manager", "FORBIDDEN", "", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`, map[string]any{"p": id(fx.P2.ID)})
		a.fails(t, "officer", "FORBIDDEN", "", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2022}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)})

		// Targets: 50% of families province-wide, 75% in D2. A bad row
		// among good ones changes nothing.
		setTargets := `mutation($c: ID!, $t: [TargetInput!]!) { setTargets(input: {campaignID: $c, targets: $t}) { targets { title rate adminUnit { code } } } }`
		a.fails(t, "manager", "BAD_USER_INPUT", "targets[1].rate", setTargets, map[string]any{"c": camp, "t": []map[string]any{
			{"title": "LEARNING_FAMILY", "rate": 0.5}, {"title": "LEARNING_CLAN", "rate": 1.5}}})
		var targets struct {
			SetTargets struct{ Targets []struct{ Title string } }
		}
		a.must(t, "manager", setTargets, map[string]any{"c": camp, "t": []map[string]any{}}, &targets)
		if len(targets.SetTargets.Targets) != 0 {
			t.Fatalf("a failed setTargets left %d targets", len(targets.SetTargets.Targets))
		}
		a.must(t, "manager", setTargets, map[string]any{"c": camp, "t": []map[string]any{
			{"title": "LEARNING_FAMILY", "rate": 0.5}, {"title": "LEARNING_FAMILY", "rate": 0.75, "adminUnitID": id(fx.D2.ID)}}}, &targets)
		if len(targets.SetTargets.Targets) != 2 {
			t.Fatalf("targets: %+v", targets)
		}
		a.fails(t, "manager2", "FORBIDDEN", "campaignID", setTargets, map[string]any{"c": camp, "t": []map[string]any{}})

		hh := func(v *ent.AdminUnit, i int) string { return id(fx.Households[v.Code][i].ID) }
		a.fails(t, "officer", "BAD_USER_INPUT", "campaignID", registerM, map[string]any{"c": camp, "u": hh(fx.V1a, 0), "t": "LEARNING_FAMILY"})
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "PLANNING"}, nil)

		// Registration: officer of C1 and collaborator of V1a, officer2 of C2.
		regs := map[string]string{} // household id → registration id
		register := func(user string, v *ent.AdminUnit, i int) {
			var r struct {
				Register struct{ Registration struct{ ID, Status string } }
			}
			a.must(t, user, registerM, map[string]any{"c": camp, "u": hh(v, i), "t": "LEARNING_FAMILY"}, &r)
			regs[hh(v, i)] = r.Register.Registration.ID
		}
		for i := range 4 {
			register("officer", fx.V1b, i)
		}
		for i := range 3 {
			register("collaborator", fx.V1a, i)
		}
		register("officer2", fx.V2a, 0)
		a.fails(t, "officer", "CONFLICT", "learningUnitID", registerM, map[string]any{"c": camp, "u": hh(fx.V1a, 0), "t": "LEARNING_FAMILY"})
		a.fails(t, "officer", "BAD_USER_INPUT", "title", registerM, map[string]any{"c": camp, "u": hh(fx.V1a, 3), "t": "LEARNING_CLAN"})
		a.fails(t, "officer", "FORBIDDEN", "learningUnitID", registerM, map[string]any{"c": camp, "u": hh(fx.V2a, 1), "t": "LEARNING_FAMILY"})
		a.fails(t, "viewer", "FORBIDDEN", "", registerM, map[string]any{"c": camp, "u": hh(fx.V1a, 3), "t": "LEARNING_FAMILY"})
		a.fails(t, "officer4", "FORBIDDEN", "campaignID", registerM, map[string]any{"c": camp, "u": hh(fx.V4a, 0), "t": "LEARNING_FAMILY"})

		// Final scores wait for the evaluation phase; self-assessment may come first.
		a.fails(t, "officer", "BAD_USER_INPUT", "campaignID", evaluateM, map[string]any{"r": regs[hh(fx.V1b, 0)], "k": "FINAL", "s": familyScores(true)})
		var self struct {
			Evaluate struct {
				Evaluation struct {
					Scores []struct {
						Code   string
						Points float64
					}
				}
			}
		}
		a.must(t, "citizen", `mutation($r: ID!, $s: [ScoreInput!]!) { evaluate(input: {registrationID: $r, kind: SELF, scores: $s}) { evaluation { scores { code points } } } }`,
			map[string]any{"r": regs[hh(fx.V1a, 0)], "s": familyScores(true)}, &self)
		if got, want := fmt.Sprint(self.Evaluate.Evaluation.Scores), "[{TC1 30} {TC2 25} {TC3 15} {TC4 10}]"; got != want {
			t.Errorf("scores read back: %v, want %v", got, want)
		}
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)
		a.fails(t, "citizen", "FORBIDDEN", "", evaluateM, map[string]any{"r": regs[hh(fx.V1a, 0)], "k": "FINAL", "s": familyScores(true)})

		// Evaluation: V1b 0-2 pass, V1b 3 fails; V1a 0-1 pass, V1a 2 stays
		// unevaluated; V2a 0 passes. A collaborator drafts but cannot decide.
		a.fails(t, "collaborator", "FORBIDDEN", "", evaluateM, map[string]any{"r": regs[hh(fx.V1a, 0)], "k": "FINAL", "s": familyScores(true)})
		a.must(t, "collaborator", evaluateM, map[string]any{"r": regs[hh(fx.V1a, 0)], "k": "DRAFT", "s": familyScores(true)}, nil)
		a.fails(t, "officer", "BAD_USER_INPUT", "scores.TC4", evaluateM, map[string]any{"r": regs[hh(fx.V1b, 0)], "k": "FINAL", "s": familyScores(true)[:3]})
		evaluate := func(user string, v *ent.AdminUnit, i int, pass bool) {
			var e struct {
				Evaluate struct {
					Evaluation   struct{ Result string }
					Registration struct{ Status, Result string }
				}
			}
			a.must(t, user, evaluateM, map[string]any{"r": regs[hh(v, i)], "k": "FINAL", "s": familyScores(pass)}, &e)
			want := map[bool]string{true: "PASSED", false: "FAILED"}[pass]
			if e.Evaluate.Evaluation.Result != want || e.Evaluate.Registration.Status != "EVALUATED" || e.Evaluate.Registration.Result != want {
				t.Fatalf("evaluate: %+v, want %s", e.Evaluate, want)
			}
		}
		evaluate("officer", fx.V1b, 0, false) // evaluated twice: counted once
		for i := range 3 {
			evaluate("officer", fx.V1b, i, true)
		}
		evaluate("officer", fx.V1b, 3, false)
		evaluate("officer", fx.V1a, 0, true)
		evaluate("officer", fx.V1a, 1, true)
		evaluate("officer2", fx.V2a, 0, true)

		// A registration asked of a unit reached from a list's rows (each
		// member's household), not of the rows themselves.
		var members struct {
			Node struct {
				Children struct {
					Edges []struct {
						Node struct {
							Parent struct{ Registration *struct{ ID string } }
						}
					}
				}
			}
		}
		a.must(t, "officer", `query($h: ID!, $c: ID!) { node(id: $h) { ... on LearningUnit { children(first: 5) { edges { node {
			parent { registration(campaignID: $c) { id } } } } } } } }`, map[string]any{"h": hh(fx.V1a, 0), "c": camp}, &members)
		if len(members.Node.Children.Edges) == 0 {
			t.Fatal("the household has no members")
		}
		for _, e := range members.Node.Children.Edges {
			if r := e.Node.Parent.Registration; r == nil || r.ID != regs[hh(fx.V1a, 0)] {
				t.Errorf("a member's household's registration: %+v, want %v", r, regs[hh(fx.V1a, 0)])
			}
		}
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "EVALUATION"}, nil)

		// Recognition by the commune's People's Committee.
		recognizable := []string{regs[hh(fx.V1b, 0)], regs[hh(fx.V1b, 1)], regs[hh(fx.V1b, 2)], regs[hh(fx.V1a, 0)], regs[hh(fx.V1a, 1)]}
		a.fails(t, "officer", "BAD_USER_INPUT", "registrationIDs", recognizeM, map[string]any{"ids": append(recognizable, regs[hh(fx.V1b, 3)]), "n": "01/QĐ-UBND"})
		a.fails(t, "officer", "BAD_USER_INPUT", "registrationIDs", recognizeM, map[string]any{"ids": []string{regs[hh(fx.V1a, 2)]}, "n": "01/QĐ-UBND"})
		a.fails(t, "viewer", "FORBIDDEN", "", recognizeM, map[string]any{"ids": recognizable[:1], "n": "01/QĐ-UBND"})
		a.fails(t, "collaborator", "FORBIDDEN", "", recognizeM, map[string]any{"ids": recognizable[3:4], "n": "01/QĐ-UBND"})
		var rec struct {
			Recognize struct {
				Decision      struct{ Number string }
				Registrations []struct{ Status string }
			}
		}
		a.must(t, "officer", recognizeM, map[string]any{"ids": recognizable, "n": "01/QĐ-UBND"}, &rec)
		if len(rec.Recognize.Registrations) != 5 || rec.Recognize.Registrations[0].Status != "RECOGNIZED" {
			t.Fatalf("recognize: %+v", rec)
		}
		a.fails(t, "officer", "CONFLICT", "registrationIDs", recognizeM, map[string]any{"ids": recognizable[:1], "n": "02/QĐ-UBND"})
		a.fails(t, "officer", "BAD_USER_INPUT", "reason", `mutation($r: ID!) { rejectRegistration(input: {id: $r, reason: ""}) { registration { status } } }`, map[string]any{"r": regs[hh(fx.V1b, 3)]})
		a.must(t, "officer", `mutation($r: ID!) { rejectRegistration(input: {id: $r, reason: "Chưa đủ minh chứng"}) { registration { status } } }`, map[string]any{"r": regs[hh(fx.V1b, 3)]}, nil)
		a.must(t, "officer2", recognizeM, map[string]any{"ids": []string{regs[hh(fx.V2a, 0)]}, "n": "07/QĐ-UBND"}, nil)

		// A page of households with their registration: one query for the
		// page, and the right one for each row (none for V1a's fourth).
		var page struct {
			Node struct {
				LearningUnits struct {
					Edges []struct {
						Node struct {
							ID           string
							Registration *struct{ ID, Status string }
						}
					}
				}
			}
		}
		a.must(t, "officer", `query($v: ID!, $c: ID!) { node(id: $v) { ... on AdminUnit { learningUnits(where: {kind: HOUSEHOLD}) {
			edges { node { id registration(campaignID: $c) { id status } } } } } } }`, map[string]any{"v": id(fx.V1a.ID), "c": camp}, &page)
		for _, e := range page.Node.LearningUnits.Edges {
			want, registered := regs[e.Node.ID]
			switch {
			case !registered && e.Node.Registration != nil:
				t.Errorf("household %s: registration %+v, want none", e.Node.ID, e.Node.Registration)
			case registered && (e.Node.Registration == nil || e.Node.Registration.ID != want):
				t.Errorf("household %s: registration %+v, want %s", e.Node.ID, e.Node.Registration, want)
			}
		}

		// Counts kept by the test, per commune: eligible households,
		// registrations still active, evaluated, recognised.
		type counts struct{ eligible, registered, evaluated, recognized int }
		want := map[string]counts{
			fx.C1.Code: {8, 6, 5, 5}, // V1b: 4 registered, 1 rejected; V1a: 3 registered, 2 evaluated
			fx.C2.Code: {4, 1, 1, 1},
			fx.C3.Code: {4, 0, 0, 0},
		}
		check := func(name string, got progressRow, w counts, target float64) {
			t.Helper()
			if got.Eligible != w.eligible || got.Registered != w.registered || got.Evaluated != w.evaluated || got.Recognized != w.recognized {
				t.Errorf("%s: %d/%d/%d/%d, want %d/%d/%d/%d", name, got.Eligible, got.Registered, got.Evaluated, got.Recognized,
					w.eligible, w.registered, w.evaluated, w.recognized)
			}
			rate := float64(w.recognized) / float64(w.eligible)
			if got.Rate < rate-1e-9 || got.Rate > rate+1e-9 {
				t.Errorf("%s: rate %v, want %v", name, got.Rate, rate)
			}
			if got.Target == nil || *got.Target != target || got.MeetsTarget == nil || *got.MeetsTarget != (rate >= target) {
				t.Errorf("%s: target %v meets %v, want %v and %v", name, got.Target, got.MeetsTarget, target, rate >= target)
			}
		}
		var p progressReport
		a.must(t, "viewer", progressQ, map[string]any{"c": camp, "u": id(fx.D1.ID)}, &p)
		d1 := counts{}
		for _, code := range []string{fx.C1.Code, fx.C2.Code} {
			w := want[code]
			d1 = counts{d1.eligible + w.eligible, d1.registered + w.registered, d1.evaluated + w.evaluated, d1.recognized + w.recognized}
		}
		check("D1", titleRow(p.Progress.Rows, "LEARNING_FAMILY"), d1, 0.5)
		if len(p.Progress.Children) != 2 || p.Progress.Summary.ChildCount != 2 {
			t.Fatalf("D1 children: %+v", p.Progress.Children)
		}
		meeting := 0
		for _, ch := range p.Progress.Children {
			r := titleRow(ch.Rows, "LEARNING_FAMILY")
			check(ch.Unit.Code, r, want[ch.Unit.Code], 0.5)
			all := true
			for _, x := range ch.Rows {
				if x.MeetsTarget != nil && !*x.MeetsTarget {
					all = false
				}
			}
			if all {
				meeting++
			}
		}
		if p.Progress.Summary.ChildrenMeetingAllTargets != meeting {
			t.Errorf("summary: %d children meet all targets, want %d", p.Progress.Summary.ChildrenMeetingAllTargets, meeting)
		}
		// The province: D2 has its own 75% target; clans fall back to the
		// national 2025 target.
		a.must(t, "manager", progressQ, map[string]any{"c": camp, "u": id(fx.P1.ID)}, &p)
		total := counts{d1.eligible + 4, d1.registered, d1.evaluated, d1.recognized}
		check("P1", titleRow(p.Progress.Rows, "LEARNING_FAMILY"), total, 0.5)
		for _, ch := range p.Progress.Children {
			if ch.Unit.Code == fx.D2.Code {
				check("D2", titleRow(ch.Rows, "LEARNING_FAMILY"), want[fx.C3.Code], 0.75)
			}
		}
		if c := titleRow(p.Progress.Rows, "LEARNING_CLAN"); c.Eligible != 3 || c.Target == nil || *c.Target != 0.65 {
			t.Errorf("clans: %+v, want 3 eligible and the national 65%%", c)
		}
		// Out of scope: the officer of another province cannot see it.
		a.fails(t, "officer4", "NOT_FOUND", "campaignID", progressQ, map[string]any{"c": camp, "u": id(fx.C4.ID)})
		a.fails(t, "officer", "NOT_FOUND", "unitID", progressQ, map[string]any{"c": camp, "u": id(fx.C2.ID)})

		// A household added while the campaign is open is eligible at once.
		var added struct {
			CreateLearningUnit struct{ LearningUnit struct{ ID string } }
		}
		a.must(t, "officer", `mutation($v: ID!) { createLearningUnit(input: {kind: HOUSEHOLD, name: "Hộ mới", adminUnitID: $v}) { learningUnit { id } } }`,
			map[string]any{"v": id(fx.V1a.ID)}, &added)
		a.must(t, "officer", progressQ, map[string]any{"c": camp, "u": id(fx.C1.ID)}, &p)
		if got := titleRow(p.Progress.Rows, "LEARNING_FAMILY").Eligible; got != 9 {
			t.Errorf("eligible after adding a household: %d, want 9", got)
		}
		a.must(t, "officer", `mutation($h: ID!) { archiveLearningUnit(input: {id: $h}) { learningUnit { archivedAt } } }`, map[string]any{"h": added.CreateLearningUnit.LearningUnit.ID}, nil)

		// Moving back needs a manager and a reason; closing freezes the counts.
		a.fails(t, "officer", "FORBIDDEN", "", `mutation($c: ID!) { revertCampaign(input: {id: $c, from: RECOGNITION, reason: "x"}) { campaign { phase } } }`, map[string]any{"c": camp})
		a.fails(t, "manager", "BAD_USER_INPUT", "reason", `mutation($c: ID!) { revertCampaign(input: {id: $c, from: RECOGNITION, reason: ""}) { campaign { phase } } }`, map[string]any{"c": camp})
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "RECOGNITION"}, nil)
		a.fails(t, "manager", "BAD_USER_INPUT", "id", advanceM, map[string]any{"c": camp, "f": "CLOSED"})
		a.must(t, "officer", `mutation($v: ID!) { createLearningUnit(input: {kind: HOUSEHOLD, name: "Hộ sau", adminUnitID: $v}) { learningUnit { id } } }`,
			map[string]any{"v": id(fx.V1a.ID)}, nil)
		a.must(t, "officer", progressQ, map[string]any{"c": camp, "u": id(fx.C1.ID)}, &p)
		if got := titleRow(p.Progress.Rows, "LEARNING_FAMILY"); got.Eligible != 8 || got.Recognized != 5 {
			t.Errorf("closed campaign's counts moved: %+v", got)
		}
		// The audit log holds every transition.
		var audit struct {
			AuditLogs struct{ TotalCount int }
		}
		a.must(t, "manager", `{ auditLogs(where: {actionHasPrefix: "registration."}) { totalCount } }`, nil, &audit)
		if audit.AuditLogs.TotalCount < len(regs)+8 {
			t.Errorf("audit entries of registrations: %d", audit.AuditLogs.TotalCount)
		}
	})
}

// race sends the same request from n goroutines released together by a
// barrier, and returns their responses.
func race(a *api, n int, user, query string, vars func(i int) map[string]any) []response {
	results := make([]response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = a.as(user, query, vars(i))
		}()
	}
	close(start)
	wg.Wait()
	return results
}

// oneWins checks that exactly one response succeeded and every other one is
// CONFLICT on field.
func oneWins(t *testing.T, what, field string, results []response) {
	t.Helper()
	ok := 0
	for _, r := range results {
		switch {
		case r.code() == "":
			ok++
		case r.code() != "CONFLICT" || r.field() != field:
			t.Errorf("%s: a loser got %s on %q (%+v), want CONFLICT on %q", what, r.code(), r.field(), r.Errors, field)
		}
	}
	if ok != 1 {
		t.Fatalf("%s: %d of %d concurrent calls succeeded, want 1", what, ok, len(results))
	}
}

// campaignIn creates a campaign of P1 and moves it up to phase.
func campaignIn(t *testing.T, a *api, phase string) string {
	t.Helper()
	var c struct {
		CreateCampaign struct{ Campaign struct{ ID string } }
	}
	a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`, map[string]any{"p": id(a.fx.P1.ID)}, &c)
	for _, from := range []string{"PLANNING", "REGISTRATION", "EVALUATION", "RECOGNITION"} {
		if from == phase {
			break
		}
		a.must(t, "manager", advanceM, map[string]any{"c": c.CreateCampaign.Campaign.ID, "f": from}, nil)
	}
	return c.CreateCampaign.Campaign.ID
}

// TestPhaseChangeNamesItsPhase: advanceCampaign and revertCampaign move a
// campaign only from the phase they name. A stale phase (the step was
// already taken) is CONFLICT and changes nothing; the role check still
// comes first; a move past either end is the caller's mistake.
func TestPhaseChangeNamesItsPhase(t *testing.T) {
	const revertM = `mutation($c: ID!, $f: CampaignPhase!) { revertCampaign(input: {id: $c, from: $f, reason: "Sửa chỉ tiêu"}) { campaign { phase } } }`
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "PLANNING")
		for _, tc := range []struct {
			name, user, query, from string
			code, field             string
			phase                   string // the campaign's phase afterwards
		}{
			{"advance", "manager", advanceM, "PLANNING", "", "", "REGISTRATION"},
			{"advance sent again", "manager", advanceM, "PLANNING", "CONFLICT", "from", "REGISTRATION"},
			{"advance from a later phase", "manager", advanceM, "EVALUATION", "CONFLICT", "from", "REGISTRATION"},
			{"advance past the end, not the current phase", "manager", advanceM, "CLOSED", "CONFLICT", "from", "REGISTRATION"},
			{"viewer, current phase", "viewer", advanceM, "REGISTRATION", "FORBIDDEN", "", "REGISTRATION"},
			{"viewer, stale phase", "viewer", advanceM, "PLANNING", "FORBIDDEN", "", "REGISTRATION"},
			{"other province", "manager2", advanceM, "REGISTRATION", "FORBIDDEN", "id", "REGISTRATION"},
			{"revert from a stale phase", "manager", revertM, "EVALUATION", "CONFLICT", "from", "REGISTRATION"},
			{"revert", "manager", revertM, "REGISTRATION", "", "", "PLANNING"},
			{"revert sent again", "manager", revertM, "REGISTRATION", "CONFLICT", "from", "PLANNING"},
			{"revert before the start", "manager", revertM, "PLANNING", "BAD_USER_INPUT", "id", "PLANNING"},
		} {
			r := a.as(tc.user, tc.query, map[string]any{"c": camp, "f": tc.from})
			if r.code() != tc.code || tc.field != "" && r.field() != tc.field {
				t.Errorf("%s: got %s on %q (%+v), want %s on %q", tc.name, r.code(), r.field(), r.Errors, tc.code, tc.field)
			}
			var got struct{ Node struct{ Phase string } }
			a.must(t, "manager", `query($c: ID!) { node(id: $c) { ... on Campaign { phase } } }`, map[string]any{"c": camp}, &got)
			if got.Node.Phase != tc.phase {
				t.Fatalf("%s: phase %s afterwards, want %s", tc.name, got.Node.Phase, tc.phase)
			}
		}
		// The CONFLICT says, in Vietnamese by default, where the campaign is now.
		r := a.as("manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"})
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "đã được chuyển sang giai đoạn lập kế hoạch") {
			t.Errorf("conflict message: %+v", r.Errors)
		}
	})
}

// TestConcurrentAdvance sends the same phase change from several callers at
// once: the campaign moves one phase, exactly one caller succeeds and the
// others get CONFLICT, on both databases.
func TestConcurrentAdvance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "PLANNING")
		results := race(a, 4, "manager", advanceM, func(int) map[string]any { return map[string]any{"c": camp, "f": "PLANNING"} })
		oneWins(t, "advanceCampaign", "from", results)
		c, err := db.Campaign.Query().Only(systemCtx())
		if err != nil || c.Phase != "REGISTRATION" {
			t.Fatalf("phase %v (%v), want REGISTRATION", c.Phase, err)
		}
		var audit struct{ AuditLogs struct{ TotalCount int } }
		a.must(t, "manager", `{ auditLogs(where: {action: "campaign.advance"}) { totalCount } }`, nil, &audit)
		if audit.AuditLogs.TotalCount != 1 {
			t.Fatalf("%d advances audited, want 1", audit.AuditLogs.TotalCount)
		}
	})
}

// TestConcurrentRecognize sends the same registrations to several recognize
// calls at once: each registration is recognised once, by one decision; the
// other callers get CONFLICT, on both databases.
func TestConcurrentRecognize(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 6})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION")
		var ids []string
		for _, h := range fx.Households[fx.V1a.Code] {
			var r struct {
				Register struct{ Registration struct{ ID string } }
			}
			a.must(t, "officer", registerM, map[string]any{"c": camp, "u": id(h.ID), "t": "LEARNING_FAMILY"}, &r)
			ids = append(ids, r.Register.Registration.ID)
		}
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)
		for _, r := range ids {
			a.must(t, "officer", evaluateM, map[string]any{"r": r, "k": "FINAL", "s": familyScores(true)}, nil)
		}
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "EVALUATION"}, nil)

		results := race(a, 4, "officer", recognizeM, func(i int) map[string]any {
			// Each caller lists the registrations in another order: the
			// database must still not deadlock them.
			order := append(ids[i%len(ids):len(ids):len(ids)], ids[:i%len(ids)]...)
			return map[string]any{"ids": order, "n": fmt.Sprintf("%d/QĐ-UBND", i+1)}
		})
		oneWins(t, "recognize", "registrationIDs", results)
		regs, err := db.Registration.Query().Where(registration.StatusEQ(registration.StatusRECOGNIZED)).All(systemCtx())
		if err != nil || len(regs) != len(ids) {
			t.Fatalf("recognised registrations: %d, %v", len(regs), err)
		}
		decisions := map[int]bool{}
		for _, r := range regs {
			decisions[*r.DecisionID] = true
		}
		n, _ := db.Decision.Query().Count(systemCtx())
		if len(decisions) != 1 || n != 1 {
			t.Fatalf("decisions: %d referenced, %d stored; want 1", len(decisions), n)
		}
		var p progressReport
		a.must(t, "officer", progressQ, map[string]any{"c": camp, "u": id(fx.C1.ID)}, &p)
		if got := titleRow(p.Progress.Rows, "LEARNING_FAMILY").Recognized; got != len(ids) {
			t.Fatalf("recognised counter: %d, want %d", got, len(ids))
		}
	})
}

var (
	_ = json.Marshal
	_ = sort.Ints
	_ = time.Now
	_ = learningunit.KindHOUSEHOLD
)

// TestNationalProgress checks the national report against the provinces'
// own reports, and that only a viewer of the whole country gets it.
func TestNationalProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 3})
		a := newAPI(t, db, fx)
		camps := map[string]string{}
		for user, p := range map[string]*ent.AdminUnit{"manager": fx.P1, "manager2": fx.P2} {
			var c struct {
				CreateCampaign struct{ Campaign struct{ ID string } }
			}
			a.must(t, user, `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2025}) { campaign { id } } }`, map[string]any{"p": id(p.ID)}, &c)
			camps[user] = c.CreateCampaign.Campaign.ID
			a.must(t, user, advanceM, map[string]any{"c": c.CreateCampaign.Campaign.ID, "f": "PLANNING"}, nil)
		}
		for _, h := range fx.Households[fx.V1a.Code] {
			a.must(t, "officer", registerM, map[string]any{"c": camps["manager"], "u": id(h.ID), "t": "LEARNING_FAMILY"}, nil)
		}
		a.must(t, "officer4", registerM, map[string]any{"c": camps["manager2"], "u": id(fx.Households[fx.V4a.Code][0].ID), "t": "LEARNING_FAMILY"}, nil)

		const q = `query($y: Int!) { nationalProgress(year: $y) { year unit { code }
			rows { title eligible registered recognized target }
			children { unit { code } campaign { id } rows { title eligible registered recognized target } }
			summary { childCount childrenMeetingAllTargets } } }`
		var got struct {
			NationalProgress struct {
				Year     int
				Unit     struct{ Code string }
				Rows     []progressRow
				Children []struct {
					Unit     struct{ Code string }
					Campaign struct{ ID string }
					Rows     []progressRow
				}
				Summary struct{ ChildCount int }
			}
		}
		a.must(t, "admin", q, map[string]any{"y": 2025}, &got)
		n := got.NationalProgress
		if n.Unit.Code != "VN" || n.Summary.ChildCount != 2 || len(n.Children) != 2 {
			t.Fatalf("national: %+v", n)
		}
		sum := progressRow{}
		for _, ch := range n.Children {
			var p progressReport
			a.must(t, "admin", progressQ, map[string]any{"c": ch.Campaign.ID, "u": id(map[string]int{"90": fx.P1.ID, "91": fx.P2.ID}[ch.Unit.Code])}, &p)
			own, nat := titleRow(p.Progress.Rows, "LEARNING_FAMILY"), titleRow(ch.Rows, "LEARNING_FAMILY")
			if own.Eligible != nat.Eligible || own.Registered != nat.Registered {
				t.Errorf("%s: national child %+v, province report %+v", ch.Unit.Code, nat, own)
			}
			sum.Eligible += nat.Eligible
			sum.Registered += nat.Registered
		}
		if c := titleRow(n.Rows, "LEARNING_FAMILY"); c.Eligible != sum.Eligible || c.Registered != sum.Registered || c.Registered != 4 ||
			c.Target == nil || *c.Target != 0.70 {
			t.Errorf("country: %+v, want the provinces' sums (%d/%d) against the national 70%%", c, sum.Eligible, sum.Registered)
		}
		a.fails(t, "manager", "NOT_FOUND", "", q, map[string]any{"y": 2025})
	})
}

// TestNewCampaignTakesItsYearsRules: a new campaign copies the previous
// one, except what no longer applies: the community titles follow the
// rule of their year (Thông tư 44/2014 until 2023, 25/2023 from 2024), and
// targets of units closed since stay behind.
func TestNewCampaignTakesItsYearsRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		type sets struct {
			ID           string
			CriteriaSets []struct{ Title, Name string }
			Targets      []struct {
				Title     string
				AdminUnit struct{ Code string }
			}
		}
		create := func(year int) sets {
			var out struct{ CreateCampaign struct{ Campaign sets } }
			a.must(t, "manager", `mutation($p: ID!, $y: Int!) { createCampaign(input: {provinceID: $p, year: $y}) { campaign {
				id criteriaSets { title name } targets { title adminUnit { code } } } } }`, map[string]any{"p": id(fx.P1.ID), "y": year}, &out)
			return out.CreateCampaign.Campaign
		}
		names := func(s sets) map[string]string {
			out := map[string]string{}
			for _, cs := range s.CriteriaSets {
				out[cs.Title] = cs.Name
			}
			return out
		}
		c23 := create(2023)
		n23 := names(c23)
		if !strings.Contains(n23["COMMUNITY_COMMUNE"], "44/2014") || n23["COMMUNITY_DISTRICT"] != "" || n23["COMMUNITY_PROVINCE"] != "" || n23["LEARNING_FAMILY"] == "" {
			t.Errorf("2023 criteria: %v, want the commune's of TT 44/2014 and no district or province community", n23)
		}
		a.must(t, "manager", `mutation($c: ID!, $t: [TargetInput!]!) { setTargets(input: {campaignID: $c, targets: $t}) { targets { rate } } }`, map[string]any{"c": c23.ID, "t": []map[string]any{
			{"title": "LEARNING_FAMILY", "rate": 0.5}, {"title": "LEARNING_FAMILY", "rate": 0.75, "adminUnitID": id(fx.D1.ID)}}}, nil)
		if err := db.AdminUnit.UpdateOne(fx.D1).SetValidTo(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)).Exec(systemCtx()); err != nil {
			t.Fatal(err)
		}

		c24 := create(2024)
		n24 := names(c24)
		if strings.Contains(n24["COMMUNITY_COMMUNE"], "44/2014") || n24["COMMUNITY_DISTRICT"] == "" || n24["COMMUNITY_PROVINCE"] == "" || n24["LEARNING_FAMILY"] != n23["LEARNING_FAMILY"] {
			t.Errorf("2024 criteria: %v, want TT 25/2023 for communities and the rest copied from 2023", n24)
		}
		if len(c24.Targets) != 1 || c24.Targets[0].AdminUnit.Code != fx.P1.Code {
			t.Errorf("2024 targets: %+v, want the province's alone (D1 closed)", c24.Targets)
		}
	})
}

// TestCurrentCampaign: an officer finds their province's open campaign
// without knowing the province's id; an ADMIN names the province.
func TestCurrentCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		ctx := systemCtx()
		for year, phase := range map[int]campaign.Phase{2024: campaign.PhaseCLOSED, 2025: campaign.PhaseREGISTRATION} {
			if err := db.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(year).SetName(fmt.Sprint("Năm ", year)).SetPhase(phase).
				SetReferenceDate(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		const q = `query($p: ID) { currentCampaign(provinceID: $p) { year } }`
		for _, tt := range []struct {
			user     string
			province *int
			want     any // the year, nil for null
			code     string
		}{
			{"officer", nil, 2025.0, ""},
			{"collaborator", nil, 2025.0, ""},
			{"citizen", nil, 2025.0, ""},
			{"officer4", nil, nil, ""}, // P2 has none
			{"admin", nil, nil, ""},    // the country has none
			{"admin", &fx.P1.ID, 2025.0, ""},
			{"admin", &fx.C1.ID, nil, "BAD_USER_INPUT"},
			{"manager2", &fx.P1.ID, nil, "NOT_FOUND"},
		} {
			vars := map[string]any{"p": nil}
			if tt.province != nil {
				vars["p"] = id(*tt.province)
			}
			if tt.code != "" {
				a.fails(t, tt.user, tt.code, "provinceID", q, vars)
				continue
			}
			var got struct{ CurrentCampaign map[string]any }
			a.must(t, tt.user, q, vars, &got)
			var year any
			if got.CurrentCampaign != nil {
				year = got.CurrentCampaign["year"]
			}
			if year != tt.want {
				t.Errorf("%s, province %v: currentCampaign %v, want %v", tt.user, tt.province, year, tt.want)
			}
		}
	})
}
