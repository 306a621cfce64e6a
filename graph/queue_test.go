package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

const applyChangesM = `mutation($ops: [ChangeOperation!]!) { applyChanges(input: {operations: $ops}) { results {
	opID status error { code field message }
	node { __typename id ... on LearningUnit { name phone version clientID parent { id } }
	       ... on Registration { status version clientID learningUnit { id } }
	       ... on Evaluation { clientID registration { id } } }
} } }`

type changeResult struct {
	OpID   string
	Status string
	Error  *struct{ Code, Field, Message string }
	Node   *struct {
		Typename     string `json:"__typename"`
		ID           string
		Name, Phone  string
		Version      int
		ClientID     string
		Status       string
		Parent       *struct{ ID string }
		LearningUnit *struct{ ID string }
		Registration *struct{ ID string }
	}
}

func (a *api) applyChanges(t *testing.T, user string, ops []map[string]any, header http.Header) []changeResult {
	t.Helper()
	r := a.exec(a.fx.Viewer(user), "", applyChangesM, m("ops", ops), header)
	var out struct {
		ApplyChanges struct{ Results []changeResult }
	}
	r.decode(t, &out)
	if len(out.ApplyChanges.Results) != len(ops) {
		t.Fatalf("%d results for %d operations", len(out.ApplyChanges.Results), len(ops))
	}
	return out.ApplyChanges.Results
}

// TestApplyChanges sends an officer's offline queue: new households, a
// member and a registration naming the new household by its clientID, an
// evaluation naming that registration, an update based on a version
// someone else changed meanwhile, and a malformed operation in the middle.
// Each gets its own answer and the bad one loses nothing of the others.
// The same queue sent again (its answer lost) changes nothing: every
// applied operation is ALREADY_APPLIED, the conflict and the refusal come
// back the same, and the database is as the first call left it.
func TestApplyChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 2})
		a := newAPI(t, db, fx)
		camp := campaignIn(t, a, "REGISTRATION")
		a.must(t, "manager", `mutation($c: ID!) { updateCampaign(input: {id: $c, allowLateRegistration: true}) { campaign { id } } }`, m("c", camp), nil)
		a.must(t, "manager", advanceM, m("c", camp, "f", "REGISTRATION"), nil)

		// Someone else changed the household the app edited offline.
		old := fx.Households[fx.V1a.Code][0]
		a.must(t, "officer", `mutation($id: ID!, $v: Int) { updateLearningUnit(input: {id: $id, expectedVersion: $v, phone: "0911111111"}) { learningUnit { id } } }`,
			m("id", id(old.ID), "v", old.Version), nil)

		hh, member, reg, ev := newClientID(t), newClientID(t), newClientID(t), newClientID(t)
		ops := []map[string]any{
			{"opID": "hh", "createLearningUnit": m("clientID", hh, "kind", "HOUSEHOLD", "name", "Hộ Lê Văn Mới", "adminUnitID", id(fx.V1a.ID))},
			{"opID": "member", "createLearningUnit": m("clientID", member, "kind", "CITIZEN", "name", "Lê Văn Mới", "adminUnitID", id(fx.V1a.ID), "parentClientID", hh)},
			{"opID": "reg", "register": m("clientID", reg, "campaignID", camp, "learningUnitClientID", hh, "title", "LEARNING_FAMILY")},
			{"opID": "two", "archiveLearningUnit": m("id", id(old.ID)), "withdrawRegistration": m("clientID", reg, "reason", "Nhầm")},
			{"opID": "gone", "archiveLearningUnit": m("id", "999999")},
			{"opID": "ev", "evaluate": m("clientID", ev, "registrationClientID", reg, "kind", "FINAL", "scores", familyScores(true))},
			{"opID": "stale", "updateLearningUnit": m("id", id(old.ID), "expectedVersion", old.Version, "phone", "0922222222")},
			{"opID": "edit", "updateLearningUnit": m("clientID", hh, "expectedVersion", 1, "phone", "0933333333")},
		}
		type want struct {
			status, code, field string
		}
		first := map[string]want{
			"hh": {"APPLIED", "", ""}, "member": {"APPLIED", "", ""}, "reg": {"APPLIED", "", ""},
			"two":  {"REFUSED", "BAD_USER_INPUT", "operations.3.withdrawRegistration"},
			"gone": {"REFUSED", "NOT_FOUND", "id"},
			"ev":   {"APPLIED", "", ""}, "stale": {"CONFLICT", "CONFLICT", "expectedVersion"}, "edit": {"APPLIED", "", ""},
		}
		check := func(t *testing.T, results []changeResult, wants map[string]want) map[string]changeResult {
			t.Helper()
			byOp := map[string]changeResult{}
			for i, r := range results {
				if r.OpID != ops[i]["opID"] {
					t.Errorf("result %d is for %q, want %q", i, r.OpID, ops[i]["opID"])
				}
				byOp[r.OpID] = r
				w := wants[r.OpID]
				got := want{status: r.Status}
				if r.Error != nil {
					got.code, got.field = r.Error.Code, r.Error.Field
					if r.Error.Message == "" {
						t.Errorf("%s: no message", r.OpID)
					}
				}
				if got != w {
					t.Errorf("%s: got %+v, want %+v", r.OpID, got, w)
				}
				if (r.Status == "REFUSED") != (r.Node == nil) {
					t.Errorf("%s: %s with node %+v", r.OpID, r.Status, r.Node)
				}
			}
			return byOp
		}
		res := check(t, a.applyChanges(t, "officer", ops, nil), first)
		if t.Failed() {
			t.FailNow()
		}
		hhID := res["hh"].Node.ID
		if p := res["member"].Node.Parent; p == nil || p.ID != hhID {
			t.Errorf("member's parent is %+v, want the new household %s", p, hhID)
		}
		if u := res["reg"].Node.LearningUnit; u == nil || u.ID != hhID {
			t.Errorf("registration of %+v, want the new household %s", u, hhID)
		}
		if r := res["ev"].Node.Registration; r == nil || r.ID != res["reg"].Node.ID {
			t.Errorf("evaluation of %+v, want the registration %s", r, res["reg"].Node.ID)
		}
		if n := res["stale"].Node; n.ID != id(old.ID) || n.Phone != "0911111111" || n.Version != old.Version+1 {
			t.Errorf("conflict answers %+v, want the server's version %d with phone 0911111111", n, old.Version+1)
		}
		if n := res["edit"].Node; n.Phone != "0933333333" || n.Version != 2 {
			t.Errorf("edit answers %+v, want version 2 with the new phone", n)
		}
		// What was applied was kept, the refused ones changed nothing.
		var st struct {
			Node struct {
				Status string
				Result *string
			}
		}
		a.must(t, "officer", `query($id: ID!) { node(id: $id) { ... on Registration { status result } } }`, m("id", res["reg"].Node.ID), &st)
		if st.Node.Status != "EVALUATED" || st.Node.Result == nil || *st.Node.Result != "PASSED" {
			t.Errorf("registration is %+v, want EVALUATED and PASSED", st.Node)
		}
		lu, err := db.LearningUnit.Get(systemCtx(), old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lu.ArchivedAt != nil || lu.Phone != "0911111111" {
			t.Errorf("the household in conflict is %+v, want unchanged", lu)
		}

		before := dbtest.QueueSnapshot(t, db)
		again := map[string]want{}
		for op, w := range first {
			if w.status == "APPLIED" {
				w.status = "ALREADY_APPLIED"
			}
			again[op] = w
		}
		res2 := check(t, a.applyChanges(t, "officer", ops, nil), again)
		for op, r := range res {
			if r.Node != nil && (res2[op].Node == nil || res2[op].Node.ID != r.Node.ID) {
				t.Errorf("%s: replay answers %+v, want %s", op, res2[op].Node, r.Node.ID)
			}
		}
		if after := dbtest.QueueSnapshot(t, db); after != before {
			t.Errorf("the replay changed the database:\nbefore %s\nafter  %s", before, after)
		}

		// A later queue names what the first one made by client id: the
		// registration withdrawn, the member archived; sent twice, the
		// second time changes nothing.
		ops = []map[string]any{
			{"opID": "withdraw", "withdrawRegistration": m("clientID", reg, "reason", "Hộ chuyển đi", "expectedVersion", res2["reg"].Node.Version)},
			{"opID": "archive", "archiveLearningUnit": m("clientID", member)},
		}
		later := check(t, a.applyChanges(t, "officer", ops, nil), map[string]want{"withdraw": {"APPLIED", "", ""}, "archive": {"APPLIED", "", ""}})
		if n := later["withdraw"].Node; n.ID != res["reg"].Node.ID || n.Status != "WITHDRAWN" {
			t.Errorf("withdraw answers %+v, want registration %s WITHDRAWN", n, res["reg"].Node.ID)
		}
		before = dbtest.QueueSnapshot(t, db)
		check(t, a.applyChanges(t, "officer", ops, nil), map[string]want{"withdraw": {"ALREADY_APPLIED", "", ""}, "archive": {"ALREADY_APPLIED", "", ""}})
		if after := dbtest.QueueSnapshot(t, db); after != before {
			t.Errorf("the replay changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestApplyChangesLimits: a queue is 1 to 500 operations; each operation
// keeps to its own mutation's scope and input checks, and its refusal is in
// the request's language.
func TestApplyChangesLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		for _, n := range []int{0, 501} {
			ops := make([]map[string]any, n)
			for i := range ops {
				ops[i] = map[string]any{"opID": fmt.Sprint(i), "archiveLearningUnit": m("id", "999999")}
			}
			a.fails(t, "officer", "BAD_USER_INPUT", "operations", applyChangesM, m("ops", ops))
		}
		// Another commune's household is out of the officer's scope (FORBIDDEN,
		// as updateLearningUnit says); a
		// client id that is not a UUID is the caller's mistake. The
		// messages follow Accept-Language.
		other := fx.Households[fx.V2a.Code][0]
		ops := []map[string]any{
			{"opID": "out", "updateLearningUnit": m("id", id(other.ID), "phone", "0944444444")},
			{"opID": "bad", "register": m("campaignID", "1", "learningUnitClientID", "không-phải-uuid", "title", "LEARNING_FAMILY")},
			{"opID": "none"},
		}
		en := a.applyChanges(t, "officer", ops, http.Header{"Accept-Language": {"en"}})
		vi := a.applyChanges(t, "officer", ops, nil)
		for i, w := range []struct{ code, field string }{{"FORBIDDEN", "id"}, {"BAD_USER_INPUT", "learningUnitClientID"}, {"BAD_USER_INPUT", "operations.2"}} {
			for _, r := range []changeResult{en[i], vi[i]} {
				if r.Status != "REFUSED" || r.Error == nil || r.Error.Code != w.code || r.Error.Field != w.field {
					t.Errorf("%s: got %s %+v, want REFUSED %s on %s", r.OpID, r.Status, r.Error, w.code, w.field)
				}
			}
			if en[i].Error != nil && vi[i].Error != nil && (en[i].Error.Message == vi[i].Error.Message || strings.ContainsAny(en[i].Error.Message, "ảờệ")) {
				t.Errorf("%s: English %q, Vietnamese %q", en[i].OpID, en[i].Error.Message, vi[i].Error.Message)
			}
		}
	})
}
