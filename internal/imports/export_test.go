package imports

// SetMaxSheetRows bounds the rows of an exported sheet, for a test to
// see a list go on to another sheet without writing a million rows; the
// returned function restores the bound.
func SetMaxSheetRows(n int) func() {
	old := maxSheetRows
	maxSheetRows = n
	return func() { maxSheetRows = old }
}

// SetChunks makes chunks of chunk rows and registries that hold hot
// claims in memory, for a test to see a small file's places go out to the
// spill and come back; the returned function restores both.
func SetChunks(chunk, hot int) func() {
	oldChunk, oldHot := chunkRows, hotClaims
	chunkRows, hotClaims = chunk, hot
	return func() { chunkRows, hotClaims = oldChunk, oldHot }
}
