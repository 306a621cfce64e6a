// Package importjob runs imports (internal/imports) in the background,
// keeping each upload's file, progress and report in the database as an
// ImportJob, so that any replica can answer a poll, apply a checked file
// or serve its report, and so that what an import did outlives the
// process that ran it.
//
// A job is checked first: Upload stores the file and starts its dry run.
// Apply writes a CHECKED job once (a conditional update decides which of
// two concurrent requests, on any replica, gets to). A step runs in the
// process that started it; a job whose process died stays in CHECKING or
// APPLYING without a heartbeat and is failed by the next read (Get), its
// apply having rolled back with its transaction.
package importjob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/ent/importchunk"
	"hoctap/ent/importjob"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/errmap"
	"hoctap/internal/gcbudget"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/reqinfo"
	"hoctap/internal/viewer"
)

// Roles says who may use the doors of imports, by the names the API gives
// them: whoever may import a list at all. Which kinds, and where, the
// import itself decides (imports.Roles, the importer's scope).
var Roles = access.Roles{
	"checkImport":         imports.Roles["importLearningUnits"],
	"applyImport":         imports.Roles["importLearningUnits"],
	"takeImportPasswords": imports.Roles["importLearningUnits"],
}

// ChunkSize is the size of the pieces a file is stored in: small enough
// that a piece is a modest row on either database, large enough that a
// province's file is a few hundred rows.
const ChunkSize = 1 << 20

// DefaultMaxFileSize bounds an upload when Options.MaxFileSize is 0: a
// province's households and members as XLSX are about 60 MB.
const DefaultMaxFileSize = 256 << 20

// staleAfter is how long a running job may go without a heartbeat before a
// read declares its process gone; heartbeat is how often a running job
// beats, well inside it.
const (
	staleAfter = 2 * time.Minute
	heartbeat  = 20 * time.Second
	// progressEvery throttles the progress written to the database.
	progressEvery = time.Second
)

// Options configure a Runner.
type Options struct {
	// MaxFileSize bounds an upload; DefaultMaxFileSize if 0.
	MaxFileSize int64
	// TmpDir is where uploads and workbooks are spooled; the system's if "".
	TmpDir string
}

// Runner starts import steps in the background of this process.
type Runner struct {
	c       *ent.Client
	dialect string
	log     *slog.Logger
	opts    Options
	// base is the server's lifetime: its end cancels the running steps,
	// which roll back and fail their jobs.
	base context.Context
	wg   sync.WaitGroup

	mu sync.Mutex
	// live holds the progress of the steps running here. It is what this
	// process knows before the database does: on SQLite an apply's
	// transaction holds the only write lock, so its progress cannot be
	// written until it ends (one process is all SQLite serves).
	live map[int]int
}

// New returns a runner whose steps end with base.
func New(base context.Context, c *ent.Client, dialectName string, log *slog.Logger, opts Options) *Runner {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	return &Runner{c: c, dialect: dialectName, log: log, opts: opts, base: base, live: map[int]int{}}
}

// Wait blocks until the steps started here have ended: after the base
// context is cancelled, before the database is closed.
func (r *Runner) Wait() { r.wg.Wait() }

// Job is an import job as a reader sees it: the row, with its report
// decoded and the progress of a step running in this process.
type Job struct {
	*ent.ImportJob
	// Report is the last step's report; nil while the first check runs.
	// Its Accounts are always empty: see TakePasswords.
	Report *imports.Report
	// PasswordsWaiting counts the new accounts whose temporary passwords
	// TakePasswords has yet to hand out.
	PasswordsWaiting int
}

// Error renders why the job failed in lang; "" unless it did.
func (j *Job) Error(lang i18n.Lang) string {
	if lang == i18n.EN && j.ErrorEn != "" {
		return j.ErrorEn
	}
	return j.ErrorVi
}

var (
	msgTooLarge = i18n.Message{
		VI: "Tệp quá lớn: tối đa %d MB.",
		EN: "The file is too large: at most %d MB."}
	msgEmpty      = i18n.Message{VI: "Tệp trống.", EN: "The file is empty."}
	msgNotChecked = i18n.Message{
		VI: "Chỉ ghi được một tệp đã kiểm tra xong và chưa ghi (trạng thái hiện tại: %s).",
		EN: "Only a file checked and not yet written can be applied (its status now: %s)."}
	msgHasRefused = i18n.Message{
		VI: "Tệp có %d lỗi nên không ghi cả tệp được: sửa tệp và tải lại, hoặc chọn chỉ ghi các dòng hợp lệ.",
		EN: "The file has %d problems, so it cannot be applied whole: fix and upload it again, or choose to write only the good rows."}
	msgInterrupted = i18n.Message{
		VI: "Máy chủ đã dừng giữa chừng; bước này không ghi gì. Hãy chạy lại.",
		EN: "The server stopped part way; this step wrote nothing. Run it again."}
	msgNotYours = i18n.Message{
		VI: "Chỉ người tải tệp lên mới ghi được tệp này.",
		EN: "Only who uploaded the file may apply it."}
	msgExpired = i18n.Message{
		VI: "Tệp đã kiểm tra quá lâu mà chưa ghi nên đã bị xoá; hãy tải lại.",
		EN: "The file was checked too long ago without being applied and has been deleted; upload it again."}
	msgInternal = i18n.Message{
		VI: "Lỗi hệ thống khi nhập (mã yêu cầu %s); bước này không ghi gì.",
		EN: "A system error stopped the import (request %s); this step wrote nothing."}
)

// Upload stores the file read from body and starts its check, as the
// viewer of ctx; name is the file's name as uploaded, kind the kind of list
// asked for (imports.Options.Kind). It returns the job, CHECKING.
func (r *Runner) Upload(ctx context.Context, body io.Reader, name, kind string) (*Job, error) {
	if err := Roles.May(ctx, "checkImport"); err != nil {
		return nil, err
	}
	if err := imports.CheckKind(kind); err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	// The upload is spooled first, so that the transaction storing it
	// does not wait on the client's network.
	f, size, sum, err := r.spool(body)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	sys := system(ctx)
	tx, err := r.c.Tx(sys)
	if err != nil {
		return nil, fmt.Errorf("importjob: begin: %w", err)
	}
	job, err := tx.ImportJob.Create().
		SetFileName(clip(name, 255)).SetFileSize(size).SetSha256(sum).SetKind(kind).
		SetScopePath(v.ScopePath).SetCreatedByID(v.UserID).
		Save(sys)
	if err == nil {
		err = storeChunks(sys, tx, job.ID, f)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("importjob: store %q: %w", name, err), tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("importjob: store %q: %w", name, err)
	}
	r.start(ctx, job, imports.Options{FileName: job.FileName, Kind: kind})
	return &Job{ImportJob: job}, nil
}

// spool copies body to a temporary file, hashing it, within the size
// bound.
func (r *Runner) spool(body io.Reader) (*os.File, int64, string, error) {
	f, err := os.CreateTemp(r.opts.TmpDir, "hoctap-upload-*")
	if err != nil {
		return nil, 0, "", fmt.Errorf("importjob: spool: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, r.opts.MaxFileSize+1))
	fail := func(e error) (*os.File, int64, string, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, "", e
	}
	switch {
	case err != nil:
		return fail(fmt.Errorf("importjob: spool: %w", err))
	case n > r.opts.MaxFileSize:
		return fail(apperr.Input("file", msgTooLarge, r.opts.MaxFileSize>>20))
	case n == 0:
		return fail(apperr.Input("file", msgEmpty))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("importjob: spool: %w", err))
	}
	return f, n, hex.EncodeToString(h.Sum(nil)), nil
}

// storeChunks writes the file in ChunkSize pieces.
func storeChunks(ctx context.Context, tx *ent.Tx, jobID int, f io.Reader) error {
	buf := make([]byte, ChunkSize)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			if _, cerr := tx.ImportChunk.Create().SetImportJobID(jobID).SetSeq(seq).SetData(buf[:n]).Save(ctx); cerr != nil {
				return cerr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Apply writes a checked job, as the viewer of ctx, who must be the one
// who uploaded it: every row, or with skipRefused only the good ones. It
// returns the job, APPLYING.
func (r *Runner) Apply(ctx context.Context, id int, skipRefused bool) (*Job, error) {
	if err := Roles.May(ctx, "applyImport"); err != nil {
		return nil, err
	}
	job, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// An ADMIN reads everyone's jobs, but a file is checked against its
	// uploader's scope, and applied by them.
	if v := viewer.FromContext(ctx); v == nil || v.UserID != job.CreatedByID {
		return nil, apperr.New(apperr.Forbidden, msgNotYours)
	}
	if job.Status != importjob.StatusCHECKED {
		return nil, apperr.New(apperr.Conflict, msgNotChecked, job.Status)
	}
	if job.Report != nil && job.Report.Errors > 0 && !skipRefused {
		return nil, apperr.Input("skipRefused", msgHasRefused, job.Report.Errors)
	}
	sys := system(ctx)
	// Of two applies of one job, on any replicas, one changes the row.
	n, err := r.c.ImportJob.Update().
		Where(importjob.ID(id), importjob.StatusEQ(importjob.StatusCHECKED)).
		SetStatus(importjob.StatusAPPLYING).SetSkipRefused(skipRefused).SetRowsDone(0).
		ClearFinishedAt().ClearErrorVi().ClearErrorEn().
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("importjob: apply %d: %w", id, err)
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, msgNotChecked, importjob.StatusAPPLYING)
	}
	row, err := r.c.ImportJob.Get(sys, id)
	if err != nil {
		return nil, fmt.Errorf("importjob: apply %d: %w", id, err)
	}
	r.start(ctx, row, imports.Options{FileName: row.FileName, Kind: row.Kind, SkipRefused: skipRefused})
	job.ImportJob = row
	return job, nil
}

// Get reads a job as the viewer of ctx (its uploader, or an ADMIN): NOT_FOUND
// for anyone else. A running job whose process is gone is failed first.
func (r *Runner) Get(ctx context.Context, id int) (*Job, error) {
	row, err := r.c.ImportJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.view(ctx, row)
}

// View decodes a job read elsewhere (a list, a node): its report, its live
// progress, and a check of its heartbeat.
func (r *Runner) View(ctx context.Context, row *ent.ImportJob) (*Job, error) { return r.view(ctx, row) }

func (r *Runner) view(ctx context.Context, row *ent.ImportJob) (*Job, error) {
	running := row.Status == importjob.StatusCHECKING || row.Status == importjob.StatusAPPLYING
	if running {
		r.mu.Lock()
		done, here := r.live[row.ID]
		r.mu.Unlock()
		switch {
		case here:
			if done > row.RowsDone {
				row.RowsDone = done
			}
		case time.Since(row.UpdatedAt) > staleAfter:
			if err := r.abandon(ctx, row); err != nil {
				return nil, err
			}
		}
	}
	j := &Job{ImportJob: row}
	if len(row.Report) > 0 {
		j.Report = new(imports.Report)
		if err := json.Unmarshal(row.Report, j.Report); err != nil {
			return nil, fmt.Errorf("importjob: report of %d: %w", row.ID, err)
		}
		// The temporary passwords are handed out by TakePasswords only.
		j.PasswordsWaiting = len(j.Report.Accounts)
		j.Report.Accounts = nil
	}
	return j, nil
}

// TakePasswords hands the uploader of an applied list of accounts the
// temporary passwords of the accounts it created, once: they are erased
// from the database as they are read, so that they rest there only
// between the apply and the uploader's first look. Nobody else gets them,
// not even an ADMIN reading the job; the second call gets none (the
// accounts' passwords can then be reset).
func (r *Runner) TakePasswords(ctx context.Context, id int) ([]imports.NewAccount, error) {
	if err := Roles.May(ctx, "takeImportPasswords"); err != nil {
		return nil, err
	}
	row, err := r.c.ImportJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if v := viewer.FromContext(ctx); v == nil || v.UserID != row.CreatedByID {
		return nil, &ent.NotFoundError{}
	}
	if len(row.Report) == 0 {
		return nil, nil
	}
	var rep imports.Report
	if err := json.Unmarshal(row.Report, &rep); err != nil {
		return nil, fmt.Errorf("importjob: report of %d: %w", id, err)
	}
	if len(rep.Accounts) == 0 {
		return nil, nil
	}
	taken := rep.Accounts
	rep.Accounts = nil
	body, err := json.Marshal(&rep)
	if err != nil {
		return nil, fmt.Errorf("importjob: report of %d: %w", id, err)
	}
	// Of two readers at once, the one whose update finds the report as
	// both read it gets the passwords.
	n, err := r.c.ImportJob.Update().
		Where(importjob.ID(id), importjob.UpdatedAt(row.UpdatedAt)).
		SetReport(body).
		Save(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("importjob: take passwords of %d: %w", id, err)
	}
	if n == 0 {
		return nil, nil
	}
	return taken, nil
}

// abandon fails a running job whose heartbeat stopped, unless it beat
// again meanwhile (the update is conditional on the time read).
func (r *Runner) abandon(ctx context.Context, row *ent.ImportJob) error {
	now := time.Now().UTC()
	n, err := r.c.ImportJob.Update().
		Where(importjob.ID(row.ID), importjob.StatusEQ(row.Status), importjob.UpdatedAt(row.UpdatedAt)).
		SetStatus(importjob.StatusFAILED).SetErrorVi(msgInterrupted.VI).SetErrorEn(msgInterrupted.EN).SetFinishedAt(now).
		Save(system(ctx))
	if err != nil {
		return fmt.Errorf("importjob: abandon %d: %w", row.ID, err)
	}
	if n == 1 {
		r.log.WarnContext(ctx, "import job abandoned: no heartbeat", "job", row.ID, "status", row.Status)
		row.Status, row.ErrorVi, row.ErrorEn, row.FinishedAt = importjob.StatusFAILED, msgInterrupted.VI, msgInterrupted.EN, &now
		return nil
	}
	fresh, err := r.c.ImportJob.Get(system(ctx), row.ID)
	if err != nil {
		return fmt.Errorf("importjob: abandon %d: %w", row.ID, err)
	}
	*row = *fresh
	return nil
}

// start runs the step the job's status names (a check or an apply) in the
// background, as the viewer of ctx, until it ends or the runner's base
// context does.
func (r *Runner) start(ctx context.Context, job *ent.ImportJob, opts imports.Options) {
	// The step outlives the request: it keeps who asked and the request's
	// id (for the audit and the log), not its deadline.
	sctx := viewer.NewContext(r.base, viewer.FromContext(ctx))
	sctx = reqinfo.NewContext(sctx, reqinfo.FromContext(ctx))
	sctx = i18n.NewContext(sctx, i18n.FromContext(ctx))
	apply := job.Status == importjob.StatusAPPLYING
	r.mu.Lock()
	r.live[job.ID] = 0
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.live, job.ID)
			r.mu.Unlock()
		}()
		defer gcbudget.Hold(gcbudget.Import)()
		r.run(sctx, job.ID, apply, opts)
	}()
}

// run is one step of a job, from its file in the database to its ending
// written back.
func (r *Runner) run(ctx context.Context, id int, apply bool, opts imports.Options) {
	beat := r.beat(ctx, id, apply)
	defer beat.stop()
	opts.TmpDir = r.opts.TmpDir
	opts.Progress = beat.progress
	file := &chunkReader{ctx: system(ctx), c: r.c, job: id}
	var rep *imports.Report
	var err error
	func() {
		// A panic in a step fails its job rather than the server.
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("importjob: panic: %v", p)
			}
		}()
		if apply {
			rep, err = imports.Apply(ctx, r.c, r.dialect, file, opts)
		} else {
			rep, err = imports.Check(ctx, r.c, file, opts)
		}
	}()
	beat.stop()
	r.finish(ctx, id, apply, rep, err)
}

// finish writes a step's ending: its report, its status, and why it failed.
func (r *Runner) finish(ctx context.Context, id int, apply bool, rep *imports.Report, err error) {
	// The ending is written even when the step ended because the server is
	// stopping.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(system(ctx)), 30*time.Second)
	defer cancel()
	up := r.c.ImportJob.UpdateOneID(id).SetFinishedAt(time.Now().UTC())
	if rep != nil {
		body, jerr := json.Marshal(rep)
		if jerr != nil {
			err = errors.Join(err, jerr)
		} else {
			up.SetReport(body)
		}
		rows := 0
		for _, s := range rep.Sheets {
			rows += s.Rows
		}
		up.SetRowsDone(rows)
		if !apply {
			up.SetRowsTotal(rows)
		}
	}
	switch {
	case err == nil && apply:
		up.SetStatus(importjob.StatusAPPLIED)
	case err == nil:
		up.SetStatus(importjob.StatusCHECKED)
	default:
		vi, en := r.failure(ctx, id, err)
		up.SetStatus(importjob.StatusFAILED).SetErrorVi(clip(vi, 2000)).SetErrorEn(clip(en, 2000))
	}
	if uerr := up.Exec(wctx); uerr != nil {
		r.log.ErrorContext(ctx, "import job: write its ending", "job", id, "err", uerr, "step_err", err)
	}
}

// failure is what a failed step tells its reader: a fault of the file or
// of the importer as it is, the machine's as a request id to quote.
func (r *Runner) failure(ctx context.Context, id int, err error) (string, string) {
	if errors.Is(err, context.Canceled) && r.base.Err() != nil {
		return msgInterrupted.VI, msgInterrupted.EN
	}
	e := errmap.Of(ctx, err)
	if e.Code == apperr.Internal {
		rid := reqinfo.FromContext(ctx).ID
		r.log.ErrorContext(ctx, "import job failed", "job", id, "request_id", rid, "err", err)
		return msgInternal.Format(i18n.VI, rid), msgInternal.Format(i18n.EN, rid)
	}
	return e.Message(i18n.VI), e.Message(i18n.EN)
}

// beater keeps a running job's heartbeat and progress.
type beater struct {
	r        *Runner
	ctx      context.Context
	id       int
	toDB     bool
	mu       sync.Mutex
	done     int
	written  time.Time
	quit     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// beat starts the heartbeat of a step. An apply on SQLite beats only in
// memory: its transaction holds the database's one write lock.
func (r *Runner) beat(ctx context.Context, id int, apply bool) *beater {
	b := &beater{r: r, ctx: system(ctx), id: id, toDB: !(apply && r.dialect == dialect.SQLite), quit: make(chan struct{})}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		for {
			select {
			case <-b.quit:
				return
			case <-t.C:
				b.write(true)
			}
		}
	}()
	return b
}

// progress records the rows done, writing them at most every
// progressEvery.
func (b *beater) progress(done int) {
	b.r.mu.Lock()
	b.r.live[b.id] = done
	b.r.mu.Unlock()
	b.mu.Lock()
	b.done = done
	b.mu.Unlock()
	b.write(false)
}

func (b *beater) write(force bool) {
	if !b.toDB {
		return
	}
	b.mu.Lock()
	if !force && time.Since(b.written) < progressEvery {
		b.mu.Unlock()
		return
	}
	b.written = time.Now()
	done := b.done
	b.mu.Unlock()
	// updated_at moves with every write: the heartbeat.
	err := b.r.c.ImportJob.UpdateOneID(b.id).SetRowsDone(done).Exec(b.ctx)
	if err != nil && b.ctx.Err() == nil {
		b.r.log.WarnContext(b.ctx, "import job: heartbeat", "job", b.id, "err", err)
	}
}

func (b *beater) stop() {
	b.stopOnce.Do(func() {
		close(b.quit)
		b.wg.Wait()
	})
}

// chunkReader reads a job's file from the database a piece at a time.
type chunkReader struct {
	ctx context.Context
	c   *ent.Client
	job int
	seq int
	buf bytes.Reader
	eof bool
}

func (cr *chunkReader) Read(p []byte) (int, error) {
	for cr.buf.Len() == 0 {
		if cr.eof {
			return 0, io.EOF
		}
		ch, err := cr.c.ImportChunk.Query().
			Where(importchunk.ImportJobID(cr.job), importchunk.Seq(cr.seq)).
			Only(cr.ctx)
		if ent.IsNotFound(err) {
			cr.eof = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("importjob: read piece %d of %d: %w", cr.seq, cr.job, err)
		}
		cr.seq++
		cr.buf.Reset(ch.Data)
	}
	return cr.buf.Read(p)
}

// File returns a reader of a job's file, which the viewer of ctx must be
// able to read (its uploader, or an ADMIN).
func (r *Runner) File(ctx context.Context, id int) (io.Reader, error) {
	if _, err := r.c.ImportJob.Get(ctx, id); err != nil {
		return nil, err
	}
	return &chunkReader{ctx: system(ctx), c: r.c, job: id}, nil
}

// HasFile reports whether a job's file is still kept (Prune drops it a day
// after its last step), for the viewer of ctx.
func (r *Runner) HasFile(ctx context.Context, id int) (bool, error) {
	if _, err := r.c.ImportJob.Get(ctx, id); err != nil {
		return false, err
	}
	ok, err := r.c.ImportChunk.Query().Where(importchunk.ImportJobID(id)).Exist(system(ctx))
	if err != nil {
		return false, fmt.Errorf("importjob: file of %d: %w", id, err)
	}
	return ok, nil
}

// Prune deletes the files of jobs ended before the cutoff (their reports
// stay): an upload holds people's names and phones, kept no longer than
// the job needs them. A checked file not applied by then expires: it must
// be uploaded again.
func (r *Runner) Prune(ctx context.Context, before time.Time) (int, error) {
	sys := system(ctx)
	err := r.c.ImportJob.Update().
		Where(importjob.StatusEQ(importjob.StatusCHECKED), importjob.FinishedAtLT(before)).
		SetStatus(importjob.StatusFAILED).SetErrorVi(msgExpired.VI).SetErrorEn(msgExpired.EN).
		Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("importjob: prune: %w", err)
	}
	n, err := r.c.ImportChunk.Delete().
		Where(importchunk.HasImportJobWith(importjob.FinishedAtLT(before), importjob.StatusIn(importjob.StatusAPPLIED, importjob.StatusFAILED))).
		Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("importjob: prune: %w", err)
	}
	return n, nil
}

// system reads and writes as the system: the package checks the importer
// itself.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
