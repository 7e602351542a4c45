package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editConfig rewrites the demo wallet.json in dir through edit, as raw
// JSON, and returns its path.
func editConfig(t *testing.T, dir string, edit func(c map[string]any)) string {
	t.Helper()
	path := filepath.Join(dir, walletConfigFile)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c))
	edit(c)
	raw, err = json.Marshal(c)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

func loadAndCheck(path string) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	return cfg.Check()
}

func partner(c map[string]any) map[string]any     { return c["partners"].([]any)[0].(map[string]any) }
func user(c map[string]any, i int) map[string]any { return c["users"].([]any)[i].(map[string]any) }

// A bad configuration is refused with one line naming the key and the
// problem.
func TestBadConfigurationNamesTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c map[string]any)
		want string
	}{
		{"listen not host:port", func(c map[string]any) { c["listen"] = "8080" }, `config: listen: want host:port, got "8080"`},
		{"listen not a string", func(c map[string]any) { c["listen"] = 8080 }, "config: listen: want a JSON string, got number"},
		{"public URL", func(c map[string]any) { c["publicURL"] = "ftp://wallet" }, `config: publicURL: want an absolute http(s) URL, got "ftp://wallet"`},
		{"store kind", func(c map[string]any) { c["store"] = "mysql://u:secret@db/x" }, `config: store: want "sqlite:PATH" or "postgres://...", got "mysql://u:xxxxx@db/x"`},
		{"store kind, password in the query", func(c map[string]any) { c["store"] = "mysql://u@db/x?password=secret" }, `got "mysql://u@db/x?password=xxxxx"`},
		{"store path", func(c map[string]any) { c["store"] = "sqlite:" }, "config: store: sqlite: needs a file path, e.g. sqlite:paystate.db"},
		{"wallet client id", func(c map[string]any) { c["wallet"].(map[string]any)["clientId"] = "" }, "config: wallet.clientId: is required"},
		{"wallet key missing", func(c map[string]any) { c["wallet"].(map[string]any)["privateKeyFile"] = "nope.pem" }, "config: wallet.privateKeyFile: open "},
		{"wallet key not a key", func(c map[string]any) { c["wallet"].(map[string]any)["privateKeyFile"] = "merchant.pub.pem" }, "config: wallet.privateKeyFile: "},
		{"no partners", func(c map[string]any) { c["partners"] = []any{} }, "config: partners: at least one partner is required"},
		{"partner profile", func(c map[string]any) { partner(c)["profile"] = "v2" }, `config: partners[0].profile: want miniprogram-v1, v1-en or antom, got "v2"`},
		{"partner keys", func(c map[string]any) { partner(c)["publicKeys"] = map[string]any{} }, "config: partners[0].publicKeys: at least one key version is required"},
		{"partner key file", func(c map[string]any) { partner(c)["publicKeys"] = map[string]any{"2": "gone.pem"} }, `config: partners[0].publicKeys["2"]: open `},
		{"partner twice", func(c map[string]any) { c["partners"] = append(c["partners"].([]any), partner(c)) }, `config: partners[1].partnerId: "P000000000000001demo" is listed twice`},
		{"notify CIDR", func(c map[string]any) { c["notify"] = map[string]any{"allowCIDRs": []any{"10.0.0.0/33"}} }, `config: notify.allowCIDRs[0]: want an address range such as "10.0.0.0/8" (no leading zeros, no spaces), got "10.0.0.0/33"`},
		// net.ParseCIDR took this one and netip.ParsePrefix, which the
		// notifier used, dropped it silently: one parser now refuses it.
		{"notify CIDR with a leading zero", func(c map[string]any) { c["notify"] = map[string]any{"allowCIDRs": []any{"127.0.0.0/08"}} }, `config: notify.allowCIDRs[0]: want an address range such as "10.0.0.0/8" (no leading zeros, no spaces), got "127.0.0.0/08"`},
		{"operator listen", func(c map[string]any) { c["operatorListen"] = "9090" }, `config: operatorListen: want host:port, got "9090"`},
		{"max connections", func(c map[string]any) { c["maxConnections"] = -1 }, `config: maxConnections: must not be negative, got -1`},
		{"user id", func(c map[string]any) { user(c, 1)["userId"] = "" }, "config: users[1].userId: is required"},
		{"user twice", func(c map[string]any) { user(c, 1)["userId"] = "alice" }, `config: users[1].userId: "alice" is listed twice`},
		{"balance currency", func(c map[string]any) { user(c, 0)["balances"] = map[string]any{"XYZ": "1"} }, `config: users[0].balances["XYZ"]: "XYZ" is not an ISO 4217 currency code`},
		{"balance sign", func(c map[string]any) { user(c, 0)["balances"] = map[string]any{"USD": "-5"} }, `config: users[0].balances["USD"]: want minor units as a string of 1 to 16 digits, got "-5"`},
		{"balance too long", func(c map[string]any) { user(c, 0)["balances"] = map[string]any{"USD": "12345678901234567"} }, `want minor units as a string of 1 to 16 digits, got "12345678901234567"`},
		{"balance a number", func(c map[string]any) { user(c, 0)["balances"] = map[string]any{"USD": 5} }, "config: users.balances: want a JSON string, got number"},
		{"cashier user unknown", func(c map[string]any) { c["cashierUser"] = "carol" }, `config: cashierUser: "carol" is not one of users`},
		{"cashier user missing", func(c map[string]any) { delete(c, "cashierUser") }, "config: cashierUser: is required"},
		{"worker lease", func(c map[string]any) { c["worker"] = map[string]any{"lease": "2 minutes"} }, `config: worker.lease: want a positive duration such as "30s", got "2 minutes"`},
		{"worker poll", func(c map[string]any) { c["worker"] = map[string]any{"poll": "-1s"} }, `config: worker.poll: want a positive duration such as "30s", got "-1s"`},
		{"worker attempt timeout", func(c map[string]any) { c["worker"] = map[string]any{"attemptTimeout": "soon"} }, `config: worker.attemptTimeout: want a positive duration such as "30s", got "soon"`},
		{"worker lease too short", func(c map[string]any) { c["worker"] = map[string]any{"lease": "10s"} }, "config: worker.lease: 10s must be longer than worker.attemptTimeout (15s): a send must end inside its lease"},
		{"public URL without host", func(c map[string]any) { c["publicURL"] = "http://:8080" }, `config: publicURL: want an absolute http(s) URL, got "http://:8080"`},
		{"cashier key short", func(c map[string]any) { c["cashier"] = map[string]any{"keyFile": "short.key"} }, "config: cashier.keyFile: holds 5 bytes, at least 32 are needed"},
		{"partner per-payment limit", func(c map[string]any) {
			partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"USD": "1.5"}}
		}, `config: partners[0].limits.perPayment["USD"]: want minor units as a string of 1 to 16 digits, got "1.5"`},
		{"partner per-payment zero", func(c map[string]any) {
			partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"USD": "0"}}
		}, `config: partners[0].limits.perPayment["USD"]: want a limit above 0 minor units, got "0"`},
		{"partner per-payment currency", func(c map[string]any) {
			partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"usd": "100"}}
		}, `config: partners[0].limits.perPayment["usd"]: "usd" is not an ISO 4217 currency code`},
		{"partner rate", func(c map[string]any) { partner(c)["rateLimit"] = map[string]any{"perSecond": 0, "burst": 5} }, `config: partners[0].rateLimit.perSecond: want a number of requests a second > 0, got 0`},
		{"partner burst", func(c map[string]any) { partner(c)["rateLimit"] = map[string]any{"perSecond": 10, "burst": -1} }, `config: partners[0].rateLimit.burst: want a whole number of requests >= 0 (0: perSecond rounded up), got -1`},
		{"partner burst not whole", func(c map[string]any) { partner(c)["rateLimit"] = map[string]any{"perSecond": 10, "burst": 1.5} }, `config: partners.rateLimit.burst: want a JSON int`},
		{"partner status", func(c map[string]any) { partner(c)["status"] = "paused" }, `config: partners[0].status: want "active" or "suspended", got "paused"`},
		{"user daily limit", func(c map[string]any) { user(c, 0)["limits"] = map[string]any{"daily": map[string]any{"USD": "-1"}} }, `config: users[0].limits.daily["USD"]: want minor units as a string of 1 to 16 digits, got "-1"`},
		{"user daily count", func(c map[string]any) { user(c, 1)["limits"] = map[string]any{"dailyCount": -2} }, `config: users[1].limits.dailyCount: want a whole number of payments >= 0 (0: no limit), got -2`},
		{"user status", func(c map[string]any) { user(c, 1)["status"] = "suspended" }, `config: users[1].status: want "active" or "frozen", got "suspended"`},
		{"limit zone", func(c map[string]any) { c["limitZone"] = "Mars/Olympus" }, `config: limitZone: want an IANA time zone such as "Asia/Singapore" or "UTC", got "Mars/Olympus"`},
		{"auth expiry", func(c map[string]any) { c["authExpiry"] = "7d" }, `config: authExpiry: want a positive duration such as "168h", got "7d"`},
		{"auth expiry zero", func(c map[string]any) { c["authExpiry"] = "0s" }, `config: authExpiry: want a positive duration such as "168h", got "0s"`},
		{"auth expiry too long", func(c map[string]any) { c["authExpiry"] = "721h" }, `config: authExpiry: 721h is longer than the 720h0m0s a pay may ask for`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := demoDir(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "short.key"), []byte("short"), 0o600))
			err := loadAndCheck(editConfig(t, dir, tc.edit))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "config: "), err.Error())
			assert.NotContains(t, err.Error(), "\n", "one line")
			assert.NotContains(t, err.Error(), "secret", "no password")
		})
	}
}

func TestConfigurationNotJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"listen": "127.0.0.1:8080",`), 0o600))
	err := loadAndCheck(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path+" is not valid JSON")
}

// The demo configuration is written once; the second start reads it.
func TestDemoConfigIsWrittenOnce(t *testing.T) {
	dir := demoDir(t)
	before, err := os.ReadFile(filepath.Join(dir, "wallet.pem"))
	require.NoError(t, err)
	path, created, err := DemoConfig(dir)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, filepath.Join(dir, walletConfigFile), path)
	after, err := os.ReadFile(filepath.Join(dir, "wallet.pem"))
	require.NoError(t, err)
	assert.Equal(t, before, after, "the wallet key survives")
	require.NoError(t, loadAndCheck(path))
}

// Flags name paths relative to the working directory, the file's own
// keys relative to the file.
func TestStoreOverrideIsRelativeToTheWorkingDirectory(t *testing.T) {
	dir := demoDir(t)
	cfg, err := LoadConfig(filepath.Join(dir, walletConfigFile))
	require.NoError(t, err)
	kind, target, err := cfg.storeKind()
	require.NoError(t, err)
	assert.Equal(t, "sqlite", kind)
	assert.Equal(t, filepath.Join(dir, "paystate.db"), target)
	cfg.SetStore("sqlite:other.db", "/work")
	_, target, err = cfg.storeKind()
	require.NoError(t, err)
	assert.Equal(t, "/work/other.db", target)
}
