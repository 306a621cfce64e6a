package gcbudget

import (
	"runtime/debug"
	"testing"
)

// current reads the collector's settings.
func current() Budget {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return Budget{Percent: p, Limit: debug.SetMemoryLimit(-1)}
}

// set puts the collector's settings to b.
func set(b Budget) {
	debug.SetGCPercent(b.Percent)
	debug.SetMemoryLimit(b.Limit)
}

// TestHold: overlapping jobs, ending in either order, leave the collector
// under what the ones still running need, then under the base; whatever
// the operator set is never touched; an unmanaged process is left alone.
func TestHold(t *testing.T) {
	defer set(current())
	operator := Budget{Percent: 150, Limit: 200 << 20}
	// tight asks for a tighter collector than Export and for less room, so
	// held together each half of what they run under comes from another.
	tight := Budget{Percent: 50, Limit: 80 << 20}
	tests := []struct {
		name string
		// env is the operator's environment; nil: Manage is never called.
		env  map[string]string
		held [2]Budget
		// ends is the order the two jobs end in.
		ends [2]int
		// want: while both run, with one left, with none.
		want [3]Budget
	}{
		{
			name: "import ends first",
			env:  map[string]string{},
			held: [2]Budget{Import, Export},
			ends: [2]int{0, 1},
			want: [3]Budget{{100, 96 << 20}, Export, Serve},
		},
		{
			name: "export ends first",
			env:  map[string]string{},
			held: [2]Budget{Import, Export},
			ends: [2]int{1, 0},
			want: [3]Budget{{100, 96 << 20}, Import, Serve},
		},
		{
			name: "the lowest percent of one, the highest limit of the other",
			env:  map[string]string{},
			held: [2]Budget{Export, tight},
			ends: [2]int{0, 1},
			want: [3]Budget{{50, 96 << 20}, tight, Serve},
		},
		{
			name: "and the other ends first",
			env:  map[string]string{},
			held: [2]Budget{Export, tight},
			ends: [2]int{1, 0},
			want: [3]Budget{{50, 96 << 20}, Export, Serve},
		},
		{
			name: "the operator set GOGC",
			env:  map[string]string{"GOGC": "150"},
			held: [2]Budget{Import, Export},
			ends: [2]int{1, 0},
			want: [3]Budget{{150, 96 << 20}, {150, 96 << 20}, {150, Serve.Limit}},
		},
		{
			name: "the operator set GOMEMLIMIT",
			env:  map[string]string{"GOMEMLIMIT": "200MiB"},
			held: [2]Budget{Import, Export},
			ends: [2]int{0, 1},
			want: [3]Budget{{100, 200 << 20}, {Export.Percent, 200 << 20}, {Serve.Percent, 200 << 20}},
		},
		{
			name: "not managed",
			held: [2]Budget{Import, Export},
			ends: [2]int{0, 1},
			want: [3]Budget{operator, operator, operator},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set(operator) // as the runtime would have read it from the environment
			o := &owner{held: map[*Budget]struct{}{}}
			if tc.env != nil {
				o.manage(Serve, tc.env["GOGC"] != "", tc.env["GOMEMLIMIT"] != "")
			}
			release := [2]func(){o.hold(tc.held[0]), o.hold(tc.held[1])}
			if got := current(); got != tc.want[0] {
				t.Errorf("both running: %+v, want %+v", got, tc.want[0])
			}
			release[tc.ends[0]]()
			release[tc.ends[0]]() // twice: must not release the other
			if got := current(); got != tc.want[1] {
				t.Errorf("one left: %+v, want %+v", got, tc.want[1])
			}
			release[tc.ends[1]]()
			if got := current(); got != tc.want[2] {
				t.Errorf("none left: %+v, want %+v", got, tc.want[2])
			}
		})
	}
}

// TestManageOverOperator: the environment the process started with is read
// through getenv, the same names the runtime reads.
func TestManageOverOperator(t *testing.T) {
	defer set(current())
	defer func(o *owner) { process = o }(process)
	process = &owner{held: map[*Budget]struct{}{}}
	set(Budget{Percent: 123, Limit: 321 << 20})
	Manage(Serve, func(k string) string { return map[string]string{"GOGC": "123"}[k] })
	if got, want := current(), (Budget{123, Serve.Limit}); got != want {
		t.Errorf("GOGC set: %+v, want %+v", got, want)
	}
	release := Hold(Export)
	if got, want := current(), (Budget{123, Export.Limit}); got != want {
		t.Errorf("GOGC set, export running: %+v, want %+v", got, want)
	}
	release()
	if got, want := current(), (Budget{123, Serve.Limit}); got != want {
		t.Errorf("GOGC set, export done: %+v, want %+v", got, want)
	}
}
