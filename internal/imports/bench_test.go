package imports_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// benchHouseholds is how many households (with two members each) the
// benchmark imports: a large commune's.
const benchHouseholds = 5000

// BenchmarkApply imports a commune's households and members into an empty
// village list, then the same file again (nothing to write), on each
// database; it reports the peak heap of the run. The full-province figures
// are BENCHMARKS.md's.
func BenchmarkApply(b *testing.B) {
	rows := [][]string{{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Địa chỉ", "Số nhân khẩu", "Số người lớn"}}
	members := [][]string{{"Mã hộ", "Thôn", "Họ tên", "Năm sinh"}}
	for i := range benchHouseholds {
		code, village := "B"+strconv.Itoa(i), "Thôn "+strconv.Itoa(1+i%2)
		rows = append(rows, []string{code, village, fmt.Sprintf("Nguyễn Văn %d", i), fmt.Sprintf("Số %d", i), "4", "2"})
		members = append(members, []string{code, village, fmt.Sprintf("Nguyễn Văn %d", i), "1970"},
			[]string{code, village, fmt.Sprintf("Trần Thị %d", i), "1972"})
	}
	households := csvFile(b, true, ';', rows)
	citizens := csvFile(b, true, ';', members)
	for _, open := range []struct {
		name string
		db   func(testing.TB, ...store.Options) *store.DB
	}{{"sqlite", dbtest.OpenSQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(open.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := open.db(b)
				fx := fixture.Build(b, db.Client)
				runtime.GC()
				b.StartTimer()
				var peak uint64
				var ms runtime.MemStats
				progress := func(int) {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
				for _, f := range []struct {
					file []byte
					kind string
				}{{households, imports.Households.ID}, {citizens, imports.Citizens.ID}, {households, imports.Households.ID}} {
					if _, err := apply(b, db, fx, "officer", f.file, imports.Options{Kind: f.kind, Progress: progress}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			}
		})
	}
}

// BenchmarkExport exports a commune's households and members (imported
// first, untimed) as its officer, on each database; it reports the rows
// written a second and the peak heap the export adds, sampled while it
// runs.
func BenchmarkExport(b *testing.B) {
	rows := [][]string{{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Địa chỉ", "Điện thoại", "Số nhân khẩu", "Số người lớn"}}
	members := [][]string{{"Mã hộ", "Thôn", "Họ tên", "Năm sinh"}}
	for i := range benchHouseholds {
		code, village := "B"+strconv.Itoa(i), "Thôn "+strconv.Itoa(1+i%2)
		rows = append(rows, []string{code, village, fmt.Sprintf("Nguyễn Văn %d", i), fmt.Sprintf("Số %d", i), "0912345678", "4", "2"})
		members = append(members, []string{code, village, fmt.Sprintf("Nguyễn Văn %d", i), "1970"},
			[]string{code, village, fmt.Sprintf("Trần Thị %d", i), "1972"})
	}
	households := csvFile(b, true, ';', rows)
	citizens := csvFile(b, true, ';', members)
	for _, open := range []struct {
		name string
		db   func(testing.TB, ...store.Options) *store.DB
	}{{"sqlite", dbtest.OpenSQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(open.name, func(b *testing.B) {
			db := open.db(b)
			fx := fixture.Build(b, db.Client)
			for _, f := range []struct {
				file []byte
				kind string
			}{{households, imports.Households.ID}, {citizens, imports.Citizens.ID}} {
				if _, err := apply(b, db, fx, "officer", f.file, imports.Options{Kind: f.kind}); err != nil {
					b.Fatal(err)
				}
			}
			ctx := fx.As(context.Background(), "officer")
			var peak atomic.Uint64
			var most uint64 // the largest peak above the heap before
			for b.Loop() {
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				peak.Store(base.HeapInuse)
				done := make(chan struct{})
				go func() {
					var ms runtime.MemStats
					tick := time.NewTicker(20 * time.Millisecond)
					defer tick.Stop()
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
						select {
						case <-done:
							return
						case <-tick.C:
						}
					}
				}()
				err := imports.Export(ctx, db.Client, io.Discard, imports.Households, 0)
				close(done)
				if err != nil {
					b.Fatal(err)
				}
				most = max(most, peak.Load()-base.HeapInuse)
			}
			units := float64(benchHouseholds * 3)
			b.ReportMetric(units*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(most)/(1<<20), "peak-heap-MiB")
		})
	}
}

// benchAccounts is how many accounts BenchmarkAccounts creates: a
// province's officers and collaborators, a few a commune.
const benchAccounts = 500

// BenchmarkAccounts creates a province's accounts from one list, then
// imports it again (nothing to write): the time is the temporary
// passwords' hashing (argon2id, ~45 ms a core), hashWorkers at a time.
func BenchmarkAccounts(b *testing.B) {
	rows := [][]string{{"Tên đăng nhập", "Họ và tên", "Vai trò", "Xã"}}
	for i := range benchAccounts {
		rows = append(rows, []string{fmt.Sprintf("ctv%04d", i), fmt.Sprintf("Nguyễn Văn %d", i), "Cộng tác viên", "90101"})
	}
	file := csvFile(b, false, ',', rows)
	for b.Loop() {
		b.StopTimer()
		db := dbtest.OpenSQLite(b)
		fx := fixture.Build(b, db.Client)
		b.StartTimer()
		for range 2 {
			if _, err := apply(b, db, fx, "manager", file, imports.Options{Kind: imports.Accounts.ID}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
