package genpatch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	const src = "a := f(x)\nb := f(y)\n"
	for _, tt := range []struct {
		name  string
		edits []Edit
		want  string // the file after; src when Apply fails
		fails bool
	}{
		{"every occurrence", []Edit{{"f(", "g("}}, "a := g(x)\nb := g(y)\n", false},
		{"in order", []Edit{{"f(x)", "h(x)"}, {"h(", "k("}}, "a := k(x)\nb := f(y)\n", false},
		{"text gone: nothing written", []Edit{{"f(", "g("}, {"missing", "x"}}, src, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "gen.go")
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Apply(file, tt.edits...)
			if (err != nil) != tt.fails {
				t.Fatalf("Apply: %v, want failure %v", err, tt.fails)
			}
			if err != nil && !strings.Contains(err.Error(), "missing") {
				t.Errorf("the error does not name the text it missed: %v", err)
			}
			got, _ := os.ReadFile(file)
			if string(got) != tt.want {
				t.Errorf("file:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
