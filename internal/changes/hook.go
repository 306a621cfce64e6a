// Package changes keeps the changes log and serves the changes feed the
// mobile apps sync from: what was created, changed, archived, deleted or
// moved in a viewer's scope since a cursor, and a first sync that pages over
// the whole scope.
//
// The log is written in the transaction of the change it records, so a
// change and its row commit (or roll back) together: by Hook, on every
// synced ent type, and by the writers that go around ent (reorganisations,
// imports) with InsertSelect, Row.Values and Log. How the feed reads it
// without ever skipping a row committed late is explained in feed.go (pos).
//
// Writes that log nothing, on purpose: what no client reads (progress
// counters, search and sort keys, an admin unit's predecessors, which
// internal/history rebuilds), accounts (not synced: a change of the
// viewer's own scope restarts their sync, see fingerprint), and the bulk
// loads of internal/bulk.Tx (the demo, the generator), which fill a new
// database before any app syncs from it.
package changes

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/change"
	"hoctap/ent/criteriaset"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/target"
	"hoctap/internal/derive"
)

// Row is one entry to log: an object of an ent type, what happened to it,
// where it is now and, when the change moved it, where it was.
type Row struct {
	Type     string
	ID       int
	Op       change.Op
	Path     string
	LeftPath string
}

// system lets the log be read and written whoever the viewer is; the change
// it records has passed its own policy.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Hook logs every create, update and delete of the synced types (schema
// lists it first among a type's hooks, so the row it sees is complete: a new
// admin unit's path is set by a hook inside it). Targets and criteria sets
// are logged as their campaign, which carries them to the apps.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if derive.Derived(ctx) {
				return next.Mutate(ctx, m)
			}
			op := change.OpUPSERT
			if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
				op = change.OpDELETE
			}
			for _, f := range []string{learningunit.FieldArchivedAt, adminunit.FieldValidTo} {
				if _, set := m.Field(f); set {
					op = change.OpARCHIVE
				}
			}
			_, moves := m.Field(learningunit.FieldAdminUnitID)
			moves = moves && m.Type() == ent.TypeLearningUnit && !m.Op().Is(ent.OpCreate)
			if m.Op().Is(ent.OpCreate) || (m.Op().Is(ent.OpUpdateOne) && !moves) {
				// The row written says where it is: no statement but the log's.
				v, err := next.Mutate(ctx, m)
				if err != nil {
					return nil, err
				}
				rows, err := fromValue(ctx, m, v)
				if err != nil {
					return nil, err
				}
				for i := range rows {
					if rows[i].Type == m.Type() {
						rows[i].Op = op
					}
				}
				return v, record(ctx, clientOf(m), rows)
			}
			ids, err := idsOf(ctx, m)
			if err != nil {
				return nil, err
			}
			// Before the write: where deleted rows were, and where moved
			// ones leave from.
			var before []Row
			if op == change.OpDELETE || moves {
				if before, err = Locate(ctx, clientOf(m), m.Type(), ids); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			if op == change.OpDELETE {
				for i := range before {
					before[i].Op = op
					if before[i].Type != m.Type() {
						// A target or criteria set deleted changes its campaign.
						before[i].Op = change.OpUPSERT
					}
				}
				return v, record(ctx, clientOf(m), before)
			}
			rows, err := Locate(ctx, clientOf(m), m.Type(), ids)
			if err != nil {
				return nil, err
			}
			left := map[int]string{}
			for _, r := range before {
				left[r.ID] = r.Path
			}
			for i := range rows {
				if rows[i].Type == m.Type() {
					rows[i].Op = op
				}
				if p := left[rows[i].ID]; p != rows[i].Path {
					rows[i].LeftPath = p
				}
			}
			return v, record(ctx, clientOf(m), rows)
		})
	}
}

type batchKey struct{}

// batch collects the rows of the writes of one bulk create.
type batch struct{ rows []Row }

// Batch returns a context under which the hook collects log rows instead of
// writing each, and the function that writes them all (in as few
// statements as the databases allow) once the writes are done: for ent's
// CreateBulk, whose hooks run once per row.
func Batch(ctx context.Context) (context.Context, func(*ent.Client) error) {
	b := &batch{}
	return context.WithValue(ctx, batchKey{}, b), func(c *ent.Client) error {
		rows := b.rows
		b.rows = nil
		return Log(ctx, c, rows...)
	}
}

// record writes rows to the log, or adds them to the batch of ctx.
func record(ctx context.Context, c *ent.Client, rows []Row) error {
	if b, ok := ctx.Value(batchKey{}).(*batch); ok {
		b.rows = append(b.rows, rows...)
		return nil
	}
	return Log(ctx, c, rows...)
}

// clientOf is the client of a mutation: its transaction's, when it runs in
// one, so the log row commits with the change.
func clientOf(m ent.Mutation) *ent.Client {
	return m.(interface{ Client() *ent.Client }).Client()
}

// idsOf lists the rows an update or delete touches, before it runs.
func idsOf(ctx context.Context, m ent.Mutation) ([]int, error) {
	if one, ok := m.(interface{ ID() (int, bool) }); ok && m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) {
		if id, ok := one.ID(); ok {
			return []int{id}, nil
		}
	}
	many, ok := m.(interface {
		IDs(context.Context) ([]int, error)
	})
	if !ok {
		return nil, fmt.Errorf("changes: %s mutation lists no ids", m.Type())
	}
	// The mutation's predicates include those its policy added.
	ids, err := many.IDs(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("changes: rows of %s: %w", m.Type(), err)
	}
	return ids, nil
}

// fromValue logs a created or updated row from what the write returned,
// without reading it again when it carries its path (an update that
// selected only some columns may not: then it is read).
func fromValue(ctx context.Context, m ent.Mutation, v ent.Value) ([]Row, error) {
	var r Row
	switch o := v.(type) {
	case *ent.AdminUnit:
		r = Row{Type: ent.TypeAdminUnit, ID: o.ID, Path: o.Path}
	case *ent.LearningUnit:
		r = Row{Type: ent.TypeLearningUnit, ID: o.ID, Path: o.AdminPath}
	case *ent.Campaign:
		r = Row{Type: ent.TypeCampaign, ID: o.ID, Path: o.ScopePath}
	case *ent.Decision:
		r = Row{Type: ent.TypeDecision, ID: o.ID, Path: o.ScopePath}
	case *ent.Registration:
		r = Row{Type: ent.TypeRegistration, ID: o.ID, Path: o.AdminPath}
	}
	if r.Path != "" {
		r.Op = change.OpUPSERT
		return []Row{r}, nil
	}
	id, ok := m.(interface{ ID() (int, bool) }).ID()
	if !ok {
		return nil, fmt.Errorf("changes: written %s has no id", m.Type())
	}
	return Locate(ctx, clientOf(m), m.Type(), []int{id})
}

// Locate reads where objects of an ent type are now, as the rows to log for
// them: targets and criteria sets as their campaign, evaluations at their
// registration's place. Objects not found are left out.
func Locate(ctx context.Context, c *ent.Client, typ string, ids []int) ([]Row, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ctx = system(ctx)
	var (
		got []struct {
			ID   int    `json:"id"`
			Path string `json:"path"`
		}
		err   error
		as    = typ
		owner map[int]int // object → the campaign or registration that places it
	)
	switch typ {
	case ent.TypeAdminUnit:
		err = c.AdminUnit.Query().Where(adminunit.IDIn(ids...)).Select(adminunit.FieldID, adminunit.FieldPath).Scan(ctx, &got)
	case ent.TypeLearningUnit:
		err = c.LearningUnit.Query().Where(learningunit.IDIn(ids...)).
			Modify(func(s *sql.Selector) {
				s.Select(s.C(learningunit.FieldID), sql.As(s.C(learningunit.FieldAdminPath), "path"))
			}).Scan(ctx, &got)
	case ent.TypeCampaign:
		err = c.Campaign.Query().Where(campaign.IDIn(ids...)).
			Modify(func(s *sql.Selector) {
				s.Select(s.C(campaign.FieldID), sql.As(s.C(campaign.FieldScopePath), "path"))
			}).Scan(ctx, &got)
	case ent.TypeDecision:
		err = c.Decision.Query().Where(decision.IDIn(ids...)).
			Modify(func(s *sql.Selector) {
				s.Select(s.C(decision.FieldID), sql.As(s.C(decision.FieldScopePath), "path"))
			}).Scan(ctx, &got)
	case ent.TypeRegistration:
		err = c.Registration.Query().Where(registration.IDIn(ids...)).
			Modify(func(s *sql.Selector) {
				s.Select(s.C(registration.FieldID), sql.As(s.C(registration.FieldAdminPath), "path"))
			}).Scan(ctx, &got)
	case ent.TypeTarget, ent.TypeCriteriaSet:
		as = ent.TypeCampaign
		owner = map[int]int{}
		if typ == ent.TypeTarget {
			ts, e := c.Target.Query().Where(target.IDIn(ids...)).Select(target.FieldID, target.FieldCampaignID).All(ctx)
			for _, t := range ts {
				owner[t.ID] = t.CampaignID
			}
			err = e
		} else {
			cs, e := c.CriteriaSet.Query().Where(criteriaset.IDIn(ids...)).Select(criteriaset.FieldID, criteriaset.FieldCampaignID).All(ctx)
			for _, s := range cs {
				owner[s.ID] = s.CampaignID
			}
			err = e
		}
		if err == nil {
			camps := map[int]bool{}
			var cids []int
			for _, cid := range owner {
				if !camps[cid] {
					camps[cid] = true
					cids = append(cids, cid)
				}
			}
			// A campaign changed once however many of its parts changed.
			return Locate(ctx, c, ent.TypeCampaign, cids)
		}
	case ent.TypeEvaluation:
		var es []*ent.Evaluation
		es, err = c.Evaluation.Query().Where(evaluation.IDIn(ids...)).Select(evaluation.FieldID, evaluation.FieldRegistrationID).All(ctx)
		if err == nil {
			owner = map[int]int{}
			var rids []int
			for _, e := range es {
				owner[e.ID] = e.RegistrationID
				rids = append(rids, e.RegistrationID)
			}
			regs, e := Locate(ctx, c, ent.TypeRegistration, rids)
			if e != nil {
				return nil, e
			}
			at := map[int]string{}
			for _, r := range regs {
				at[r.ID] = r.Path
			}
			var rows []Row
			for _, e := range es {
				rows = append(rows, Row{Type: typ, ID: e.ID, Op: change.OpUPSERT, Path: at[e.RegistrationID]})
			}
			return rows, nil
		}
	default:
		return nil, fmt.Errorf("changes: %s is not synced", typ)
	}
	if err != nil {
		return nil, fmt.Errorf("changes: where %s %v is: %w", typ, ids, err)
	}
	rows := make([]Row, len(got))
	for i, g := range got {
		rows[i] = Row{Type: as, ID: g.ID, Op: change.OpUPSERT, Path: g.Path}
	}
	return rows, nil
}

// Log writes rows to the log in c's transaction.
func Log(ctx context.Context, c *ent.Client, rows ...Row) error {
	if len(rows) == 0 {
		return nil
	}
	const per = 2000 // under both databases' bound-parameter limits
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		b := make([]*ent.ChangeCreate, len(chunk))
		for i, r := range chunk {
			b[i] = c.Change.Create().SetObjectType(r.Type).SetObjectID(r.ID).SetOp(r.Op).SetPath(r.Path).SetLeftPath(r.LeftPath)
		}
		if err := c.Change.CreateBulk(b...).Exec(system(ctx)); err != nil {
			return fmt.Errorf("changes: log %d rows: %w", len(chunk), err)
		}
	}
	return nil
}

// InsertSelect is the SQL that logs, with op, the objects of type typ a
// query selects as (id, path now, path left or ”), at the time $1: for the
// writers that change many rows with SQL of their own (reorganisations),
// run in their transaction before the rows change. Statements use
// PostgreSQL's $1 (bulk.Ent reads it as SQLite's ?).
func InsertSelect(dial, typ string, op change.Op, query string) string {
	at := "$1"
	if dial == dialect.Postgres {
		// A parameter in a select list has no type PostgreSQL could infer.
		at = "CAST($1 AS timestamptz)"
	}
	return `INSERT INTO ` + change.Table + ` (object_type, op, object_id, path, left_path, created_at) SELECT '` +
		typ + `', '` + string(op) + `', q.*, ` + at + ` FROM (` + query + `) q`
}

// Columns are the columns of a log row a bulk writer inserts (see Values).
var Columns = []string{change.FieldObjectType, change.FieldObjectID, change.FieldOp, change.FieldPath, change.FieldLeftPath, change.FieldCreatedAt}

// Values are a row's values in the order of Columns.
func (r Row) Values(at time.Time) []any {
	return []any{r.Type, r.ID, string(r.Op), r.Path, r.LeftPath, at}
}
