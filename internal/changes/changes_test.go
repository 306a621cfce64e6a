package changes_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/change"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/target"
	"hoctap/internal/changes"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

var system = privacy.DecisionContext(context.Background(), privacy.Allow)

// logged lists the log rows after id from, as "op type id path<left",
// in order.
func logged(t *testing.T, c *ent.Client, from int) []string {
	t.Helper()
	rows := c.Change.Query().Where(change.IDGT(from)).Order(ent.Asc(change.FieldID)).AllX(system)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s %s %d %s<%s", r.Op, r.ObjectType, r.ObjectID, r.Path, r.LeftPath)
	}
	return out
}

func last(c *ent.Client) int {
	ids := c.Change.Query().Order(ent.Desc(change.FieldID)).Limit(1).IDsX(system)
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// TestHook: the hook logs what each kind of write does, with the paths the
// feed decides by.
func TestHook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		c := db.Client
		h1, h2 := fx.Households[fx.V1a.Code][0], fx.Households[fx.V1a.Code][1]

		// A move of many units at once: each says where it left from.
		from := last(c)
		c.LearningUnit.Update().Where(learningunit.IDIn(h1.ID, h2.ID)).SetAdminUnitID(fx.V2a.ID).ExecX(system)
		got := logged(t, c, from)
		slices.Sort(got)
		want := []string{
			fmt.Sprintf("UPSERT LearningUnit %d %s<%s", h1.ID, fx.V2a.Path, fx.V1a.Path),
			fmt.Sprintf("UPSERT LearningUnit %d %s<%s", h2.ID, fx.V2a.Path, fx.V1a.Path),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("a move of two units logged\n%v\nwant\n%v", got, want)
		}

		// Archiving.
		from = last(c)
		c.LearningUnit.UpdateOneID(h1.ID).SetArchivedAt(time.Now()).ExecX(system)
		if got, want := logged(t, c, from), []string{fmt.Sprintf("ARCHIVE LearningUnit %d %s<", h1.ID, fx.V2a.Path)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("archiving logged %v, want %v", got, want)
		}

		// A target deleted changes its campaign.
		camp := c.Campaign.Create().SetProvinceID(fx.P1.ID).SetYear(2026).SetName("2026").SetPhase(campaign.PhasePLANNING).
			SetReferenceDate(time.Date(2026, 12, 31, 0, 0, 0, 0, i18n.Vietnam)).SaveX(system)
		c.Target.Create().SetCampaignID(camp.ID).SetTitle(titles.Family).SetAdminUnitID(fx.P1.ID).SetRate(0.7).ExecX(system)
		from = last(c)
		c.Target.Delete().Where(target.CampaignID(camp.ID)).ExecX(system)
		if got, want := logged(t, c, from), []string{fmt.Sprintf("UPSERT Campaign %d %s<", camp.ID, fx.P1.Path)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("deleting a target logged %v, want %v", got, want)
		}

		// A bulk create in a batch: nothing until the batch is written,
		// then every row in one go.
		from = last(c)
		ctx, flush := changes.Batch(system)
		b := make([]*ent.LearningUnitCreate, 3)
		for i := range b {
			b[i] = c.LearningUnit.Create().SetKind(learningunit.KindHOUSEHOLD).SetName(fmt.Sprintf("Hộ %d", i)).SetAdminUnitID(fx.V1b.ID)
		}
		made := c.LearningUnit.CreateBulk(b...).SaveX(ctx)
		if got := logged(t, c, from); len(got) != 0 {
			t.Errorf("a batch wrote %v before it was flushed", got)
		}
		if err := flush(c); err != nil {
			t.Fatal(err)
		}
		got = logged(t, c, from)
		slices.Sort(got) // ent runs a bulk create's hooks last row first
		want = nil
		for _, u := range made {
			want = append(want, fmt.Sprintf("UPSERT LearningUnit %d %s<", u.ID, fx.V1b.Path))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("a batch logged\n%v\nwant\n%v", got, want)
		}
	})
}
