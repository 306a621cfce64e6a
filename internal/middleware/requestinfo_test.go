package middleware

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func prefixes(t *testing.T, s ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(s))
	for i, p := range s {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

// TestClientAddress: the client address is the one the outermost trusted
// proxy saw, never an entry the client wrote itself.
func TestClientAddress(t *testing.T) {
	lb := prefixes(t, "10.0.0.0/8")
	chain := prefixes(t, "10.0.0.0/8", "198.51.100.7/32", "2001:db8:ffff::/48")
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string // one element per header line
		want    string
	}{
		{"no proxies: the peer", nil, "203.0.113.7:5000", nil, "203.0.113.7"},
		{"no proxies: a forged header is ignored", nil, "203.0.113.7:5000", []string{"1.1.1.1"}, "203.0.113.7"},
		{"untrusted peer: its header is ignored", lb, "203.0.113.7:5000", []string{"1.1.1.1, 10.0.0.9"}, "203.0.113.7"},
		{"one proxy", lb, "10.0.0.2:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"one proxy, spoofed leftmost entries", lb, "10.0.0.2:5000", []string{"1.1.1.1, 8.8.8.8, 203.0.113.7"}, "203.0.113.7"},
		{"spoofed entry that looks like a proxy", lb, "10.0.0.2:5000", []string{"10.9.9.9, 203.0.113.7"}, "203.0.113.7"},
		{"several proxies", chain, "10.0.0.2:5000", []string{"1.1.1.1, 203.0.113.7, 198.51.100.7, 10.0.0.3"}, "203.0.113.7"},
		{"several header lines in order", chain, "10.0.0.2:5000", []string{"1.1.1.1, 203.0.113.7", "198.51.100.7", "10.0.0.3"}, "203.0.113.7"},
		{"only the configured hops are skipped", lb, "10.0.0.2:5000", []string{"203.0.113.7, 198.51.100.7"}, "198.51.100.7"},
		{"trusted peer without header", lb, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"every hop trusted: the farthest", lb, "10.0.0.2:5000", []string{"10.1.2.3, 10.0.0.3"}, "10.1.2.3"},
		{"entries with ports", lb, "10.0.0.2:5000", []string{"1.1.1.1:80, 203.0.113.7:4711"}, "203.0.113.7"},
		{"IPv6 client", lb, "10.0.0.2:5000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv6 client with port", lb, "10.0.0.2:5000", []string{"[2001:db8::1]:4711"}, "2001:db8::1"},
		{"IPv6 proxy", chain, "[2001:db8:ffff::2]:443", []string{"1.1.1.1, 203.0.113.7"}, "203.0.113.7"},
		{"IPv6 peer, untrusted", lb, "[2001:db8::5]:443", []string{"203.0.113.7"}, "2001:db8::5"},
		{"IPv4-mapped peer is its IPv4 address", lb, "[::ffff:10.0.0.2]:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"IPv4-mapped entry is its IPv4 address", lb, "10.0.0.2:5000", []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"zone dropped", lb, "10.0.0.2:5000", []string{"fe80::1%eth0"}, "fe80::1"},
		{"malformed rightmost: the proxy itself", lb, "10.0.0.2:5000", []string{"1.1.1.1, unknown"}, "10.0.0.2"},
		{"malformed behind a trusted hop: that hop", lb, "10.0.0.2:5000", []string{"1.1.1.1, garbage, 10.0.0.3"}, "10.0.0.3"},
		{"malformed left of the client: never read", lb, "10.0.0.2:5000", []string{"<script>, 203.0.113.7"}, "203.0.113.7"},
		{"empty entries", lb, "10.0.0.2:5000", []string{",,"}, "10.0.0.2"},
		{"empty header", lb, "10.0.0.2:5000", []string{""}, "10.0.0.2"},
		{"peer not an address", lb, "@", []string{"203.0.113.7"}, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddress(r, tc.trusted); got != tc.want {
				t.Errorf("ClientAddress = %q, want %q", got, tc.want)
			}
		})
	}
}
