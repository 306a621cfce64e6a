package browsertest_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"hoctap/internal/browsertest"
)

// envHelper makes the test binary a package whose browser test looks for
// Chromium, for TestMissingChromium to run.
const envHelper = "HOCTAP_BROWSERTEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(envHelper) == "1" {
		os.Exit(browsertest.Main(m))
	}
	os.Exit(m.Run())
}

func TestHelperBrowser(t *testing.T) {
	if os.Getenv(envHelper) != "1" {
		t.Skip("run by TestMissingChromium")
	}
	browsertest.Chromium(t)
}

// TestMissingChromium runs a browser test on a machine without Chromium:
// it is skipped and the package says so after its results; under CI it
// fails instead.
func TestMissingChromium(t *testing.T) {
	for _, tt := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{"", false, browsertest.Notice + " [browsertest: 1]"},
		{"false", false, browsertest.Notice},
		{"true", true, "CI=true and no chromium binary found"},
	} {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBrowser$")
			cmd.Env = append(os.Environ(), envHelper+"=1", "PATH="+t.TempDir(), browsertest.EnvChromium+"=", "CI="+tt.ci)
			// A session of its own has no terminal, so the notice goes to
			// stderr, where the test reads it.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if failed := err != nil; failed != tt.wantFail {
				t.Errorf("failed: %v, want %v\n%s", failed, tt.wantFail, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("output does not say %q:\n%s", tt.want, out)
			}
		})
	}
}
