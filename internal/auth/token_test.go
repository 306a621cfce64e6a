package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyRemembered: a token verified once is not parsed again while it
// is valid, yet everything about it that depends on the time is checked at
// each use, and a token that did not verify is never remembered.
func TestVerifyRemembered(t *testing.T) {
	key := []byte(strings.Repeat("k", MinKeyLen))
	other := []byte(strings.Repeat("o", MinKeyLen))
	issued := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	const ttl = 15 * time.Minute
	type use struct {
		at   time.Duration // after issue
		want error         // nil: verifies
	}
	for _, tc := range []struct {
		name   string
		signer []byte        // key verifies
		nbf    time.Duration // after issue; 0: none
		tamper func(string) string
		uses   []use
	}{
		{name: "valid, used again", signer: key, uses: []use{{0, nil}, {time.Minute, nil}}},
		{name: "within the leeway after expiry", signer: key, uses: []use{{0, nil}, {ttl + leeway - time.Nanosecond, nil}}},
		{name: "expired since its first use", signer: key, uses: []use{{0, nil}, {ttl + leeway, jwt.ErrTokenExpired}}},
		{name: "clock set back within the leeway", signer: key, uses: []use{{0, nil}, {-leeway, nil}}},
		{name: "clock set back before its issue", signer: key, uses: []use{{0, nil}, {-leeway - time.Nanosecond, jwt.ErrTokenUsedBeforeIssued}}},
		{name: "not valid yet, then valid, then the clock set back", signer: key, nbf: time.Minute,
			uses: []use{{0, jwt.ErrTokenNotValidYet}, {time.Minute - leeway, nil}, {time.Minute - leeway - time.Nanosecond, jwt.ErrTokenNotValidYet}}},
		{name: "another key's", signer: other, uses: []use{{0, jwt.ErrTokenSignatureInvalid}, {time.Minute, jwt.ErrTokenSignatureInvalid}}},
		{name: "signature changed", signer: key, tamper: changeSignature,
			uses: []use{{0, jwt.ErrTokenSignatureInvalid}, {time.Minute, jwt.ErrTokenSignatureInvalid}}},
		// base64 with line breaks decodes: the same token, too long to keep.
		{name: "a long text of a token", signer: key, tamper: func(s string) string { return s + strings.Repeat("\n", maxVerifiedTokenLen) },
			uses: []use{{0, nil}, {time.Minute, nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := sign(t, tc.signer, issued, ttl, tc.nbf)
			if tc.tamper != nil {
				tok = tc.tamper(tok)
			}
			now := issued
			tokens, _ := NewTokens(key, ttl)
			tokens.now = func() time.Time { return now }
			for i, u := range tc.uses {
				now = issued.Add(u.at)
				uid, sid, err := tokens.Verify(tok)
				if u.want == nil {
					if err != nil || uid != 7 || sid != 42 {
						t.Fatalf("use %d: user %d session %d, %v; want 7, 42", i, uid, sid, err)
					}
					continue
				}
				if !errors.Is(err, ErrInvalidToken) || !errors.Is(err, u.want) {
					t.Fatalf("use %d: %v, want %v", i, err, u.want)
				}
			}
			if n := tokens.verified.EstimatedSize(); n > 0 && len(tok) > maxVerifiedTokenLen {
				t.Errorf("a token of %d bytes kept", len(tok))
			}
		})
	}
}

// sign signs an access token for user 7's session 42 as Issue does, with a
// not-before time if nbf is not 0.
func sign(t *testing.T, key []byte, issued time.Time, ttl, nbf time.Duration) string {
	t.Helper()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: "7",
			IssuedAt: jwt.NewNumericDate(issued), ExpiresAt: jwt.NewNumericDate(issued.Add(ttl)),
		},
		SessionID: 42,
	}
	if nbf != 0 {
		c.NotBefore = jwt.NewNumericDate(issued.Add(nbf))
	}
	s, err := jwt.NewWithClaims(jwt.GetSigningMethod(signingMethod), c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// changeSignature changes the first character of a token's signature,
// which carries six of its bits.
func changeSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	c := byte('A')
	if tok[i] == c {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// TestVerifyAnswersFromMemory proves the second use is not parsed: with the
// key changed behind its back (which nothing does outside this test), the
// token verified before still verifies and a new one does not.
func TestVerifyAnswersFromMemory(t *testing.T) {
	tokens, _ := NewTokens([]byte(strings.Repeat("k", MinKeyLen)), time.Minute)
	before, _, _ := tokens.Issue(1, 1)
	if _, _, err := tokens.Verify(before); err != nil {
		t.Fatal(err)
	}
	after, _, _ := tokens.Issue(1, 2)
	tokens.key = []byte(strings.Repeat("x", MinKeyLen))
	if _, _, err := tokens.Verify(before); err != nil {
		t.Errorf("a token verified before: %v, want it remembered", err)
	}
	if _, _, err := tokens.Verify(after); !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		t.Errorf("a token never verified: %v, want it parsed and refused", err)
	}
}

// TestVerifiedTokensBounded: however many tokens verify, at most
// maxVerifiedTokens are kept.
func TestVerifiedTokensBounded(t *testing.T) {
	tokens, _ := NewTokens([]byte(strings.Repeat("k", MinKeyLen)), time.Hour)
	for i := range 2*maxVerifiedTokens + 1 {
		tok, _, _ := tokens.Issue(2, i+1)
		if _, _, err := tokens.Verify(tok); err != nil {
			t.Fatal(err)
		}
	}
	tokens.verified.CleanUp()
	if n := tokens.verified.EstimatedSize(); n > maxVerifiedTokens || n == 0 {
		t.Errorf("%d tokens kept, want some and at most %d", n, maxVerifiedTokens)
	}
}

// BenchmarkVerify: a token's first use against its later ones.
//
//	go test ./internal/auth -run '^$' -bench Verify -benchmem
func BenchmarkVerify(b *testing.B) {
	tokens, _ := NewTokens([]byte(strings.Repeat("k", MinKeyLen)), time.Hour)
	tok, _, _ := tokens.Issue(1, 1)
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			tokens.verified.InvalidateAll()
			if _, _, err := tokens.Verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := tokens.Verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
