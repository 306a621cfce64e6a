// Package access tells apart, for a write, an object that does not exist
// (NOT_FOUND) from one that exists outside the viewer's scope (FORBIDDEN),
// as API.md asks: reads hide out-of-scope objects, writes refuse them.
package access

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
)

// Lookup loads the object a write is about, as the viewer. When the viewer
// cannot see it, it looks again as the system only to choose the error: the
// object is never returned.
func Lookup[T any](ctx context.Context, field string, get func(context.Context) (T, error)) (T, error) {
	v, err := get(ctx)
	if err == nil || !ent.IsNotFound(err) {
		if err != nil {
			err = fmt.Errorf("look up %s: %w", field, err)
		}
		return v, err
	}
	var zero T
	if _, serr := get(privacy.DecisionContext(ctx, privacy.Allow)); serr == nil {
		return zero, &apperr.Error{Code: apperr.Forbidden, Field: field, Msg: apperr.MsgForbidden}
	}
	return zero, &apperr.Error{Code: apperr.NotFound, Field: field, Msg: apperr.MsgNotFound, Err: err}
}
