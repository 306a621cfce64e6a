package admin_test

import (
	"os"
	"testing"

	"hoctap/internal/browsertest"
)

// TestMain says, after the results, when the browser tests were skipped.
func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
