// Package wallettest runs the reference wallet (examples/wallet/app) inside
// a test, on a free loopback port with its demo configuration, for the
// tests of what talks to it: the merchant command line, the load
// generator and the drills.
package wallettest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/app"
)

// Files of the demo configuration in its folder.
const (
	WalletConfig   = "wallet.json"
	MerchantConfig = "merchant.json"
)

// Demo writes the wallet's demo configuration into a new temporary folder
// and returns the folder. edit, when not nil, changes the configuration
// before it is written back.
func Demo(t testing.TB, edit func(c *app.Config)) string {
	t.Helper()
	dir := t.TempDir()
	path, _, err := app.DemoConfig(dir)
	require.NoError(t, err)
	if edit != nil {
		cfg, err := app.LoadConfig(path)
		require.NoError(t, err)
		edit(cfg)
		raw, err := json.MarshalIndent(cfg, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, raw, 0o600))
	}
	return dir
}

// Wallet is a reference wallet serving for one test.
type Wallet struct {
	Dir    string // its configuration folder
	URL    string // http://127.0.0.1:PORT
	Server *app.Server
	stop   func() error
}

// Start serves the wallet configured in dir on a free loopback port until
// the test ends or Stop is called.
func Start(t testing.TB, dir string) *Wallet {
	t.Helper()
	cfg, err := app.LoadConfig(filepath.Join(dir, WalletConfig))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.Listen, cfg.PublicURL = ln.Addr().String(), "http://"+ln.Addr().String()
	require.NoError(t, cfg.Check())
	s, err := app.New(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	serving := s.Start(t.Context(), ln)
	closed := false
	w := &Wallet{Dir: dir, URL: cfg.PublicURL, Server: s}
	w.stop = func() error {
		err := serving()
		if !closed {
			closed = true
			s.Close()
		}
		return err
	}
	t.Cleanup(func() { _ = w.stop() })
	return w
}

// Stop shuts the wallet down gracefully and returns what Run returned.
func (w *Wallet) Stop() error { return w.stop() }

// Merchant returns the demo merchant pointed at the wallet: its
// configuration (with the demo user's access token), its client and its
// notifyPayment endpoint (Received unset).
func (w *Wallet) Merchant(t testing.TB) (*shop.Config, *shop.Merchant, *shop.Notifications) {
	t.Helper()
	cfg, m, n, err := shop.LoadConfig(filepath.Join(w.Dir, MerchantConfig))
	require.NoError(t, err)
	m.Client.BaseURL = w.URL
	return cfg, m, n
}

// MerchantConfigFile rewrites the demo merchant's configuration file to
// point at the wallet and returns its path, for the merchant command line.
func (w *Wallet) MerchantConfigFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(w.Dir, MerchantConfig)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["walletURL"] = w.URL
	raw, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}
