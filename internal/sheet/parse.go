package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/i18n"
	"hoctap/internal/textnorm"
)

// The years a date or a birth year may have. Older or later ones are typos
// ("01/01/0198", "2198" for 1998) in the lists of living people and recent
// campaigns this package reads, and a typo is better refused than imported.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Excel's serial day numbers: day 1 is 1/1/1900 in the 1900 date system,
// which also counts a 29/2/1900 that never was (serial 60, a bug Excel kept
// from Lotus 1-2-3 for compatibility), so serials from 61 on are one day
// ahead of a plain count from 31/12/1899. Workbooks made on old Macs count
// from 1/1/1904 instead, without the phantom day.
const lotusLeapDay = 60

var (
	epoch1900 = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// ParseDate reads a date as people type it in Vietnam, day first:
// dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy or dd.mm.yyyy; also ISO yyyy-mm-dd, and an
// Excel serial day number (43831 is 1/1/2020) in the 1900 date system, as a
// date-formatted cell holds it. A time after the date ("01/01/2020 00:00",
// "2020-01-01T00:00:00Z") is ignored. The date is midnight in Vietnam.
//
// A bare year (1980) is refused rather than read as serial 1980, a day of
// 1905: it means the year is all the writer knew; see ParseYear.
func ParseDate(s string) (time.Time, error) { return parseDate(s, false) }

func parseDate(s string, date1904 bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, &Problem{Msg: msgEmpty}
	}
	if v, ok := number(s); ok {
		if v == math.Trunc(v) && v >= MinYear && v <= MaxYear {
			return time.Time{}, &Problem{Value: s, Msg: msgDateYearOnly, Args: []any{int(v)}}
		}
		d, ok := fromSerial(v, date1904)
		if !ok {
			return time.Time{}, &Problem{Value: s, Msg: msgDate}
		}
		return inYears(s, d)
	}
	day := s
	if i := strings.IndexAny(day, "T "); i > 0 {
		day = day[:i] // a time of day after the date
	}
	var parts []string
	for _, sep := range []string{"/", "-", "."} {
		if p := strings.Split(day, sep); len(p) == 3 {
			parts = p
			break
		}
	}
	if parts == nil || !allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return time.Time{}, &Problem{Value: s, Msg: msgDate}
	}
	d, m, y := parts[0], parts[1], parts[2]
	if len(d) == 4 { // yyyy-mm-dd
		y, d = d, y
	}
	if len(y) != 4 || len(d) > 2 || len(m) > 2 {
		return time.Time{}, &Problem{Value: s, Msg: msgDate}
	}
	dd, _ := strconv.Atoi(d)
	mm, _ := strconv.Atoi(m)
	yy, _ := strconv.Atoi(y)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd || int(t.Month()) != mm { // 31/02 rolls over to March
		return time.Time{}, &Problem{Value: s, Msg: msgDate}
	}
	return inYears(s, t)
}

// fromSerial is the day of an Excel serial number; a fraction is a time of
// day, dropped.
func fromSerial(v float64, date1904 bool) (time.Time, bool) {
	if v < 0 || v > float64(math.MaxInt32) {
		return time.Time{}, false
	}
	n := int(math.Floor(v))
	switch {
	case date1904:
		return epoch1904.AddDate(0, 0, n), true
	case n < 1 || n == lotusLeapDay:
		return time.Time{}, false
	case n > lotusLeapDay:
		n-- // skip the phantom 29/2/1900
	}
	return epoch1900.AddDate(0, 0, n), true
}

// inYears checks a date's year and moves it to midnight in Vietnam, the zone
// hoctap keeps dates in.
func inYears(s string, t time.Time) (time.Time, error) {
	if y := t.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, &Problem{Value: s, Msg: msgYearRange, Args: []any{y, MinYear, MaxYear}}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, i18n.Vietnam), nil
}

// ParseYear reads a birth year: four digits, or a whole date (typed, or a
// date cell's serial) whose year is taken, since a "Năm sinh" column often
// holds full dates.
func ParseYear(s string) (int, error) { return parseYear(s, false) }

func parseYear(s string, date1904 bool) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &Problem{Msg: msgEmpty}
	}
	if v, ok := number(s); ok && v == math.Trunc(v) && v < 10000 {
		if y := int(v); y >= MinYear && y <= MaxYear {
			return y, nil
		}
		if len(s) == 4 {
			return 0, &Problem{Value: s, Msg: msgYearRange, Args: []any{int(v), MinYear, MaxYear}}
		}
		return 0, &Problem{Value: s, Msg: msgYear}
	}
	t, err := parseDate(s, date1904)
	if err != nil {
		if p, ok := err.(*Problem); ok && p.Msg == msgYearRange {
			return 0, err
		}
		return 0, &Problem{Value: s, Msg: msgYear}
	}
	return t.Year(), nil
}

// ParseInt reads a whole number: digits with an optional sign, or the
// exponent form a spreadsheet may store ("1E+3"). Thousands separators are
// refused: "1.000" is a thousand in Vietnam and one elsewhere.
func ParseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &Problem{Msg: msgEmpty}
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	if strings.ContainsAny(s, "eE") {
		if v, ok := number(s); ok && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int(v), nil
		}
	}
	return 0, &Problem{Value: s, Msg: msgInt}
}

// Vietnamese phone numbers: a mobile is 0 then nine digits, the first of
// them 3, 5, 7, 8 or 9; a landline is 02, a two-digit area code and seven
// digits. Typed as numbers in Excel they lose their leading zero; written
// for abroad they start with the country code 84.
const (
	countryCode  = "84"
	mobileLen    = 10
	landlineLen  = 11
	mobileFirsts = "35789"
)

// ParsePhone reads a Vietnamese phone number and returns it as ten digits
// starting with 0 (eleven for a landline: 02…). Spaces, dots, dashes and
// brackets are dropped; +84, 0084 and 84 become 0; a number that lost its
// leading zero (nine digits starting 3/5/7/8/9: 0912345678 typed in a
// number cell is kept as 912345678) gets it back. Anything else, two
// numbers in one cell say, is refused.
func ParsePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &Problem{Msg: msgEmpty}
	}
	bad := &Problem{Value: s, Msg: msgPhone}
	d := s
	if strings.ContainsAny(d, "eE") { // a number cell's exponent form: 9.12345678E8
		v, ok := number(d)
		if !ok || v != math.Trunc(v) || v >= 1e15 {
			return "", bad
		}
		d = strconv.FormatFloat(v, 'f', 0, 64)
	}
	d = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '(', ')', '\u00a0', '\t':
			return -1
		}
		return r
	}, d)
	switch {
	case strings.HasPrefix(d, "+"+countryCode):
		d = "0" + strings.TrimPrefix(d[3:], "0")
	case strings.HasPrefix(d, "00"+countryCode):
		d = "0" + strings.TrimPrefix(d[4:], "0")
	}
	if !allDigits(d) {
		return "", bad
	}
	switch {
	case len(d) == mobileLen+1 && strings.HasPrefix(d, countryCode) && strings.ContainsRune(mobileFirsts, rune(d[2])),
		len(d) == landlineLen+1 && strings.HasPrefix(d, countryCode+"2"):
		d = "0" + d[2:]
	case len(d) == mobileLen-1 && strings.ContainsRune(mobileFirsts, rune(d[0])),
		len(d) == landlineLen-1 && d[0] == '2':
		d = "0" + d
	}
	switch {
	case len(d) == mobileLen && d[0] == '0' && strings.ContainsRune(mobileFirsts, rune(d[1])),
		len(d) == landlineLen && strings.HasPrefix(d, "02"):
		return d, nil
	}
	return "", bad
}

// The words that tick or untick a box, folded. An empty cell is no.
var (
	yesWords = map[string]bool{"x": true, "co": true, "yes": true, "y": true, "1": true, "true": true, "dung": true}
	noWords  = map[string]bool{"": true, "0": true, "khong": true, "k": true, "no": true, "n": true, "false": true, "sai": true}
	yesMarks = map[string]bool{"✓": true, "✔": true, "☑": true, "√": true}
	noMarks  = map[string]bool{"-": true, "–": true}
)

// ParseBool reads a tick: "x", "có", "yes", "1" (what a boolean cell holds),
// a check mark, or "true" are yes; an empty cell, "không", "no", "0", "-"
// are no. Anything else is refused rather than guessed.
func ParseBool(s string) (bool, error) {
	s = strings.TrimSpace(s)
	switch {
	case yesMarks[s]:
		return true, nil
	case noMarks[s]:
		return false, nil
	}
	f := textnorm.Fold(s)
	if f == "" && s != "" {
		return false, &Problem{Value: s, Msg: msgBool}
	}
	switch {
	case yesWords[f]:
		return true, nil
	case noWords[f]:
		return false, nil
	}
	return false, &Problem{Value: s, Msg: msgBool}
}

// number reads s as a decimal number, the way a spreadsheet stores one;
// unlike strconv.ParseFloat alone it refuses "Inf", "NaN" and hex.
func number(s string) (float64, bool) {
	if s == "" || strings.Trim(s, "0123456789.eE+-") != "" || !strings.ContainsAny(s[:1], "0123456789+-.") {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
