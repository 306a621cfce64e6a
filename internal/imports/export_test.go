package imports

// SetMaxSheetRows bounds the rows of an exported sheet, for a test to
// see a list go on to another sheet without writing a million rows; the
// returned function restores the bound.
func SetMaxSheetRows(n int) func() {
	old := maxSheetRows
	maxSheetRows = n
	return func() { maxSheetRows = old }
}
