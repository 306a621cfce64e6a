package errmap_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/errmap"
	"hoctap/internal/viewer"
)

// TestOf: a database failure is UNAVAILABLE, and a request whose
// credentials could not be checked is never UNAUTHENTICATED, whichever way
// the denial reaches the mapping. The request is a column: anonymous,
// signed in, or with credentials the database failed to check.
func TestOf(t *testing.T) {
	background := context.Background()
	signedIn := viewer.NewContext(background, &viewer.Viewer{UserID: 1, Role: viewer.RoleOfficer})
	unchecked := viewer.WithLookupFailure(background, fmt.Errorf("authenticate: %w", dbtest.ErrRefused))
	uncheckedBug := viewer.WithLookupFailure(background, errors.New("authenticate: a bug"))
	dbDown := fmt.Errorf("query users: %w", dbtest.ErrRefused)
	unauthenticated := apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)

	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want apperr.Code
	}{
		{"anonymous denied", background, privacy.Deny, apperr.Unauthenticated},
		{"anonymous told to sign in", background, unauthenticated, apperr.Unauthenticated},
		{"signed in, denied", signedIn, privacy.Deny, apperr.Forbidden},
		{"unchecked, denied", unchecked, privacy.Deny, apperr.Unavailable},
		{"unchecked, told to sign in", unchecked, unauthenticated, apperr.Unavailable},
		{"unchecked, wrapped denial", unchecked, fmt.Errorf("list: %w", privacy.Deny), apperr.Unavailable},
		{"unchecked for a reason not the database's", uncheckedBug, privacy.Deny, apperr.Internal},
		{"unchecked, other client errors stay", unchecked, apperr.Input("name", apperr.MsgRequired), apperr.BadUserInput},
		{"anonymous, database down", background, dbDown, apperr.Unavailable},
		{"signed in, database down", signedIn, dbDown, apperr.Unavailable},
		{"signed in, a bug", signedIn, errors.New("boom"), apperr.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := errmap.Of(tc.ctx, tc.err)
			if e.Code != tc.want {
				t.Fatalf("Of(%v) = %s, want %s", tc.err, e.Code, tc.want)
			}
			if e.Code == apperr.Unavailable && e.Code.HTTPStatus() != 503 {
				t.Errorf("UNAVAILABLE answers HTTP %d, want 503", e.Code.HTTPStatus())
			}
		})
	}
}
