package client

// The GraphQL documents of README.md, "For mobile teams" and "Queued
// writes: applyChanges", as an app copies them. TestDocumentsInREADME
// checks that the README shows each one exactly as here.
const (
	// SignIn is the login mutation.
	SignIn = `mutation SignIn($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    accessToken refreshToken accessTokenExpiresAt
    user { id fullName role scope { id name level } }
  }
}`

	// Refresh trades a refresh token for a new pair.
	Refresh = `mutation Refresh($t: String!) {
  refreshSession(input: {refreshToken: $t}) { accessToken refreshToken accessTokenExpiresAt }
}`

	// SignOut ends the session of a refresh token.
	SignOut = `mutation SignOut($t: String!) {
  logout(input: {refreshToken: $t}) { ended }
}`

	// SyncPage reads a page of the changes feed.
	SyncPage = `query SyncPage($since: SyncCursor) {
  changes(since: $since, first: 200) {
    cursor hasMore reset
    changes {
      tombstone { id typename reason }
      node { __typename id
        ... on AdminUnit { name level unitCode: code parent { id } }
        ... on LearningUnit { name kind code phone address birthYear version clientID archivedAt
                              adminUnit { id } parent { id } }
        ... on Campaign { year phase version province { id } }
        ... on Registration { title status result version clientID campaign { id } learningUnit { id } }
        ... on Evaluation { evaluationKind: kind total evaluationResult: result clientID registration { id } scores { code points } }
      }
    }
  }
}`

	// ApplyQueue sends the outbox.
	ApplyQueue = `mutation ApplyQueue($ops: [ChangeOperation!]!) {
  applyChanges(input: {operations: $ops}) {
    results {
      opID status
      error { code field message }
      node { __typename id
             ... on LearningUnit { name phone version clientID archivedAt }
             ... on Registration { status result version clientID }
             ... on Evaluation { clientID total evaluationResult: result } }
    }
  }
}`
)
