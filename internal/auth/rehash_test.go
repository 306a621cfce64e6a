package auth_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"hoctap/ent/user"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestSignInRehashes proves that an account hashed with older parameters
// (19 MiB, 2 passes, as every account was before) still signs in, and
// that signing in moves its hash to the current ones; a wrong password
// moves nothing.
func TestSignInRehashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.Build(t, db.Client)
		salt := []byte("0123456789abcdef")
		key := argon2.IDKey([]byte(fixture.Password), salt, 2, 19*1024, 1, 32)
		b64 := base64.RawStdEncoding
		old := fmt.Sprintf("$argon2id$v=%d$m=19456,t=2,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
		db.User.Update().Where(user.Username("officer")).SetPasswordHash(old).ExecX(sys())
		if !auth.NeedsRehash(old) {
			t.Fatal("a 19 MiB hash does not need a rehash")
		}
		svc := newService(t, db, time.Now)
		hash := func() string { return db.User.Query().Where(user.Username("officer")).OnlyX(sys()).PasswordHash }

		if _, err := svc.Login(context.Background(), "officer", "not the password"); err == nil {
			t.Fatal("a wrong password signed in")
		}
		if hash() != old {
			t.Fatal("a wrong password changed the hash")
		}
		if _, err := svc.Login(context.Background(), "officer", fixture.Password); err != nil {
			t.Fatalf("the old hash's password: %v", err)
		}
		now := hash()
		if now == old || auth.NeedsRehash(now) || !strings.Contains(now, "$m=7168,t=5,p=1$") {
			t.Fatalf("after signing in the hash is %s", now)
		}
		if _, err := svc.Login(context.Background(), "officer", fixture.Password); err != nil {
			t.Fatalf("the new hash's password: %v", err)
		}
		if hash() != now {
			t.Fatal("a current hash was made again")
		}
	})
}
