package setup_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/privacy"
	"hoctap/ent/session"
	"hoctap/internal/apperr"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/setup"
	"hoctap/internal/store"
	"hoctap/internal/users"
)

// TestResetPassword resets a password as `hoctap reset-password` does, on
// both databases, for an account locked out by wrong passwords and signed
// in elsewhere: the new password works at once and must be changed, the old
// one and the old sessions end, and the audit log says the system did it.
// A bad request changes nothing.
func TestResetPassword(t *testing.T) {
	const chosen = "Mat-khau-moi-2026"
	for _, tt := range []struct {
		name, username, password string
		wantErr                  error       // an error that is this one,
		wantCode                 apperr.Code // or one with this code
	}{
		{name: "generated", username: "manager"},
		{name: "chosen", username: "manager", password: chosen},
		{name: "username as typed", username: "  Manager ", password: chosen},
		{name: "unknown account", username: "nobody", wantErr: setup.ErrNoUser},
		{name: "weak password", username: "manager", password: "short", wantCode: apperr.BadUserInput},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				sys := privacy.DecisionContext(ctx, privacy.Allow)
				fx := fixture.Build(t, db.Client)
				manager := fx.Users["manager"]
				svc, err := auth.NewService(db.Client, []byte("setup-test-key-0123456789abcdef!"), auth.DefaultConfig)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Login(ctx, "manager", fixture.Password); err != nil {
					t.Fatal(err)
				}
				// Locked out: the right password is refused now.
				for i := range auth.DefaultConfig.MaxUserFailures {
					svc.Login(ctx, "manager", fmt.Sprintf("wrong %d", i))
				}
				if _, err := svc.Login(ctx, "manager", fixture.Password); apperr.CodeOf(err) != apperr.RateLimited {
					t.Fatalf("after %d wrong passwords: %v, want RATE_LIMITED", auth.DefaultConfig.MaxUserFailures, err)
				}

				u, password, err := setup.ResetPassword(ctx, db.Client, tt.username, tt.password)
				openSessions := db.Client.Session.Query().Where(session.UserID(manager.ID), session.RevokedAtIsNil()).CountX(sys)
				entries := db.Client.AuditLog.Query().Where(auditlog.Action("user.reset_password")).AllX(sys)
				if tt.wantErr != nil || tt.wantCode != "" {
					if tt.wantErr != nil && !errors.Is(err, tt.wantErr) || tt.wantCode != "" && apperr.CodeOf(err) != tt.wantCode {
						t.Fatalf("ResetPassword: %v, want %v%s", err, tt.wantErr, tt.wantCode)
					}
					if openSessions != 1 || len(entries) != 0 {
						t.Errorf("a refused reset changed things: %d open sessions (want 1), %d audit entries", openSessions, len(entries))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.password == "" && len(password) != users.TemporaryPasswordLen:
					t.Errorf("generated password %q, want %d characters", password, users.TemporaryPasswordLen)
				case tt.password != "" && password != tt.password:
					t.Errorf("password set %q, want %q", password, tt.password)
				}
				if u.ID != manager.ID || !u.MustChangePassword {
					t.Errorf("reset user %d (want %d), must change password: %v", u.ID, manager.ID, u.MustChangePassword)
				}
				if openSessions != 0 {
					t.Errorf("%d sessions still open", openSessions)
				}
				if _, err := svc.Login(ctx, "manager", fixture.Password); apperr.CodeOf(err) != apperr.Unauthenticated {
					t.Errorf("the old password: %v, want UNAUTHENTICATED", err)
				}
				p, err := svc.Login(ctx, "manager", password)
				if err != nil {
					t.Fatalf("the new password: %v", err)
				}
				if !p.User.MustChangePassword {
					t.Error("the new password need not be changed")
				}
				if len(entries) != 1 || entries[0].TargetID == nil || *entries[0].TargetID != manager.ID ||
					entries[0].ActorName != "system" || entries[0].ActorID != nil || entries[0].ScopePath != manager.ScopePath {
					t.Errorf("audit entries %+v, want one by the system about user %d", entries, manager.ID)
				}
			})
		})
	}
}
