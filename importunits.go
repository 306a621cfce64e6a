package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/store"
)

// runImportUnits is `hoctap import-units`: it compares the official
// catalogue (and a province's merger list) with the tree at a date and
// prints, province by province, what can be applied and what cannot, each
// problem named by file, row and column.
func runImportUnits(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hoctap import-units", flag.ContinueOnError)
	dsn := fs.String("db", "", "the database: SQLite file or postgres:// URL (default $HOCTAP_DATABASE_URL or hoctap.db)")
	catFile := fs.String("catalogue", "", "the catalogue CSV (units-*.csv of the national catalogue)")
	mergerFile := fs.String("merger", "", "a merger list CSV (optional)")
	date := fs.String("date", "", "the date of the tree to compare with, YYYY-MM-DD")
	dryRun := fs.Bool("dry-run", false, "only report; change nothing")
	lang := fs.String("lang", "vi", "language of the report: vi or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("import-units: unexpected arguments: %v", fs.Args())
	}
	if *catFile == "" {
		return errors.New("import-units: --catalogue is required")
	}
	at, err := time.Parse(time.DateOnly, *date)
	if err != nil {
		return fmt.Errorf("import-units: --date: want YYYY-MM-DD, got %q", *date)
	}
	if *dsn == "" {
		*dsn = getenv("HOCTAP_DATABASE_URL")
	}
	if *dsn == "" {
		*dsn = "hoctap.db"
	}
	if !store.IsPostgres(*dsn) && !fileExists(*dsn) {
		return fmt.Errorf("import-units: no SQLite database at %s (--db)", *dsn)
	}
	doc, err := catalog.ReadFile(*catFile)
	if err != nil {
		return fmt.Errorf("import-units: --catalogue: %w", err)
	}
	if doc.Catalogue == nil {
		return fmt.Errorf("import-units: --catalogue: %s is a merger list, not a catalogue", *catFile)
	}
	var merger *catalog.Document
	if *mergerFile != "" {
		if merger, err = catalog.ReadFile(*mergerFile); err != nil {
			return fmt.Errorf("import-units: --merger: %w", err)
		}
		if merger.Merger == nil {
			return fmt.Errorf("import-units: --merger: %s is a catalogue, not a merger list", *mergerFile)
		}
	}
	db, err := store.Open(ctx, *dsn, store.Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	tree, err := catalog.ReadTree(ctx, db.Client, at)
	if err != nil {
		return fmt.Errorf("import-units: %w", err)
	}
	res := catalog.Diff(tree, doc, merger)
	res.Print(stdout, i18n.Parse(*lang))
	if *dryRun || len(res.Spec.Changes) == 0 {
		return nil
	}
	// TODO(lead, issue #11): store res.Spec as a PLANNED Reorganization,
	// reorg.Plan it and, on confirmation, reorg.Apply it. Until the engine
	// lands the command only reports.
	fmt.Fprintln(stdout, i18n.Message{
		VI: "Chưa áp dụng: phần áp dụng tổ chức lại chưa có trong phiên bản này; báo cáo trên là bản chạy thử.",
		EN: "Not applied: applying a reorganisation is not in this version yet; the report above is a dry run.",
	}.Format(i18n.Parse(*lang)))
	return nil
}
