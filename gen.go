package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/demo"
	"hoctap/internal/store"
)

// runGenerate is `hoctap generate`: it fills an empty database with the
// demo province at any scale, reproducibly from a seed, and reports how long
// each step took.
func runGenerate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hoctap generate", flag.ContinueOnError)
	dsn := fs.String("db", "", "database to fill: SQLite file or postgres:// URL (default $HOCTAP_DATABASE_URL or hoctap.db)")
	scale := fs.Float64("scale", 1, "1 = full Thái Bình: 242 communes, ~1,900 villages, ~600,000 households, ~1.2 million adults")
	seed := fs.Uint64("seed", 34, "random seed; the same seed gives the same data")
	password := fs.String("admin-password", "", "password of user admin (default: generated and printed)")
	national := fs.String("national", "", "instead of Thái Bình, the whole country after the 2025 reform from this catalogue (e.g. ../shared/data/units-2025-07-01.csv); PostgreSQL recommended")
	perVillage := fs.Int("households-per-village", 60, "with --national: households in each village")
	loadPassword := fs.String("load-password", "", "also create an OFFICER canbo.<commune code> for every commune and give them and the manager quanly this password, for cmd/hoctap-load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		*dsn = getenv("HOCTAP_DATABASE_URL")
	}
	if *dsn == "" {
		*dsn = "hoctap.db"
	}
	if *scale <= 0 || *scale > 1 {
		return fmt.Errorf("--scale: %v, want more than 0 and at most 1", *scale)
	}
	// Refuse a weak password now, not after minutes of generating.
	if *password != "" {
		if err := auth.CheckPassword("admin-password", *password, "admin"); err != nil {
			return fmt.Errorf("--admin-password: %w", err)
		}
	}
	if *loadPassword != "" {
		if err := auth.CheckPassword("load-password", *loadPassword, "quanly"); err != nil {
			return fmt.Errorf("--load-password: %w", err)
		}
	}
	// One connection, so the generator's SQLite pragmas hold for all it does.
	db, err := store.Open(ctx, *dsn, store.Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	var (
		res *demo.Result
		tm  demo.Timings
	)
	if *national != "" {
		res, tm, err = demo.GenerateNational(ctx, db, demo.NationalOptions{Catalogue: *national, HouseholdsPerVillage: *perVillage, Seed: *seed, AdminPassword: *password})
	} else {
		res, tm, err = demo.Generate(ctx, db, demo.Options{Scale: *scale, Seed: *seed, AdminPassword: *password, LoadPassword: *loadPassword})
	}
	if err != nil {
		return err
	}
	what := res.Province.Name
	if *national != "" {
		what = "the country"
	}
	fmt.Fprintf(stdout, "generated %s: %d admin units, %d learning units in %v (prepare %v, load %v, indexes %v, analyze %v)\n",
		what, res.AdminUnits, res.LearningUnits, time.Since(start).Round(time.Millisecond),
		tm.Prepare.Round(time.Millisecond), tm.Load.Round(time.Millisecond), tm.Index.Round(time.Millisecond), tm.Analyze.Round(time.Millisecond))
	res.PrintAccounts(stdout)
	return nil
}
