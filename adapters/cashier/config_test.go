package cashier_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/cashier"
)

// TestNewChecksConfig: New refuses what cannot work.
func TestNewChecksConfig(t *testing.T) {
	f := newFixture(t)
	ok := cashier.Config{Engine: f.eng, User: user}
	for name, change := range map[string]func(*cashier.Config){
		"no engine":        func(c *cashier.Config) { c.Engine = nil },
		"no user":          func(c *cashier.Config) { c.User = "" },
		"short key":        func(c *cashier.Config) { c.Key = []byte("short") },
		"no trailing /":    func(c *cashier.Config) { c.BaseURL = "/cashier" },
		"relative path":    func(c *cashier.Config) { c.BaseURL = "cashier/" },
		"ftp":              func(c *cashier.Config) { c.BaseURL = "ftp://wallet.example/cashier/" },
		"no host":          func(c *cashier.Config) { c.BaseURL = "https:///cashier/" },
		"query":            func(c *cashier.Config) { c.BaseURL = "https://wallet.example/cashier/?a=b" },
		"scheme-less host": func(c *cashier.Config) { c.BaseURL = "//wallet.example/cashier/" },
	} {
		c := ok
		change(&c)
		_, err := cashier.New(c)
		require.Error(t, err, name)
	}
	_, err := cashier.New(ok)
	require.NoError(t, err)
	_, err = cashier.New(cashier.Config{Engine: f.eng, UserOf: func(*http.Request) (string, error) { return user, nil }})
	require.NoError(t, err)
}

// TestURLScheme: URL is BaseURL plus the escaped payment id, Prefix is
// BaseURL's path, and the handler serves the URLs it makes.
func TestURLScheme(t *testing.T) {
	f := newFixture(t)
	h, err := cashier.New(cashier.Config{Engine: f.eng, User: user})
	require.NoError(t, err)
	require.Equal(t, "/cashier/", h.Prefix())
	require.Equal(t, "/cashier/pay-1", h.URL("pay-1"))
	require.Equal(t, "/cashier/a%2Fb%20c", h.URL("a/b c"))

	h, err = cashier.New(cashier.Config{Engine: f.eng, User: user, BaseURL: "https://wallet.example/app/pay%20here/"})
	require.NoError(t, err)
	require.Equal(t, "/app/pay%20here/", h.Prefix())
	require.Equal(t, "https://wallet.example/app/pay%20here/pay-1", h.URL("pay-1"))

	f = newFixture(t, func(c *cashier.Config) { c.BaseURL = "https://wallet.example/app/pay%20here/" })
	p := f.order(t)
	w := f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), "Pay USD 12.34")
}
