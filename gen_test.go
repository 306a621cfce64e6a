package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateRefusesBadArgumentsAtOnce checks that `hoctap generate`
// refuses bad arguments before it generates anything: a weak password was
// once refused after minutes of generating a nation.
func TestGenerateRefusesBadArgumentsAtOnce(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"admin password holds the username", []string{"--admin-password", "national-admin-pw-1"}, "--admin-password"},
		{"admin password too short", []string{"--admin-password", "short"}, "--admin-password"},
		{"load password too short", []string{"--load-password", "x"}, "--load-password"},
		{"scale above 1", []string{"--scale", "2"}, "--scale"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "gen.db")
			err := runGenerate(context.Background(), append([]string{"--db", db}, tt.args...), func(string) string { return "" }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error naming %s", err, tt.want)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the database was created (%v) before the arguments were checked", err)
			}
		})
	}
}
