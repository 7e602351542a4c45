package drills

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// member is one node as Patroni's /cluster answer describes it.
type member struct {
	Name  string `json:"name"`
	Role  string `json:"role"` // leader, sync_standby, replica
	State string `json:"state"`
	Port  int    `json:"port"`
}

// members asks any node's Patroni which member plays which role; nil when
// none answers.
func (c *patroniCluster) members() []member {
	for _, n := range c.nodes {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/cluster", n.apiPort), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			continue
		}
		var body struct {
			Members []member `json:"members"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		cancel()
		if err == nil {
			return body.Members
		}
	}
	return nil
}

// leader returns the running primary, if any.
func (c *patroniCluster) leader() (member, bool) {
	for _, m := range c.members() {
		if m.Role == "leader" && m.State == "running" {
			return m, true
		}
	}
	return member{}, false
}

// waitSynchronous waits until one node leads and the other runs as its
// synchronous standby, failing the test after limit.
func (c *patroniCluster) waitSynchronous(limit time.Duration) {
	c.t.Helper()
	c.waitFor(limit, "a primary with a synchronous standby", func() bool {
		roles := map[string]bool{}
		for _, m := range c.members() {
			if m.State == "running" || m.State == "streaming" {
				roles[m.Role] = true
			}
		}
		return roles["leader"] && roles["sync_standby"]
	})
}

// requireSynchronousCommit fails the test unless the primary commits
// synchronously: synchronous_commit on, synchronous_standby_names naming
// the standby, and that standby streaming in sync. Then a commit is
// acknowledged only once the standby has it on disk.
func (c *patroniCluster) requireSynchronousCommit() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.leaderDSN("postgres"))
	require.NoError(c.t, err)
	defer conn.Close(ctx)
	var commit, names string
	var inSync int
	require.NoError(c.t, conn.QueryRow(ctx, `SELECT current_setting('synchronous_commit'),
		current_setting('synchronous_standby_names'),
		(SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync')`).Scan(&commit, &names, &inSync))
	require.Equal(c.t, "on", commit)
	require.NotEmpty(c.t, names, "synchronous_standby_names")
	require.Equal(c.t, 1, inSync, "standbys streaming in sync")
}

// waitPromoted waits until a node other than old leads, and returns when
// Patroni first said so.
func (c *patroniCluster) waitPromoted(old string, limit time.Duration) time.Time {
	c.t.Helper()
	c.waitFor(limit, "the standby's promotion", func() bool {
		m, ok := c.leader()
		return ok && m.Name != old
	})
	return time.Now()
}

func (c *patroniCluster) waitFor(limit time.Duration, what string, done func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for !done() {
		for _, p := range append([]*process{c.etcd}, c.agents()...) {
			select {
			case <-p.exited:
				c.t.Fatalf("patroni: %s exited while waiting for %s; logs in %s:\n%s", p.name, what, c.dir, c.logTails())
			default:
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("patroni: no %s after %s; members %+v; logs in %s:\n%s", what, limit, c.members(), c.dir, c.logTails())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killPrimary SIGKILLs every process of the primary's PostgreSQL server,
// as the loss of its machine would, leaving Patroni to notice, and returns
// the primary's name and the moment of the kill.
func (c *patroniCluster) killPrimary() (string, time.Time) {
	c.t.Helper()
	m, ok := c.leader()
	require.True(c.t, ok, "a primary to kill")
	postmaster, ok := postmasterOf(filepath.Join(c.dir, m.Name))
	require.True(c.t, ok, "the primary's postmaster runs")
	pids := append(childrenOf(postmaster), postmaster)
	at := time.Now()
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return m.Name, at
}
