package auth

import (
	"context"
	"fmt"

	"hoctap/ent"
	"hoctap/ent/citizenclaim"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
)

// claimKeyPrefix marks the throttling key of an invitation code: it counts
// like a username (MaxUserFailures), so one household's code cannot be
// tried with many names and years.
const claimKeyPrefix = "code:"

var (
	msgClaimPending = i18n.Message{VI: "Yêu cầu đăng ký của bạn đang chờ cán bộ xã xác nhận.", EN: "Your sign-up is waiting for an officer of the commune to confirm it."}
	msgClaimRefused = i18n.Message{VI: "Yêu cầu đăng ký của bạn đã bị từ chối: %s", EN: "Your sign-up was refused: %s"}
)

// ThrottleClaim records a claim attempt against the client address (the
// same key and limit as sign-ins: one budget of guesses per address) and
// against the invitation code's key, and fails with RATE_LIMITED when
// either has seen too many failures. The returned function marks the
// attempt as succeeded, once the details matched.
func (s *Service) ThrottleClaim(ctx context.Context, codeKey string) (func(context.Context) error, error) {
	ctx = system(ctx)
	ids, err := s.attempt(ctx, "addr:"+reqinfo.FromContext(ctx).Address, claimKeyPrefix+codeKey)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return s.succeeded(system(ctx), ids) }, nil
}

// closed is the error of a disabled account whose password was right: a
// citizen whose claim of their record waits or was refused is told so.
func (s *Service) closed(ctx context.Context, u *ent.User) error {
	c, err := s.client.CitizenClaim.Query().
		Where(citizenclaim.UserID(u.ID)).
		Order(ent.Desc(citizenclaim.FieldID)).
		First(system(ctx))
	switch {
	case ent.IsNotFound(err):
		return apperr.New(apperr.Unauthenticated, msgDisabled)
	case err != nil:
		return fmt.Errorf("login: %w", err)
	case c.Status == citizenclaim.StatusPENDING:
		return apperr.New(apperr.Unauthenticated, msgClaimPending)
	case c.Status == citizenclaim.StatusREFUSED:
		return apperr.New(apperr.Unauthenticated, msgClaimRefused, c.Reason)
	}
	return apperr.New(apperr.Unauthenticated, msgDisabled)
}
