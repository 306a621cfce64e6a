package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/ent/importjob"
	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// householdsCSV is a list of households of the fixture's Thôn 1 (village
// V1a of Xã An Bình, the officer's commune) as a commune keeps it, with a
// household in a village that does not exist on its fourth line when bad.
func householdsCSV(bad bool) []byte {
	var b strings.Builder
	b.WriteString("Mã hộ;Thôn;Chủ hộ;Số nhân khẩu\n")
	b.WriteString("K001;Thôn 1;Đỗ Văn Một;3\n")
	b.WriteString("K002;Thôn 1;Đỗ Thị Hai;2\n")
	if bad {
		b.WriteString("K003;Thôn Không Có;Đỗ Văn Ba;4\n")
	}
	return []byte(b.String())
}

// upload sends the import form as a browser does: the anti-forgery token of
// the last page (unless fields has one), the fields, then the file, if any.
func (b *browser) upload(fields url.Values, name string, data []byte) page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if _, set := fields["csrf"]; !set {
		w.WriteField("csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.URL+"/admin/imports", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

var importPathRE = regexp.MustCompile(`^/admin/imports/(\d+)$`)

// uploaded returns the job an upload's answer sends the browser to.
func uploaded(t *testing.T, p page) int {
	t.Helper()
	p.expect(t, http.StatusSeeOther, "upload")
	m := importPathRE.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("the upload sent the browser to %q", p.Location)
	}
	id, _ := strconv.Atoi(m[1])
	return id
}

// progress is the answer of a job's progress endpoint.
type progress struct {
	Status    string
	Running   bool
	RowsDone  int
	RowsTotal *int
	Text      string
}

// waitImport polls a job's progress, as the page's script does, until its
// step ends, and fails unless it ended in want.
func (b *browser) waitImport(id int, want importjob.Status) progress {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pr := b.progress(id)
		if pr.Text == "" {
			b.t.Errorf("progress without its text: %+v", pr)
		}
		if !pr.Running {
			if pr.Status != string(want) {
				b.t.Fatalf("job %d ended %s, want %s", id, pr.Status, want)
			}
			return pr
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("job %d still %s after 30s", id, pr.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// element returns the HTML of the element with the id, up to its closing
// tag, unescaped; "" when there is none.
func element(body, id, tag string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</"+tag+">")
	if j < 0 {
		return html.UnescapeString(body[i:])
	}
	return html.UnescapeString(body[i : i+j])
}

// households counts the households the codes name.
func households(t *testing.T, db *store.DB, codes ...string) int {
	t.Helper()
	n, err := db.LearningUnit.Query().Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD), learningunit.CodeIn(codes...)).Count(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportPages takes a commune's household list through the console as
// its OFFICER: upload, the check followed to its end, the report with the
// bad row named by row and column, an apply refused without "only the good
// rows", then applied with it; nobody else sees the job.
func TestImportPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		b := s.browser(t)
		b.signIn("officer")

		body := b.get("/admin/imports").expect(t, http.StatusOK, "imports").Body
		if !strings.Contains(body, `<option value="">Theo tên trang tính</option>`) || !strings.Contains(body, `value="households"`) ||
			!strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("the upload form:\n%s", text(body))
		}
		id := uploaded(t, b.upload(url.Values{"kind": {"households"}}, "thon1.csv", householdsCSV(true)))
		path := "/admin/imports/" + strconv.Itoa(id)
		body = b.get(path).expect(t, http.StatusOK, "job").Body
		if !strings.Contains(body, `data-status="CHECKING"`) && !strings.Contains(body, `data-status="CHECKED"`) {
			t.Fatalf("a job just uploaded:\n%s", text(body))
		}
		if pr := b.waitImport(id, importjob.StatusCHECKED); pr.RowsTotal == nil || *pr.RowsTotal != 3 {
			t.Errorf("checked: %+v, want 3 rows", pr)
		}

		body = b.get(path).expect(t, http.StatusOK, "report").Body
		if strings.Contains(body, `id="import-progress"`) {
			t.Error("a checked job still shows its progress")
		}
		totals := element(body, "import-totals", "table")
		if !strings.Contains(totals, `<td class="num">2</td>`) || !strings.Contains(totals, `<td class="num miss">1</td>`) {
			t.Errorf("totals (2 to create, 1 refused):\n%s", totals)
		}
		problems := element(body, "import-problems", "table")
		for _, want := range []string{`<td class="num">4</td>`, "<td>B (Thôn)</td>", "<td>Thôn Không Có</td>"} {
			if !strings.Contains(problems, want) {
				t.Errorf("the problems lack %s:\n%s", want, problems)
			}
		}
		if !strings.Contains(body, `id="f-skipRefused"`) || !strings.Contains(body, `id="apply-import"`) {
			t.Fatalf("no apply form with its box:\n%s", text(body))
		}
		if n := households(t, db, "K001", "K002", "K003"); n != 0 {
			t.Fatalf("the check wrote %d households", n)
		}
		// The report as a workbook: the refused row copied, its bad cell
		// marked with the message.
		if !strings.Contains(body, `id="import-report-xlsx"`) {
			t.Errorf("no link to the report workbook")
		}
		book := b.get(path+"/report.xlsx").expect(t, http.StatusOK, "report workbook")
		if ct := book.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
			t.Errorf("report workbook Content-Type %q", ct)
		}
		f, err := excelize.OpenReader(strings.NewReader(book.Body))
		if err != nil {
			t.Fatalf("report workbook: %v", err)
		}
		comments, _ := f.GetComments(f.GetSheetList()[1])
		if sheets := f.GetSheetList(); len(sheets) != 2 || len(comments) != 1 || !strings.Contains(comments[0].Text, "Thôn Không Có") {
			t.Errorf("report workbook: sheets %q, comments %+v", sheets, comments)
		}
		f.Close()

		// Another officer, or the manager above, does not find it.
		for _, who := range []string{"officer2", "manager"} {
			o := s.browser(t)
			o.signIn(who)
			o.get("/admin/imports")
			for _, p := range []string{path, path + "/progress"} {
				o.get(p).expect(t, http.StatusNotFound, who+": "+p)
			}
			o.post(path+"/apply", url.Values{"skipRefused": {"1"}}).expect(t, http.StatusNotFound, who+": apply")
			if strings.Contains(o.get("/admin/imports").Body, "thon1.csv") {
				t.Errorf("%s's list shows the officer's job", who)
			}
		}

		// A forged apply is refused before anything runs.
		b.postRaw(path+"/apply", url.Values{"csrf": {"forged"}, "skipRefused": {"1"}}).expect(t, http.StatusForbidden, "forged apply")
		// Without the box, the runner refuses a file with a refused row,
		// and the page says so beside the box.
		p := b.post(path+"/apply", nil).expect(t, http.StatusUnprocessableEntity, "apply without the box")
		if e := element(p.Body, "e-skipRefused", "p"); !strings.Contains(e, "không ghi cả tệp được") {
			t.Errorf("the refusal beside the box: %q\n%s", e, text(p.Body))
		}
		if n := households(t, db, "K001", "K002", "K003"); n != 0 {
			t.Fatalf("a refused apply wrote %d households", n)
		}

		p = b.post(path+"/apply", url.Values{"skipRefused": {"1"}}).expect(t, http.StatusSeeOther, "apply the good rows")
		if p.Location != path {
			t.Errorf("after applying, sent to %s", p.Location)
		}
		b.waitImport(id, importjob.StatusAPPLIED)
		body = b.get(path).expect(t, http.StatusOK, "result").Body
		if applied := element(body, "import-applied", "p"); !strings.Contains(applied, "tạo mới 2") || !strings.Contains(applied, "Bỏ qua 1 dòng") {
			t.Errorf("the result: %q\n%s", applied, text(body))
		}
		if strings.Contains(body, `id="apply-form"`) {
			t.Error("an applied job offers to apply it again")
		}
		if n := households(t, db, "K001", "K002"); n != 2 {
			t.Fatalf("%d of the 2 good households written", n)
		}
		if n := households(t, db, "K003"); n != 0 {
			t.Fatal("the refused household was written")
		}

		// Applied again (a second tab): refused, nothing more written.
		b.get(path)
		p = b.post(path+"/apply", url.Values{"skipRefused": {"1"}}).expect(t, http.StatusConflict, "apply again")
		if e := element(p.Body, "form-error", "div"); !strings.Contains(e, "APPLIED") {
			t.Errorf("applying again: %q", e)
		}
		if row := element(b.get("/admin/imports").Body, "import-"+strconv.Itoa(id), "tr"); !strings.Contains(row, "thon1.csv") || !strings.Contains(row, "Đã ghi") {
			t.Errorf("the list's row of the job: %q", row)
		}
	})
}

// TestImportUploadRefused: a form without a file, an unknown kind or a file
// too large is shown again with the error beside its field; a forged form
// and a role that may not import change nothing.
func TestImportUploadRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		const limit = 1 << 20
		s := newServerUpload(t, db, limit)
		jobs := func() int {
			n, err := db.ImportJob.Query().Count(systemCtx())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		b := s.browser(t)
		b.signIn("manager")
		for _, tc := range []struct {
			name   string
			fields url.Values
			file   []byte
			status int
			// field is the input the error is beside; "" for the error page.
			field, want string
		}{
			{"no file", url.Values{"kind": {""}}, nil, http.StatusUnprocessableEntity, "file", "Hãy chọn tệp"},
			{"unknown kind", url.Values{"kind": {"dogs"}}, householdsCSV(false), http.StatusUnprocessableEntity, "kind", "dogs"},
			{"too large", url.Values{"kind": {"households"}}, bytes.Repeat([]byte("x;"), limit/2+1), http.StatusUnprocessableEntity, "file", "quá lớn"},
			{"forged", url.Values{"kind": {"households"}, "csrf": {"forged"}}, householdsCSV(false), http.StatusForbidden, "", "Biểu mẫu đã hết hạn"},
			{"no token", url.Values{"kind": {"households"}, "csrf": {""}}, householdsCSV(false), http.StatusForbidden, "", "Biểu mẫu đã hết hạn"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := jobs()
				b.get("/admin/imports")
				name := "list.csv"
				if tc.file == nil {
					name = ""
				}
				p := b.upload(tc.fields, name, tc.file).expect(t, tc.status, tc.name)
				got := html.UnescapeString(p.Body)
				if tc.field != "" {
					got = element(p.Body, "e-"+tc.field, "p")
				}
				if !strings.Contains(got, tc.want) {
					t.Errorf("%q does not say %q\n%s", got, tc.want, text(p.Body))
				}
				if after := jobs(); after != before {
					t.Errorf("%d jobs made", after-before)
				}
			})
		}

		// A collaborator may not import: refused whatever way they come,
		// a bearer token included.
		login, err := s.auth.Login(systemCtx(), "collaborator", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		c := s.browser(t)
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req, _ := http.NewRequest(method, s.URL+"/admin/imports", bytes.NewReader(householdsCSV(false)))
			req.Header.Set("Authorization", "Bearer "+login.AccessToken)
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			if p := c.do(req); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Không thể vào trang quản trị") {
				t.Errorf("collaborator %s: %d\n%s", method, p.Status, text(p.Body))
			}
		}
		if n := jobs(); n != 0 {
			t.Errorf("%d jobs", n)
		}
	})
}

// TestImportFailed: a job that failed says why in the viewer's language.
func TestImportFailed(t *testing.T) {
	s := newServer(t, dbtest.Open(t))
	b := s.browser(t)
	b.signIn("officer")
	b.get("/admin/imports")
	id := uploaded(t, b.upload(url.Values{"kind": {"households"}}, "thon1.csv", householdsCSV(false)))
	b.waitImport(id, importjob.StatusCHECKED)
	// Checked and left: the file expires, as the server's upkeep does it.
	if _, err := s.imports.Prune(context.Background(), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	path := "/admin/imports/" + strconv.Itoa(id)
	if e := element(b.get(path).Body, "import-error", "div"); !strings.Contains(e, "hãy tải lại") {
		t.Errorf("the failure in Vietnamese: %q", e)
	}
	b.post("/admin/lang", url.Values{"lang": {"en"}, "next": {path}}).expect(t, http.StatusSeeOther, "english")
	body := b.get(path).Body
	if e := element(body, "import-error", "div"); !strings.Contains(e, "upload it again") {
		t.Errorf("the failure in English: %q", e)
	}
	if strings.Contains(body, `id="apply-form"`) {
		t.Error("a failed job offers to apply it")
	}
}

// TestImportRunning: a job's page while a step runs, as a browser without
// script gets it (it refreshes itself, and links itself), and the progress
// its script polls: a count alone until the check has counted the rows, a
// bar of them after.
func TestImportRunning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		b := s.browser(t)
		b.signIn("officer")
		total := 500
		for _, tc := range []struct {
			status     importjob.Status
			total      *int
			bar, count string
		}{
			{importjob.StatusCHECKING, nil, `<progress id="import-bar" class="bar" aria-describedby`, "Đã đọc 120 dòng"},
			{importjob.StatusAPPLYING, &total, `<progress id="import-bar" class="bar" max="500" value="120"`, "Đã xử lý 120/500 dòng"},
		} {
			t.Run(string(tc.status), func(t *testing.T) {
				// A step running elsewhere (another replica), as its row says.
				job, err := db.ImportJob.Create().SetFileName("thon1.csv").SetFileSize(100).SetSha256(strings.Repeat("0", 64)).
					SetKind("households").SetScopePath("/").SetCreatedByID(s.fx.Users["officer"].ID).
					SetStatus(tc.status).SetRowsDone(120).SetNillableRowsTotal(tc.total).Save(systemCtx())
				if err != nil {
					t.Fatal(err)
				}
				path := "/admin/imports/" + strconv.Itoa(job.ID)
				body := html.UnescapeString(b.get(path).expect(t, http.StatusOK, "job").Body)
				for _, want := range []string{`<noscript><meta http-equiv="refresh"`, tc.bar, `id="import-count" role="status" aria-live="polite">` + tc.count,
					`data-poll="` + path + `/progress"`, `href="` + path + `" id="import-reload"`} {
					if !strings.Contains(body, want) {
						t.Errorf("the page lacks %s:\n%s", want, element(body, "import-progress", "section"))
					}
				}
				if strings.Contains(body, `id="apply-form"`) {
					t.Error("a running job offers to apply it")
				}
				pr := b.progress(job.ID)
				if pr.Status != string(tc.status) || !pr.Running || pr.RowsDone != 120 || pr.Text != tc.count ||
					(tc.total == nil) != (pr.RowsTotal == nil) {
					t.Errorf("progress %+v", pr)
				}
			})
		}
	})
}

// progress reads a job's progress, as the page's script does.
func (b *browser) progress(id int) progress {
	b.t.Helper()
	p := b.get(fmt.Sprintf("/admin/imports/%d/progress", id)).expect(b.t, http.StatusOK, "progress")
	if ct := p.Header.Get("Content-Type"); ct != "application/json" {
		b.t.Fatalf("progress as %q", ct)
	}
	var pr progress
	if err := json.Unmarshal([]byte(p.Body), &pr); err != nil {
		b.t.Fatalf("progress %q: %v", p.Body, err)
	}
	return pr
}

// TestImportPasswords: the temporary passwords of the accounts a list
// created show once, on the uploader's POST, and never again.
func TestImportPasswords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		b := s.browser(t)
		b.signIn("manager")
		b.get("/admin/imports").expect(t, http.StatusOK, "imports")
		list := "Tên đăng nhập,Họ và tên,Vai trò,Xã/Phường\ncb.moi,Trần Văn Mới,Cán bộ,90101\n"
		id := uploaded(t, b.upload(url.Values{"kind": {"accounts"}}, "tai-khoan.csv", []byte(list)))
		path := "/admin/imports/" + strconv.Itoa(id)
		b.waitImport(id, importjob.StatusCHECKED)
		b.get(path).expect(t, http.StatusOK, "checked")
		b.post(path+"/apply", nil).expect(t, http.StatusSeeOther, "apply")
		b.waitImport(id, importjob.StatusAPPLIED)

		body := b.get(path).expect(t, http.StatusOK, "applied").Body
		if element(body, "passwords-form", "form") == "" {
			t.Fatalf("no way to the passwords:\n%s", text(body))
		}
		shown := b.post(path+"/passwords", nil).expect(t, http.StatusOK, "passwords")
		table := element(shown.Body, "import-passwords", "table")
		m := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(table)
		if !strings.Contains(table, "cb.moi") || m == nil {
			t.Fatalf("the passwords page:\n%s", text(shown.Body))
		}
		if cc := shown.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q: the passwords may be cached", cc)
		}
		// Shown once: the job page no longer offers them, a second POST
		// goes back to the job.
		if element(b.get(path).Body, "passwords-form", "form") != "" {
			t.Error("the passwords are offered again")
		}
		b.post(path+"/passwords", nil).expect(t, http.StatusSeeOther, "passwords again")
		// The password shown is the account's.
		if _, err := s.auth.Login(context.Background(), "cb.moi", m[1]); err != nil {
			t.Errorf("the password shown does not sign cb.moi in: %v", err)
		}
	})
}
