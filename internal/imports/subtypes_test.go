package imports

import (
	"testing"

	"hoctap/ent/learningunit"
)

// TestParseSubtype: subtypes as lists write them, in both languages and
// as the API spells them; what names none, or two, is refused.
func TestParseSubtype(t *testing.T) {
	tests := []struct {
		in   string
		want learningunit.Subtype // "" for refused
	}{
		{"Trường học", learningunit.SubtypeSCHOOL},
		{"trường THCS", learningunit.SubtypeSCHOOL},
		{"Mầm non", learningunit.SubtypeSCHOOL},
		{"SCHOOL", learningunit.SubtypeSCHOOL},
		{"Cơ quan", learningunit.SubtypeAGENCY},
		{"UBND", learningunit.SubtypeAGENCY},
		{"Agency", learningunit.SubtypeAGENCY},
		{"Doanh nghiệp", learningunit.SubtypeENTERPRISE},
		{"Công ty cổ phần", learningunit.SubtypeENTERPRISE},
		{"HTX", learningunit.SubtypeENTERPRISE},
		{"Lực lượng vũ trang", learningunit.SubtypeARMED_FORCES},
		{"LLVT", learningunit.SubtypeARMED_FORCES},
		{"Công an", learningunit.SubtypeARMED_FORCES},
		{"Armed forces", learningunit.SubtypeARMED_FORCES},
		{"ARMED_FORCES", learningunit.SubtypeARMED_FORCES},
		{"Khác", learningunit.SubtypeOTHER},
		{"", ""},
		{"Văn hoá", ""},
		{"Trườngg", ""},
		{"Công", ""},
	}
	for _, tt := range tests {
		got, ok := parseSubtype(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("parseSubtype(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}
