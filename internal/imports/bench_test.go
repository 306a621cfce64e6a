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

	"github.com/xuri/excelize/v2"

	"hoctap/ent/adminunit"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/imports"
	"hoctap/internal/store"
)

// benchHouseholds is how many households (with two members each)
// BenchmarkExport imports: a large commune's.
const benchHouseholds = 5000

// villageHouseholds is how many households a village of the benchmarks
// has, as many as a real one.
const villageHouseholds = 200

// BenchmarkApply imports one workbook of households and their members (two
// each) into an officer's commune, then the same workbook again (nothing
// to write), at two sizes, to show what a run keeps a row: live-B/row is
// the live heap at the end of a run (after a GC, the run's state still
// held) above the heap before it, a row of the run; peak-heap-MiB the
// largest heap in use seen after a chunk. What a run keeps a row is the
// growth of the live heap from one size to the other, a row: the
// registries' places in memory (hotClaims), and what excelize keeps.
func BenchmarkApply(b *testing.B) {
	for _, households := range []int{5_000, 50_000} {
		file := benchWorkbook(b, households)
		rows := households * 3
		for _, open := range []struct {
			name string
			db   func(testing.TB, ...store.Options) *store.DB
		}{{"sqlite", dbtest.OpenSQLite}, {"postgres", dbtest.Postgres}} {
			b.Run(fmt.Sprintf("%s/%dk", open.name, households/1000), func(b *testing.B) {
				var peak, live uint64
				for b.Loop() {
					b.StopTimer()
					db := open.db(b)
					fx := fixture.Build(b, db.Client)
					addVillages(b, db, fx, households/villageHouseholds)
					b.StartTimer()
					for run := range 2 {
						b.StopTimer()
						runtime.GC()
						var base runtime.MemStats
						runtime.ReadMemStats(&base)
						b.StartTimer()
						progress := func(done int) {
							var ms runtime.MemStats
							runtime.ReadMemStats(&ms)
							peak = max(peak, ms.HeapInuse)
							if done == rows {
								runtime.GC()
								runtime.ReadMemStats(&ms)
								live = max(live, ms.HeapAlloc-min(ms.HeapAlloc, base.HeapAlloc))
							}
						}
						rep, err := apply(b, db, fx, "officer", file, imports.Options{Progress: progress})
						if err != nil {
							b.Fatal(err)
						}
						want := imports.Totals{Create: rows}
						if run == 1 {
							want = imports.Totals{Unchanged: rows}
						}
						if rep.Totals != want {
							b.Fatalf("run %d: %+v, want %+v", run+1, rep.Totals, want)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*rows), "ns/row")
				b.ReportMetric(float64(live)/float64(rows), "live-B/row")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// benchWorkbook is a workbook of n households spread over villages of
// villageHouseholds (addVillages), then their members, two a household,
// written as a stream as a large list would be.
func benchWorkbook(b *testing.B, n int) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Hộ gia đình"); err != nil {
		b.Fatal(err)
	}
	if _, err := f.NewSheet("Thành viên"); err != nil {
		b.Fatal(err)
	}
	households, err := f.NewStreamWriter("Hộ gia đình")
	if err != nil {
		b.Fatal(err)
	}
	members, err := f.NewStreamWriter("Thành viên")
	if err != nil {
		b.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(households.SetRow("A1", []any{"Mã hộ", "Thôn", "Họ tên chủ hộ", "Địa chỉ", "Số nhân khẩu", "Số người lớn"}))
	must(members.SetRow("A1", []any{"Mã hộ", "Thôn", "Họ tên", "Năm sinh"}))
	for i := range n {
		code, village := "B"+strconv.Itoa(i), benchVillage(i/villageHouseholds)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		must(households.SetRow(cell, []any{code, village, fmt.Sprintf("Nguyễn Văn %d", i), fmt.Sprintf("Số %d", i), 4, 2}))
		for j, m := range [][]any{{code, village, fmt.Sprintf("Nguyễn Văn %d", i), 1970}, {code, village, fmt.Sprintf("Trần Thị %d", i), 1972}} {
			cell, _ := excelize.CoordinatesToCellName(1, 2*i+j+2)
			must(members.SetRow(cell, m))
		}
	}
	must(households.Flush())
	must(members.Flush())
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchVillage is the name of the benchmark's i-th village.
func benchVillage(i int) string { return fmt.Sprintf("Xóm %d", i+1) }

// addVillages adds n villages to the officer's commune, named by
// benchVillage.
func addVillages(b *testing.B, db *store.DB, fx *fixture.Fixture, n int) {
	b.Helper()
	for i := range n {
		err := db.Client.AdminUnit.Create().SetCode(fmt.Sprintf("%s.x%d", fx.C1.Code, i+1)).SetName(benchVillage(i)).
			SetLevel(adminunit.LevelVILLAGE).SetType("Xóm").SetParent(fx.C1).Exec(system)
		if err != nil {
			b.Fatal(err)
		}
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
