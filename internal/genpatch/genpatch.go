// Package genpatch makes the few changes hoctap's generators (ent/entc.go,
// graph/gqlgen.go) apply to what ent and gqlgen write.
package genpatch

import (
	"bytes"
	"fmt"
	"os"
)

// Edit replaces From with To in a generated file.
type Edit struct{ From, To string }

// Apply makes the edits to file, in order. Each must find its text, or
// Apply fails and writes nothing: a generator upgrade that changes its
// output must be looked at, not silently let through.
func Apply(file string, edits ...Edit) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("patch %s: %w", file, err)
	}
	for _, e := range edits {
		if !bytes.Contains(src, []byte(e.From)) {
			return fmt.Errorf("patch %s: no %q in it: has the generator's template changed?", file, e.From)
		}
		src = bytes.ReplaceAll(src, []byte(e.From), []byte(e.To))
	}
	return os.WriteFile(file, src, 0o644)
}
