package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/export"
	"hoctap/internal/history"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
)

// TestReform loads the demo up to the reform of 1/7/2025, reads what a
// user of 2020 would check, applies the reform as the demo does, and checks
// that the past reads the same, the new Hưng Yên's 2025 report covers its
// 104 communes, and the accounts followed their communes.
func TestReform(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		opts := demo.Options{Scale: 0.0005, Seed: 1}
		stop := opts
		stop.StopBeforeReform = true
		start := time.Now()
		if _, err := demo.Load(ctx, db, stop); err != nil {
			t.Fatal(err)
		}
		loaded := time.Since(start)

		tb2020 := db.Campaign.Query().Where(campaign.Year(2020), campaign.HasProvinceWith(adminunit.Code("34"))).OnlyX(sys)
		units := map[string]*ent.AdminUnit{}
		for _, code := range []string{"34", "340", "12688"} { // Thái Bình, Huyện Đông Hưng, Thị trấn Đông Hưng
			units[code] = db.AdminUnit.Query().Where(adminunit.Code(code)).OnlyX(sys)
		}
		h := export.New(db.Client, slog.New(slog.NewTextHandler(io.Discard, nil)))
		admin := db.User.Query().Where(user.Username("admin")).OnlyX(sys)
		actx := viewer.NewContext(ctx, &viewer.Viewer{UserID: admin.ID, Username: "admin", Role: viewer.RoleAdmin, ScopeID: admin.ScopeID, ScopePath: admin.ScopePath})
		read := func() map[string]string {
			out := map[string]string{}
			for code, u := range units {
				r, err := progress.Build(sys, db.Client, tb2020, u)
				if err != nil {
					t.Fatal(err)
				}
				out["report "+code] = reportText(t, r)
				for _, f := range []export.Format{export.CSV, export.XLSX} {
					req := httptest.NewRequest("GET", fmt.Sprintf("/export/progress.%s?campaign=%d&unit=%d", strings.ToLower(string(f)), tb2020.ID, u.ID), nil)
					rec := httptest.NewRecorder()
					h.Progress(f).ServeHTTP(rec, req.WithContext(actx))
					if rec.Code != 200 {
						t.Fatalf("export %s of %s: %d %s", f, code, rec.Code, rec.Body)
					}
					out[fmt.Sprintf("export %s %s", f, code)] = rec.Body.String()
				}
			}
			return out
		}
		counts := func() map[string]int {
			regs := db.Registration.Query().Where(registration.HasCampaignWith(campaign.YearLT(2025))).CountX(sys)
			return map[string]int{
				"learning units": db.LearningUnit.Query().CountX(sys),
				"households":     db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD)).CountX(sys),
				"citizens":       db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindCITIZEN)).CountX(sys),
				"registrations":  regs,
				"users":          db.User.Query().CountX(sys),
			}
		}
		before, countsBefore := read(), counts()
		if r, _ := progress.Build(sys, db.Client, tb2020, units["34"]); r.Summary.ChildCount != 8 || r.Summary.ChildrenMeetingAllTargets != 8 || r.Summary.ChildLevel != adminunit.LevelDISTRICT {
			t.Errorf("Thái Bình 2020 before the reform: %+v, want 8 of 8 districts", r.Summary)
		}

		start = time.Now()
		res, err := demo.ApplyReform(ctx, db, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded to 30/6/2025 in %v, reform and 2025–2026 in %v", loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

		// The past reads the same, closed units and all.
		for code := range units {
			units[code] = db.AdminUnit.GetX(sys, units[code].ID)
			if units[code].ValidTo == nil {
				t.Errorf("%s is still open after the reform", units[code].Name)
			}
		}
		after := read()
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s differs after the reform:\n%s\n---\n%s", k, v, after[k])
			}
		}
		if r, _ := progress.Build(sys, db.Client, tb2020, units["34"]); r.Summary.ChildCount != 8 || r.Summary.ChildrenMeetingAllTargets != 8 || r.Summary.ChildLevel != adminunit.LevelDISTRICT {
			t.Errorf("Thái Bình 2020 after the reform: %+v, want 8 of 8 districts", r.Summary)
		}
		if got := counts(); fmt.Sprint(got) != fmt.Sprint(countsBefore) {
			t.Errorf("counted after the reform %v, before %v", got, countsBefore)
		}

		// The new Hưng Yên: 104 communes, its 2025 campaign closed, 2026
		// under evaluation, communities graded by level (TT 25/2023).
		hy := db.AdminUnit.GetX(sys, res.Province.ID)
		if hy.Code != "33" || hy.ValidTo != nil {
			t.Fatalf("the demo's province after the reform: %+v", hy)
		}
		var phases []string
		for _, c := range db.Campaign.Query().WithProvince().Order(ent.Asc(campaign.FieldYear), ent.Asc(campaign.FieldID)).AllX(sys) {
			phases = append(phases, fmt.Sprintf("%s %d %s", c.Edges.Province.Code, c.Year, c.Phase))
			if c.Year < 2025 {
				continue
			}
			if c.ProvinceID != hy.ID {
				t.Errorf("campaign %d is of %d, want the new Hưng Yên %d", c.Year, c.ProvinceID, hy.ID)
			}
			set := db.CriteriaSet.Query().Where(criteriaset.CampaignID(c.ID), criteriaset.TitleEQ(titles.CommunityCommune)).OnlyX(sys)
			if len(set.Rule.Levels) == 0 {
				t.Errorf("%d: communes graded by %q without levels", c.Year, set.Name)
			}
			r, err := progress.Build(sys, db.Client, c, hy)
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary.ChildCount != 104 || r.Summary.ChildLevel != adminunit.LevelCOMMUNE {
				t.Errorf("Hưng Yên %d: %+v, want 104 communes", c.Year, r.Summary)
			}
			recognized := db.Registration.Query().Where(registration.CampaignID(c.ID), registration.StatusEQ(registration.StatusRECOGNIZED)).CountX(sys)
			evaluated := db.Registration.Query().Where(registration.CampaignID(c.ID), registration.StatusEQ(registration.StatusEVALUATED)).CountX(sys)
			if c.Phase == campaign.PhaseCLOSED && recognized == 0 || c.Phase == campaign.PhaseEVALUATION && (recognized != 0 || evaluated == 0) {
				t.Errorf("%d %s: %d recognised, %d evaluated", c.Year, c.Phase, recognized, evaluated)
			}
		}
		slices.Sort(phases)
		if w := "33 2019 CLOSED|33 2020 CLOSED|33 2025 CLOSED|33 2026 EVALUATION|34 2019 CLOSED|34 2020 CLOSED"; strings.Join(phases, "|") != w {
			t.Errorf("campaigns: %q, want %q", phases, w)
		}

		// Every account's scope is open; the officer of Thị trấn Đông Hưng
		// and the district viewer work in Xã Đông Hưng (12688), which it
		// became part of; the manager in the new Hưng Yên.
		scopes := map[string]string{}
		for _, u := range db.User.Query().WithScope().AllX(sys) {
			if u.Edges.Scope.ValidTo != nil {
				t.Errorf("%s's scope %s is closed", u.Username, u.Edges.Scope.Name)
			}
			scopes[u.Username] = u.Edges.Scope.Code
		}
		for name, code := range map[string]string{"canbo": "12688", "xem": "12688", "quanly": "33"} {
			if scopes[name] != code {
				t.Errorf("%s works in %s, want %s", name, scopes[name], code)
			}
		}
		for _, a := range res.Accounts {
			if a.Username == "canbo" && a.Scope != "Xã Đông Hưng" {
				t.Errorf("the demo prints canbo in %q, want Xã Đông Hưng", a.Scope)
			}
		}

		// The officer reads the households of their new commune, and
		// nothing else.
		officer := db.User.Query().Where(user.Username("canbo")).OnlyX(sys)
		octx := viewer.NewContext(ctx, viewerOf(officer))
		homes, err := db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD)).All(octx)
		if err != nil {
			t.Fatal(err)
		}
		want := db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD), learningunit.AdminPathHasPrefix(officer.ScopePath)).CountX(sys)
		var formers []string
		for _, f := range db.AdminUnit.Query().Where(adminunit.MergedIntoID(officer.ScopeID)).AllX(sys) {
			formers = append(formers, f.Name)
		}
		slices.Sort(formers)
		if len(homes) != want || want == 0 || len(formers) != 6 {
			t.Errorf("the officer reads %d households, want the %d of Xã Đông Hưng, formed from %q", len(homes), want, formers)
		}
		for _, h := range homes {
			if !strings.HasPrefix(h.AdminPath, officer.ScopePath) {
				t.Errorf("the officer reads household %d at %s, outside %s", h.ID, h.AdminPath, officer.ScopePath)
			}
		}

		// The past stays with those who now hold its units: the manager of
		// the new Hưng Yên reads Thái Bình's 2020 report and exports as
		// the ADMIN does; the officer reads the 2020 records of the
		// communes Xã Đông Hưng was formed from, and of no other.
		manager := db.User.Query().Where(user.Username("quanly")).OnlyX(sys)
		mctx := viewer.NewContext(ctx, viewerOf(manager))
		for code, u := range units {
			r, err := progress.Load(mctx, db.Client, tb2020.ID, u.ID)
			if err != nil {
				t.Fatalf("the manager reads Thái Bình 2020 at %s: %v", code, err)
			}
			if got := reportText(t, r); got != before["report "+code] {
				t.Errorf("the manager's 2020 report of %s:\n%s\nwant\n%s", code, got, before["report "+code])
			}
			req := httptest.NewRequest("GET", fmt.Sprintf("/export/progress.csv?campaign=%d&unit=%d", tb2020.ID, u.ID), nil)
			rec := httptest.NewRecorder()
			h.Progress(export.CSV).ServeHTTP(rec, req.WithContext(mctx))
			if rec.Code != 200 || rec.Body.String() != before[fmt.Sprintf("export %s %s", export.CSV, code)] {
				t.Errorf("the manager's 2020 export of %s: %d\n%s\nwant\n%s", code, rec.Code, rec.Body, before[fmt.Sprintf("export %s %s", export.CSV, code)])
			}
		}
		if _, err := db.Campaign.Query().Where(campaign.ID(tb2020.ID)).Only(octx); err != nil {
			t.Errorf("the officer reads Thái Bình's 2020 campaign: %v", err)
		}
		var pasts []string
		for _, f := range db.AdminUnit.Query().Where(adminunit.MergedIntoID(officer.ScopeID)).AllX(sys) {
			pasts = append(pasts, f.Path)
		}
		inPast := func(path string) bool {
			return slices.ContainsFunc(pasts, func(p string) bool { return strings.HasPrefix(path, p) })
		}
		regs, err := db.Registration.Query().Where(registration.CampaignID(tb2020.ID)).All(octx)
		if err != nil {
			t.Fatal(err)
		}
		wantRegs := 0
		for _, r := range db.Registration.Query().Where(registration.CampaignID(tb2020.ID)).AllX(sys) {
			if inPast(r.AdminPath) {
				wantRegs++
			}
		}
		if len(regs) != wantRegs || wantRegs == 0 {
			t.Errorf("the officer reads %d registrations of 2020, want the %d of the communes Xã Đông Hưng was formed from", len(regs), wantRegs)
		}
		for _, r := range regs {
			if !inPast(r.AdminPath) {
				t.Errorf("the officer reads registration %d at %s, outside the communes Xã Đông Hưng was formed from", r.ID, r.AdminPath)
			}
		}
		if _, err := progress.Load(octx, db.Client, tb2020.ID, units["12688"].ID); err != nil {
			t.Errorf("the officer reads the 2020 report of Thị trấn Đông Hưng: %v", err)
		}
		if _, err := progress.Load(octx, db.Client, tb2020.ID, units["340"].ID); err == nil {
			t.Error("the officer reads the 2020 report of Huyện Đông Hưng, above their communes")
		}
	})
}

// viewerOf is the viewer auth makes of an account.
func viewerOf(u *ent.User) *viewer.Viewer {
	return &viewer.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, ScopeID: u.ScopeID, ScopePath: u.ScopePath,
		Predecessors: history.Parse(u.ScopePredecessors)}
}

// reportText is a report's figures and the names of its units, which must
// not change for a closed campaign; the units' own rows (valid_to,
// merged_into) do when they close.
func reportText(t *testing.T, r *progress.Report) string {
	t.Helper()
	type view struct {
		Unit     string
		Rows     []progress.Row
		Summary  progress.Summary
		Children []view
	}
	var walk func(r *progress.Report) view
	walk = func(r *progress.Report) view {
		v := view{Unit: r.Unit.Code + " " + r.Unit.Name, Rows: r.Rows, Summary: r.Summary}
		for _, ch := range r.Children {
			v.Children = append(v.Children, walk(ch))
		}
		return v
	}
	b, err := json.Marshal(walk(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
