// Package apperr defines the errors hoctap shows its clients: a stable code
// from API.md, the input field at fault, and a message in Vietnamese and
// English. Domain code returns them; the GraphQL error presenter and the
// console render them.
package apperr

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"hoctap/internal/i18n"
)

// Code is one of the error codes of API.md.
type Code string

// The codes of API.md.
const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	BadUserInput    Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	RateLimited     Code = "RATE_LIMITED"
	QueryTooComplex Code = "QUERY_TOO_COMPLEX"
	// Unavailable: the database (or another dependency) failed; the request
	// may succeed if tried again later. Never reported as Unauthenticated, so
	// clients keep their sessions through an outage.
	Unavailable Code = "UNAVAILABLE"
	Internal    Code = "INTERNAL"
	// CursorExpired: a sync cursor (the changes feed's) points before
	// changes the server no longer keeps; the app syncs again from scratch.
	CursorExpired Code = "CURSOR_EXPIRED"
)

// PersistedQueryNotFound: the server does not hold the persisted query the
// client named by its hash alone. Apollo and Relay clients send the text
// again on this code, so it must never become INTERNAL.
const PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"

// RetryAfter is what an UNAVAILABLE answer asks clients to wait before trying
// again: long enough not to hammer a database that is restarting, short
// enough that a blip (recovery takes well under a second) is soon over.
const RetryAfter = 5 * time.Second

// HTTPStatus is the status an endpoint outside GraphQL (the exports, the
// console) answers with a code.
func (c Code) HTTPStatus() int {
	switch c {
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case BadUserInput, QueryTooComplex, PersistedQueryNotFound:
		return http.StatusBadRequest
	case Conflict:
		return http.StatusConflict
	case CursorExpired:
		return http.StatusGone
	case RateLimited:
		return http.StatusTooManyRequests
	case Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// SetRetryAfter adds the Retry-After header an answer with c's status
// carries: for UNAVAILABLE, so clients and proxies wait RetryAfter before
// trying again; nothing for other codes.
func (c Code) SetRetryAfter(h http.Header) {
	if c == Unavailable {
		h.Set("Retry-After", strconv.Itoa(int(RetryAfter.Seconds())))
	}
}

// Error is an error a client may see.
type Error struct {
	Code Code
	// Field names the input at fault, for BAD_USER_INPUT and CONFLICT.
	Field string
	Msg   i18n.Message
	Args  []any
	// Err is the cause, for logs; it is never shown to the client.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.Format(i18n.EN, e.Args...)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message renders the client-facing message in lang.
func (e *Error) Message(lang i18n.Lang) string { return e.Msg.Format(lang, e.Args...) }

// New returns an error with code and message.
func New(code Code, msg i18n.Message, args ...any) *Error {
	return &Error{Code: code, Msg: msg, Args: args}
}

// Input returns a BAD_USER_INPUT error for field.
func Input(field string, msg i18n.Message, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Msg: msg, Args: args}
}

// Wrap attaches a cause to e.
func (e *Error) Wrap(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns the code of err, INTERNAL for anything unknown.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// Common messages.
var (
	MsgUnauthenticated   = i18n.Message{VI: "Bạn cần đăng nhập.", EN: "You need to sign in."}
	MsgBadCredentials    = i18n.Message{VI: "Tên đăng nhập hoặc mật khẩu không đúng.", EN: "Wrong username or password."}
	MsgSessionExpired    = i18n.Message{VI: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", EN: "Your session has expired; please sign in again."}
	MsgForbidden         = i18n.Message{VI: "Bạn không có quyền thực hiện thao tác này.", EN: "You are not allowed to do this."}
	MsgNotFound          = i18n.Message{VI: "Không tìm thấy dữ liệu.", EN: "Not found."}
	MsgRateLimited       = i18n.Message{VI: "Quá nhiều lần thử, vui lòng thử lại sau %d phút.", EN: "Too many attempts; try again in %d minutes."}
	MsgInternal          = i18n.Message{VI: "Lỗi hệ thống, mã yêu cầu %s.", EN: "Internal error, request id %s."}
	MsgUnavailable       = i18n.Message{VI: "Hệ thống tạm thời không truy cập được cơ sở dữ liệu, vui lòng thử lại sau giây lát.", EN: "The system cannot reach its database for the moment; please try again shortly."}
	MsgTooComplex        = i18n.Message{VI: "Truy vấn quá phức tạp (độ phức tạp %d, tối đa %d).", EN: "The query is too complex (complexity %d, at most %d)."}
	MsgInvalidValue      = i18n.Message{VI: "Giá trị không hợp lệ cho %s: %s", EN: "Invalid value for %s: %s"}
	MsgInvalidID         = i18n.Message{VI: "Mã định danh (ID) không hợp lệ: %s.", EN: "Invalid ID: %s."}
	MsgInvalidCursor     = i18n.Message{VI: "Con trỏ phân trang không hợp lệ.", EN: "Invalid pagination cursor."}
	MsgPageTooLarge      = i18n.Message{VI: "Mỗi trang tối đa %d mục.", EN: "A page holds at most %d items."}
	MsgNegative          = i18n.Message{VI: "Giá trị không được âm.", EN: "The value must not be negative."}
	MsgRequired          = i18n.Message{VI: "Trường này là bắt buộc.", EN: "This field is required."}
	MsgTooLong           = i18n.Message{VI: "Tối đa %d ký tự.", EN: "At most %d characters."}
	MsgConflictVersion   = i18n.Message{VI: "Dữ liệu đã bị người khác thay đổi (phiên bản %d); hãy tải lại rồi sửa.", EN: "Someone else changed this record (now version %d); reload and edit again."}
	MsgConflictDuplicate = i18n.Message{VI: "Giá trị đã tồn tại.", EN: "This value already exists."}
)

// Stale is the CONFLICT of a write based on a version of a record older than
// current, its version now: every mutation that changes a versioned record
// names it expectedVersion, so clients handle it in one place.
func Stale(current int) *Error {
	return &Error{Code: Conflict, Field: "expectedVersion", Msg: MsgConflictVersion, Args: []any{current}}
}

// CheckVersion is Stale when the client named a version (expected) other
// than the record's current one, nil otherwise.
func CheckVersion(expected *int, current int) error {
	if expected != nil && *expected != current {
		return Stale(current)
	}
	return nil
}
