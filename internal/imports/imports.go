// Package imports brings the lists villages and communes keep in Excel into
// hoctap: households, their members, clans and organisations, the
// accounts of the people who work on them, and the results of past
// campaigns (registered, evaluated, recognised), one sheet per kind (Kinds),
// from an XLSX workbook or a CSV file as people really make them (internal/sheet reads them; text typed in the legacy TCVN3 and
// VNI font encodings is converted, and the row says so).
//
// Check reads a file and reports, row by row and cell by cell, what
// applying it would do (create, update, leave unchanged, refuse), writing
// nothing. Apply reads it again in one transaction and writes it in bulk:
// all or nothing by default, a refused row refusing the file, or only the
// good rows when asked (Options.SkipRefused). A row's identity is its code
// or its name in its place (identity.go), so applying a file twice creates
// nothing the second time, and an edited file updates what changed. The
// importer writes only inside their scope (a MANAGER their province, an
// OFFICER their commune): a row outside it is refused, never the file for
// it. Every Apply is audited with the file's SHA-256 and its counts.
//
// A column the sheet does not have leaves the stored value alone; an
// empty cell in a column the sheet has clears a text (an address, a
// phone) and leaves a count or a code alone. Rows are read as a stream
// and handled in chunks (chunkRows): one lookup a chunk, never one a row.
package imports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/textnorm"
	"hoctap/internal/viewer"
)

// Roles says who imports at all: an ADMIN anywhere, a MANAGER into their
// province, an OFFICER into their commune (issue #12). Where is checked
// row by row against the viewer's scope.
var Roles = access.Roles{
	"importLearningUnits": {viewer.RoleAdmin, viewer.RoleManager, viewer.RoleOfficer},
}

// DefaultMaxProblems is how many problems, and how many warnings, a report
// holds when Options.MaxProblems is 0; all are counted.
const DefaultMaxProblems = 1000

// chunkRows is how many rows are looked up and written together: one
// query a chunk for each lookup, well under SQLite's bound parameters.
var chunkRows = 1000

// Options tune an import.
type Options struct {
	// FileName is the file's name as the importer gave it, for the report
	// and the audit.
	FileName string
	// Kind (a Kind's ID) is the kind of a CSV's rows, or of a workbook's
	// first sheet when no sheet is named after a kind; with it, only the
	// sheets of that kind are read. Empty: a workbook's sheet names decide.
	Kind string
	// SkipRefused has Apply write the good rows of a file that has refused
	// ones; by default such a file changes nothing.
	SkipRefused bool
	// MaxProblems caps the problems a report holds, and the warnings
	// apart; DefaultMaxProblems if 0.
	MaxProblems int
	// Progress, when set, is told after each chunk how many data rows are
	// done, for a progress bar.
	Progress func(done int)
	// TmpDir is where an uploaded workbook is spooled; the system's if "".
	TmpDir string
}

// Report is what an import found and did.
type Report struct {
	FileName string
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string
	Format sheet.Format
	Sheets []SheetReport
	Totals Totals
	// Problems are the first problems found that refuse a row (or a
	// sheet, or the file), in the order of the file; Warnings the first
	// of those that do not. Errors and WarningCount count them all.
	Problems     []Problem
	Warnings     []Problem
	Errors       int
	WarningCount int
	// Applied says the rows were written.
	Applied bool
	// Accounts are the accounts an Apply created, with their temporary
	// passwords; only in the report of an Apply that committed.
	Accounts []NewAccount
}

// SheetReport is one sheet read.
type SheetReport struct {
	Sheet string
	Kind  string
	// HeaderRow is the header's row as Excel numbers it (0 when none was
	// found), HeaderRows how many rows it spans (2 for a group row over
	// sub-headers).
	HeaderRow, HeaderRows int
	// Rows counts the data rows read.
	Rows   int
	Totals Totals
}

// Totals counts rows by what they do.
type Totals struct {
	Create, Update, Unchanged, Refused int
}

func (t *Totals) add(o Totals) {
	t.Create += o.Create
	t.Update += o.Update
	t.Unchanged += o.Unchanged
	t.Refused += o.Refused
}

// Problem is a problem of the file located in its sheet.
type Problem struct {
	// Sheet is the sheet's name, "" for the file.
	Sheet string
	sheet.Problem
}

// Message renders the problem in lang, naming its sheet.
func (p Problem) Message(lang i18n.Lang) string {
	msg := p.Problem.Message(lang)
	if p.Sheet == "" {
		return msg
	}
	return msgInSheet.Format(lang, p.Sheet, msg)
}

// freeze renders the message's arguments into its text, in both
// languages, so that a report survives a round trip through JSON (an
// import job keeps its report in the database) and still renders the same.
func (p *Problem) freeze() {
	if len(p.Args) == 0 {
		return
	}
	p.Msg = i18n.Message{VI: p.Msg.Format(i18n.VI, p.Args...), EN: p.Msg.Format(i18n.EN, p.Args...)}
	p.Args = nil
}

var (
	msgInSheet  = i18n.Message{VI: "Trang «%s», %s", EN: "Sheet «%s», %s"}
	msgNoKind   = i18n.Message{VI: "Không rõ loại danh sách «%s».", EN: "Unknown kind of list «%s»."}
	msgNoSheets = i18n.Message{
		VI: "Không có trang tính nào mang tên một loại danh sách (%s); đặt tên trang theo loại, hoặc chọn loại danh sách khi nhập.",
		EN: "No sheet is named after a kind of list (%s); name the sheets by kind, or choose the kind when importing."}
	msgCSVKind = i18n.Message{
		VI: "Tệp CSV chỉ có một danh sách: chọn loại danh sách khi nhập (%s).",
		EN: "A CSV file holds one list: choose its kind when importing (%s)."}
	msgSheetSkipped = i18n.Message{VI: "Trang tính không thuộc loại danh sách nào, bỏ qua.", EN: "The sheet is not a kind of list; skipped."}
	msgRefused      = i18n.Message{
		VI: "Tệp có chỗ không nhập được nên không có gì được ghi: %s",
		EN: "Part of the file cannot be imported, so nothing was written: %s"}
)

// Check reads the file from r and reports what applying it would do,
// writing nothing. The viewer of ctx is the importer. A fault of the file
// (not a workbook, no header) is in the report; the error is for the
// machine's faults and for a viewer who may not import.
func Check(ctx context.Context, c *ent.Client, r io.Reader, opts Options) (*Report, error) {
	e, err := newEngine(ctx, c, opts)
	if err != nil {
		return nil, err
	}
	if err := e.run(r); err != nil {
		return nil, err
	}
	return e.report, nil
}

// CheckKind refuses, as BAD_USER_INPUT on kind, a kind of list asked for
// that is not registered; "" (the sheet names decide) is fine.
func CheckKind(id string) error {
	if id != "" && KindByID(id) == nil {
		return apperr.Input("kind", msgNoKind, id)
	}
	return nil
}

// newEngine prepares a run for the viewer of ctx.
func newEngine(ctx context.Context, c *ent.Client, opts Options) (*engine, error) {
	if err := Roles.May(ctx, "importLearningUnits"); err != nil {
		return nil, err
	}
	if err := CheckKind(opts.Kind); err != nil {
		return nil, err
	}
	if opts.MaxProblems <= 0 {
		opts.MaxProblems = DefaultMaxProblems
	}
	e := &engine{
		ctx: ctx, sys: systemCtx(ctx), c: c, opts: opts,
		v: viewer.FromContext(ctx), report: &Report{FileName: opts.FileName},
		regs: map[learningunit.Kind]*registry{}, legacy: &conversion{}, procs: map[*Kind]processor{},
	}
	e.scopePath = "/"
	if e.v != nil && e.v.Role != viewer.RoleAdmin {
		e.scopePath = e.v.ScopePath
	}
	return e, nil
}

// engine is one run over a file: Check's, or Apply's with a writer.
type engine struct {
	ctx context.Context
	// sys reads as the system: the engine applies the scope itself, by
	// the places it loads.
	sys       context.Context
	c         *ent.Client
	w         *writer // nil for a dry run
	v         *viewer.Viewer
	scopePath string
	opts      Options
	report    *Report
	places    *places
	regs      map[learningunit.Kind]*registry
	procs     map[*Kind]processor
	legacy    *conversion
	// tempID numbers the units a dry run would create, downwards from -1.
	tempID int
	done   int
	// refusal is the first problem that refuses the file in an Apply that
	// does not skip refused rows.
	refusal *Problem
	// audited are the usernames of the accounts an Apply created and
	// updated, for its audit.
	audited struct{ created, updated []string }
}

// errRefused stops an Apply at the first refused row.
var errRefused = errors.New("imports: refused")

func (e *engine) registry(k learningunit.Kind) *registry {
	if e.regs[k] == nil {
		e.regs[k] = newRegistry(k == learningunit.KindHOUSEHOLD, e.opts.TmpDir)
	}
	return e.regs[k]
}

// closeRegistries removes what the registries wrote out; a fault to do
// so is the machine's, not the run's.
func (e *engine) closeRegistries() {
	for _, g := range e.regs {
		g.close()
	}
}

// run reads the file and handles each sheet of a known kind, in the
// kinds' order, then finishes the file's digest.
func (e *engine) run(r io.Reader) error {
	h := sha256.New()
	in := io.TeeReader(r, h)
	defer func() {
		// The digest is of the whole file, whatever was read of it.
		io.Copy(io.Discard, in)
		e.report.SHA256 = hex.EncodeToString(h.Sum(nil))
	}()
	book, err := sheet.Open(in, sheet.Options{Normalize: normalizer(e.legacy), TmpDir: e.opts.TmpDir})
	if err != nil {
		return e.fileFault("", err)
	}
	defer book.Close()
	defer e.closeRegistries()
	e.report.Format = book.Format()
	plan, err := e.plan(book)
	if err != nil || plan == nil {
		return err
	}
	if e.places, err = loadPlaces(e.sys, e.c, e.scopePath); err != nil {
		return err
	}
	for _, p := range plan {
		if err := e.sheet(book, p.name, p.kind); err != nil {
			return err
		}
	}
	return nil
}

type planned struct {
	name string
	kind *Kind
}

// plan picks the sheets to read and their kinds; nil when none, the
// report saying why.
func (e *engine) plan(book *sheet.Book) ([]planned, error) {
	var only *Kind
	if e.opts.Kind != "" {
		only = KindByID(e.opts.Kind)
	}
	var plan []planned
	var skipped []string
	for _, name := range book.Sheets() {
		k := kindOfSheet(name)
		switch {
		case book.Format() == sheet.CSV:
		case k != nil && (only == nil || k == only):
			plan = append(plan, planned{name, k})
		case instructions(name):
		default:
			skipped = append(skipped, name)
		}
	}
	if len(plan) == 0 && only != nil {
		// A CSV, or a workbook whose sheets are not named after kinds:
		// the first sheet is of the kind asked for.
		plan = []planned{{book.Sheets()[0], only}}
		skipped = slices.DeleteFunc(skipped, func(s string) bool { return s == plan[0].name })
	}
	if len(plan) == 0 {
		msg := msgNoSheets
		if book.Format() == sheet.CSV {
			msg = msgCSVKind
		}
		return nil, e.fileFault("", &sheet.Problem{Msg: msg, Args: []any{kindList()}})
	}
	for _, s := range skipped {
		e.warn(Problem{Sheet: s, Problem: sheet.Problem{Msg: msgSheetSkipped, Warning: true}})
	}
	slices.SortStableFunc(plan, func(a, b planned) int { return a.kind.order - b.kind.order })
	return plan, nil
}

// instructionSheets are the names of the sheets of instructions a
// template has, and of the report a report book opens with, folded: not
// lists, skipped without a word.
var instructionSheets = []string{"huong dan", "huong dan nhap lieu", "instructions", "ghi chu", "danh muc", "bao cao"}

func instructions(name string) bool { return slices.Contains(instructionSheets, textnorm.Fold(name)) }

// kindList names the kinds and their sheets for a message.
func kindList() i18n.Message {
	var vi, en string
	for i, k := range Kinds() {
		if i > 0 {
			vi, en = vi+", ", en+", "
		}
		vi += "«" + k.Sheets[0] + "»"
		en += "«" + k.Sheets[0] + "» (" + k.Name.EN + ")"
	}
	return i18n.Message{VI: vi, EN: en}
}

// fileFault reports a fault of the file (a *sheet.Problem or
// *sheet.HeaderError) in sheetName and refuses what it concerns; another
// error is the machine's and is returned.
func (e *engine) fileFault(sheetName string, err error) error {
	var he *sheet.HeaderError
	var p *sheet.Problem
	switch {
	case errors.As(err, &he):
		for _, q := range he.Problems {
			e.problem(Problem{Sheet: sheetName, Problem: q})
		}
	case errors.As(err, &p):
		e.problem(Problem{Sheet: sheetName, Problem: *p})
	default:
		return err
	}
	if e.w != nil && !e.opts.SkipRefused && e.refusal != nil {
		return errRefused
	}
	return nil
}

// problem adds a problem, or a warning, to the report.
func (e *engine) problem(p Problem) {
	p.freeze()
	if p.Warning {
		e.warn(p)
		return
	}
	e.report.Errors++
	if len(e.report.Problems) < e.opts.MaxProblems {
		e.report.Problems = append(e.report.Problems, p)
	}
	if e.refusal == nil {
		e.refusal = &p
	}
}

func (e *engine) warn(p Problem) {
	p.freeze()
	e.report.WarningCount++
	if len(e.report.Warnings) < e.opts.MaxProblems {
		e.report.Warnings = append(e.report.Warnings, p)
	}
}

// sheet reads one sheet of kind k, a chunk of rows at a time.
func (e *engine) sheet(book *sheet.Book, name string, k *Kind) error {
	sr := SheetReport{Sheet: name, Kind: k.ID}
	defer func() {
		e.report.Sheets = append(e.report.Sheets, sr)
		e.report.Totals.add(sr.Totals)
	}()
	*e.legacy = conversion{}
	t, err := book.Read(name, k.Columns...)
	if err != nil {
		return e.fileFault(name, err)
	}
	defer t.Close()
	sr.HeaderRow, sr.HeaderRows = t.HeaderRow, t.HeaderRows
	for _, w := range t.Warnings() {
		e.warn(Problem{Sheet: name, Problem: w})
	}
	rd := &reader{kind: k, has: map[string]bool{}, legacy: e.legacy}
	for _, f := range t.Columns() {
		rd.has[f.Key] = f.Index >= 0
	}
	p := e.processor(k)
	batch := make([]item, 0, chunkRows)
	for t.Next() {
		batch = append(batch, p.parse(rd, t.Row()))
		if len(batch) == chunkRows {
			if err := e.chunk(p, rd, batch, &sr); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := t.Err(); err != nil {
		if ferr := e.fileFault(name, err); ferr != nil {
			return ferr
		}
		// The rows after a row that cannot be read are not read: without
		// them the sheet is refused.
		if e.w != nil && !e.opts.SkipRefused {
			return errRefused
		}
	}
	return e.chunk(p, rd, batch, &sr)
}

// processor is the run's processor of kind k, started on first use.
func (e *engine) processor(k *Kind) processor {
	if e.procs[k] == nil {
		e.procs[k] = k.start()
	}
	return e.procs[k]
}

// chunk handles rows read: the processor resolves them, the engine tallies
// them and reports their problems, and in an Apply the processor writes
// them.
func (e *engine) chunk(p processor, rd *reader, chunk []item, sr *SheetReport) error {
	if len(chunk) == 0 {
		return nil
	}
	e.places.trim()
	for _, g := range e.regs {
		g.trim()
	}
	if err := p.resolve(e, rd, chunk); err != nil {
		return err
	}
	for _, g := range e.regs {
		if g.err != nil {
			return g.err
		}
	}
	for _, it := range chunk {
		sr.Rows++
		switch it.action() {
		case actRefuse:
			sr.Totals.Refused++
		case actCreate:
			sr.Totals.Create++
		case actUpdate:
			sr.Totals.Update++
		case actUnchanged:
			sr.Totals.Unchanged++
		}
		l := it.base()
		for _, p := range l.errs {
			e.problem(Problem{Sheet: sr.Sheet, Problem: p})
		}
		for _, p := range l.warns {
			e.warn(Problem{Sheet: sr.Sheet, Problem: p})
		}
	}
	if e.w != nil {
		if e.refusal != nil && !e.opts.SkipRefused {
			return errRefused
		}
		if err := p.write(e, chunk); err != nil {
			return err
		}
	}
	e.done += len(chunk)
	if e.opts.Progress != nil {
		e.opts.Progress(e.done)
	}
	return nil
}

// refusedError is the error of an Apply refused by a problem: BAD_USER_INPUT
// on the file, naming the sheet, row and column.
func refusedError(p *Problem) error {
	where := i18n.Message{VI: p.Message(i18n.VI), EN: p.Message(i18n.EN)}
	return &apperr.Error{Code: apperr.BadUserInput, Field: "file", Msg: msgRefused, Args: []any{where}}
}

// systemCtx reads and writes as the system: the import applies the scope
// itself.
func systemCtx(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// wrap wraps a machine error of a run.
func wrap(what string, err error) error { return fmt.Errorf("imports: %s: %w", what, err) }
