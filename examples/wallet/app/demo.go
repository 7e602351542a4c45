package app

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// Names of the files the demo configuration is made of, in the data folder.
const (
	walletConfigFile   = "wallet.json"
	merchantConfigFile = "merchant.json"
	cashierKeyFile     = "cashier.key"
)

// The demo partner and users.
const (
	demoPartnerID  = "P000000000000001demo"
	demoClientID   = "demo-merchant"
	demoWalletID   = "paystate-wallet"
	demoCashier    = "alice"
	demoAliceToken = "demo-token-alice"
	demoPublicURL  = "http://127.0.0.1:8080"
	demoBobToken   = "demo-token-bob"
)

// DemoConfig returns the configuration in dir, writing a fresh demo one
// (keys, wallet.json, merchant.json) first when dir has none. created says
// whether it did.
func DemoConfig(dir string) (path string, created bool, err error) {
	path = filepath.Join(dir, walletConfigFile)
	if _, err := os.Stat(path); err == nil {
		return path, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, err
	}
	for _, k := range []struct{ private, public string }{
		{"wallet.pem", "wallet.pub.pem"}, {"merchant.pem", "merchant.pub.pem"},
	} {
		if err := writeKeyPair(dir, k.private, k.public); err != nil {
			return "", false, err
		}
	}
	if err := writeSecret(filepath.Join(dir, cashierKeyFile)); err != nil {
		return "", false, err
	}
	wallet := Config{
		Listen:    "127.0.0.1:8080",
		PublicURL: demoPublicURL,
		Store:     "sqlite:paystate.db",
		Wallet:    WalletConfig{ClientID: demoWalletID, KeyVersion: "1", PrivateKeyFile: "wallet.pem"},
		Notify:    NotifyConfig{AllowHosts: []string{"127.0.0.1", "localhost", "::1"}},
		Partners: []PartnerConfig{{
			PartnerID: demoPartnerID, ClientID: demoClientID, Profile: string(alipayplus.ProfileMiniProgramV1),
			PublicKeys: map[string]string{"1": "merchant.pub.pem"}, Name: "Demo Coffee Roasters",
		}},
		Users: []UserConfig{
			{UserID: demoCashier, AccessToken: demoAliceToken, Balances: map[string]string{"USD": "1000000", "JPY": "500000"}},
			{UserID: "bob", AccessToken: demoBobToken, PaymentCodes: []string{"281234567890123456"}, Balances: map[string]string{"USD": "2500"}},
		},
		CashierUser: demoCashier,
		Cashier:     CashierConfig{KeyFile: cashierKeyFile},
	}
	merchant := shop.Config{
		WalletURL: wallet.PublicURL, PartnerID: demoPartnerID, ClientID: demoClientID,
		Profile: string(alipayplus.ProfileMiniProgramV1), KeyVersion: "1", PrivateKeyFile: "merchant.pem",
		WalletClientID: demoWalletID, WalletPublicKeyFile: "wallet.pub.pem", AccessToken: demoAliceToken,
	}
	if err := writeJSON(filepath.Join(dir, merchantConfigFile), merchant); err != nil {
		return "", false, err
	}
	// The wallet's file last: its presence means the folder is complete.
	if err := writeJSON(path, wallet); err != nil {
		return "", false, err
	}
	return path, true, nil
}

// describeBalances renders starting balances in major units, currencies
// in order: "JPY 500000, USD 10000.00".
func describeBalances(in map[string]string) string {
	var parts []string
	for _, cur := range slices.Sorted(maps.Keys(in)) {
		minor, err := strconv.ParseInt(in[cur], 10, 64)
		if err != nil {
			parts = append(parts, cur+" "+in[cur]+" (minor units)")
			continue
		}
		parts = append(parts, engine.Money{Currency: cur, Minor: minor}.String())
	}
	return strings.Join(parts, ", ")
}

func writeKeyPair(dir, private, public string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	priv, err := signing.MarshalPrivateKeyPEM(key)
	if err != nil {
		return err
	}
	pub, err := signing.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, private), priv, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, public), pub, 0o644)
}

// writeSecret writes 32 random bytes, hex-encoded, readable by the owner
// only.
func writeSecret(path string) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(hex.EncodeToString(b)+"\n"), 0o600)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// PrintDemoSummary tells a newcomer what was made and what to run next.
func PrintDemoSummary(w io.Writer, dir string, c *Config) {
	fmt.Fprintf(w, "paystate: first start, demo configuration written to %s/\n", dir)
	fmt.Fprintf(w, "  wallet   client id %s, signing key %s\n", c.Wallet.ClientID, filepath.Join(dir, c.Wallet.PrivateKeyFile))
	for _, p := range c.Partners {
		fmt.Fprintf(w, "  partner  %s (client id %s, profile %s), its key %s\n", p.PartnerID, p.ClientID, p.Profile, filepath.Join(dir, "merchant.pem"))
	}
	for _, u := range c.Users {
		fmt.Fprintf(w, "  user     %s, balance %s, access token %s\n", u.UserID, describeBalances(u.Balances), u.AccessToken)
	}
	fmt.Fprintf(w, "  cashier  pays as %s\n", c.CashierUser)
	fmt.Fprintf(w, "Next, in another terminal, pay as the demo merchant and open the cashier link it prints:\n")
	fmt.Fprintf(w, "  go run ./examples/merchant -config %s pay -amount 12.50 -currency USD\n", filepath.Join(dir, merchantConfigFile))
}

// FollowPublicURL points the demo merchant's configuration in dir
// (merchant.json) at publicURL, the address the wallet actually serves,
// so that the merchant command line and the load generator reach it
// whatever -listen said (a port picked for ":0" included). It rewrites the
// file only when its walletURL differs, keeps every other key, and does
// nothing when dir has no merchant.json.
func FollowPublicURL(dir, publicURL string) error {
	path := filepath.Join(dir, merchantConfigFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if m["walletURL"] == publicURL {
		return nil
	}
	m["walletURL"] = publicURL
	tmp := path + ".tmp"
	if err := writeJSON(tmp, m); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
