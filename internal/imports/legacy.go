package imports

import "hoctap/internal/vnlegacy"

// toUnicode converts a cell typed in a legacy Vietnamese font encoding
// (TCVN3, VNI) to Unicode, and names the encoding it was converted from;
// "" when the text was kept as it is. Each cell is judged alone
// (vnlegacy.ToUnicode), conservatively: a short cell that reads as
// Vietnamese either way is kept.
func toUnicode(s string) (string, string) {
	u, enc := vnlegacy.ToUnicode(s)
	if enc == vnlegacy.Unicode || u == s {
		return s, ""
	}
	return u, enc.String()
}
