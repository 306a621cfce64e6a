package imports_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/user"
	"hoctap/internal/apperr"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// accountsHeader is the accounts sheet: A STT, B username, C name, D role,
// E province, F district, G commune, H village.
var accountsHeader = []any{"STT", "Tên đăng nhập", "Họ và tên", "Vai trò", "Tỉnh", "Huyện", "Xã/Phường", "Thôn/Tổ dân phố"}

// accountsFile is a province's list of accounts, rows 2 to 14.
func accountsFile(t *testing.T) []byte {
	return xlsxFile(t, book{{name: "Tài khoản", rows: [][]any{
		accountsHeader,
		{1, "cb.anbinh", "Trần Văn An", "Cán bộ", "", "", "90101", ""},            // 2: new officer of C1
		{2, " CTV.Thon1 ", "Lê Thị Bình", "CTV", "", "", "Xã An Bình", "Thôn 1"},  // 3: new collaborator of V1a
		{3, "ql.mot", "Phạm Văn Cường", "Quản lý", "90", "", "", ""},              // 4: a manager's peer
		{4, "cb.minhhai", "Đỗ Thị Dung", "cán bộ", "", "", "91101", ""},           // 5: C4, province P2
		{5, "officer", "Nguyễn Văn Em", "OFFICER", "", "", "Xã An Bình", ""},      // 6: renamed
		{6, "Bad Name!", "Hoàng Văn Gia", "Cán bộ", "", "", "90101", ""},          // 7: not a username
		{7, "viewer", "Người dùng viewer", "Người xem", "", "Huyện Đông", "", ""}, // 8: as it is
		{8, "manager2", "Người dùng manager2", "Cán bộ", "", "", "90101", ""},     // 9: P2's manager
		{9, "cd.moi", "Vũ Thị Hà", "Công dân", "", "", "", "90101.01"},            // 10: no citizen record
		{10, "cb.anbinh", "Trần Văn An", "Cán bộ", "", "", "90101", ""},           // 11: repeat of row 2
		{11, "xyz", "Lý Văn Ích", "Giám đốc", "", "", "90101", ""},                // 12: no such role
		{12, "manager", "Người dùng manager", "Cán bộ", "90", "", "", ""},         // 13: their own role
		{13, "khong.pham.vi", "Mai Văn Khánh", "Cộng tác viên", "", "", "", ""},   // 14: no scope
	}}})
}

// TestAccounts: who may import which accounts, row by row, by the rules
// of internal/users; what an Apply writes, and that the same file again
// changes nothing.
func TestAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		file := accountsFile(t)
		// refused is where each row is refused: its column and words.
		type refusal struct{ col, msg string }
		notYours := refusal{"", "không tạo hay sửa được tài khoản"}
		cases := []struct {
			user    string
			totals  imports.Totals
			refused map[int]refusal
		}{
			{"manager", imports.Totals{Create: 2, Update: 1, Unchanged: 1, Refused: 9}, map[int]refusal{
				4: {"D", "không thể cấp vai trò cán bộ quản lý"}, 5: {"G", "(mã 91101) nằm ngoài phạm vi"},
				7: {"B", "Tên đăng nhập gồm"}, 9: {"B", "không do bạn quản lý"}, 10: {"D", "cần gắn với hồ sơ công dân"},
				11: {"B", "đã có ở dòng 2"}, 12: {"D", "Không rõ vai trò"}, 13: {"D", "chính mình"}, 14: {"G", "Cần ghi đơn vị phụ trách"}}},
			{"admin", imports.Totals{Create: 4, Update: 3, Unchanged: 1, Refused: 5}, map[int]refusal{
				7: {"B", "Tên đăng nhập gồm"}, 10: {"D", "cần gắn với hồ sơ công dân"},
				11: {"B", "đã có ở dòng 2"}, 12: {"D", "Không rõ vai trò"}, 14: {"G", "Cần ghi đơn vị phụ trách"}}},
			{"officer", imports.Totals{Refused: 13}, map[int]refusal{
				2: notYours, 3: notYours, 4: notYours, 5: notYours, 6: notYours, 7: {"B", "Tên đăng nhập gồm"}, 8: notYours,
				9: notYours, 10: notYours, 11: notYours, 12: {"D", "Không rõ vai trò"}, 13: notYours, 14: {"G", "Cần ghi đơn vị phụ trách"}}},
		}
		for _, tc := range cases {
			t.Run(tc.user, func(t *testing.T) {
				rep := check(t, db, fx, tc.user, file, imports.Options{})
				wantTotals(t, rep, tc.totals)
				got := map[int]imports.Problem{}
				for _, p := range rep.Problems {
					if _, dup := got[p.Row]; dup {
						t.Errorf("row %d refused twice: %s", p.Row, p.Message(i18n.VI))
					}
					got[p.Row] = p
				}
				for row, want := range tc.refused {
					p, ok := got[row]
					if !ok {
						t.Errorf("row %d: not refused, want %q", row, want.msg)
						continue
					}
					if msg := p.Message(i18n.VI); p.Column != want.col || !strings.Contains(msg, want.msg) {
						t.Errorf("row %d: column %q, %q; want column %q, %q", row, p.Column, msg, want.col, want.msg)
					}
				}
				if len(got) != len(tc.refused) {
					t.Errorf("refused rows %d, want %d:\n%s", len(got), len(tc.refused), problems(rep))
				}
				if len(rep.Accounts) > 0 {
					t.Errorf("a dry run made passwords: %v", rep.Accounts)
				}
			})
		}

		// All or nothing: the manager's file is refused whole, and hands
		// out no password.
		before := db.Client.User.Query().CountX(system)
		rep, err := apply(t, db, fx, "manager", file, imports.Options{})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput {
			t.Fatalf("apply of a file with refused rows: %v, want BAD_USER_INPUT", err)
		}
		if n := db.Client.User.Query().CountX(system); n != before || len(rep.Accounts) > 0 {
			t.Errorf("a refused file wrote %d accounts, reported %d", n-before, len(rep.Accounts))
		}

		// The good rows, skipping the others.
		rep = mustApply(t, db, fx, "manager", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Create: 2, Update: 1, Unchanged: 1, Refused: 9})
		if len(rep.Accounts) != 2 {
			t.Fatalf("new accounts reported: %+v, want 2", rep.Accounts)
		}
		want := map[string]struct {
			row   int
			role  viewer.Role
			scope int
		}{"cb.anbinh": {2, viewer.RoleOfficer, fx.C1.ID}, "ctv.thon1": {3, viewer.RoleCollaborator, fx.V1a.ID}}
		for _, na := range rep.Accounts {
			w, ok := want[na.Username]
			if !ok || na.Row != w.row {
				t.Errorf("new account %s on row %d, want one of %v", na.Username, na.Row, want)
				continue
			}
			u := db.Client.User.Query().Where(user.Username(na.Username)).OnlyX(system)
			if u.Role != w.role || u.ScopeID != w.scope || u.ScopePath == "" || !u.MustChangePassword {
				t.Errorf("%s: role %s, scope %d (%q), must change %v", u.Username, u.Role, u.ScopeID, u.ScopePath, u.MustChangePassword)
			}
			if ok, err := auth.VerifyPassword(context.Background(), u.PasswordHash, na.TemporaryPassword); !ok || err != nil {
				t.Errorf("%s: the temporary password does not sign in (%v)", u.Username, err)
			}
			if auth.CheckPassword("password", na.TemporaryPassword, na.Username) != nil {
				t.Errorf("%s: the temporary password breaks the policy", u.Username)
			}
		}
		if u := db.Client.User.Query().Where(user.Username("officer")).OnlyX(system); u.FullName != "Nguyễn Văn Em" || u.Version != fx.Users["officer"].Version+1 {
			t.Errorf("officer: %q version %d, want renamed", u.FullName, u.Version)
		}
		// The audit names the accounts, never a password.
		entry := db.Client.AuditLog.Query().Where(auditlog.Action("import.apply")).OnlyX(system)
		details := fmt.Sprint(entry.Details)
		for _, na := range rep.Accounts {
			if strings.Contains(details, na.TemporaryPassword) {
				t.Errorf("the audit holds a temporary password: %s", details)
			}
		}
		if !strings.Contains(details, "cb.anbinh") || !strings.Contains(details, "officer") {
			t.Errorf("the audit does not name the accounts: %s", details)
		}

		// The same file again: nothing to create or change.
		rep = mustApply(t, db, fx, "manager", file, imports.Options{SkipRefused: true})
		wantTotals(t, rep, imports.Totals{Unchanged: 4, Refused: 9})
		if len(rep.Accounts) > 0 {
			t.Errorf("a second import made accounts: %+v", rep.Accounts)
		}
	})
}
