package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUnavailable reports whether err means the database failed rather than
// the request: it could not be reached, dropped the connection, is shutting
// down or starting up, ran out of resources, or did not answer in time. Such
// a request may succeed if tried again, and says nothing about the caller
// (a session looked up during an outage is not thereby revoked).
//
// It is the one place that knows how each driver reports these, so the API,
// the console and the exports (through errmap) agree.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	// pgx hands on the socket's bare EOF when the server goes away between
	// or during its messages (as "pg_ctl stop -m immediate" does). Nothing
	// else that reaches the error mapping reads a stream: request bodies are
	// decoded, and their errors turned into BAD_USER_INPUT, before.
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	// A query or the wait for a pooled connection outlived its deadline:
	// the database is down, hung or overloaded.
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var (
		op      *net.OpError
		connect *pgconn.ConnectError
		pg      *pgconn.PgError
		lite    *sqlite.Error
	)
	switch {
	case errors.As(err, &op), errors.As(err, &connect):
		return true
	case errors.As(err, &pg):
		return unavailableState(pg.Code)
	case errors.As(err, &lite):
		return unavailableSQLite(lite.Code())
	case fromPgconn(err):
		// A connection that broke earlier, or a read that timed out.
		return pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed)
	}
	return false
}

// fromPgconn reports whether err came out of pgx's connection layer, whose
// error types all say whether a retry is safe.
func fromPgconn(err error) bool {
	var e interface{ SafeToRetry() bool }
	return errors.As(err, &e)
}

// unavailableState reports whether a PostgreSQL SQLSTATE is the server's
// trouble rather than the statement's: connection exceptions (class 08),
// insufficient resources (53: too many connections, disk full, out of
// memory), system errors (58: I/O), and the server shutting down or not yet
// accepting connections (57P01–57P03).
func unavailableState(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "58"):
		return true
	}
	switch code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return false
}

// unavailableSQLite reports whether an SQLite result code is the file's
// trouble rather than the statement's: locked past busy_timeout, I/O errors,
// a full disk, a file that cannot be opened, no memory. The primary code is
// the low byte of an extended one.
func unavailableSQLite(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}
