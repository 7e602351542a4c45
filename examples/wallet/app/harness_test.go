package app

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/merchant/shop"
)

// running is a wallet server serving on loopback for one test, with the
// demo merchant pointed at it.
type running struct {
	url      string
	server   *Server
	merchant *shop.Merchant
	stop     func() error // graceful shutdown: Run's result
}

// demoDir writes the demo configuration into a fresh folder.
func demoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, created, err := DemoConfig(dir)
	require.NoError(t, err)
	require.True(t, created)
	return dir
}

// start runs the wallet of the configuration in dir on a free port until
// the test ends or stop is called.
func start(t *testing.T, dir string) *running {
	t.Helper()
	cfg, err := LoadConfig(filepath.Join(dir, walletConfigFile))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.Listen, cfg.PublicURL = ln.Addr().String(), "http://"+ln.Addr().String()
	require.NoError(t, cfg.Check())

	s, err := New(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	serving := s.Start(t.Context(), ln)
	closed := false
	stop := func() error {
		err := serving()
		if !closed {
			closed = true
			s.Close()
		}
		return err
	}
	t.Cleanup(func() { _ = stop() })

	_, merchant, _, err := shop.LoadConfig(filepath.Join(dir, merchantConfigFile))
	require.NoError(t, err)
	merchant.Client.BaseURL = cfg.PublicURL
	return &running{url: cfg.PublicURL, server: s, merchant: merchant, stop: stop}
}

// get fetches path from the wallet and returns the status and body.
func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.url + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}
