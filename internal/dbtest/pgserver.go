package dbtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// PGServer is a PostgreSQL server of a test's own, in a temporary
// directory, for tests that stop and start their database: the shared
// server other tests (and other people) use must never be stopped.
type PGServer struct {
	// URL reaches the server's "postgres" database as user postgres.
	URL  string
	bin  string
	dir  string
	port int
	cred *syscall.Credential
}

// postgresBinDirs is where Debian puts each major version's server binaries.
const postgresBinDirs = "/usr/lib/postgresql/*/bin"

// StartPostgres initialises and starts a PostgreSQL server for t, stopped
// and deleted when t ends. It skips t only when PostgreSQL's server binaries
// (initdb, pg_ctl) are not installed. Running as root, the server runs as
// the system user postgres, since initdb refuses root.
func StartPostgres(t testing.TB) *PGServer {
	t.Helper()
	bin := postgresBin()
	if bin == "" {
		t.Skipf("PostgreSQL's server binaries (initdb, pg_ctl) are not installed, in %s or on PATH; install the postgresql package to run this test", postgresBinDirs)
	}
	s := &PGServer{bin: bin}
	dir, err := os.MkdirTemp("", "hoctap-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, the test PostgreSQL needs a system user postgres to run as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	// No fsync: the cluster is thrown away, and it makes initdb and every
	// commit several times faster.
	s.run(t, "initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	s.port = freePort(t)
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	s.Start(t)
	t.Cleanup(func() {
		// The test may have left it stopped.
		cmd := s.command("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
		cmd.Run()
	})
	return s
}

// Start starts the server and waits until it accepts connections.
func (s *PGServer) Start(t testing.TB) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -F", s.port, s.dir)
	s.run(t, "pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// Stop stops the server at once, as a crash or a kill would: connections
// are cut without a goodbye and it recovers from its log on the next Start.
func (s *PGServer) Stop(t testing.TB) {
	t.Helper()
	s.run(t, "pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
}

func (s *PGServer) data() string { return filepath.Join(s.dir, "data") }

func (s *PGServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

func (s *PGServer) run(t testing.TB, name string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	cmd := s.command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		t.Fatalf("%s %s: %v\n%s\nserver log:\n%s", name, strings.Join(args, " "), err, out.Bytes(), log)
	}
}

// postgresBin returns the directory of the newest installed PostgreSQL's
// server binaries, "" when there are none.
func postgresBin() string {
	dirs, _ := filepath.Glob(postgresBinDirs)
	slices.SortFunc(dirs, func(a, b string) int { return version(a) - version(b) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if hasServer(dirs[i]) {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && hasServer(filepath.Dir(p)) {
		return filepath.Dir(p)
	}
	return ""
}

// version is the major version in a path like /usr/lib/postgresql/17/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// freePort returns a TCP port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
