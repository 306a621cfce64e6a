// Package users holds the rules of account management: validation, the
// audit trail, and the side effects of disabling an account or resetting a
// password. Who may do what is decided first, by Roles and the ent privacy
// policy; this package adds what a policy cannot say, such as clear input
// errors.
package users

import (
	"context"
	"fmt"
	"regexp"

	"hoctap/ent"
	"hoctap/ent/citizenclaim"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// The messages of account management, exported for the imports of
// accounts (internal/imports), which refuse rows with the same words.
var (
	MsgUsername       = i18n.Message{VI: "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.", EN: "A username has 3–64 characters: lowercase letters, digits, dot, dash or underscore."}
	MsgUsernameTaken  = i18n.Message{VI: "Tên đăng nhập %q đã được dùng.", EN: "The username %q is taken."}
	MsgRoleTooHigh    = i18n.Message{VI: "Bạn không thể cấp vai trò %s.", EN: "You cannot grant the role %s."}
	MsgScopeOutside   = i18n.Message{VI: "Đơn vị phụ trách nằm ngoài phạm vi của bạn.", EN: "The scope is outside your own."}
	MsgCitizenRecord  = i18n.Message{VI: "Tài khoản công dân cần gắn với hồ sơ công dân.", EN: "A citizen account needs its citizen record."}
	msgNotCitizenUnit = i18n.Message{VI: "Hồ sơ được chọn không phải là công dân.", EN: "The record chosen is not a citizen."}
	MsgSelf           = i18n.Message{VI: "Bạn không thể thay đổi vai trò, phạm vi hay trạng thái của chính mình.", EN: "You cannot change your own role, scope or state."}
	msgClaimUndecided = i18n.Message{
		VI: "Tài khoản này mở khi cán bộ xã xác nhận yêu cầu đăng ký của công dân (confirmClaim), không mở trực tiếp được.",
		EN: "This account opens when an officer of the commune confirms the citizen's claim (confirmClaim); it cannot be enabled directly."}
)

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// ValidUsername reports whether a normalised username (auth.NormalizeUsername)
// is one Create accepts.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// CreateInput is a new account.
type CreateInput struct {
	Username, FullName, Password string
	Role                         viewer.Role
	ScopeID                      int
	LearningUnitID               *int
}

// Roles says who may write accounts at all (API.md, "Roles"): managers
// and admins; everyone may rename their own account, so updateUser is open
// to every role and the privacy rule (rule.UserWrite), asked before any
// rule of this package, keeps the others to that.
var Roles = access.Roles{
	"createUser":    {viewer.RoleAdmin, viewer.RoleManager},
	"updateUser":    viewer.Roles,
	"disableUser":   {viewer.RoleAdmin, viewer.RoleManager},
	"resetPassword": {viewer.RoleAdmin, viewer.RoleManager},
}

// Create adds an account in the transaction of ctx.
func Create(ctx context.Context, in CreateInput) (*ent.User, error) {
	v, err := signedIn(ctx, "createUser")
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	if err := checkGrant(ctx, v, in.Role, in.ScopeID); err != nil {
		return nil, err
	}
	// The record is looked up whatever the role: linking any account to a
	// record outside the creator's scope is an out-of-scope write (FORBIDDEN),
	// and a missing record is NOT_FOUND, not a foreign-key failure.
	var lu *ent.LearningUnit
	if in.LearningUnitID != nil {
		lu, err = access.Lookup(ctx, "learningUnitID", func(ctx context.Context) (*ent.LearningUnit, error) {
			return c.LearningUnit.Get(ctx, *in.LearningUnitID)
		})
		if err != nil {
			return nil, err
		}
	}
	in.Username = auth.NormalizeUsername(in.Username)
	if !ValidUsername(in.Username) {
		return nil, apperr.Input("username", MsgUsername)
	}
	if err := checkName("fullName", in.FullName); err != nil {
		return nil, err
	}
	if err := auth.CheckPassword("password", in.Password, in.Username); err != nil {
		return nil, err
	}
	if in.Role == viewer.RoleCitizen && lu == nil {
		return nil, apperr.Input("learningUnitID", MsgCitizenRecord)
	}
	if in.Role == viewer.RoleCitizen && lu.Kind != "CITIZEN" {
		return nil, apperr.Input("learningUnitID", msgNotCitizenUnit)
	}
	taken, err := c.User.Query().Where(user.Username(in.Username)).Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if taken {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "username", Msg: MsgUsernameTaken, Args: []any{in.Username}}
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u, err := c.User.Create().
		SetUsername(in.Username).
		SetFullName(in.FullName).
		SetPasswordHash(hash).
		SetRole(in.Role).
		SetScopeID(in.ScopeID).
		SetNillableLearningUnitID(in.LearningUnitID).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, audit.Record(ctx, c, audit.Entry{
		Action: "user.create", TargetType: "User", TargetID: u.ID, ScopePath: u.ScopePath,
		Details: map[string]any{"username": u.Username, "role": u.Role, "scope": u.ScopeID},
	})
}

// UpdateInput changes an account; nil fields stay.
type UpdateInput struct {
	FullName *string
	Role     *viewer.Role
	ScopeID  *int
	Version  *int
}

// Update changes an account's name, role or scope.
func Update(ctx context.Context, id int, in UpdateInput) (*ent.User, error) {
	v, err := signedIn(ctx, "updateUser")
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if id == v.UserID && (in.Role != nil && *in.Role != old.Role || in.ScopeID != nil && *in.ScopeID != old.ScopeID) {
		return nil, apperr.New(apperr.Forbidden, MsgSelf)
	}
	u := c.User.UpdateOneID(id).Where(user.Version(old.Version))
	details := map[string]any{}
	if in.FullName != nil {
		u.SetFullName(*in.FullName)
		details["fullName"] = *in.FullName
	}
	role, scope := old.Role, old.ScopeID
	if in.Role != nil {
		role = *in.Role
		u.SetRole(role)
		details["role"] = map[string]any{"from": old.Role, "to": role}
	}
	if in.ScopeID != nil {
		scope = *in.ScopeID
		u.SetScopeID(scope)
		details["scope"] = map[string]any{"from": old.ScopeID, "to": scope}
	}
	if in.Role != nil || in.ScopeID != nil {
		if err := checkGrant(ctx, v, role, scope); err != nil {
			return nil, err
		}
	}
	if err := access.Authorize(ctx, user.Policy, "id", u.Mutation()); err != nil {
		return nil, err
	}
	applied, err := idem.CheckVersion(ctx, in.Version, old.Version, u.Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return old, nil
	}
	if in.FullName != nil {
		if err := checkName("fullName", *in.FullName); err != nil {
			return nil, err
		}
	}
	updated, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(old.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return updated, audit.Record(ctx, c, audit.Entry{
		Action: "user.update", TargetType: "User", TargetID: id, ScopePath: updated.ScopePath, Details: details,
	})
}

// SetDisabled disables or enables an account; disabling ends its sessions.
func SetDisabled(ctx context.Context, id int, disabled bool, expectedVersion *int) (*ent.User, error) {
	v, err := signedIn(ctx, "disableUser")
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	if id == v.UserID {
		return nil, apperr.New(apperr.Forbidden, MsgSelf)
	}
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := access.Authorize(ctx, user.Policy, "id", c.User.UpdateOneID(id).SetDisabled(disabled).Mutation()); err != nil {
		return nil, err
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, err
	}
	if !disabled {
		// A claimed account waits for the commune's decision: enabling it
		// here would skip the officer who knows the household.
		undecided, err := c.CitizenClaim.Query().Where(citizenclaim.UserID(id),
			citizenclaim.StatusIn(citizenclaim.StatusPENDING, citizenclaim.StatusREFUSED)).Exist(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			return nil, fmt.Errorf("enable user: claim: %w", err)
		}
		if undecided {
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "disabled", Msg: msgClaimUndecided}
		}
	}
	u, err := c.User.UpdateOneID(id).SetDisabled(disabled).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("disable user: %w", err)
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
		if err := auth.RevokeSessions(ctx, c, id, 0, "account disabled"); err != nil {
			return nil, err
		}
	}
	return u, audit.Record(ctx, c, audit.Entry{Action: action, TargetType: "User", TargetID: id, ScopePath: u.ScopePath})
}

// TemporaryPasswordLen is the length of passwords made by ResetPassword.
const TemporaryPasswordLen = 14

// ResetPassword gives an account a temporary password that must be changed
// at the next sign-in, and ends its sessions.
func ResetPassword(ctx context.Context, id int, expectedVersion *int) (*ent.User, string, error) {
	v, err := signedIn(ctx, "resetPassword")
	if err != nil {
		return nil, "", err
	}
	c := ent.FromContext(ctx)
	if id == v.UserID {
		return nil, "", apperr.New(apperr.Forbidden, MsgSelf)
	}
	old, err := get(ctx, c, id)
	if err != nil {
		return nil, "", err
	}
	if err := access.Authorize(ctx, user.Policy, "id", c.User.UpdateOneID(id).SetMustChangePassword(true).Mutation()); err != nil {
		return nil, "", err
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, "", err
	}
	temp := auth.GeneratePassword(TemporaryPasswordLen)
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return nil, "", err
	}
	u, err := c.User.UpdateOneID(id).SetPasswordHash(hash).SetMustChangePassword(true).Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("reset password: %w", err)
	}
	if err := auth.RevokeSessions(ctx, c, id, 0, "password reset"); err != nil {
		return nil, "", err
	}
	return u, temp, audit.Record(ctx, c, audit.Entry{Action: "user.reset_password", TargetType: "User", TargetID: id, ScopePath: u.ScopePath})
}

// checkGrant turns what the privacy policy would deny into input errors that
// name the field: a role above what the viewer may grant, a scope outside
// theirs or one that does not exist.
func checkGrant(ctx context.Context, v *viewer.Viewer, role viewer.Role, scopeID int) error {
	if !role.Valid() {
		return apperr.Input("role", apperr.MsgInvalidValue, "role", string(role))
	}
	if !MayGrant(v, role) {
		return &apperr.Error{Code: apperr.Forbidden, Field: "role", Msg: MsgRoleTooHigh, Args: []any{titles.RoleName(role)}}
	}
	scope, err := ent.FromContext(ctx).AdminUnit.Get(ctx, scopeID)
	if err != nil {
		// Out of scope reads as not found; say so without telling which.
		return &apperr.Error{Code: apperr.Forbidden, Field: "scopeID", Msg: MsgScopeOutside, Err: err}
	}
	if !v.Reaches(scope.Path) {
		return &apperr.Error{Code: apperr.Forbidden, Field: "scopeID", Msg: MsgScopeOutside}
	}
	return nil
}

func checkName(field, name string) error {
	switch n := len([]rune(name)); {
	case n == 0:
		return apperr.Input(field, apperr.MsgRequired)
	case n > 200:
		return apperr.Input(field, apperr.MsgTooLong, 200)
	}
	return nil
}

// signedIn returns the viewer of ctx once Roles lets their role do op at
// all; without a viewer (an anonymous request) every account operation is
// UNAUTHENTICATED, before anything else reads the viewer.
func signedIn(ctx context.Context, op string) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
	}
	if err := Roles.May(ctx, op); err != nil {
		return nil, err
	}
	return v, nil
}

// get loads the account a write is about.
func get(ctx context.Context, c *ent.Client, id int) (*ent.User, error) {
	return access.Lookup(ctx, "id", func(ctx context.Context) (*ent.User, error) { return c.User.Get(ctx, id) })
}

// MayGrant reports whether v may give role to an account: an ADMIN any,
// others the roles below their own.
func MayGrant(v *viewer.Viewer, role viewer.Role) bool {
	return v.Role == viewer.RoleAdmin || v.Role.Above(role)
}
