package graph_test

import (
	"encoding/json"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestCampaignTargets reads a campaign's targets outside a mutation, as every
// role: the field took its client from the request transaction, which reads
// do not have, and answered INTERNAL to everyone.
func TestCampaignTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		var c struct{ CreateCampaign struct{ ID string } }
		a.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { id } }`, map[string]any{"p": id(fx.P1.ID)}, &c)
		a.must(t, "manager", `mutation($c: ID!, $t: [TargetInput!]!) { setTargets(campaignID: $c, targets: $t) { title } }`, map[string]any{
			"c": c.CreateCampaign.ID, "t": []map[string]any{{"adminUnitID": id(fx.P1.ID), "title": "LEARNING_FAMILY", "rate": 0.8}}}, nil)
		const q = `query($p: ID!) { campaign(year: 2021, provinceID: $p) { targets { title rate } } }`
		for _, tt := range []struct {
			user    string
			targets int // -1: the campaign is out of scope
		}{
			{"admin", 1}, {"manager", 1}, {"officer", 1}, {"collaborator", 1}, {"viewer", 1}, {"citizen", 1},
			{"manager2", -1},
		} {
			t.Run(tt.user, func(t *testing.T) {
				var got struct {
					Campaign *struct {
						Targets []struct {
							Title string
							Rate  float64
						}
					}
				}
				r := a.as(tt.user, q, map[string]any{"p": id(fx.P1.ID)})
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
				if err := json.Unmarshal(r.Data, &got); err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.targets < 0 && got.Campaign != nil:
					t.Fatalf("out-of-scope campaign answered: %+v", got.Campaign)
				case tt.targets >= 0 && (got.Campaign == nil || len(got.Campaign.Targets) != tt.targets):
					t.Fatalf("campaign %+v, want %d targets", got.Campaign, tt.targets)
				}
			})
		}
	})
}
