package graph_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/ent/importjob"
	"hoctap/ent/learningunit"
	"hoctap/graph"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/middleware"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

const (
	checkImportM = `mutation($in: CheckImportInput!) { checkImport(input: $in) { importJob { id status fileName kind } } }`
	applyImportM = `mutation($in: ApplyImportInput!) { applyImport(input: $in) { importJob { id status skipRefused } } }`
	importJobQ   = `query($id: ID!) { node(id: $id) { ... on ImportJob {
		id status rowsDone rowsTotal error fileName fileSize sha256
		report { format sha256 errorCount warningCount applied
			totals { create update unchanged refused }
			sheets { sheet kind headerRow rows totals { create update unchanged refused } }
			problems { sheet row column header value message }
			warnings { message } } } } }`
)

type importTotals struct{ Create, Update, Unchanged, Refused int }

type importJobAnswer struct {
	ID, Status, FileName, Sha256 string
	RowsDone                     int
	RowsTotal                    *int
	FileSize                     int
	Error                        *string
	Report                       *struct {
		Format, Sha256           string
		ErrorCount, WarningCount int
		Applied                  bool
		Totals                   importTotals
		Sheets                   []struct {
			Sheet, Kind string
			HeaderRow   *int
			Rows        int
			Totals      importTotals
		}
		Problems []struct {
			Sheet, Column, Header, Value *string
			Row                          *int
			Message                      string
		}
		Warnings []struct{ Message string }
	}
}

// householdsCSV is a semicolon CSV of households of the fixture's Thôn 1
// of Xã An Bình; with bad, its row 4 names a village that does not exist.
func householdsCSV(bad bool) []byte {
	var b strings.Builder
	b.WriteString("Mã hộ;Thôn;Chủ hộ;Số nhân khẩu\n")
	b.WriteString("API01;Thôn 1;Ngô Văn Một;3\n")
	b.WriteString("API02;Thôn 1;Ngô Văn Hai;2\n")
	if bad {
		b.WriteString("API03;Thôn Không Có;Ngô Văn Ba;2\n")
	}
	return []byte(b.String())
}

// householdsXLSX is a workbook of n households of Thôn 1 on a sheet named
// as the template names it, so that the sheet's name tells its kind.
func householdsXLSX(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Hộ gia đình"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"Mã hộ", "Thôn", "Chủ hộ", "Số nhân khẩu", "Địa chỉ"}}
	for i := range n {
		rows = append(rows, []any{fmt.Sprintf("X%05d", i), "Thôn 1", fmt.Sprintf("Trần Thị %d", i), 1 + i%6, fmt.Sprintf("Xóm %d, ngõ %d, số nhà %d", i%17, i%101, i)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Hộ gia đình", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// job reads an import job by node(id:) as user, in lang.
func (a *api) job(user, id, lang string) (*importJobAnswer, response) {
	a.t.Helper()
	r := a.exec(a.fx.Viewer(user), "", importJobQ, map[string]any{"id": id}, http.Header{"Accept-Language": {lang}})
	var got struct{ Node *importJobAnswer }
	r.decode(a.t, &got)
	return got.Node, r
}

// waitJob polls an import job until its step ends.
func (a *api) waitJob(user, id string) *importJobAnswer {
	a.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		j, _ := a.job(user, id, "vi")
		if j == nil {
			a.t.Fatalf("job %s: not found by %s", id, user)
		}
		if j.Status != "CHECKING" && j.Status != "APPLYING" {
			return j
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("job %s still %s", id, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (a *api) checkImport(user, name, kind string, body []byte) (string, response) {
	a.t.Helper()
	in := map[string]any{"file": nil}
	if kind != "" {
		in["kind"] = kind
	}
	r := a.upload(user, nil, checkImportM, map[string]any{"in": in}, map[string]uploadFile{"in.file": {name, body}})
	if len(r.Errors) > 0 {
		return "", r
	}
	var got struct {
		CheckImport struct {
			ImportJob struct{ ID, Status, FileName string }
		}
	}
	r.decode(a.t, &got)
	if j := got.CheckImport.ImportJob; j.Status != "CHECKING" || j.FileName != name {
		a.t.Errorf("checkImport answered %+v, want the job CHECKING", j)
	}
	return got.CheckImport.ImportJob.ID, r
}

func (a *api) applyImport(user, id string, skip bool) response {
	a.t.Helper()
	return a.as(user, applyImportM, map[string]any{"in": map[string]any{"importJobID": id, "skipRefused": skip}})
}

func households(t *testing.T, db *store.DB, village int, codes ...string) int {
	t.Helper()
	n, err := db.Client.LearningUnit.Query().
		Where(learningunit.KindEQ(learningunit.KindHOUSEHOLD), learningunit.AdminUnitID(village), learningunit.CodeIn(codes...)).
		Count(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportCSVByAPI: an OFFICER uploads a CSV with a bad row; the check
// names it by row and column in either language and writes nothing; the
// file is refused whole, then applied skipping the bad row; nobody else
// reads the job.
func TestImportCSVByAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		id, r := a.checkImport("officer", "thon1.csv", "households", householdsCSV(true))
		if id == "" {
			t.Fatalf("checkImport: %+v", r.Errors)
		}
		j := a.waitJob("officer", id)
		if j.Status != "CHECKED" || j.Report == nil {
			t.Fatalf("checked job: %s, error %v", j.Status, j.Error)
		}
		rep := j.Report
		if rep.Format != "CSV" || rep.Totals != (importTotals{Create: 2, Refused: 1}) || rep.ErrorCount != 1 || len(rep.Problems) != 1 ||
			j.RowsTotal == nil || *j.RowsTotal != 3 || j.RowsDone != 3 || rep.Applied || rep.Sha256 != j.Sha256 {
			t.Fatalf("report: %+v, rows %d/%v", rep, j.RowsDone, j.RowsTotal)
		}
		if s := rep.Sheets; len(s) != 1 || s[0].Kind != "households" || s[0].Rows != 3 || s[0].HeaderRow == nil || *s[0].HeaderRow != 1 {
			t.Errorf("sheets: %+v", s)
		}
		p := rep.Problems[0]
		if p.Row == nil || *p.Row != 4 || p.Column == nil || *p.Column != "B" || p.Header == nil || *p.Header != "Thôn" ||
			p.Value == nil || *p.Value != "Thôn Không Có" || !strings.Contains(p.Message, "Dòng 4") {
			t.Errorf("problem in Vietnamese: %+v (%s)", p, p.Message)
		}
		if en, _ := a.job("officer", id, "en"); en == nil || len(en.Report.Problems) != 1 || !strings.Contains(en.Report.Problems[0].Message, "Row 4") {
			t.Errorf("problem in English: %+v", en)
		}
		if n := households(t, db, fx.V1a.ID, "API01", "API02", "API03"); n != 0 {
			t.Fatalf("the check wrote %d households", n)
		}

		// Nobody else reads the job or applies it; an ADMIN reads it.
		for _, who := range []string{"manager", "officer2", "collaborator"} {
			if j, r := a.job(who, id, "vi"); j != nil || len(r.Errors) > 0 {
				t.Errorf("%s reads the officer's job: %+v %+v", who, j, r.Errors)
			}
		}
		if j, _ := a.job("admin", id, "vi"); j == nil || j.Status != "CHECKED" {
			t.Errorf("admin reads %+v", j)
		}
		for who, code := range map[string]string{"officer2": "NOT_FOUND", "collaborator": "FORBIDDEN"} {
			if r := a.applyImport(who, id, true); r.code() != code {
				t.Errorf("%s applies the officer's job: %+v, want %s", who, r.Errors, code)
			}
		}

		// Whole, the file is refused: it has a refused row.
		if r := a.applyImport("officer", id, false); r.code() != "BAD_USER_INPUT" || r.field() != "skipRefused" {
			t.Fatalf("apply whole: %+v", r.Errors)
		}
		r = a.applyImport("officer", id, true)
		var applied struct {
			ApplyImport struct{ ImportJob struct{ Status string } }
		}
		r.decode(t, &applied)
		if applied.ApplyImport.ImportJob.Status != "APPLYING" {
			t.Errorf("applyImport answered %s, want APPLYING", applied.ApplyImport.ImportJob.Status)
		}
		j = a.waitJob("officer", id)
		if j.Status != "APPLIED" || !j.Report.Applied || j.Report.Totals.Create != 2 || j.Error != nil {
			t.Fatalf("applied job: %s %v %+v", j.Status, j.Error, j.Report)
		}
		if n := households(t, db, fx.V1a.ID, "API01", "API02", "API03"); n != 2 {
			t.Errorf("%d of the 2 good households written", n)
		}
		// Once.
		if r := a.applyImport("officer", id, true); r.code() != "CONFLICT" {
			t.Errorf("second apply: %+v", r.Errors)
		}
	})
}

// TestImportXLSXByAPI: a workbook larger than what is kept in memory,
// whose sheet's name tells its kind, is checked and applied whole; the
// same file again creates nothing.
func TestImportXLSXByAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		const n = 3000
		book := householdsXLSX(t, n)
		if len(book) < 64<<10 {
			t.Fatalf("the workbook is %d bytes: too small to be spooled to disk", len(book))
		}
		for i, want := range []importTotals{{Create: n}, {Unchanged: n}} {
			id, r := a.checkImport("officer", "thon1.xlsx", "", book)
			if id == "" {
				t.Fatalf("checkImport: %+v", r.Errors)
			}
			j := a.waitJob("officer", id)
			if j.Status != "CHECKED" || j.Report.Format != "XLSX" || j.Report.Totals != want || j.FileSize != len(book) {
				t.Fatalf("upload %d: %s %v, %+v", i+1, j.Status, j.Error, j.Report)
			}
			if r := a.applyImport("officer", id, false); len(r.Errors) > 0 {
				t.Fatalf("apply: %+v", r.Errors)
			}
			if j := a.waitJob("officer", id); j.Status != "APPLIED" || j.Report.Totals != want {
				t.Fatalf("applied %d: %s %v %+v", i+1, j.Status, j.Error, j.Report)
			}
		}
		if got := households(t, db, fx.V1a.ID, "X00000", fmt.Sprintf("X%05d", n-1)); got != 2 {
			t.Errorf("first and last households: %d of 2", got)
		}
	})
}

// TestImportRefusedByAPI: who may not import, an unknown kind, a file over
// --max-upload (announced or not), a malformed multipart request, and a JSON
// body over --max-body, which uploads do not lift.
func TestImportRefusedByAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		const maxUpload = 2 << 10
		a := newAPIWith(t, db, fx, nil, graph.Options{MaxUpload: maxUpload})
		big := householdsCSV(false)
		for len(big) <= maxUpload {
			big = append(big, householdsCSV(false)[len("Mã hộ;Thôn;Chủ hộ;Số nhân khẩu\n"):]...)
		}
		vars := map[string]any{"in": map[string]any{"file": nil, "kind": "households"}}
		file := func(b []byte) map[string]uploadFile { return map[string]uploadFile{"in.file": {"x.csv", b}} }
		cases := []struct {
			name, user  string
			vars        map[string]any
			files       map[string]uploadFile
			code, field string
			status      int
		}{
			{"anonymous", "", vars, file(householdsCSV(false)), "UNAUTHENTICATED", "", 200},
			{"collaborator", "collaborator", vars, file(householdsCSV(false)), "FORBIDDEN", "", 200},
			{"citizen", "citizen", vars, file(householdsCSV(false)), "FORBIDDEN", "", 200},
			{"unknown kind", "officer", map[string]any{"in": map[string]any{"file": nil, "kind": "dogs"}}, file(householdsCSV(false)), "BAD_USER_INPUT", "kind", 200},
			{"empty file", "officer", vars, file(nil), "BAD_USER_INPUT", "file", 200},
			{"too large", "officer", vars, file(big), "BAD_USER_INPUT", "file", http.StatusRequestEntityTooLarge},
			// A null file is a variable of the wrong type: gqlgen names the
			// argument it feeds.
			{"no file", "officer", vars, nil, "BAD_USER_INPUT", "input", 200},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.upload(c.user, nil, checkImportM, c.vars, c.files)
				if r.code() != c.code || r.field() != c.field || r.Status != c.status {
					t.Errorf("%d %+v, want %d %s on %q", r.Status, r.Errors, c.status, c.code, c.field)
				}
			})
		}
		if r := a.upload("officer", nil, checkImportM, vars, file(big)); !strings.Contains(r.Errors[0].Message, "2 KiB") {
			t.Errorf("too large says %q, want the limit", r.Errors[0].Message)
		}

		// A body whose length is not announced is refused as it arrives.
		body, ct := multipartBody(checkImportM, vars, file(big))
		req := httptest.NewRequest(http.MethodPost, "/query", io.MultiReader(body))
		req.Header.Set("Content-Type", ct)
		if r := a.serve(fx.Viewer("officer"), req); r.code() != "BAD_USER_INPUT" || r.field() != "file" || r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("streamed too large: %d %+v", r.Status, r.Errors)
		}

		// The map must fit the operation and the files sent.
		for name, m := range map[string]string{
			"unknown path": `{"0": ["variables.in.nothing.file"]}`,
			"no file":      `{"0": ["variables.in.file"], "1": ["variables.in.kind"]}`,
			"not JSON":     `{"0": `,
		} {
			var b strings.Builder
			fmt.Fprintf(&b, "--B\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\": %q, \"variables\": {\"in\": {\"file\": null}}}\r\n", checkImportM)
			fmt.Fprintf(&b, "--B\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n%s\r\n", m)
			b.WriteString("--B\r\nContent-Disposition: form-data; name=\"0\"; filename=\"x.csv\"\r\n\r\nMã hộ;Thôn\r\n--B--\r\n")
			req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(b.String()))
			req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
			if r := a.serve(fx.Viewer("officer"), req); r.code() != "BAD_USER_INPUT" || r.field() != "map" || r.Status != http.StatusBadRequest {
				t.Errorf("%s: %d %+v", name, r.Status, r.Errors)
			}
		}

		// JSON bodies keep --max-body (1 MiB by default).
		huge := `{ me { id } }` + strings.Repeat(" ", 2<<20)
		if r := a.as("officer", huge, nil); r.code() != "QUERY_TOO_COMPLEX" || r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("huge JSON body: %d %+v", r.Status, r.Errors)
		}
		if n, _ := db.Client.ImportJob.Query().Count(systemCtx()); n != 0 {
			t.Errorf("refused uploads left %d jobs", n)
		}
	})
}

// TestImportKinds lists the kinds in the request's language, to importers
// only.
func TestImportKinds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		const q = `{ importKinds { id name sheet } }`
		r := a.exec(fx.Viewer("officer"), "", q, nil, http.Header{"Accept-Language": {"en"}})
		var got struct {
			ImportKinds []struct{ ID, Name, Sheet string }
		}
		r.decode(t, &got)
		found := false
		for _, k := range got.ImportKinds {
			found = found || k == struct{ ID, Name, Sheet string }{"households", "Households", "Hộ gia đình"}
		}
		if len(got.ImportKinds) < 4 || !found {
			t.Errorf("importKinds: %+v", got.ImportKinds)
		}
		if r := a.as("viewer", q, nil); r.code() != "FORBIDDEN" {
			t.Errorf("viewer: %+v", r.Errors)
		}
	})
}

// TestImportJobAbandonedByAPI: a job whose replica died mid-step reads as
// FAILED, saying why, in every field at once (they are the runner's view
// of the row, not the row).
func TestImportJobAbandonedByAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		id, r := a.checkImport("officer", "thon1.csv", "households", householdsCSV(false))
		if id == "" {
			t.Fatalf("checkImport: %+v", r.Errors)
		}
		a.waitJob("officer", id)
		jobID, _ := strconv.Atoi(id)
		old := time.Now().Add(-time.Hour).UTC()
		if err := db.Client.ImportJob.UpdateOneID(jobID).SetStatus(importjob.StatusAPPLYING).SetRowsDone(1).SetUpdatedAt(old).Exec(systemCtx()); err != nil {
			t.Fatal(err)
		}
		j, _ := a.job("officer", id, "en")
		if j.Status != "FAILED" || j.Error == nil || !strings.Contains(*j.Error, "server stopped") {
			t.Errorf("abandoned job reads %s, %v", j.Status, j.Error)
		}
	})
}

// TestSlowUpload: a list that takes longer to arrive than the server's
// read timeout and the request's deadline allow is still taken, and its
// operation still has time to store it.
func TestSlowUpload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		const limit = 500 * time.Millisecond
		officer := fx.Viewer("officer")
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			middleware.Deadline(limit, time.Minute, graph.IsUpload)(a.h).ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), officer)))
		}))
		srv.Config.ReadTimeout, srv.Config.WriteTimeout = limit, limit
		srv.Start()
		defer srv.Close()

		body, ct := multipartBody(checkImportM, map[string]any{"in": map[string]any{"file": nil, "kind": "households"}},
			map[string]uploadFile{"in.file": {"thon1.csv", householdsCSV(false)}})
		pr, pw := io.Pipe()
		go func() {
			// Four times the limits, a piece at a time.
			for piece := range slices.Chunk(body.Bytes(), body.Len()/8+1) {
				time.Sleep(limit / 2)
				pw.Write(piece)
			}
			pw.Close()
		}()
		res, err := http.Post(srv.URL+"/query", ct, pr)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var got struct {
			Data struct {
				CheckImport struct{ ImportJob struct{ ID, Status string } }
			}
			Errors []gqlError
		}
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != http.StatusOK || len(got.Errors) > 0 {
			t.Fatalf("slow upload: %d %v %+v", res.StatusCode, err, got.Errors)
		}
		if j := a.waitJob("officer", got.Data.CheckImport.ImportJob.ID); j.Status != "CHECKED" || j.Report.Totals.Create != 2 {
			t.Errorf("slow upload checked: %s %+v", j.Status, j.Report)
		}
	})
}

// TestImportPasswordsByAPI: the uploader of a list of accounts takes
// their temporary passwords once; an ADMIN reading the job does not.
func TestImportPasswordsByAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		a := newAPI(t, db, fx)
		list := "Tên đăng nhập,Họ và tên,Vai trò,Xã/Phường\ncb.api,Trần Văn Api,Cán bộ,90101\n"
		id, r := a.checkImport("manager", "tai-khoan.csv", "accounts", []byte(list))
		if id == "" {
			t.Fatalf("checkImport: %+v", r.Errors)
		}
		a.waitJob("manager", id)
		if r := a.applyImport("manager", id, false); len(r.Errors) > 0 {
			t.Fatalf("applyImport: %+v", r.Errors)
		}
		a.waitJob("manager", id)
		waiting := func(user string) int {
			var got struct {
				Node *struct{ PasswordsWaiting int }
			}
			a.as(user, `query($id: ID!) { node(id: $id) { ... on ImportJob { passwordsWaiting } } }`, map[string]any{"id": id}).decode(t, &got)
			return got.Node.PasswordsWaiting
		}
		if n := waiting("manager"); n != 1 {
			t.Fatalf("passwordsWaiting = %d, want 1", n)
		}
		const take = `mutation($in: TakeImportPasswordsInput!) { takeImportPasswords(input: $in) { accounts { row username temporaryPassword } } }`
		in := map[string]any{"in": map[string]any{"importJobID": id}}
		if r := a.as("admin", take, in); r.code() != "NOT_FOUND" {
			t.Errorf("an admin took the passwords: %+v", r.Errors)
		}
		type taken struct {
			TakeImportPasswords struct {
				Accounts []struct {
					Row                         int
					Username, TemporaryPassword string
				}
			}
		}
		var got taken
		a.as("manager", take, in).decode(t, &got)
		if acc := got.TakeImportPasswords.Accounts; len(acc) != 1 || acc[0].Username != "cb.api" || acc[0].Row != 2 || acc[0].TemporaryPassword == "" {
			t.Fatalf("taken: %+v", acc)
		}
		var again taken
		a.as("manager", take, in).decode(t, &again)
		if len(again.TakeImportPasswords.Accounts) != 0 || waiting("manager") != 0 {
			t.Errorf("taken twice: %+v", again)
		}
	})
}
