// Package audit appends entries to the audit log. Entries are written as the
// system, in the caller's transaction when there is one, so a change and its
// entry commit or roll back together.
package audit

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/reqinfo"
	"hoctap/internal/viewer"
)

// Entry is one change to record.
type Entry struct {
	Action     string
	TargetType string
	TargetID   int
	// ScopePath places the entry in the hierarchy: managers read the entries
	// of their scope.
	ScopePath string
	Details   map[string]any
}

// Record appends e, attributed to the viewer of ctx (or the system).
func Record(ctx context.Context, c *ent.Client, e Entry) error {
	info := reqinfo.FromContext(ctx)
	b := c.AuditLog.Create().
		SetAction(e.Action).
		SetTargetType(e.TargetType).
		SetScopePath(e.ScopePath).
		SetAddress(info.Address).
		SetRequestID(info.ID).
		SetActorName("system")
	if e.TargetID != 0 {
		b.SetTargetID(e.TargetID)
	}
	if e.Details != nil {
		b.SetDetails(e.Details)
	}
	if v := viewer.FromContext(ctx); v != nil {
		b.SetActorID(v.UserID).SetActorName(v.Username)
	}
	if err := b.Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
