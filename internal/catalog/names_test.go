package catalog

import "testing"

func TestIY(t *testing.T) {
	for in, want := range map[string]string{
		"vu quy": "vu qui", "thu sy": "thu si", "ky ba": "ki ba", "huy": "huy", "tay son": "tay son",
		"quy": "qui", "nguy": "nguy", "my hao": "mi hao", "duy nhat": "duy nhat",
	} {
		if got := iy(in); got != want {
			t.Errorf("iy(%q) = %q, want %q", in, got, want)
		}
	}
}
