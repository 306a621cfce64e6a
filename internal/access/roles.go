package access

import (
	"context"
	"errors"
	"slices"

	entgo "entgo.io/ent"

	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/viewer"
)

// Roles says which roles may do each write of a domain package at all, by
// the name the API gives the operation (createCampaign, register, …). Each
// domain function asks it first, before it reads anything, so a role that
// may never do an operation is FORBIDDEN whatever the input: it does not
// learn from a CONFLICT, a BAD_USER_INPUT or a NOT_FOUND what state the
// data is in (API.md: a VIEWER writes nothing). The table repeats only the
// role half of the privacy rules of internal/rule; where a row lives
// (scope, ownership) is left to those rules, asked through Authorize.
type Roles map[string][]viewer.Role

// May fails unless the viewer of ctx has a role that may do op:
// UNAUTHENTICATED without a viewer, FORBIDDEN for any other role and for an
// op missing from the table (deny by default). System tasks, which bypass
// the privacy policies by name (privacy.DecisionContext), pass.
func (r Roles) May(ctx context.Context, op string) error {
	if d, ok := privacy.DecisionFromContext(ctx); ok && d == nil {
		return nil
	}
	v := viewer.FromContext(ctx)
	if v == nil {
		return apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
	}
	if !r.Allows(op, v.Role) {
		return apperr.New(apperr.Forbidden, apperr.MsgForbidden)
	}
	return nil
}

// Allows reports whether role may do op at all.
func (r Roles) Allows(op string, role viewer.Role) bool {
	return slices.Contains(r[op], role)
}

// Authorize asks an entity's privacy policy about a write before it is
// made: the mutation is built as the domain function will save it (or as
// close as its target allows) and never saved here. A domain function calls
// it once it has loaded the target and before its own rules, so a write
// outside the viewer's scope, or on a row their role reads but may not
// change (a citizen's household, a manager of another province's campaign),
// is FORBIDDEN rather than a CONFLICT or BAD_USER_INPUT about that row.
// field names the input that chose the target.
func Authorize(ctx context.Context, policy entgo.Policy, field string, m entgo.Mutation) error {
	err := policy.EvalMutation(ctx, m)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, privacy.Deny):
		return err
	case viewer.FromContext(ctx) == nil:
		return apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated).Wrap(err)
	}
	return &apperr.Error{Code: apperr.Forbidden, Field: field, Msg: apperr.MsgForbidden, Err: err}
}
