package auth_test

import (
	"context"
	"testing"
	"time"

	"hoctap/ent/privacy"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// TestAccountChangesReachEveryReplica proves the bound the README states:
// a session ended, a user disabled or given another role is seen by the
// replica that made the change at the next request, and by every other
// replica within auth.DefaultAccountCacheTTL, during which that replica asks
// the database nothing about the account.
func TestAccountChangesReachEveryReplica(t *testing.T) {
	ttl := auth.DefaultConfig.AccountCacheTTL
	if ttl <= 0 || ttl > 5*time.Second {
		t.Fatalf("AccountCacheTTL %v: the README promises at most a few seconds", ttl)
	}
	for _, c := range []struct {
		name string
		// change is made through replica A; seen reports whether a
		// replica's answer shows it.
		change func(t *testing.T, a *store.DB, svc *auth.Service, p *auth.Payload)
		seen   func(v *viewer.Viewer, err error) bool
		// sameReplica: A sees the change at once (written through ent);
		// otherwise only within the TTL, as on any other replica.
		sameReplica bool
	}{
		{"session ended", func(t *testing.T, _ *store.DB, svc *auth.Service, p *auth.Payload) {
			if ended, err := svc.Logout(context.Background(), p.RefreshToken); err != nil || !ended {
				t.Fatalf("logout: %v, %v", ended, err)
			}
		}, refused, true},
		{"user disabled", func(t *testing.T, a *store.DB, _ *auth.Service, p *auth.Payload) {
			a.User.UpdateOneID(p.User.ID).SetDisabled(true).ExecX(sys())
		}, refused, true},
		{"role changed", func(t *testing.T, a *store.DB, _ *auth.Service, p *auth.Payload) {
			a.User.UpdateOneID(p.User.ID).SetRole(viewer.RoleViewer).ExecX(sys())
		}, func(v *viewer.Viewer, err error) bool { return err == nil && v.Role == viewer.RoleViewer }, true},
		{"disabled by SQL outside ent", func(t *testing.T, a *store.DB, _ *auth.Service, p *auth.Payload) {
			q := "UPDATE users SET disabled = true WHERE id = ?"
			if a.Dialect == "postgres" {
				q = "UPDATE users SET disabled = true WHERE id = $1"
			}
			if _, err := a.SQL.Exec(q, p.User.ID); err != nil {
				t.Fatal(err)
			}
		}, refused, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *store.DB) {
				fixture.Build(t, db.Client)
				// Replica B: its own pool and client over the same database.
				opts, counter := dbtest.Counting()
				b, err := store.Open(context.Background(), db.DSN, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				now := time.Now()
				clock := func() time.Time { return now }
				svcA := newService(t, db, clock)
				svcB := newService(t, b, clock)

				p, err := svcA.Login(context.Background(), "officer", fixture.Password)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []*auth.Service{svcA, svcB} {
					if v, err := s.Authenticate(context.Background(), p.AccessToken); err != nil || v.Role != viewer.RoleOfficer {
						t.Fatalf("before the change: %+v, %v", v, err)
					}
				}
				c.change(t, db, svcA, p)

				v, err := svcA.Authenticate(context.Background(), p.AccessToken)
				if got := c.seen(v, err); got != c.sameReplica {
					t.Errorf("replica A, at once: change seen %v, want %v", got, c.sameReplica)
				}
				counter.Reset()
				now = now.Add(ttl - time.Millisecond)
				if v, err := svcB.Authenticate(context.Background(), p.AccessToken); c.seen(v, err) {
					t.Errorf("replica B within the TTL saw the change: it read the account again")
				}
				if n := counter.Count(); n != 0 {
					t.Errorf("replica B within the TTL: %d statements, want 0", n)
				}
				now = now.Add(time.Millisecond)
				for name, s := range map[string]*auth.Service{"A": svcA, "B": svcB} {
					if v, err := s.Authenticate(context.Background(), p.AccessToken); !c.seen(v, err) {
						t.Errorf("replica %s after the TTL: %+v, %v: change not seen", name, v, err)
					}
				}
			})
		})
	}
}

func refused(v *viewer.Viewer, err error) bool { return err != nil && v == nil }

func newService(t *testing.T, db *store.DB, clock func() time.Time) *auth.Service {
	t.Helper()
	s, err := auth.NewService(db.Client, []byte("accounts-test-key-0123456789abcdef"), auth.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	auth.SetClock(s, clock)
	return s
}

func sys() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// TestAccountCacheForgetsOnlyWhatChanged: a change to one user or session
// has the replica read that account again and no other (a sign-in or a
// refresh elsewhere does not cost everyone a lookup), and the viewers that
// depend on more than the user and session rows are never kept.
func TestAccountCacheForgetsOnlyWhatChanged(t *testing.T) {
	opts, counter := dbtest.Counting()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		now := time.Now()
		svc := newService(t, db, func() time.Time { return now })
		signIn := func(name string) string {
			p, err := svc.Login(context.Background(), name, fixture.Password)
			if err != nil {
				t.Fatalf("sign in %s: %v", name, err)
			}
			return p.AccessToken
		}
		officer, manager := signIn("officer"), signIn("manager")
		// lookups authenticates each token and counts the statements.
		lookups := func(tokens ...string) int {
			t.Helper()
			counter.Reset()
			for _, tok := range tokens {
				if _, err := svc.Authenticate(context.Background(), tok); err != nil {
					t.Fatal(err)
				}
			}
			return counter.Count()
		}
		lookups(officer, manager)
		if n := lookups(officer, manager); n != 0 {
			t.Fatalf("both read just now: %d statements, want 0", n)
		}
		signIn("viewer")
		if n := lookups(officer, manager); n != 0 {
			t.Errorf("after another user signed in: %d statements, want 0", n)
		}
		db.User.UpdateOneID(fx.Users["manager"].ID).SetFullName("Quản lý mới").ExecX(sys())
		if n := lookups(officer); n != 0 {
			t.Errorf("the officer after the manager changed: %d statements, want 0", n)
		}
		if n := lookups(manager); n != 1 {
			t.Errorf("the manager after a change to them: %d statements, want 1", n)
		}

		// A citizen's household and a temporary password come from more
		// than the user and session rows: read every time.
		db.User.UpdateOneID(fx.Users["viewer"].ID).SetMustChangePassword(true).ExecX(sys())
		temporary, citizen := signIn("viewer"), signIn("citizen")
		for name, tok := range map[string]string{"temporary password": temporary, "citizen": citizen} {
			lookups(tok)
			if n := lookups(tok); n == 0 {
				t.Errorf("%s: answered from memory", name)
			}
		}
	}, opts)
}
