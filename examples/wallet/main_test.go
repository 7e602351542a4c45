package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With no configuration, the first start writes the demo one, says what
// to run next and serves until stopped; the second start reuses it. Both
// times the demo merchant's file names the address actually served (here
// a port picked for ":0"), so the command the summary prints reaches it.
func TestFirstStartWritesTheDemoAndServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "paystate-data")
	for _, first := range []bool{true, false} {
		ctx, cancel := context.WithCancel(t.Context())
		stdoutR, stdoutW := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-data", dir, "-listen", "127.0.0.1:0", "-log", "warn"}, stdoutW, io.Discard)
			stdoutW.Close()
		}()
		var printed []string
		lines := bufio.NewScanner(stdoutR)
		for lines.Scan() {
			printed = append(printed, lines.Text())
			if strings.HasPrefix(lines.Text(), "paystate wallet listening on http://127.0.0.1:") {
				break
			}
		}
		cancel()
		go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
		require.NoError(t, <-done)
		text := strings.Join(printed, "\n")
		assert.Contains(t, text, "paystate wallet listening on")
		assert.NotContains(t, text, "public URL http://127.0.0.1:0,", "the public URL follows the port picked for :0")
		url := regexp.MustCompile(`listening on (http://127\.0\.0\.1:[1-9]\d*)`).FindStringSubmatch(text)
		require.NotNil(t, url, text)
		assert.Equal(t, url[1], merchantWalletURL(t, filepath.Join(dir, "merchant.json")), "merchant.json follows the address served")
		if first {
			assert.Contains(t, text, "first start, demo configuration written to "+dir)
			assert.Contains(t, text, "go run ./examples/merchant -config "+filepath.Join(dir, "merchant.json")+" pay",
				"the next step needs no -wallet: the file names the port the wallet got")
		} else {
			assert.NotContains(t, text, "first start")
		}
	}
	_, err := os.Stat(filepath.Join(dir, "paystate.db"))
	assert.NoError(t, err, "the SQLite store is in the data folder")
}

// merchantWalletURL reads walletURL from a merchant configuration file.
func merchantWalletURL(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var m struct {
		WalletURL string `json:"walletURL"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	return m.WalletURL
}

func TestBadFlagsAndConfigurationStopWithOneLine(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "wallet.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"listen": "nope"}`), 0o600))
	err := run(t.Context(), []string{"-config", cfg}, io.Discard, io.Discard)
	require.EqualError(t, err, `config: listen: want host:port, got "nope"`)
	err = run(t.Context(), []string{"-config", cfg, "-log", "loud"}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "-log: ")
}

// -cpuprofile leaves a CPU profile of the server once it stops.
func TestCPUProfileIsWrittenWhenTheServerStops(t *testing.T) {
	dir := t.TempDir()
	profile := filepath.Join(dir, "wallet.pprof")
	ctx, cancel := context.WithCancel(t.Context())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-data", filepath.Join(dir, "data"), "-listen", "127.0.0.1:0", "-log", "warn", "-cpuprofile", profile}, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "paystate wallet listening on") {
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	require.NoError(t, <-done)
	raw, err := os.ReadFile(profile)
	require.NoError(t, err)
	assert.True(t, len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b, "a pprof profile (gzip) was written")
}
