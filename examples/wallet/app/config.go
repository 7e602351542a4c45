package app

import (
	"cmp"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store/pgstore"
)

// Config is the wallet server's configuration file (JSON). Paths in it
// are relative to the file's folder. Unknown keys are ignored.
type Config struct {
	Listen string `json:"listen"` // host:port to serve on
	// OperatorListen, when set, is a second host:port that serves
	// /metrics and /healthz for operators only; /metrics then leaves the
	// API listener. Keep it on loopback or a private network.
	OperatorListen string `json:"operatorListen"`
	// MaxConnections caps the API listener's open connections (0:
	// DefaultMaxConnections); further clients wait in the kernel's
	// backlog until one closes.
	MaxConnections int             `json:"maxConnections"`
	PublicURL      string          `json:"publicURL"` // how merchants and users reach this server
	Store          string          `json:"store"`     // "sqlite:PATH" or "postgres://..."
	Wallet         WalletConfig    `json:"wallet"`
	Notify         NotifyConfig    `json:"notify"`
	Partners       []PartnerConfig `json:"partners"`
	Users          []UserConfig    `json:"users"`
	CashierUser    string          `json:"cashierUser"` // who pays on the cashier page
	// LimitZone is the IANA time zone whose days users[].limits count
	// ("Asia/Singapore"); empty means UTC.
	LimitZone string `json:"limitZone,omitempty"`
	// AuthExpiry is how long an authorization's hold lasts when the pay
	// does not say (engine.Config.AuthExpiry), a Go duration ("168h");
	// empty for the engine's default, 7 days.
	AuthExpiry string        `json:"authExpiry,omitempty"`
	Cashier    CashierConfig `json:"cashier"`
	Worker     WorkerConfig  `json:"worker"`

	file      string // the config file, read again by a reload
	dir       string // the config file's folder
	storeBase string // folder a relative sqlite path is resolved in; "" means dir
}

// SetStore overrides the store setting; a relative sqlite path is taken
// relative to base (the working directory of a command line) rather than
// to the configuration file.
func (c *Config) SetStore(store, base string) {
	c.Store, c.storeBase = store, base
}

// WalletConfig is the wallet's own identity: the Client-Id and key it signs
// answers and notifications with.
type WalletConfig struct {
	ClientID       string `json:"clientId"`
	KeyVersion     string `json:"keyVersion"`
	PrivateKeyFile string `json:"privateKeyFile"` // PKCS#8 PEM
	// SiteName is the wallet's siteName as mini-programs see it; when
	// set, a mini-program partner's extendInfo.customerBelongsTo must
	// name it (alipayplus.Config.SiteName). Empty: not checked.
	SiteName string `json:"siteName,omitempty"`
}

// NotifyConfig tunes notification delivery.
type NotifyConfig struct {
	// AllowHosts lists notify URL hosts (names or IPs) that may be
	// loopback or private, which are refused otherwise.
	AllowHosts []string `json:"allowHosts"`
	// AllowCIDRs lists address ranges allowed likewise, as written by
	// netip.ParsePrefix ("10.0.0.0/8", "fd00::/8"; no leading zeros).
	AllowCIDRs []string `json:"allowCIDRs"`
}

// allowPrefixes parses AllowCIDRs: the one parser both the configuration
// check and the notifier use, so a range is either refused at start with
// the key named or used as written.
func (n *NotifyConfig) allowPrefixes() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(n.AllowCIDRs))
	for i, cidr := range n.AllowCIDRs {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return nil, problem(fmt.Sprintf("notify.allowCIDRs[%d]", i), "want an address range such as \"10.0.0.0/8\" (no leading zeros, no spaces), got %q", cidr)
		}
		out = append(out, p)
	}
	return out, nil
}

// CashierConfig tunes the cashier page.
type CashierConfig struct {
	// KeyFile holds the secret (at least 32 bytes) that signs the page's
	// forms; every process serving the cashier needs the same one. Empty:
	// a random key per process, so a page opened before a restart must be
	// reloaded before it can pay.
	KeyFile string `json:"keyFile"`
}

// WorkerConfig tunes the background worker (engine/worker.Config); each
// is a Go duration ("2m", "500ms"), empty for the worker's default.
type WorkerConfig struct {
	// Lease is how long a claimed notification stays reserved to a worker:
	// after a crash, its messages in flight wait this long. Default 2m.
	Lease string `json:"lease,omitempty"`
	// AttemptTimeout bounds one notifyPayment send: the worker's attempt
	// and the notifier's HTTP request. Empty: the worker allows 15s and
	// the notifier ends the request after its own default of 10s.
	AttemptTimeout string `json:"attemptTimeout,omitempty"`
	// Poll is how often it looks for due notifications when no commit
	// woke it. Default 500ms.
	Poll string `json:"poll,omitempty"`
}

// durations parses the worker's settings: lease, attempt timeout, poll
// (zero for the defaults).
func (w WorkerConfig) durations() ([3]time.Duration, error) {
	var out [3]time.Duration
	for i, f := range []struct{ key, value string }{
		{"worker.lease", w.Lease}, {"worker.attemptTimeout", w.AttemptTimeout}, {"worker.poll", w.Poll},
	} {
		if f.value == "" {
			continue
		}
		d, err := time.ParseDuration(f.value)
		if err != nil || d <= 0 {
			return out, problem(f.key, "want a positive duration such as \"30s\", got %q", f.value)
		}
		out[i] = d
	}
	return out, nil
}

// PartnerConfig is one merchant/partner allowed to call the wallet.
type PartnerConfig struct {
	PartnerID  string            `json:"partnerId"`
	ClientID   string            `json:"clientId"`
	Profile    string            `json:"profile"`    // miniprogram-v1 (default), v1-en, antom
	PublicKeys map[string]string `json:"publicKeys"` // key version -> PKIX PEM file
	Name       string            `json:"name"`       // shown on the cashier page; default the partner id
	// Limits caps a single payment per currency; missing: no cap.
	Limits PartnerLimitsConfig `json:"limits"`
	// RateLimit bounds the partner's requests to this process; missing:
	// no limit.
	RateLimit *RateLimitConfig `json:"rateLimit,omitempty"`
	// Status is "active" (default) or "suspended": a suspended partner's
	// new pays and refunds are refused, its payments still answer.
	Status string `json:"status,omitempty"`
}

// UserConfig is a wallet user with starting balances.
type UserConfig struct {
	UserID       string            `json:"userId"`
	AccessToken  string            `json:"accessToken"`  // for agreement pay
	PaymentCodes []string          `json:"paymentCodes"` // user-presented codes
	Balances     map[string]string `json:"balances"`     // currency -> minor units, e.g. "USD": "1000000"
	// Limits caps what the user pays a day (sum per currency, count);
	// missing: no limit.
	Limits UserLimitsConfig `json:"limits"`
	// Status is "active" (default) or "frozen": a frozen user cannot pay.
	Status string `json:"status,omitempty"`
}

// configError is a problem with one key of the configuration.
type configError struct {
	key, problem string
}

func (e *configError) Error() string { return "config: " + e.key + ": " + e.problem }

func problem(key, format string, args ...any) error {
	return &configError{key: key, problem: fmt.Sprintf(format, args...)}
}

// LoadConfig reads and checks the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, problem(te.Field, "want a JSON %s, got %s", te.Type, te.Value)
		}
		return nil, fmt.Errorf("config: %s is not valid JSON: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.file, c.dir = abs, filepath.Dir(abs)
	return &c, nil
}

// path resolves a path of the configuration against its folder.
func (c *Config) path(p string) string {
	if filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}

// Check validates every key (call it after applying command-line
// overrides) and returns the first problem, naming its key.
func (c *Config) Check() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return problem("listen", "want host:port, got %q", c.Listen)
	}
	if _, _, err := net.SplitHostPort(c.OperatorListen); c.OperatorListen != "" && err != nil {
		return problem("operatorListen", "want host:port, got %q", c.OperatorListen)
	}
	if c.MaxConnections < 0 {
		return problem("maxConnections", "must not be negative, got %d", c.MaxConnections)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" && !c.publicURLFollowsListen() {
		return problem("publicURL", "want an absolute http(s) URL, got %q", c.PublicURL)
	}
	if _, _, err := c.storeKind(); err != nil {
		return err
	}
	if c.Wallet.ClientID == "" {
		return problem("wallet.clientId", "is required")
	}
	if _, err := c.walletKey(); err != nil {
		return err
	}
	if _, err := c.Notify.allowPrefixes(); err != nil {
		return err
	}
	if len(c.Partners) == 0 {
		return problem("partners", "at least one partner is required")
	}
	if _, err := c.partners(); err != nil {
		return err
	}
	users := map[string]bool{}
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		if u.UserID == "" {
			return problem(key+".userId", "is required")
		}
		if users[u.UserID] {
			return problem(key+".userId", "%q is listed twice", u.UserID)
		}
		users[u.UserID] = true
		if _, err := balances(key, u.Balances); err != nil {
			return err
		}
	}
	if _, err := c.limits(); err != nil {
		return err
	}
	if _, err := c.limitZone(); err != nil {
		return err
	}
	if _, err := c.authExpiry(); err != nil {
		return err
	}
	if c.CashierUser == "" {
		return problem("cashierUser", "is required: the user who pays on the cashier page")
	}
	if !users[c.CashierUser] {
		return problem("cashierUser", "%q is not one of users", c.CashierUser)
	}
	if _, err := c.cashierKey(); err != nil {
		return err
	}
	if d, err := c.Worker.durations(); err != nil {
		return err
	} else if lease, attempt := cmp.Or(d[0], 2*time.Minute), cmp.Or(d[1], 15*time.Second); lease <= attempt {
		return problem("worker.lease", "%s must be longer than worker.attemptTimeout (%s): a send must end inside its lease", lease, attempt)
	}
	return nil
}

// authExpiry parses AuthExpiry: 0 (the engine's default) when empty. A
// default longer than the engine lets a pay ask for
// (engine.DefaultMaxAuthExpiry) is refused.
func (c *Config) authExpiry() (time.Duration, error) {
	if c.AuthExpiry == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.AuthExpiry)
	switch {
	case err != nil || d <= 0:
		return 0, problem("authExpiry", "want a positive duration such as \"168h\", got %q", c.AuthExpiry)
	case d > engine.DefaultMaxAuthExpiry:
		return 0, problem("authExpiry", "%s is longer than the %s a pay may ask for", c.AuthExpiry, engine.DefaultMaxAuthExpiry)
	}
	return d, nil
}

// publicURLFollowsListen says whether PublicURL is just http:// and the
// listen address, which Serve completes when the host is unspecified.
func (c *Config) publicURLFollowsListen() bool { return c.PublicURL == "http://"+c.Listen }

// storeKind splits Store into "sqlite" and a file path, or "postgres" and
// a DSN.
func (c *Config) storeKind() (kind, target string, err error) {
	switch {
	case strings.HasPrefix(c.Store, "sqlite:"):
		p := strings.TrimPrefix(c.Store, "sqlite:")
		if p == "" {
			return "", "", problem("store", "sqlite: needs a file path, e.g. sqlite:paystate.db")
		}
		if c.storeBase != "" && !filepath.IsAbs(p) {
			return "sqlite", filepath.Join(c.storeBase, p), nil
		}
		return "sqlite", c.path(p), nil
	case strings.HasPrefix(c.Store, "postgres://"), strings.HasPrefix(c.Store, "postgresql://"):
		return "postgres", c.Store, nil
	}
	return "", "", problem("store", `want "sqlite:PATH" or "postgres://...", got %q`, pgstore.RedactDSN(c.Store))
}

func (c *Config) walletKey() (*rsa.PrivateKey, error) {
	const key = "wallet.privateKeyFile"
	if c.Wallet.PrivateKeyFile == "" {
		return nil, problem(key, "is required")
	}
	raw, err := os.ReadFile(c.path(c.Wallet.PrivateKeyFile))
	if err != nil {
		return nil, problem(key, "%v", err)
	}
	k, err := signing.ParsePrivateKey(raw)
	if err != nil {
		return nil, problem(key, "%v", err)
	}
	return k, nil
}

// partners returns the adapter's partner directory.
func (c *Config) partners() ([]alipayplus.Partner, error) {
	var out []alipayplus.Partner
	ids, clients := map[string]bool{}, map[string]bool{}
	for i, p := range c.Partners {
		key := fmt.Sprintf("partners[%d]", i)
		switch {
		case p.PartnerID == "":
			return nil, problem(key+".partnerId", "is required")
		case ids[p.PartnerID]:
			return nil, problem(key+".partnerId", "%q is listed twice", p.PartnerID)
		case p.ClientID == "":
			return nil, problem(key+".clientId", "is required")
		case clients[p.ClientID]:
			return nil, problem(key+".clientId", "%q is used by two partners", p.ClientID)
		case len(p.PublicKeys) == 0:
			return nil, problem(key+".publicKeys", "at least one key version is required")
		}
		ids[p.PartnerID], clients[p.ClientID] = true, true
		profile := alipayplus.Profile(p.Profile)
		switch profile {
		case "":
			profile = alipayplus.ProfileMiniProgramV1
		case alipayplus.ProfileMiniProgramV1, alipayplus.ProfileV1EN, alipayplus.ProfileAntom:
		default:
			return nil, problem(key+".profile", "want miniprogram-v1, v1-en or antom, got %q", p.Profile)
		}
		keys := map[string]*rsa.PublicKey{}
		for version, file := range p.PublicKeys {
			vkey := fmt.Sprintf("%s.publicKeys[%q]", key, version)
			raw, err := os.ReadFile(c.path(file))
			if err != nil {
				return nil, problem(vkey, "%v", err)
			}
			if keys[version], err = signing.ParsePublicKey(raw); err != nil {
				return nil, problem(vkey, "%v", err)
			}
		}
		rate, err := p.rateLimit(key)
		if err != nil {
			return nil, err
		}
		out = append(out, alipayplus.Partner{PartnerID: p.PartnerID, ClientID: p.ClientID, Profile: profile, PublicKeys: keys, RateLimit: rate})
	}
	return out, nil
}

// balances parses a user's starting balances: minor units as decimal
// strings of at most 16 digits.
func balances(key string, in map[string]string) (map[string]int64, error) {
	out := make(map[string]int64, len(in))
	for cur, v := range in {
		bkey := fmt.Sprintf("%s.balances[%q]", key, cur)
		if _, ok := engine.CurrencyExponent(cur); !ok {
			return nil, problem(bkey, "%q is not an ISO 4217 currency code", cur)
		}
		if v == "" || len(v) > 16 || strings.TrimLeft(v, "0123456789") != "" {
			return nil, problem(bkey, "want minor units as a string of 1 to 16 digits, got %q", v)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, problem(bkey, "%v", err)
		}
		out[cur] = n
	}
	return out, nil
}
