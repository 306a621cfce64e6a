package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hoctap/ent/session"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestDatabaseDown: while the database fails (a fault injected under ent,
// on both databases), signed-in requests answer HTTP 503 UNAVAILABLE with
// Retry-After and a GraphQL error body, sign-in and refresh answer
// UNAVAILABLE rather than wrong credentials or an ended session, and
// requests without valid credentials still answer UNAUTHENTICATED. Once the
// database is back, the same tokens work and no session was ended.
// TestDatabaseOutage (package main) does the same with a real server
// stopped under load.
func TestDatabaseDown(t *testing.T) {
	dbtest.EachOpener(t, func(t *testing.T, open dbtest.Opener) {
		var fault dbtest.Faulty
		db := open(store.Options{Wrap: fault.Wrap})
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		officer := a.login(t, "officer", fixture.Password)
		manager := a.login(t, "manager", fixture.Password)

		fault.SetDown(true)
		for _, tc := range []struct {
			name   string
			token  string
			query  string
			vars   map[string]any
			lang   string
			status int // 0: any, the operation ran and failed in a field
			code   string
			text   string
		}{
			{name: "signed-in read", token: officer.AccessToken, query: `{ me { username } }`,
				status: http.StatusServiceUnavailable, code: "UNAVAILABLE", text: "không truy cập được cơ sở dữ liệu"},
			{name: "signed-in read in English", token: officer.AccessToken, query: `{ learningUnits(first: 1) { totalCount } }`, lang: "en",
				status: http.StatusServiceUnavailable, code: "UNAVAILABLE", text: "cannot reach its database"},
			{name: "signed-in mutation", token: manager.AccessToken, query: `mutation { logout(input: {refreshToken: "x"}) { ended } }`,
				status: http.StatusServiceUnavailable, code: "UNAVAILABLE"},
			{name: "login", query: loginMutation, vars: map[string]any{"u": "officer", "p": fixture.Password}, code: "UNAVAILABLE"},
			{name: "login with a wrong password", query: loginMutation, vars: map[string]any{"u": "officer", "p": "wrong password"}, code: "UNAVAILABLE"},
			{name: "refreshSession", query: refreshMutation, vars: map[string]any{"t": manager.RefreshToken}, code: "UNAVAILABLE"},
			{name: "a token that does not verify", token: "not-a-token", query: `{ me { username } }`, status: http.StatusOK, code: "UNAUTHENTICATED"},
			{name: "no token", query: `{ me { username } }`, status: http.StatusOK, code: "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"query": tc.query, "variables": tc.vars})
				req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/graphql-response+json, application/json")
				if tc.token != "" {
					req.Header.Set("Authorization", "Bearer "+tc.token)
				}
				if tc.lang != "" {
					req.Header.Set("Accept-Language", tc.lang)
				}
				rec := httptest.NewRecorder()
				a.h.ServeHTTP(rec, req)
				var r response
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
					t.Fatalf("%d, not a GraphQL response: %s", rec.Code, rec.Body)
				}
				if r.code() != tc.code || tc.status != 0 && rec.Code != tc.status {
					t.Fatalf("%d %s %+v, want %d %s", rec.Code, r.code(), r.Errors, tc.status, tc.code)
				}
				if tc.text != "" && !strings.Contains(r.Errors[0].Message, tc.text) {
					t.Errorf("message %q, want it to say %q", r.Errors[0].Message, tc.text)
				}
				if rec.Code == http.StatusServiceUnavailable {
					h := rec.Header()
					if h.Get("Retry-After") == "" || !strings.HasPrefix(h.Get("Content-Type"), "application/graphql-response+json") {
						t.Errorf("503 with Retry-After %q and Content-Type %q", h.Get("Retry-After"), h.Get("Content-Type"))
					}
					if len(r.Data) != 0 {
						t.Errorf("a refused request has data: %s", r.Data)
					}
				}
			})
		}

		fault.SetDown(false)
		if got := a.me(officer.AccessToken); got != "officer" {
			t.Errorf("the officer's token once the database is back: %s", got)
		}
		if _, code := a.refresh(manager.RefreshToken); code != "" {
			t.Errorf("the refresh token tried during the outage, once the database is back: %s", code)
		}
		revoked, err := db.Client.Session.Query().Where(session.RevokedAtNotNil()).Count(systemCtx())
		if err != nil || revoked != 0 {
			t.Errorf("%d sessions ended by the outage (%v)", revoked, err)
		}
	})
}

const refreshMutation = `mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken } }`
