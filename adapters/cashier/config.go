package cashier

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paystate/paystate/engine"
)

// DefaultBaseURL is where the cashier is mounted when Config.BaseURL is
// empty.
const DefaultBaseURL = "/cashier/"

// MinKeyBytes is the shortest Config.Key New accepts.
const MinKeyBytes = 32

// Config configures a Handler. Engine, and User or UserOf, are required;
// zero values of the rest mean their documented defaults.
type Config struct {
	// Engine runs the payments.
	Engine *engine.Engine

	// BaseURL is the URL the handler is mounted at, ending in "/": absolute
	// ("https://wallet.example/cashier/"), so that Handler.URL gives links
	// a phone can open, or only a path ("/cashier/"). Its path is the
	// prefix the handler serves under. Default DefaultBaseURL.
	BaseURL string

	// Key signs the token every POST must carry: at least MinKeyBytes
	// secret random bytes, the same in every process serving the cashier.
	// Empty: New makes a random key, so a page opened before a restart
	// answers 403 to Pay and the user reloads it.
	Key []byte

	// User is the wallet user who pays when UserOf is nil (a demo wallet
	// without sign-in).
	User string
	// UserOf returns the signed-in wallet user of a request. An error
	// answers 401 "sign in"; a wallet that wants its login page instead
	// sends the user there before the request reaches the handler.
	UserOf func(r *http.Request) (string, error)

	// MerchantName returns the name shown for a merchant (a partner id).
	// Default, or when it returns "": the partner id.
	MerchantName func(partnerID string) string
	// WalletName is the wallet's name in the page header and title.
	// Default "Wallet".
	WalletName string

	// Now returns the current time, to show a payment past its expiry as
	// expired before the engine's sweep closes it. Pass the engine's
	// clock. Default time.Now.
	Now func() time.Time
	// Logger receives internal errors (never shown to users). Default:
	// discard.
	Logger *slog.Logger
}

// withDefaults checks c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Engine == nil {
		return c, errors.New("cashier: Config.Engine is nil")
	}
	if c.User == "" && c.UserOf == nil {
		return c, errors.New("cashier: Config needs User or UserOf")
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if err := checkBaseURL(c.BaseURL); err != nil {
		return c, err
	}
	switch {
	case len(c.Key) == 0:
		c.Key = make([]byte, MinKeyBytes)
		if _, err := io.ReadFull(rand.Reader, c.Key); err != nil {
			return c, fmt.Errorf("cashier: random key: %w", err)
		}
	case len(c.Key) < MinKeyBytes:
		return c, fmt.Errorf("cashier: Config.Key has %d bytes, at least %d are needed", len(c.Key), MinKeyBytes)
	default:
		c.Key = append([]byte(nil), c.Key...)
	}
	if c.UserOf == nil {
		user := c.User
		c.UserOf = func(*http.Request) (string, error) { return user, nil }
	}
	if c.MerchantName == nil {
		c.MerchantName = func(string) string { return "" }
	}
	if c.WalletName == "" {
		c.WalletName = "Wallet"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// checkBaseURL accepts an absolute http(s) URL or an absolute path, ending
// in "/", with no query or fragment.
func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return fmt.Errorf("cashier: Config.BaseURL: %w", err)
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("cashier: Config.BaseURL %q: scheme must be http or https", base)
	case u.Scheme != "" && u.Host == "":
		return fmt.Errorf("cashier: Config.BaseURL %q has no host", base)
	case u.Scheme == "" && u.Host != "":
		return fmt.Errorf("cashier: Config.BaseURL %q: give a scheme or only a path", base)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("cashier: Config.BaseURL %q: no query, fragment or user info allowed", base)
	case !strings.HasPrefix(u.EscapedPath(), "/") || !strings.HasSuffix(u.EscapedPath(), "/"):
		return fmt.Errorf("cashier: Config.BaseURL %q: the path must start and end with \"/\"", base)
	}
	return nil
}
