package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// wallet is the reference wallet running as a child process, serving its
// demo configuration on a loopback port the system picked.
type wallet struct {
	cmd    *exec.Cmd
	dir    string // its data folder: wallet.json, merchant.json, keys
	url    string // http://127.0.0.1:PORT
	exited chan struct{}
	stderr *lockedBuffer
}

// startWallet runs bin with the demo configuration in dir (written on
// this first start) and store ("" for the demo's SQLite file), with a CPU
// profile written to profile when it is not empty, and waits for the line
// saying where it listens.
func startWallet(bin, dir, store, profile string) (*wallet, error) {
	args := []string{"-data", dir, "-listen", "127.0.0.1:0", "-log", "warn"}
	if store != "" {
		args = append(args, "-store", store)
	}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w := &wallet{cmd: cmd, dir: dir, exited: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	urls := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), "paystate wallet listening on "); ok {
				urls <- strings.Fields(rest)[0]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { _ = cmd.Wait(); close(w.exited) }()
	select {
	case w.url = <-urls:
		return w, nil
	case <-w.exited:
		return nil, fmt.Errorf("wallet exited while starting: %s", w.stderr)
	case <-time.After(time.Minute):
		w.stop()
		return nil, fmt.Errorf("wallet not listening after a minute: %s", w.stderr)
	}
}

// merchantConfig is the demo merchant's configuration file, which names
// the address the wallet serves.
func (w *wallet) merchantConfig() string { return filepath.Join(w.dir, "merchant.json") }

// cpu is the CPU time (user + system) the wallet process has used so far,
// from /proc/PID/stat, in clock ticks of 10 ms.
func (w *wallet) cpu() (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", w.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("wallet CPU time: %w", err)
	}
	// Fields after the command name in parentheses, which may hold spaces:
	// state is field 3, utime 14 and stime 15.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("wallet CPU time: short /proc stat %q", raw)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("wallet CPU time: %w", err)
		}
		ticks += n
	}
	const userHZ = 100 // USER_HZ, fixed at 100 on Linux
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// stop ends the wallet gracefully (SIGTERM, which also writes its CPU
// profile), or kills it after 30 s.
func (w *wallet) stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.exited
	}
}

// lockedBuffer collects a child's stderr while the harness may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
