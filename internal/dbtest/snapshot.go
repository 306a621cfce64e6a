package dbtest

import (
	"context"
	"encoding/json"
	"testing"

	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/internal/store"
)

// QueueSnapshot is every row an app's queued writes may touch (learning
// units, registrations, evaluations) and the counts of the change log and
// the audit log, read as the system: a replayed queue must leave it as it
// was.
func QueueSnapshot(t testing.TB, db *store.DB) string {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	var parts []any
	add := func(v any, err error) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, v)
	}
	add(db.LearningUnit.Query().Order(learningunit.ByID()).All(ctx))
	add(db.Registration.Query().Order(registration.ByID()).All(ctx))
	add(db.Evaluation.Query().Order(evaluation.ByID()).All(ctx))
	add(db.Change.Query().Count(ctx))
	add(db.AuditLog.Query().Count(ctx))
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
