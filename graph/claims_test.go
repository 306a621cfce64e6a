package graph_test

import (
	"sync"
	"testing"

	"hoctap/ent"
	"hoctap/ent/auditlog"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

const (
	issueMutation = `mutation($h: [ID!]) { issueInvitations(input: {householdIDs: $h}) { invitations { code household { id } } } }`
	claimMutation = `mutation($in: ClaimCitizenRecordInput!) { claimCitizenRecord(input: $in) { claimID status username } }`
	claimsQuery   = `query($s: CitizenClaimStatus) { citizenClaims(status: $s) { totalCount edges { node { id status fullName birthYear reason learningUnit { id } account { username } } } } }`
	claimPassword = "mai-tran-1990!"
)

// claimSetup gives the second household of village V1a (whose citizens
// have no account) a member with a known name and birth year, and an
// invitation code issued by the commune's officer.
type claimSetup struct {
	a        *api
	fx       *fixture.Fixture
	code     string
	record   *ent.LearningUnit
	neighbor *ent.LearningUnit // a citizen of another household
}

func newClaimSetup(t *testing.T, db *store.DB) *claimSetup {
	t.Helper()
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	hh := fx.Households[fx.V1a.Code][1]
	members, err := hh.QueryChildren().All(systemCtx())
	if err != nil || len(members) == 0 {
		t.Fatalf("members: %v", err)
	}
	record, err := members[0].Update().SetName("Trần Thị Mai").SetBirthYear(1990).Save(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	neighbor, err := fx.Households[fx.V1b.Code][0].QueryChildren().First(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		IssueInvitations struct {
			Invitations []struct {
				Code      string
				Household struct{ ID string }
			}
		}
	}
	a.as("officer", issueMutation, map[string]any{"h": []string{gid(hh.ID)}}).decode(t, &got)
	if n := len(got.IssueInvitations.Invitations); n != 1 || got.IssueInvitations.Invitations[0].Household.ID != gid(hh.ID) {
		t.Fatalf("issueInvitations = %+v", got)
	}
	return &claimSetup{a: a, fx: fx, code: got.IssueInvitations.Invitations[0].Code, record: record, neighbor: neighbor}
}

func (s *claimSetup) claim(code, name string, year int, username string) response {
	return s.a.as("", claimMutation, map[string]any{"in": map[string]any{
		"code": code, "fullName": name, "birthYear": year, "username": username, "password": claimPassword,
	}})
}

// pending returns the ids of the PENDING claims user sees.
func (s *claimSetup) pending(t *testing.T, user string) []string {
	t.Helper()
	var got struct {
		CitizenClaims struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.a.as(user, claimsQuery, map[string]any{"s": "PENDING"}).decode(t, &got)
	var ids []string
	for _, e := range got.CitizenClaims.Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

func TestClaimWrongDetailsTellNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		wrongs := []struct {
			name, code, fullName string
			year                 int
		}{
			{"wrong code", "AAAAA-AAAAA", "Trần Thị Mai", 1990},
			{"wrong name", s.code, "Trần Thị Lan", 1990},
			{"wrong year", s.code, "Trần Thị Mai", 1991},
			{"a neighbour's name", s.code, s.neighbor.Name, 1990},
		}
		var first gqlError
		for i, w := range wrongs {
			r := s.claim(w.code, w.fullName, w.year, "mai.tran")
			if len(r.Errors) != 1 || r.code() != "BAD_USER_INPUT" || r.field() != "" {
				t.Fatalf("%s: errors %+v, want one BAD_USER_INPUT naming no field", w.name, r.Errors)
			}
			if i == 0 {
				first = r.Errors[0]
			} else if r.Errors[0].Message != first.Message {
				t.Errorf("%s: message %q, want the same as a wrong code: %q", w.name, r.Errors[0].Message, first.Message)
			}
		}
		// Nothing was made: the username is still free, and the right
		// details (case, spacing and tone marks aside) claim the record.
		r := s.claim(" "+s.code[:5]+" "+s.code[6:]+" ", "tran  thi MAI", 1990, "mai.tran")
		var got struct {
			ClaimCitizenRecord struct{ ClaimID, Status, Username string }
		}
		r.decode(t, &got)
		if got.ClaimCitizenRecord.Status != "PENDING" || got.ClaimCitizenRecord.Username != "mai.tran" {
			t.Errorf("claim = %+v, want PENDING for mai.tran", got)
		}
	})
}

func TestClaimOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "" {
			t.Fatalf("first claim: %+v", r.Errors)
		}
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran2"); r.code() != "CONFLICT" {
			t.Errorf("second claim: %+v, want CONFLICT", r.Errors)
		}
		// The fixture's citizen account already holds its record.
		citizen, err := s.fx.Users["citizen"].QueryLearningUnit().Only(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := citizen.Update().SetBirthYear(1970).Save(systemCtx()); err != nil {
			t.Fatal(err)
		}
		var got struct {
			IssueInvitations struct{ Invitations []struct{ Code string } }
		}
		s.a.as("officer", issueMutation, map[string]any{"h": []string{gid(*citizen.ParentID)}}).decode(t, &got)
		if r := s.claim(got.IssueInvitations.Invitations[0].Code, citizen.Name, 1970, "someone.else"); r.code() != "CONFLICT" {
			t.Errorf("claim of a record with an account: %+v, want CONFLICT", r.Errors)
		}
	})
}

func TestClaimConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		const n = 4
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = s.claim(s.code, "Trần Thị Mai", 1990, "mai"+string(rune('a'+i))).code()
			}()
		}
		wg.Wait()
		won := 0
		for _, c := range codes {
			switch c {
			case "":
				won++
			case "CONFLICT":
			default:
				t.Errorf("a concurrent claim answered %s, want success or CONFLICT", c)
			}
		}
		if won != 1 {
			t.Errorf("%d claims won (%v), want 1", won, codes)
		}
		linked, err := db.Client.User.Query().Where(user.LearningUnitID(s.record.ID)).Count(systemCtx())
		if err != nil || linked != 1 {
			t.Errorf("accounts linked to the record = %d (%v), want 1", linked, err)
		}
		if ids := s.pending(t, "officer"); len(ids) != 1 {
			t.Errorf("pending claims = %v, want 1", ids)
		}
	})
}

func TestClaimThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		for i := range 5 {
			if r := s.claim(s.code, "Trần Thị Mai", 1980+i, "mai.tran"); r.code() != "BAD_USER_INPUT" {
				t.Fatalf("failure %d: %+v", i+1, r.Errors)
			}
		}
		// Past the limit even the right details are refused.
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "RATE_LIMITED" {
			t.Errorf("after 5 failures: %+v, want RATE_LIMITED", r.Errors)
		}
	})
}

func TestClaimDecided(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "" {
			t.Fatalf("claim: %+v", r.Errors)
		}
		// Pending: the account cannot sign in, and says why.
		r := s.a.exec(nil, "", loginMutation, map[string]any{"u": "mai.tran", "p": claimPassword}, nil)
		if r.code() != "UNAUTHENTICATED" || r.Errors[0].Message != "Yêu cầu đăng ký của bạn đang chờ cán bộ xã xác nhận." {
			t.Fatalf("pending login: %+v", r.Errors)
		}
		ids := s.pending(t, "officer")
		if len(ids) != 1 {
			t.Fatalf("officer's pending claims = %v, want 1", ids)
		}
		id := ids[0]
		// An officer of another commune neither sees it nor decides it (a
		// write out of scope is FORBIDDEN, API.md); nor
		// does a collaborator of the village.
		if got := s.pending(t, "officer2"); len(got) != 0 {
			t.Errorf("officer2 sees %v", got)
		}
		confirm := `mutation($id: ID!) { confirmClaim(input: {id: $id}) { claim { status account { username } } } }`
		for _, who := range []struct{ user, code string }{{"officer2", "FORBIDDEN"}, {"officer4", "FORBIDDEN"}, {"collaborator", "FORBIDDEN"}, {"citizen", "FORBIDDEN"}} {
			if r := s.a.as(who.user, confirm, map[string]any{"id": id}); r.code() != who.code {
				t.Errorf("%s confirms: %+v, want %s", who.user, r.Errors, who.code)
			}
		}
		if r := s.a.as("", confirm, map[string]any{"id": id}); r.code() != "UNAUTHENTICATED" {
			t.Errorf("anonymous confirms: %+v", r.Errors)
		}
		if got := s.pending(t, "officer"); len(got) != 1 {
			t.Fatalf("after refused attempts, pending = %v", got)
		}
		var done struct {
			ConfirmClaim struct {
				Claim struct {
					Status  string
					Account struct{ Username string }
				}
			}
		}
		s.a.as("officer", confirm, map[string]any{"id": id}).decode(t, &done)
		if done.ConfirmClaim.Claim.Status != "CONFIRMED" || done.ConfirmClaim.Claim.Account.Username != "mai.tran" {
			t.Errorf("confirmClaim = %+v", done)
		}
		if r := s.a.as("officer", confirm, map[string]any{"id": id}); r.code() != "CONFLICT" {
			t.Errorf("confirming twice: %+v, want CONFLICT", r.Errors)
		}
		n, err := db.Client.AuditLog.Query().Where(auditlog.Action("claim.confirm")).Count(systemCtx())
		if err != nil || n != 1 {
			t.Errorf("claim.confirm audit entries = %d (%v), want 1", n, err)
		}
		// Confirmed: the citizen signs in and reads their own record and
		// household, nothing of the neighbours.
		p := s.a.login(t, "mai.tran", claimPassword)
		if p.User.Role != "CITIZEN" {
			t.Errorf("role = %s", p.User.Role)
		}
		r = s.a.exec(nil, p.AccessToken, `{ me { learningUnit { id name } } learningUnits(first: 100) { edges { node { id } } } }`, nil, nil)
		var mine struct {
			Me            struct{ LearningUnit struct{ ID, Name string } }
			LearningUnits struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		r.decode(t, &mine)
		if mine.Me.LearningUnit.ID != gid(s.record.ID) {
			t.Errorf("me.learningUnit = %+v, want %d", mine.Me.LearningUnit, s.record.ID)
		}
		seen := map[string]bool{}
		for _, e := range mine.LearningUnits.Edges {
			seen[e.Node.ID] = true
		}
		hh := s.fx.Households[s.fx.V1a.Code][1]
		if !seen[gid(s.record.ID)] || !seen[gid(hh.ID)] || seen[gid(s.neighbor.ID)] || len(seen) != 3 {
			t.Errorf("citizen reads %v, want their record, household and its other member only", seen)
		}
		r = s.a.exec(nil, p.AccessToken, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": gid(s.neighbor.ID)}, nil)
		if r.code() == "" && string(r.Data) != `{"node":null}` {
			t.Errorf("citizen reads a neighbour: %s", r.Data)
		}
	})
}

func TestClaimRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		var got struct {
			ClaimCitizenRecord struct{ ClaimID string }
		}
		s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran").decode(t, &got)
		refuse := `mutation($id: ID!, $r: String!) { refuseClaim(input: {id: $id, reason: $r}) { claim { status reason } } }`
		account, err := db.Client.User.Query().Where(user.Username("mai.tran")).Only(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		// Nobody opens a claimed account around the commune's decision,
		// pending or refused.
		enable := `mutation($id: ID!) { disableUser(input: {id: $id, disabled: false}) { user { disabled } } }`
		cannotEnable := func(state string) {
			t.Helper()
			for _, who := range []string{"admin", "manager"} {
				if r := s.a.as(who, enable, map[string]any{"id": gid(account.ID)}); r.code() != "CONFLICT" || r.field() != "disabled" {
					t.Errorf("%s enables the %s claim's account: %+v, want CONFLICT on disabled", who, state, r.Errors)
				}
			}
		}
		cannotEnable("pending")
		if r := s.a.as("officer", refuse, map[string]any{"id": got.ClaimCitizenRecord.ClaimID, "r": " "}); r.code() != "BAD_USER_INPUT" || r.field() != "reason" {
			t.Errorf("refuse without a reason: %+v", r.Errors)
		}
		if r := s.a.as("officer2", refuse, map[string]any{"id": got.ClaimCitizenRecord.ClaimID, "r": "x"}); r.code() != "FORBIDDEN" {
			t.Errorf("officer2 refuses: %+v", r.Errors)
		}
		stale := `mutation($id: ID!) { refuseClaim(input: {id: $id, reason: "x", expectedVersion: 99}) { claim { status } } }`
		if r := s.a.as("officer", stale, map[string]any{"id": got.ClaimCitizenRecord.ClaimID}); r.code() != "CONFLICT" || r.field() != "expectedVersion" {
			t.Errorf("refuse an old version: %+v, want CONFLICT on expectedVersion", r.Errors)
		}
		var done struct {
			RefuseClaim struct {
				Claim struct{ Status, Reason string }
			}
		}
		reason := "Không phải người trong hộ."
		s.a.as("officer", refuse, map[string]any{"id": got.ClaimCitizenRecord.ClaimID, "r": reason}).decode(t, &done)
		if done.RefuseClaim.Claim.Status != "REFUSED" || done.RefuseClaim.Claim.Reason != reason {
			t.Errorf("refuseClaim = %+v", done)
		}
		cannotEnable("refused")
		r := s.a.exec(nil, "", loginMutation, map[string]any{"u": "mai.tran", "p": claimPassword}, nil)
		if r.code() != "UNAUTHENTICATED" || r.Errors[0].Message != "Yêu cầu đăng ký của bạn đã bị từ chối: "+reason {
			t.Errorf("refused login: %+v", r.Errors)
		}
		n, err := db.Client.AuditLog.Query().Where(auditlog.Action("claim.refuse")).Count(systemCtx())
		if err != nil || n != 1 {
			t.Errorf("claim.refuse audit entries = %d (%v), want 1", n, err)
		}
		// The record is free again for its rightful owner.
		var again struct {
			ClaimCitizenRecord struct{ Status string }
		}
		s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran.2").decode(t, &again)
		if again.ClaimCitizenRecord.Status != "PENDING" {
			t.Errorf("claim after refusal = %+v", again)
		}
		if ids := s.pending(t, "officer"); len(ids) != 1 {
			t.Errorf("pending after a new claim = %v", ids)
		}
	})
}

func TestClaimUniqueIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "" {
			t.Fatalf("claim: %+v", r.Errors)
		}
		// Whatever checks come first, the database refuses a second live
		// claim of one record: the guard of claims that raced past them.
		err := db.Client.CitizenClaim.Create().SetLearningUnitID(s.record.ID).SetHoldsUnitID(s.record.ID).
			SetUserID(s.fx.Users["viewer"].ID).SetFullName("x").SetBirthYear(1990).Exec(systemCtx())
		if !ent.IsConstraintError(err) {
			t.Errorf("second live claim of a record: %v, want a constraint error", err)
		}
	})
}

func TestIssueInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newClaimSetup(t, db)
		byVillage := `mutation($v: ID!) { issueInvitations(input: {adminUnitID: $v}) { invitations { code household { id } } } }`
		var got struct {
			IssueInvitations struct {
				Invitations []struct {
					Code      string
					Household struct{ ID string }
				}
			}
		}
		s.a.as("officer", byVillage, map[string]any{"v": gid(s.fx.V1a.ID)}).decode(t, &got)
		if n := len(got.IssueInvitations.Invitations); n != len(s.fx.Households[s.fx.V1a.Code]) {
			t.Fatalf("a village's invitations = %d, want one per household", n)
		}
		// The household's earlier code stops working; the new one works.
		if r := s.claim(s.code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "BAD_USER_INPUT" {
			t.Errorf("claim with a replaced code: %+v, want BAD_USER_INPUT", r.Errors)
		}
		code := got.IssueInvitations.Invitations[1].Code
		if r := s.claim(code, "Trần Thị Mai", 1990, "mai.tran"); r.code() != "" {
			t.Errorf("claim with the new code: %+v", r.Errors)
		}
		for _, c := range []struct {
			user, code string
			vars       map[string]any
			query      string
		}{
			{"officer2", "FORBIDDEN", map[string]any{"v": gid(s.fx.V1a.ID)}, byVillage},
			{"officer2", "FORBIDDEN", map[string]any{"h": []string{gid(s.fx.Households[s.fx.V1a.Code][0].ID)}}, issueMutation},
			{"collaborator", "FORBIDDEN", map[string]any{"v": gid(s.fx.V1a.ID)}, byVillage},
			{"citizen", "FORBIDDEN", map[string]any{"v": gid(s.fx.V1a.ID)}, byVillage},
			{"officer", "BAD_USER_INPUT", map[string]any{"h": []string{gid(s.record.ID)}}, issueMutation},
			{"officer", "BAD_USER_INPUT", map[string]any{"h": []string{}}, issueMutation},
		} {
			if r := s.a.as(c.user, c.query, c.vars); r.code() != c.code {
				t.Errorf("%s issues %v: %+v, want %s", c.user, c.vars, r.Errors, c.code)
			}
		}
		n, err := db.Client.AuditLog.Query().Where(auditlog.Action("invitation.issue")).Count(systemCtx())
		if err != nil || n != 1+len(s.fx.Households[s.fx.V1a.Code]) {
			t.Errorf("invitation.issue audit entries = %d (%v)", n, err)
		}
	})
}
