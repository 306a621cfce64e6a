package sheet

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeBigBook writes a household list of n rows with excelize's stream
// writer: a title, a header, then rows of text, numbers, date serials and
// phone numbers as numbers.
func writeBigBook(b *testing.B, n int) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	check := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	check(sw.SetRow("A1", []any{"DANH SÁCH HỘ GIA ĐÌNH TỈNH THÁI BÌNH"}))
	check(sw.SetRow("A2", []any{"STT", "Họ tên chủ hộ", "Năm sinh", "Ngày sinh", "Điện thoại", "Địa chỉ"}))
	row := make([]any, 6)
	for i := range n {
		row[0] = i + 1
		row[1] = fmt.Sprintf("Nguyễn Văn Hộ %d", i)
		row[2] = 1950 + i%50
		row[3] = excelize.Cell{StyleID: dateStyle, Value: 20000 + i%20000}
		row[4] = 912000000 + i
		row[5] = fmt.Sprintf("Thôn %d, Xã %d", i%10, i%300)
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		check(sw.SetRow(cell, row))
	}
	check(sw.Flush())
	path := filepath.Join(b.TempDir(), "big.xlsx")
	check(f.SaveAs(path))
	return path
}

// BenchmarkReadXLSX reads a whole household list, parsing every cell as the
// import would. peak-heap-MB, sampled every sampleEvery rows, stays about
// the same at 20,000 and 200,000 rows: the sheet is streamed, not held.
// allocs/op and B/op grow with the rows, since each row's cells are new
// strings, but none of them outlive their row.
func BenchmarkReadXLSX(b *testing.B) {
	const sampleEvery = 10_000
	for _, n := range []int{20_000, 200_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			path := writeBigBook(b, n)
			b.ReportAllocs()
			var peak uint64
			var ms runtime.MemStats
			for b.Loop() {
				runtime.GC()
				book, err := OpenFile(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				tb, err := book.Read("", households...)
				if err != nil {
					b.Fatal(err)
				}
				rows := 0
				for tb.Next() {
					r := tb.Row()
					if r.Text("head") == "" {
						b.Fatalf("row %d: no head", r.Num)
					}
					if _, err := r.Cell("head_year").Year(); err != nil {
						b.Fatal(err)
					}
					if _, err := r.Cell("born").Date(); err != nil {
						b.Fatal(err)
					}
					if _, err := r.Cell("phone").Phone(); err != nil {
						b.Fatal(err)
					}
					if rows++; rows%sampleEvery == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
				}
				if err := tb.Err(); err != nil {
					b.Fatal(err)
				}
				if rows != n {
					b.Fatalf("%d rows, want %d", rows, n)
				}
				tb.Close()
				book.Close()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
