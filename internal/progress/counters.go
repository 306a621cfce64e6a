// Package progress keeps each campaign's running counts (eligible,
// registered, evaluated, recognised per admin unit, title and subtype) in
// step with the data, in the same transaction as every change, and builds
// progress reports from them with a few indexed lookups instead of a scan.
//
// Counters are kept for every unit on the path of the unit a change happens
// in, so a province's report reads the province's row and its children's.
// While a campaign is open, eligible follows the learning units as they are
// added, archived or moved; when it closes, its counters freeze, so a past
// campaign keeps reporting on the tree and the units as they were.
package progress

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/hook"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/progresscounter"
	"hoctap/ent/registration"
	"hoctap/internal/search"
	"hoctap/internal/titles"
)

// Delta is a change to the counts.
type Delta struct{ Eligible, Registered, Evaluated, Recognized int }

func (d Delta) zero() bool { return d == Delta{} }

// system runs the counter statements: callers have checked the viewer.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// PathIDs returns the ids of a materialised path, root first.
func PathIDs(path string) []int {
	var ids []int
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.Atoi(s); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// Apply adds d to a campaign's counters of a title and subtype at every unit
// of path from the campaign's province down, in one statement.
func Apply(ctx context.Context, c *ent.Client, camp *ent.Campaign, path string, title titles.Title, subtype string, d Delta) error {
	if d.zero() {
		return nil
	}
	ids := PathIDs(path)
	if above := len(PathIDs(camp.ScopePath)) - 1; above > 0 && above < len(ids) {
		ids = ids[above:]
	}
	builders := make([]*ent.ProgressCounterCreate, len(ids))
	for i, id := range ids {
		builders[i] = c.ProgressCounter.Create().
			SetCampaignID(camp.ID).SetAdminUnitID(id).
			SetTitle(title).SetSubtype(subtype).
			SetEligible(d.Eligible).SetRegistered(d.Registered).SetEvaluated(d.Evaluated).SetRecognized(d.Recognized)
	}
	err := c.ProgressCounter.CreateBulk(builders...).
		OnConflictColumns(progresscounter.FieldCampaignID, progresscounter.FieldAdminUnitID, progresscounter.FieldTitle, progresscounter.FieldSubtype).
		Update(func(u *ent.ProgressCounterUpsert) {
			u.AddEligible(d.Eligible).AddRegistered(d.Registered).AddEvaluated(d.Evaluated).AddRecognized(d.Recognized)
		}).
		Exec(system(ctx))
	if err != nil {
		return fmt.Errorf("update progress counters: %w", err)
	}
	return nil
}

// Subtype is the counter subtype of a learning unit: organisations are
// counted per subtype, since provinces set separate targets for them.
func Subtype(kind learningunit.Kind, subtype *learningunit.Subtype) string {
	if kind == learningunit.KindORGANIZATION && subtype != nil {
		return string(*subtype)
	}
	return ""
}

// counterKey identifies a counter row.
type counterKey struct {
	unit    int
	title   titles.Title
	subtype string
}

// Rebuild recounts a campaign from scratch: the eligible units of its
// province and its registrations, each with one grouped query, rolled up the
// tree in memory (a province has a few thousand admin units) and written in
// bulk. New campaigns start with it, and bulk loaders, which skip the
// per-row hooks, finish with it.
func Rebuild(ctx context.Context, c *ent.Client, camp *ent.Campaign) error {
	ctx = system(ctx)
	units, err := c.AdminUnit.Query().
		Where(func(s *sql.Selector) { s.Where(search.Prefix(s.C(adminunit.FieldPath), camp.ScopePath)) }).
		Select(adminunit.FieldID, adminunit.FieldPath, adminunit.FieldLevel).
		All(ctx)
	if err != nil {
		return fmt.Errorf("rebuild progress: %w", err)
	}
	byID := make(map[int]*ent.AdminUnit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	counts := map[counterKey]*Delta{}
	add := func(unitID int, title titles.Title, subtype string, d Delta) {
		u := byID[unitID]
		if u == nil {
			return
		}
		for _, id := range PathIDs(u.Path) {
			if byID[id] == nil {
				continue // above the province
			}
			k := counterKey{id, title, subtype}
			if counts[k] == nil {
				counts[k] = &Delta{}
			}
			x := counts[k]
			x.Eligible += d.Eligible
			x.Registered += d.Registered
			x.Evaluated += d.Evaluated
			x.Recognized += d.Recognized
		}
	}
	var groups []struct {
		AdminUnitID int                   `json:"admin_unit_id"`
		Kind        learningunit.Kind     `json:"kind"`
		Subtype     *learningunit.Subtype `json:"subtype"`
		Count       int                   `json:"count"`
	}
	err = c.LearningUnit.Query().
		Where(learningunit.ArchivedAtIsNil(), func(s *sql.Selector) { s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), camp.ScopePath)) }).
		GroupBy(learningunit.FieldAdminUnitID, learningunit.FieldKind, learningunit.FieldSubtype).
		Aggregate(ent.Count()).
		Scan(ctx, &groups)
	if err != nil {
		return fmt.Errorf("rebuild progress: count units: %w", err)
	}
	for _, g := range groups {
		if u := byID[g.AdminUnitID]; u != nil {
			if title, ok := titles.For(g.Kind, u.Level); ok {
				add(u.ID, title, Subtype(g.Kind, g.Subtype), Delta{Eligible: g.Count})
			}
		}
	}
	var regs []struct {
		AdminUnitID int                 `json:"admin_unit_id"`
		Title       titles.Title        `json:"title"`
		Subtype     string              `json:"subtype"`
		Status      registration.Status `json:"status"`
		Count       int                 `json:"count"`
	}
	err = c.Registration.Query().
		Where(registration.CampaignID(camp.ID)).
		GroupBy(registration.FieldAdminUnitID, registration.FieldTitle, registration.FieldSubtype, registration.FieldStatus).
		Aggregate(ent.Count()).
		Scan(ctx, &regs)
	if err != nil {
		return fmt.Errorf("rebuild progress: count registrations: %w", err)
	}
	for _, g := range regs {
		var d Delta
		switch g.Status {
		case registration.StatusREGISTERED:
			d = Delta{Registered: g.Count}
		case registration.StatusEVALUATED:
			d = Delta{Registered: g.Count, Evaluated: g.Count}
		case registration.StatusRECOGNIZED:
			d = Delta{Registered: g.Count, Evaluated: g.Count, Recognized: g.Count}
		}
		add(g.AdminUnitID, g.Title, g.Subtype, d)
	}
	if _, err := c.ProgressCounter.Delete().Where(progresscounter.CampaignID(camp.ID)).Exec(ctx); err != nil {
		return fmt.Errorf("rebuild progress: %w", err)
	}
	var builders []*ent.ProgressCounterCreate
	flush := func() error {
		if len(builders) == 0 {
			return nil
		}
		err := c.ProgressCounter.CreateBulk(builders...).Exec(ctx)
		builders = builders[:0]
		if err != nil {
			return fmt.Errorf("rebuild progress: write counters: %w", err)
		}
		return nil
	}
	for k, d := range counts {
		builders = append(builders, c.ProgressCounter.Create().SetCampaignID(camp.ID).SetAdminUnitID(k.unit).
			SetTitle(k.title).SetSubtype(k.subtype).
			SetEligible(d.Eligible).SetRegistered(d.Registered).SetEvaluated(d.Evaluated).SetRecognized(d.Recognized))
		if len(builders) == 2000 { // 8 columns: well under SQLite's parameter limit
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// openCampaigns returns the campaigns still counting units at path.
func openCampaigns(ctx context.Context, c *ent.Client, path string) ([]*ent.Campaign, error) {
	return c.Campaign.Query().
		Where(campaign.PhaseNEQ(campaign.PhaseCLOSED), func(s *sql.Selector) {
			s.Where(search.InLineage(s.C(campaign.FieldScopePath), path))
		}).
		Select(campaign.FieldID, campaign.FieldScopePath).
		All(system(ctx))
}

// eligible counts a learning unit in or out of the open campaigns at path.
func eligible(ctx context.Context, c *ent.Client, path string, title titles.Title, subtype string, n int) error {
	camps, err := openCampaigns(ctx, c, path)
	if err != nil {
		return fmt.Errorf("open campaigns: %w", err)
	}
	for _, camp := range camps {
		if err := Apply(ctx, c, camp, path, title, subtype, Delta{Eligible: n}); err != nil {
			return err
		}
	}
	return nil
}

// counted is how a learning unit counts towards eligibility: under which
// title and subtype, at which path, if at all.
type counted struct {
	ok      bool
	path    string
	title   titles.Title
	subtype string
}

func countOf(ctx context.Context, c *ent.Client, kind learningunit.Kind, subtype *learningunit.Subtype, adminUnitID int, path string, archived bool) (counted, error) {
	if archived || path == "" {
		return counted{}, nil
	}
	level := adminunit.LevelVILLAGE
	if kind == learningunit.KindCOMMUNITY {
		l, err := c.AdminUnit.Query().Where(adminunit.ID(adminUnitID)).Select(adminunit.FieldLevel).String(system(ctx))
		if err != nil {
			return counted{}, fmt.Errorf("level of admin unit %d: %w", adminUnitID, err)
		}
		level = adminunit.Level(l)
	}
	title, ok := titles.For(kind, level)
	return counted{ok: ok, path: path, title: title, subtype: Subtype(kind, subtype)}, nil
}

// LearningUnitHook keeps eligible counts in step as learning units are
// added, archived, restored or moved. The generator, which writes rows
// without ent (internal/bulk), counts with Rebuild instead.
func LearningUnitHook() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.LearningUnitFunc(func(ctx context.Context, m *ent.LearningUnitMutation) (ent.Value, error) {
			c := m.Client()
			var before counted
			if m.Op().Is(ent.OpUpdateOne) {
				_, moved := m.AdminUnitID()
				_, archived := m.ArchivedAt()
				_, sub := m.Subtype()
				if !moved && !archived && !sub && !m.ArchivedAtCleared() && !m.SubtypeCleared() {
					return next.Mutate(ctx, m)
				}
				kind, err := m.OldKind(system(ctx))
				if err != nil {
					return nil, err
				}
				oldSub, _ := m.OldSubtype(system(ctx))
				oldUnit, _ := m.OldAdminUnitID(system(ctx))
				oldPath, _ := m.OldAdminPath(system(ctx))
				oldArchived, _ := m.OldArchivedAt(system(ctx))
				if before, err = countOf(ctx, c, kind, oldSub, oldUnit, oldPath, oldArchived != nil); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			u := v.(*ent.LearningUnit)
			after, err := countOf(ctx, c, u.Kind, u.Subtype, u.AdminUnitID, u.AdminPath, u.ArchivedAt != nil)
			if err != nil {
				return nil, err
			}
			if before == after {
				return u, nil
			}
			if before.ok {
				if err := eligible(ctx, c, before.path, before.title, before.subtype, -1); err != nil {
					return nil, err
				}
			}
			if after.ok {
				if err := eligible(ctx, c, after.path, after.title, after.subtype, 1); err != nil {
					return nil, err
				}
			}
			return u, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
