package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPrecedence(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	env := map[string]string{
		"HOCTAP_ADDR":             ":9000",
		"HOCTAP_DATABASE_URL":     "postgres://x/y",
		"HOCTAP_JWT_SECRET_FILE":  secret,
		"HOCTAP_DEV":              "true",
		"HOCTAP_ACCESS_TOKEN_TTL": "5m",
	}
	c, err := Load([]string{"--addr", ":7000", "--demo=false"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":7000" {
		t.Errorf("addr %q: the flag must win over the environment", c.Addr)
	}
	if c.DatabaseURL != "postgres://x/y" || !c.Dev || c.AccessTTL != 5*time.Minute {
		t.Errorf("environment not applied: %+v", c)
	}
	if string(c.JWTSecret) != "0123456789abcdef0123456789abcdef" {
		t.Errorf("secret from _FILE = %q (trailing newline must go)", c.JWTSecret)
	}
	if c.Demo == nil || *c.Demo {
		t.Errorf("demo = %v, want false", c.Demo)
	}
	d, err := Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if d.Addr != ":8080" || d.DatabaseURL != "hoctap.db" || d.Demo != nil || d.AccessTTL != 15*time.Minute || d.JWTSecret != nil {
		t.Errorf("defaults: %+v", d)
	}
}

// TestTrustedProxies: the proxies are named by address or prefix, checked
// at start-up with a message naming the setting, and the deprecated
// --trust-proxy still works as the private networks it always meant.
func TestTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    []string // prefixes, nil for none
		warns   bool
		wantErr string
	}{
		{name: "none", want: nil},
		{name: "addresses and prefixes", args: []string{"--trusted-proxies", " 10.0.0.0/8, 192.0.2.10 ,fd00::/8,2001:db8::1"},
			want: []string{"10.0.0.0/8", "192.0.2.10/32", "fd00::/8", "2001:db8::1/128"}},
		{name: "from the environment", env: map[string]string{"HOCTAP_TRUSTED_PROXIES": "172.20.0.0/16"}, want: []string{"172.20.0.0/16"}},
		{name: "the flag wins", args: []string{"--trusted-proxies=10.1.0.0/16"}, env: map[string]string{"HOCTAP_TRUSTED_PROXIES": "172.20.0.0/16"},
			want: []string{"10.1.0.0/16"}},
		{name: "host bits masked", args: []string{"--trusted-proxies=10.1.2.3/16"}, want: []string{"10.1.0.0/16"}},
		{name: "mapped IPv4 prefix", args: []string{"--trusted-proxies=::ffff:10.0.0.0/104"}, want: []string{"10.0.0.0/8"}},
		{name: "deprecated flag", args: []string{"--trust-proxy"}, warns: true,
			want: []string{"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"}},
		{name: "deprecated variable", env: map[string]string{"HOCTAP_TRUST_PROXY": "true"}, warns: true,
			want: []string{"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"}},
		{name: "deprecated flag off", args: []string{"--trust-proxy=false"}, want: nil},
		{name: "both", args: []string{"--trust-proxy", "--trusted-proxies=10.0.0.1"}, wantErr: "keep only --trusted-proxies"},
		{name: "not an address", args: []string{"--trusted-proxies=10.0.0.300"}, wantErr: `--trusted-proxies (HOCTAP_TRUSTED_PROXIES): "10.0.0.300" is neither`},
		{name: "a host name", args: []string{"--trusted-proxies=proxy.local"}, wantErr: `"proxy.local" is neither`},
		{name: "bad prefix", args: []string{"--trusted-proxies=10.0.0.0/33"}, wantErr: `"10.0.0.0/33" is not a CIDR prefix`},
		{name: "everyone", args: []string{"--trusted-proxies=0.0.0.0/0"}, wantErr: "would trust every address"},
		{name: "everyone, IPv6", args: []string{"--trusted-proxies=10.0.0.1,::/0"}, wantErr: "would trust every address"},
		{name: "only commas", args: []string{"--trusted-proxies= , "}, wantErr: "no address or prefix"},
		{name: "zone", args: []string{"--trusted-proxies=fe80::1%eth0"}, wantErr: "is neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.args, func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range c.TrustedProxies {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("proxies %v, want %v", got, tc.want)
			}
			if (len(c.Warnings) > 0) != tc.warns {
				t.Errorf("warnings %q, want some: %v", c.Warnings, tc.warns)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	d, err := Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxBody != 1<<20 || d.RequestTimeout != 30*time.Second {
		t.Errorf("defaults: max body %d, request timeout %v; want 1 MiB and 30s", d.MaxBody, d.RequestTimeout)
	}
	env := map[string]string{"HOCTAP_MAX_BODY": "512KiB", "HOCTAP_REQUEST_TIMEOUT": "1m"}
	c, err := Load([]string{"--request-timeout", "5s"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxBody != 512<<10 || c.RequestTimeout != 5*time.Second {
		t.Errorf("max body %d, request timeout %v; want 524288 from the environment and 5s from the flag", c.MaxBody, c.RequestTimeout)
	}
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--max-body", "10"}, nil, "--max-body"},
		{[]string{"--max-body", "65MiB"}, nil, "--max-body"},
		{[]string{"--max-body", "1GiB"}, nil, "max-body"},
		{nil, map[string]string{"HOCTAP_MAX_BODY": "lots"}, "HOCTAP_MAX_BODY"},
		{nil, map[string]string{"HOCTAP_MAX_BODY": "-1"}, "HOCTAP_MAX_BODY"},
		{[]string{"--request-timeout", "0s"}, nil, "--request-timeout"},
		{nil, map[string]string{"HOCTAP_REQUEST_TIMEOUT": "1h"}, "--request-timeout"},
	} {
		if _, err := Load(tt.args, func(k string) string { return tt.env[k] }); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%v, %v) = %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestMetricsAddr(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string // the address, or with err what the error names
		err  bool
	}{
		{nil, nil, "", false},
		{nil, map[string]string{"HOCTAP_METRICS_ADDR": "127.0.0.1:9090"}, "127.0.0.1:9090", false},
		{[]string{"--metrics-addr", ":9100"}, map[string]string{"HOCTAP_METRICS_ADDR": "127.0.0.1:9090"}, ":9100", false},
		{[]string{"--metrics-addr", "[::1]:9090"}, nil, "[::1]:9090", false},
		{[]string{"--metrics-addr", "localhost:0"}, nil, "localhost:0", false},
		{[]string{"--metrics-addr", "9090"}, nil, "--metrics-addr", true},
		{[]string{"--metrics-addr", "127.0.0.1:http"}, nil, "--metrics-addr", true},
		{[]string{"--metrics-addr", ":70000"}, nil, "--metrics-addr", true},
		{nil, map[string]string{"HOCTAP_METRICS_ADDR": "::1:9090"}, "HOCTAP_METRICS_ADDR", true},
		{[]string{"--addr", ":8080", "--metrics-addr", ":8080"}, nil, "--addr too", true},
	} {
		c, err := Load(tt.args, func(k string) string { return tt.env[k] })
		switch {
		case tt.err && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Load(%v, %v) = %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		case !tt.err && err != nil:
			t.Errorf("Load(%v, %v): %v", tt.args, tt.env, err)
		case !tt.err && c.MetricsAddr != tt.want:
			t.Errorf("Load(%v, %v): metrics address %q, want %q", tt.args, tt.env, c.MetricsAddr, tt.want)
		}
	}
}

func TestCORSOrigins(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"https://app.hoctap.vn, http://localhost:3000", []string{"https://app.hoctap.vn", "http://localhost:3000"}, false},
		{"https://*.hungyen.gov.vn", []string{"https://*.hungyen.gov.vn"}, false},
		{"HTTPS://App.Hoctap.VN", []string{"https://app.hoctap.vn"}, false},
		{"*", nil, true},
		{"app.hoctap.vn", nil, true},
		{"ftp://app.hoctap.vn", nil, true},
		{"https://app.hoctap.vn/path", nil, true},
		{"https://a*b.vn", nil, true},
		{" , ", nil, true},
	} {
		c, err := Load(nil, func(k string) string {
			if k == "HOCTAP_CORS_ORIGINS" {
				return tt.env
			}
			return ""
		})
		switch {
		case tt.bad && err == nil:
			t.Errorf("%q: accepted as %v", tt.env, c.CORSOrigins)
		case !tt.bad && err != nil:
			t.Errorf("%q: %v", tt.env, err)
		case !tt.bad && !slices.Equal(c.CORSOrigins, tt.want):
			t.Errorf("%q: %v, want %v", tt.env, c.CORSOrigins, tt.want)
		}
	}
}
