package graph_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/graph"
	"hoctap/graph/schemacheck"
)

var updateSchema = flag.Bool("update-schema", false, "write the served schema to "+snapshotPath+" (refused while a breaking change is not named in CHANGELOG.md)")

// snapshotPath is the contract client teams code against, committed.
const snapshotPath = "../schema.graphql"

// TestSchemaSnapshot keeps the committed snapshot equal to the schema the
// server serves, and every breaking change deliberate: updating the
// snapshot (go test ./graph -run TestSchemaSnapshot -update-schema) is
// refused until CHANGELOG.md names each breaking change from the committed
// one, in the words schemacheck.Breaking uses.
func TestSchemaSnapshot(t *testing.T) {
	served := graph.NewExecutableSchema(graph.Config{}).Schema()
	cur := schemacheck.Format(served)
	committed, err := os.ReadFile(snapshotPath)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if string(committed) == cur {
		return
	}
	var missing []string
	if len(committed) > 0 {
		old, err := gqlparser.LoadSchema(&ast.Source{Name: snapshotPath, Input: string(committed)})
		if err != nil {
			t.Fatalf("%s: %v", snapshotPath, err)
		}
		changelog, err := os.ReadFile("../CHANGELOG.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range schemacheck.Breaking(old, served) {
			if !strings.Contains(string(changelog), b) {
				missing = append(missing, b)
			}
		}
	}
	switch {
	case len(missing) > 0:
		t.Fatalf("breaking changes from %s not named in CHANGELOG.md (add each line as written, under the release that makes it):\n%s",
			snapshotPath, strings.Join(missing, "\n"))
	case !*updateSchema:
		t.Fatalf("the served schema differs from %s: run go test ./graph -run TestSchemaSnapshot -update-schema and commit it", snapshotPath)
	}
	if err := os.WriteFile(snapshotPath, []byte(cur), 0o644); err != nil {
		t.Fatal(err)
	}
}
