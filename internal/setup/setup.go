// Package setup prepares a new database: the country at the root of the
// hierarchy and the first administrator.
package setup

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/auth"
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
