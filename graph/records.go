package graph

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/graph/model"
	"hoctap/internal/i18n"
	"hoctap/internal/recordsummary"
	"hoctap/internal/rule"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// recordKey names one batch of record summaries: the list the asking rows
// are in (by its first element, unique within an operation), the field in
// the document, and the year summed up.
type recordKey struct {
	list  any
	field *ast.Field
	year  int
}

// recordBatch sums up the records of a list's citizens once, and reads
// their activities once if any row asks for them.
type recordBatch struct {
	ids     []int
	once    sync.Once
	sums    map[int]*recordsummary.Summary
	err     error
	actOnce sync.Once
	acts    map[int][]*ent.LearningActivity
	actErr  error
}

// yearBatch holds the years of the campaigns of a list of registrations.
type yearBatch struct {
	once  sync.Once
	years map[int]int // by campaign
	err   error
}

// The years a record is summed up for, as campaigns have them.
const (
	minRecordYear = 2000
	maxRecordYear = 2100
)

var msgRecordYear = i18n.Message{VI: "Năm phải từ %d đến %d.", EN: "The year must be from %d to %d."}

// thisYear is the current calendar year in Vietnam.
func thisYear() int { return time.Now().In(i18n.Vietnam).Year() }

// recordSummary sums up citizen's record in year, with those of ids, the
// citizens of the list the asking row is in.
func (l *loaders) recordSummary(ctx context.Context, list any, ids []int, citizen, year int) (*model.RecordSummaryView, error) {
	// Who reads a citizen as a learning unit may still not read their
	// record (a manager; a citizen their housemate): no summary, rather
	// than one made of the nothing they may read.
	if v := viewer.FromContext(ctx); !rule.ReadsRecords(v) || v.Role == viewer.RoleCitizen && v.LearningUnitID != citizen {
		return nil, nil
	}
	k := recordKey{list: list, year: year}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		k.field = fc.Field.Field
	}
	l.mu.Lock()
	b := l.records[k]
	if b == nil {
		b = &recordBatch{ids: ids}
		l.records[k] = b
	}
	l.mu.Unlock()
	c := l.client(ctx)
	b.once.Do(func() {
		b.sums, b.err = recordsummary.Load(ctx, c, b.ids, year)
	})
	if b.err != nil {
		return nil, b.err
	}
	s := b.sums[citizen]
	if s == nil {
		// Not a row of the batch's list after all: summed up alone.
		one, err := recordsummary.Load(ctx, c, []int{citizen}, year)
		if err != nil {
			return nil, err
		}
		s = one[citizen]
	}
	return &model.RecordSummaryView{Summary: s, LoadActivities: func(ctx context.Context) ([]*ent.LearningActivity, error) {
		b.actOnce.Do(func() {
			b.acts, b.actErr = recordsummary.Activities(ctx, c, b.ids, year)
		})
		if b.actErr != nil {
			return nil, b.actErr
		}
		if !slices.Contains(b.ids, citizen) {
			acts, err := recordsummary.Activities(ctx, c, []int{citizen}, year)
			return acts[citizen], err
		}
		return b.acts[citizen], nil
	}}, nil
}

// unitRecord is LearningUnit.recordSummary: the citizens of the unit's list
// are summed up together.
func (l *loaders) unitRecord(ctx context.Context, unit *ent.LearningUnit, year int) (*model.RecordSummaryView, error) {
	if unit.Kind != learningunit.KindCITIZEN {
		return nil, nil
	}
	units := siblings(ctx)
	if !slices.Contains(units, unit) {
		units = []*ent.LearningUnit{unit}
	}
	var ids []int
	for _, u := range units {
		if u.Kind == learningunit.KindCITIZEN {
			ids = append(ids, u.ID)
		}
	}
	return l.recordSummary(ctx, units[0], ids, unit.ID, year)
}

// registrationRecord is Registration.record: the LEARNING_CITIZEN
// registrations of the list are summed up together, each in its
// campaign's year (one query reads the years).
func (l *loaders) registrationRecord(ctx context.Context, reg *ent.Registration) (*model.RecordSummaryView, error) {
	if reg.Title != titles.Citizen {
		return nil, nil
	}
	regs := siblingRegistrations(ctx)
	if !slices.Contains(regs, reg) {
		regs = []*ent.Registration{reg}
	}
	l.mu.Lock()
	yb := l.years[regs[0]]
	if yb == nil {
		yb = &yearBatch{}
		l.years[regs[0]] = yb
	}
	l.mu.Unlock()
	yb.once.Do(func() {
		var camps []int
		for _, r := range regs {
			if !slices.Contains(camps, r.CampaignID) {
				camps = append(camps, r.CampaignID)
			}
		}
		var rows []*ent.Campaign
		// A readable registration's campaign is readable too: the year is
		// read as the system rather than fail on a stale scope.
		rows, yb.err = l.client(ctx).Campaign.Query().Where(campaign.IDIn(camps...)).
			Select(campaign.FieldID, campaign.FieldYear).All(privacy.DecisionContext(ctx, privacy.Allow))
		yb.years = map[int]int{}
		for _, c := range rows {
			yb.years[c.ID] = c.Year
		}
	})
	if yb.err != nil {
		return nil, yb.err
	}
	year := yb.years[reg.CampaignID]
	var ids []int
	for _, r := range regs {
		if r.Title == titles.Citizen && yb.years[r.CampaignID] == year && !slices.Contains(ids, r.LearningUnitID) {
			ids = append(ids, r.LearningUnitID)
		}
	}
	return l.recordSummary(ctx, regs[0], ids, reg.LearningUnitID, year)
}

// siblingRegistrations returns the registrations of the list (a
// connection's edges or a plain list) that the field being resolved is
// under, nil when it is not under one.
func siblingRegistrations(ctx context.Context) []*ent.Registration {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch list := fc.Result.(type) {
		case []*ent.RegistrationEdge:
			regs := make([]*ent.Registration, 0, len(list))
			for _, e := range list {
				if e != nil && e.Node != nil {
					regs = append(regs, e.Node)
				}
			}
			return regs
		case []*ent.Registration:
			return list
		}
	}
	return nil
}
