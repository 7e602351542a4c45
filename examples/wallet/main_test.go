package main

import (
	"bufio"
	"context"
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
// to run next and serves until stopped; the second start reuses it.
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
		if first {
			assert.Contains(t, text, "first start, demo configuration written to "+dir)
			assert.Regexp(t, regexp.QuoteMeta("go run ./examples/merchant -config "+filepath.Join(dir, "merchant.json"))+
				` -wallet http://127\.0\.0\.1:[1-9]\d* pay`, text, "the next step names the port the wallet got")
		} else {
			assert.NotContains(t, text, "first start")
		}
	}
	_, err := os.Stat(filepath.Join(dir, "paystate.db"))
	assert.NoError(t, err, "the SQLite store is in the data folder")
}

func TestBadFlagsAndConfigurationStopWithOneLine(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "wallet.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"listen": "nope"}`), 0o600))
	err := run(t.Context(), []string{"-config", cfg}, io.Discard, io.Discard)
	require.EqualError(t, err, `config: listen: want host:port, got "nope"`)
	err = run(t.Context(), []string{"-config", cfg, "-log", "loud"}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "-log: ")
}
