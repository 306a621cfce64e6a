package client

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
)

// maxOps is the most operations applyChanges takes in one call.
const maxOps = 500

// Ref names an object a queued write refers to: by the server's id when it
// was synced, or by the clientID of its create when the app made it
// offline (still in the outbox, or sent and not yet synced back).
type Ref struct {
	ID       string
	ClientID string
}

// ByID refers to a synced object.
func ByID(id string) Ref { return Ref{ID: id} }

// ByClientID refers to an object the app created, by its clientID.
func ByClientID(clientID string) Ref { return Ref{ClientID: clientID} }

// put sets the input's field for r: learningUnitID or learningUnitClientID,
// say, for the field "learningUnit".
func (r Ref) put(in map[string]any, field string) {
	if r.ClientID != "" {
		in[field+"ClientID"] = r.ClientID
	} else {
		in[field+"ID"] = r.ID
	}
}

// Score is the points given for one criterion of an evaluation.
type Score struct {
	Code   string  `json:"code"`
	Points float64 `json:"points"`
}

// queue appends a write to the outbox, with a fresh opID and, for a
// create, a fresh clientID (a UUID made on the phone) that it returns.
func (c *Client) queue(mutation string, in map[string]any, create bool, base Object) (string, error) {
	var clientID string
	if create {
		clientID = uuid.NewString()
		in["clientID"] = clientID
	}
	op := Op{OpID: uuid.NewString(), Mutation: mutation, Input: in, Base: base}
	if err := c.Store.enqueue(op); err != nil {
		return "", fmt.Errorf("queue %s: %w", mutation, err)
	}
	return clientID, nil
}

// CreateHousehold queues a new household of a village with its members (one
// citizen each, named by members), and returns the household's clientID.
func (c *Client) CreateHousehold(villageID, name string, members ...string) (string, error) {
	hh, err := c.queue("createLearningUnit", map[string]any{"kind": "HOUSEHOLD", "name": name, "adminUnitID": villageID,
		"memberCount": len(members), "adultCount": len(members)}, true, nil)
	if err != nil {
		return "", err
	}
	for _, m := range members {
		in := map[string]any{"kind": "CITIZEN", "name": m, "adminUnitID": villageID, "parentClientID": hh}
		if _, err := c.queue("createLearningUnit", in, true, nil); err != nil {
			return "", err
		}
	}
	return hh, nil
}

// Register queues the registration of a learning unit for a title in a
// campaign, and returns the registration's clientID.
func (c *Client) Register(campaignID string, unit Ref, title string) (string, error) {
	in := map[string]any{"campaignID": campaignID, "title": title}
	unit.put(in, "learningUnit")
	return c.queue("register", in, true, nil)
}

// Evaluate queues an evaluation of a registration (synced, or queued
// earlier: ByClientID) and returns the evaluation's clientID.
func (c *Client) Evaluate(registration Ref, kind string, scores []Score) (string, error) {
	in := map[string]any{"kind": kind, "scores": scores}
	registration.put(in, "registration")
	return c.queue("evaluate", in, true, nil)
}

// UpdateLearningUnit queues a change of a synced learning unit's fields
// (by their input names: phone, name, address…), based on the version the
// store holds: if someone changed the unit since, Push reports a Conflict.
func (c *Client) UpdateLearningUnit(id string, changes map[string]any) error {
	base, ok := c.Store.Get(id)
	if !ok || base.Typename() != "LearningUnit" {
		return fmt.Errorf("update learning unit %s: not in the store; sync first", id)
	}
	in := maps.Clone(changes)
	in["id"], in["expectedVersion"] = id, base.Version()
	_, err := c.queue("updateLearningUnit", in, false, base)
	return err
}

// PushResult says what a Push did with the outbox.
type PushResult struct {
	// Applied counts the writes applied by this push.
	Applied int
	// AlreadyApplied counts the writes the server held already: an
	// earlier push applied them and its answer was lost.
	AlreadyApplied int
	// Refused are the writes the server refused, dropped from the outbox:
	// show them to the user.
	Refused []Refusal
	// Conflicts are the updates based on a version the server has moved
	// past, moved from the outbox to the store's conflicts.
	Conflicts []Conflict
}

// Refusal is a write the server refused, with why.
type Refusal struct {
	Op                   Op
	Code, Field, Message string
}

// changeResult is one answer of ApplyQueue.
type changeResult struct {
	OpID   string
	Status string
	Error  *struct{ Code, Field, Message string }
	Node   Object
}

// Push sends the outbox with applyChanges, at most maxOps writes a call, in
// order. When a call fails as a whole (no network, an answer lost,
// UNAVAILABLE), its writes stay in the outbox and Push returns the error:
// push again later, unchanged. Resending is safe, as creates carry their
// clientID and updates their expectedVersion: what the lost call applied
// answers ALREADY_APPLIED. Applied writes and refusals leave the outbox;
// conflicts wait in the store for KeepMine or TakeServer.
func (c *Client) Push(ctx context.Context) (PushResult, error) {
	var res PushResult
	for {
		batch := c.Store.Outbox()
		if len(batch) == 0 {
			return res, nil
		}
		batch = batch[:min(len(batch), maxOps)]
		ops := make([]map[string]any, len(batch))
		for i, op := range batch {
			ops[i] = op.operation()
		}
		var out struct {
			ApplyChanges struct{ Results []changeResult }
		}
		if err := c.Do(ctx, ApplyQueue, map[string]any{"ops": ops}, &out); err != nil {
			return res, fmt.Errorf("push: %w", err)
		}
		if err := c.Store.settle(batch, out.ApplyChanges.Results, &res); err != nil {
			return res, fmt.Errorf("push: %w", err)
		}
	}
}

// settle takes the answered writes out of the outbox.
func (s *Store) settle(batch []Op, results []changeResult, res *PushResult) error {
	if len(results) != len(batch) {
		return fmt.Errorf("%d results for %d operations", len(results), len(batch))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	answered := map[string]bool{}
	for i, r := range results {
		op := batch[i]
		if r.OpID != op.OpID {
			return fmt.Errorf("result %d is for operation %q, not %q", i, r.OpID, op.OpID)
		}
		answered[op.OpID] = true
		switch r.Status {
		case "APPLIED":
			res.Applied++
		case "ALREADY_APPLIED":
			res.AlreadyApplied++
		case "CONFLICT":
			cf := Conflict{Op: op, Server: r.Node, Mine: mine(op)}
			if r.Error != nil {
				cf.Message = r.Error.Message
			}
			s.data.Conflicts = append(s.data.Conflicts, cf)
			res.Conflicts = append(res.Conflicts, cf)
		case "REFUSED":
			rf := Refusal{Op: op}
			if r.Error != nil {
				rf.Code, rf.Field, rf.Message = r.Error.Code, r.Error.Field, r.Error.Message
			}
			res.Refused = append(res.Refused, rf)
		default:
			return fmt.Errorf("operation %s: unknown status %q", op.OpID, r.Status)
		}
	}
	s.data.Outbox = slices.DeleteFunc(s.data.Outbox, func(op Op) bool { return answered[op.OpID] })
	return s.save()
}

// mine is the object an update was based on with the update's changes on
// top.
func mine(op Op) Object {
	m := maps.Clone(op.Base)
	if m == nil {
		m = Object{}
	}
	for k, v := range op.Input {
		switch k {
		case "id", "clientID", "expectedVersion":
		default:
			m[k] = v
		}
	}
	return m
}

// KeepMine resolves a conflict for the app's change: it goes back to the
// end of the outbox based on the server's version, to overwrite what
// changed there at the next Push (which may conflict again, if the object
// moves on meanwhile).
func (c *Client) KeepMine(opID string) error {
	return c.Store.resolve(opID, true)
}

// TakeServer resolves a conflict for the server's version: the app's change
// is dropped, and the next Sync brings the object as the server holds it.
func (c *Client) TakeServer(opID string) error {
	return c.Store.resolve(opID, false)
}

func (s *Store) resolve(opID string, keep bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.data.Conflicts, func(cf Conflict) bool { return cf.Op.OpID == opID })
	if i < 0 {
		return fmt.Errorf("resolve %s: no such conflict", opID)
	}
	cf := s.data.Conflicts[i]
	s.data.Conflicts = slices.Delete(s.data.Conflicts, i, i+1)
	if keep {
		op := cf.Op
		op.Input = maps.Clone(op.Input)
		op.Input["expectedVersion"] = cf.Server.Version()
		op.Base = cf.Server
		s.data.Outbox = append(s.data.Outbox, op)
	}
	return s.save()
}
