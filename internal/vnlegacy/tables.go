package vnlegacy

// The tables below spell every Vietnamese vowel in its six tones, one row a
// vowel, one column a tone, in the order of TCVN3's code points:
//
//	level, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot)
//
// Legacy letters are given as the characters they become when Excel reads a
// legacy-font cell through Windows code page 1252, which is what an import
// sees. Sources: TCVN 5712:1993 table VN3 (the ABC fonts) and the VNI
// Windows layout; every entry was checked against the tables of Unikey's
// converter (Pham Kim Long; github.com/vn-input/ibus-unikey,
// ukengine/data.cpp, "TCVN3" and "VNI-WIN") and, for VNI, of xvnkb
// (github.com/lamdao/xvnkb, vni.h). The tests re-derive every entry from
// encoders written apart from these tables.

// Tones, in column order.
const (
	level = iota
	grave
	hook
	tilde
	acute
	dot
	numTones
)

// vowels are the 12 Vietnamese vowels in Unicode, lowercase.
var vowels = [...][numTones]rune{
	{'a', 'à', 'ả', 'ã', 'á', 'ạ'},
	{'ă', 'ằ', 'ẳ', 'ẵ', 'ắ', 'ặ'},
	{'â', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ'},
	{'e', 'è', 'ẻ', 'ẽ', 'é', 'ẹ'},
	{'ê', 'ề', 'ể', 'ễ', 'ế', 'ệ'},
	{'i', 'ì', 'ỉ', 'ĩ', 'í', 'ị'},
	{'o', 'ò', 'ỏ', 'õ', 'ó', 'ọ'},
	{'ô', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ'},
	{'ơ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ'},
	{'u', 'ù', 'ủ', 'ũ', 'ú', 'ụ'},
	{'ư', 'ừ', 'ử', 'ữ', 'ứ', 'ự'},
	{'y', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ'},
}

// tcvn3Vowels are the same vowels in TCVN3 (code point = Latin-1 byte). The
// table has lowercase letters only: VN3 left no room for capitals with a
// tone, so a typist got them from an all-capitals font (.VnTimeH) that draws
// every code as a capital.
var tcvn3Vowels = [...][numTones]rune{
	{'a', 'µ', '¶', '·', '¸', '¹'},      // B5–B9
	{'¨', '»', '¼', '½', '¾', 'Æ'},      // A8, BB–BE, C6
	{'©', 'Ç', 'È', 'É', 'Ê', 'Ë'},      // A9, C7–CB
	{'e', 'Ì', 'Î', 'Ï', 'Ð', 'Ñ'},      // CC, CE–D1
	{'ª', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö'},      // AA, D2–D6
	{'i', '×', 'Ø', 'Ü', 'Ý', 'Þ'},      // D7, D8, DC–DE
	{'o', 'ß', 'á', 'â', 'ã', 'ä'},      // DF, E1–E4
	{'«', 'å', 'æ', 'ç', 'è', 'é'},      // AB, E5–E9
	{'¬', 'ê', 'ë', 'ì', 'í', 'î'},      // AC, EA–EE
	{'u', 'ï', 'ñ', 'ò', 'ó', 'ô'},      // EF, F1–F4
	{'\u00ad', 'õ', 'ö', '÷', 'ø', 'ù'}, // AD (soft hyphen), F5–F9
	{'y', 'ú', 'û', 'ü', 'ý', 'þ'},      // FA–FE
}

// tcvn3Others are the letters outside the vowel table: đ and the seven
// capitals VN3 does have (the untoned non-ASCII ones).
var tcvn3Others = map[rune]rune{
	'®': 'đ', // AE
	'§': 'Đ', // A7
	'¡': 'Ă', // A1
	'¢': 'Â', // A2
	'£': 'Ê', // A3
	'¤': 'Ô', // A4
	'¥': 'Ơ', // A5
	'¦': 'Ư', // A6
}

// vniVowels are the vowels in VNI Windows: a base letter, then a separate
// character for the hat, breve or tone (i, y-with-dot, ơ, ư and đ have
// characters of their own). Capitals are the same sequences in capitals
// ("AÙ" is Á), so only lowercase is listed.
var vniVowels = [...][numTones]string{
	{"a", "aø", "aû", "aõ", "aù", "aï"},
	{"aê", "aè", "aú", "aü", "aé", "aë"},
	{"aâ", "aà", "aå", "aã", "aá", "aä"},
	{"e", "eø", "eû", "eõ", "eù", "eï"},
	{"eâ", "eà", "eå", "eã", "eá", "eä"},
	{"i", "ì", "æ", "ó", "í", "ò"},
	{"o", "oø", "oû", "oõ", "où", "oï"},
	{"oâ", "oà", "oå", "oã", "oá", "oä"},
	{"ô", "ôø", "ôû", "ôõ", "ôù", "ôï"},
	{"u", "uø", "uû", "uõ", "uù", "uï"},
	{"ö", "öø", "öû", "öõ", "öù", "öï"},
	{"y", "yø", "yû", "yõ", "yù", "î"},
}

// vniD is đ in VNI ("Ñ" is Đ).
const vniD = "ñ"

// tcvn3Letter is what a TCVN3 code decodes to. VN3 gives the case of its
// untoned letters but not of its toned ones, which are drawn lowercase by
// .VnTime and uppercase by .VnTimeH: a caseless letter takes its case from
// the words around it.
type tcvn3Letter struct {
	r     rune
	cased bool
}

// Decoding tables, built once from the rows above.
var (
	tcvn3Decode = map[rune]tcvn3Letter{}
	vniDecode   = map[vniKey]rune{} // lowercase legacy sequence → lowercase letter
	vowelOf     = map[rune]toned{}  // Vietnamese vowel → its untoned vowel and tone
)

// toned is a vowel split into its untoned letter and its tone.
type toned struct {
	base rune
	tone int
}

func init() {
	for i, row := range vowels {
		for t, r := range row {
			vowelOf[r] = toned{row[level], t}
			if l := tcvn3Vowels[i][t]; l >= 0x80 {
				tcvn3Decode[l] = tcvn3Letter{r: r, cased: t == level}
			}
			if l := vniVowels[i][t]; hasNonASCII(l) {
				vniDecode[keyOf(l)] = r // í and ì are themselves: still VNI letters
			}
		}
	}
	for l, r := range tcvn3Others {
		tcvn3Decode[l] = tcvn3Letter{r: r, cased: true}
	}
	vniDecode[keyOf(vniD)] = 'đ'
}

// vniKey is a VNI letter of one code (then 0) or two.
type vniKey [2]rune

// keyOf is the key of a VNI letter.
func keyOf(s string) vniKey {
	var k vniKey
	copy(k[:], []rune(s))
	return k
}
