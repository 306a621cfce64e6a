package config

import (
	"os"
	"path/filepath"
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
