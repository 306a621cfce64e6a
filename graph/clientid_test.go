package graph_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/ent/reorganisation"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// newClientID is a UUID as an app makes one (version 4).
func newClientID(t testing.TB) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// clientCreate is a create mutation that takes a clientID: how to prepare
// what it needs, the inputs to send, and how to count the rows it made.
type clientCreate struct {
	mutation, payload, user, doc string
	// prepare readies the database and returns the input of the n-th
	// distinct create (0, 1, …) and one for a different create.
	prepare func(t *testing.T, a *api) (input func(n int) map[string]any, different map[string]any)
	// count counts the rows of the type, and those with a client id.
	count func(db *store.DB, clientID *string) (int, error)
}

var clientCreates = []clientCreate{
	{
		mutation: "createLearningUnit", payload: "learningUnit", user: "officer",
		doc: `mutation($in: CreateLearningUnitInput!) { createLearningUnit(input: $in) { learningUnit { id clientID } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			in := func(n int) map[string]any {
				return m("kind", "HOUSEHOLD", "name", fmt.Sprintf("Hộ Nguyễn Văn Khách %d", n), "adminUnitID", id(a.fx.V1a.ID))
			}
			return in, m("kind", "HOUSEHOLD", "name", "Hộ khác", "adminUnitID", id(a.fx.V1a.ID))
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.LearningUnit.Query()
			if c != nil {
				q.Where(learningunit.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "createAdminUnit", payload: "adminUnit", user: "manager",
		doc: `mutation($in: CreateAdminUnitInput!) { createAdminUnit(input: $in) { adminUnit { id clientID } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			in := func(n int) map[string]any {
				return m("parentID", id(a.fx.C1.ID), "level", "VILLAGE", "code", fmt.Sprintf("KH%d", n), "name", fmt.Sprintf("Thôn Khách %d", n), "type", "Thôn")
			}
			return in, m("parentID", id(a.fx.C1.ID), "level", "VILLAGE", "code", "KHX", "name", "Thôn Khác", "type", "Thôn")
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.AdminUnit.Query()
			if c != nil {
				q.Where(adminunit.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "createCampaign", payload: "campaign", user: "manager",
		doc: `mutation($in: CreateCampaignInput!) { createCampaign(input: $in) { campaign { id clientID } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			in := func(n int) map[string]any { return m("provinceID", id(a.fx.P1.ID), "year", 2031+n) }
			return in, m("provinceID", id(a.fx.P1.ID), "year", 2040)
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.Campaign.Query()
			if c != nil {
				q.Where(campaign.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "createUser", payload: "user", user: "manager",
		doc: `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id clientID } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			in := func(n int) map[string]any {
				return m("username", fmt.Sprintf("khach%d", n), "fullName", "Trần Thị Khách", "password", "Mat-khau-moi-2024", "role", "OFFICER", "scopeID", id(a.fx.C1.ID))
			}
			return in, m("username", "khac", "fullName", "Trần Thị Khác", "password", "Mat-khau-moi-2024", "role", "OFFICER", "scopeID", id(a.fx.C1.ID))
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.User.Query()
			if c != nil {
				q.Where(user.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "register", payload: "registration", user: "officer",
		doc: `mutation($in: RegisterInput!) { register(input: $in) { registration { id clientID } learningUnit { id } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			camp := campaignIn(t, a, "REGISTRATION")
			hh := a.fx.Households[a.fx.V1a.Code]
			in := func(n int) map[string]any {
				return m("campaignID", camp, "learningUnitID", id(hh[n].ID), "title", "LEARNING_FAMILY")
			}
			return in, in(len(hh) - 1)
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.Registration.Query()
			if c != nil {
				q.Where(registration.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "evaluate", payload: "evaluation", user: "officer",
		doc: `mutation($in: EvaluateInput!) { evaluate(input: $in) { evaluation { id clientID } registration { id status } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			regs := registered(t, a, 3)
			a.must(t, "manager", advanceM, m("c", regs.campaign, "f", "REGISTRATION"), nil)
			in := func(n int) map[string]any {
				return m("registrationID", regs.ids[n], "kind", "FINAL", "scores", familyScores(true))
			}
			return in, m("registrationID", regs.ids[0], "kind", "FINAL", "scores", familyScores(false))
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.Evaluation.Query()
			if c != nil {
				q.Where(evaluation.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "recognize", payload: "decision", user: "officer",
		doc: `mutation($in: RecognizeInput!) { recognize(input: $in) { decision { id clientID } registrations { id status } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			regs := registered(t, a, 5)
			a.must(t, "manager", advanceM, m("c", regs.campaign, "f", "REGISTRATION"), nil)
			for _, r := range regs.ids {
				a.must(t, "officer", evaluateM, m("r", r, "k", "FINAL", "s", familyScores(true)), nil)
			}
			a.must(t, "manager", advanceM, m("c", regs.campaign, "f", "EVALUATION"), nil)
			decide := func(number string, ids ...string) map[string]any {
				return m("registrationIDs", ids, "number", number, "date", "2021-12-10T00:00:00Z", "signer", "Chủ tịch UBND xã")
			}
			in := func(n int) map[string]any {
				return decide(fmt.Sprintf("%d/QĐ-UBND", n+1), regs.ids[2*n], regs.ids[2*n+1])
			}
			return in, decide("9/QĐ-UBND", regs.ids[4])
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.Decision.Query()
			if c != nil {
				q.Where(decision.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
	{
		mutation: "planReorganisation", payload: "plan.reorganisation", user: "admin",
		doc: `mutation($in: PlanReorganisationInput!) { planReorganisation(input: $in) { plan { reorganisation { id clientID } } } }`,
		prepare: func(t *testing.T, a *api) (func(int) map[string]any, map[string]any) {
			decide := func(number string) map[string]any {
				return m("number", number, "title", "Sáp nhập Thôn Đông vào Thôn Tây", "signedOn", "2025-06-12T00:00:00Z",
					"effectiveOn", "2025-07-01T00:00:00Z", "changes", []map[string]any{})
			}
			in := func(n int) map[string]any { return decide(fmt.Sprintf("%d/NQ-HĐND", n+1)) }
			return in, decide("9/NQ-HĐND")
		},
		count: func(db *store.DB, c *string) (int, error) {
			q := db.Reorganisation.Query()
			if c != nil {
				q.Where(reorganisation.ClientID(*c))
			}
			return q.Count(systemCtx())
		},
	},
}

// registrations are households of V1a registered in a campaign of P1.
type registrations struct {
	campaign string
	ids      []string
}

func registered(t *testing.T, a *api, n int) registrations {
	t.Helper()
	out := registrations{campaign: campaignIn(t, a, "REGISTRATION")}
	for _, h := range a.fx.Households[a.fx.V1a.Code][:n] {
		var r struct {
			Register struct{ Registration struct{ ID string } }
		}
		a.must(t, "officer", registerM, m("c", out.campaign, "u", id(h.ID), "t", "LEARNING_FAMILY"), &r)
		out.ids = append(out.ids, r.Register.Registration.ID)
	}
	return out
}

// madeID is the id of the object a create answered, "" when it failed.
func madeID(t *testing.T, r response, mutation, payload string) string {
	t.Helper()
	if len(r.Errors) > 0 {
		return ""
	}
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
	obj := data[mutation]
	for _, f := range strings.Split(payload, ".") {
		o, _ := obj.(map[string]any)
		obj = o[f]
	}
	made, _ := obj.(map[string]any)
	id, _ := made["id"].(string)
	return id
}

// merge is the fields of several input objects as one.
func merge(ins ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, in := range ins {
		maps.Copy(out, in)
	}
	return out
}

func withClientID(in map[string]any, clientID string) map[string]any {
	out := maps.Clone(in)
	out["clientID"] = clientID
	return out
}

// TestCreateWithClientID: every create that takes a clientID makes one
// object however often it is sent, one after the other or all at once, and
// answers that object each time; the id sent with another input, or by
// another user, is CONFLICT on clientID; an id that is not a UUID is
// BAD_USER_INPUT on clientID; without one, each create makes its object.
func TestCreateWithClientID(t *testing.T) {
	for _, tc := range clientCreates {
		t.Run(tc.mutation, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *store.DB) {
				fx := fixture.Build(t, db.Client, fixture.Options{Households: 6})
				a := newAPI(t, db, fx)
				input, different := tc.prepare(t, a)
				count := func(clientID *string) int {
					t.Helper()
					n, err := tc.count(db, clientID)
					if err != nil {
						t.Fatal(err)
					}
					return n
				}
				before := count(nil)

				// Resent five times, as an app whose answers were lost.
				clientID := newClientID(t)
				var first string
				for i := range 5 {
					cid := clientID
					if i == 3 {
						cid = strings.ToUpper(clientID) // the same UUID
					}
					r := a.as(tc.user, tc.doc, m("in", withClientID(input(0), cid)))
					got := madeID(t, r, tc.mutation, tc.payload)
					if got == "" {
						t.Fatalf("send %d: %s on %q: %+v", i+1, r.code(), r.field(), r.Errors)
					}
					if first == "" {
						first = got
					} else if got != first {
						t.Fatalf("send %d answered %s, the first %s", i+1, got, first)
					}
				}
				if n := count(&clientID); n != 1 {
					t.Fatalf("%d rows with the client id after 5 sends, want 1", n)
				}
				if n := count(nil); n != before+1 {
					t.Fatalf("%d rows after 5 sends, %d before: want one more", n, before)
				}

				// The same id for something else, or from someone else.
				a.fails(t, tc.user, "CONFLICT", "clientID", tc.doc, m("in", withClientID(different, clientID)))
				if tc.user != "admin" { // the fixture's one ADMIN is the only other who may
					a.fails(t, "admin", "CONFLICT", "clientID", tc.doc, m("in", withClientID(input(0), clientID)))
				}
				a.fails(t, tc.user, "BAD_USER_INPUT", "clientID", tc.doc, m("in", withClientID(different, "not-a-uuid")))
				// A role that may not create is told so first.
				a.fails(t, "viewer", "FORBIDDEN", "", tc.doc, m("in", withClientID(different, "not-a-uuid")))
				a.fails(t, "viewer", "FORBIDDEN", "", tc.doc, m("in", withClientID(input(0), clientID)))

				// Sent four times at once: one object, the same answer.
				clientID2 := newClientID(t)
				results := race(a, 4, tc.user, tc.doc, func(int) map[string]any { return m("in", withClientID(input(1), clientID2)) })
				var made string
				for i, r := range results {
					got := madeID(t, r, tc.mutation, tc.payload)
					switch {
					case got == "":
						t.Errorf("concurrent send %d: %s on %q: %+v", i+1, r.code(), r.field(), r.Errors)
					case made == "":
						made = got
					case got != made:
						t.Errorf("concurrent send %d answered %s, another %s", i+1, got, made)
					}
				}
				if n := count(&clientID2); n != 1 {
					t.Fatalf("%d rows with the client id after 4 concurrent sends, want 1", n)
				}
				if n := count(nil); n != before+2 {
					t.Fatalf("%d rows after the concurrent sends, %d before: want two more in all", n, before)
				}

				// Without a client id the different create is made.
				a.must(t, tc.user, tc.doc, m("in", different), nil)
				if n := count(nil); n != before+3 {
					t.Fatalf("%d rows after a create without a client id, %d before: want three more in all", n, before)
				}
			})
		})
	}
}

// TestUpdateReplay: an update sent again after it was applied (its answer
// lost) is recognised by its changes, which the object already holds, and
// answered with the object as it is, not CONFLICT and not a second change;
// a different change based on the same old version is CONFLICT on
// expectedVersion. Archiving again answers the archived unit.
func TestUpdateReplay(t *testing.T) {
	const (
		updateM  = `mutation($in: UpdateLearningUnitInput!) { updateLearningUnit(input: $in) { learningUnit { id name phone version } } }`
		archiveM = `mutation($in: ArchiveLearningUnitInput!) { archiveLearningUnit(input: $in) { learningUnit { id archivedAt version } } }`
	)
	type unit struct {
		ID, Name, Phone, ArchivedAt string
		Version                     int
	}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		h := fx.Households[fx.V1a.Code][0]
		change := m("id", id(h.ID), "expectedVersion", h.Version, "name", "Hộ Lê Văn Đổi", "phone", "0912345678")
		var first, again struct {
			UpdateLearningUnit struct{ LearningUnit unit }
		}
		a.must(t, "officer", updateM, m("in", change), &first)
		if u := first.UpdateLearningUnit.LearningUnit; u.Version != h.Version+1 || u.Name != "Hộ Lê Văn Đổi" {
			t.Fatalf("first update: %+v", u)
		}
		for range 3 {
			a.must(t, "officer", updateM, m("in", change), &again)
			if again.UpdateLearningUnit.LearningUnit != first.UpdateLearningUnit.LearningUnit {
				t.Fatalf("replay answered %+v, the update %+v", again.UpdateLearningUnit.LearningUnit, first.UpdateLearningUnit.LearningUnit)
			}
		}
		stored, err := db.LearningUnit.Get(systemCtx(), h.ID)
		if err != nil || stored.Version != h.Version+1 {
			t.Fatalf("after the replays: version %d (%v), want %d", stored.Version, err, h.Version+1)
		}
		// Not the same change: someone else's, or a part of it only.
		for _, other := range []map[string]any{
			with(change, "name", "Hộ Lê Văn Khác"),
			with(change, "address", "Thôn Đông"),
			with(change, "clearPhone", true, "phone", nil),
		} {
			a.fails(t, "officer", "CONFLICT", "expectedVersion", updateM, m("in", other))
		}

		archive := m("id", id(h.ID), "expectedVersion", h.Version+1)
		var archived, rearchived struct {
			ArchiveLearningUnit struct{ LearningUnit unit }
		}
		a.must(t, "officer", archiveM, m("in", archive), &archived)
		a.must(t, "officer", archiveM, m("in", archive), &rearchived)
		if archived.ArchiveLearningUnit.LearningUnit.ArchivedAt == "" || rearchived.ArchiveLearningUnit.LearningUnit != archived.ArchiveLearningUnit.LearningUnit {
			t.Fatalf("archive %+v, again %+v", archived.ArchiveLearningUnit.LearningUnit, rearchived.ArchiveLearningUnit.LearningUnit)
		}
	})
}

// TestTransitionReplay: a phase change or a registration's ending sent again
// with the expectedVersion it was based on, after it was applied, answers
// the object as it is; sent four times at once it moves the campaign once
// and every caller is answered. Without expectedVersion the repeat is still
// CONFLICT on from, and another ending of the same registration is refused.
func TestTransitionReplay(t *testing.T) {
	const (
		advance = `mutation($c: ID!, $f: CampaignPhase!, $v: Int) { advanceCampaign(input: {id: $c, from: $f, expectedVersion: $v}) { campaign { phase version } } }`
		reject  = `mutation($r: ID!, $why: String!, $v: Int) { rejectRegistration(input: {id: $r, reason: $why, expectedVersion: $v}) { registration { status reason version } } }`
	)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "PLANNING")
		campaignVersion := func() int {
			t.Helper()
			c, err := db.Campaign.Query().Only(systemCtx())
			if err != nil {
				t.Fatal(err)
			}
			return c.Version
		}
		v := campaignVersion()
		results := race(a, 4, "manager", advance, func(int) map[string]any { return m("c", camp, "f", "PLANNING", "v", v) })
		for i, r := range results {
			var out struct {
				AdvanceCampaign struct{ Campaign struct{ Phase string } }
			}
			r.decode(t, &out)
			if out.AdvanceCampaign.Campaign.Phase != "REGISTRATION" {
				t.Errorf("caller %d: phase %s", i+1, out.AdvanceCampaign.Campaign.Phase)
			}
		}
		if got := campaignVersion(); got != v+1 {
			t.Fatalf("campaign at version %d after the advances, want %d", got, v+1)
		}
		a.must(t, "manager", advance, m("c", camp, "f", "PLANNING", "v", v), nil)
		a.fails(t, "manager", "CONFLICT", "from", advance, m("c", camp, "f", "PLANNING"))
		var audit struct{ AuditLogs struct{ TotalCount int } }
		a.must(t, "manager", `{ auditLogs(where: {action: "campaign.advance"}) { totalCount } }`, nil, &audit)
		if audit.AuditLogs.TotalCount != 1 {
			t.Fatalf("%d advances audited, want 1", audit.AuditLogs.TotalCount)
		}

		regs := struct {
			Register struct{ Registration struct{ ID string } }
		}{}
		a.must(t, "officer", registerM, m("c", camp, "u", id(fx.Households[fx.V1a.Code][0].ID), "t", "LEARNING_FAMILY"), &regs)
		reg := regs.Register.Registration.ID
		rv := 1
		for range 2 {
			var out struct {
				RejectRegistration struct {
					Registration struct {
						Status, Reason string
						Version        int
					}
				}
			}
			a.must(t, "officer", reject, m("r", reg, "why", "Chưa đủ minh chứng", "v", rv), &out)
			if got := out.RejectRegistration.Registration; got.Status != "REJECTED" || got.Version != rv+1 {
				t.Fatalf("rejected: %+v", got)
			}
		}
		if r := a.as("officer", reject, m("r", reg, "why", "Lý do khác", "v", rv)); r.code() == "" {
			t.Fatalf("another reason for a rejected registration was accepted: %s", r.Data)
		}
	})
}

// TestUpdatesRecogniseTheirReplay: every update sent again with the version
// it was based on, after it was applied, answers the object at the version
// it made, and changes nothing more; another change based on that version
// is CONFLICT on expectedVersion.
func TestUpdatesRecogniseTheirReplay(t *testing.T) {
	type target struct {
		id      string
		version int
	}
	for _, tc := range []struct {
		mutation, payload, user, doc string
		// prepare returns the object and its version, the change and
		// another one.
		prepare func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any)
	}{
		{
			"updateLearningUnit", "learningUnit", "officer",
			`mutation($in: UpdateLearningUnitInput!) { updateLearningUnit(input: $in) { learningUnit { id version } } }`,
			func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any) {
				h := a.fx.Households[a.fx.V1a.Code][0]
				return target{id(h.ID), h.Version}, m("memberCount", 5, "adultCount", 3), m("memberCount", 6)
			},
		},
		{
			"updateAdminUnit", "adminUnit", "manager",
			`mutation($in: UpdateAdminUnitInput!) { updateAdminUnit(input: $in) { adminUnit { id version } } }`,
			func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any) {
				return target{id(a.fx.V1a.ID), a.fx.V1a.Version}, m("name", "Thôn Đông Mới"), m("name", "Thôn Đông Khác")
			},
		},
		{
			"updateCampaign", "campaign", "manager",
			`mutation($in: UpdateCampaignInput!) { updateCampaign(input: $in) { campaign { id version } } }`,
			func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any) {
				camp := campaignIn(t, a, "PLANNING")
				c, err := db.Campaign.Query().Only(systemCtx())
				if err != nil {
					t.Fatal(err)
				}
				return target{camp, c.Version}, m("name", "Học tập suốt đời 2021", "allowLateRegistration", true), m("name", "Tên khác")
			},
		},
		{
			"updateUser", "user", "manager",
			`mutation($in: UpdateUserInput!) { updateUser(input: $in) { user { id version } } }`,
			func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any) {
				u := a.fx.Users["officer"]
				return target{id(u.ID), u.Version}, m("fullName", "Phạm Thị Đổi Tên"), m("fullName", "Phạm Thị Khác")
			},
		},
		{
			"updateNationalTarget", "nationalTarget", "admin",
			`mutation($in: UpdateNationalTargetInput!) { updateNationalTarget(input: $in) { nationalTarget { id version } } }`,
			func(t *testing.T, a *api, db *store.DB) (target, map[string]any, map[string]any) {
				n, err := db.NationalTarget.Query().First(systemCtx())
				if err != nil {
					t.Fatal(err)
				}
				return target{id(n.ID), n.Version}, m("rate", 0.75, "note", "Tỉnh đề nghị"), m("note", "Ghi chú khác")
			},
		},
	} {
		t.Run(tc.mutation, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *store.DB) {
				fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
				a := newAPI(t, db, fx)
				obj, change, other := tc.prepare(t, a, db)
				base := m("id", obj.id, "expectedVersion", obj.version)
				version := func(r response) int {
					t.Helper()
					var data map[string]map[string]struct{ Version int }
					r.decode(t, &data)
					return data[tc.mutation][tc.payload].Version
				}
				for i := range 3 {
					if got := version(a.as(tc.user, tc.doc, m("in", merge(change, base)))); got != obj.version+1 {
						t.Fatalf("send %d: version %d, want %d", i+1, got, obj.version+1)
					}
				}
				a.fails(t, tc.user, "CONFLICT", "expectedVersion", tc.doc, m("in", merge(other, base)))
				// The version after a replay is still the one change's.
				fresh := m("id", obj.id, "expectedVersion", obj.version+1)
				if got := version(a.as(tc.user, tc.doc, m("in", merge(other, fresh)))); got != obj.version+2 {
					t.Fatalf("a change on the current version made version %d, want %d", got, obj.version+2)
				}
			})
		})
	}
}

// TestClientIDOnlyForNewDecision: planReorganisation given the id of a
// decision replaces its changes, an update: a client id there is refused.
func TestClientIDOnlyForNewDecision(t *testing.T) {
	const plan = `mutation($in: PlanReorganisationInput!) { planReorganisation(input: $in) { plan { reorganisation { id } } } }`
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		in := m("number", "1/NQ-HĐND", "title", "Sáp nhập", "signedOn", "2025-06-12T00:00:00Z", "effectiveOn", "2025-07-01T00:00:00Z", "changes", []map[string]any{})
		var out struct {
			PlanReorganisation struct {
				Plan struct{ Reorganisation struct{ ID string } }
			}
		}
		a.must(t, "admin", plan, m("in", in), &out)
		again := merge(in, m("id", out.PlanReorganisation.Plan.Reorganisation.ID, "clientID", newClientID(t)))
		a.fails(t, "admin", "BAD_USER_INPUT", "clientID", plan, m("in", again))
	})
}
