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
	for _, tc := range []struct {
		name string
		// at is when the token is used the second time, after a first
		// use at issue.
		at time.Duration
		// signer signs the token; key verifies it.
		signer []byte
		// tamper changes the token's text before both uses.
		tamper func(string) string
		want   error // nil: both uses verify
	}{
		{name: "valid, used again", at: time.Minute, signer: key},
		{name: "within the leeway after expiry", at: ttl + leeway - time.Second, signer: key},
		{name: "expired since its first use", at: ttl + leeway, signer: key, want: jwt.ErrTokenExpired},
		{name: "clock set back before its issue", at: -leeway - time.Second, signer: key, want: jwt.ErrTokenUsedBeforeIssued},
		{name: "another key's", at: time.Minute, signer: other, want: jwt.ErrTokenSignatureInvalid},
		{name: "signature changed", at: time.Minute, signer: key, want: jwt.ErrTokenSignatureInvalid, tamper: changeSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := issued
			signer, _ := NewTokens(tc.signer, ttl)
			signer.now = func() time.Time { return issued }
			tok, _, err := signer.Issue(7, 42)
			if err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				tok = tc.tamper(tok)
			}
			tokens, _ := NewTokens(key, ttl)
			tokens.now = func() time.Time { return now }
			uid, sid, err := tokens.Verify(tok)
			firstOK := tc.want == nil || errors.Is(tc.want, jwt.ErrTokenExpired) || errors.Is(tc.want, jwt.ErrTokenUsedBeforeIssued)
			if firstOK != (err == nil) {
				t.Fatalf("first use: %v", err)
			}
			if err == nil && (uid != 7 || sid != 42) {
				t.Fatalf("first use: user %d session %d, want 7 and 42", uid, sid)
			}
			now = issued.Add(tc.at)
			uid, sid, err = tokens.Verify(tok)
			if tc.want == nil {
				if err != nil || uid != 7 || sid != 42 {
					t.Fatalf("second use: user %d session %d, %v; want 7, 42", uid, sid, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidToken) || !errors.Is(err, tc.want) {
				t.Fatalf("second use: %v, want %v", err, tc.want)
			}
		})
	}
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

// TestVerifiedTokensBounded: however many tokens verify, at most two
// generations are kept, and a token in use survives the turn of one.
func TestVerifiedTokensBounded(t *testing.T) {
	tokens, _ := NewTokens([]byte(strings.Repeat("k", MinKeyLen)), time.Hour)
	hot, _, _ := tokens.Issue(1, 1)
	for i := range 3*maxVerifiedTokens + 1 {
		tok, _, _ := tokens.Issue(2, i+1)
		if _, _, err := tokens.Verify(tok); err != nil {
			t.Fatal(err)
		}
		if i%(maxVerifiedTokens/2) == 0 {
			if _, _, err := tokens.Verify(hot); err != nil {
				t.Fatal(err)
			}
		}
	}
	vt := &tokens.verified
	if n := len(vt.cur) + len(vt.old); n > 2*maxVerifiedTokens {
		t.Errorf("%d tokens kept, want at most %d", n, 2*maxVerifiedTokens)
	}
	_, inCur := vt.cur[hot]
	_, inOld := vt.old[hot]
	if !inCur && !inOld {
		t.Error("the token used all along was dropped")
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
			tokens.verified = verifiedTokens{}
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
