package imports

// toUnicode converts a cell typed in a legacy Vietnamese font encoding
// (TCVN3, VNI) to Unicode, and names the encoding it was converted from;
// "" when the text was kept as it is.
//
// TODO(vnlegacy): vnlegacy.ToUnicode once the vnlegacy branch is merged.
func toUnicode(s string) (string, string) { return s, "" }
