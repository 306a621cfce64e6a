package middleware

import (
	"net/http"
	"net/netip"
	"strings"

	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
)

// RequestInfo gives every request an id (echoed in X-Request-Id) and records
// the client address (see ClientAddress): sign-in throttling counts by it and
// the audit log keeps it.
func RequestInfo(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info := reqinfo.Info{ID: reqinfo.NewID(), Address: ClientAddress(r, trusted), UserAgent: r.UserAgent()}
			w.Header().Set("X-Request-Id", info.ID)
			ctx := reqinfo.NewContext(r.Context(), info)
			ctx = i18n.NewContext(ctx, i18n.FromRequest(r))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// ClientAddress is the address of the client that sent r. Without trusted
// proxies, or when the TCP peer is not one of them, it is the peer's: any
// X-Forwarded-For then was written by the client and means nothing.
//
// Behind trusted proxies it walks X-Forwarded-For from the right, the end
// each proxy appends to, and takes the first address that is not a trusted
// proxy: the one the outermost trusted proxy saw. The entries left of it are
// whatever the client sent, so they are never read. An entry that is not an
// address was not appended by a trusted proxy; the walk stops there and
// keeps the last address a trusted proxy vouched for.
func ClientAddress(r *http.Request, trusted []netip.Prefix) string {
	peer, ok := parseHost(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !contains(trusted, peer) {
		return peer.String()
	}
	client := peer
	xff := strings.Join(r.Header.Values("X-Forwarded-For"), ",")
	for xff != "" {
		var entry string
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			xff, entry = xff[:i], xff[i+1:]
		} else {
			xff, entry = "", xff
		}
		a, ok := parseHost(strings.TrimSpace(entry))
		if !ok {
			break
		}
		client = a
		if !contains(trusted, a) {
			break
		}
	}
	return client.String()
}

// parseHost reads an address with or without a port ("192.0.2.1",
// "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]:4711"), as peers and
// proxies write them, without its IPv6 zone and with a mapped IPv4 address
// unmapped, so one client has one spelling.
func parseHost(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

func contains(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
