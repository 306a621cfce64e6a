package idem

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"9e8d3eec-99c7-4231-a51a-f4c46e24fafa", "9e8d3eec-99c7-4231-a51a-f4c46e24fafa", true},
		{"9E8D3EEC-99C7-4231-A51A-F4C46E24FAFA", "9e8d3eec-99c7-4231-a51a-f4c46e24fafa", true},
		{"9e8d3eec99c74231a51af4c46e24fafa", "", false},
		{"{9e8d3eec-99c7-4231-a51a-f4c46e24fafa}", "", false},
		{"9e8d3eec-99c7-4231-a51a-f4c46e24faf", "", false},
		{"", "", false},
		{"1", "", false},
	} {
		got, ok := Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDigest(t *testing.T) {
	type input struct{ Name string }
	a, _ := Digest(1, "createLearningUnit", input{"Hộ An"})
	for _, tc := range []struct {
		name string
		user int
		op   string
		in   input
		same bool
	}{
		{"the same create", 1, "createLearningUnit", input{"Hộ An"}, true},
		{"another user", 2, "createLearningUnit", input{"Hộ An"}, false},
		{"another mutation", 1, "createUser", input{"Hộ An"}, false},
		{"another input", 1, "createLearningUnit", input{"Hộ Bình"}, false},
	} {
		b, err := Digest(tc.user, tc.op, tc.in)
		if err != nil || (a == b) != tc.same {
			t.Errorf("%s: digest equal %v (%v), want %v", tc.name, a == b, err, tc.same)
		}
	}
}

func TestSame(t *testing.T) {
	type kind string
	s, nfd := "Nguyễn", "Nguyê\u0303n"
	now := time.Now()
	n := 3
	for _, tc := range []struct {
		name string
		a, b any
		want bool
	}{
		{"text and its pointer", "An", &[]string{"An"}[0], true},
		{"NFC and NFD", s, &nfd, true},
		{"other text", "An", "Bình", false},
		{"a time in another zone", now, now.In(time.FixedZone("ICT", 7*3600)), true},
		{"int and its pointer", 3, &n, true},
		{"other int", 3, 4, false},
		{"enum and its text", kind("HOUSEHOLD"), "HOUSEHOLD", true},
		{"a value and nil", "An", (*string)(nil), false},
		{"nil and nil", nil, (*int)(nil), true},
	} {
		if got := same(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: same = %v, want %v", tc.name, got, tc.want)
		}
	}
}
