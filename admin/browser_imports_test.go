package admin_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"hoctap/ent/importjob"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
)

// householdsBook writes, in dir, a workbook of households of the officer's
// commune as a village sends it: a sheet of instructions, then the list,
// whose fifth row names a village the commune does not have.
func householdsBook(t *testing.T, dir string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := map[string][][]any{
		"Hướng dẫn": {{"Mỗi dòng là một hộ gia đình; cột Thôn/Tổ dân phố ghi tên thôn."}},
		"Hộ gia đình": {
			{"Mã hộ", "Thôn/Tổ dân phố", "Họ tên chủ hộ", "Số nhân khẩu", "Số người lớn"},
			{"X001", "Thôn 1", "Phan Văn An", 4, 2},
			{"X002", "Thôn 1", "Phan Thị Bình", 3, 2},
			{"X003", "Thôn 2", "Phan Văn Cường", 5, 3},
			{"X004", "Thôn Chín", "Phan Văn Dũng", 2, 2},
		},
	}
	for i, name := range []string{"Hướng dẫn", "Hộ gia đình"} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, "ho-gia-dinh-xa-an-binh.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// stepWait bounds a step that waits for a background job to show on the
// page: past it the test fails with the page as it is, well before the
// browser's own deadline.
const stepWait = 30 * time.Second

// await runs steps that wait for the page to change, within stepWait.
func (c *chrome) await(what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepWait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		c.fail(what, err)
	}
}

// TestBrowserImport drives Chromium through an import as a commune's
// OFFICER: choose a workbook of households with one bad row in the file
// input, upload it, let the page follow the check to its report, find the
// bad row named, see the apply button held until "only the good rows" is
// ticked, apply, and read the result once the page has followed the write.
// It waits for what the page shows, never for a time.
func TestBrowserImport(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	book := householdsBook(t, t.TempDir())
	c := newChrome(t, s.URL, 1366, 900)
	c.signIn("officer", fixture.Password)
	c.expectH1("Nhập danh sách")

	c.run("choose the file", visible("#import-form"), chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{book}))
	c.shot("import-form")
	// The job's page follows the check (its script polls the progress and
	// reloads when the status changes) until the report shows.
	c.await("upload", follow("#upload-import"), visible("#import-status"), visible("#import-problems"))
	if status := c.text("#import-status"); status != "Đã kiểm tra" {
		t.Fatalf("status %q after the check", status)
	}
	if bad := c.text("#import-problems tbody tr"); !strings.Contains(bad, "Hộ gia đình") || !strings.Contains(bad, "5") ||
		!strings.Contains(bad, "Thôn Chín") || !strings.Contains(bad, "Thôn/Tổ dân phố") {
		t.Fatalf("the bad row %q", bad)
	}
	if totals := c.text("#import-totals tbody"); !strings.Contains(totals, "4") {
		t.Errorf("the sheet's totals %q", totals)
	}
	if !eval[bool](c, `document.getElementById("apply-import").disabled`) {
		t.Error("the apply button is open before the box is ticked")
	}
	c.shot("import-report")

	c.run("only the good rows", click("#f-skipRefused"))
	if eval[bool](c, `document.getElementById("apply-import").disabled`) {
		t.Fatal("the apply button stays held with the box ticked")
	}
	c.await("apply", follow("#apply-import"), visible("#import-applied"))
	if status := c.text("#import-status"); status != "Đã ghi" {
		t.Errorf("status %q after applying", status)
	}
	if result := c.text("#import-applied"); !strings.Contains(result, "tạo mới 3") || !strings.Contains(result, "Bỏ qua 1 dòng") {
		t.Errorf("the result %q", result)
	}
	c.shot("import-applied")
	if n := households(t, db, "X001", "X002", "X003", "X004"); n != 3 {
		t.Fatalf("%d households written, want the 3 good ones", n)
	}

	c.run("the list", follow(`nav a[href="/admin/imports"]`), visible("#import-jobs"))
	if row := c.text("#import-jobs tbody tr"); !strings.Contains(row, "ho-gia-dinh-xa-an-binh.xlsx") || !strings.Contains(row, "Đã ghi") {
		t.Errorf("the list's row %q", row)
	}

	// A check running on another replica, whose progress only the database
	// holds: the page moves its count as the job's row does, and shows the
	// ending when the row has one.
	officer := s.fx.Users["officer"]
	job, err := db.ImportJob.Create().SetFileName("thon-2.csv").SetFileSize(2048).SetSha256(strings.Repeat("0", 64)).
		SetKind("households").SetScopePath("/").SetCreatedByID(officer.ID).SetRowsDone(120).Save(systemCtx())
	if err != nil {
		t.Fatal(err)
	}
	c.run("a check elsewhere", chromedp.Navigate(fmt.Sprintf("%s/admin/imports/%d", s.URL, job.ID)), visible("#import-progress"))
	if count := c.text("#import-count"); count != "Đã đọc 120 dòng" {
		t.Errorf("the count %q", count)
	}
	c.shot("import-checking")
	if err := db.ImportJob.UpdateOne(job).SetRowsDone(480).Exec(systemCtx()); err != nil {
		t.Fatal(err)
	}
	c.await("its progress", chromedp.Poll[chromedp.Void](`document.getElementById("import-count").textContent === "Đã đọc 480 dòng"`,
		chromedp.WithPollingMutation()))
	if err := db.ImportJob.UpdateOne(job).SetStatus(importjob.StatusFAILED).
		SetErrorVi("Máy chủ đã dừng giữa chừng; bước này không ghi gì. Hãy chạy lại.").SetErrorEn("The server stopped part way.").
		Exec(systemCtx()); err != nil {
		t.Fatal(err)
	}
	c.await("its ending", visible("#import-error"))
	if e := c.text("#import-error"); !strings.Contains(e, "Máy chủ đã dừng giữa chừng") {
		t.Errorf("the failure %q", e)
	}
}
