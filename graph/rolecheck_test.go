package graph_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/evidencefile"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/graph"
	"hoctap/internal/access"
	"hoctap/internal/adminunits"
	"hoctap/internal/claims"
	"hoctap/internal/cycle"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/importjob"
	"hoctap/internal/national"
	"hoctap/internal/queue"
	"hoctap/internal/record"
	"hoctap/internal/reorg"
	"hoctap/internal/store"
	"hoctap/internal/title"
	"hoctap/internal/units"
	"hoctap/internal/users"
	"hoctap/internal/viewer"
)

// openMutations need no role: signing in and out, and changing one's own
// password, which every account does whatever its role.
var openMutations = []string{"login", "refreshSession", "logout", "changePassword", "claimCitizenRecord"}

// roleTables are the domain packages' statements of who may do each write
// (access.Roles). Every mutation of the schema is in exactly one of them or
// in openMutations.
var roleTables = map[string]access.Roles{"adminunits": adminunits.Roles, "claims": claims.Roles, "cycle": cycle.Roles, "importjob": importjob.Roles, "national": national.Roles, "queue": queue.Roles, "record": record.Roles, "reorg": reorg.Roles, "units": units.Roles, "users": users.Roles}

// roleUsers are the fixture accounts that stand for each role.
var roleUsers = map[viewer.Role]string{
	viewer.RoleAdmin: "admin", viewer.RoleManager: "manager", viewer.RoleOfficer: "officer",
	viewer.RoleCollaborator: "collaborator", viewer.RoleViewer: "viewer", viewer.RoleCitizen: "citizen",
}

// misuse is a call of one mutation that would trip a business rule (a
// phase, a status, a version, an input check) if the role check did not
// come first.
type misuse struct {
	query string
	vars  func(actor string) map[string]any
	// also lists accounts whose role may do the operation but not on this
	// target, which is outside their scope or not theirs to change while
	// they can read it: a district's manager and the province's campaign, a
	// citizen and their household, another commune's officer.
	also []string
}

// TestRoleBeforeRules runs every mutation of the schema as every role its
// domain package's role table leaves out, VIEWER and CITIZEN among them,
// with an input that breaks a business rule, and then as the accounts that
// may do the operation but not on that target. Each must be FORBIDDEN:
// a CONFLICT, BAD_USER_INPUT or NOT_FOUND would tell someone who may not
// write what state the data is in. A mutation added to the schema without
// a row in a role table, or without a misuse here, fails the test.
func TestRoleBeforeRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		ctx := systemCtx()
		account := func(name string, role viewer.Role, scope *ent.AdminUnit) string {
			u, err := db.User.Create().SetUsername(name).SetFullName("Người dùng " + name).
				SetPasswordHash("unused").SetRole(role).SetScope(scope).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fx.Users[name] = u
			return id(u.ID)
		}
		account("managerd1", viewer.RoleManager, fx.D1)               // a district's manager: reads P1's campaign, may not change it
		peer := account("managerp1", viewer.RoleManager, fx.P1)       // a manager's peer: read, not managed
		member := account("collab2", viewer.RoleCollaborator, fx.V1a) // read by everyone in P1 but the citizen

		camp := campaignIn(t, a, "PLANNING")
		household := fx.Households[fx.V1a.Code][0] // the citizen's own
		reg, err := db.Registration.Create().SetCampaignID(mustAtoi(t, camp)).SetLearningUnitID(household.ID).
			SetTitle(title.Family).SetAdminUnitID(household.AdminUnitID).SetAdminPath(household.AdminPath).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		archived, err := db.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName("Hộ đã lưu trữ").
			SetAdminUnit(fx.V1a).SetArchivedAt(time.Now()).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// An activity entered by staff into the record of the citizen's
		// household member, with a file: the citizen reads neither.
		member2, err := db.LearningUnit.Query().Where(learningunit.ParentID(household.ID), learningunit.IDNEQ(*fx.Users["citizen"].LearningUnitID)).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		act, err := db.LearningActivity.Create().SetCitizenID(member2.ID).SetKind(learningactivity.KindCOURSE).SetTitle("Tin học").
			SetStartedOn(time.Now().AddDate(0, -1, 0)).SetSource(learningactivity.SourceOFFICER).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evidence, err := db.EvidenceFile.Create().SetActivityID(act.ID).SetFileName("a.pdf").SetContentType(evidencefile.ContentTypePDF).
			SetSize(5).SetSha256("x").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		onActivity := fixed(m("id", id(act.ID)))
		onCampaign := fixed(m("id", camp))
		onReg := fixed(m("id", id(reg.ID)))
		decided := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)

		nationalTarget, err := db.NationalTarget.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		misuses := map[string]misuse{
			"updateNationalTarget": {
				`mutation($id: ID!) { updateNationalTarget(input: {id: $id, rate: 2, expectedVersion: 999}) { nationalTarget { id } } }`,
				fixed(m("id", id(nationalTarget.ID))), nil},
			"createCampaign": {
				`mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 1990}) { campaign { id } } }`,
				fixed(m("p", id(fx.P1.ID))), []string{"managerd1"}},
			"updateCampaign": {
				`mutation($id: ID!) { updateCampaign(input: {id: $id, name: "Đổi tên", expectedVersion: 999}) { campaign { id } } }`,
				onCampaign, []string{"managerd1"}},
			"advanceCampaign": {
				`mutation($id: ID!) { advanceCampaign(input: {id: $id, from: CLOSED}) { campaign { id } } }`,
				onCampaign, []string{"managerd1"}},
			"revertCampaign": {
				`mutation($id: ID!) { revertCampaign(input: {id: $id, from: PLANNING, reason: ""}) { campaign { id } } }`,
				onCampaign, []string{"managerd1"}},
			"setTargets": {
				`mutation($id: ID!) { setTargets(input: {campaignID: $id, targets: [{title: LEARNING_FAMILY, rate: 2}]}) { targets { rate } } }`,
				onCampaign, []string{"managerd1"}},
			"setCriteria": {
				`mutation($id: ID!) { setCriteria(input: {campaignID: $id, title: LEARNING_FAMILY, name: "", criteria: [], rule: {passPoints: -1}}) { criteriaSet { version } } }`,
				onCampaign, []string{"managerd1"}},
			"register": {
				`mutation($c: ID!, $u: ID!) { register(input: {campaignID: $c, learningUnitID: $u, title: LEARNING_FAMILY}) { registration { id } } }`,
				fixed(m("c", camp, "u", id(household.ID))), []string{"officer2", "citizen"}},
			// The campaign is still being planned, and a criterion is
			// scored twice.
			"evaluate": {
				`mutation($id: ID!) { evaluate(input: {registrationID: $id, kind: FINAL, scores: [{code: "TC1", points: 1}, {code: "TC1", points: 2}]}) { registration { id } } }`,
				onReg, []string{"citizen", "collaborator"}},
			"recognize": {
				`mutation($id: ID!, $d: Time!) { recognize(input: {registrationIDs: [$id], number: "", date: $d, signer: ""}) { decision { id } } }`,
				func(string) map[string]any { return m("id", id(reg.ID), "d", decided) }, []string{"officer2"}},
			"rejectRegistration": {
				`mutation($id: ID!) { rejectRegistration(input: {id: $id, reason: ""}) { registration { id } } }`,
				onReg, []string{"officer2"}},
			"withdrawRegistration": {
				`mutation($id: ID!) { withdrawRegistration(input: {id: $id, reason: ""}) { registration { id } } }`,
				onReg, []string{"officer2"}},
			"createLearningUnit": {
				`mutation($au: ID!) { createLearningUnit(input: {kind: ORGANIZATION, name: "Trường không phân loại", adminUnitID: $au}) { learningUnit { id } } }`,
				fixed(m("au", id(fx.V1a.ID))), []string{"officer2"}},
			"updateLearningUnit": {
				`mutation($id: ID!) { updateLearningUnit(input: {id: $id, expectedVersion: 999, phone: "0912345678"}) { learningUnit { id } } }`,
				fixed(m("id", id(household.ID))), []string{"citizen"}},
			"archiveLearningUnit": {
				`mutation($id: ID!) { archiveLearningUnit(input: {id: $id}) { learningUnit { id } } }`,
				fixed(m("id", id(archived.ID))), nil},
			// A village with no code, no name and a type of no level: a
			// manager of another province may not add it there, nor one
			// of P1 a commune.
			"createAdminUnit": {
				`mutation($p: ID!, $l: AdminUnitLevel!) { createAdminUnit(input: {parentID: $p, level: $l, code: "", name: "", type: "Nhà"}) { adminUnit { id } } }`,
				func(actor string) map[string]any {
					if actor == "manager" {
						return m("p", id(fx.D1.ID), "l", "COMMUNE")
					}
					return m("p", id(fx.C1.ID), "l", "VILLAGE")
				}, []string{"manager", "manager2"}},
			"updateAdminUnit": {
				`mutation($id: ID!) { updateAdminUnit(input: {id: $id, expectedVersion: 999, name: ""}) { adminUnit { id } } }`,
				func(actor string) map[string]any {
					if actor == "manager" {
						return m("id", id(fx.C1.ID)) // a commune: not a manager's
					}
					return m("id", id(fx.V1a.ID))
				}, []string{"manager", "manager2"}},
			// A date after today, a unit merged into itself, a stale
			// version; for P1's manager a commune, for P2's one of P1's
			// villages.
			"closeAdminUnit": {
				`mutation($id: ID!) { closeAdminUnit(input: {id: $id, effectiveOn: "2999-01-01T00:00:00Z", successorID: $id, expectedVersion: 999}) { closed { id } } }`,
				func(actor string) map[string]any {
					if actor == "manager" {
						return m("id", id(fx.C1.ID))
					}
					return m("id", id(fx.V1a.ID))
				}, []string{"manager", "manager2"}},
			// A date after today, the unit's own parent, a stale version.
			"moveAdminUnit": {
				`mutation($id: ID!, $p: ID!) { moveAdminUnit(input: {id: $id, parentID: $p, effectiveOn: "2999-01-01T00:00:00Z", expectedVersion: 999}) { closed { id } } }`,
				func(actor string) map[string]any {
					if actor == "manager" {
						return m("id", id(fx.C1.ID), "p", id(fx.D1.ID))
					}
					return m("id", id(fx.V1a.ID), "p", id(fx.C1.ID))
				}, []string{"manager", "manager2"}},
			"createUser": {
				`mutation($s: ID!) { createUser(input: {username: "Không hợp lệ", fullName: "", password: "ngắn", role: OFFICER, scopeID: $s}) { user { id } } }`,
				fixed(m("s", id(fx.C1.ID))), []string{"manager2"}},
			// Everyone may rename themselves, so only the misuse of another
			// account is refused, to each role that reads it.
			"updateUser": {
				`mutation($id: ID!) { updateUser(input: {id: $id, fullName: "", expectedVersion: 999}) { user { id } } }`,
				func(actor string) map[string]any {
					if actor == "manager" {
						return m("id", peer)
					}
					return m("id", member)
				}, []string{"manager", "officer", "collaborator", "viewer", "citizen"}},
			"disableUser": {
				`mutation($id: ID!) { disableUser(input: {id: $id}) { user { id } } }`,
				fixed(m("id", member)), nil},
			// A decision that changes nothing, and one that names no unit.
			"planReorganisation": {
				`mutation { planReorganisation(input: {number: "", title: "", signedOn: "2025-06-12T00:00:00Z", effectiveOn: "2025-01-01T00:00:00Z", changes: []}) { plan { applied } } }`,
				fixed(nil), nil},
			"applyReorganisation": {
				`mutation($id: ID!) { applyReorganisation(input: {id: $id}) { plan { applied } } }`,
				fixed(m("id", "999999")), nil},
			// A merger list where the catalogue goes.
			"importUnits": {
				`mutation($in: ImportUnitsInput!) { importUnits(input: $in) { unitImport { issues { message } } } }`,
				fixed(m("in", map[string]any{"catalogue": nil, "number": "", "title": "", "signedOn": "2025-06-16T00:00:00Z", "effectiveOn": "2025-07-01T00:00:00Z"})), nil},
			// A kind of list that does not exist; a job that does not.
			"checkImport": {
				`mutation($in: CheckImportInput!) { checkImport(input: $in) { importJob { id } } }`,
				fixed(m("in", map[string]any{"file": nil, "kind": "dogs"})), nil},
			"applyImport": {
				`mutation($id: ID!) { applyImport(input: {importJobID: $id}) { importJob { id } } }`,
				fixed(m("id", "999999")), nil},
			"takeImportPasswords": {
				`mutation($id: ID!) { takeImportPasswords(input: {importJobID: $id}) { accounts { username } } }`,
				fixed(m("id", "999999")), nil},
			// An empty queue.
			"applyChanges": {
				`mutation { applyChanges(input: {operations: []}) { results { status } } }`,
				fixed(nil), nil},
			"resetPassword": {
				`mutation($id: ID!) { resetPassword(input: {id: $id}) { temporaryPassword } }`,
				fixed(m("id", member)), nil},
			// Neither a village nor households; a claim that does not exist.
			"issueInvitations": {
				`mutation { issueInvitations(input: {}) { invitations { code } } }`,
				fixed(nil), nil},
			"confirmClaim": {
				`mutation($id: ID!) { confirmClaim(input: {id: $id, expectedVersion: 999}) { claim { id } } }`,
				fixed(m("id", "999999")), nil},
			// A title left empty and a day in the future, on the record of
			// the citizen's household member.
			"addLearningActivity": {
				`mutation($c: ID!) { addLearningActivity(input: {citizenID: $c, kind: COURSE, title: "", startedOn: "2999-01-01T00:00:00Z"}) { learningActivity { id } } }`,
				fixed(m("c", id(member2.ID))), []string{"citizen", "officer2"}},
			"updateLearningActivity": {
				`mutation($id: ID!) { updateLearningActivity(input: {id: $id, expectedVersion: 999, title: ""}) { learningActivity { id } } }`,
				onActivity, []string{"citizen", "officer2"}},
			"removeLearningActivity": {
				`mutation($id: ID!) { removeLearningActivity(input: {id: $id, expectedVersion: 999}) { learningActivity { id } } }`,
				onActivity, []string{"citizen", "officer2"}},
			// PENDING is no verdict, and a stale version.
			"reviewLearningActivity": {
				`mutation($id: ID!) { reviewLearningActivity(input: {id: $id, status: PENDING, expectedVersion: 999}) { learningActivity { id } } }`,
				onActivity, []string{"officer2"}},
			// A page named as a photo.
			"attachEvidence": {
				`mutation($in: AttachEvidenceInput!) { attachEvidence(input: $in) { evidenceFile { id } } }`,
				fixed(m("in", map[string]any{"activityID": id(act.ID), "file": nil})), []string{"citizen", "officer2"}},
			"removeEvidence": {
				`mutation($id: ID!) { removeEvidence(input: {id: $id}) { removedID } }`,
				fixed(m("id", id(evidence.ID))), []string{"citizen", "officer2"}},
			"refuseClaim": {
				`mutation($id: ID!) { refuseClaim(input: {id: $id, reason: ""}) { claim { id } } }`,
				fixed(m("id", "999999")), nil},
		}

		// The operations that take files get them by the multipart request
		// spec.
		uploads := map[string]map[string]uploadFile{
			"importUnits":    {"in.catalogue": {"merge.csv", []byte("Tỉnh Thành Phố,Mã PX,Phường Xã (sau sắp xếp),Trước sắp xếp\n")}},
			"checkImport":    {"in.file": {"thon1.csv", []byte("Mã hộ;Thôn;Chủ hộ\nH1;Thôn 1;Ngô Văn Một\n")}},
			"attachEvidence": {"in.file": {"anh.jpg", []byte("<html><script>alert(1)</script></html>")}},
		}

		fields := graph.NewExecutableSchema(graph.Config{}).Schema().Mutation.Fields
		var names []string
		for _, f := range fields {
			names = append(names, f.Name)
		}
		for pkg, table := range roleTables {
			for _, op := range slices.Sorted(maps.Keys(table)) {
				if !slices.Contains(names, op) {
					t.Errorf("%s.Roles names %s, which is not a mutation", pkg, op)
				}
			}
		}
		for _, name := range names {
			if slices.Contains(openMutations, name) {
				continue
			}
			var table access.Roles
			for _, tb := range roleTables {
				if _, ok := tb[name]; ok {
					if table != nil {
						t.Errorf("%s is in two role tables", name)
					}
					table = tb
				}
			}
			if table == nil {
				t.Errorf("mutation %s has no row in any role table (%s)", name, strings.Join(slices.Sorted(maps.Keys(roleTables)), ", "))
				continue
			}
			mu, ok := misuses[name]
			if !ok {
				t.Errorf("mutation %s has no misuse in TestRoleBeforeRules", name)
				continue
			}
			var actors []string
			for _, r := range viewer.Roles {
				if !table.Allows(name, r) {
					actors = append(actors, roleUsers[r])
				}
			}
			actors = append(actors, mu.also...)
			for _, must := range []string{"viewer", "citizen"} {
				if !slices.Contains(actors, must) {
					t.Errorf("%s is never tried as %s", name, must)
				}
			}
			for _, actor := range actors {
				t.Run(name+"/"+actor, func(t *testing.T) {
					r := a.as(actor, mu.query, mu.vars(actor))
					if files, ok := uploads[name]; ok {
						r = a.upload(actor, nil, mu.query, mu.vars(actor), files)
					}
					if r.code() != "FORBIDDEN" {
						t.Errorf("got %s (%+v), want FORBIDDEN", r.code(), r.Errors)
					}
				})
			}
		}
	})
}
