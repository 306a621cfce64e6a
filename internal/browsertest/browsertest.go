// Package browsertest finds and configures the Chromium that browser tests
// drive, and makes a skipped browser test visible.
package browsertest

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
)

// EnvChromium names a Chromium or Chrome binary to use instead of the one
// found on $PATH.
const EnvChromium = "HOCTAP_CHROMIUM"

// Notice is what Main prints when browser tests were skipped.
const Notice = "browser tests skipped: chromium not found (apt-get install -y chromium)"

var skipped atomic.Int32

// Chromium returns the Chromium or Chrome binary to drive. Without one it
// skips t, and Main says so once the package's tests are done; under CI
// (CI=true, as .ci/run sets) it fails t instead, so a machine that lost its
// browser cannot pass CI with the console untested.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and no chromium binary found: .ci/browser-setup installs it (or set %s)", EnvChromium)
	}
	skipped.Add(1)
	t.Skipf("no chromium binary found (apt-get install -y chromium, or set %s); skipping the browser test", EnvChromium)
	return ""
}

// Main runs the tests of m and returns the exit code for os.Exit. When a
// browser test was skipped it prints Notice afterwards: to the terminal if
// there is one, because `go test ./...` throws away the output of a package
// whose tests pass (without -v), and to stderr otherwise.
func Main(m *testing.M) int {
	code := m.Run()
	if skipped.Load() > 0 {
		var w io.Writer = os.Stderr
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		}
		fmt.Fprintf(w, "%s [%s: %d]\n", Notice, strings.TrimSuffix(filepath.Base(os.Args[0]), ".test"), skipped.Load())
	}
	return code
}

// Options are the flags of a headless Chromium for tests, with its profile in
// userDataDir (a fresh t.TempDir()). The test machines have no network, so
// everything that would call out on its own is off.
func Options(bin, userDataDir string, width, height int) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	)
}
