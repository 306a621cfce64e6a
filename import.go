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
	"hoctap/ent/user"
	"hoctap/internal/apperr"
	"hoctap/internal/history"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/reqinfo"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// runImport is `hoctap import FILE`: it imports a list (households,
// citizens, clans, organisations, …; XLSX or CSV) straight into the
// database, as the account --as names (its role and scope apply, and the
// audit log names it), not through an import job. With --dry-run it only
// checks the file. Progress goes to stderr while it runs, then the report
// to stdout; a refused file is an error (exit status 1).
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return runImportTo(ctx, args, getenv, stdout, os.Stderr)
}

func runImportTo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hoctap import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: hoctap import FILE --as USERNAME [--dry-run] [--kind K] [--skip-refused] [--db DSN] [--lang vi|en] [--max-problems N]")
		fs.PrintDefaults()
	}
	dsn := fs.String("db", "", "the database: SQLite file or postgres:// URL (default $HOCTAP_DATABASE_URL or hoctap.db)")
	as := fs.String("as", "", "the account the import is done as (required): its role and scope apply, and the audit log names it")
	dryRun := fs.Bool("dry-run", false, "check the file and report what applying it would do; write nothing")
	kind := fs.String("kind", "", "the kind of list: "+kindIDs()+" (default: a workbook's sheet names decide; a CSV needs it)")
	skip := fs.Bool("skip-refused", false, "write the good rows of a file with refused ones (default: such a file writes nothing)")
	langFlag := fs.String("lang", "vi", "language of the report: vi or en")
	maxProblems := fs.Int("max-problems", imports.DefaultMaxProblems, "how many problems, and how many warnings, the report lists (all are counted)")
	// The file may come before the flags (hoctap import list.xlsx --dry-run),
	// where the flag package stops.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(files) != 1:
		return fmt.Errorf("import: name one file to import (got %d)", len(files))
	case *as == "":
		return errors.New("import: --as names the account the import is done as: its role and scope apply, and the audit log names it")
	case *langFlag != "vi" && *langFlag != "en":
		return fmt.Errorf("import: --lang: want vi or en, got %q", *langFlag)
	case *maxProblems < 1:
		return fmt.Errorf("import: --max-problems: want at least 1, got %d", *maxProblems)
	}
	lang := i18n.Lang(*langFlag)
	if *dsn == "" {
		*dsn = getenv("HOCTAP_DATABASE_URL")
	}
	if *dsn == "" {
		*dsn = "hoctap.db"
	}
	if !store.IsPostgres(*dsn) && !fileExists(*dsn) {
		return fmt.Errorf("import: no SQLite database at %s (--db)", *dsn)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()

	db, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	// As the server would at start-up, so a binary newer than the database
	// reads it.
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	v, err := importer(ctx, db.Client, *as)
	if err != nil {
		return err
	}
	ctx = viewer.NewContext(ctx, v)
	ctx = reqinfo.NewContext(ctx, reqinfo.Info{ID: reqinfo.NewID(), Address: commandLine(), UserAgent: "hoctap import"})
	ctx = i18n.NewContext(ctx, lang)

	p := newProgress(stderr, lang)
	opts := imports.Options{FileName: filepath.Base(files[0]), Kind: *kind, SkipRefused: *skip, MaxProblems: *maxProblems, Progress: p.rows}
	var rep *imports.Report
	if *dryRun {
		rep, err = imports.Check(ctx, db.Client, f, opts)
	} else {
		rep, err = imports.Apply(ctx, db.Client, db.Dialect, f, opts)
	}
	p.end()
	if rep != nil {
		printReport(stdout, rep, lang, *dryRun)
	}
	var e *apperr.Error
	switch {
	case errors.As(err, &e) && e.Code == apperr.BadUserInput && e.Field == "kind":
		return fmt.Errorf("import: --kind: %s", e.Message(lang))
	case errors.As(err, &e) && e.Code != apperr.Internal:
		// The file refused, or an account that may not import: said in
		// the report's language.
		return fmt.Errorf("import: %s", e.Message(lang))
	case err != nil:
		return fmt.Errorf("import: %w", err)
	case *dryRun && refused(rep, *skip):
		return fmt.Errorf("import: %s", msgWouldRefuse.Format(lang, rep.Errors))
	}
	if !*dryRun {
		fmt.Fprintln(stdout, msgAudited.Format(lang, v.Username, reqinfo.FromContext(ctx).ID))
	}
	return nil
}

// refused says whether applying a checked file would be refused, as
// imports.Apply decides: any problem refuses it, unless the refused rows
// are skipped and a sheet was read.
func refused(rep *imports.Report, skip bool) bool {
	return rep.Errors > 0 && (!skip || len(rep.Sheets) == 0)
}

// importer is the viewer of the account named: the import runs with its
// role and scope, as it would for that account signed in.
func importer(ctx context.Context, c *ent.Client, username string) (*viewer.Viewer, error) {
	u, err := c.User.Query().Where(user.Username(username)).Only(privacy.DecisionContext(ctx, privacy.Allow))
	switch {
	case ent.IsNotFound(err):
		return nil, fmt.Errorf("import: --as: no account %q", username)
	case err != nil:
		return nil, fmt.Errorf("import: --as: %w", err)
	case u.Disabled:
		return nil, fmt.Errorf("import: --as: the account %q is disabled", username)
	}
	return &viewer.Viewer{
		UserID: u.ID, Username: u.Username, Role: u.Role,
		ScopeID: u.ScopeID, ScopePath: u.ScopePath, Predecessors: history.Parse(u.ScopePredecessors),
	}, nil
}

// commandLine is the "client address" the audit log keeps for an import
// run here: the machine's name, marked as the command line.
func commandLine() string {
	host, err := os.Hostname()
	if err != nil {
		host = "?"
	}
	return "cli:" + host
}

func kindIDs() string {
	var ids []string
	for _, k := range imports.Kinds() {
		ids = append(ids, k.ID)
	}
	return strings.Join(ids, ", ")
}

var (
	msgReading = i18n.Message{VI: "Đang đọc tệp…", EN: "Reading the file…"}
	msgRows    = i18n.Message{VI: "%d dòng, %.0f dòng/giây, %s", EN: "%d rows, %.0f rows/s, %s"}
	msgFile    = i18n.Message{VI: "Tệp %s (%s, SHA-256 %s)", EN: "File %s (%s, SHA-256 %s)"}
	msgSheet   = i18n.Message{VI: "Trang «%s» (%s, tiêu đề ở dòng %d): %d dòng: %s", EN: "Sheet «%s» (%s, header on row %d): %d rows: %s"}
	msgTotals  = i18n.Message{
		VI: "tạo mới %d, cập nhật %d, không đổi %d, bị từ chối %d",
		EN: "create %d, update %d, unchanged %d, refused %d"}
	msgTotal        = i18n.Message{VI: "Tổng: %s", EN: "Total: %s"}
	msgProblems     = i18n.Message{VI: "Lỗi (%d):", EN: "Problems (%d):"}
	msgWarnings     = i18n.Message{VI: "Cảnh báo (%d):", EN: "Warnings (%d):"}
	msgMore         = i18n.Message{VI: "  … và %d nữa (--max-problems)", EN: "  … and %d more (--max-problems)"}
	msgChecked      = i18n.Message{VI: "Chỉ kiểm tra (--dry-run): không ghi gì.", EN: "Checked only (--dry-run): nothing written."}
	msgWritten      = i18n.Message{VI: "Đã ghi.", EN: "Written."}
	msgNotWritten   = i18n.Message{VI: "Không ghi gì.", EN: "Nothing written."}
	msgWouldRefuse  = i18n.Message{VI: "tệp có %d lỗi nên sẽ không được ghi (sửa tệp, hoặc dùng --skip-refused để chỉ ghi các dòng hợp lệ)", EN: "the file has %d problems, so it would not be written (fix it, or use --skip-refused to write only the good rows)"}
	msgAudited      = i18n.Message{VI: "Nhật ký: nhập bởi %s, mã yêu cầu %s.", EN: "Audit log: imported by %s, request %s."}
	msgNoHeaderRow  = i18n.Message{VI: "không có dòng tiêu đề", EN: "no header row"}
	msgUnknownFile  = i18n.Message{VI: "không đọc được", EN: "unreadable"}
	msgUnknownKind  = i18n.Message{VI: "loại %s", EN: "kind %s"}
	msgSheetNoTitle = i18n.Message{VI: "Trang «%s» (%s, %s): %d dòng: %s", EN: "Sheet «%s» (%s, %s): %d rows: %s"}
)

// printReport writes a report: the file, each sheet's totals, the totals,
// the problems (the refused rows) and then the warnings, and whether
// anything was written.
func printReport(w io.Writer, rep *imports.Report, lang i18n.Lang, dryRun bool) {
	format := string(rep.Format)
	if format == "" {
		format = msgUnknownFile.Format(lang)
	}
	fmt.Fprintln(w, msgFile.Format(lang, rep.FileName, strings.ToUpper(format), rep.SHA256))
	totals := func(t imports.Totals) string {
		return msgTotals.Format(lang, t.Create, t.Update, t.Unchanged, t.Refused)
	}
	for _, s := range rep.Sheets {
		kind := msgUnknownKind.Format(lang, s.Kind)
		if k := imports.KindByID(s.Kind); k != nil {
			kind = k.Name.Format(lang)
		}
		if s.HeaderRow > 0 {
			fmt.Fprintln(w, msgSheet.Format(lang, s.Sheet, kind, s.HeaderRow, s.Rows, totals(s.Totals)))
		} else {
			fmt.Fprintln(w, msgSheetNoTitle.Format(lang, s.Sheet, kind, msgNoHeaderRow, s.Rows, totals(s.Totals)))
		}
	}
	fmt.Fprintln(w, msgTotal.Format(lang, totals(rep.Totals)))
	list := func(head i18n.Message, ps []imports.Problem, count int) {
		if count == 0 {
			return
		}
		fmt.Fprintln(w, head.Format(lang, count))
		for _, p := range ps {
			fmt.Fprintln(w, "  "+p.Message(lang))
		}
		if count > len(ps) {
			fmt.Fprintln(w, msgMore.Format(lang, count-len(ps)))
		}
	}
	list(msgProblems, rep.Problems, rep.Errors)
	list(msgWarnings, rep.Warnings, rep.WarningCount)
	switch {
	case dryRun:
		fmt.Fprintln(w, msgChecked.Format(lang))
	case rep.Applied:
		fmt.Fprintln(w, msgWritten.Format(lang))
	default:
		fmt.Fprintln(w, msgNotWritten.Format(lang))
	}
}

// progress shows the rows done while an import runs: one line rewritten
// in place on a terminal, a line a second otherwise (a log, a pipe).
type progress struct {
	w       io.Writer
	lang    i18n.Lang
	tty     bool
	start   time.Time
	printed time.Time
	done    int
	shown   bool
}

const (
	progressTTYEvery  = 200 * time.Millisecond
	progressLineEvery = time.Second
)

func newProgress(w io.Writer, lang i18n.Lang) *progress {
	p := &progress{w: w, lang: lang, tty: isTerminal(w), start: time.Now()}
	fmt.Fprintln(w, msgReading.Format(lang))
	return p
}

// rows is imports.Options.Progress: done rows so far.
func (p *progress) rows(done int) {
	p.done = done
	every := progressLineEvery
	if p.tty {
		every = progressTTYEvery
	}
	if time.Since(p.printed) >= every {
		p.show()
	}
}

func (p *progress) show() {
	p.printed = time.Now()
	elapsed := time.Since(p.start)
	rate := float64(p.done) / max(elapsed.Seconds(), 1e-3)
	line := msgRows.Format(p.lang, p.done, rate, elapsed.Round(100*time.Millisecond))
	if p.tty {
		// \033[K clears what a longer line left.
		fmt.Fprint(p.w, "\r"+line+"\033[K")
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

// end shows the final count.
func (p *progress) end() {
	if p.done > 0 {
		p.show()
	}
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
