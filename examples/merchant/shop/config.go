package shop

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
)

// Config is a merchant's configuration file (JSON) for one wallet; paths
// are relative to the file. The reference wallet writes one for its demo
// partner (paystate-data/merchant.json).
type Config struct {
	WalletURL           string `json:"walletURL"`
	PartnerID           string `json:"partnerId"`
	ClientID            string `json:"clientId"`
	Profile             string `json:"profile"`
	KeyVersion          string `json:"keyVersion"`
	PrivateKeyFile      string `json:"privateKeyFile"` // PKCS#8 PEM
	WalletClientID      string `json:"walletClientId"`
	WalletPublicKeyFile string `json:"walletPublicKeyFile"` // PKIX PEM
	// AccessToken is a demo user's agreement token, for agreement pay.
	AccessToken string `json:"accessToken,omitempty"`
}

// LoadConfig reads a Config and builds the Merchant and the callback
// endpoint it describes (Notifications.Received left for the caller).
func LoadConfig(path string) (*Config, *Merchant, *Notifications, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	read := func(key, file string) ([]byte, error) {
		if file == "" {
			return nil, fmt.Errorf("%s: %s is required", path, key)
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		return b, nil
	}
	rawKey, err := read("privateKeyFile", c.PrivateKeyFile)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := signing.ParsePrivateKey(rawKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: privateKeyFile: %w", path, err)
	}
	rawWallet, err := read("walletPublicKeyFile", c.WalletPublicKeyFile)
	if err != nil {
		return nil, nil, nil, err
	}
	walletKey, err := signing.ParsePublicKey(rawWallet)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: walletPublicKeyFile: %w", path, err)
	}
	m := &Merchant{
		PartnerID: c.PartnerID,
		Client: &client.Client{BaseURL: c.WalletURL, ClientID: c.ClientID, Key: key, KeyVersion: c.KeyVersion,
			WalletKey: walletKey, WalletClientID: c.WalletClientID},
	}
	n := &Notifications{WalletKey: walletKey, WalletClientID: c.WalletClientID, Key: key, ClientID: c.ClientID}
	return &c, m, n, nil
}
