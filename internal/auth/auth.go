// Package auth signs users in and out: password hashing, access tokens,
// refresh-token sessions with rotation and theft detection, login
// throttling, and turning a bearer token into the request's viewer. All its
// state lives in the database, so any number of replicas agree.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/loginattempt"
	"hoctap/ent/predicate"
	"hoctap/ent/privacy"
	"hoctap/ent/refreshtoken"
	"hoctap/ent/session"
	"hoctap/ent/user"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/history"
	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
	"hoctap/internal/viewer"
)

// Config tunes sessions and throttling.
type Config struct {
	AccessTTL  time.Duration // life of an access token
	SessionTTL time.Duration // absolute life of a session
	// RefreshRetry is how long after a refresh token was used it may be
	// presented again as a retry, while the token that use made is still
	// unused: a phone whose answer was lost on the way asks again (Refresh).
	RefreshRetry time.Duration
	// AccountCacheTTL is how long a replica may answer a session from what
	// it last read of its account (accounts.go); 0 reads it on every
	// request.
	AccountCacheTTL time.Duration
	// Throttling: at most MaxUserFailures failed sign-ins per username and
	// MaxAddrFailures per client address within ThrottleWindow.
	ThrottleWindow  time.Duration
	MaxUserFailures int
	MaxAddrFailures int
}

// DefaultConfig is what hoctap runs with unless configured otherwise.
var DefaultConfig = Config{
	AccessTTL:       15 * time.Minute,
	SessionTTL:      30 * 24 * time.Hour,
	RefreshRetry:    time.Minute,
	AccountCacheTTL: DefaultAccountCacheTTL,
	ThrottleWindow:  15 * time.Minute,
	MaxUserFailures: 5,
	MaxAddrFailures: 30,
}

// Service signs users in and authenticates their requests.
type Service struct {
	client   *ent.Client
	tokens   *Tokens
	cfg      Config
	now      func() time.Time
	accounts *accounts
}

// NewService returns a Service over client, signing tokens with key.
func NewService(client *ent.Client, key []byte, cfg Config) (*Service, error) {
	t, err := NewTokens(key, cfg.AccessTTL)
	if err != nil {
		return nil, err
	}
	s := &Service{client: client, tokens: t, cfg: cfg, now: time.Now}
	s.accounts = newAccounts(cfg.AccountCacheTTL, func() time.Time { return s.now() })
	if client != nil { // a Service only issuing CSRF tokens reads nothing
		s.accounts.forgetOnChange(client)
	}
	return s, nil
}

// Tokens returns the access-token issuer.
func (s *Service) Tokens() *Tokens { return s.tokens }

// Payload is what a sign-in or refresh returns.
type Payload struct {
	AccessToken          string
	RefreshToken         string
	AccessTokenExpiresAt time.Time
	User                 *ent.User
}

var (
	msgDisabled        = i18n.Message{VI: "Tài khoản đã bị khóa.", EN: "This account is disabled."}
	msgSamePassword    = i18n.Message{VI: "Mật khẩu mới phải khác mật khẩu hiện tại.", EN: "The new password must differ from the current one."}
	msgWrongPassword   = i18n.Message{VI: "Mật khẩu hiện tại không đúng.", EN: "The current password is wrong."}
	msgMustChange      = i18n.Message{VI: "Bạn cần đổi mật khẩu tạm trước khi tiếp tục.", EN: "Change your temporary password before going on."}
	errUnauthenticated = apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
	errBadCredentials  = apperr.New(apperr.Unauthenticated, apperr.MsgBadCredentials)
	errSessionExpired  = apperr.New(apperr.Unauthenticated, apperr.MsgSessionExpired)
)

// ErrMustChangePassword is returned for any operation but changing the
// password while the user holds a temporary one.
var ErrMustChangePassword = apperr.New(apperr.Forbidden, msgMustChange)

// system is the context for the auth tables, which no viewer reads.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// NormalizeUsername is how usernames are stored and looked up.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Login checks a username and password and opens a session. A wrong
// username and a wrong password fail alike; repeated failures for one
// username or one address are refused for a while.
func (s *Service) Login(ctx context.Context, username, password string) (*Payload, error) {
	ctx = system(ctx)
	username = NormalizeUsername(username)
	if username == "" {
		return nil, apperr.Input("username", apperr.MsgRequired)
	}
	if len(username) > 64 || len(password) > MaxPasswordLen {
		return nil, errBadCredentials
	}
	attempts, err := s.attempt(ctx, "user:"+username, "addr:"+reqinfo.FromContext(ctx).Address)
	if err != nil {
		return nil, err
	}
	u, err := s.client.User.Query().Where(user.Username(username)).Only(ctx)
	if ent.IsNotFound(err) {
		VerifyPassword(ctx, dummyHash, password)
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if ok, err := VerifyPassword(ctx, u.PasswordHash, password); ctx.Err() != nil {
		return nil, fmt.Errorf("login: %w", ctx.Err())
	} else if err != nil || !ok {
		return nil, errBadCredentials
	}
	if u.Disabled {
		return nil, s.closed(ctx, u)
	}
	if err := s.succeeded(ctx, attempts); err != nil {
		return nil, err
	}
	// Hashed before the transaction, which on SQLite holds the one writer.
	var rehash string
	if NeedsRehash(u.PasswordHash) {
		if rehash, err = HashPassword(password); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
	}
	var p *Payload
	err = s.withTx(ctx, func(tx *ent.Client) error {
		if rehash != "" {
			if err := tx.User.UpdateOneID(u.ID).SetPasswordHash(rehash).Exec(ctx); err != nil {
				return fmt.Errorf("login: rehash: %w", err)
			}
		}
		info := reqinfo.FromContext(ctx)
		sess, err := tx.Session.Create().
			SetUserID(u.ID).
			SetExpiresAt(s.now().Add(s.cfg.SessionTTL)).
			SetAddress(info.Address).
			SetUserAgent(truncate(info.UserAgent, 300)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if p, err = s.issue(ctx, tx, u, sess.ID); err != nil {
			return err
		}
		v, err := s.viewerOf(ctx, u, sess.ID)
		if err != nil {
			return err
		}
		if err := audit.Record(viewer.NewContext(ctx, v), tx, audit.Entry{Action: "session.login", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath}); err != nil {
			return err
		}
		viewer.Fill(ctx, v)
		return nil
	})
	return p, err
}

// attempt records a sign-in attempt against each key and fails with
// RATE_LIMITED when a key has seen too many failures. Attempts are written
// before the password is checked and outside any request transaction, so
// parallel requests and aliased fields all count.
func (s *Service) attempt(ctx context.Context, keys ...string) ([]int, error) {
	builders := make([]*ent.LoginAttemptCreate, len(keys))
	for i, k := range keys {
		builders[i] = s.client.LoginAttempt.Create().SetKey(k)
	}
	rows, err := s.client.LoginAttempt.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record login attempt: %w", err)
	}
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var counts []struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	}
	err = s.client.LoginAttempt.Query().
		Where(loginattempt.KeyIn(keys...), loginattempt.Succeeded(false), loginattempt.CreatedAtGT(s.now().Add(-s.cfg.ThrottleWindow))).
		GroupBy(loginattempt.FieldKey).
		Aggregate(ent.Count()).
		Scan(ctx, &counts)
	if err != nil {
		return nil, fmt.Errorf("count login attempts: %w", err)
	}
	for _, c := range counts {
		limit := s.cfg.MaxAddrFailures
		if strings.HasPrefix(c.Key, "user:") || strings.HasPrefix(c.Key, claimKeyPrefix) {
			limit = s.cfg.MaxUserFailures
		}
		if c.Count > limit {
			return nil, apperr.New(apperr.RateLimited, apperr.MsgRateLimited, int(s.cfg.ThrottleWindow.Minutes()))
		}
	}
	return ids, nil
}

// succeeded marks attempts whose password was right, so they do not count
// towards the limit.
func (s *Service) succeeded(ctx context.Context, attempts []int) error {
	if err := s.client.LoginAttempt.Update().Where(loginattempt.IDIn(attempts...)).SetSucceeded(true).Exec(ctx); err != nil {
		return fmt.Errorf("record successful attempt: %w", err)
	}
	return nil
}

// ForgetFailures clears the failed sign-ins counted against username, in
// the caller's transaction, when an operator resets its password: its owner,
// who may have been locked out by trying old passwords, signs in with the
// new one at once. Failures counted against a client address stay.
func ForgetFailures(ctx context.Context, tx *ent.Client, username string) error {
	_, err := tx.LoginAttempt.Delete().
		Where(loginattempt.Key("user:"+NormalizeUsername(username)), loginattempt.Succeeded(false)).
		Exec(system(ctx))
	if err != nil {
		return fmt.Errorf("forget failed sign-ins: %w", err)
	}
	return nil
}

// PruneAttempts deletes attempts too old to count.
func (s *Service) PruneAttempts(ctx context.Context) error {
	_, err := s.client.LoginAttempt.Delete().Where(loginattempt.CreatedAtLT(s.now().Add(-s.cfg.ThrottleWindow))).Exec(system(ctx))
	if err != nil {
		return fmt.Errorf("prune login attempts: %w", err)
	}
	return nil
}

// issue creates a refresh token for a session and signs an access token.
func (s *Service) issue(ctx context.Context, tx *ent.Client, u *ent.User, sessionID int) (*Payload, error) {
	refresh := randomToken(32)
	if err := tx.RefreshToken.Create().SetSessionID(sessionID).SetTokenHash(hashToken(refresh)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("store refresh token: %w", err)
	}
	access, exp, err := s.tokens.Issue(u.ID, sessionID)
	if err != nil {
		return nil, err
	}
	return &Payload{AccessToken: access, RefreshToken: refresh, AccessTokenExpiresAt: exp, User: u}, nil
}

// Refresh trades a refresh token for a new pair. The old token stops
// working; presenting it again revokes the whole session, since only a thief
// or a replay would — unless it is a retry (retried): within a minute, while
// the pair the first use made was never used, it answers a new pair instead,
// because on a village network the first answer is often what got lost.
func (s *Service) Refresh(ctx context.Context, refresh string) (*Payload, error) {
	ctx = system(ctx)
	// failure is returned after the transaction commits: a reused token's
	// session must stay revoked although the refresh fails.
	var (
		p       *Payload
		failure error
	)
	err := s.withTx(ctx, func(tx *ent.Client) error {
		found, err := tx.RefreshToken.Query().
			Where(refreshtoken.TokenHash(hashToken(refresh))).
			Only(ctx)
		if ent.IsNotFound(err) {
			failure = errSessionExpired
			return nil
		}
		if err != nil {
			return fmt.Errorf("find refresh token: %w", err)
		}
		// The refreshes of one session take turns: the write takes the
		// session's row lock (PostgreSQL) or the database's (SQLite), and
		// what follows is read after it, so a retry racing its first try
		// sees that try done, not half done.
		if err := tx.Session.UpdateOneID(found.SessionID).SetRefreshedAt(s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("start refresh: %w", err)
		}
		tok, err := tx.RefreshToken.Query().
			Where(refreshtoken.ID(found.ID)).
			WithSession(func(q *ent.SessionQuery) { q.WithUser() }).
			Only(ctx)
		if err != nil {
			return fmt.Errorf("find refresh token: %w", err)
		}
		sess := tok.Edges.Session
		u := sess.Edges.User
		if sess.RevokedAt != nil || !sess.ExpiresAt.After(s.now()) || u.Disabled {
			failure = errSessionExpired
			return nil
		}
		// The update's condition is a second guard, should two uses ever
		// not take turns: only one could see the token unused.
		n, err := tx.RefreshToken.Update().
			Where(refreshtoken.ID(tok.ID), refreshtoken.UsedAtIsNil(), refreshtoken.ReplacedAtIsNil()).
			SetUsedAt(s.now()).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("use refresh token: %w", err)
		}
		fresh := n == 1
		if !fresh {
			if fresh, err = s.retried(ctx, tx, tok); err != nil {
				return err
			}
		}
		if !fresh {
			failure = errSessionExpired
			return s.revoke(ctx, tx, u, sess.ID, "refresh token reused")
		}
		if p, err = s.issue(ctx, tx, u, sess.ID); err != nil {
			return err
		}
		v, err := s.viewerOf(ctx, u, sess.ID)
		if err != nil {
			return err
		}
		viewer.Fill(ctx, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if failure != nil {
		return nil, failure
	}
	return p, nil
}

// retried reports whether a used refresh token presented again is a client
// retrying a refresh whose answer it never got, rather than a stolen copy:
// it was used within RefreshRetry, and no token of the session made since
// has been used. Those tokens are then marked replaced, and the caller
// issues a new one. A replaced token presented later is reuse like any
// other (so a thief's retry ends the session as soon as the owner refreshes
// again), and so is anything else here: the caller ends the session.
func (s *Service) retried(ctx context.Context, tx *ent.Client, tok *ent.RefreshToken) (bool, error) {
	if tok.UsedAt == nil || tok.ReplacedAt != nil || s.now().Sub(*tok.UsedAt) > s.cfg.RefreshRetry {
		return false, nil
	}
	later := []predicate.RefreshToken{refreshtoken.SessionID(tok.SessionID), refreshtoken.IDGT(tok.ID)}
	used, err := tx.RefreshToken.Query().
		Where(append(later, refreshtoken.UsedAtNotNil())...).
		Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("find later refresh tokens: %w", err)
	}
	if used {
		return false, nil
	}
	n, err := tx.RefreshToken.Update().
		Where(append(later, refreshtoken.ReplacedAtIsNil())...).
		SetReplacedAt(s.now()).
		Save(ctx)
	if err != nil {
		return false, fmt.Errorf("replace refresh token: %w", err)
	}
	return n > 0, nil
}

// revoke ends a session and audits why.
func (s *Service) revoke(ctx context.Context, tx *ent.Client, u *ent.User, sessionID int, reason string) error {
	err := tx.Session.Update().
		Where(session.ID(sessionID), session.RevokedAtIsNil()).
		SetRevokedAt(s.now()).SetRevokedReason(reason).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return audit.Record(ctx, tx, audit.Entry{
		Action: "session.revoke", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath,
		Details: map[string]any{"session": sessionID, "reason": reason},
	})
}

// Logout revokes the session of a refresh token. It reports whether a live
// session was ended.
func (s *Service) Logout(ctx context.Context, refresh string) (bool, error) {
	ctx = system(ctx)
	ended := false
	err := s.withTx(ctx, func(tx *ent.Client) error {
		tok, err := tx.RefreshToken.Query().
			Where(refreshtoken.TokenHash(hashToken(refresh))).
			WithSession(func(q *ent.SessionQuery) { q.WithUser() }).
			Only(ctx)
		if ent.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find refresh token: %w", err)
		}
		if tok.Edges.Session.RevokedAt != nil {
			return nil
		}
		ended = true
		return s.revoke(ctx, tx, tok.Edges.Session.Edges.User, tok.SessionID, "logout")
	})
	return ended, err
}

// ChangePassword sets the viewer's password after checking the current one,
// and revokes every other session of theirs.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		return errUnauthenticated
	}
	sctx := system(ctx)
	attempts, err := s.attempt(sctx, "user:"+v.Username)
	if err != nil {
		return err
	}
	u, err := s.client.User.Get(sctx, v.UserID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if ok, err := VerifyPassword(ctx, u.PasswordHash, current); ctx.Err() != nil {
		return fmt.Errorf("change password: %w", ctx.Err())
	} else if err != nil || !ok {
		return apperr.Input("currentPassword", msgWrongPassword)
	}
	if err := s.succeeded(sctx, attempts); err != nil {
		return err
	}
	if err := CheckPassword("newPassword", next, u.Username); err != nil {
		return err
	}
	if next == current {
		return apperr.Input("newPassword", msgSamePassword)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.withTx(sctx, func(tx *ent.Client) error {
		if err := tx.User.UpdateOneID(u.ID).SetPasswordHash(hash).SetMustChangePassword(false).Exec(sctx); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if err := RevokeSessions(sctx, tx, u.ID, v.SessionID, "password changed"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.change_password", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath})
	})
}

// RevokeSessions ends every session of a user but keep (0 keeps none), in
// the caller's transaction: when the password changes, the account is
// disabled or its password reset. The caller audits why.
func RevokeSessions(ctx context.Context, tx *ent.Client, userID, keep int, reason string) error {
	err := tx.Session.Update().
		Where(session.UserID(userID), session.RevokedAtIsNil(), session.IDNEQ(keep)).
		SetRevokedAt(time.Now()).SetRevokedReason(reason).
		Exec(system(ctx))
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// Authenticate turns a bearer token into the viewer it stands for. The user
// and session are read again once the replica's reading is older than
// Config.AccountCacheTTL (accounts.go says what that bounds).
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, error) {
	uid, sid, err := s.tokens.Verify(token)
	if err != nil {
		return nil, errUnauthenticated.Wrap(err)
	}
	k := accountKey{user: uid, session: sid}
	v, gen := s.accounts.get(k)
	if v != nil {
		return v, nil
	}
	read := s.now()
	if v, err = s.readAccount(ctx, uid, sid); err != nil {
		return nil, err
	}
	s.accounts.put(k, v, gen, read)
	return v, nil
}

// readAccount reads the user a session belongs to, if both are still valid.
func (s *Service) readAccount(ctx context.Context, uid, sid int) (*viewer.Viewer, error) {
	ctx = system(ctx)
	u, err := s.client.User.Query().
		Where(
			user.ID(uid),
			user.Disabled(false),
			user.HasSessionsWith(session.ID(sid), session.RevokedAtIsNil(), session.ExpiresAtGT(s.now())),
		).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, errUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return s.viewerOf(ctx, u, sid)
}

// viewerOf builds the viewer of a user.
func (s *Service) viewerOf(ctx context.Context, u *ent.User, sessionID int) (*viewer.Viewer, error) {
	v := &viewer.Viewer{
		UserID: u.ID, Username: u.Username, Role: u.Role,
		ScopeID: u.ScopeID, ScopePath: u.ScopePath, Predecessors: history.Parse(u.ScopePredecessors), SessionID: sessionID,
		MustChangePassword: u.MustChangePassword,
	}
	if u.Role == viewer.RoleCitizen && u.LearningUnitID != nil {
		v.LearningUnitID = *u.LearningUnitID
		lu, err := s.client.LearningUnit.Get(ctx, *u.LearningUnitID)
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("citizen record: %w", err)
		}
		if lu != nil && lu.ParentID != nil {
			v.HouseholdID = *lu.ParentID
		}
	}
	return v, nil
}

// withTx runs f in a transaction of its own on the service's client.
func (s *Service) withTx(ctx context.Context, f func(*ent.Client) error) error {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
