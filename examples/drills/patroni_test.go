package drills

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// patroniCluster is a PostgreSQL primary and its synchronous standby on
// loopback, each kept by a Patroni agent, with one etcd member as Patroni's
// store of who leads. Everything runs from a temporary folder and is
// killed when the test ends.
type patroniCluster struct {
	t     *testing.T
	dir   string
	pgBin string
	cred  *syscall.Credential // the postgres user's, when running as root
	etcd  *process
	nodes []*patroniNode
}

// patroniNode is one PostgreSQL server and the Patroni agent keeping it.
type patroniNode struct {
	name    string
	pgPort  int
	apiPort int // Patroni's REST API
	agent   *process
}

// process is a program the cluster started.
type process struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when it has exited
}

func (n *patroniNode) dataDir(c *patroniCluster) string { return filepath.Join(c.dir, n.name) }

// findPatroni returns the paths of patroni and etcd, skipping the test
// without them, except under CI=true, where it fails.
func findPatroni(t *testing.T) (patroni, etcd string) {
	t.Helper()
	patroni, err1 := exec.LookPath("patroni")
	etcd, err2 := exec.LookPath("etcd")
	if err1 == nil && err2 == nil {
		return patroni, etcd
	}
	const why = "patroni and etcd not found (Debian: apt-get install patroni etcd-server)"
	if os.Getenv("CI") == "true" {
		t.Fatal(why + ", and CI=true: .ci/run installs them")
	}
	t.Skip(why)
	return "", ""
}

// startPatroniCluster starts etcd and two Patroni nodes and waits until one
// leads and the other is its synchronous standby.
func startPatroniCluster(t *testing.T) *patroniCluster {
	t.Helper()
	patroni, etcd := findPatroni(t)
	// The folder that really holds initdb (PATH may hold symbolic links to
	// some of the tools only) holds the others Patroni runs.
	initdb, err := filepath.EvalSymlinks(filepath.Join(findPGBin(t), "initdb"))
	require.NoError(t, err)
	c := &patroniCluster{t: t, pgBin: filepath.Dir(initdb)}
	for _, tool := range []string{"pg_basebackup", "pg_rewind", "pg_controldata"} {
		_, err := os.Stat(filepath.Join(c.pgBin, tool))
		require.NoError(t, err, "Patroni needs %s beside initdb", tool)
	}
	dir, err := os.MkdirTemp("", "paystate-drill-patroni-")
	require.NoError(t, err)
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		require.NoError(t, err, "running as root needs the postgres user for PostgreSQL")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		require.NoError(t, os.Chown(dir, uid, gid))
	}
	t.Cleanup(c.stop)

	etcdClient, etcdPeer := freePort(t), freePort(t)
	c.etcd = c.spawn("etcd", etcd, "--name", "drill", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdClient),
		"--advertise-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdClient),
		"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer),
		"--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer),
		"--initial-cluster", fmt.Sprintf("drill=http://127.0.0.1:%d", etcdPeer))
	for _, name := range []string{"pg1", "pg2"} {
		n := &patroniNode{name: name, pgPort: freePort(t), apiPort: freePort(t)}
		conf := filepath.Join(dir, name+".yml")
		require.NoError(t, os.WriteFile(conf, []byte(c.patroniConfig(n, etcdClient)), 0o644))
		n.agent = c.spawn(name, patroni, conf)
		c.nodes = append(c.nodes, n)
	}
	c.waitSynchronous(2 * time.Minute)
	return c
}

// patroniConfig is node n's Patroni configuration: a one-second loop, an
// immediate failover when the primary's server crashes
// (primary_start_timeout 0), and synchronous replication in Patroni's
// synchronous_mode: the primary's synchronous_standby_names names the
// standby, and only that standby may be promoted.
func (c *patroniCluster) patroniConfig(n *patroniNode, etcdPort int) string {
	return fmt.Sprintf(`scope: paystate-drill
name: %[1]s
restapi: {listen: "127.0.0.1:%[2]d", connect_address: "127.0.0.1:%[2]d"}
etcd3: {hosts: "127.0.0.1:%[3]d"}
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 1
    retry_timeout: 5
    primary_start_timeout: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      remove_data_directory_on_rewind_failure: true
      remove_data_directory_on_diverged_timelines: true
      parameters: {synchronous_commit: "on", max_connections: 100, wal_log_hints: "on"}
  initdb: [{encoding: UTF8}, {username: paystate}, {auth: trust}]
  pg_hba: ["local all all trust", "local replication all trust", "host all all 127.0.0.1/32 trust", "host replication all 127.0.0.1/32 trust"]
postgresql:
  listen: "127.0.0.1:%[4]d"
  connect_address: "127.0.0.1:%[4]d"
  data_dir: %[5]s
  bin_dir: %[6]s
  authentication:
    superuser: {username: paystate}
    replication: {username: paystate}
    rewind: {username: paystate}
  pgpass: %[7]s/%[1]s.pgpass
  parameters: {unix_socket_directories: "%[7]s"}
`, n.name, n.apiPort, etcdPort, n.pgPort, n.dataDir(c), c.pgBin, c.dir)
}

// spawn starts a program of the cluster in its own process group, as the
// postgres user when running as root, with the cluster's folder as its
// home, logging to dir/name.log.
func (c *patroniCluster) spawn(name, path string, args ...string) *process {
	c.t.Helper()
	log, err := os.Create(filepath.Join(c.dir, name+".log"))
	require.NoError(c.t, err)
	defer log.Close()
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "HOME="+c.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	require.NoError(c.t, cmd.Start())
	p := &process{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return p
}

// leaderDSN is a DSN for the database db on the current primary alone.
func (c *patroniCluster) leaderDSN(db string) string {
	c.t.Helper()
	m, ok := c.leader()
	require.True(c.t, ok, "a primary")
	return fmt.Sprintf("postgres://paystate@127.0.0.1:%d/%s?sslmode=disable", m.Port, db)
}

// DSN names every server of the cluster for the database db and asks for
// the one that takes writes, as a wallet's configuration would.
func (c *patroniCluster) DSN(db string) string {
	hosts := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		hosts[i] = fmt.Sprintf("127.0.0.1:%d", n.pgPort)
	}
	return fmt.Sprintf("postgres://paystate@%s/%s?sslmode=disable&target_session_attrs=read-write&connect_timeout=5",
		strings.Join(hosts, ","), db)
}

// agents returns the Patroni agents' processes.
func (c *patroniCluster) agents() []*process {
	var ps []*process
	for _, n := range c.nodes {
		ps = append(ps, n.agent)
	}
	return ps
}

// logTails returns the last lines of every log of the cluster.
func (c *patroniCluster) logTails() string {
	var b strings.Builder
	logs, _ := filepath.Glob(filepath.Join(c.dir, "*.log"))
	for _, path := range logs {
		raw, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		fmt.Fprintf(&b, "== %s\n%s\n", filepath.Base(path), strings.Join(lines[max(0, len(lines)-15):], "\n"))
	}
	return b.String()
}

// stop kills the Patroni agents first (so none restarts a server), then
// every PostgreSQL server, then etcd.
func (c *patroniCluster) stop() {
	for _, p := range c.agents() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	for _, n := range c.nodes {
		if pid, ok := postmasterOf(n.dataDir(c)); ok {
			for _, p := range append(childrenOf(pid), pid) {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
	}
	if c.etcd != nil {
		_ = syscall.Kill(-c.etcd.cmd.Process.Pid, syscall.SIGKILL)
	}
	if c.t.Failed() {
		c.t.Logf("patroni cluster logs:\n%s", c.logTails())
	}
}
