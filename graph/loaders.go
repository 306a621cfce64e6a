package graph

import (
	"context"
	"slices"
	"sync"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/ent"
	"hoctap/ent/registration"
	"hoctap/internal/title"
)

// regKey asks for a registration in a campaign, for one title or (zero
// title) any.
type regKey struct {
	campaign int
	title    title.Title
}

// batchKey names one batch: a campaign, a title, the list of units the
// asking row belongs to (by its first element, unique within an operation),
// and the field in the document, whose selection decides the columns read.
type batchKey struct {
	campaign int
	title    title.Title
	list     *ent.LearningUnit
	field    *ast.Field
}

// batch is one query's worth of registrations, run once.
type batch struct {
	once  sync.Once
	found map[int]*ent.Registration // by learning unit
	err   error
}

// loaders batch the reads that list rows ask for one by one: the rows of a
// page asking for their registration cost one query, found by walking up
// from the row to the list it is part of. Unlike a time-window dataloader
// this is deterministic — one statement per list, always. Loaders live for
// one operation, so they never serve one viewer's rows to another.
type loaders struct {
	client  func(context.Context) *ent.Client
	mu      sync.Mutex
	batches map[batchKey]*batch
	// jobs are the import jobs read, as the runner shows them (importJob).
	jobs map[*ent.ImportJob]*jobView
	// records are the record summaries of the lists read (records.go).
	records map[recordKey]*recordBatch
	years   map[any]*yearBatch
}

type loadersKey struct{}

// withLoaders gives each operation its own loaders.
func withLoaders(client func(context.Context) *ent.Client) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		l := &loaders{client: client, batches: map[batchKey]*batch{}, records: map[recordKey]*recordBatch{}, years: map[any]*yearBatch{}}
		return next(context.WithValue(ctx, loadersKey{}, l))
	}
}

func loadersFrom(ctx context.Context) *loaders {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	return l
}

// registration returns unit's registration in a campaign, loading it with
// those of every unit of the list it is in.
func (l *loaders) registration(ctx context.Context, unit *ent.LearningUnit, k regKey) (*ent.Registration, error) {
	units := siblings(ctx)
	if !slices.Contains(units, unit) {
		// Not a row of that list but a unit reached from one (a row's
		// parent): it is read alone.
		units = []*ent.LearningUnit{unit}
	}
	bk := batchKey{campaign: k.campaign, title: k.title, list: units[0]}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		bk.field = fc.Field.Field
	}
	l.mu.Lock()
	b := l.batches[bk]
	if b == nil {
		b = &batch{}
		l.batches[bk] = b
	}
	l.mu.Unlock()
	b.once.Do(func() {
		ids := make([]int, len(units))
		for i, u := range units {
			ids[i] = u.ID
		}
		b.found, b.err = l.loadRegistrations(ctx, k, ids)
	})
	if b.err != nil {
		return nil, b.err
	}
	return b.found[unit.ID], nil
}

// loadRegistrations reads the registrations of units in a campaign, the
// first (lowest id) of each unit, reading only the columns and edges the
// field selects (every row of a list selects the same).
func (l *loaders) loadRegistrations(ctx context.Context, k regKey, units []int) (map[int]*ent.Registration, error) {
	q, err := l.client(ctx).Registration.Query().
		Where(registration.CampaignID(k.campaign), registration.LearningUnitIDIn(units...)).
		CollectFields(ctx)
	if err != nil {
		return nil, err
	}
	if k.title != "" {
		q.Where(registration.TitleEQ(k.title))
	}
	// The rows are matched to their units by this column, selected or not.
	q.Modify(func(s *sql.Selector) {
		if !slices.Contains(s.UnqualifiedColumns(), registration.FieldLearningUnitID) {
			s.AppendSelect(s.C(registration.FieldLearningUnitID))
		}
	})
	regs, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	found := make(map[int]*ent.Registration, len(regs))
	for _, r := range regs {
		if f := found[r.LearningUnitID]; f == nil || r.ID < f.ID {
			found[r.LearningUnitID] = r
		}
	}
	return found, nil
}

// siblings returns the learning units of the list (a connection's edges or
// a plain list) that the field being resolved is under, nil when it is not
// under one.
func siblings(ctx context.Context) []*ent.LearningUnit {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch list := fc.Result.(type) {
		case []*ent.LearningUnitEdge:
			units := make([]*ent.LearningUnit, 0, len(list))
			for _, e := range list {
				if e != nil && e.Node != nil {
					units = append(units, e.Node)
				}
			}
			return units
		case []*ent.LearningUnit:
			return list
		}
	}
	return nil
}
