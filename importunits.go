package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/store"
)

// runImportUnits is `hoctap import-units`: it compares the official
// catalogue (and a province's merger list) with the tree of the day before
// the catalogue takes effect and prints, province by province, what can be
// applied and what cannot, each problem named by file, row and column. It
// then records what can be applied as a reorganisation decision, prints its
// plan and applies it, as the system, in one transaction; --dry-run stops
// after the plan and records nothing.
func runImportUnits(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hoctap import-units", flag.ContinueOnError)
	dsn := fs.String("db", "", "the database: SQLite file or postgres:// URL (default $HOCTAP_DATABASE_URL or hoctap.db)")
	catFile := fs.String("catalogue", "", "the catalogue CSV (units-*.csv of the national catalogue)")
	mergerFile := fs.String("merger", "", "a merger list CSV (optional)")
	effective := fs.String("effective", "", "the day the catalogue takes effect, YYYY-MM-DD; it is compared with the tree of the day before")
	number := fs.String("number", "", "number of the decision (required unless --dry-run), e.g. 1665/NQ-UBTVQH15")
	title := fs.String("title", "", "what the decision is about (required unless --dry-run)")
	signed := fs.String("signed", "", "the day the decision was signed, YYYY-MM-DD (default: --effective)")
	signer := fs.String("signer", "", "who signed it")
	dryRun := fs.Bool("dry-run", false, "report and plan only; change nothing")
	langFlag := fs.String("lang", "vi", "language of the report: vi or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("import-units: unexpected arguments: %v", fs.Args())
	}
	if *catFile == "" {
		return errors.New("import-units: --catalogue is required")
	}
	from, err := time.ParseInLocation(time.DateOnly, *effective, i18n.Vietnam)
	if err != nil {
		return fmt.Errorf("import-units: --effective: want YYYY-MM-DD, got %q", *effective)
	}
	signedOn := from
	if *signed != "" {
		if signedOn, err = time.ParseInLocation(time.DateOnly, *signed, i18n.Vietnam); err != nil {
			return fmt.Errorf("import-units: --signed: want YYYY-MM-DD, got %q", *signed)
		}
	}
	if !*dryRun && (strings.TrimSpace(*number) == "" || strings.TrimSpace(*title) == "") {
		return errors.New("import-units: --number and --title name the decision being applied (or use --dry-run)")
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
	catalogue, err := os.Open(*catFile)
	if err != nil {
		return fmt.Errorf("import-units: --catalogue: %w", err)
	}
	defer catalogue.Close()
	var merger *catalog.File
	if *mergerFile != "" {
		f, err := os.Open(*mergerFile)
		if err != nil {
			return fmt.Errorf("import-units: --merger: %w", err)
		}
		defer f.Close()
		merger = &catalog.File{Name: filepath.Base(*mergerFile), Body: f}
	}
	db, err := store.Open(ctx, *dsn, store.Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	// An operator's command: it runs as the system, and the audit log says
	// so.
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	res, err := catalog.Compare(sys, db.Client, catalog.File{Name: filepath.Base(*catFile), Body: catalogue}, merger, from)
	if err != nil {
		return fmt.Errorf("import-units: %w", err)
	}
	lang := i18n.Parse(*langFlag)
	res.Print(stdout, lang)
	if len(res.Spec.Changes) == 0 {
		return nil
	}
	d := reorg.Decision{Number: *number, Title: *title, Signer: *signer, SignedOn: signedOn, EffectiveOn: from}
	if *dryRun {
		im, err := reorg.Plan(sys, db.Client, &ent.Reorganisation{Spec: res.Spec, EffectiveOn: from})
		if err != nil {
			return fmt.Errorf("import-units: %w", err)
		}
		im.Print(stdout, lang)
		return nil
	}
	r, err := reorg.Save(sys, db.Client, 0, d, res.Spec)
	if err != nil {
		return fmt.Errorf("import-units: %w", err)
	}
	im, err := reorg.Plan(sys, db.Client, r)
	if err != nil {
		return fmt.Errorf("import-units: %w", err)
	}
	im.Print(stdout, lang)
	if len(im.Problems) > 0 {
		return fmt.Errorf("import-units: the plan has %d problems; decision %d is recorded as planned, not applied", len(im.Problems), r.ID)
	}
	if _, _, err := reorg.Apply(sys, db.Client, db.Dialect, r.ID); err != nil {
		return fmt.Errorf("import-units: apply: %w", err)
	}
	fmt.Fprintln(stdout, msgApplied.Format(lang, r.Number, r.ID))
	return nil
}

var msgApplied = i18n.Message{VI: "Đã áp dụng quyết định %s (mã %d).", EN: "Applied decision %s (id %d)."}
