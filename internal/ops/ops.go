// Package ops holds the GraphQL documents of the mobile app's everyday
// operations, shared by the load command (cmd/hoctap-load), the benchmarks
// and the statement-count test, so all three measure the same thing.
package ops

// VillageHouseholds lists a page of a village's households with their
// registration in a campaign. Variables: v (village id), c (campaign id).
const VillageHouseholds = `query($v: ID!, $c: ID!) { node(id: $v) { ... on AdminUnit { name
	learningUnits(first: 20, where: {kind: HOUSEHOLD, archivedAtIsNil: true}) { totalCount pageInfo { hasNextPage endCursor }
		edges { node { id name headName memberCount adultCount version
			registration(campaignID: $c) { id title status result } } } } } } }`

// VillagePage is the bare 20-row village page of PITFALLS.md, for comparing
// with the stack's baseline. Variables: v.
const VillagePage = `query($v: ID!) { node(id: $v) { ... on AdminUnit { learningUnits(first: 20, where: {kind: HOUSEHOLD}) {
	edges { node { id name headName memberCount } } } } } }`

// OpenHousehold opens a household with its members and registrations.
// Variables: h (household id), c (campaign id).
const OpenHousehold = `query($h: ID!, $c: ID!) { node(id: $h) { ... on LearningUnit { id name headName address phone memberCount adultCount version
	adminUnit { id name } children(first: 20) { edges { node { id name } } }
	registrations(first: 5, where: {hasCampaignWith: {id: $c}}) { edges { node { id title status result score evaluations { kind total result } } } } } } }`

// SearchHousehold finds households by name. Variables: q.
const SearchHousehold = `query($q: String!) { learningUnits(first: 20, search: $q, where: {kind: HOUSEHOLD}) { edges { node { id name headName adminUnit { name } } } } }`

// Progress is a campaign's progress in a unit. Variables: c, u.
const Progress = `query($c: ID!, $u: ID!) { progress(campaignID: $c, unitID: $u) { rows { title eligible registered evaluated recognized rate target meetsTarget }
	children { unit { id name } rows { title eligible recognized rate target meetsTarget } } summary { childCount childrenMeetingAllTargets } } }`

// Register registers a household for the learning-family title.
// Variables: c, u.
const Register = `mutation($c: ID!, $u: ID!) { register(input: {campaignID: $c, learningUnitID: $u, title: LEARNING_FAMILY}) { registration { id } } }`

// Evaluate gives a registration passing family scores (80 of 100).
// Variables: r.
const Evaluate = `mutation($r: ID!) { evaluate(input: {registrationID: $r, kind: FINAL, scores: [{code: "TC1", points: 24}, {code: "TC2", points: 24}, {code: "TC3", points: 16}, {code: "TC4", points: 16}]}) { registration { status result } } }`

// MyRecord is a citizen's own lifelong-learning record as the app lists it:
// the activities not removed, most recent first, each with its
// verification and evidence. No variables.
const MyRecord = `{ me { learningUnit { id name birthYear
	activities(first: 50, orderBy: {field: STARTED_ON, direction: DESC}, where: {archivedAtIsNil: true}) { totalCount
		edges { node { id version kind title provider startedOn endedOn hours certificate source status reviewNote reviewedAt
			evidence { id fileName contentType size sha256 url } } } } } } }`

// AddActivity adds a self-declared activity to a citizen's record.
// Variables: c (the citizen's learning unit id).
const AddActivity = `mutation($c: ID!) { addLearningActivity(input: {citizenID: $c, kind: DIGITAL_SKILLS, title: "Kỹ năng số cơ bản",
	provider: "Trung tâm học tập cộng đồng", startedOn: "2025-03-01T00:00:00+07:00", endedOn: "2025-03-31T00:00:00+07:00", hours: 24}) {
	learningActivity { id version status source } } }`
