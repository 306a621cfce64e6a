package graph_test

import (
	"strings"
	"testing"

	"hoctap/ent/learningactivity"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestRecordStaysPersonal: what a record says reaches no one who may not
// read the record, by the roads beside it: the audit log (which managers
// read), record summaries, a village's live record counts (a citizen's
// scope is their village), and the learning-citizen evaluation of a citizen
// who moved out of the evaluator's reach.
func TestRecordStaysPersonal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		a := w.a
		own := w.add(t, "citizen", w.citizen.ID, "Kỹ năng số")
		a.must(t, "officer", reviewActivityM, m("id", own.ID, "s", "REJECTED", "n", "Giấy chứng nhận không khớp họ tên"), nil)
		r := a.upload("citizen", nil, attachEvidenceM, m("in", m("activityID", own.ID, "file", nil)),
			map[string]uploadFile{"in.file": {"CCCD Nguyễn Văn A.png", pngFile(t)}})
		if r.code() != "" {
			t.Fatalf("attach: %+v", r.Errors)
		}
		logs := string(a.as("manager", `{ auditLogs(first: 100) { edges { node { action details } } } }`, nil).Data)
		if !strings.Contains(logs, "evidence.attach") {
			t.Fatalf("the manager reads no evidence.attach entry: %s", logs)
		}
		if strings.Contains(logs, "không khớp") || strings.Contains(logs, "CCCD") {
			t.Errorf("the audit log tells a manager what a record says: %s", logs)
		}

		summary := `query($id: ID!) { node(id: $id) { ... on LearningUnit { recordSummary(year: 2025) { total } } } }`
		for _, user := range []string{"manager", "viewer"} {
			if got := string(a.as(user, summary, m("id", id(w.citizen.ID))).Data); !strings.Contains(got, `"recordSummary":null`) {
				t.Errorf("%s's recordSummary of a citizen: %s, want null", user, got)
			}
		}
		if got := string(a.as("officer", summary, m("id", id(w.citizen.ID))).Data); !strings.Contains(got, `"total":1`) {
			t.Errorf("the officer's recordSummary: %s", got)
		}
	})
}

// TestRecordCountsAndMoves: a citizen reads no live record counts of their
// village, and the officer of a commune the citizen moved out of may no
// longer cite or score the record, though the registration stays theirs.
func TestRecordCountsAndMoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION")
		var neighbour int
		for _, c := range citizensOf(t, db, fx.V1a) {
			if c.ID != *fx.Users["citizen"].LearningUnitID && (c.ParentID == nil || *c.ParentID != fx.Viewer("citizen").HouseholdID) {
				neighbour = c.ID
			}
		}
		act := addActivity(t, db, neighbour, activity{status: learningactivity.StatusVERIFIED, start: "2021-04-01", end: "2021-04-01", hours: 2})
		counts := `query($c: ID!, $u: ID!) { progress(campaignID: $c, unitID: $u) { rows { title citizensVerified } } }`
		vars := m("c", camp, "u", id(fx.V1a.ID))
		if got := string(a.as("citizen", counts, vars).Data); strings.Contains(got, `"citizensVerified":1`) || !strings.Contains(got, `"citizensVerified":null`) {
			t.Errorf("a citizen's village record counts: %s, want null", got)
		}
		if got := string(a.as("officer", counts, vars).Data); !strings.Contains(got, `"citizensVerified":1`) {
			t.Errorf("the officer's village record counts: %s", got)
		}

		var reg struct {
			Register struct{ Registration struct{ ID string } }
		}
		a.must(t, "officer", registerCitizenM, m("c", camp, "u", id(neighbour)), &reg)
		a.must(t, "manager", advanceM, m("c", camp, "f", "REGISTRATION"), nil)
		// The neighbour moves to another commune's village.
		db.LearningUnit.UpdateOneID(neighbour).SetAdminUnit(fx.V2a).ExecX(systemCtx())
		for _, kind := range []string{"DRAFT", "FINAL"} {
			r := a.as("officer", evaluateCiting, m("r", reg.Register.Registration.ID, "k", kind, "s", citizenScores(30), "a", []string{id(act.ID)}))
			if r.code() != "FORBIDDEN" || r.field() != "registrationID" {
				t.Errorf("%s by the old commune's officer: %s on %s (%s), want FORBIDDEN on registrationID", kind, r.code(), r.field(), r.Data)
			}
		}
	})
}

// TestRecordTextLimits: a record's limits count characters, not bytes:
// Vietnamese takes up to three bytes a letter.
func TestRecordTextLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		if r := w.a.as("citizen", addActivityM, m("in", activityInput(w.citizen.ID, strings.Repeat("ễ", 200)))); r.code() != "" {
			t.Errorf("a 200-letter title: %s %+v", r.code(), r.Errors)
		}
		if r := w.a.as("citizen", addActivityM, m("in", activityInput(w.citizen.ID, strings.Repeat("ễ", 201)))); r.code() != "BAD_USER_INPUT" || r.field() != "title" {
			t.Errorf("a 201-letter title: %s on %s, want BAD_USER_INPUT on title", r.code(), r.field())
		}
		r := w.a.upload("citizen", nil, attachEvidenceM, m("in", m("activityID", w.add(t, "citizen", w.citizen.ID, "x").ID, "file", nil)),
			map[string]uploadFile{"in.file": {strings.Repeat("ế", 150) + ".png", pngFile(t)}})
		if r.code() != "" {
			t.Errorf("a 154-letter file name: %s %+v", r.code(), r.Errors)
		}
	})
}
