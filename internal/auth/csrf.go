package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// csrfLabel separates the anti-forgery key from every other use of the
// signing key.
const csrfLabel = "hoctap csrf v1"

// CSRFToken returns the anti-forgery token of a binding: the console binds
// its forms to the session id, or to a random pre-session cookie before
// sign-in. It is an HMAC under a key derived from the token signing key, so
// every replica computes the same token and no state is stored.
func (s *Service) CSRFToken(binding string) string {
	mac := hmac.New(sha256.New, s.csrfKey())
	mac.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRFToken reports whether token is the anti-forgery token of
// binding, comparing in constant time. An empty binding or token never
// passes.
func (s *Service) CheckCSRFToken(binding, token string) bool {
	if binding == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(s.CSRFToken(binding)), []byte(token))
}

func (s *Service) csrfKey() []byte {
	mac := hmac.New(sha256.New, s.tokens.key)
	mac.Write([]byte(csrfLabel))
	return mac.Sum(nil)
}
