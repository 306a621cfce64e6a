package reorg_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/store"
)

// EnvBenchDB names a database made by `hoctap generate` (the full Thái
// Bình) for BenchmarkReformProvince.
const EnvBenchDB = "HOCTAP_BENCH_DB"

// BenchmarkReformProvince plans and applies to a whole generated province a
// reform shaped like that of 1/7/2025: its district tier abolished and its
// communes merged by threes and fours, in code order within each district,
// into new communes (242 → 70 for Thái Bình), so that every village gets a
// new row and every household, citizen, account and search key moves. It
// runs in a transaction it rolls back, so the database can serve it again:
//
//	hoctap generate --db full.db
//	HOCTAP_BENCH_DB=full.db go test ./internal/reorg -run '^$' -bench Reform -benchtime 1x
func BenchmarkReformProvince(b *testing.B) {
	dsn := os.Getenv(EnvBenchDB)
	if dsn == "" {
		b.Skipf("%s names no generated database (see the benchmark's comment)", EnvBenchDB)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		tx, err := db.Client.Tx(ctx)
		if err != nil {
			b.Fatal(err)
		}
		tctx := ent.NewTxContext(system, tx)
		s := reformOf(b, tctx, tx.Client())
		r, err := tx.Reorganisation.Create().SetNumber("bench").SetTitle("Sắp xếp thử").
			SetSignedOn(time.Date(2025, 6, 16, 0, 0, 0, 0, i18n.Vietnam)).
			SetEffectiveOn(time.Date(2025, 7, 1, 0, 0, 0, 0, i18n.Vietnam)).SetSpec(s).Save(tctx)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		plan, err := reorg.Plan(tctx, tx.Client(), r)
		if err != nil {
			b.Fatal(err)
		}
		if len(plan.Problems) > 0 {
			b.Fatalf("problem: %s %s", reorg.ProblemField(plan.Problems[0]), plan.Problems[0].Text(i18n.EN))
		}
		planned := time.Since(start)
		start = time.Now()
		if _, _, err := reorg.Apply(tctx, tx.Client(), db.Dialect, r.ID); err != nil {
			b.Fatal(err)
		}
		applied := time.Since(start)
		if err := tx.Rollback(); err != nil {
			b.Fatal(err)
		}
		n := plan.Count()
		b.ReportMetric(planned.Seconds(), "plan-s")
		b.ReportMetric(applied.Seconds(), "apply-s")
		b.ReportMetric(float64(n["learningUnits"]), "learning-units")
		b.ReportMetric(float64(n[string(reorg.Versions)]+n[string(reorg.Created)]), "new-rows")
	}
}

// reformOf builds the reform of the first province of the database.
func reformOf(b *testing.B, ctx context.Context, c *ent.Client) spec.Spec {
	prov, err := c.AdminUnit.Query().Where(adminunit.LevelEQ(adminunit.LevelPROVINCE), adminunit.ValidToIsNil()).
		Order(ent.Asc(adminunit.FieldID)).First(ctx)
	if err != nil {
		b.Fatal(err)
	}
	s := spec.Spec{Changes: []spec.Change{{Kind: spec.AbolishTier, Level: "DISTRICT", WithinID: prov.ID}}}
	districts, err := prov.QueryChildren().Where(adminunit.ValidToIsNil()).Order(ent.Asc(adminunit.FieldCode)).All(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range districts {
		communes, err := d.QueryChildren().Where(adminunit.ValidToIsNil()).Order(ent.Asc(adminunit.FieldCode)).All(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for group := range slices.Chunk(communes, 4) {
			if len(group) == 1 && len(s.Changes) > 1 {
				// A lone last commune joins the previous group.
				last := &s.Changes[len(s.Changes)-1]
				last.Sources = append(last.Sources, group[0].ID)
				continue
			}
			var names []string
			ids := make([]int, len(group))
			for i, cm := range group {
				ids[i] = cm.ID
				names = append(names, strings.TrimPrefix(strings.TrimPrefix(cm.Name, "Xã "), "Phường "))
			}
			s.Changes = append(s.Changes, spec.Change{Kind: spec.Merge, Sources: ids, Successor: &spec.Target{New: &spec.Unit{
				Code: group[0].Code, Name: "Xã " + strings.Join(names[:min(2, len(names))], " "), Type: "Xã", Level: "COMMUNE", ParentID: prov.ID}}})
		}
	}
	return s
}
