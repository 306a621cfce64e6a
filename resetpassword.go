package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hoctap/internal/setup"
	"hoctap/internal/store"
)

// runResetPassword is `hoctap reset-password`: it recovers a lost password,
// the admin's above all, from the machine that reaches the database,
// without deleting the database or signing in.
func runResetPassword(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hoctap reset-password", flag.ContinueOnError)
	dsn := fs.String("db", "", "the database: SQLite file or postgres:// URL (default $HOCTAP_DATABASE_URL or hoctap.db)")
	username := fs.String("user", "admin", "the account whose password to reset")
	password := fs.String("password", "", "the new password (default: generated and printed once); either way it must be changed at the next sign-in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("reset-password: unexpected arguments: %v", fs.Args())
	}
	if *dsn == "" {
		*dsn = getenv("HOCTAP_DATABASE_URL")
	}
	if *dsn == "" {
		*dsn = "hoctap.db"
	}
	// Opening a SQLite path that does not exist would create an empty
	// database: a mistyped --db must not look like an unknown user.
	if !store.IsPostgres(*dsn) && !fileExists(*dsn) {
		return fmt.Errorf("reset-password: no SQLite database at %s (--db)", *dsn)
	}
	db, err := store.Open(ctx, *dsn, store.Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	// As the server would at start-up, so a binary newer than the database
	// reads its accounts.
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	u, pw, err := setup.ResetPassword(ctx, db.Client, *username, *password)
	switch {
	case errors.Is(err, setup.ErrNoUser):
		return fmt.Errorf("reset-password: no account %q (--user)", *username)
	case err != nil && *password != "":
		return fmt.Errorf("reset-password: --password: %w", err)
	case err != nil:
		return fmt.Errorf("reset-password: %w", err)
	}
	if *password == "" {
		fmt.Fprintf(stdout, "Mật khẩu tạm của / temporary password of %s: %s (chỉ hiện một lần / shown once)\n", u.Username, pw)
	} else {
		fmt.Fprintf(stdout, "Đã đặt mật khẩu mới cho / new password set for %s\n", u.Username)
	}
	fmt.Fprintln(stdout, "Phải đổi mật khẩu khi đăng nhập; các phiên cũ đã kết thúc. / It must be changed at the next sign-in; the old sessions are ended.")
	if u.Disabled {
		fmt.Fprintln(stdout, "Lưu ý: tài khoản đang bị khoá, hãy mở khoá trong trang quản trị. / Note: the account is disabled; enable it in the console.")
	}
	return nil
}
