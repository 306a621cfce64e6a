package auth

import (
	"bytes"
	"context"
	"database/sql"

	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hoctap/ent"
	"hoctap/ent/setting"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/maypok86/otter/v2"
)

// Token settings.
const (
	Issuer   = "hoctap"
	Audience = "hoctap-api"
	// signingMethod is the only algorithm accepted; a token naming any other
	// (including "none") is rejected before its signature is looked at.
	signingMethod = "HS256"
	// MinKeyLen is the shortest signing key accepted from configuration.
	MinKeyLen = 32
	// leeway is the clock skew allowed to a token's issue and expiry times.
	leeway = 5 * time.Second
)

// Claims are the claims of an access token.
type Claims struct {
	jwt.RegisteredClaims
	// SessionID ties the token to its session, so revoking the session ends
	// the token at once.
	SessionID int `json:"sid"`
}

// Tokens issues and verifies access tokens.
type Tokens struct {
	key      []byte
	ttl      time.Duration
	now      func() time.Time
	verified *otter.Cache[string, verifiedToken] // see verifiedToken
}

// NewTokens returns a token issuer signing with key; tokens live ttl.
func NewTokens(key []byte, ttl time.Duration) (*Tokens, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("token signing key: %d bytes, want at least %d", len(key), MinKeyLen)
	}
	// A copy: what Verify remembers (verifiedToken) holds only while the
	// key never changes.
	return &Tokens{key: bytes.Clone(key), ttl: ttl, now: time.Now,
		verified: otter.Must(&otter.Options[string, verifiedToken]{MaximumSize: maxVerifiedTokens})}, nil
}

// Issue returns a signed access token for a user's session and its expiry.
func (t *Tokens) Issue(userID, sessionID int) (string, time.Time, error) {
	now := t.now().UTC().Truncate(time.Second)
	exp := now.Add(t.ttl)
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{Audience},
			Subject:   strconv.Itoa(userID),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        randomToken(12),
		},
		SessionID: sessionID,
	}
	s, err := jwt.NewWithClaims(jwt.GetSigningMethod(signingMethod), claims).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign access token: %w", err)
	}
	return s, exp, nil
}

// ErrInvalidToken is returned for any access token that does not verify.
var ErrInvalidToken = errors.New("invalid access token")

// Verify checks an access token's algorithm, signature, issuer, audience and
// expiry, and returns the user and session it was issued for.
func (t *Tokens) Verify(token string) (userID, sessionID int, err error) {
	now := t.now()
	// Outside its times, a token kept is parsed again, which says why it is
	// refused.
	if v, ok := t.verified.GetIfPresent(token); ok && v.valid(now) {
		return v.user, v.session, nil
	}
	var c Claims
	_, err = jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{signingMethod}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	userID, err = strconv.Atoi(c.Subject)
	if err != nil || userID <= 0 || c.SessionID <= 0 {
		return 0, 0, fmt.Errorf("%w: bad subject or session", ErrInvalidToken)
	}
	// The parser required exp, and checked iat and nbf where given.
	v := verifiedToken{user: userID, session: c.SessionID, until: c.ExpiresAt.Add(leeway)}
	for _, d := range []*jwt.NumericDate{c.IssuedAt, c.NotBefore} {
		if d != nil && d.Add(-leeway).After(v.from) {
			v.from = d.Add(-leeway)
		}
	}
	if len(token) <= maxVerifiedTokenLen {
		// A copy: the token may be part of a larger string.
		t.verified.Set(strings.Clone(token), v)
	}
	return userID, c.SessionID, nil
}

// maxVerifiedTokens bounds the tokens Tokens remembers, and
// maxVerifiedTokenLen the texts kept: the ones Issue signs are about 300
// bytes, and a longer text of the same token (base64 with line breaks in
// it verifies) is parsed each time rather than kept.
const (
	maxVerifiedTokens   = 8192
	maxVerifiedTokenLen = 1024
)

// verifiedToken is what Tokens remembers of an access token it verified, by
// its text. A token's algorithm, signature, issuer, audience and claims are
// facts of its text and the key, so an app sending the same token with each
// of its requests is parsed and its HMAC computed once, not each time (that
// was 3.5% of the server's CPU opening a household). What depends on the
// time is checked at each use against the times kept; the session and
// account behind the token are Authenticate's to check, after this, as
// before. Only tokens that verified are kept.
type verifiedToken struct {
	user, session int
	// from and until bound when the token is valid, the leeway included:
	// from <= now < until.
	from, until time.Time
}

func (v verifiedToken) valid(now time.Time) bool {
	return !now.Before(v.from) && now.Before(v.until)
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how refresh tokens are stored: a leaked table does not give
// usable tokens. The tokens are 256 random bits, so a fast hash suffices.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// settingSigningKey names the generated signing key in the settings table.
const settingSigningKey = "jwt_signing_key"

// SigningKey returns configured when set; otherwise the key kept in the
// database, generating it on first use. Replicas race to insert it; the
// unique key makes one win and all read the same.
func SigningKey(ctx context.Context, c *ent.Client, configured []byte) ([]byte, error) {
	if configured != nil {
		return configured, nil
	}
	ctx = system(ctx)
	err := c.Setting.Create().SetKey(settingSigningKey).SetValue(randomToken(48)).
		OnConflictColumns(setting.FieldKey).DoNothing().Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	s, err := c.Setting.Query().Where(setting.Key(settingSigningKey)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	return []byte(s.Value), nil
}
