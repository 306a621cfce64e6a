package sheet

import (
	"errors"
	"testing"
	"time"

	"hoctap/internal/i18n"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, i18n.Vietnam) }

// wantProblem checks that err is a *Problem with msg.
func wantProblem(t *testing.T, in string, err error, msg i18n.Message) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) {
		t.Errorf("%q: error %v, want a *Problem %q", in, err, msg.EN)
		return
	}
	if p.Msg != msg {
		t.Errorf("%q: problem %q, want %q", in, p.Msg.EN, msg.EN)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  i18n.Message
	}{
		{in: "15/06/1980", want: day(1980, 6, 15)},
		{in: "5/6/1980", want: day(1980, 6, 5)},
		{in: " 05-06-1980 ", want: day(1980, 6, 5)},
		{in: "05.06.1980", want: day(1980, 6, 5)},
		{in: "1980-06-05", want: day(1980, 6, 5)},
		{in: "1980/06/05", want: day(1980, 6, 5)},
		{in: "05/06/1980 00:00:00", want: day(1980, 6, 5)},
		{in: "2020-01-01T00:00:00Z", want: day(2020, 1, 1)}, // an ISO date cell (t="d")
		{in: "43831", want: day(2020, 1, 1)},                // a serial, as text or a date cell's raw value
		{in: "43831.75", want: day(2020, 1, 1)},             // with a time of day
		{in: "1", want: day(1900, 1, 1)},
		{in: "59", want: day(1900, 2, 28)},
		{in: "61", want: day(1900, 3, 1)}, // after Lotus's phantom 29/2/1900
		{in: "60", err: msgDate},          // the phantom day itself
		{in: "0", err: msgDate},
		{in: "-5", err: msgDate},
		{in: "29/02/2020", want: day(2020, 2, 29)},
		{in: "29/02/2019", err: msgDate},
		{in: "31/04/2020", err: msgDate},
		{in: "13/13/2020", err: msgDate},
		{in: "1/1/20", err: msgDate}, // a two-digit year is a guess
		{in: "05/06", err: msgDate},
		{in: "05/06-1980", err: msgDate},
		{in: "mùng 5 tháng 6", err: msgDate},
		{in: "1980", err: msgDateYearOnly},
		{in: "01/01/0198", err: msgYearRange},
		{in: "2958465", err: msgYearRange}, // 31/12/9999
		{in: "NaN", err: msgDate},
		{in: "Inf", err: msgDate},
		{in: "", err: msgEmpty},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.err != (i18n.Message{}) {
			wantProblem(t, tt.in, err, tt.err)
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != i18n.Vietnam {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDate1904(t *testing.T) {
	got, err := parseDate("42369", true) // 1/1/2020 counted from 1/1/1904
	if err != nil || !got.Equal(day(2020, 1, 1)) {
		t.Fatalf("1904 serial = %v, %v", got, err)
	}
}

func TestParseYear(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  i18n.Message
	}{
		{in: "1980", want: 1980},
		{in: " 1980 ", want: 1980},
		{in: "1980.0", want: 1980},
		{in: "15/06/1980", want: 1980},
		{in: "29400", want: 1980}, // a date cell's serial in a year column: 28/06/1980
		{in: "1890", err: msgYearRange},
		{in: "2190", err: msgYearRange},
		{in: "80", err: msgYear},
		{in: "năm 80", err: msgYear},
		{in: "", err: msgEmpty},
	}
	for _, tt := range tests {
		got, err := ParseYear(tt.in)
		if tt.err != (i18n.Message{}) {
			wantProblem(t, tt.in, err, tt.err)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseYear(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true},
		{" 42 ", 42, true},
		{"-2", -2, true},
		{"1E+3", 1000, true},
		{"1.000", 0, false}, // a thousand, or one?
		{"2.5", 0, false},
		{"ba", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.in)
		if !tt.ok {
			wantProblem(t, tt.in, err, msgInt)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	_, err := ParseInt("")
	wantProblem(t, "", err, msgEmpty)
}

func TestParsePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "0912345678"},
		{"912345678", "0912345678"}, // a number cell lost the zero
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"091-234-5678", "0912345678"},
		{"+84912345678", "0912345678"},
		{"+84 (0) 912 345 678", "0912345678"},
		{"84912345678", "0912345678"},
		{"0084912345678", "0912345678"},
		{"9.12345678E8", "0912345678"}, // a number cell's exponent form
		{"0387654321", "0387654321"},
		{"02273123456", "02273123456"}, // a landline: 02 + area code
		{"2273123456", "02273123456"},
		{"842273123456", "02273123456"},
		{"12345", ""},
		{"0123456789", ""}, // 01x is not a mobile prefix any more
		{"612345678", ""},
		{"09123456789", ""},
		{"0912345678 / 0987654321", ""},
		{"không có", ""},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if tt.want == "" {
			wantProblem(t, tt.in, err, msgPhone)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	_, err := ParsePhone("  ")
	wantProblem(t, "", err, msgEmpty)
}

func TestParseBool(t *testing.T) {
	yes := []string{"x", "X", "có", "Có", "CO", "yes", "1", "TRUE", "✓", "đúng"}
	no := []string{"", " ", "0", "không", "Không", "no", "false", "-"}
	for _, s := range yes {
		if got, err := ParseBool(s); err != nil || !got {
			t.Errorf("ParseBool(%q) = %v, %v; want true", s, got, err)
		}
	}
	for _, s := range no {
		if got, err := ParseBool(s); err != nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false", s, got, err)
		}
	}
	for _, s := range []string{"có lẽ", "2", "?", "★"} {
		_, err := ParseBool(s)
		wantProblem(t, s, err, msgBool)
	}
}

func TestProblemMessage(t *testing.T) {
	p := &Problem{Row: 17, Column: "C", Header: "Ngày sinh", Value: "31/02/2020", Msg: msgDate}
	if got, want := p.Message(i18n.VI), "Dòng 17, cột C (Ngày sinh) «31/02/2020»: "+msgDate.VI; got != want {
		t.Errorf("VI = %q\nwant %q", got, want)
	}
	if got, want := p.Error(), "Row 17, column C (Ngày sinh) «31/02/2020»: "+msgDate.EN; got != want {
		t.Errorf("EN = %q\nwant %q", got, want)
	}
	missing := &Problem{Row: 3, Header: "Họ tên chủ hộ", Msg: msgMissing}
	if got, want := missing.Message(i18n.VI), "Dòng 3, cột Họ tên chủ hộ: Thiếu cột bắt buộc."; got != want {
		t.Errorf("missing = %q, want %q", got, want)
	}
}
