package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"hoctap/ent"
	"hoctap/ent/importjob"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	importjobs "hoctap/internal/importjob"
	"hoctap/internal/imports"
	"hoctap/internal/viewer"
)

// The "Nhập danh sách" section: the lists communes and provinces keep in
// Excel (households, their members, clans, organisations) uploaded and
// checked in the background by the server's import runner
// (internal/importjob), read as a report with the refused rows first, then
// applied once. Every role that imports has it (imports.Roles), an OFFICER
// nothing else of the console. A job is its uploader's: the ImportJob's
// privacy policy hides another's (404). Where rows may go (an OFFICER's
// commune, a MANAGER's province) is checked row by row by internal/imports,
// which audits each apply.

// importOp is the operation of imports.Roles an upload and an apply are.
const importOp = "importLearningUnits"

// importsURL is the section's page: the upload form and the viewer's jobs.
const importsURL = Prefix + "imports"

// recentImports is how many of the viewer's jobs the section lists.
const recentImports = 20

// maxFieldBytes bounds a small field of the upload's form (the token, the
// kind of list): read in memory, unlike the file.
const maxFieldBytes = 4 << 10

func importURL(id int) string { return importsURL + "/" + strconv.Itoa(id) }

// importsPage is the data of the section's page.
type importsPage struct {
	Form  *form
	Kinds []*imports.Kind
	Jobs  []*importjobs.Job
	// MaxMiB is the largest file taken, for the form's hint.
	MaxMiB int64
}

// importFields maps the runner's field names to the upload form's inputs.
var importFields = map[string]string{"file": "file", "kind": "kind"}

func newImportForm(kind string) *form {
	f := newForm(url.Values{"kind": {kind}})
	f.fields = importFields
	return f
}

func (c *Console) listImports(w http.ResponseWriter, r *http.Request) error {
	return c.renderImports(w, r, http.StatusOK, newImportForm(""))
}

// renderImports shows the upload form, with what is wrong with it, and the
// viewer's recent jobs, newest first.
func (c *Console) renderImports(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, client := c.read(r.Context())
	rows, err := client.ImportJob.Query().
		Where(importjob.CreatedByID(viewer.FromContext(ctx).UserID)).
		Order(ent.Desc(importjob.FieldCreatedAt), ent.Desc(importjob.FieldID)).
		Limit(recentImports).All(ctx)
	if err != nil {
		return fmt.Errorf("list imports: %w", err)
	}
	d := &importsPage{Form: f, Kinds: imports.Kinds(), MaxMiB: c.opts.MaxUpload >> 20}
	for _, row := range rows {
		j, err := c.opts.Imports.View(ctx, row)
		if err != nil {
			return err
		}
		d.Jobs = append(d.Jobs, j)
	}
	c.render(w, r, status, "imports", d)
	return nil
}

// uploadImport streams the uploaded file to the runner, which stores it
// and starts its check, and sends the browser to the job's page. The form
// is read part by part rather than parsed whole, so a province's file never
// sits in memory: the anti-forgery token and the kind of list come before
// the file (a browser sends a form's fields in the order of the page), and
// the token is checked before the file is read.
func (c *Console) uploadImport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := imports.Roles.May(ctx, importOp); err != nil {
		return err
	}
	// The runner bounds the file itself, with a message beside the field;
	// this bound, a little larger, is for the rest of the request.
	r.Body = http.MaxBytesReader(w, r.Body, c.opts.MaxUpload+maxFormBytes)
	f := newImportForm("")
	token, file, err := readUntilFile(r, f)
	if err != nil {
		return c.formError(err)
	}
	if err := c.checkToken(r, token); err != nil {
		return err
	}
	if file == nil {
		f.fieldError(ctx, "file", "imports.fileRequired")
		return c.renderImports(w, r, http.StatusUnprocessableEntity, f)
	}
	job, err := c.opts.Imports.Upload(ctx, file, file.FileName(), f.Get("kind"))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			f.fieldError(ctx, "file", "error.tooLarge", c.opts.MaxUpload>>20)
		} else if !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
		return c.renderImports(w, r, http.StatusUnprocessableEntity, f)
	}
	c.redirect(w, r, importURL(job.ID), "")
	return nil
}

// readUntilFile reads the upload form's small fields into f and returns
// the anti-forgery token (from its field, or else the header scripts send)
// and the part of the chosen file, left unread; nil when none was chosen.
func readUntilFile(r *http.Request, f *form) (string, *multipart.Part, error) {
	parts, err := r.MultipartReader()
	if err != nil {
		return "", nil, err
	}
	token := r.Header.Get(csrfHeader)
	for {
		part, err := parts.NextPart()
		if errors.Is(err, io.EOF) {
			return token, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		switch name := part.FormName(); name {
		case "file":
			// A form sent without a file chosen has an empty part.
			if part.FileName() != "" {
				return token, part, nil
			}
		case csrfField, "kind":
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
			if err != nil {
				return "", nil, err
			}
			if name == csrfField {
				token = string(b)
			} else {
				f.Values.Set(name, strings.TrimSpace(string(b)))
			}
		}
	}
}

// formError is the error of a form that could not be read: too large, or
// not a form.
func (c *Console) formError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		e := apperr.New(apperr.BadUserInput, catalog["error.tooLarge"])
		e.Args = []any{c.opts.MaxUpload >> 20}
		return e
	}
	return apperr.New(apperr.BadUserInput, catalog["error.form"])
}

// importPage is the data of a job's page.
type importPage struct {
	Job *importjobs.Job
	// Form is the apply form, with the runner's refusal beside its box.
	Form *form
}

// Running reports whether a step of the job is under way: the page then
// shows its progress and follows it.
func (d *importPage) Running() bool { return running(d.Job) }

func running(j *importjobs.Job) bool {
	return j.Status == importjob.StatusCHECKING || j.Status == importjob.StatusAPPLYING
}

// Total is the number of data rows, 0 while the check has not counted them.
func (d *importPage) Total() int {
	if d.Job.RowsTotal == nil {
		return 0
	}
	return *d.Job.RowsTotal
}

// Writable reports whether applying would write anything: rows to create
// or to update.
func (d *importPage) Writable() bool {
	r := d.Job.Report
	return r != nil && r.Totals.Create+r.Totals.Update > 0
}

// getImport reads the job of the path as the viewer: not found unless it
// is theirs (or they are an ADMIN).
func (c *Console) getImport(r *http.Request) (*importjobs.Job, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx, _ := c.read(r.Context())
	return c.opts.Imports.Get(ctx, id)
}

func (c *Console) showImport(w http.ResponseWriter, r *http.Request) error {
	j, err := c.getImport(r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "import", &importPage{Job: j, Form: newForm(nil)})
	return nil
}

// importProgress is what the job page's script polls while a step runs.
type importProgress struct {
	Status   string `json:"status"`
	Running  bool   `json:"running"`
	RowsDone int    `json:"rowsDone"`
	// RowsTotal is null until the check has counted the rows.
	RowsTotal *int `json:"rowsTotal"`
	// Text says the progress in the viewer's language.
	Text string `json:"text"`
}

func (c *Console) importProgress(w http.ResponseWriter, r *http.Request) error {
	j, err := c.getImport(r)
	if err != nil {
		return err
	}
	body, err := json.Marshal(importProgress{
		Status: string(j.Status), Running: running(j), RowsDone: j.RowsDone, RowsTotal: j.RowsTotal,
		Text: progressText(i18n.FromContext(r.Context()), j),
	})
	if err != nil {
		return fmt.Errorf("import progress: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
	return nil
}

// ImportProgress says how far a job's running step is.
func (p *Page) ImportProgress(j *importjobs.Job) string { return progressText(p.Lang, j) }

func progressText(lang i18n.Lang, j *importjobs.Job) string {
	done := formatInt(lang, j.RowsDone)
	total := 0
	if j.RowsTotal != nil {
		total = *j.RowsTotal
	}
	switch {
	case j.Status == importjob.StatusAPPLYING && total > 0:
		return translate(lang, "imports.writtenOf", done, formatInt(lang, total))
	case j.Status == importjob.StatusAPPLYING:
		return translate(lang, "imports.written", done)
	case total > 0:
		return translate(lang, "imports.readOf", done, formatInt(lang, total))
	default:
		return translate(lang, "imports.read", done)
	}
}

// applyImport applies a checked job: every row, or with the box ticked
// only the good ones. The runner refuses a file with refused rows unless
// the box is ticked, and a job that is not checked (applied already, by a
// second tab or a double click); the page then says why.
func (c *Console) applyImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, _ := c.read(r.Context())
	f := newForm(r.PostForm)
	f.fields = map[string]string{"skipRefused": "skipRefused"}
	_, err = c.opts.Imports.Apply(ctx, id, f.Has("skipRefused"))
	if err == nil {
		c.redirect(w, r, importURL(id), "")
		return nil
	}
	e, ok := asInput(err)
	if !ok || e.Code == apperr.NotFound || e.Code == apperr.Forbidden {
		return err
	}
	j, gerr := c.opts.Imports.Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	f.setError(err, i18n.FromContext(ctx))
	status := e.Code.HTTPStatus()
	if e.Code == apperr.BadUserInput {
		// As every form of the console shown again to be corrected.
		status = http.StatusUnprocessableEntity
	}
	c.render(w, r, status, "import", &importPage{Job: j, Form: f})
	return nil
}

// importReportBook sends a job's report as a workbook: the problems, and
// the refused rows copied from the file with their bad cells marked, to
// fix and import again. Once the file is pruned (importFilesKept), the
// workbook has the problems without the copies.
func (c *Console) importReportBook(w http.ResponseWriter, r *http.Request) error {
	j, err := c.getImport(r)
	if err != nil {
		return err
	}
	if j.Report == nil {
		return apperr.New(apperr.NotFound, catalog["error.notFound"])
	}
	ctx, _ := c.read(r.Context())
	var original io.Reader
	if kept, err := c.opts.Imports.HasFile(ctx, j.ID); err != nil {
		return err
	} else if kept {
		if original, err = c.opts.Imports.File(ctx, j.ID); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := imports.WriteReportBook(&buf, j.Report, i18n.FromContext(r.Context()), original); err != nil {
		return fmt.Errorf("import report book %d: %w", j.ID, err)
	}
	name := strings.TrimSuffix(j.FileName, path.Ext(j.FileName)) + " - " + translate(i18n.FromContext(r.Context()), "imports.reportFile") + ".xlsx"
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
	return nil
}

// importPasswordsPage shows the temporary passwords of the accounts an
// import created, once.
type importPasswordsPage struct {
	Job      *importjobs.Job
	Accounts []imports.NewAccount
}

// importPasswords hands the uploader the temporary passwords of the
// accounts their list created, in the answer to the POST itself: the
// runner erases them as it hands them out, so there is no second look.
func (c *Console) importPasswords(w http.ResponseWriter, r *http.Request) error {
	j, err := c.getImport(r)
	if err != nil {
		return err
	}
	ctx, _ := c.read(r.Context())
	accounts, err := c.opts.Imports.TakePasswords(ctx, j.ID)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		c.redirect(w, r, importURL(j.ID), "")
		return nil
	}
	c.render(w, r, http.StatusOK, "import_passwords", &importPasswordsPage{Job: j, Accounts: accounts})
	return nil
}

// KindName names a kind of list by its ID; "" is a workbook whose sheet
// names tell.
func (p *Page) KindName(id string) string {
	if id == "" {
		return p.T("imports.bySheet")
	}
	if k := imports.KindByID(id); k != nil {
		return k.Name.Format(p.Lang)
	}
	return id
}

// ProblemText is what is wrong, without where: the table's other columns
// say that.
func (p *Page) ProblemText(pr imports.Problem) string { return pr.Msg.Format(p.Lang, pr.Args...) }

// ProblemColumn names a problem's column: its letter and its header.
func (p *Page) ProblemColumn(pr imports.Problem) string {
	switch {
	case pr.Column != "" && pr.Header != "":
		return pr.Column + " (" + pr.Header + ")"
	case pr.Column != "":
		return pr.Column
	default:
		return pr.Header
	}
}

// FileSize writes a file's size in kB or MB.
func (p *Page) FileSize(n int64) string {
	const kb, mb = 1 << 10, 1 << 20
	if n < mb {
		return formatInt(p.Lang, int((n+kb-1)/kb)) + " kB"
	}
	return formatDec(p.Lang, float64(n*10/mb)/10) + " MB"
}
