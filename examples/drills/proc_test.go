package drills

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/wallet/app"
)

// walletProc is one wallet server process of a drill, restartable on the
// same address.
type walletProc struct {
	t      *testing.T
	name   string
	config string // its configuration file
	addr   string // host:port, the same across restarts
	URL    string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	stderr *syncBuffer
	starts int
}

// syncBuffer is a bytes.Buffer a child process writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newWalletProc writes a configuration for one process, derived from the
// demo configuration in dir with store, on a free port, and starts it.
func newWalletProc(t *testing.T, dir, name, store string) *walletProc {
	t.Helper()
	cfg, err := app.LoadConfig(filepath.Join(dir, "wallet.json"))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cfg.Listen, cfg.PublicURL, cfg.Store = addr, "http://"+addr, store
	raw, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	path := filepath.Join(dir, name+".json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	p := &walletProc{t: t, name: name, config: path, addr: addr, URL: cfg.PublicURL}
	p.start()
	t.Cleanup(p.stop)
	return p
}

// start runs the process and waits until it answers /healthz.
func (p *walletProc) start() {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), walletEnv+"="+p.config)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	require.NoError(p.t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.mu.Lock()
	p.cmd, p.exited, p.stderr = cmd, exited, stderr
	p.starts++
	p.mu.Unlock()
	p.waitHealthy()
}

func (p *walletProc) waitHealthy() {
	p.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			p.t.Fatalf("wallet %s exited while starting: %s", p.name, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("wallet %s not healthy after a minute: %v; stderr: %s", p.name, err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *walletProc) kill() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

// stop ends the process gracefully (SIGTERM), or kills it after 15 s.
func (p *walletProc) stop() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
}

func (p *walletProc) String() string { return fmt.Sprintf("%s (%s)", p.name, p.addr) }
