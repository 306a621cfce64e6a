package graph

import (
	"context"
	"fmt"
	"strconv"

	"hoctap/ent"
	"hoctap/graph/model"
	"hoctap/internal/apperr"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/queue"
)

var (
	msgQueueLength = i18n.Message{VI: "Hàng đợi có từ 1 đến %d thao tác.", EN: "A queue holds 1 to %d operations."}
	msgOpNone      = i18n.Message{VI: "Thao tác không có nội dung: cần đúng một loại thao tác.", EN: "The operation is empty: give exactly one kind of operation."}
	msgOpTwo       = i18n.Message{VI: "Mỗi thao tác chỉ có một loại.", EN: "An operation is of one kind only."}
)

// op is one operation of a queue, bound to the mutation that runs it.
type op struct {
	name string
	// run calls the mutation's resolver and answers the object it made or
	// changed.
	run func(ctx context.Context) (ent.Noder, error)
	// created is the type and client id of a create that carries one, to
	// recognise a replay.
	createdType string
	clientID    *string
	// target names the object an update changes, to recognise a replay
	// (its version did not move) and to answer a conflict with it.
	target *ref
	typ    string
}

// operation binds o to its mutation; it answers an error naming the field
// when o does not hold exactly one input.
func (r *mutationResolver) operation(o *model.ChangeOperation, field string) (*op, error) {
	var ops []*op
	if in := o.CreateLearningUnit; in != nil {
		ops = append(ops, &op{name: "createLearningUnit", createdType: "LearningUnit", clientID: in.ClientID,
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.CreateLearningUnit(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.LearningUnit })
			}})
	}
	if in := o.UpdateLearningUnit; in != nil {
		ops = append(ops, &op{name: "updateLearningUnit", typ: "LearningUnit", target: &ref{"id", "clientID", in.ID, in.ClientID},
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.UpdateLearningUnit(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.LearningUnit })
			}})
	}
	if in := o.ArchiveLearningUnit; in != nil {
		ops = append(ops, &op{name: "archiveLearningUnit", typ: "LearningUnit", target: &ref{"id", "clientID", in.ID, in.ClientID},
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.ArchiveLearningUnit(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.LearningUnit })
			}})
	}
	if in := o.Register; in != nil {
		ops = append(ops, &op{name: "register", createdType: "Registration", clientID: in.ClientID,
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.Register(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.Registration })
			}})
	}
	if in := o.Evaluate; in != nil {
		ops = append(ops, &op{name: "evaluate", createdType: "Evaluation", clientID: in.ClientID,
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.Evaluate(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.Evaluation })
			}})
	}
	if in := o.WithdrawRegistration; in != nil {
		ops = append(ops, &op{name: "withdrawRegistration", typ: "Registration", target: &ref{"id", "clientID", in.ID, in.ClientID},
			run: func(ctx context.Context) (ent.Noder, error) {
				p, err := r.WithdrawRegistration(ctx, *in)
				return payloadNode(p, err, func() ent.Noder { return p.Registration })
			}})
	}
	switch len(ops) {
	case 0:
		return nil, apperr.Input(field, msgOpNone)
	case 1:
		return ops[0], nil
	}
	return nil, apperr.Input(field+"."+ops[1].name, msgOpTwo)
}

// payloadNode answers the object of a mutation's payload p, or its error.
func payloadNode[P any](p *P, err error, node func() ent.Noder) (ent.Noder, error) {
	if err != nil {
		return nil, err
	}
	return node(), nil
}

// applyChanges runs a queue: each operation through its own mutation's
// resolver, in a savepoint of its own, so that a refused one leaves the
// others applied. A failure that is not the operation's fault (the
// database, a bug) fails the whole call, rolled back: the app sends the
// queue again and what was applied is recognised then.
func (r *mutationResolver) applyChanges(ctx context.Context, input model.ApplyChangesInput) (*model.ApplyChangesPayload, error) {
	if err := queue.Roles.May(ctx, "applyChanges"); err != nil {
		return nil, err
	}
	if n := len(input.Operations); n == 0 || n > queue.MaxOperations {
		return nil, apperr.Input("operations", msgQueueLength, queue.MaxOperations)
	}
	results := make([]*model.ChangeResult, len(input.Operations))
	for i, o := range input.Operations {
		res, err := r.applyOne(ctx, o, "operations."+strconv.Itoa(i))
		if err != nil {
			return nil, fmt.Errorf("apply operation %d (%s): %w", i, o.OpID, err)
		}
		results[i] = res
	}
	return &model.ApplyChangesPayload{Results: results}, nil
}

// applyOne runs one operation of a queue in a savepoint and says what
// became of it; an error is for the whole queue.
func (r *mutationResolver) applyOne(ctx context.Context, o *model.ChangeOperation, field string) (*model.ChangeResult, error) {
	res := &model.ChangeResult{OpID: o.OpID}
	c := ent.FromContext(ctx)
	do, err := r.operation(o, field)
	if err != nil {
		return refused(ctx, res, err)
	}
	// What the object was before tells a replay from a change: a create
	// whose client id is taken already, an update that left the version
	// where it was.
	var (
		existed bool
		before  = -1
	)
	if do.clientID != nil {
		if cid, ok := idem.Parse(*do.clientID); ok {
			_, _, err := clientRow(ctx, c, do.createdType, cid)
			if err != nil && !ent.IsNotFound(err) {
				return nil, err
			}
			existed = err == nil
		}
	}
	if do.target != nil {
		if v, err := r.version(ctx, do); err == nil {
			before = v
		}
	}
	if _, err := c.ExecContext(ctx, "SAVEPOINT change_op"); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	node, err := do.run(ctx)
	if err != nil {
		if _, rerr := c.ExecContext(ctx, "ROLLBACK TO SAVEPOINT change_op"); rerr != nil {
			return nil, fmt.Errorf("rollback to savepoint: %w (after %w)", rerr, err)
		}
	}
	if _, rerr := c.ExecContext(ctx, "RELEASE SAVEPOINT change_op"); rerr != nil {
		return nil, fmt.Errorf("release savepoint: %w", rerr)
	}
	if err != nil {
		if e := errmap.Of(ctx, err); e.Code == apperr.Conflict && e.Field == "expectedVersion" && do.target != nil {
			// The server's version, for the app to show next to its own.
			// Other conflicts (a code taken, a registration recognised
			// meanwhile) are refusals: the user must change the input,
			// not choose between versions.
			if n, lerr := r.targetNode(ctx, do); lerr == nil {
				res.Status, res.Node, res.Error = model.ChangeStatusConflict, n, changeError(ctx, e)
				return res, nil
			}
		}
		return refused(ctx, res, err)
	}
	res.Status, res.Node = model.ChangeStatusApplied, node
	if existed || (before >= 0 && versionOf(node) == before) {
		res.Status = model.ChangeStatusAlreadyApplied
	}
	return res, nil
}

// refused answers an operation refused for err, or err itself when it is
// not the operation's fault.
func refused(ctx context.Context, res *model.ChangeResult, err error) (*model.ChangeResult, error) {
	e := errmap.Of(ctx, err)
	switch e.Code {
	case apperr.BadUserInput, apperr.NotFound, apperr.Forbidden, apperr.Conflict:
		res.Status, res.Error = model.ChangeStatusRefused, changeError(ctx, e)
		return res, nil
	}
	return nil, err
}

// changeError is e as the error presenter would show it.
func changeError(ctx context.Context, e *apperr.Error) *model.ChangeError {
	ce := &model.ChangeError{Code: string(e.Code), Message: e.Message(i18n.FromContext(ctx))}
	if e.Field != "" {
		ce.Field = &e.Field
	}
	return ce
}

// targetNode loads, as the viewer, the object an update names.
func (r *mutationResolver) targetNode(ctx context.Context, do *op) (ent.Noder, error) {
	id, err := do.target.resolve(ctx, queue.Roles, "applyChanges", do.typ)
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	switch do.typ {
	case "LearningUnit":
		return c.LearningUnit.Get(ctx, id)
	case "Registration":
		return c.Registration.Get(ctx, id)
	}
	return nil, fmt.Errorf("target of type %s", do.typ)
}

// version is the version of the object an update names, as the viewer
// reads it.
func (r *mutationResolver) version(ctx context.Context, do *op) (int, error) {
	n, err := r.targetNode(ctx, do)
	if err != nil {
		return 0, err
	}
	return versionOf(n), nil
}

// versionOf is n's version, -2 for an object without one.
func versionOf(n ent.Noder) int {
	switch n := n.(type) {
	case *ent.LearningUnit:
		return n.Version
	case *ent.Registration:
		return n.Version
	}
	return -2
}
