package importjob

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestTightenGC: steps tighten a looser collector to 100% until the last
// of them ends, and leave a tighter one, or one turned off, alone.
func TestTightenGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, set := range []int{200, 100, 50, -1} {
		debug.SetGCPercent(set)
		want := min(set, 100)
		if set < 0 {
			want = set
		}
		first := tightenGC()
		second := tightenGC()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d, two steps running: %d, want %d", set, got, want)
		}
		first()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d, one step still running: %d, want %d", set, got, want)
		}
		second()
		if got := gcPercent(); got != set {
			t.Errorf("GOGC %d, no step running: %d, want it back", set, got)
		}
	}
}
