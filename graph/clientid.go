package graph

import (
	"context"
	"fmt"

	"entgo.io/ent/privacy"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/evidencefile"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/ent/reorganisation"
	"hoctap/ent/user"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/viewer"
)

var (
	msgClientID        = i18n.Message{VI: "Mã phía máy khách phải là một UUID.", EN: "The client id must be a UUID."}
	msgClientIDReplace = i18n.Message{VI: "Mã phía máy khách chỉ dùng khi ghi nhận quyết định mới.", EN: "A client id is for a new decision only."}
	msgClientIDTaken   = i18n.Message{VI: "Mã phía máy khách này đã được dùng cho một yêu cầu khác.", EN: "This client id was already used for a different request."}
)

// createOnce runs a create (op, allowed to the roles of its package) that
// may carry a client id (clientID of its input), so that sending it again
// is safe. Without one it is create. With one, the row of type typ (ent's
// type name) that a create with this id made answers the same create sent
// again, by the same user with the same input, as load reads it; the id
// with another input, or from another user, is CONFLICT on clientID.
// Otherwise create runs in a savepoint: when it fails because an identical
// request made the row meanwhile (on PostgreSQL the unique index on
// client_id decides; a code or name check may see the row first), the
// answer is that row.
func createOnce[P any](ctx context.Context, roles access.Roles, typ, op string, clientID *string, input any,
	load func(ctx context.Context, id int) (P, error), create func(ctx context.Context) (P, error),
) (P, error) {
	var zero P
	if clientID == nil {
		return create(ctx)
	}
	// Who may comes first, as in every mutation: a role that may not
	// create is FORBIDDEN whatever its client id.
	if err := roles.May(ctx, op); err != nil {
		return zero, err
	}
	id, ok := idem.Parse(*clientID)
	if !ok {
		return zero, apperr.Input("clientID", msgClientID)
	}
	// The input holds the same pointer: the digest sees the id as kept, so
	// an id sent in capitals the second time is the same create.
	*clientID = id
	v := viewer.FromContext(ctx)
	if v == nil {
		return create(ctx) // refused there, as UNAUTHENTICATED
	}
	digest, err := idem.Digest(v.UserID, op, input)
	if err != nil {
		return zero, err
	}
	c := ent.FromContext(ctx)
	replay := func() (P, bool, error) {
		rowID, made, err := clientRow(ctx, c, typ, id)
		switch {
		case ent.IsNotFound(err):
			return zero, false, nil
		case err != nil:
			return zero, false, err
		case made != digest:
			return zero, true, &apperr.Error{Code: apperr.Conflict, Field: "clientID", Msg: msgClientIDTaken}
		}
		p, err := load(ctx, rowID)
		return p, true, err
	}
	if p, done, err := replay(); done || err != nil {
		return p, err
	}
	if _, err := c.ExecContext(ctx, "SAVEPOINT client_create"); err != nil {
		return zero, fmt.Errorf("%s: savepoint: %w", op, err)
	}
	p, err := create(idem.With(ctx, typ, id, digest))
	if err == nil {
		if _, err := c.ExecContext(ctx, "RELEASE SAVEPOINT client_create"); err != nil {
			return zero, fmt.Errorf("%s: release savepoint: %w", op, err)
		}
		return p, nil
	}
	if _, rerr := c.ExecContext(ctx, "ROLLBACK TO SAVEPOINT client_create"); rerr != nil {
		return zero, fmt.Errorf("%s: rollback to savepoint: %w (after %w)", op, rerr, err)
	}
	if p, done, rerr := replay(); done || rerr != nil {
		return p, rerr
	}
	return zero, err
}

// clientRow finds the row of type typ a create with client id clientID made,
// whoever may read it, and the digest of that create.
func clientRow(ctx context.Context, c *ent.Client, typ, clientID string) (int, string, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	var (
		id     int
		digest string
		err    error
	)
	switch typ {
	case "LearningUnit":
		var r *ent.LearningUnit
		if r, err = c.LearningUnit.Query().Where(learningunit.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "AdminUnit":
		var r *ent.AdminUnit
		if r, err = c.AdminUnit.Query().Where(adminunit.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "Campaign":
		var r *ent.Campaign
		if r, err = c.Campaign.Query().Where(campaign.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "User":
		var r *ent.User
		if r, err = c.User.Query().Where(user.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "Registration":
		var r *ent.Registration
		if r, err = c.Registration.Query().Where(registration.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "Evaluation":
		var r *ent.Evaluation
		if r, err = c.Evaluation.Query().Where(evaluation.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "Decision":
		var r *ent.Decision
		if r, err = c.Decision.Query().Where(decision.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "LearningActivity":
		var r *ent.LearningActivity
		if r, err = c.LearningActivity.Query().Where(learningactivity.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "EvidenceFile":
		var r *ent.EvidenceFile
		if r, err = c.EvidenceFile.Query().Where(evidencefile.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	case "Reorganisation":
		var r *ent.Reorganisation
		if r, err = c.Reorganisation.Query().Where(reorganisation.ClientID(clientID)).Only(ctx); err == nil {
			id, digest = r.ID, r.ClientDigest
		}
	default:
		return 0, "", fmt.Errorf("client ids of %s: not kept", typ)
	}
	if err != nil && !ent.IsNotFound(err) {
		return 0, "", fmt.Errorf("find %s by client id: %w", typ, err)
	}
	return id, digest, err
}

var (
	msgRefBoth    = i18n.Message{VI: "Chỉ ghi một trong hai: %s hoặc %s.", EN: "Give one of %s and %s, not both."}
	msgRefMissing = i18n.Message{VI: "Thiếu %s (hoặc %s).", EN: "%s (or %s) is required."}
)

// ref is an input's reference to an object: its server id (field) or the
// client id of the create that made it (clientField), so that an app can
// name what it created offline before it knows the server's id.
type ref struct {
	field, clientField string
	id                 *int
	clientID           *string
}

// resolve answers the server id ref names, as the viewer reads the objects
// of type typ: a client id nobody in their reach used is NOT_FOUND on
// clientField. The role check of op comes first, as in every mutation, so a
// role that may not write learns nothing from the lookup.
func (f ref) resolve(ctx context.Context, roles access.Roles, op, typ string) (int, error) {
	if err := roles.May(ctx, op); err != nil {
		return 0, err
	}
	switch {
	case f.id != nil && f.clientID != nil:
		return 0, apperr.Input(f.clientField, msgRefBoth, f.field, f.clientField)
	case f.id != nil:
		return *f.id, nil
	case f.clientID == nil:
		return 0, apperr.Input(f.field, msgRefMissing, f.field, f.clientField)
	}
	cid, ok := idem.Parse(*f.clientID)
	if !ok {
		return 0, apperr.Input(f.clientField, msgClientID)
	}
	c := ent.FromContext(ctx)
	return access.Lookup(ctx, f.clientField, func(ctx context.Context) (int, error) {
		switch typ {
		case "LearningUnit":
			return c.LearningUnit.Query().Where(learningunit.ClientID(cid)).OnlyID(ctx)
		case "Registration":
			return c.Registration.Query().Where(registration.ClientID(cid)).OnlyID(ctx)
		}
		return 0, fmt.Errorf("reference by client id to a %s", typ)
	})
}

// optional resolves a reference that may be left out (a citizen's parent).
func (f ref) optional(ctx context.Context, roles access.Roles, op, typ string) (*int, error) {
	if f.id == nil && f.clientID == nil {
		return nil, nil
	}
	id, err := f.resolve(ctx, roles, op, typ)
	if err != nil {
		return nil, err
	}
	return &id, nil
}
