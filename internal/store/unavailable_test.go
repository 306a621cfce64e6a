package store_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
)

// TestIsUnavailable: the database's failures are told from the request's,
// with errors as the drivers really return them where they can be made.
func TestIsUnavailable(t *testing.T) {
	ctx := context.Background()
	// A PostgreSQL nobody listens for: port 1 on the loopback refuses.
	_, refused := store.Open(ctx, "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=5", store.Options{})
	// An SQLite file in a directory that does not exist cannot be opened.
	_, cantOpen := store.Open(ctx, filepath.Join(t.TempDir(), "missing", "x.db"), store.Options{})
	// A real SQLite error that is the statement's fault.
	db := dbtest.OpenSQLite(t)
	_, syntax := db.SQL.ExecContext(ctx, "SELEKT 1")

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"PostgreSQL refuses the connection", refused, true},
		{"SQLite cannot open the file", cantOpen, true},
		{"driver: bad connection", fmt.Errorf("query: %w", driver.ErrBadConn), true},
		{"sql: connection is done", sql.ErrConnDone, true},
		{"connection cut mid-message (pgx)", fmt.Errorf("authenticate: %w", io.ErrUnexpectedEOF), true},
		{"connection cut between messages (pgx)", io.EOF, true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"server starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"disk full", &pgconn.PgError{Code: "53100"}, true},
		{"the test's injected fault", fmt.Errorf("begin: %w", dbtest.ErrRefused), true},
		{"deadline while waiting for the database", fmt.Errorf("query: %w", context.DeadlineExceeded), true},

		{"nil", nil, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"statement cancelled by the client", &pgconn.PgError{Code: "57014"}, false},
		{"SQLite syntax error", syntax, false},
		{"client went away", context.Canceled, false},
		{"no rows", sql.ErrNoRows, false},
		{"ent not found", &ent.NotFoundError{}, false},
		{"privacy denial", privacy.Deny, false},
		{"a client-facing error", apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated), false},
		{"anything else", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name != "nil" && tc.err == nil {
				t.Fatal("the case did not produce an error")
			}
			if got := store.IsUnavailable(tc.err); got != tc.want {
				t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
