package importjob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/importchunk"
	"hoctap/ent/importjob"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	importjobs "hoctap/internal/importjob"
	"hoctap/internal/store"
)

var system = privacy.DecisionContext(context.Background(), privacy.Allow)

// households is a CSV of households in the fixture's village Thôn 1 of
// Xã An Bình, with bad rows when bad.
func households(bad bool) []byte {
	var b strings.Builder
	b.WriteString("Mã hộ;Thôn;Chủ hộ;Số nhân khẩu\n")
	b.WriteString("J001;Thôn 1;Ngô Văn Một;3\n")
	b.WriteString("J002;Thôn 1;Ngô Văn Hai;2\n")
	if bad {
		b.WriteString("J003;Thôn Không Có;Ngô Văn Ba;2\n")
	}
	return []byte(b.String())
}

// wait polls a job until it leaves its running status.
func wait(t *testing.T, r *importjobs.Runner, ctx context.Context, id int) *importjobs.Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, err := r.Get(ctx, id)
		if err != nil {
			t.Fatalf("get job %d: %v", id, err)
		}
		if j.Status != importjob.StatusCHECKING && j.Status != importjob.StatusAPPLYING {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s", id, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newRunner(t *testing.T, db *store.DB) *importjobs.Runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := importjobs.New(ctx, db.Client, db.Dialect, slog.New(slog.DiscardHandler), importjobs.Options{TmpDir: t.TempDir()})
	t.Cleanup(func() { cancel(); r.Wait() })
	return r
}

func count(t *testing.T, db *store.DB, kind learningunit.Kind, adminUnit int) int {
	t.Helper()
	n, err := db.Client.LearningUnit.Query().Where(learningunit.KindEQ(kind), learningunit.AdminUnitID(adminUnit)).Count(system)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCheckThenApply: an upload is checked without writing, applied once,
// and read only by its uploader.
func TestCheckThenApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		officer := fx.As(context.Background(), "officer")
		before := count(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)

		up, err := r.Upload(officer, bytes.NewReader(households(false)), "thon1.csv", "households")
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(households(false))
		if up.Sha256 != hex.EncodeToString(sum[:]) || up.FileSize != int64(len(households(false))) {
			t.Errorf("upload: sha %s size %d", up.Sha256, up.FileSize)
		}
		j := wait(t, r, officer, up.ID)
		if j.Status != importjob.StatusCHECKED || j.Report == nil || j.Report.Totals.Create != 2 || j.RowsTotal == nil || *j.RowsTotal != 2 {
			t.Fatalf("checked job: status %s, error %q, report %+v", j.Status, j.ErrorVi, j.Report)
		}
		if n := count(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID); n != before {
			t.Errorf("the check wrote %d households", n-before)
		}

		// Nobody else reads it, not even the manager above.
		for _, who := range []string{"manager", "collaborator"} {
			if _, err := r.Get(fx.As(context.Background(), who), up.ID); !ent.IsNotFound(err) {
				t.Errorf("%s reads the officer's job: %v", who, err)
			}
			if _, err := r.Apply(fx.As(context.Background(), who), up.ID, false); err == nil {
				t.Errorf("%s applied the officer's job", who)
			}
		}

		if _, err := r.Apply(fx.As(context.Background(), "admin"), up.ID, false); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("an admin applied the officer's job: %v", err)
		}
		if _, err := r.Apply(officer, up.ID, false); err != nil {
			t.Fatal(err)
		}
		// A second apply, while the first runs or after, is refused.
		if _, err := r.Apply(officer, up.ID, false); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second apply: %v, want CONFLICT", err)
		}
		j = wait(t, r, officer, up.ID)
		if j.Status != importjob.StatusAPPLIED || !j.Report.Applied || j.RowsDone != 2 {
			t.Fatalf("applied job: status %s, error %q, rows %d, report %+v", j.Status, j.ErrorVi, j.RowsDone, j.Report)
		}
		if n := count(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID); n != before+2 {
			t.Errorf("households: %d, want %d", n, before+2)
		}
	})
}

// TestRefusedRows: a file with a refused row is applied only when the
// importer asks for the good rows, and then exactly those.
func TestRefusedRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		officer := fx.As(context.Background(), "officer")
		before := count(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID)
		up, err := r.Upload(officer, bytes.NewReader(households(true)), "thon1.csv", "households")
		if err != nil {
			t.Fatal(err)
		}
		j := wait(t, r, officer, up.ID)
		if j.Status != importjob.StatusCHECKED || j.Report.Errors != 1 || len(j.Report.Problems) != 1 {
			t.Fatalf("checked: %s, report %+v", j.Status, j.Report)
		}
		// The stored report renders as the fresh one did: row, column, value.
		if msg := j.Report.Problems[0].Message("vi"); !strings.Contains(msg, "Dòng 4") || !strings.Contains(msg, "Thôn Không Có") {
			t.Errorf("problem: %q", msg)
		}
		_, err = r.Apply(officer, up.ID, false)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput || e.Field != "skipRefused" {
			t.Fatalf("apply of a file with a refused row: %v", err)
		}
		if _, err := r.Apply(officer, up.ID, true); err != nil {
			t.Fatal(err)
		}
		j = wait(t, r, officer, up.ID)
		if j.Status != importjob.StatusAPPLIED || !j.SkipRefused || j.Report.Totals.Create != 2 || j.Report.Totals.Refused != 1 {
			t.Fatalf("applied: %s %q, report %+v", j.Status, j.ErrorVi, j.Report)
		}
		if n := count(t, db, learningunit.KindHOUSEHOLD, fx.V1a.ID); n != before+2 {
			t.Errorf("households: %d, want %d", n, before+2)
		}
	})
}

// TestFileKeptInPieces: a file larger than a piece comes back whole, and
// pruning drops the pieces of ended jobs; a checked file not applied
// expires with them.
func TestFileKeptInPieces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		officer := fx.As(context.Background(), "officer")
		blob := make([]byte, 2*importjobs.ChunkSize+123)
		rand.Read(blob)
		up, err := r.Upload(officer, bytes.NewReader(blob), "rác.xlsx", "")
		if err != nil {
			t.Fatal(err)
		}
		// Not a workbook: the check says so, and fails the job.
		if j := wait(t, r, officer, up.ID); j.Status != importjob.StatusFAILED && !(j.Status == importjob.StatusCHECKED && j.Report.Errors > 0) {
			t.Errorf("a random file: %s %q %+v", j.Status, j.ErrorVi, j.Report)
		}
		f, err := r.File(officer, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(got, blob) {
			t.Fatalf("file read back: %d bytes (want %d), %v", len(got), len(blob), err)
		}
		if _, err := r.File(fx.As(context.Background(), "manager"), up.ID); !ent.IsNotFound(err) {
			t.Errorf("the manager reads the officer's file: %v", err)
		}

		ok, err := r.Upload(officer, bytes.NewReader(households(false)), "thon1.csv", "households")
		if err != nil {
			t.Fatal(err)
		}
		wait(t, r, officer, ok.ID)
		n, err := r.Prune(context.Background(), time.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("pruned %d pieces, want 4 (3 of the blob, 1 of the CSV)", n)
		}
		if left, _ := db.Client.ImportChunk.Query().Where(importchunk.ImportJobID(ok.ID)).Count(system); left != 0 {
			t.Errorf("%d pieces left", left)
		}
		j, err := r.Get(officer, ok.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != importjob.StatusFAILED || !strings.Contains(j.Error("vi"), "tải lại") {
			t.Errorf("an expired check: %s %q", j.Status, j.ErrorVi)
		}
	})
}

// TestAbandoned: a job whose process stopped beating is failed by the next
// read, on any replica.
func TestAbandoned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		officer := fx.As(context.Background(), "officer")
		up, err := r.Upload(officer, bytes.NewReader(households(false)), "thon1.csv", "households")
		if err != nil {
			t.Fatal(err)
		}
		wait(t, r, officer, up.ID)
		// As a replica that died while applying would leave it.
		old := time.Now().Add(-time.Hour).UTC()
		if err := db.Client.ImportJob.UpdateOneID(up.ID).SetStatus(importjob.StatusAPPLYING).SetUpdatedAt(old).Exec(system); err != nil {
			t.Fatal(err)
		}
		other := newRunner(t, db) // another replica
		j, err := other.Get(officer, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != importjob.StatusFAILED || !strings.Contains(j.Error("en"), "server stopped") {
			t.Errorf("abandoned job: %s %q", j.Status, j.ErrorEn)
		}
	})
}

// TestUploadRefused: who may not import, an unknown kind, an empty file.
func TestUploadRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		cases := []struct {
			who, kind string
			file      []byte
			field     string
			code      apperr.Code
		}{
			{"collaborator", "households", households(false), "", apperr.Forbidden},
			{"citizen", "households", households(false), "", apperr.Forbidden},
			{"officer", "dogs", households(false), "kind", apperr.BadUserInput},
			{"officer", "households", nil, "file", apperr.BadUserInput},
		}
		jobs0, _ := db.Client.ImportJob.Query().Count(system)
		for _, c := range cases {
			_, err := r.Upload(fx.As(context.Background(), c.who), bytes.NewReader(c.file), "x.csv", c.kind)
			e, ok := apperr.As(err)
			if !ok || e.Code != c.code || e.Field != c.field {
				t.Errorf("%s, kind %q, %d bytes: %v, want %s on %q", c.who, c.kind, len(c.file), err, c.code, c.field)
			}
		}
		if jobs, _ := db.Client.ImportJob.Query().Count(system); jobs != jobs0 {
			t.Errorf("refused uploads left %d jobs", jobs-jobs0)
		}
	})
}

// TestPasswordsShownOnce: the temporary passwords of the accounts a list
// created go to its uploader once, and then rest nowhere.
func TestPasswordsShownOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client)
		r := newRunner(t, db)
		manager := fx.As(context.Background(), "manager")
		file := "Tên đăng nhập,Họ và tên,Vai trò,Xã/Phường\ncb.moi,Trần Văn Mới,Cán bộ,90101\nctv.moi,Lê Thị Mới,CTV,90101\n"
		up, err := r.Upload(manager, strings.NewReader(file), "tai-khoan.csv", "accounts")
		if err != nil {
			t.Fatal(err)
		}
		if j := wait(t, r, manager, up.ID); j.Status != importjob.StatusCHECKED || j.Report.Totals.Create != 2 {
			t.Fatalf("checked: %s %q %+v", j.Status, j.ErrorVi, j.Report)
		}
		if _, err := r.Apply(manager, up.ID, false); err != nil {
			t.Fatal(err)
		}
		j := wait(t, r, manager, up.ID)
		if j.Status != importjob.StatusAPPLIED || j.PasswordsWaiting != 2 || len(j.Report.Accounts) != 0 {
			t.Fatalf("applied: %s %q, waiting %d, report accounts %d", j.Status, j.ErrorVi, j.PasswordsWaiting, len(j.Report.Accounts))
		}
		// Not to an ADMIN who reads the job.
		if got, err := r.TakePasswords(fx.As(context.Background(), "admin"), up.ID); !ent.IsNotFound(err) || got != nil {
			t.Errorf("an admin took %d passwords (%v)", len(got), err)
		}
		got, err := r.TakePasswords(manager, up.ID)
		if err != nil || len(got) != 2 || got[0].Username != "cb.moi" || len(got[0].TemporaryPassword) < 12 {
			t.Fatalf("taken: %+v, %v", got, err)
		}
		row, err := db.Client.ImportJob.Get(system, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			if bytes.Contains(row.Report, []byte(a.TemporaryPassword)) {
				t.Errorf("the password of %s rests in the stored report", a.Username)
			}
		}
		if again, err := r.TakePasswords(manager, up.ID); err != nil || len(again) != 0 {
			t.Errorf("taken twice: %d, %v", len(again), err)
		}
		if j, _ := r.Get(manager, up.ID); j.PasswordsWaiting != 0 {
			t.Errorf("still waiting: %d", j.PasswordsWaiting)
		}
	})
}
