// Package national keeps the national targets as data: it seeds the table
// with DOMAIN.md's values, resolves the targets of a campaign year, copies
// them onto every new campaign, and lets an ADMIN edit a row, audited and
// version-checked.
package national

import (
	"context"
	"fmt"
	"math"

	"hoctap/ent"
	"hoctap/ent/hook"
	"hoctap/ent/nationaltarget"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/idem"
	"hoctap/internal/national/rates"
	"hoctap/internal/viewer"
)

var (
	msgRate   = i18n.Message{VI: "Chỉ tiêu phải từ 0 đến 1 (0%–100%).", EN: "A target is from 0 to 1 (0%–100%)."}
	msgBoth   = i18n.Message{VI: "Không thể vừa đặt vừa xóa chỉ tiêu.", EN: "Give a rate or clear it, not both."}
	msgSource = i18n.Message{VI: "Cần ghi văn bản làm căn cứ (tối đa 200 ký tự).", EN: "Name the source document (at most 200 characters)."}
	msgNote   = i18n.Message{VI: "Ghi chú tối đa 1000 ký tự.", EN: "A note has at most 1,000 characters."}
)

// Roles: the national table is the government's, kept by the system's
// administrators; everyone signed in reads it.
var Roles = access.Roles{"updateNationalTarget": {viewer.RoleAdmin}}

func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Seed adds the rows of rates.Seed the table lacks, leaving every row an
// ADMIN may have edited as it is. Migrate runs it, so every database, new
// or upgraded, has the table.
func Seed(ctx context.Context, c *ent.Client) error {
	ctx = system(ctx)
	existing, err := c.NationalTarget.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("seed national targets: %w", err)
	}
	type key struct {
		period      int
		title, area string
		subtype     string
	}
	have := map[key]bool{}
	for _, t := range existing {
		have[key{t.Period, string(t.Title), string(t.Area), t.Subtype}] = true
	}
	var builders []*ent.NationalTargetCreate
	for _, r := range rates.Seed {
		if have[key{r.Period, string(r.Title), string(r.Area), r.Subtype}] {
			continue
		}
		builders = append(builders, c.NationalTarget.Create().
			SetTitle(r.Title).SetPeriod(r.Period).SetArea(nationaltarget.Area(r.Area)).SetSubtype(r.Subtype).
			SetNillableRate(r.Rate).SetSource(r.Source).SetNote(r.Note))
	}
	if len(builders) == 0 {
		return nil
	}
	if err := c.NationalTarget.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("seed national targets: %w", err)
	}
	return nil
}

// Rows reads the table as rates rows.
func Rows(ctx context.Context, c *ent.Client) ([]rates.Row, error) {
	ts, err := c.NationalTarget.Query().All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("national targets: %w", err)
	}
	rows := make([]rates.Row, len(ts))
	for i, t := range ts {
		rows[i] = rates.Row{Title: t.Title, Subtype: t.Subtype, Period: t.Period, Area: rates.Area(t.Area),
			Rate: t.Rate, Source: t.Source, Note: t.Note}
	}
	return rows, nil
}

// ForYear is the set a campaign of year takes from the current table; from
// the built-in table of DOMAIN.md if the table is empty (a database not
// migrated since it was added).
func ForYear(ctx context.Context, c *ent.Client, year int) (rates.Set, error) {
	rows, err := Rows(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		rows = rates.Seed
	}
	return rates.Resolve(rows, year), nil
}

// Of is the national targets of a campaign: the copy it took when it was
// created, or, for a campaign created before campaigns kept one, those of
// its year in the current table.
func Of(ctx context.Context, c *ent.Client, camp *ent.Campaign) (rates.Set, error) {
	if camp.NationalTargets != nil {
		return camp.NationalTargets, nil
	}
	return ForYear(ctx, c, camp.Year)
}

// CampaignDefaults is the hook that gives every new campaign, however it
// is created (the API, the console, the demo, an import), the national
// targets of its year, unless the creator set them.
func CampaignDefaults() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CampaignFunc(func(ctx context.Context, m *ent.CampaignMutation) (ent.Value, error) {
			year, ok := m.Year()
			if _, set := m.NationalTargets(); ok && !set {
				s, err := ForYear(ctx, m.Client(), year)
				if err != nil {
					return nil, err
				}
				if s == nil {
					s = rates.Set{} // an empty copy still says "taken", unlike null
				}
				m.SetNationalTargets(s)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// Update changes a national target; nil fields stay.
type Update struct {
	Rate *float64
	// ClearRate marks the rate as not confirmed.
	ClearRate bool
	Source    *string
	Note      *string
	// Version is the version edited: CONFLICT if the row changed since.
	Version *int
}

// UpdateTarget changes one national target (ADMIN only), in the caller's
// transaction, with an audit entry holding the values before and after.
// Campaigns already created keep the targets they copied.
func UpdateTarget(ctx context.Context, id int, in Update) (*ent.NationalTarget, error) {
	if err := Roles.May(ctx, "updateNationalTarget"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	t, err := access.Lookup(ctx, "id", func(ctx context.Context) (*ent.NationalTarget, error) {
		return c.NationalTarget.Get(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	if err := access.Authorize(ctx, nationaltarget.Policy, "id", c.NationalTarget.UpdateOneID(id).Mutation()); err != nil {
		return nil, err
	}
	u := c.NationalTarget.UpdateOneID(id).Where(nationaltarget.Version(t.Version))
	switch {
	case in.ClearRate && in.Rate != nil:
		return nil, apperr.Input("clearRate", msgBoth)
	case in.ClearRate:
		u.ClearRate()
	case in.Rate != nil:
		if r := *in.Rate; math.IsNaN(r) || r < 0 || r > 1 {
			return nil, apperr.Input("rate", msgRate)
		}
		u.SetRate(*in.Rate)
	}
	if in.Source != nil {
		if *in.Source == "" || len([]rune(*in.Source)) > 200 {
			return nil, apperr.Input("source", msgSource)
		}
		u.SetSource(*in.Source)
	}
	if in.Note != nil {
		if len([]rune(*in.Note)) > 1000 {
			return nil, apperr.Input("note", msgNote)
		}
		u.SetNote(*in.Note)
	}
	applied, err := idem.CheckVersion(ctx, in.Version, t.Version, u.Mutation())
	if err != nil {
		return nil, err
	}
	if applied {
		return t, nil
	}
	updated, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Stale(t.Version + 1)
	}
	if err != nil {
		return nil, fmt.Errorf("update national target %d: %w", id, err)
	}
	return updated, audit.Record(ctx, c, audit.Entry{
		Action: "national_target.update", TargetType: "NationalTarget", TargetID: id,
		// The table is the whole country's: the entry sits at the ADMIN's
		// scope, above every MANAGER's.
		ScopePath: scopeOf(ctx),
		Details: map[string]any{
			"title": t.Title, "period": t.Period, "area": t.Area, "subtype": t.Subtype,
			"before": values(t), "after": values(updated),
		},
	})
}

func values(t *ent.NationalTarget) map[string]any {
	return map[string]any{"rate": t.Rate, "source": t.Source, "note": t.Note, "version": t.Version}
}

func scopeOf(ctx context.Context) string {
	if v := viewer.FromContext(ctx); v != nil {
		return v.ScopePath
	}
	return ""
}
