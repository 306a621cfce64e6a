// Package errmap turns the errors of ent and its privacy layer into the
// client-facing errors of apperr, the same way for the API, the console and
// the exports.
package errmap

import (
	"context"
	"errors"
	"strings"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/reqinfo"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// Of returns the apperr.Error a client sees for err: itself when it is one;
// UNAUTHENTICATED or FORBIDDEN for a privacy denial (by whether there is a
// viewer); NOT_FOUND, CONFLICT or BAD_USER_INPUT for ent's not-found,
// constraint and validation errors; UNAVAILABLE when the database failed
// (store.IsUnavailable); INTERNAL, carrying the request id and wrapping the
// cause for the log, for anything else.
//
// A request whose credentials could not be checked (viewer.LookupFailure)
// is never UNAUTHENTICATED: it gets the failure's code instead, so that a
// client does not sign out because the database was down.
func Of(ctx context.Context, err error) *apperr.Error {
	if _, ok := apperr.As(err); !ok && ctx.Err() != nil {
		// The request's own deadline (middleware.Deadline) ended the work:
		// its cause is the error to show, not the driver's.
		if e, ok := apperr.As(context.Cause(ctx)); ok {
			return e
		}
	}
	if e, ok := apperr.As(err); ok {
		if e.Code == apperr.Unauthenticated {
			if f := lookupFailure(ctx); f != nil {
				return f
			}
		}
		return e
	}
	var validation *ent.ValidationError
	switch {
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx) == nil {
			if f := lookupFailure(ctx); f != nil {
				return f
			}
			return apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
		}
		return apperr.New(apperr.Forbidden, apperr.MsgForbidden)
	case store.IsUnavailable(err):
		return Unavailable(err)
	case ent.IsNotFound(err):
		return apperr.New(apperr.NotFound, apperr.MsgNotFound)
	case ent.IsConstraintError(err):
		return apperr.New(apperr.Conflict, apperr.MsgConflictDuplicate)
	case errors.As(err, &validation):
		field := camel(validation.Name)
		return apperr.Input(field, apperr.MsgInvalidValue, field, errors.Unwrap(validation).Error())
	}
	return Internal(ctx, err)
}

// Unavailable is the UNAVAILABLE error for a database failure, wrapping it
// for the log.
func Unavailable(err error) *apperr.Error {
	return apperr.New(apperr.Unavailable, apperr.MsgUnavailable).Wrap(err)
}

// lookupFailure is the error of a request whose credentials could not be
// checked, nil for any other request.
func lookupFailure(ctx context.Context) *apperr.Error {
	cause := viewer.LookupFailure(ctx)
	switch {
	case cause == nil:
		return nil
	case store.IsUnavailable(cause):
		return Unavailable(cause)
	}
	if e, ok := apperr.As(cause); ok && e.Code != apperr.Unauthenticated {
		return e
	}
	return Internal(ctx, cause)
}

// Internal is the INTERNAL error for a cause the client must not see.
func Internal(ctx context.Context, err error) *apperr.Error {
	return apperr.New(apperr.Internal, apperr.MsgInternal, reqinfo.FromContext(ctx).ID).Wrap(err)
}

// camel turns an ent column name into its GraphQL field name.
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "id" {
			parts[i] = "ID"
			continue
		}
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
