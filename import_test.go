package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestImportCommand runs `hoctap import` on the fixture: a dry run
// reports without writing, a file with a bad row is refused whole (exit
// status 1) unless --skip-refused, and the report is in the language
// asked, with progress on stderr.
func TestImportCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		dir := t.TempDir()
		file := func(name, body string) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		const header = "Mã hộ;Thôn;Chủ hộ;Số nhân khẩu\n"
		good := header + "CLI01;Thôn 1;Lê Văn Một;3\nCLI02;Thôn 1;Lê Văn Hai;2\n"
		bad := file("bad.csv", good+"CLI03;Thôn Không Có;Lê Văn Ba;2\n")
		written := func() int {
			n, err := db.Client.LearningUnit.Query().
				Where(learningunit.AdminUnitID(fx.V1a.ID), learningunit.CodeIn("CLI01", "CLI02", "CLI03")).Count(sys)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := db.Client.User.UpdateOne(fx.Users["officer2"]).SetDisabled(true).Save(sys); err != nil {
			t.Fatal(err)
		}
		base := []string{"--db", db.DSN, "--kind", "households"}
		for _, tt := range []struct {
			name    string
			args    []string
			want    []string // in stdout
			stderr  string
			wantErr string
			written int // households CLI01–CLI03 afterwards
		}{
			{name: "dry run, english", args: []string{bad, "--dry-run", "--as", "officer", "--lang", "en"},
				want:   []string{"File bad.csv (CSV", "Sheet «CSV» (Households, header on row 1): 3 rows: create 2, update 0, unchanged 0, refused 1", "Problems (1):", "Row 4, column B (Thôn) «Thôn Không Có»", "Checked only (--dry-run)"},
				stderr: "3 rows", wantErr: "the file has 1 problems, so it would not be written"},
			{name: "dry run, vietnamese", args: []string{"--as", "officer", bad, "--dry-run"},
				want: []string{"Lỗi (1):", "Dòng 4", "Chỉ kiểm tra"}, stderr: "3 dòng", wantErr: "sẽ không được ghi"},
			{name: "dry run skipping", args: []string{bad, "--dry-run", "--skip-refused", "--as", "officer", "--lang", "en"},
				want: []string{"Total: create 2, update 0, unchanged 0, refused 1"}},
			{name: "refused whole", args: []string{bad, "--as", "officer", "--lang", "en"},
				want: []string{"Row 4", "Nothing written."}, wantErr: "nothing was written"},
			{name: "outside the scope", args: []string{file("an-binh.csv", "Mã hộ;Xã;Thôn;Chủ hộ;Số nhân khẩu\nCLI01;Xã An Bình;Thôn 1;Lê Văn Một;3\nCLI02;Xã An Bình;Thôn 1;Lê Văn Hai;2\n"), "--as", "officer4", "--lang", "en"},
				want: []string{"refused 2", "Nothing written."}, wantErr: "nothing was written"},
			{name: "not an importer", args: []string{bad, "--as", "collaborator", "--dry-run"}, wantErr: "import: "},
			{name: "unknown kind", args: []string{bad, "--as", "officer", "--kind", "dogs", "--lang", "en"}, wantErr: "--kind: Unknown kind of list «dogs»"},
			{name: "no account", args: []string{bad, "--dry-run"}, wantErr: "--as names the account"},
			{name: "unknown account", args: []string{bad, "--as", "nobody"}, wantErr: `--as: no account "nobody"`},
			{name: "disabled account", args: []string{bad, "--as", "officer2"}, wantErr: `the account "officer2" is disabled`},
			{name: "no file", args: []string{"--as", "officer"}, wantErr: "name one file"},
			{name: "two files", args: []string{bad, bad, "--as", "officer"}, wantErr: "name one file"},
			{name: "missing file", args: []string{filepath.Join(dir, "none.csv"), "--as", "officer"}, wantErr: "none.csv"},
			{name: "language", args: []string{bad, "--as", "officer", "--lang", "fr"}, wantErr: "--lang"},
			{name: "applied skipping", args: []string{bad, "--as", "officer", "--skip-refused", "--lang", "en"},
				want: []string{"create 2", "Written.", "Audit log: imported by officer"}, stderr: "3 rows", written: 2},
			{name: "again", args: []string{file("good.csv", good), "--as", "officer", "--lang", "en"},
				want: []string{"create 0, update 0, unchanged 2, refused 0", "Written."}, written: 2},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				err := runImportTo(context.Background(), append(append([]string{}, base...), tt.args...), func(string) string { return "" }, &out, &errOut)
				switch {
				case tt.wantErr == "" && err != nil:
					t.Fatalf("import: %v\n%s", err, out.String())
				case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
					t.Fatalf("import = %v, want an error with %q\n%s", err, tt.wantErr, out.String())
				}
				for _, w := range tt.want {
					if !strings.Contains(out.String(), w) {
						t.Errorf("output lacks %q:\n%s", w, out.String())
					}
				}
				if !strings.Contains(errOut.String(), tt.stderr) {
					t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut.String())
				}
				if n := written(); n != tt.written {
					t.Errorf("%d households written, want %d", n, tt.written)
				}
			})
		}
		// The apply is audited as the account named, from the command line.
		entries, err := db.Client.AuditLog.Query().Where(auditlog.Action("import.apply")).All(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].ActorName != "officer" || !strings.HasPrefix(entries[0].Address, "cli:") || entries[0].Details["file"] != "bad.csv" {
			t.Errorf("audit entries: %+v", entries)
		}
	})
}
