package ent

import (
	"reflect"
	"testing"
)

// TestJSONRows reads what SQLite's and PostgreSQL's JSON aggregates write,
// and refuses what they do not.
func TestJSONRows(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  string
		want [][]jsonValue
		bad  bool
	}{
		{"none", `[]`, nil, false},
		{"SQLite's", `[[1,"Hộ Nguyễn Văn A",null,2.5,true],[2,"",false,-3,1e3]]`,
			[][]jsonValue{{{"1", false}, {"Hộ Nguyễn Văn A", true}, {"null", false}, {"2.5", false}, {"true", false}},
				{{"2", false}, {"", true}, {"false", false}, {"-3", false}, {"1e3", false}}}, false},
		{"PostgreSQL's spacing", "[[1, \"a\"], \n [2, \"b\"]]", [][]jsonValue{{{"1", false}, {"a", true}}, {{"2", false}, {"b", true}}}, false},
		{"escapes", `[["say \"hi\"\\ \u0111\ud83d\ude00"]]`, [][]jsonValue{{{`say "hi"\ đ😀`, true}}}, false},
		{"a nested edge's rows, as text and as JSON", `[["[[1,\"x\"]]",[[2,"]"],[3,{"a":"["}]]]]`,
			[][]jsonValue{{{`[[1,"x"]]`, true}, {`[[2,"]"],[3,{"a":"["}]]`, false}}}, false},
		{"an empty row", `[[]]`, [][]jsonValue{{}}, false},
		{"not an array", `{"a":1}`, nil, true},
		{"unterminated string", `[["abc]]`, nil, true},
		{"unterminated row", `[[1,2`, nil, true},
		{"missing comma", `[[1 2]]`, nil, true},
		{"trailing text", `[[1]] x`, nil, true},
		{"a bare word", `[[abc]]`, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]jsonValue
			err := jsonRows(tt.src, func(row []jsonValue) error {
				got = append(got, append([]jsonValue{}, row...))
				return nil
			})
			if (err != nil) != tt.bad {
				t.Fatalf("error %v, want one: %v", err, tt.bad)
			}
			if !tt.bad && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}
