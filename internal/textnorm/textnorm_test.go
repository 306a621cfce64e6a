package textnorm

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Huyện Đông Hưng", "huyen dong hung"},
		{"THÁI THỤY", "thai thuy"},
		{"Thái Thuỵ", "thai thuy"},
		{"  Nguyễn   Văn-An ", "nguyen van an"},
		{"Hòa / Hoà", "hoa hoa"},
		{"Tổ dân phố số 5", "to dan pho so 5"},
		{"đĐ", "dd"},
		{"", ""},
		{"!!!", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	got := Keys("Huyện Đông Hưng")
	want := []string{"huyen dong hung", "dong hung", "hung"}
	if !slices.Equal(got, want) {
		t.Fatalf("Keys = %q, want %q", got, want)
	}
	if got := Keys("Hộ An", "An"); !slices.Equal(got, []string{"ho an", "an"}) {
		t.Fatalf("Keys dedup = %q", got)
	}
	long := Keys(strings.Repeat("Trường ", 20))
	for _, k := range long {
		if len(k) > MaxKeyLen {
			t.Fatalf("key %q longer than %d", k, MaxKeyLen)
		}
	}
}

func TestSortKey(t *testing.T) {
	want := []string{"Hộ an", "Hộ An", "Hộ ăn", "Hộ Ân", "Hộ Bùi", "Hộ Dương", "Hộ Đỗ", "Hộ Ơn", "Hộ Ưng", "Hộ Xuân"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortStableFunc(got, func(a, b string) int { return strings.Compare(SortKey(a), SortKey(b)) })
	if !slices.Equal(got, want) {
		t.Errorf("sorted by key: %q, want %q", got, want)
	}
}
