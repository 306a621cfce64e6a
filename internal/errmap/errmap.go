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
	"hoctap/internal/viewer"
)

// Of returns the apperr.Error a client sees for err: itself when it is one;
// UNAUTHENTICATED or FORBIDDEN for a privacy denial (by whether there is a
// viewer); NOT_FOUND, CONFLICT or BAD_USER_INPUT for ent's not-found,
// constraint and validation errors; INTERNAL, carrying the request id and
// wrapping the cause for the log, for anything else.
func Of(ctx context.Context, err error) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	var validation *ent.ValidationError
	switch {
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx) == nil {
			return apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
		}
		return apperr.New(apperr.Forbidden, apperr.MsgForbidden)
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
