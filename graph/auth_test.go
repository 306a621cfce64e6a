package graph_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"hoctap/ent"
	"hoctap/ent/refreshtoken"
	"hoctap/ent/session"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

type authPayload struct {
	AccessToken, RefreshToken string
	AccessTokenExpiresAt      time.Time
	User                      struct {
		Username, Role string
		Scope          struct{ Name string }
	}
}

const loginMutation = `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
	accessToken refreshToken accessTokenExpiresAt user { username role scope { name } } } }`

// login signs in through the API.
func (a *api) login(t testing.TB, username, password string) authPayload {
	t.Helper()
	var got struct{ Login authPayload }
	a.exec(nil, "", loginMutation, map[string]any{"u": username, "p": password}, nil).decode(t, &got)
	return got.Login
}

// me runs `me` with a bearer token and returns the username or error code.
func (a *api) me(token string) string {
	r := a.exec(nil, token, `{ me { username } }`, nil, nil)
	if c := r.code(); c != "" {
		return c
	}
	var got struct{ Me struct{ Username string } }
	json.Unmarshal(r.Data, &got)
	return got.Me.Username
}

func (a *api) refresh(token string) (authPayload, string) {
	r := a.exec(nil, "", `mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken refreshToken } }`, map[string]any{"t": token}, nil)
	var got struct{ RefreshSession authPayload }
	json.Unmarshal(r.Data, &got)
	return got.RefreshSession, r.code()
}

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		p := a.login(t, "Officer", fixture.Password) // usernames are case-insensitive
		if p.User.Username != "officer" || p.User.Role != "OFFICER" || p.User.Scope.Name != fx.C1.Name {
			t.Fatalf("login user = %+v, want officer of %s", p.User, fx.C1.Name)
		}
		if d := time.Until(p.AccessTokenExpiresAt); d < 14*time.Minute || d > 15*time.Minute+time.Second {
			t.Errorf("access token expires in %v, want 15m", d)
		}
		if got := a.me(p.AccessToken); got != "officer" {
			t.Errorf("me = %s, want officer", got)
		}
		// A wrong username and a wrong password fail alike.
		wrongUser := a.exec(nil, "", loginMutation, map[string]any{"u": "nobody", "p": fixture.Password}, nil)
		wrongPass := a.exec(nil, "", loginMutation, map[string]any{"u": "officer", "p": "wrong password 1"}, nil)
		if wrongUser.code() != "UNAUTHENTICATED" || wrongPass.code() != "UNAUTHENTICATED" || wrongUser.Errors[0].Message != wrongPass.Errors[0].Message {
			t.Errorf("wrong user: %+v; wrong password: %+v; want the same UNAUTHENTICATED", wrongUser.Errors, wrongPass.Errors)
		}
		// Messages are Vietnamese by default, English on request.
		en := a.exec(nil, "", loginMutation, map[string]any{"u": "officer", "p": "wrong password 2"}, http.Header{"Accept-Language": {"en-US,en;q=0.9"}})
		if !strings.Contains(wrongPass.Errors[0].Message, "mật khẩu") || !strings.Contains(en.Errors[0].Message, "password") {
			t.Errorf("messages: vi %q, en %q", wrongPass.Errors[0].Message, en.Errors[0].Message)
		}
	})
}

// forge signs claims with key and alg, bypassing the service.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessTokenAttacks(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	good := a.login(t, "officer", fixture.Password)
	if a.me(good.AccessToken) != "officer" {
		t.Fatal("the genuine token does not work")
	}
	parts := strings.Split(good.AccessToken, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims jwt.MapClaims
	json.Unmarshal(payload, &claims)
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for key, val := range claims {
			c[key] = val
		}
		c[k] = v
		return c
	}
	// Raise the subject to the admin in the payload, keep the signature.
	tamperedClaims := with("sub", strconv.Itoa(fx.Users["admin"].ID))
	tp, _ := json.Marshal(tamperedClaims)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(tp) + "." + parts[2]
	none := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims)

	disabled := a.login(t, "officer2", fixture.Password)
	db.User.UpdateOneID(fx.Users["officer2"].ID).SetDisabled(true).ExecX(systemCtx())

	for _, tt := range []struct{ name, token string }{
		{"alg none", none},
		{"HS256 signed with the public key text", forge(t, jwt.SigningMethodHS256, []byte("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"), claims)},
		{"HS512 with the right key", forge(t, jwt.SigningMethodHS512, testKey, claims)},
		{"wrong issuer", forge(t, jwt.SigningMethodHS256, testKey, with("iss", "someone-else"))},
		{"wrong audience", forge(t, jwt.SigningMethodHS256, testKey, with("aud", "other-api"))},
		{"no audience", forge(t, jwt.SigningMethodHS256, testKey, with("aud", nil))},
		{"expired", forge(t, jwt.SigningMethodHS256, testKey, with("exp", time.Now().Add(-time.Minute).Unix()))},
		{"no expiry", forge(t, jwt.SigningMethodHS256, testKey, with("exp", nil))},
		{"tampered payload", tampered},
		{"garbage", "not-a-jwt"},
		{"disabled user", disabled.AccessToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.me(tt.token); got != "UNAUTHENTICATED" {
				t.Fatalf("me = %s, want UNAUTHENTICATED", got)
			}
		})
	}
}

func TestRefreshRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		first := a.login(t, "viewer", fixture.Password)
		second, code := a.refresh(first.RefreshToken)
		if code != "" || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
			t.Fatalf("refresh: %s %+v", code, second)
		}
		if a.me(second.AccessToken) != "viewer" {
			t.Fatal("refreshed access token does not work")
		}
		// A phone whose answer was lost presents its token again: within
		// the retry window, while the pair it missed is unused, that is a
		// retry and gets a pair of its own.
		retried, code := a.refresh(first.RefreshToken)
		if code != "" || retried.RefreshToken == "" || retried.RefreshToken == second.RefreshToken {
			t.Fatalf("retrying a refresh whose answer was lost: %s %+v", code, retried)
		}
		third, code := a.refresh(retried.RefreshToken)
		if code != "" || a.me(third.AccessToken) != "viewer" {
			t.Fatalf("refresh after a retry: %s, me %s", code, a.me(third.AccessToken))
		}
		// Once a token made since has been used, the old one is a stolen
		// copy: presenting it ends the whole session, the thief's and the
		// owner's tokens alike.
		if _, code := a.refresh(first.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("reusing a rotated token: %q, want UNAUTHENTICATED", code)
		}
		if _, code := a.refresh(third.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("the current token after theft detection: %q, want UNAUTHENTICATED", code)
		}
		if got := a.me(third.AccessToken); got != "UNAUTHENTICATED" {
			t.Fatalf("access token of the revoked session: %s, want UNAUTHENTICATED", got)
		}
		// A thief who replays a token within the window gets a pair, but
		// the owner's next refresh presents the pair the thief's replaced:
		// that is reuse, and the session ends for both.
		p := a.login(t, "viewer", fixture.Password)
		owner, _ := a.refresh(p.RefreshToken)
		thief, code := a.refresh(p.RefreshToken)
		if code != "" {
			t.Fatalf("the replay within the window: %s", code)
		}
		if _, code := a.refresh(owner.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("the owner's replaced token: %q, want UNAUTHENTICATED", code)
		}
		if _, code := a.refresh(thief.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("the thief's token after the owner's refresh: %q, want UNAUTHENTICATED", code)
		}
		// Two sends of one refresh at once (a retry racing its first try)
		// both answer, and the session lives: the refreshes of a session
		// take turns.
		for range 5 {
			p := a.login(t, "viewer", fixture.Password)
			codes := make(chan string, 2)
			for range 2 {
				go func() { _, code := a.refresh(p.RefreshToken); codes <- code }()
			}
			if c1, c2 := <-codes, <-codes; c1 != "" || c2 != "" {
				t.Fatalf("a refresh sent twice at once: %q and %q, want both answered", c1, c2)
			}
			if got := a.me(p.AccessToken); got != "viewer" {
				t.Fatalf("the session after a refresh sent twice at once: %s", got)
			}
		}
		// Past the retry window, presenting a used token is reuse even when
		// the pair it made was never used.
		p = a.login(t, "viewer", fixture.Password)
		next, code := a.refresh(p.RefreshToken)
		if code != "" {
			t.Fatalf("refresh: %s", code)
		}
		db.RefreshToken.Update().Where(refreshtoken.UsedAtNotNil()).
			SetUsedAt(time.Now().Add(-auth.DefaultConfig.RefreshRetry - time.Second)).ExecX(systemCtx())
		if _, code := a.refresh(p.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("a used token past the retry window: %q, want UNAUTHENTICATED", code)
		}
		if got := a.me(next.AccessToken); got != "UNAUTHENTICATED" {
			t.Fatalf("access token after reuse past the window: %s, want UNAUTHENTICATED", got)
		}
		n, err := db.AuditLog.Query().Where().Count(systemCtx())
		if err != nil || n == 0 {
			t.Fatalf("audit entries: %d, %v", n, err)
		}

		// Logout ends a session.
		p = a.login(t, "viewer", fixture.Password)
		r := a.exec(nil, "", `mutation($t: String!) { logout(input: {refreshToken: $t}) { ended } }`, map[string]any{"t": p.RefreshToken}, nil)
		if r.code() != "" || !strings.Contains(string(r.Data), "true") {
			t.Fatalf("logout: %s %+v", r.Data, r.Errors)
		}
		if _, code := a.refresh(p.RefreshToken); code != "UNAUTHENTICATED" {
			t.Fatalf("refresh after logout: %q", code)
		}
		if a.me(p.AccessToken) != "UNAUTHENTICATED" {
			t.Fatal("access token still works after logout")
		}
	})
}

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	phone := a.login(t, "collaborator", fixture.Password)
	laptop := a.login(t, "collaborator", fixture.Password)
	const next = "a new passphrase 42"
	change := `mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) { user { id } } }`
	for _, tt := range []struct{ current, next, field string }{
		{"wrong current", next, "currentPassword"},
		{fixture.Password, "short", "newPassword"},
		{fixture.Password, "my collaborator pw", "newPassword"}, // contains the username
		{fixture.Password, "aaaaaaaaaaaa", "newPassword"},
		{fixture.Password, fixture.Password, "newPassword"},
	} {
		r := a.exec(nil, laptop.AccessToken, change, map[string]any{"c": tt.current, "n": tt.next}, nil)
		if r.code() != "BAD_USER_INPUT" || r.field() != tt.field {
			t.Errorf("change %q → %q: %s on %s, want BAD_USER_INPUT on %s", tt.current, tt.next, r.code(), r.field(), tt.field)
		}
	}
	if r := a.exec(nil, laptop.AccessToken, change, map[string]any{"c": fixture.Password, "n": next}, nil); r.code() != "" {
		t.Fatalf("change password: %+v", r.Errors)
	}
	if _, code := a.refresh(phone.RefreshToken); code != "UNAUTHENTICATED" {
		t.Errorf("the other session's refresh token: %q, want UNAUTHENTICATED", code)
	}
	if a.me(phone.AccessToken) != "UNAUTHENTICATED" {
		t.Error("the other session's access token still works")
	}
	if a.me(laptop.AccessToken) != "collaborator" {
		t.Error("the session that changed the password was ended")
	}
	if r := a.exec(nil, "", loginMutation, map[string]any{"u": "collaborator", "p": fixture.Password}, nil); r.code() != "UNAUTHENTICATED" {
		t.Error("the old password still works")
	}
	a.login(t, "collaborator", next)
}

func TestLoginThrottling(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		var codes []string
		for i := range 10 {
			r := a.exec(nil, "", loginMutation, map[string]any{"u": "manager", "p": fmt.Sprintf("wrong password %d", i)}, nil)
			codes = append(codes, r.code())
		}
		if codes[0] != "UNAUTHENTICATED" || codes[9] != "RATE_LIMITED" {
			t.Fatalf("ten wrong passwords gave %v, want UNAUTHENTICATED first and RATE_LIMITED by the tenth", codes)
		}
		// Now even the right password is refused for a while.
		if r := a.exec(nil, "", loginMutation, map[string]any{"u": "manager", "p": fixture.Password}, nil); r.code() != "RATE_LIMITED" {
			t.Fatalf("right password while limited: %q", r.code())
		}
		// Aliases in one request count one attempt each.
		var q strings.Builder
		q.WriteString("mutation {")
		for i := range 8 {
			fmt.Fprintf(&q, ` a%d: login(input: {username: "viewer", password: "bad guess %d"}) { accessToken }`, i, i)
		}
		q.WriteString(" }")
		r := a.exec(nil, "", q.String(), nil, nil)
		limited := 0
		for _, e := range r.Errors {
			if e.Extensions["code"] == "RATE_LIMITED" {
				limited++
			}
		}
		if limited == 0 {
			t.Fatalf("8 aliased guesses gave no RATE_LIMITED: %+v", r.Errors)
		}
		// Another user is not affected.
		a.login(t, "officer", fixture.Password)
	})
}

// TestLoginThrottlingBehindProxy: behind a trusted proxy the sign-in limit
// per client address counts the address the proxy saw. A client that writes
// a new X-Forwarded-For value on every guess (40 of them, one username each,
// so only the address limit can stop it) is limited all the same, and what
// it forges neither limits nor names anyone else.
func TestLoginThrottlingBehindProxy(t *testing.T) {
	const guesses = 40
	limit := auth.DefaultConfig.MaxAddrFailures
	for _, tc := range []struct {
		name, remote string
		// xff is the header of guess i from client, forged values included.
		xff func(i int, client string) string
	}{
		{"forged entries through the proxy", "10.0.0.2:443", func(i int, client string) string {
			return fmt.Sprintf("198.18.%d.%d, %s", i/200, i%200+1, client)
		}},
		{"forged entries that look like proxies", "10.0.0.2:443", func(i int, client string) string {
			return fmt.Sprintf("10.66.0.%d, %s", i+1, client)
		}},
		{"two proxies", "10.0.0.2:443", func(i int, client string) string {
			return fmt.Sprintf("198.18.0.%d, %s, 10.0.0.3", i+1, client)
		}},
		{"forged entries straight to hoctap", "", func(i int, client string) string {
			return fmt.Sprintf("198.18.0.%d", i+1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *store.DB) {
				fx := fixture.Build(t, db.Client)
				a := newAPIBehind(t, db, fx, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
				send := func(client, xff, username, password string) response {
					t.Helper()
					remote := tc.remote
					if remote == "" {
						remote = client + ":5000"
					}
					body, _ := json.Marshal(map[string]any{"query": loginMutation, "variables": map[string]any{"u": username, "p": password}})
					req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
					req.RemoteAddr = remote
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Forwarded-For", xff)
					rec := httptest.NewRecorder()
					a.h.ServeHTTP(rec, req)
					var r response
					if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
						t.Fatalf("response %d is not JSON: %s", rec.Code, rec.Body.String())
					}
					return r
				}
				const attacker = "203.0.113.7"
				for i := range guesses {
					got := send(attacker, tc.xff(i, attacker), fmt.Sprintf("khach%d", i), "đoán bừa").code()
					want := "UNAUTHENTICATED"
					if i >= limit {
						want = "RATE_LIMITED"
					}
					if got != want {
						t.Fatalf("guess %d of %d: %s, want %s", i+1, guesses, got, want)
					}
				}
				// Another client, forging the attacker's address, is neither
				// limited nor recorded under it.
				const other = "203.0.113.8"
				if r := send(other, attacker+", "+tc.xff(0, other), "manager", fixture.Password); r.code() != "" {
					t.Fatalf("another client: %+v", r.Errors)
				}
				s, err := db.Session.Query().Order(ent.Desc(session.FieldID)).First(systemCtx())
				if err != nil || s.Address != other {
					t.Fatalf("session address %q (%v), want %s", s.Address, err, other)
				}
			})
		})
	}
}

func TestAccountChangesTakeEffectAtOnce(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	mgr := a.login(t, "manager", fixture.Password)
	off := a.login(t, "officer", fixture.Password)
	id := strconv.Itoa(fx.Users["officer"].ID)
	count := func() int {
		r := a.exec(nil, off.AccessToken, `{ learningUnits(where: {kind: HOUSEHOLD}) { totalCount } }`, nil, nil)
		var got struct{ LearningUnits struct{ TotalCount int } }
		r.decode(t, &got)
		return got.LearningUnits.TotalCount
	}
	before := count()
	// Moving the officer's scope up to the district widens what they see on
	// their very next request.
	r := a.exec(nil, mgr.AccessToken, `mutation($id: ID!, $s: ID!) { updateUser(input: {id: $id, scopeID: $s}) { user { id } } }`,
		map[string]any{"id": id, "s": strconv.Itoa(fx.D1.ID)}, nil)
	if r.code() != "" {
		t.Fatalf("updateUser: %+v", r.Errors)
	}
	if after := count(); after <= before {
		t.Fatalf("households seen: %d before, %d after the scope change", before, after)
	}
	r = a.exec(nil, mgr.AccessToken, `mutation($id: ID!) { disableUser(input: {id: $id}) { user { disabled } } }`, map[string]any{"id": id}, nil)
	if r.code() != "" {
		t.Fatalf("disableUser: %+v", r.Errors)
	}
	if a.me(off.AccessToken) != "UNAUTHENTICATED" {
		t.Fatal("a disabled user's token still works")
	}
	if live, _ := db.Session.Query().Where(session.UserID(fx.Users["officer"].ID), session.RevokedAtIsNil()).Count(systemCtx()); live != 0 {
		t.Fatalf("disabled user has %d live sessions", live)
	}
}

func TestTemporaryPassword(t *testing.T) {
	db := dbtest.Open(t)
	fx := fixture.Build(t, db.Client)
	a := newAPI(t, db, fx)
	mgr := a.login(t, "manager", fixture.Password)
	var reset struct {
		ResetPassword struct{ TemporaryPassword string }
	}
	a.exec(nil, mgr.AccessToken, `mutation($id: ID!) { resetPassword(input: {id: $id}) { temporaryPassword user { mustChangePassword } } }`,
		map[string]any{"id": strconv.Itoa(fx.Users["viewer"].ID)}, nil).decode(t, &reset)
	temp := reset.ResetPassword.TemporaryPassword
	if len(temp) < auth.MinPasswordLen {
		t.Fatalf("temporary password %q", temp)
	}
	p := a.login(t, "viewer", temp)
	if r := a.exec(nil, p.AccessToken, `{ adminUnits { totalCount } }`, nil, nil); r.code() != "FORBIDDEN" {
		t.Fatalf("query with a temporary password: %q, want FORBIDDEN", r.code())
	}
	if a.me(p.AccessToken) != "viewer" {
		t.Fatal("me must work with a temporary password")
	}
	r := a.exec(nil, p.AccessToken, `mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: "brand new secret 7"}) { user { id } } }`, map[string]any{"c": temp}, nil)
	if r.code() != "" {
		t.Fatalf("changePassword: %+v", r.Errors)
	}
	if r := a.exec(nil, p.AccessToken, `{ adminUnits { totalCount } }`, nil, nil); r.code() != "" {
		t.Fatalf("query after changing the temporary password: %+v", r.Errors)
	}
}
