package graph_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// day is a date of the tests' records, written as a UTC midnight; it is
// stored as the same day's midnight in Vietnam (derive.Days), so the rows on
// either side of a year's bounds below also prove both databases cut the
// year at the same place.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// activity is one entry to put in a citizen's record, as the system.
type activity struct {
	status     learningactivity.Status
	start, end string // end "" for one still going on
	hours      float64
	archived   bool
	cert       string
}

// addActivity writes an activity straight into a citizen's record: the
// record's own mutations are not what these tests are about.
func addActivity(t *testing.T, db *store.DB, citizen int, a activity) *ent.LearningActivity {
	t.Helper()
	b := db.LearningActivity.Create().SetCitizenID(citizen).SetKind(learningactivity.KindCOURSE).
		SetTitle("Tin học văn phòng cơ bản").SetStartedOn(day(a.start)).SetHours(a.hours).
		SetSource(learningactivity.SourceSELF).SetStatus(a.status).SetCertificate(a.cert)
	if a.end != "" {
		b.SetEndedOn(day(a.end))
	}
	if a.archived {
		b.SetArchivedAt(time.Now())
	}
	act, err := b.Save(systemCtx())
	if err != nil {
		t.Fatalf("add activity: %v", err)
	}
	return act
}

// citizensOf lists the citizens of a fixture village, in id order.
func citizensOf(t *testing.T, db *store.DB, village *ent.AdminUnit) []*ent.LearningUnit {
	t.Helper()
	return db.LearningUnit.Query().Where(learningunit.AdminUnitID(village.ID), learningunit.KindEQ(learningunit.KindCITIZEN)).
		Order(ent.Asc(learningunit.FieldID)).AllX(systemCtx())
}

// citizenScores scores the citizen template (TC1 30 required, TC2 40, TC3
// 30; passed at 70, no criterion below half) with tc2 points on TC2.
func citizenScores(tc2 float64) []map[string]any {
	return []map[string]any{{"code": "TC1", "points": 30}, {"code": "TC2", "points": tc2}, {"code": "TC3", "points": 20}}
}

const (
	evaluateCiting = `mutation($r: ID!, $k: EvaluationKind!, $s: [ScoreInput!]!, $a: [ID!]) {
		evaluate(input: {registrationID: $r, kind: $k, scores: $s, activityIDs: $a}) {
			evaluation { id kind result total activities { id } }
			registration { status result }
			recordGaps { field message } } }`
	registerCitizenM = `mutation($c: ID!, $u: ID!) { register(input: {campaignID: $c, learningUnitID: $u, title: LEARNING_CITIZEN}) { registration { id status title } } }`
)

type evaluated struct {
	Evaluate struct {
		Evaluation struct {
			ID, Kind, Result string
			Total            float64
			Activities       []struct{ ID string }
		}
		Registration struct{ Status, Result string }
		RecordGaps   []struct{ Field, Message string }
	}
}

// TestVerifiedActivityCounts: a FINAL evaluation of a learning citizen
// gives TC2 (which asks for one verified activity of the campaign's year)
// points only when the record holds one. Pending, rejected, removed and
// other years' activities do not count; the refusal names scores.TC2 and
// says what is missing, in English on request. TC2 without points needs
// nothing.
func TestVerifiedActivityCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 4})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION") // the campaign of 2021
		citizens := append(citizensOf(t, db, fx.V1a), citizensOf(t, db, fx.V1b)...)
		rows := []struct {
			name   string
			record []activity
			counts bool
		}{
			{"no record", nil, false},
			{"pending", []activity{{status: learningactivity.StatusPENDING, start: "2021-03-01", end: "2021-05-01", hours: 40}}, false},
			{"rejected", []activity{{status: learningactivity.StatusREJECTED, start: "2021-03-01", end: "2021-05-01", hours: 40}}, false},
			{"verified, removed", []activity{{status: learningactivity.StatusVERIFIED, start: "2021-03-01", end: "2021-05-01", hours: 40, archived: true}}, false},
			{"verified, ended the year before", []activity{{status: learningactivity.StatusVERIFIED, start: "2020-03-01", end: "2020-12-31", hours: 40}}, false},
			{"verified, starts the year after", []activity{{status: learningactivity.StatusVERIFIED, start: "2022-01-01", hours: 40}}, false},
			{"verified", []activity{{status: learningactivity.StatusVERIFIED, start: "2021-03-01", end: "2021-05-01", hours: 40}}, true},
			{"verified, on the year's first day only", []activity{{status: learningactivity.StatusVERIFIED, start: "2021-01-01", end: "2021-01-01", hours: 4}}, true},
			{"verified, started before the year and going on", []activity{{status: learningactivity.StatusVERIFIED, start: "2019-09-01", hours: 200}}, true},
			{"verified among pending and rejected", []activity{
				{status: learningactivity.StatusPENDING, start: "2021-01-10", hours: 2},
				{status: learningactivity.StatusVERIFIED, start: "2021-12-31", end: "2021-12-31", hours: 3},
				{status: learningactivity.StatusREJECTED, start: "2021-02-01", hours: 8},
			}, true},
		}
		regs := make([]string, len(rows))
		for i, row := range rows {
			for _, act := range row.record {
				addActivity(t, db, citizens[i].ID, act)
			}
			var r struct {
				Register struct{ Registration struct{ ID string } }
			}
			a.must(t, "officer", registerCitizenM, map[string]any{"c": camp, "u": id(citizens[i].ID)}, &r)
			regs[i] = r.Register.Registration.ID
		}
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				vars := map[string]any{"r": regs[i], "k": "FINAL", "s": citizenScores(30)}
				if !row.counts {
					a.fails(t, "officer", "BAD_USER_INPUT", "scores.TC2", evaluateCiting, vars)
					// Without points on TC2 the record is not asked for:
					// the evaluation stands, and fails (TC2 below half).
					var got evaluated
					a.must(t, "officer", evaluateCiting, map[string]any{"r": regs[i], "k": "FINAL", "s": citizenScores(0)}, &got)
					if got.Evaluate.Evaluation.Result != "FAILED" || got.Evaluate.Registration.Status != "EVALUATED" || len(got.Evaluate.RecordGaps) != 0 {
						t.Fatalf("FINAL with TC2 at 0: %+v", got.Evaluate)
					}
					return
				}
				var got evaluated
				a.must(t, "officer", evaluateCiting, vars, &got)
				if got.Evaluate.Evaluation.Result != "PASSED" || got.Evaluate.Registration.Result != "PASSED" || len(got.Evaluate.RecordGaps) != 0 {
					t.Fatalf("FINAL with a verified activity: %+v", got.Evaluate)
				}
			})
		}
		// What is missing, said in the language asked for.
		r := a.exec(fx.Viewer("officer"), "", evaluateCiting, map[string]any{"r": regs[1], "k": "FINAL", "s": citizenScores(30)},
			http.Header{"Accept-Language": []string{"en"}})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "needs 1 or more verified learning activities in 2021; the record has 0") {
			t.Fatalf("English refusal: %+v", r.Errors)
		}
		r = a.as("officer", evaluateCiting, map[string]any{"r": regs[1], "k": "FINAL", "s": citizenScores(30)})
		if !strings.Contains(r.Errors[0].Message, "hoạt động học tập đã xác minh trong năm 2021") {
			t.Fatalf("Vietnamese refusal: %+v", r.Errors)
		}
	})
}

// TestCitizenTitleFlow walks the learning-citizen title from the citizen's
// phone: they register their own record (and nobody else's), self-assess
// citing their own activities (not a neighbour's, not a removed one) and
// are told what the record lacks; an officer evaluates with the record in
// view and the citizen follows the result and what it cites.
func TestCitizenTitleFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION")
		own := *fx.Users["citizen"].LearningUnitID
		var housemate, neighbour int
		for _, c := range citizensOf(t, db, fx.V1a) {
			switch {
			case c.ID == own:
			case c.ParentID != nil && *c.ParentID == fx.Households[fx.V1a.Code][0].ID:
				housemate = c.ID
			case neighbour == 0:
				neighbour = c.ID
			}
		}
		var cc struct {
			CurrentCampaign struct{ ID string }
		}
		a.must(t, "citizen", `{ currentCampaign { id } }`, nil, &cc)
		if cc.CurrentCampaign.ID != camp {
			t.Fatalf("citizen's current campaign %q, want %s", cc.CurrentCampaign.ID, camp)
		}

		// Registering: their own record only, once.
		for _, other := range []int{housemate, neighbour} {
			a.fails(t, "citizen", "FORBIDDEN", "learningUnitID", registerCitizenM, map[string]any{"c": camp, "u": id(other)})
		}
		a.fails(t, "citizen", "FORBIDDEN", "learningUnitID", registerM,
			map[string]any{"c": camp, "u": id(fx.Households[fx.V1a.Code][0].ID), "t": "LEARNING_FAMILY"})
		var reg struct {
			Register struct {
				Registration struct{ ID, Status, Title string }
			}
		}
		a.must(t, "citizen", registerCitizenM, map[string]any{"c": camp, "u": id(own)}, &reg)
		if r := reg.Register.Registration; r.Status != "REGISTERED" || r.Title != "LEARNING_CITIZEN" {
			t.Fatalf("citizen's registration: %+v", r)
		}
		regID := reg.Register.Registration.ID
		a.fails(t, "citizen", "CONFLICT", "learningUnitID", registerCitizenM, map[string]any{"c": camp, "u": id(own)})

		pending := addActivity(t, db, own, activity{status: learningactivity.StatusPENDING, start: "2021-04-01", end: "2021-06-30", hours: 24})
		removed := addActivity(t, db, own, activity{status: learningactivity.StatusVERIFIED, start: "2021-02-01", hours: 5, archived: true})
		theirs := addActivity(t, db, housemate, activity{status: learningactivity.StatusVERIFIED, start: "2021-02-01", hours: 5})
		far := addActivity(t, db, citizensOf(t, db, fx.V4a)[0].ID, activity{status: learningactivity.StatusVERIFIED, start: "2021-02-01", hours: 5})

		// Citing: anything but their own record's live activities is
		// refused alike, whether they may read it or not.
		for name, ids := range map[string][]int{
			"a housemate's":             {theirs.ID},
			"another province's":        {far.ID},
			"a removed one":             {removed.ID},
			"their own and a neighbour": {pending.ID, theirs.ID},
			"none such":                 {far.ID + 1000},
		} {
			t.Run(name, func(t *testing.T) {
				cited := make([]string, len(ids))
				for i, n := range ids {
					cited[i] = id(n)
				}
				a.fails(t, "citizen", "BAD_USER_INPUT", "activityIDs", evaluateCiting,
					map[string]any{"r": regID, "k": "SELF", "s": citizenScores(40), "a": cited})
			})
		}
		a.fails(t, "citizen", "FORBIDDEN", "", evaluateCiting, map[string]any{"r": regID, "k": "FINAL", "s": citizenScores(40)})

		// A self-assessment with TC2 points on a record of a pending
		// activity is kept, and tells what the record lacks.
		var self evaluated
		a.must(t, "citizen", evaluateCiting, map[string]any{"r": regID, "k": "SELF", "s": citizenScores(40), "a": []string{id(pending.ID)}}, &self)
		ev := self.Evaluate
		if ev.Evaluation.Kind != "SELF" || ev.Evaluation.Result != "PASSED" || ev.Registration.Status != "REGISTERED" {
			t.Fatalf("self-assessment: %+v", ev)
		}
		if len(ev.Evaluation.Activities) != 1 || ev.Evaluation.Activities[0].ID != id(pending.ID) {
			t.Fatalf("self-assessment cites %+v, want activity %d", ev.Evaluation.Activities, pending.ID)
		}
		if len(ev.RecordGaps) != 1 || ev.RecordGaps[0].Field != "scores.TC2" || !strings.Contains(ev.RecordGaps[0].Message, "mới có 0") {
			t.Fatalf("record gaps: %+v", ev.RecordGaps)
		}

		// The officer sees the record beside the registration.
		type recordView struct {
			Year, Verified, Pending, Rejected, Total int
			VerifiedHours                            float64
			Activities                               []struct{ ID, Status string }
		}
		var seen struct {
			Node struct {
				Record recordView
			}
		}
		recordQ := `query($id: ID!) { node(id: $id) { ... on Registration { record { year verified pending rejected total verifiedHours activities { id status } } } } }`
		a.must(t, "officer", recordQ, map[string]any{"id": regID}, &seen)
		if r := seen.Node.Record; r.Year != 2021 || r.Pending != 1 || r.Verified != 0 || r.Total != 1 || len(r.Activities) != 1 {
			t.Fatalf("record in view: %+v", r)
		}

		// Verified, the activity counts: the officer's FINAL passes citing it.
		db.LearningActivity.UpdateOneID(pending.ID).SetStatus(learningactivity.StatusVERIFIED).ExecX(systemCtx())
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "REGISTRATION"}, nil)
		var final evaluated
		a.must(t, "officer", evaluateCiting, map[string]any{"r": regID, "k": "FINAL", "s": citizenScores(35), "a": []string{id(pending.ID)}}, &final)
		if final.Evaluate.Registration.Result != "PASSED" || len(final.Evaluate.RecordGaps) != 0 {
			t.Fatalf("final: %+v", final.Evaluate)
		}
		a.must(t, "officer", recordQ, map[string]any{"id": regID}, &seen)
		if r := seen.Node.Record; r.Verified != 1 || r.VerifiedHours != 24 || r.Pending != 0 {
			t.Fatalf("record after verification: %+v", r)
		}

		// The district recognises the learning citizens (the title's
		// deciding level).
		district, err := db.User.Create().SetUsername("officerd1").SetFullName("Cán bộ huyện").SetPasswordHash("unused").
			SetRole("OFFICER").SetScope(fx.D1).Save(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		fx.Users["officerd1"] = district
		a.must(t, "manager", advanceM, map[string]any{"c": camp, "f": "EVALUATION"}, nil)
		a.must(t, "officerd1", recognizeM, map[string]any{"ids": []string{regID}, "n": "77/QĐ-UBND"}, nil)

		// The citizen follows their registration, its evaluations and the
		// decision; a neighbour's is none of their business.
		var mine struct {
			Registrations struct {
				Edges []struct {
					Node struct {
						ID, Status, Result string
						Evaluations        []struct {
							Kind, Result string
							Activities   []struct{ ID string }
						}
						Decision *struct{ Number string }
					}
				}
			}
		}
		a.must(t, "citizen", `{ registrations(where: {title: LEARNING_CITIZEN}) { edges { node { id status result
			evaluations { kind result activities { id } } decision { number } } } } }`, nil, &mine)
		if len(mine.Registrations.Edges) != 1 {
			t.Fatalf("citizen sees %d registrations, want their own", len(mine.Registrations.Edges))
		}
		n := mine.Registrations.Edges[0].Node
		kinds := []string{}
		for _, e := range n.Evaluations {
			kinds = append(kinds, e.Kind)
			if len(e.Activities) != 1 || e.Activities[0].ID != id(pending.ID) {
				t.Fatalf("%s evaluation cites %+v", e.Kind, e.Activities)
			}
		}
		slices.Sort(kinds)
		if n.ID != regID || n.Status != "RECOGNIZED" || n.Result != "PASSED" || !slices.Equal(kinds, []string{"FINAL", "SELF"}) ||
			n.Decision == nil || n.Decision.Number != "77/QĐ-UBND" {
			t.Fatalf("citizen follows: %+v", n)
		}
	})
}

// TestRecordSummaryPage: the officers' page of a commune's citizens with
// the completeness of their records costs the same statements for 5 and
// for 50 citizens, and each figure is as defined in the schema.
func TestRecordSummaryPage(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		counts := map[int]int{}
		for _, n := range []int{5, 50} {
			opts, counter := dbtest.Counting()
			db := open(opts)
			fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
			a := newAPI(t, db, fx)
			// A village of n citizens: every third with a verified,
			// certified activity, every third a pending one without
			// evidence, the rest nothing.
			village := db.AdminUnit.Create().SetCode("90101.09").SetName("Thôn 9").SetLevel("VILLAGE").SetType("Thôn").SetParent(fx.C1).SaveX(systemCtx())
			want := map[string]float64{}
			for i := range n {
				c := db.LearningUnit.Create().SetKind(learningunit.KindCITIZEN).SetName("Công dân " + id(i)).SetAdminUnit(village).SaveX(systemCtx())
				switch i % 3 {
				case 0:
					addActivity(t, db, c.ID, activity{status: learningactivity.StatusVERIFIED, start: "2021-03-01", hours: 10, cert: "Chứng chỉ số 1"})
					want[id(c.ID)] = 0.75 // no account
				case 1:
					addActivity(t, db, c.ID, activity{status: learningactivity.StatusPENDING, start: "2021-03-01", hours: 10})
					want[id(c.ID)] = 0.25
				default:
					want[id(c.ID)] = 0
				}
			}
			var page struct {
				LearningUnits struct {
					Edges []struct {
						Node struct {
							ID            string
							RecordSummary struct {
								Completeness float64
								Verified     int
								Pending      int
								Undocumented int
								HasAccount   bool
								Activities   []struct{ ID string }
							}
						}
					}
				}
			}
			counter.Reset()
			a.must(t, "officer", `query($v: ID!) { learningUnits(first: 100, where: {kind: CITIZEN, hasAdminUnitWith: {id: $v}}) { edges { node { id
				recordSummary(year: 2021) { completeness verified pending undocumented hasAccount activities { id } } } } } }`,
				map[string]any{"v": id(village.ID)}, &page)
			counts[n] = counter.Count()
			if len(page.LearningUnits.Edges) != n {
				t.Fatalf("%d citizens on the page, want %d", len(page.LearningUnits.Edges), n)
			}
			for _, e := range page.LearningUnits.Edges {
				if got := e.Node.RecordSummary.Completeness; got != want[e.Node.ID] {
					t.Fatalf("citizen %s: completeness %v, want %v (%+v)", e.Node.ID, got, want[e.Node.ID], e.Node.RecordSummary)
				}
			}
			// The fixture's citizen has an account: with a verified,
			// certified activity the record is complete.
			own := *fx.Users["citizen"].LearningUnitID
			addActivity(t, db, own, activity{status: learningactivity.StatusVERIFIED, start: "2021-05-01", hours: 3, cert: "Giấy chứng nhận"})
			var one struct {
				Node struct {
					RecordSummary struct {
						Completeness float64
						HasAccount   bool
					}
				}
			}
			a.must(t, "citizen", `query($id: ID!) { node(id: $id) { ... on LearningUnit { recordSummary(year: 2021) { completeness hasAccount } } } }`, map[string]any{"id": id(own)}, &one)
			if s := one.Node.RecordSummary; !s.HasAccount || s.Completeness != 1 {
				t.Fatalf("the citizen's own record: %+v", s)
			}
			a.must(t, "officer", `query($id: ID!) { node(id: $id) { ... on LearningUnit { recordSummary(year: 2021) { completeness hasAccount } } } }`, map[string]any{"id": id(own)}, &one)
			if s := one.Node.RecordSummary; !s.HasAccount || s.Completeness != 1 {
				t.Fatalf("the citizen's record, to their officer: %+v", s)
			}
		}
		if counts[5] != counts[50] {
			t.Fatalf("statements: %d for 5 citizens, %d for 50; want the same", counts[5], counts[50])
		}
		t.Logf("a page of citizens with their records: %d statements", counts[5])
	})
}

// TestVerificationQueue: learningActivities(where: {status: PENDING}) is
// the queue of the viewer's scope, oldest first: an officer sees their
// commune's pending activities only, not verified or removed ones, not
// another commune's; a citizen their own.
func TestVerificationQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		v1a, v1b, v2a, v4a := citizensOf(t, db, fx.V1a), citizensOf(t, db, fx.V1b), citizensOf(t, db, fx.V2a), citizensOf(t, db, fx.V4a)
		own := *fx.Users["citizen"].LearningUnitID
		p := func(citizen int) *ent.LearningActivity {
			return addActivity(t, db, citizen, activity{status: learningactivity.StatusPENDING, start: "2021-03-01", hours: 1})
		}
		c1 := []*ent.LearningActivity{p(v1b[0].ID), p(own), p(v1a[3].ID)}
		c2 := []*ent.LearningActivity{p(v2a[0].ID)}
		p(v4a[0].ID)
		addActivity(t, db, v1a[1].ID, activity{status: learningactivity.StatusVERIFIED, start: "2021-03-01"})
		addActivity(t, db, v1a[1].ID, activity{status: learningactivity.StatusPENDING, start: "2021-03-01", archived: true})
		ids := func(as ...*ent.LearningActivity) []string {
			out := []string{}
			for _, x := range as {
				out = append(out, id(x.ID))
			}
			return out
		}
		queue := `{ learningActivities(where: {status: PENDING}) { totalCount edges { node { id status citizen { id } } } } }`
		for _, row := range []struct {
			user string
			want []string
		}{
			{"officer", ids(c1...)},
			{"collaborator", ids(c1[1], c1[2])}, // V1a only
			{"officer2", ids(c2...)},
			{"citizen", ids(c1[1])},
			// A record is personal: a manager counts it in progress
			// reports, but does not read it.
			{"manager", []string{}},
			{"viewer", []string{}},
		} {
			var got struct {
				LearningActivities struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID, Status string } }
				}
			}
			a.must(t, row.user, queue, nil, &got)
			seen := []string{}
			for _, e := range got.LearningActivities.Edges {
				seen = append(seen, e.Node.ID)
			}
			if !slices.Equal(seen, row.want) || got.LearningActivities.TotalCount != len(row.want) {
				t.Errorf("%s's queue: %v (total %d), want %v", row.user, seen, got.LearningActivities.TotalCount, row.want)
			}
		}
	})
}

// TestProgressCountsRecords: the LEARNING_CITIZEN rows of the progress
// report count the citizens with a record and those with a verified
// activity in the campaign's year, per unit and child; other rows do not.
// The counts cost two statements for the whole report, and nothing when
// not asked for.
func TestProgressCountsRecords(t *testing.T) {
	opts, counter := dbtest.Counting()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION") // 2021
		v1a, v1b, v2a := citizensOf(t, db, fx.V1a), citizensOf(t, db, fx.V1b), citizensOf(t, db, fx.V2a)
		add := func(c *ent.LearningUnit, s learningactivity.Status, start string) {
			addActivity(t, db, c.ID, activity{status: s, start: start, end: start, hours: 2})
		}
		add(v1a[0], learningactivity.StatusVERIFIED, "2021-04-01")
		add(v1a[0], learningactivity.StatusPENDING, "2021-05-01") // one citizen, counted once
		add(v1a[1], learningactivity.StatusPENDING, "2021-04-01")
		add(v1a[2], learningactivity.StatusVERIFIED, "2020-04-01") // another year
		add(v1b[0], learningactivity.StatusREJECTED, "2021-04-01")
		add(v1b[1], learningactivity.StatusVERIFIED, "2021-12-31")
		add(v2a[0], learningactivity.StatusVERIFIED, "2021-04-01") // another commune
		addActivity(t, db, v1b[2].ID, activity{status: learningactivity.StatusVERIFIED, start: "2021-04-01", archived: true})

		type row struct {
			Title                                string
			Subtype                              *string
			CitizensWithRecord, CitizensVerified *int
		}
		var got struct {
			Progress struct {
				Rows     []row
				Children []struct {
					Unit struct{ Code string }
					Rows []row
				}
			}
		}
		q := `query($c: ID!, $u: ID!) { progress(campaignID: $c, unitID: $u) { rows { title subtype citizensWithRecord citizensVerified }
			children { unit { code } rows { title subtype citizensWithRecord citizensVerified } } } }`
		counter.Reset()
		a.must(t, "officer", q, map[string]any{"c": camp, "u": id(fx.C1.ID)}, &got)
		with := counter.Count()
		counter.Reset()
		a.must(t, "officer", progressQ, map[string]any{"c": camp, "u": id(fx.C1.ID)}, nil)
		if without := counter.Count(); with != without+2 {
			t.Errorf("progress: %d statements with the record counts, %d without; want two more", with, without)
		}
		check := func(where string, rows []row, with, verified int) {
			t.Helper()
			for _, r := range rows {
				if r.Title != "LEARNING_CITIZEN" || r.Subtype != nil {
					if r.CitizensWithRecord != nil || r.CitizensVerified != nil {
						t.Errorf("%s: %s row has record counts", where, r.Title)
					}
					continue
				}
				if r.CitizensWithRecord == nil || r.CitizensVerified == nil || *r.CitizensWithRecord != with || *r.CitizensVerified != verified {
					t.Errorf("%s: LEARNING_CITIZEN row %s with a record, %s verified; want %d, %d", where, show(r.CitizensWithRecord), show(r.CitizensVerified), with, verified)
				}
				return
			}
			t.Errorf("%s: no LEARNING_CITIZEN row", where)
		}
		check("C1", got.Progress.Rows, 5, 2)
		for _, ch := range got.Progress.Children {
			switch ch.Unit.Code {
			case fx.V1a.Code:
				check("V1a", ch.Rows, 3, 1)
			case fx.V1b.Code:
				check("V1b", ch.Rows, 2, 1)
			}
		}
	}, opts)
}

// show prints an optional count.
func show(n *int) string {
	if n == nil {
		return "null"
	}
	return id(*n)
}

// TestCriteriaRecordRule: a record rule is part of a criteria set like the
// rest, set and read with setCriteria and Campaign.criteriaSets, validated,
// and refused on a title without a record to ask of.
func TestCriteriaRecordRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "PLANNING")
		var sets struct {
			Node struct {
				CriteriaSets []struct {
					Title    string
					Criteria []struct {
						Code   string
						Record *struct {
							MinActivities int
							MinHours      float64
						}
					}
				}
			}
		}
		q := `query($id: ID!) { node(id: $id) { ... on Campaign { criteriaSets { title criteria { code record { minActivities minHours } } } } } }`
		record := func() map[string]string {
			a.must(t, "manager", q, map[string]any{"id": camp}, &sets)
			out := map[string]string{}
			for _, s := range sets.Node.CriteriaSets {
				for _, c := range s.Criteria {
					if c.Record != nil {
						out[s.Title+"."+c.Code] = fmt.Sprintf("%d/%g", c.Record.MinActivities, c.Record.MinHours)
					}
				}
			}
			return out
		}
		if got := record(); len(got) != 1 || got["LEARNING_CITIZEN.TC2"] != "1/0" {
			t.Fatalf("template record rules: %v, want TC2 of LEARNING_CITIZEN asking for one activity", got)
		}
		set := `mutation($c: ID!, $t: Title!, $r: RecordRuleInput) { setCriteria(input: {campaignID: $c, title: $t, name: "Bộ tiêu chí tỉnh",
			criteria: [{code: "TC1", text: "Có kế hoạch học tập", maxPoints: 50}, {code: "TC2", text: "Học tập suốt đời", maxPoints: 50, record: $r}],
			rule: {passPoints: 60}}) { criteriaSet { version criteria { code record { minActivities minHours } } } } }`
		for _, row := range []struct {
			name, title string
			rule        map[string]any
			field       string
		}{
			{"another title", "LEARNING_FAMILY", map[string]any{"minActivities": 1}, "criteria[1].record"},
			{"asks nothing", "LEARNING_CITIZEN", map[string]any{}, "criteria[1].record"},
			{"negative", "LEARNING_CITIZEN", map[string]any{"minActivities": -1}, "criteria[1].record.minActivities"},
			{"too many hours", "LEARNING_CITIZEN", map[string]any{"minHours": 20000}, "criteria[1].record.minHours"},
		} {
			t.Run(row.name, func(t *testing.T) {
				a.fails(t, "manager", "BAD_USER_INPUT", row.field, set, map[string]any{"c": camp, "t": row.title, "r": row.rule})
			})
		}
		a.must(t, "manager", set, map[string]any{"c": camp, "t": "LEARNING_CITIZEN", "r": map[string]any{"minActivities": 2, "minHours": 12}}, nil)
		if got := record(); len(got) != 1 || got["LEARNING_CITIZEN.TC2"] != "2/12" {
			t.Fatalf("record rules after setCriteria: %v", got)
		}
	})
}

// The citizen's flow as the README gives it to mobile teams.
const (
	citizenHomeQ = `query CitizenHome {
  me {
    learningUnit {
      id
      name
      recordSummary { year verified pending rejected verifiedHours completeness
        activities { id kind title status hours reviewNote } }
    }
  }
  currentCampaign {
    id year phase
    criteriaSets { title criteria { code text maxPoints record { minActivities minHours } } }
  }
}`
	citizenRegisterM = `mutation RegisterMe($campaign: ID!, $me: ID!) {
  register(input: {campaignID: $campaign, learningUnitID: $me, title: LEARNING_CITIZEN}) {
    registration { id status }
  }
}`
	citizenSelfAssessM = `mutation SelfAssess($registration: ID!, $scores: [ScoreInput!]!, $activities: [ID!]) {
  evaluate(input: {registrationID: $registration, kind: SELF, scores: $scores, activityIDs: $activities}) {
    evaluation { id result total activities { id title status } }
    recordGaps { field message }
  }
}`
	citizenFollowQ = `query MyTitle($campaign: ID!) {
  me {
    learningUnit {
      registration(campaignID: $campaign, title: LEARNING_CITIZEN) {
        id status result score
        evaluations { kind result total createdAt activities { id title status } }
        decision { number date signer }
      }
    }
  }
}`
	officerRecordsQ = `query CommuneRecords($commune: ID!, $year: Int!) {
  learningUnits(first: 50, where: {kind: CITIZEN, hasAdminUnitWith: [{or: [{id: $commune}, {hasParentWith: [{id: $commune}]}]}]}) {
    edges { node { id name recordSummary(year: $year) { completeness verified pending rejected undocumented hasAccount } } }
  }
  learningActivities(first: 20, where: {status: PENDING}) {
    totalCount
    edges { node { id title startedOn hours citizen { id name } } }
  }
}`
	officerFinalM = `mutation Final($registration: ID!, $scores: [ScoreInput!]!, $activities: [ID!]) {
  evaluate(input: {registrationID: $registration, kind: FINAL, scores: $scores, activityIDs: $activities}) {
    evaluation { result total activities { id } }
    registration { status result record { verified verifiedHours } }
  }
}`
)

// TestDemoCitizenRecord follows the README's citizen flow on the demo: the
// CITIZEN "congdan" finds their record (verified, pending), the current
// campaign and its record rule, their registration with a self-assessment
// citing verified activities; the commune officer sees the village's
// records at every stage and the queue, and a FINAL evaluation citing the
// verified activities passes.
func TestDemoCitizenRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := demo.Load(ctxTimeout(t), db, demo.Options{Scale: 0.0005, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := newAPI(t, db, nil)
		token := map[string]string{}
		for _, acc := range res.Accounts {
			if acc.Username == "congdan" || acc.Username == "canbo" {
				token[acc.Username] = a.login(t, acc.Username, acc.Password).AccessToken
			}
		}
		run := func(user, q string, vars map[string]any, out any) {
			t.Helper()
			a.exec(nil, token[user], q, vars, nil).decode(t, out)
		}
		var home struct {
			Me struct {
				LearningUnit struct {
					ID            string
					RecordSummary struct {
						Year, Verified, Pending int
						Activities              []struct{ ID, Status string }
					}
				}
			}
			CurrentCampaign struct {
				ID           string
				Year         int
				Phase        string
				CriteriaSets []struct {
					Title    string
					Criteria []struct {
						Code   string
						Record *struct{ MinActivities int }
					}
				}
			}
		}
		run("congdan", citizenHomeQ, nil, &home)
		camp := home.CurrentCampaign
		if camp.Phase != "EVALUATION" {
			t.Fatalf("current campaign: %+v", camp)
		}
		rule := false
		for _, s := range camp.CriteriaSets {
			for _, c := range s.Criteria {
				rule = rule || s.Title == "LEARNING_CITIZEN" && c.Code == "TC2" && c.Record != nil && c.Record.MinActivities == 1
			}
		}
		if !rule {
			t.Fatalf("the campaign's TC2 of LEARNING_CITIZEN asks nothing of the record")
		}
		rec := home.Me.LearningUnit.RecordSummary
		if rec.Verified < 1 || rec.Pending < 1 {
			t.Fatalf("the demo citizen's record this year: %+v", rec)
		}
		// The README's year is the campaign's; recordSummary's default is
		// today's, which the demo's dates follow only in 2026.
		var follow struct {
			Me struct {
				LearningUnit struct {
					Registration *struct {
						ID, Status  string
						Evaluations []struct {
							Kind       string
							Activities []struct{ ID, Status string }
						}
					}
				}
			}
		}
		run("congdan", citizenFollowQ, map[string]any{"campaign": camp.ID}, &follow)
		reg := follow.Me.LearningUnit.Registration
		if reg == nil || reg.Status != "REGISTERED" || len(reg.Evaluations) != 1 || reg.Evaluations[0].Kind != "SELF" {
			t.Fatalf("the demo citizen's registration: %+v", reg)
		}
		var cited []string
		for _, act := range reg.Evaluations[0].Activities {
			if act.Status != "VERIFIED" {
				t.Fatalf("the self-assessment cites a %s activity", act.Status)
			}
			cited = append(cited, act.ID)
		}
		if len(cited) == 0 {
			t.Fatal("the self-assessment cites nothing")
		}

		// The officer: the commune's records at every stage, the queue.
		off := db.User.Query().Where(user.Username("canbo")).OnlyX(systemCtx())
		var view struct {
			LearningUnits struct {
				Edges []struct {
					Node struct {
						RecordSummary struct {
							Verified, Pending, Rejected int
							Completeness                float64
						}
					}
				}
			}
			LearningActivities struct{ TotalCount int }
		}
		run("canbo", officerRecordsQ, map[string]any{"commune": id(off.ScopeID), "year": camp.Year}, &view)
		stages := map[string]bool{}
		for _, e := range view.LearningUnits.Edges {
			s := e.Node.RecordSummary
			stages["none"] = stages["none"] || s.Verified+s.Pending+s.Rejected == 0
			stages["pending"] = stages["pending"] || s.Pending > 0
			stages["verified"] = stages["verified"] || s.Verified > 0
			stages["rejected"] = stages["rejected"] || s.Rejected > 0
		}
		if len(stages) != 4 || slices.Contains([]bool{stages["none"], stages["pending"], stages["verified"], stages["rejected"]}, false) {
			t.Fatalf("record stages on the officer's page: %v", stages)
		}
		if view.LearningActivities.TotalCount < 2 {
			t.Fatalf("the commune's queue holds %d activities", view.LearningActivities.TotalCount)
		}
		var final struct {
			Evaluate struct {
				Evaluation   struct{ Result string }
				Registration struct {
					Status, Result string
					Record         struct{ Verified int }
				}
			}
		}
		run("canbo", officerFinalM, map[string]any{"registration": reg.ID, "scores": citizenScores(32), "activities": cited}, &final)
		if e := final.Evaluate; e.Evaluation.Result != "PASSED" || e.Registration.Status != "EVALUATED" || e.Registration.Record.Verified < 1 {
			t.Fatalf("the officer's FINAL: %+v", e)
		}
	})
}

// TestRegistrationRecordStatements: officers evaluate a page of
// LEARNING_CITIZEN registrations with each citizen's record in view, at the
// same cost for 6 registrations as for 50.
func TestRegistrationRecordStatements(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		counts := map[int]int{}
		for _, households := range []int{3, 25} {
			opts, counter := dbtest.Counting()
			db := open(opts)
			fx := fixture.Build(t, db.Client, fixture.Options{Households: households})
			a := newAPI(t, db, fx)
			camp := campaignIn(t, a, "REGISTRATION")
			citizens := citizensOf(t, db, fx.V1a)
			for i, c := range citizens {
				db.Registration.Create().SetCampaignID(mustAtoi(t, camp)).SetLearningUnitID(c.ID).SetTitle("LEARNING_CITIZEN").
					SetAdminUnitID(c.AdminUnitID).SetAdminPath(c.AdminPath).ExecX(systemCtx())
				if i%2 == 0 {
					addActivity(t, db, c.ID, activity{status: learningactivity.StatusVERIFIED, start: "2021-02-01", hours: 4})
				}
			}
			var page struct {
				Registrations struct {
					Edges []struct {
						Node struct {
							LearningUnit struct{ ID string }
							Record       struct {
								Year, Verified int
								Activities     []struct{ ID string }
							}
						}
					}
				}
			}
			counter.Reset()
			a.must(t, "officer", `{ registrations(first: 100, where: {title: LEARNING_CITIZEN}) { edges { node {
				learningUnit { id } record { year verified activities { id } } } } } }`, nil, &page)
			counts[len(citizens)] = counter.Count()
			if len(page.Registrations.Edges) != len(citizens) {
				t.Fatalf("%d registrations, want %d", len(page.Registrations.Edges), len(citizens))
			}
			verified := 0
			for _, e := range page.Registrations.Edges {
				r := e.Node.Record
				if r.Year != 2021 || r.Verified != len(r.Activities) {
					t.Fatalf("record of %s: %+v", e.Node.LearningUnit.ID, r)
				}
				verified += r.Verified
			}
			if want := (len(citizens) + 1) / 2; verified != want {
				t.Fatalf("%d verified activities on the page, want %d", verified, want)
			}
		}
		if counts[6] != counts[50] {
			t.Fatalf("statements: %d for 6 registrations, %d for 50; want the same", counts[6], counts[50])
		}
		t.Logf("a page of registrations with their records: %d statements", counts[6])
	})
}
