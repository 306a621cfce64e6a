package graph

import (
	"slices"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	got := []string{"TC10", "TC2", "TC1", "TC02b", "A", "TC", "TC2a"}
	slices.SortFunc(got, naturalCompare)
	want := []string{"A", "TC", "TC1", "TC2", "TC2a", "TC02b", "TC10"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}
