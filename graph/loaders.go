package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"hoctap/ent"
	"hoctap/ent/registration"
	"hoctap/internal/title"
)

// regKey asks for a learning unit's registration in a campaign, for one
// title or (zero title) any.
type regKey struct {
	campaign, unit int
	title          title.Title
}

// loaders batch the reads that list fields ask for row by row: the 20
// households of a page asking for their registration cost one query.
// They live for one operation, so they never serve one viewer's rows to
// another, and nothing outlives the request.
type loaders struct {
	registration *dataloadgen.Loader[regKey, *ent.Registration]
}

type loadersKey struct{}

// batchWait is how long a loader waits for a list's rows to ask: they are
// resolved concurrently, so all of them ask within microseconds.
const batchWait = 200 * time.Microsecond

// withLoaders gives each operation its own loaders.
func withLoaders(client func(context.Context) *ent.Client) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		l := &loaders{
			registration: dataloadgen.NewLoader(func(ctx context.Context, keys []regKey) ([]*ent.Registration, []error) {
				return fetchRegistrations(ctx, client(ctx), keys)
			}, dataloadgen.WithWait(batchWait), dataloadgen.WithBatchCapacity(MaxPageSize)),
		}
		return next(context.WithValue(ctx, loadersKey{}, l))
	}
}

func loadersFrom(ctx context.Context) *loaders {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	return l
}

// fetchRegistrations loads the registrations of many units in one query per
// campaign, as the viewer (privacy applies). A unit with none gets nil.
func fetchRegistrations(ctx context.Context, c *ent.Client, keys []regKey) ([]*ent.Registration, []error) {
	byCampaign := map[int][]int{}
	for _, k := range keys {
		byCampaign[k.campaign] = append(byCampaign[k.campaign], k.unit)
	}
	found := map[regKey]*ent.Registration{}
	for camp, units := range byCampaign {
		regs, err := c.Registration.Query().
			Where(registration.CampaignID(camp), registration.LearningUnitIDIn(units...)).
			Order(ent.Asc(registration.FieldID)).
			All(ctx)
		if err != nil {
			errs := make([]error, len(keys))
			for i := range errs {
				errs[i] = err
			}
			return nil, errs
		}
		for _, r := range regs {
			for _, k := range []regKey{{camp, r.LearningUnitID, r.Title}, {camp, r.LearningUnitID, ""}} {
				if found[k] == nil {
					found[k] = r
				}
			}
		}
	}
	out := make([]*ent.Registration, len(keys))
	for i, k := range keys {
		out[i] = found[k]
	}
	return out, nil
}
