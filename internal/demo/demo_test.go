package demo_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// TestLoad loads the demo at the tests' scale, stopped before the reform,
// and checks its story of 2020: the real units of Thái Bình and the old Hưng Yên, every district
// meeting the 2020 targets, communities graded under the rule of the time,
// and the accounts in Thái Bình only.
func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		res, err := demo.Load(ctx, db, demo.Options{Scale: 0.0005, Seed: 1, StopBeforeReform: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded %d admin units, %d learning units in %v", res.AdminUnits, res.LearningUnits, time.Since(start).Round(time.Millisecond))
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		if res.Province.Code != "34" || res.Province.Name != "Tỉnh Thái Bình" {
			t.Fatalf("demo province = %s %s, want 34 Tỉnh Thái Bình", res.Province.Code, res.Province.Name)
		}

		// Every district and commune is the catalogue's, under its province
		// and district, and nothing else is.
		want := catalogueRows(t)
		communes := db.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelCOMMUNE)).
			WithParent(func(q *ent.AdminUnitQuery) { q.WithParent() }).AllX(sys)
		var got []string
		poor := map[string]int{}
		for _, c := range communes {
			d := c.Edges.Parent
			p := d.Edges.Parent
			got = append(got, strings.Join([]string{p.Name, p.Code, d.Name, d.Code, c.Name, c.Code, c.Type}, ","))
			if c.Disadvantaged {
				poor[d.Code]++
				if c.Type != "Xã" {
					t.Errorf("%s is disadvantaged, want only rural communes", c.Name)
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("communes differ from the catalogue: %d loaded, %d catalogued", len(got), len(want))
		}
		for _, tt := range []struct {
			province            string
			districts, communes int
		}{{"34", 8, 242}, {"33", 10, 139}} {
			p := db.AdminUnit.Query().Where(adminunit.Code(tt.province), adminunit.LevelEQ(adminunit.LevelPROVINCE)).OnlyX(sys)
			d := p.QueryChildren().CountX(sys)
			c := p.QueryChildren().QueryChildren().CountX(sys)
			if d != tt.districts || c != tt.communes {
				t.Errorf("%s: %d districts, %d communes; want %d and %d", p.Name, d, c, tt.districts, tt.communes)
			}
		}
		// The coastal districts' five especially disadvantaged communes.
		if fmt.Sprint(poor) != "map[341:5 342:5]" {
			t.Errorf("disadvantaged communes by district: %v, want 5 in each coastal one (341, 342)", poor)
		}

		// Campaigns: the closed two of each province; in
		// 2020 every district of each meets every target.
		camps := db.Campaign.Query().WithProvince().Order(ent.Asc(campaign.FieldID)).AllX(sys)
		var phases []string
		for _, c := range camps {
			phases = append(phases, fmt.Sprintf("%s %d %s", c.Edges.Province.Code, c.Year, c.Phase))
			if c.Year != 2020 {
				continue
			}
			r, err := progress.Build(sys, db.Client, c, c.Edges.Province)
			if err != nil {
				t.Fatal(err)
			}
			if s := r.Summary; s.ChildCount == 0 || s.ChildrenMeetingAllTargets != s.ChildCount {
				t.Errorf("%s 2020: %d of %d districts meet every target", c.Edges.Province.Name, s.ChildrenMeetingAllTargets, s.ChildCount)
			}
		}
		slices.Sort(phases)
		if w := "33 2019 CLOSED|33 2020 CLOSED|34 2019 CLOSED|34 2020 CLOSED"; strings.Join(phases, "|") != w {
			t.Errorf("campaigns: %q, want %q", phases, w)
		}

		// Before 2024 communes are graded under TT 44/2014, passed or
		// failed, and no district is: no levels, nothing valid for 3 years.
		for _, c := range camps {
			sets := db.CriteriaSet.Query().Where(criteriaset.CampaignID(c.ID)).AllX(sys)
			var names []string
			for _, s := range sets {
				switch s.Title {
				case titles.CommunityCommune:
					names = append(names, s.Name)
					if len(s.Rule.Levels) > 0 {
						t.Errorf("%d: the communes' set has levels %v", c.Year, s.Rule.Levels)
					}
				case titles.CommunityDistrict, titles.CommunityProvince:
					t.Errorf("%d: a criteria set for %s, which no rule of the time awarded", c.Year, s.Title)
				}
			}
			if len(names) != 1 || !strings.Contains(names[0], "44/2014") {
				t.Errorf("%d: communes' sets %q, want the TT 44/2014 one", c.Year, names)
			}
			regs := db.Registration.Query().Where(registration.CampaignID(c.ID), registration.TitleEQ(titles.CommunityCommune)).AllX(sys)
			recognized := 0
			for _, r := range regs {
				if r.Level != nil || r.ValidUntil != nil {
					t.Errorf("%d: commune registration %d has level %v, valid until %v", c.Year, r.ID, r.Level, r.ValidUntil)
				}
				if r.Status == registration.StatusRECOGNIZED {
					recognized++
				}
			}
			if c.Phase == campaign.PhaseCLOSED && recognized == 0 {
				t.Errorf("%s %d: no commune recognised", c.Edges.Province.Code, c.Year)
			}
			if n := db.Registration.Query().Where(registration.CampaignID(c.ID), registration.TitleEQ(titles.CommunityDistrict)).CountX(sys); n != 0 {
				t.Errorf("%d: %d districts registered", c.Year, n)
			}
		}

		// The accounts are Thái Bình's: the officer in Thị trấn Đông Hưng,
		// and the province's manager sees nothing of Hưng Yên.
		byName := map[string]demo.Account{}
		for _, a := range res.Accounts {
			byName[a.Username] = a
		}
		for name, scope := range map[string]string{"admin": "Việt Nam", "quanly": "Tỉnh Thái Bình", "canbo": "Thị trấn Đông Hưng",
			"congtacvien": "Tổ dân phố 1", "xem": "Huyện Đông Hưng", "congdan": "Tổ dân phố 1"} {
			if a, ok := byName[name]; !ok || !strings.HasPrefix(a.Scope, scope) {
				t.Errorf("account %s: %+v, want scope %s", name, a, scope)
			}
		}
		mgr := db.User.Query().Where(user.Username("quanly")).OnlyX(sys)
		mctx := viewer.NewContext(ctx, &viewer.Viewer{UserID: mgr.ID, Username: mgr.Username, Role: viewer.RoleManager, ScopeID: mgr.ScopeID, ScopePath: mgr.ScopePath})
		if n, err := db.Campaign.Query().Count(mctx); err != nil || n != 2 {
			t.Errorf("the manager reads %d campaigns (%v), want Thái Bình's 2", n, err)
		}
		if n, err := db.AdminUnit.Query().Where(adminunit.Code("33")).Count(mctx); err != nil || n != 0 {
			t.Errorf("the manager reads %d units coded 33 (%v), want none", n, err)
		}
	})
}

// catalogueRows are the embedded catalogue's rows, as
// "province,code,district,code,commune,code,type".
func catalogueRows(t *testing.T) []string {
	t.Helper()
	f, err := demo.Data.Open(demo.Units20250301)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, r := range recs[1:] {
		rows = append(rows, strings.Join(r, ","))
	}
	return rows
}
