package app

import (
	"bytes"
	"cmp"
	"log/slog"
	"os"
	"strings"

	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
)

// cashierPrefix is the path the cashier page is served under.
const cashierPrefix = cashier.DefaultBaseURL

// newCashier builds the cashier page at PublicURL/cashier/, paying as
// cfg.CashierUser, with the partners' names as merchant names.
func newCashier(cfg *Config, eng *engine.Engine, logger *slog.Logger) (*cashier.Handler, error) {
	key, err := cfg.cashierKey()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, p := range cfg.Partners {
		names[p.PartnerID] = cmp.Or(p.Name, p.PartnerID)
	}
	return cashier.New(cashier.Config{
		Engine:       eng,
		BaseURL:      strings.TrimSuffix(cfg.PublicURL, "/") + cashierPrefix,
		Key:          key,
		User:         cfg.CashierUser,
		MerchantName: func(partnerID string) string { return names[partnerID] },
		WalletName:   "paystate wallet",
		Logger:       logger,
	})
}

// cashierKey reads the cashier's form key; nil (a random key per process)
// when the configuration names none.
func (c *Config) cashierKey() ([]byte, error) {
	const key = "cashier.keyFile"
	if c.Cashier.KeyFile == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(c.path(c.Cashier.KeyFile))
	if err != nil {
		return nil, problem(key, "%v", err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) < cashier.MinKeyBytes {
		return nil, problem(key, "holds %d bytes, at least %d are needed", len(raw), cashier.MinKeyBytes)
	}
	return raw, nil
}
