// Package claims lets citizens sign up without an admin: an officer issues
// invitation codes to households, a citizen claims their record with the
// code, their name and birth year, and an officer of the commune confirms
// or refuses the claim.
package claims

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/citizenclaim"
	"hoctap/ent/invitation"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/user"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/textnorm"
	"hoctap/internal/users"
	"hoctap/internal/viewer"
)

// Roles says who may issue codes and decide claims: an OFFICER of the
// commune (and ADMIN). Claiming needs no account at all.
var Roles = access.Roles{
	"issueInvitations": {viewer.RoleAdmin, viewer.RoleOfficer},
	"confirmClaim":     {viewer.RoleAdmin, viewer.RoleOfficer},
	"refuseClaim":      {viewer.RoleAdmin, viewer.RoleOfficer},
}

// MaxInvitations bounds one issueInvitations call: a village's households
// fit, a commune's must be issued village by village.
const MaxInvitations = 500

// codeAlphabet leaves out look-alikes (0/O, 1/I); codeLen of its 32
// characters is 50 bits, beyond guessing within the throttle's limits.
const (
	codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	codeLen      = 10
	maxReason    = 500
)

var (
	// msgNoMatch is the one answer to any wrong detail: code, name or year.
	msgNoMatch      = i18n.Message{VI: "Thông tin không khớp với danh sách hộ gia đình. Kiểm tra lại mã mời, họ tên và năm sinh.", EN: "The details do not match the household list. Check the invitation code, full name and birth year."}
	msgClaimed      = i18n.Message{VI: "Hồ sơ này đã được đăng ký tài khoản; liên hệ cán bộ xã nếu đó không phải bạn.", EN: "This record already has an account; contact the commune's officer if it was not you."}
	msgNotHousehold = i18n.Message{VI: "Đơn vị được chọn không phải là hộ gia đình.", EN: "The unit chosen is not a household."}
	msgOneOf        = i18n.Message{VI: "Chọn một thôn hoặc danh sách hộ, không chọn cả hai.", EN: "Give a village or a list of households, not both."}
	msgTooMany      = i18n.Message{VI: "Mỗi lần cấp tối đa %d mã mời.", EN: "At most %d invitations at a time."}
	msgDecided      = i18n.Message{VI: "Yêu cầu này đã được xử lý.", EN: "This claim has already been decided."}
	errNoMatch      = apperr.New(apperr.BadUserInput, msgNoMatch)
)

// system is for what the claim does before there is an account: find the
// code and record, and make the account and the claim.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// NormalizeCode is how codes are compared: case, spaces and dashes do not
// matter.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte(NormalizeCode(code)))
	return hex.EncodeToString(h[:])
}

// newCode returns a random code, printed as two groups of five.
func newCode() string {
	b := make([]byte, codeLen)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:codeLen/2]) + "-" + string(b[codeLen/2:])
}

// Issued is a household's new code, shown once.
type Issued struct {
	Household *ent.LearningUnit
	Code      string
}

// Issue gives each household (those listed, or those of a village) a new
// invitation code; a household's earlier code stops working.
func Issue(ctx context.Context, adminUnitID *int, householdIDs []int) ([]Issued, error) {
	if err := Roles.May(ctx, "issueInvitations"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	var households []*ent.LearningUnit
	switch {
	case adminUnitID != nil && len(householdIDs) > 0, adminUnitID == nil && len(householdIDs) == 0:
		return nil, apperr.Input("adminUnitID", msgOneOf)
	case adminUnitID != nil:
		au, err := access.Lookup(ctx, "adminUnitID", func(ctx context.Context) (*ent.AdminUnit, error) {
			return c.AdminUnit.Get(ctx, *adminUnitID)
		})
		if err != nil {
			return nil, err
		}
		if !viewer.FromContext(ctx).Reaches(au.Path) {
			return nil, &apperr.Error{Code: apperr.Forbidden, Field: "adminUnitID", Msg: apperr.MsgForbidden}
		}
		households, err = c.LearningUnit.Query().
			Where(learningunit.AdminUnitID(au.ID), learningunit.KindEQ(learningunit.KindHOUSEHOLD), learningunit.ArchivedAtIsNil()).
			Order(ent.Asc(learningunit.FieldID)).
			Limit(MaxInvitations + 1).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("issue invitations: %w", err)
		}
	default:
		for _, id := range householdIDs {
			h, err := access.Lookup(ctx, "householdIDs", func(ctx context.Context) (*ent.LearningUnit, error) {
				return c.LearningUnit.Get(ctx, id)
			})
			if err != nil {
				return nil, err
			}
			if h.Kind != learningunit.KindHOUSEHOLD {
				return nil, apperr.Input("householdIDs", msgNotHousehold)
			}
			households = append(households, h)
		}
	}
	if len(households) > MaxInvitations {
		return nil, apperr.Input("adminUnitID", msgTooMany, MaxInvitations)
	}
	v := viewer.FromContext(ctx)
	out := make([]Issued, 0, len(households))
	for _, h := range households {
		code := newCode()
		old, err := c.Invitation.Query().Where(invitation.HouseholdID(h.ID)).OnlyID(system(ctx))
		switch {
		case ent.IsNotFound(err):
			err = c.Invitation.Create().SetHouseholdID(h.ID).SetCodeHash(hashCode(code)).
				SetAdminPath(h.AdminPath).SetCreatedByID(v.UserID).Exec(ctx)
		case err == nil:
			err = c.Invitation.UpdateOneID(old).SetCodeHash(hashCode(code)).
				SetAdminPath(h.AdminPath).SetCreatedByID(v.UserID).Exec(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("issue invitation of household %d: %w", h.ID, err)
		}
		if err := audit.Record(ctx, c, audit.Entry{Action: "invitation.issue", TargetType: "LearningUnit", TargetID: h.ID, ScopePath: h.AdminPath}); err != nil {
			return nil, err
		}
		out = append(out, Issued{Household: h, Code: code})
	}
	return out, nil
}

// ClaimInput is what a citizen sends to claim their record.
type ClaimInput struct {
	Code, FullName     string
	BirthYear          int
	Username, Password string
}

// Claim links a new CITIZEN account to the record the details name, as a
// PENDING claim: the account cannot sign in until an officer confirms it.
// Any wrong detail gives the same error after the same work (the password
// is hashed first, whatever follows), so the answers tell nobody who is on
// the list. Attempts are throttled like sign-ins.
func Claim(ctx context.Context, client *ent.Client, svc *auth.Service, in ClaimInput) (*ent.CitizenClaim, error) {
	username := auth.NormalizeUsername(in.Username)
	if !users.ValidUsername(username) {
		return nil, apperr.Input("username", users.MsgUsername)
	}
	name := strings.Join(strings.Fields(in.FullName), " ")
	switch n := len([]rune(name)); {
	case n == 0:
		return nil, apperr.Input("fullName", apperr.MsgRequired)
	case n > 200:
		return nil, apperr.Input("fullName", apperr.MsgTooLong, 200)
	}
	if err := auth.CheckPassword("password", in.Password, username); err != nil {
		return nil, err
	}
	codeHash := hashCode(in.Code)
	succeeded, err := svc.ThrottleClaim(ctx, codeHash[:16])
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	// The record is found before the transaction: marking the attempt a
	// success writes outside it, and SQLite's one writer is the
	// transaction's once it has begun.
	record, err := find(system(ctx), client, codeHash, name, in.BirthYear)
	if err != nil {
		return nil, err
	}
	if err := succeeded(ctx); err != nil {
		return nil, err
	}
	var cl *ent.CitizenClaim
	err = withTx(ctx, client, func(c *ent.Client) error {
		cl, err = claim(ctx, c, record, in, username, name, hash)
		return err
	})
	return cl, err
}

// claim makes the account and the claim in c, a transaction of their own.
func claim(ctx context.Context, c *ent.Client, record *ent.LearningUnit, in ClaimInput, username, name, hash string) (*ent.CitizenClaim, error) {
	sys := system(ctx)
	taken, err := c.User.Query().Where(user.Username(username)).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	if taken {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "username", Msg: users.MsgUsernameTaken, Args: []any{username}}
	}
	held, err := c.CitizenClaim.Query().Where(citizenclaim.HoldsUnitID(record.ID)).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	linked, err := c.User.Query().Where(user.LearningUnitID(record.ID)).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	if held || linked {
		return nil, apperr.New(apperr.Conflict, msgClaimed)
	}
	// The account is closed (disabled) until the claim is confirmed.
	u, err := c.User.Create().
		SetUsername(username).SetFullName(record.Name).SetPasswordHash(hash).
		SetRole(viewer.RoleCitizen).SetScopeID(record.AdminUnitID).SetLearningUnitID(record.ID).
		SetDisabled(true).
		Save(sys)
	if err != nil {
		return nil, conflict(err, username)
	}
	cl, err := c.CitizenClaim.Create().
		SetLearningUnitID(record.ID).SetHoldsUnitID(record.ID).SetUserID(u.ID).
		SetFullName(name).SetBirthYear(in.BirthYear).SetAdminPath(record.AdminPath).
		Save(sys)
	if err != nil {
		return nil, conflict(err, username)
	}
	return cl, audit.Record(ctx, c, audit.Entry{
		Action: "claim.create", TargetType: "CitizenClaim", TargetID: cl.ID, ScopePath: cl.AdminPath,
		Details: map[string]any{"username": username, "learningUnit": record.ID},
	})
}

// withTx runs f in a transaction of its own on client.
func withTx(ctx context.Context, client *ent.Client, f func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// find returns the open citizen record of the code's household with the
// name (case and tone marks aside) and birth year given, or errNoMatch.
func find(ctx context.Context, c *ent.Client, codeHash, name string, birthYear int) (*ent.LearningUnit, error) {
	// A wrong code still asks for the members (of no household), so that
	// it costs what a wrong name costs.
	household := 0
	inv, err := c.Invitation.Query().Where(invitation.CodeHash(codeHash)).Only(ctx)
	switch {
	case err == nil:
		household = inv.HouseholdID
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("claim: %w", err)
	}
	members, err := c.LearningUnit.Query().
		Where(learningunit.ParentID(household), learningunit.KindEQ(learningunit.KindCITIZEN),
			learningunit.ArchivedAtIsNil(), learningunit.BirthYear(birthYear)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	want := textnorm.Fold(name)
	for _, m := range members {
		if textnorm.Fold(m.Name) == want {
			return m, nil
		}
	}
	return nil, errNoMatch
}

// conflict turns the unique index that decided between two concurrent
// claims (of one record, or of one username) into CONFLICT.
func conflict(err error, username string) error {
	if !ent.IsConstraintError(err) {
		return fmt.Errorf("claim: %w", err)
	}
	if strings.Contains(err.Error(), "username") {
		return &apperr.Error{Code: apperr.Conflict, Field: "username", Msg: users.MsgUsernameTaken, Args: []any{username}, Err: err}
	}
	return &apperr.Error{Code: apperr.Conflict, Msg: msgClaimed, Err: err}
}

// Confirm opens the claim's account: it signs in and reads its own record.
func Confirm(ctx context.Context, id int, expectedVersion *int) (*ent.CitizenClaim, error) {
	return decide(ctx, "confirmClaim", id, expectedVersion, citizenclaim.StatusCONFIRMED, "")
}

// Refuse closes the claim with a reason; the account stays closed and the
// record may be claimed again.
func Refuse(ctx context.Context, id int, reason string, expectedVersion *int) (*ent.CitizenClaim, error) {
	// Who may comes before what they sent.
	if err := Roles.May(ctx, "refuseClaim"); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n == 0:
		return nil, apperr.Input("reason", apperr.MsgRequired)
	case n > maxReason:
		return nil, apperr.Input("reason", apperr.MsgTooLong, maxReason)
	}
	return decide(ctx, "refuseClaim", id, expectedVersion, citizenclaim.StatusREFUSED, reason)
}

func decide(ctx context.Context, op string, id int, expectedVersion *int, status citizenclaim.Status, reason string) (*ent.CitizenClaim, error) {
	if err := Roles.May(ctx, op); err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	c := ent.FromContext(ctx)
	old, err := access.Lookup(ctx, "id", func(ctx context.Context) (*ent.CitizenClaim, error) {
		return c.CitizenClaim.Get(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	u := c.CitizenClaim.UpdateOneID(id).
		Where(citizenclaim.StatusEQ(citizenclaim.StatusPENDING)).
		SetStatus(status).SetDecidedAt(time.Now().UTC()).SetDecidedByID(v.UserID)
	if status == citizenclaim.StatusREFUSED {
		u.SetReason(reason).ClearHoldsUnitID()
	}
	if err := access.Authorize(ctx, citizenclaim.Policy, "id", u.Mutation()); err != nil {
		return nil, err
	}
	if err := apperr.CheckVersion(expectedVersion, old.Version); err != nil {
		return nil, err
	}
	if old.Status != citizenclaim.StatusPENDING {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgDecided}
	}
	cl, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgDecided}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// The account is the claim's, not the officer's to manage otherwise:
	// opening it (or letting go of the record) is part of the decision the
	// policy allowed.
	// A refused account lets go of the record, so that its rightful owner
	// may claim it.
	acct := c.User.UpdateOneID(cl.UserID).SetDisabled(false)
	if status == citizenclaim.StatusREFUSED {
		acct = c.User.UpdateOneID(cl.UserID).ClearLearningUnitID()
	}
	if err := acct.Exec(system(ctx)); err != nil {
		return nil, fmt.Errorf("%s: account: %w", op, err)
	}
	action := "claim.confirm"
	details := map[string]any{"user": cl.UserID, "learningUnit": cl.LearningUnitID}
	if status == citizenclaim.StatusREFUSED {
		action = "claim.refuse"
		details["reason"] = reason
	}
	return cl, audit.Record(ctx, c, audit.Entry{Action: action, TargetType: "CitizenClaim", TargetID: cl.ID, ScopePath: cl.AdminPath, Details: details})
}

// Username is the username a claim stores for the one typed.
func Username(s string) string { return auth.NormalizeUsername(s) }
