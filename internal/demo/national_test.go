package demo_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/privacy"
	"hoctap/internal/dbtest"
	"hoctap/internal/demo"
	"hoctap/internal/progress"
	"hoctap/internal/viewer"
)

// catalogue is the shared two-tier catalogue of 2025 (see ../shared/data).
const catalogue = "../../../shared/data/units-2025-07-01.csv"

// TestGenerateNational loads two provinces of the real 2025 catalogue and
// checks the tree, the campaigns and the national report against it.
func TestGenerateNational(t *testing.T) {
	f, err := os.Open(catalogue)
	if err != nil {
		t.Skipf("the shared catalogue is not here (%v)", err)
	}
	defer f.Close()
	// The header and every commune of the first two provinces.
	sub := filepath.Join(t.TempDir(), "units.csv")
	out, _ := os.Create(sub)
	sc := bufio.NewScanner(f)
	provinces := map[string]bool{}
	communes := 0
	for i := 0; sc.Scan(); i++ {
		line := sc.Text()
		if i > 0 {
			code := strings.Split(line, ",")[1]
			if !provinces[code] && len(provinces) == 2 {
				break
			}
			provinces[code] = true
			communes++
		}
		out.WriteString(line + "\n")
	}
	out.Close()

	db := dbtest.Open(t)
	ctx := context.Background()
	res, _, err := demo.GenerateNational(ctx, db, demo.NationalOptions{Catalogue: sub, HouseholdsPerVillage: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	if n := db.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelPROVINCE)).CountX(sys); n != 2 {
		t.Errorf("provinces: %d, want 2", n)
	}
	if n := db.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelCOMMUNE)).CountX(sys); n != communes {
		t.Errorf("communes: %d, want the catalogue's %d", n, communes)
	}
	if n := db.Campaign.Query().Where(campaign.Year(2025), campaign.PhaseEQ(campaign.PhaseCLOSED)).CountX(sys); n != 2 {
		t.Errorf("2025 campaigns: %d, want one per province", n)
	}
	admin := res.Accounts[0]
	u := db.User.Query().FirstX(sys)
	ctx = viewer.NewContext(ctx, &viewer.Viewer{UserID: u.ID, Username: admin.Username, Role: viewer.RoleAdmin, ScopePath: u.ScopePath})
	n, err := progress.BuildNational(ctx, db.Client, 2025)
	if err != nil {
		t.Fatal(err)
	}
	var eligible, sum int
	for _, r := range n.Rows {
		if r.Title == "LEARNING_FAMILY" && r.Subtype == nil {
			eligible = r.Eligible
		}
	}
	for _, ch := range n.Children {
		for _, r := range ch.Rows {
			if r.Title == "LEARNING_FAMILY" && r.Subtype == nil {
				sum += r.Eligible
			}
		}
	}
	villages := db.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelVILLAGE)).CountX(sys)
	if n.Summary.ChildCount != 2 || eligible != 2*villages || sum != eligible {
		t.Errorf("national: %d provinces, %d families eligible (provinces add up to %d), want 2 and %d", n.Summary.ChildCount, eligible, sum, 2*villages)
	}
}
