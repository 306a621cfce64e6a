package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestResetPasswordCommand runs `hoctap reset-password` on both databases:
// the admin signs in with the password it prints (or the one given), which
// must then be changed; mistakes say what is wrong and change nothing.
func TestResetPasswordCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.Build(t, db.Client)
		svc, err := auth.NewService(db.Client, []byte("reset-command-key-0123456789abcd"), auth.DefaultConfig)
		if err != nil {
			t.Fatal(err)
		}
		printed := regexp.MustCompile(`temporary password of admin: (\S+) `)
		for _, tt := range []struct {
			name string
			args []string
			env  map[string]string
			// the password to sign in with afterwards: printed (""), or given
			password string
			wantErr  string
		}{
			{name: "generated", args: []string{"--db", db.DSN}},
			{name: "from the environment", env: map[string]string{"HOCTAP_DATABASE_URL": db.DSN}},
			{name: "given", args: []string{"--db", db.DSN, "--user", "admin", "--password", "Quan-tri-2026!"}, password: "Quan-tri-2026!"},
			{name: "unknown account", args: []string{"--db", db.DSN, "--user", "nobody"}, wantErr: `no account "nobody" (--user)`},
			{name: "weak password", args: []string{"--db", db.DSN, "--password", "admin123"}, wantErr: "--password"},
			{name: "no database there", args: []string{"--db", t.TempDir() + "/missing.db"}, wantErr: "no SQLite database"},
			{name: "stray argument", args: []string{"--db", db.DSN, "admin"}, wantErr: "unexpected arguments"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var out bytes.Buffer
				err := runResetPassword(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &out)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("reset-password %v = %v, want an error naming %s", tt.args, err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("reset-password %v: %v", tt.args, err)
				}
				password := tt.password
				if password == "" {
					m := printed.FindStringSubmatch(out.String())
					if m == nil {
						t.Fatalf("no password printed:\n%s", out.String())
					}
					password = m[1]
				}
				p, err := svc.Login(context.Background(), "admin", password)
				if err != nil {
					t.Fatalf("admin signs in with the new password: %v\n%s", err, out.String())
				}
				if !p.User.MustChangePassword || !strings.Contains(out.String(), "must be changed at the next sign-in") {
					t.Errorf("the new password need not be changed, or the command does not say so:\n%s", out.String())
				}
			})
		}
	})
}
