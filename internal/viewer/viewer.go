// Package viewer carries the signed-in user through a request's context, so
// that ent privacy policies can decide every query and mutation by it.
package viewer

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"hoctap/internal/history"
)

// Role is what a user may do; their scope says where.
type Role string

// The roles of API.md, highest first.
const (
	RoleAdmin        Role = "ADMIN"
	RoleManager      Role = "MANAGER"
	RoleOfficer      Role = "OFFICER"
	RoleCollaborator Role = "COLLABORATOR"
	RoleViewer       Role = "VIEWER"
	RoleCitizen      Role = "CITIZEN"
)

// Roles lists every role from the highest to the lowest rank.
var Roles = []Role{RoleAdmin, RoleManager, RoleOfficer, RoleCollaborator, RoleViewer, RoleCitizen}

// Values implements ent's EnumValues so the schema can use Role as a Go type.
func (Role) Values() []string {
	vs := make([]string, len(Roles))
	for i, r := range Roles {
		vs[i] = string(r)
	}
	return vs
}

// rank orders roles: a lower number is a higher role.
func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return len(Roles)
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r.rank() < len(Roles) }

// AtLeast reports whether r ranks at or above o.
func (r Role) AtLeast(o Role) bool { return r.rank() <= o.rank() }

// Above reports whether r ranks strictly above o.
func (r Role) Above(o Role) bool { return r.rank() < o.rank() }

// Viewer is the identity a request acts as.
type Viewer struct {
	UserID   int
	Username string
	Role     Role
	// ScopeID and ScopePath locate the admin unit the user works in; ScopePath is
	// that unit's materialised path, so "in scope" is a prefix test.
	ScopeID   int
	ScopePath string
	// Predecessors are the closed units the scope unit took over in
	// reorganisations: their records (closed campaigns, registrations,
	// decisions) are read as the scope's own, never written.
	Predecessors []history.Entry
	// LearningUnitID links a CITIZEN account to their own citizen record, and
	// HouseholdID to the household that record belongs to.
	LearningUnitID int
	HouseholdID    int
	// SessionID is the refresh-token session the access token was issued for.
	SessionID int
	// MustChangePassword holds a user with a temporary password to
	// changing it.
	MustChangePassword bool
}

// Key is the viewer as text that differs whenever any of its fields does:
// what a cache of something worked out for a viewer keys it by (ent/plan.go
// keeps field collections, whose where-inputs carry the viewer's read
// filters). TestKeySeesEveryField fails for a field added and not written
// here.
func (v *Viewer) Key() string {
	if v == nil {
		return ""
	}
	b := make([]byte, 0, 96)
	b = strconv.AppendInt(b, int64(v.UserID), 10)
	b = strconv.AppendQuote(append(b, ' '), v.Username)
	b = strconv.AppendQuote(append(b, ' '), string(v.Role))
	b = strconv.AppendInt(append(b, ' '), int64(v.ScopeID), 10)
	b = strconv.AppendQuote(append(b, ' '), v.ScopePath)
	b = append(b, " ["...)
	for _, p := range v.Predecessors {
		b = strconv.AppendQuote(b, string(p))
	}
	b = strconv.AppendInt(append(b, "] "...), int64(v.LearningUnitID), 10)
	b = strconv.AppendInt(append(b, ' '), int64(v.HouseholdID), 10)
	b = strconv.AppendInt(append(b, ' '), int64(v.SessionID), 10)
	b = strconv.AppendBool(append(b, ' '), v.MustChangePassword)
	return string(b)
}

// InScope reports whether an object at the given materialised path lies in the
// viewer's scope: the scope unit itself or anything below it.
func (v *Viewer) InScope(path string) bool {
	return v != nil && v.ScopePath != "" && strings.HasPrefix(path, v.ScopePath)
}

// Reaches reports whether the viewer may work on what lies at path: an
// ADMIN everywhere (whatever their scope unit), anyone else in their scope.
// Reading a unit's name is wider (the units above one's scope are
// readable); reports and grants need this.
func (v *Viewer) Reaches(path string) bool {
	return v != nil && (v.Role == RoleAdmin || v.InScope(path))
}

// ReachesPast reports whether the viewer reads the records kept at path:
// what Reaches allows, and what lay in a unit their scope took over.
// Writing stays with Reaches: the past is read-only.
func (v *Viewer) ReachesPast(path string) bool {
	return v.Reaches(path) || (v != nil && history.AnyCovers(v.Predecessors, path))
}

// Can reports whether the viewer's role ranks at or above r.
func (v *Viewer) Can(r Role) bool { return v != nil && v.Role.AtLeast(r) }

// String names the viewer for logs.
func (v *Viewer) String() string {
	if v == nil {
		return "anonymous"
	}
	return v.Username + "#" + strconv.Itoa(v.UserID) + "(" + string(v.Role) + ")"
}

type (
	ctxKey     struct{}
	slotKey    struct{}
	failureKey struct{}
)

// NewContext returns a copy of ctx that carries v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil for an anonymous request.
func FromContext(ctx context.Context) *Viewer {
	if v, ok := ctx.Value(ctxKey{}).(*Viewer); ok {
		return v
	}
	if s, ok := ctx.Value(slotKey{}).(*slot); ok {
		return s.v
	}
	return nil
}

// WithLookupFailure returns a copy of ctx recording that the request
// presented credentials that could not be checked, and why (typically the
// database did not answer). Such a request has no viewer, but it is not
// anonymous: errmap reports what it is denied as the failure, never as
// UNAUTHENTICATED, since a client signs out on UNAUTHENTICATED and throws
// away a session that is still good.
func WithLookupFailure(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, failureKey{}, err)
}

// LookupFailure returns why the credentials of ctx's request could not be
// checked, or nil when they were (or there were none).
func LookupFailure(ctx context.Context) error {
	err, _ := ctx.Value(failureKey{}).(error)
	return err
}

// slot holds the viewer a sign-in establishes partway through a request.
type slot struct{ v *Viewer }

// WithSlot returns ctx with room for a viewer that Fill sets later: a sign-in
// learns who the viewer is only as it runs, and what the response shows of
// the new user (their scope, say) must be read as that user.
func WithSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, slotKey{}, &slot{})
}

// Fill sets the viewer of a context made by WithSlot; elsewhere it does
// nothing.
func Fill(ctx context.Context, v *Viewer) {
	if s, ok := ctx.Value(slotKey{}).(*slot); ok && s.v == nil {
		s.v = v
	}
}

// MarshalGQL writes the role as a GraphQL enum value.
func (r Role) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(r))) }

// UnmarshalGQL reads a GraphQL enum value, refusing unknown roles.
func (r *Role) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || !Role(s).Valid() {
		return fmt.Errorf("%v is not a valid Role", v)
	}
	*r = Role(s)
	return nil
}
