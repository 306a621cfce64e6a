// Package setup prepares a new database (the country at the root of the
// hierarchy and the first administrator) and recovers a lost password.
package setup

import (
	"context"
	"errors"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/users"
	"hoctap/internal/viewer"
)

// CountryCode is the code of the root unit.
const CountryCode = "VN"

// Country returns the root of the hierarchy, creating it in a new database.
// Every province hangs below it, so the first admin has a scope and national
// reports start from one unit.
func Country(ctx context.Context, c *ent.Client) (*ent.AdminUnit, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	root, err := c.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelCOUNTRY)).Only(ctx)
	if ent.IsNotFound(err) {
		root, err = c.AdminUnit.Create().SetCode(CountryCode).SetName("Việt Nam").
			SetLevel(adminunit.LevelCOUNTRY).SetType("Quốc gia").Save(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("country root: %w", err)
	}
	return root, nil
}

// Admin creates user admin, scoped to the country, unless it exists. It
// returns the password set, generated when none is given, or "" when the
// user was already there.
func Admin(ctx context.Context, c *ent.Client, password string) (string, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := c.User.Query().Where(user.Username("admin")).Exist(ctx)
	if err != nil || exists {
		return "", err
	}
	root, err := Country(ctx, c)
	if err != nil {
		return "", err
	}
	if password == "" {
		password = auth.GeneratePassword(16)
	} else if err := auth.CheckPassword("admin-password", password, "admin"); err != nil {
		return "", fmt.Errorf("--admin-password: %w", err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = c.User.Create().SetUsername("admin").SetFullName("Quản trị hệ thống").
		SetPasswordHash(hash).SetRole(viewer.RoleAdmin).SetScope(root).Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("create admin: %w", err)
	}
	return password, nil
}

// ErrNoUser is ResetPassword's answer for a username nobody has.
var ErrNoUser = errors.New("no such user")

// ResetPassword gives the account username a new password, generated when
// password is empty, that must be changed at the next sign-in; it ends the
// account's sessions, forgets the failed sign-ins that may have locked it
// out, and writes an audit entry attributed to the system. It is how an
// operator with access to the database recovers a lost admin password
// (`hoctap reset-password`), without a viewer: the console's and the API's
// resetPassword need a signed-in admin. It returns the account and the
// password set.
func ResetPassword(ctx context.Context, c *ent.Client, username, password string) (*ent.User, string, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	username = auth.NormalizeUsername(username)
	if password == "" {
		password = auth.GeneratePassword(users.TemporaryPasswordLen)
	} else if err := auth.CheckPassword("password", password, username); err != nil {
		return nil, "", err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, "", err
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("begin: %w", err)
	}
	u, err := resetPassword(ctx, tx.Client(), username, hash)
	if err != nil {
		return nil, "", errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("commit: %w", err)
	}
	return u, password, nil
}

func resetPassword(ctx context.Context, tx *ent.Client, username, hash string) (*ent.User, error) {
	u, err := tx.User.Query().Where(user.Username(username)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %q", ErrNoUser, username)
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	if u, err = tx.User.UpdateOne(u).SetPasswordHash(hash).SetMustChangePassword(true).Save(ctx); err != nil {
		return nil, fmt.Errorf("reset password: %w", err)
	}
	if err := auth.RevokeSessions(ctx, tx, u.ID, 0, "password reset"); err != nil {
		return nil, err
	}
	if err := auth.ForgetFailures(ctx, tx, username); err != nil {
		return nil, err
	}
	return u, audit.Record(ctx, tx, audit.Entry{
		Action: "user.reset_password", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath,
		Details: map[string]any{"via": "hoctap reset-password"},
	})
}
