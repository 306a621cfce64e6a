// Package gcbudget owns the server's garbage-collector settings: the one the
// API is answered under, and the ones long jobs need while they run.
//
// The collector's settings belong to the process, so two jobs that each set
// and later restore them undo each other when they overlap. Here every job
// holds a Budget and releases it; what the collector runs under is worked out
// from all the budgets held, whatever order they end in.
package gcbudget

import (
	"math"
	"runtime/debug"
	"sync"
)

// Budget is a collector setting: Percent is GOGC (the heap grows by that
// much over what is live before a collection) and Limit the soft memory
// limit in bytes, near which the collector works harder whatever Percent is.
type Budget struct {
	Percent int
	Limit   int64
}

var (
	// Serve is what the API is answered under. Its live heap is small
	// (10–15 MB) and every request allocates, so the collector's cost is how
	// often it runs: at 400% it runs half as often as at 200%, and the soft
	// limit stops the heap outgrowing a small machine (BENCHMARKS.md, #15).
	Serve = Budget{Percent: 400, Limit: 64 << 20}
	// Export is what a province's list export runs under. It keeps far more
	// live than a request: under a 72 MiB limit the collector ran nearly
	// without a pause and the export took 1.5–2 times as long, under 64 MiB
	// 1.7 times (BENCHMARKS.md, #12 and #15).
	Export = Budget{Percent: 200, Limit: 96 << 20}
	// Import is what an import step runs under: it keeps little live but
	// allocates gigabytes over minutes, and any looser the heap sat at the
	// soft limit for the whole step (BENCHMARKS.md, #12).
	Import = Budget{Percent: 100, Limit: 96 << 20}
)

// owner holds the process's settings. Until Manage is called it changes
// nothing, so commands and tests run under Go's defaults or the operator's.
type owner struct {
	mu      sync.Mutex
	managed bool
	// keepPercent and keepLimit: the operator set GOGC or GOMEMLIMIT, which
	// is theirs to decide.
	keepPercent, keepLimit bool
	base                   Budget
	held                   map[*Budget]struct{}
}

var process = &owner{held: map[*Budget]struct{}{}}

// Manage makes base the process's setting while no job holds another,
// leaving alone whatever the operator set through GOGC or GOMEMLIMIT
// (getenv reads the environment). The server calls it once, at start.
func Manage(base Budget, getenv func(string) string) {
	process.manage(base, getenv("GOGC") != "", getenv("GOMEMLIMIT") != "")
}

// Hold has the collector run under b, together with the other budgets held,
// until release is called: the lowest Percent of those held, since a job
// that asks for a tighter collector needs it whoever else runs, and the
// highest Limit, since a job's live heap needs room whoever else runs.
// Releasing twice is harmless.
func Hold(b Budget) (release func()) {
	return process.hold(b)
}

func (o *owner) manage(base Budget, keepPercent, keepLimit bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.managed, o.base = true, base
	o.keepPercent, o.keepLimit = keepPercent, keepLimit
	o.apply()
}

func (o *owner) hold(b Budget) func() {
	h := &b // the key: each hold is its own, even of equal budgets
	o.mu.Lock()
	defer o.mu.Unlock()
	o.held[h] = struct{}{}
	o.apply()
	var once sync.Once
	return func() {
		once.Do(func() {
			o.mu.Lock()
			defer o.mu.Unlock()
			delete(o.held, h)
			o.apply()
		})
	}
}

// apply sets the collector to what is held, or to the base; o.mu is held.
func (o *owner) apply() {
	if !o.managed {
		return
	}
	want := o.base
	if len(o.held) > 0 {
		want = Budget{Percent: math.MaxInt, Limit: 0}
		for h := range o.held {
			want.Percent = min(want.Percent, h.Percent)
			want.Limit = max(want.Limit, h.Limit)
		}
	}
	if !o.keepPercent {
		debug.SetGCPercent(want.Percent)
	}
	if !o.keepLimit {
		debug.SetMemoryLimit(want.Limit)
	}
}
