package history

import (
	"strconv"
	"testing"
)

// BenchmarkCompute works out the predecessors of a country shaped like
// Vietnam's after the 2025 reform: 63 provinces of 10 districts, each of
// 16 communes of 10 villages, every district abolished and the communes
// merged four into one, every village given a new row: about 120,000 old
// rows and 30,000 new ones. Rebuild runs this once per reorganisation.
func BenchmarkCompute(b *testing.B) {
	var units []Unit
	id := 0
	next := func() int { id++; return id }
	for range 63 {
		p := Unit{ID: next()}
		p.Path = "/" + strconv.Itoa(p.ID) + "/"
		units = append(units, p)
		for range 10 {
			d := Unit{ID: next(), ParentID: p.ID, Closed: true}
			d.Path = p.Path + strconv.Itoa(d.ID) + "/"
			units = append(units, d)
			var succ Unit
			for c := range 16 {
				if c%4 == 0 {
					succ = Unit{ID: next(), ParentID: p.ID}
					succ.Path = p.Path + strconv.Itoa(succ.ID) + "/"
					units = append(units, succ)
				}
				cm := Unit{ID: next(), ParentID: d.ID, MergedInto: succ.ID, Closed: true}
				cm.Path = d.Path + strconv.Itoa(cm.ID) + "/"
				units = append(units, cm)
				for range 10 {
					nv := Unit{ID: next(), ParentID: succ.ID}
					nv.Path = succ.Path + strconv.Itoa(nv.ID) + "/"
					v := Unit{ID: next(), ParentID: cm.ID, MergedInto: nv.ID, Closed: true}
					v.Path = cm.Path + strconv.Itoa(v.ID) + "/"
					units = append(units, nv, v)
				}
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got := Compute(units); len(got) == 0 {
			b.Fatal("no predecessors")
		}
	}
	b.ReportMetric(float64(len(units)), "units")
}
