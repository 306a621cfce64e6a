// Package idem makes writes safe to resend: a create carries a client id (a
// UUID the app made, offline perhaps) kept on the row it made, so the same
// create sent again answers that row; and an update whose changes the row
// already holds is recognised as applied.
package idem

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"entgo.io/ent"
	"golang.org/x/text/unicode/norm"

	"hoctap/internal/apperr"
)

// Fields of a row that keep the client id of the create that made it and
// the digest of what that create asked for.
const (
	FieldClientID     = "client_id"
	FieldClientDigest = "client_digest"
)

// uuidFormat is a UUID as apps write them (RFC 9562: 8-4-4-4-12 hex digits,
// any version, either case).
var uuidFormat = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Parse checks a client id and returns it as kept: a UUID in lower case,
// so an app that writes it in capitals the second time is the same id.
func Parse(s string) (string, bool) {
	if !uuidFormat.MatchString(s) {
		return "", false
	}
	return strings.ToLower(s), true
}

// Digest is what a create asked for, by whom: the same user sending the
// same input (op, the mutation's name) gives the same digest. Inputs are
// compared as their JSON, so a replay must send the same values.
func Digest(userID int, op string, input any) (string, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("digest of %s: %w", op, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00", userID, op)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

type claimKey struct{}

// claim is the client id a request's create gives the first row of its type.
type claim struct {
	typ, id, digest string
	used            bool
}

// With returns ctx in which the first row of type typ (ent's type name,
// e.g. "LearningUnit") created gets the client id and digest. A create
// makes other rows too (a campaign's criteria sets, the audit log); only
// the one the client named carries its id.
func With(ctx context.Context, typ, clientID, digest string) context.Context {
	return context.WithValue(ctx, claimKey{}, &claim{typ: typ, id: clientID, digest: digest})
}

// Hook sets the client id of With on the row it is meant for; it belongs
// to the schema of every type a client may create with an id.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if c, ok := ctx.Value(claimKey{}).(*claim); ok && !c.used && m.Op().Is(ent.OpCreate) && m.Type() == c.typ {
				c.used = true
				if err := m.SetField(FieldClientID, c.id); err != nil {
					return nil, fmt.Errorf("set client id: %w", err)
				}
				if err := m.SetField(FieldClientDigest, c.digest); err != nil {
					return nil, fmt.Errorf("set client digest: %w", err)
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// Unchanged reports whether an update (m, of one row) would leave the row
// as it is: every field it sets holds that value already, every field it
// clears is empty. A resent update whose version is stale is then the
// same change applied before, not someone else's, and is answered with the
// row instead of a CONFLICT. Texts compare in Unicode NFC, as they are kept.
func Unchanged(ctx context.Context, m ent.Mutation) (bool, error) {
	for _, name := range m.Fields() {
		v, _ := m.Field(name)
		old, err := m.OldField(ctx, name)
		if err != nil {
			return false, fmt.Errorf("old %s: %w", name, err)
		}
		if !same(v, old) {
			return false, nil
		}
	}
	for _, name := range m.ClearedFields() {
		old, err := m.OldField(ctx, name)
		if err != nil {
			return false, fmt.Errorf("old %s: %w", name, err)
		}
		if !empty(old) {
			return false, nil
		}
	}
	// A cleared edge is its field cleared (parent, parent_id); an edge
	// without a field of its own is not compared, so not recognised.
	for _, edge := range m.ClearedEdges() {
		old, err := m.OldField(ctx, edge+"_id")
		if err != nil || !empty(old) {
			return false, nil
		}
	}
	return true, nil
}

func same(a, b any) bool {
	a, b = deref(a), deref(b)
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		return ok && norm.NFC.String(sa) == norm.NFC.String(sb)
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	// Enums and other named kinds compare as their underlying values.
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() == reflect.String && vb.Kind() == reflect.String {
		return va.String() == vb.String()
	}
	return reflect.DeepEqual(a, b)
}

func empty(v any) bool {
	v = deref(v)
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.IsZero()
}

func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
}

// CheckVersion checks the version an update was based on (expected, nil for
// none) against the row's (current), for the update m of that row. A stale
// version is CONFLICT on expectedVersion, unless the update changes nothing:
// then it is the same update sent again after it was applied (its answer
// lost), and applied says so; the caller answers the row as it is.
func CheckVersion(ctx context.Context, expected *int, current int, m ent.Mutation) (applied bool, err error) {
	stale := apperr.CheckVersion(expected, current)
	if stale == nil {
		return false, nil
	}
	same, err := Unchanged(ctx, m)
	if err != nil {
		return false, err
	}
	if same {
		return true, nil
	}
	return false, stale
}
