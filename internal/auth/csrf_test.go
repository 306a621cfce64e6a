package auth

import "testing"

func TestCSRFToken(t *testing.T) {
	a, err := NewService(nil, []byte("csrf-test-key-0123456789abcdefghij"), DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewService(nil, []byte("another-key-0123456789abcdefghijkl"), DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	tok := a.CSRFToken("s:42")
	for _, tc := range []struct {
		name           string
		svc            *Service
		binding, token string
		want           bool
	}{
		{"same binding", a, "s:42", tok, true},
		{"other session", a, "s:43", tok, false},
		{"other key (another deployment)", b, "s:42", tok, false},
		{"empty token", a, "s:42", "", false},
		{"empty binding", a, "", a.CSRFToken(""), false},
		{"truncated", a, "s:42", tok[:len(tok)-1], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.svc.CheckCSRFToken(tc.binding, tc.token); got != tc.want {
				t.Fatalf("CheckCSRFToken(%q) = %v, want %v", tc.binding, got, tc.want)
			}
		})
	}
	if a.CSRFToken("s:42") != tok {
		t.Fatal("a token must be stable across calls (and replicas)")
	}
}
