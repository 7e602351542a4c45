package drills

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// pgServer is a PostgreSQL server of the drill's own, on loopback, that
// the drill may stop and start (the shared test server must stay up).
type pgServer struct {
	bin  string // folder of initdb, pg_ctl
	dir  string // holds data/ and the socket
	port int
	asPG []string // runuser prefix when running as root (initdb refuses root)
}

// findPGBin returns the folder of PostgreSQL's server binaries, skipping
// the test without them, except under CI=true, where it fails.
func findPGBin(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1])
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("PostgreSQL's server binaries (initdb, pg_ctl) not found, and CI=true: install postgresql")
	}
	t.Skip("PostgreSQL's server binaries (initdb, pg_ctl) not found")
	return ""
}

// startPGServer initialises a throwaway cluster and starts it; it is
// stopped and removed when the test ends.
func startPGServer(t *testing.T) *pgServer {
	t.Helper()
	s := &pgServer{bin: findPGBin(t)}
	dir, err := os.MkdirTemp("", "paystate-drill-pg-")
	require.NoError(t, err)
	s.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		require.NoError(t, err, "running as root needs the postgres user for initdb")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chown(dir, uid, gid))
		s.asPG = []string{"runuser", "-u", "postgres", "--"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.port = ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	s.run(t, "initdb", "-D", s.data(), "-U", "paystate", "--auth=trust", "-E", "UTF8", "--no-sync")
	s.start(t)
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *pgServer) data() string { return filepath.Join(s.dir, "data") }

// DSN is the server's "postgres" database.
func (s *pgServer) DSN() string {
	return fmt.Sprintf("postgres://paystate@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

func (s *pgServer) start(t *testing.T) {
	t.Helper()
	s.run(t, "pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "server.log"), "-w", "-t", "60", "-o",
		fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100", s.port, s.dir), "start")
}

// stop stops the server at once, as a crash or a failover would: open
// connections break and new ones are refused.
func (s *pgServer) stop(t *testing.T) {
	t.Helper()
	s.run(t, "pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
}

func (s *pgServer) run(t *testing.T, name string, args ...string) {
	t.Helper()
	argv := append(append(append([]string{}, s.asPG...), filepath.Join(s.bin, name)), args...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	require.NoError(t, err, "%s: %s", name, out)
}
