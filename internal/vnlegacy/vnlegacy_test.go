package vnlegacy

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The encoders below are the tests' own, written apart from the package's
// tables (TCVN3 by code point, VNI from its rules), so a wrong table entry
// fails a round trip instead of agreeing with itself.

// tcvn3Code is TCVN 5712:1993 VN3 by code point.
var tcvn3Code = map[rune]rune{
	'à': 0xB5, 'ả': 0xB6, 'ã': 0xB7, 'á': 0xB8, 'ạ': 0xB9,
	'ă': 0xA8, 'ằ': 0xBB, 'ẳ': 0xBC, 'ẵ': 0xBD, 'ắ': 0xBE, 'ặ': 0xC6,
	'â': 0xA9, 'ầ': 0xC7, 'ẩ': 0xC8, 'ẫ': 0xC9, 'ấ': 0xCA, 'ậ': 0xCB,
	'è': 0xCC, 'ẻ': 0xCE, 'ẽ': 0xCF, 'é': 0xD0, 'ẹ': 0xD1,
	'ê': 0xAA, 'ề': 0xD2, 'ể': 0xD3, 'ễ': 0xD4, 'ế': 0xD5, 'ệ': 0xD6,
	'ì': 0xD7, 'ỉ': 0xD8, 'ĩ': 0xDC, 'í': 0xDD, 'ị': 0xDE,
	'ò': 0xDF, 'ỏ': 0xE1, 'õ': 0xE2, 'ó': 0xE3, 'ọ': 0xE4,
	'ô': 0xAB, 'ồ': 0xE5, 'ổ': 0xE6, 'ỗ': 0xE7, 'ố': 0xE8, 'ộ': 0xE9,
	'ơ': 0xAC, 'ờ': 0xEA, 'ở': 0xEB, 'ỡ': 0xEC, 'ớ': 0xED, 'ợ': 0xEE,
	'ù': 0xEF, 'ủ': 0xF1, 'ũ': 0xF2, 'ú': 0xF3, 'ụ': 0xF4,
	'ư': 0xAD, 'ừ': 0xF5, 'ử': 0xF6, 'ữ': 0xF7, 'ứ': 0xF8, 'ự': 0xF9,
	'ỳ': 0xFA, 'ỷ': 0xFB, 'ỹ': 0xFC, 'ý': 0xFD, 'ỵ': 0xFE,
	'đ': 0xAE,
	'Ă': 0xA1, 'Â': 0xA2, 'Ê': 0xA3, 'Ô': 0xA4, 'Ơ': 0xA5, 'Ư': 0xA6, 'Đ': 0xA7,
}

// encodeTCVN3 spells s in TCVN3 as a .VnTime typist would: a capital with a
// tone, which VN3 lacks, gets the lowercase code.
func encodeTCVN3(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if c, ok := tcvn3Code[r]; ok {
			r = c
		} else if c, ok := tcvn3Code[unicode.ToLower(r)]; ok {
			r = c
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Combining marks of Vietnamese after canonical decomposition.
const (
	markGrave      = '\u0300'
	markAcute      = '\u0301'
	markCircumflex = '\u0302'
	markTilde      = '\u0303'
	markBreve      = '\u0306'
	markHook       = '\u0309'
	markHorn       = '\u031B'
	markDot        = '\u0323'
)

// encodeVNI spells s in VNI Windows from its rules: base letter, then one
// code for hat-or-breve with tone, or for the tone alone.
func encodeVNI(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		upper := unicode.IsUpper(r)
		out := vniLetter(unicode.ToLower(r))
		if upper {
			out = strings.ToUpper(out)
		}
		b.WriteString(out)
	}
	return b.String()
}

func vniLetter(r rune) string {
	if r == 'đ' {
		return "ñ"
	}
	d := []rune(norm.NFD.String(string(r)))
	base := d[0]
	if !strings.ContainsRune("aeiouy", base) || len(d) == 1 {
		return string(r)
	}
	var quality, tone rune
	for _, m := range d[1:] {
		switch m {
		case markCircumflex, markBreve, markHorn:
			quality = m
		default:
			tone = m
		}
	}
	pick := func(none, acute, grave, hook, tilde, dot string) string {
		return map[rune]string{0: none, markAcute: acute, markGrave: grave, markHook: hook, markTilde: tilde, markDot: dot}[tone]
	}
	switch {
	case base == 'i':
		return pick("i", "í", "ì", "æ", "ó", "ò")
	case base == 'y' && tone == markDot:
		return "î"
	case quality == markCircumflex:
		return string(base) + pick("â", "á", "à", "å", "ã", "ä")
	case quality == markBreve:
		return "a" + pick("ê", "é", "è", "ú", "ü", "ë")
	case quality == markHorn && base == 'o':
		return "ô" + pick("", "ù", "ø", "û", "õ", "ï")
	case quality == markHorn && base == 'u':
		return "ö" + pick("", "ù", "ø", "û", "õ", "ï")
	default:
		return string(base) + pick("", "ù", "ø", "û", "õ", "ï")
	}
}

// letters are the 134 Vietnamese letters outside ASCII (a ă â e ê i o ô ơ u
// ư y with each of five tones, ă â ê ô ơ ư, đ; lowercase then capitals),
// composed from combining marks rather than taken from the package.
func letters() []string {
	var lower []string
	for _, v := range []string{"a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031B", "u", "u\u031B", "y"} {
		if len(v) > 1 {
			lower = append(lower, norm.NFC.String(v))
		}
		for _, tone := range []string{"\u0300", "\u0309", "\u0303", "\u0301", "\u0323"} {
			lower = append(lower, norm.NFC.String(v+tone))
		}
	}
	lower = append(lower, "đ")
	all := lower
	for _, l := range lower {
		all = append(all, strings.ToUpper(l))
	}
	return all
}

func TestLetters(t *testing.T) {
	ls := letters()
	if len(ls) != 134 {
		t.Fatalf("%d letters, want 134", len(ls))
	}
	seen := map[string]map[string]string{"TCVN3": {}, "VNI": {}}
	for _, l := range ls {
		r, _ := utf8.DecodeRuneInString(l)
		if utf8.RuneCountInString(l) != 1 || r < 0x80 {
			t.Fatalf("letter %q is not one precomposed rune", l)
		}
		lower := strings.ToLower(l)
		toneCapital := unicode.IsUpper(r) && !strings.ContainsRune("ĂÂÊÔƠƯĐ", r)

		vni := encodeVNI(l)
		if got := Decode(vni, VNI); got != l {
			t.Errorf("VNI %q: Decode = %q, want %q", vni, got, l)
		}
		if prev, dup := seen["VNI"][vni]; dup {
			t.Errorf("VNI %q spells both %q and %q", vni, prev, l)
		}
		seen["VNI"][vni] = l

		tcvn3 := encodeTCVN3(l)
		want := l
		if toneCapital {
			want = lower // VN3 has no capitals with a tone; .VnTime draws them lowercase
		}
		if got := Decode(tcvn3, TCVN3); got != want {
			t.Errorf("TCVN3 %q: Decode = %q, want %q", tcvn3, got, want)
		}
		if got := Decode(tcvn3, TCVN3Caps); got != strings.ToUpper(l) {
			t.Errorf("TCVN3 %q in .VnTimeH: Decode = %q, want %q", tcvn3, got, strings.ToUpper(l))
		}
		if !toneCapital {
			if prev, dup := seen["TCVN3"][tcvn3]; dup {
				t.Errorf("TCVN3 %q spells both %q and %q", tcvn3, prev, l)
			}
			seen["TCVN3"][tcvn3] = l
		}
		// In a word of capitals the capital is recovered from the context.
		if toneCapital {
			word := "X" + l + "Y"
			if got := Decode(encodeTCVN3(word), TCVN3); got != word {
				t.Errorf("TCVN3 %q: Decode = %q, want %q", encodeTCVN3(word), got, word)
			}
		}
	}
	// VN3's 67 lowercase letters and its 7 untoned capitals.
	if n := len(seen["TCVN3"]); n != 74 {
		t.Errorf("%d distinct TCVN3 codes, want 74", n)
	}
}

// Legacy strings as they are found in files and in other converters'
// examples, typed here by hand rather than produced by the encoders.
func TestKnownStrings(t *testing.T) {
	tests := []struct {
		in, want string
		enc      Encoding
	}{
		{"Hoµng V¨n Th¸i", "Hoàng Văn Thái", TCVN3},
		{"B¶o Th¾ng", "Bảo Thắng", TCVN3},
		{"M\u00adêng Kh\u00ad¬ng", "Mường Khương", TCVN3},
		{"B¸t X¸t", "Bát Xát", TCVN3},
		{"Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", TCVN3},
		{"§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc", TCVN3},
		{"Nguyeãn Vaên Huøng", "Nguyễn Văn Hùng", VNI},
		{"Xin chaøo caùc baïn", "Xin chào các bạn", VNI},
		{"Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", VNI},
		{"ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC", VNI},
	}
	for _, tt := range tests {
		got, enc := ToUnicode(tt.in)
		if got != tt.want || enc != tt.enc {
			t.Errorf("ToUnicode(%q) = %q, %v; want %q, %v", tt.in, got, enc, tt.want, tt.enc)
		}
	}
}

// names are real Vietnamese names and places, with the capitals, the tones
// on capitals and the all-capitals spellings lists have.
var names = []string{
	"Nguyễn Văn Hùng",
	"Thái Bình",
	"Hưng Yên",
	"Đông Hưng",
	"Trần Thị Thuỷ",
	"Phường Trần Lãm",
	"Xã Quỳnh Phụ",
	"Vũ Đức Thắng",
	"Đặng Thị Hương",
	"Lê Thị Ánh",
	"Phạm Ngọc Ẩn",
	"Bùi Quang Ước",
	"Huyện Tiền Hải",
	"Tổ dân phố số 5, phường Kỳ Bá",
	"Trường THCS Đông Hưng",
	"UBND xã Quỳnh Phụ",
	"NGUYỄN VĂN HÙNG",
	"ĐỖ THỊ THU HƯƠNG",
	"UBND XÃ QUỲNH PHỤ",
	"xã QUỲNH PHỤ",
	"Người già, 85 tuổi",
}

func TestNamesRoundTrip(t *testing.T) {
	encoders := []struct {
		enc    Encoding
		encode func(string) string
	}{{TCVN3, encodeTCVN3}, {VNI, encodeVNI}}
	for _, name := range names {
		for _, e := range encoders {
			legacy := e.encode(name)
			got, enc := ToUnicode(legacy)
			if got != name || enc != e.enc {
				t.Errorf("%v %q: ToUnicode = %q, %v; want %q", e.enc, legacy, got, enc, name)
			}
		}
	}
}

// places reads testdata/places.txt: 379 real district and commune names.
func places(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("testdata/places.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ps []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			ps = append(ps, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ps
}

// Every real place name, in Unicode, stays; in TCVN3 or VNI it converts back
// to itself. A name whose only non-ASCII word is not mojibake as it stands
// ("Xaõ An Ninh") is too little evidence on its own, and stays as it is:
// the test counts those and fails if they are more than a few.
func TestPlaces(t *testing.T) {
	ps := places(t)
	undetected := map[Encoding]int{}
	for _, p := range ps {
		if got, enc := ToUnicode(p); got != p || enc != Unicode {
			t.Errorf("Unicode %q: ToUnicode = %q, %v", p, got, enc)
		}
		for _, e := range []struct {
			enc    Encoding
			encode func(string) string
		}{{TCVN3, encodeTCVN3}, {VNI, encodeVNI}} {
			legacy := e.encode(p)
			got, enc := ToUnicode(legacy)
			switch {
			case enc == Unicode && got == legacy:
				undetected[e.enc]++
			case got != p || enc != e.enc:
				t.Errorf("%v %q: ToUnicode = %q, %v; want %q", e.enc, legacy, got, enc, p)
			}
			if got := Decode(legacy, e.enc); got != p {
				t.Errorf("%v %q: Decode = %q, want %q", e.enc, legacy, got, p)
			}
		}
	}
	for enc, n := range undetected {
		t.Logf("%v: %d of %d names left as they were", enc, n, len(ps))
		if n > len(ps)/20 {
			t.Errorf("%v: %d of %d names not detected on their own", enc, n, len(ps))
		}
	}
	// Together they are a column: no doubt left.
	for _, e := range []struct {
		enc    Encoding
		encode func(string) string
	}{{Unicode, func(s string) string { return s }}, {TCVN3, encodeTCVN3}, {VNI, encodeVNI}} {
		col := make([]string, len(ps))
		for i, p := range ps {
			col[i] = e.encode(p)
		}
		if got := DetectAll(col); got != e.enc {
			t.Errorf("DetectAll(places in %v) = %v", e.enc, got)
		}
	}
}

// Strings that are not legacy Vietnamese must come back unchanged (NFC).
func TestKeepsUnicode(t *testing.T) {
	for _, s := range []string{
		"",
		"Nguyen Van Hung",
		"Nguyễn Văn Hùng",
		norm.NFD.String("Nguyễn Văn Hùng"), // decomposed: normalised, not converted
		"Thái Bình",
		"Tô Hoài",
		"Hà",
		"Vò", // Unicode Vò, and TCVN3 for Vũ: alone, too ambiguous to touch
		"Café",
		"Zoë",
		"naïve",
		"Crème brûlée",
		"Hélène Noël",
		"résumé, déjà vu",
		"São Paulo",
		"Müller",
		"José Peña",
		"Ångström",
		"où",
		"dû",
		"Señor",
		"ñu",
		"0912 345 678",
		"+84 (0)227 3 831 234",
		"12/05/2024",
		"1.234,56 ₫",
		"25%",
		"Tổ 7 – khu 2",
	} {
		got, enc := ToUnicode(s)
		if want := norm.NFC.String(s); got != want || enc != Unicode {
			t.Errorf("ToUnicode(%q) = %q, %v; want it kept", s, got, enc)
		}
	}
}

// A column's verdict settles cells too short to decide alone.
func TestDetectAll(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  Encoding
	}{
		{"TCVN3 family names", []string{"Vò", "Hå", "Lª", "TrÇn", "Ph¹m", "", "Mai"}, TCVN3},
		{"VNI given names", []string{"Huøng", "Thaûo", "Nhung", "Phöông", "Yeán"}, VNI},
		{"Unicode", []string{"Vò", "Hà", "Tô", "Lê", "Trần", "Phạm"}, Unicode},
		{"ASCII", []string{"An", "Nam", "Long"}, Unicode},
		{"empty", nil, Unicode},
	}
	for _, tt := range tests {
		if got := DetectAll(tt.cells); got != tt.want {
			t.Errorf("%s: DetectAll = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := Detect("Vò"); got != Unicode {
		t.Errorf("Detect(Vò) = %v: one ambiguous cell must stay Unicode", got)
	}
	// Decoding a TCVN3 column cell by cell: a cell retyped in Unicode since
	// is kept, and so are ASCII cells.
	for _, tt := range []struct{ in, want string }{
		{"Vò", "Vũ"},
		{"Hå", "Hồ"},
		{"Lª", "Lê"},
		{"Mai", "Mai"},
		{"Nguyễn Văn Hùng", "Nguyễn Văn Hùng"},
	} {
		if got := Decode(tt.in, TCVN3); got != tt.want {
			t.Errorf("Decode(%q, TCVN3) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The case of a toned letter, which VN3 does not record, comes from its
// word and its neighbours; .VnTimeH makes every letter a capital.
func TestTCVN3Case(t *testing.T) {
	tests := []struct {
		in   string
		enc  Encoding
		want string
	}{
		{"HOµNG V¡N TH¸I", TCVN3, "HOÀNG VĂN THÁI"},
		{"Hoµng V¨n Th¸i", TCVN3, "Hoàng Văn Thái"},
		{"Lª ¸nh", TCVN3, "Lê Ánh"},
		{"c« Êy ®i häc", TCVN3, "cô ấy đi học"},
		{"T¸", TCVN3, "Tá"},
		{"§ç THÞ THU H¦¥NG", TCVN3, "ĐỖ THỊ THU HƯƠNG"},
		{"X· MÔ Së", TCVN3, "Xã Mễ Sở"},
		// .VnTime drew this cell "Xã QUỲNH PHỤ"; nothing in the codes tells
		// the ã of Xã from a capital, and a string of capitals wins.
		{"X· QUúNH PHô", TCVN3, "XÃ QUỲNH PHỤ"},
		{"hoµng v¨n th¸i", TCVN3Caps, "HOÀNG VĂN THÁI"},
		{"Hoµng V¨n Th¸i", TCVN3Caps, "HOÀNG VĂN THÁI"},
	}
	for _, tt := range tests {
		if got := Decode(tt.in, tt.enc); got != tt.want {
			t.Errorf("Decode(%q, %v) = %q, want %q", tt.in, tt.enc, got, tt.want)
		}
	}
}

func TestFontEncoding(t *testing.T) {
	tests := []struct {
		font string
		want Encoding
	}{
		{".VnTime", TCVN3},
		{".VnArial Narrow", TCVN3},
		{" .vntime ", TCVN3},
		{".VnTimeH", TCVN3Caps},
		{".VnArialH", TCVN3Caps},
		{"VNI-Times", VNI},
		{"vni-helve", VNI},
		{"Times New Roman", Unicode},
		{"Calibri", Unicode},
		{"", Unicode},
	}
	for _, tt := range tests {
		if got := FontEncoding(tt.font); got != tt.want {
			t.Errorf("FontEncoding(%q) = %v, want %v", tt.font, got, tt.want)
		}
	}
}

func TestSyllable(t *testing.T) {
	valid := []string{
		"a", "ở", "ý", "anh", "ông", "yêu", "uy", "Nguyễn", "hoàng", "quỳnh", "quốc", "giữa", "gì",
		"giêng", "người", "rượu", "khuya", "khuỷu", "thuở", "huế", "hoặc", "khuếch", "chuyện",
		"xoong", "Việt", "học", "thác", "THUỶ", "Thủy", "nguyên", "ăn", "đi",
	}
	invalid := []string{
		"", "Đ", "café", "Zoë", "naïve", "oo", "Hoµng", "nguyeãn", "NguyÔn", "hÀ",
		"viêt", "thàc", "ngoc", // a final stop takes sắc or nặng only
		"mỹỹ", "hoàáng", // two tones
		"xyz", "fan", "wa", "hă", "ắ", "ơc", "tyên",
	}
	for _, w := range valid {
		if !syllable(w) {
			t.Errorf("syllable(%q) = false, want true", w)
		}
	}
	for _, w := range invalid {
		if syllable(w) {
			t.Errorf("syllable(%q) = true, want false", w)
		}
	}
}

func FuzzToUnicode(f *testing.F) {
	for _, s := range append(names, "Hoµng V¨n Th¸i", "Nguyeãn Vaên", "Café", "\xff\xfe", "aø\u0300", "") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := ToUnicode(s)
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
			t.Errorf("ToUnicode(%q) = %q: not valid NFC UTF-8", s, out)
		}
		for _, enc := range []Encoding{Unicode, TCVN3, TCVN3Caps, VNI} {
			if out := Decode(s, enc); !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
				t.Errorf("Decode(%q, %v) = %q: not valid NFC UTF-8", s, enc, out)
			}
		}
		DetectAll([]string{s, s})
	})
}

func BenchmarkToUnicode(b *testing.B) {
	for _, s := range []string{"Hoµng V¨n Th¸i", "Nguyeãn Vaên Huøng", "Nguyễn Văn Hùng", "Thái Bình"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				ToUnicode(s)
			}
		})
	}
}

func BenchmarkDetectAll(b *testing.B) {
	ps := places(b)
	col := make([]string, len(ps))
	for i, p := range ps {
		col[i] = encodeTCVN3(p)
	}
	for b.Loop() {
		DetectAll(col)
	}
}
