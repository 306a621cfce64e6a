package imports_test

import (
	"strings"
	"testing"

	"hoctap/ent/learningunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// householdsHeader is the households sheet as a commune's template writes it.
var householdsHeader = []any{"STT", "Mã hộ", "Xã", "Thôn", "Họ tên chủ hộ", "Địa chỉ", "Điện thoại", "Số nhân khẩu", "Số người lớn"}

// membersHeader is the members sheet.
var membersHeader = []any{"STT", "Mã hộ", "Thôn", "Họ tên", "Ngày sinh", "Quan hệ với chủ hộ"}

// villageWorkbook is a commune's workbook for Xã An Bình (C1 of the
// fixture): three households of Thôn 1 and Thôn 2, one already known by
// its head (fixture household 1 of V1a), and their members.
func villageWorkbook(t *testing.T) []byte {
	return xlsxFile(t, book{
		{name: "Hộ gia đình", rows: [][]any{
			{"DANH SÁCH HỘ GIA ĐÌNH XÃ AN BÌNH"},
			householdsHeader,
			{1, "H001", "Xã An Bình", "Thôn 1", "Trần Văn Hải", "Số 5, ngõ 2", "0912345678", 4, 2},
			{2, "H002", "An Bình", "90101.02", "Lê Thị Hoà", "Số 7", 987654321, 3, 2},
			{3, "", "xa an binh", "thon 1", "Nguyễn Văn 90101.01 1", "", "", 3, 2},
		}, merges: [][2]string{{"A1", "I1"}}},
		{name: "Thành viên", rows: [][]any{
			membersHeader,
			{1, "H001", "Thôn 1", "Trần Văn Hải", 1975, "Chủ hộ"},
			{2, "H001", "Thôn 1", "Phạm Thị Lan", "12/03/1978", "Vợ"},
			{3, "H002", "Thôn 2", "Lê Thị Hoà", 29221, "Chủ hộ"}, // 1/1/1980 as Excel's serial
		}},
		{name: "Hướng dẫn", rows: [][]any{{"Mỗi dòng một hộ; mã hộ không bắt buộc."}}},
		{name: "Sheet3", rows: [][]any{{"ghi nháp"}}},
	})
}

// TestCheckWritesNothing: a dry run reports what the file would do and
// leaves every table as it was.
func TestCheckWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		before := snapshot(t, db)
		rep := check(t, db, fx, "officer", villageWorkbook(t), imports.Options{FileName: "an-binh.xlsx"})
		if after := snapshot(t, db); after != before {
			t.Errorf("a dry run changed the database")
		}
		// Households: two new, one known by its head (its counts as the
		// fixture made them, but it gains nothing: unchanged). Members: three new.
		wantTotals(t, rep, imports.Totals{Create: 5, Unchanged: 1})
		if rep.Applied || rep.SHA256 == "" || len(rep.Sheets) != 2 {
			t.Errorf("report: applied %v, sha %q, sheets %+v", rep.Applied, rep.SHA256, rep.Sheets)
		}
		// The sheet of instructions is skipped without a word, another
		// sheet with one.
		var skipped []string
		for _, w := range rep.Warnings {
			if w.Row == 0 {
				skipped = append(skipped, w.Sheet)
			}
		}
		if len(skipped) != 1 || skipped[0] != "Sheet3" {
			t.Errorf("sheets warned as skipped: %q, want Sheet3", skipped)
		}
	})
}

// TestApplyTwice: applying creates the units with their codes, search keys
// and sort keys; applying the same file again creates and changes nothing.
func TestApplyTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := villageWorkbook(t)
		var done []int
		rep := mustApply(t, db, fx, "officer", file, imports.Options{FileName: "an-binh.xlsx", Progress: func(n int) { done = append(done, n) }})
		wantTotals(t, rep, imports.Totals{Create: 5, Unchanged: 1})
		if !rep.Applied {
			t.Error("not applied")
		}
		if len(done) != 2 || done[0] != 3 || done[1] != 6 {
			t.Errorf("progress told %v, want [3 6] (a chunk of each sheet)", done)
		}
		hh := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)
		hai := hh["Hộ Trần Văn Hải"]
		if hai == nil || hai.Code != "H001" || hai.HeadName != "Trần Văn Hải" || hai.Phone != "0912345678" ||
			hai.MemberCount != 4 || hai.AdultCount != 2 || hai.AdminPath != fx.V1a.Path || hai.NameKey == "" {
			t.Errorf("household H001 = %+v", hai)
		}
		hoa := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1b.ID)["Hộ Lê Thị Hoà"]
		if hoa == nil || hoa.Phone != "0987654321" {
			t.Errorf("household H002 = %+v (the phone lost its zero in Excel)", hoa)
		}
		members := unitsOf(t, db, learningunit.KindCITIZEN, fx.V1a.ID)
		lan := members["Phạm Thị Lan"]
		if lan == nil || lan.ParentID == nil || *lan.ParentID != hai.ID || lan.BirthYear == nil || *lan.BirthYear != 1978 {
			t.Errorf("member Phạm Thị Lan = %+v", lan)
		}
		if m := unitsOf(t, db, learningunit.KindCITIZEN, fx.V1b.ID)["Lê Thị Hoà"]; m == nil || m.BirthYear == nil || *m.BirthYear != 1980 {
			t.Errorf("member Lê Thị Hoà = %+v (born on Excel's serial 29221, 1/1/1980)", m)
		}

		before := snapshot(t, db)
		again := mustApply(t, db, fx, "officer", file, imports.Options{FileName: "an-binh.xlsx"})
		wantTotals(t, again, imports.Totals{Unchanged: 6})
		after := snapshot(t, db)
		// Only the second audit entry differs.
		if strip(after, "audit_logs") != strip(before, "audit_logs") {
			t.Errorf("the second apply changed the units")
		}
	})
}

// strip drops the lines of a table from a snapshot.
func strip(snap, table string) string {
	var keep []string
	for _, l := range strings.Split(snap, "\n") {
		if !strings.HasPrefix(l, table+" ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestBadRowRefusesFile: a file with a bad row changes nothing and says
// which row and column; skipping refused rows applies exactly the others.
func TestBadRowRefusesFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := xlsxFile(t, book{{name: "Hộ gia đình", rows: [][]any{
			householdsHeader,
			{1, "H001", "Xã An Bình", "Thôn 1", "Trần Văn Hải", "", "0912345678", 4, 2},
			{2, "H002", "Xã An Bình", "Thôn 1", "Đỗ Văn Bảy", "", "091-ABC", 3, 2},
			{3, "H003", "Xã An Bình", "Thôn 2", "Vũ Thị Tám", "", "", 2, 3},
		}}})
		before := snapshot(t, db)
		rep, err := apply(t, db, fx, "officer", file, imports.Options{})
		if err == nil {
			t.Fatal("a file with bad rows was applied")
		}
		for _, want := range []string{"Dòng 3", "cột G (Điện thoại)", "091-ABC"} {
			if msg := messageOf(err, i18n.VI); !strings.Contains(msg, want) {
				t.Errorf("error %q does not name %q", msg, want)
			}
		}
		if snapshot(t, db) != before {
			t.Error("a refused file changed the database")
		}
		if rep == nil || rep.Applied {
			t.Errorf("report of a refused file: %+v", rep)
		}

		rep = mustApply(t, db, fx, "officer", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 1, Refused: 2})
		hh := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)
		if hh["Hộ Trần Văn Hải"] == nil || hh["Hộ Đỗ Văn Bảy"] != nil {
			t.Errorf("households of Thôn 1 after skipping: %v", keysOf(hh))
		}
		if h := unitsOf(t, db, learningunit.KindHOUSEHOLD, fx.V1b.ID)["Hộ Vũ Thị Tám"]; h != nil {
			t.Error("a household with more adults than members was written")
		}
		var adults bool
		for _, p := range rep.Problems {
			if p.Row == 4 && p.Column == "I" {
				adults = true
			}
		}
		if !adults {
			t.Errorf("no problem on row 4, column I (Số người lớn):\n%s", problems(rep))
		}
	})
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
