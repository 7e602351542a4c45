package alipayplus

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/engine"
)

// Defaults of the Config fields whose zero value means "default".
const (
	DefaultMaxClockSkew = 5 * time.Minute
	// DefaultMaxBodyBytes bounds a request body: 256 KiB. The largest
	// request the API defines is a pay whose extraParams.ORDER carries the
	// engine's 64 KiB of order data (engine.MaxOrderDataBytes) as a JSON
	// string inside the JSON body, where escaping can double it; with every
	// other member at its longest that is under 150 KiB. Real requests are
	// a few KB (decision 89).
	DefaultMaxBodyBytes = 256 << 10
	// DefaultMaxConcurrentBodies is how many request bodies are read at
	// once; further requests wait for a slot before their body is read.
	DefaultMaxConcurrentBodies = 32
)

// Handler is the wallet side of the Alipay+ OpenAPI as an http.Handler: it
// verifies each request (path, method, media type, size, Client-Id,
// Request-Time, Signature), runs the endpoint the path names against the
// engine, and answers with a signed JSON body. Build it with NewHandler; the
// zero value is not usable. A Handler is safe for concurrent use and keeps
// no state between requests.
type Handler struct {
	// cfg is the validated configuration with defaults applied; Partners
	// are private copies (Profile filled in, PublicKeys copied), so the
	// caller's later changes do not reach the handler.
	cfg Config
	// byClient indexes cfg.Partners by Client-Id.
	byClient map[string]*partnerEntry
	// endpoint finds the endpoint a path names: endpointNamed, which tests
	// replace to serve test-only endpoints beside the real ones.
	endpoint func(name string) (endpoint, bool)
	// bodySlots holds one token per body being read (capacity
	// cfg.MaxConcurrentBodies).
	bodySlots chan struct{}
	// bodySlotWait bounds how long a request waits for its body-reading
	// slots (bodySlotWait; tests shorten it).
	bodySlotWait time.Duration
	// refusals signs the transport's refusals once and reuses them.
	refusals *rejectionSigner
	// rejections writes the limited refusal log lines.
	rejections *rejectionLog
}

// partnerEntry is one configured partner with what the transport derives
// from it once.
type partnerEntry struct {
	partner *Partner // points into Handler.cfg.Partners
	// newestKey is the key version a request without keyVersion is
	// verified with.
	newestKey string
	// bodySlots holds one token per body of this partner's Client-Id being
	// read (capacity perPartnerBodies): requests that name one Client-Id
	// can hold only that share of the handler's slots.
	bodySlots chan struct{}
	// bucket meters the partner's requests; nil when it has no RateLimit.
	bucket *tokenBucket
}

// perPartnerBodies is how many bodies requests naming one Client-Id may
// have in reading at once: a quarter of the handler's slots (at least
// one). A Client-Id is not a secret, so requests that name it prove
// nothing until their body is read and verified.
func perPartnerBodies(maxConcurrentBodies int) int { return max(1, maxConcurrentBodies/4) }

// NewHandler validates cfg, applies its defaults and returns the handler.
//
// Required: Engine, WalletClientID, WalletKey (RSA, at least 1024 bits;
// 2048 recommended), CashierURL and at least one Partner. Every partner
// needs a non-empty PartnerID and ClientID, both unique across partners, a
// known Profile ("" means ProfileMiniProgramV1) and at least one public key;
// key versions must be non-empty and keys non-nil RSA keys of at least 1024
// bits. MaxClockSkew, MaxBodyBytes and MaxConcurrentBodies must not be
// negative (0 means DefaultMaxClockSkew, DefaultMaxBodyBytes and
// DefaultMaxConcurrentBodies); Now defaults to time.Now and Logger to a
// logger that discards everything.
//
// When a request names no keyVersion, it is verified with the partner's
// newest key: the numerically highest version when every version of that
// partner is a decimal integer ("10" is newer than "9"), otherwise the
// lexically greatest one.
//
// The error names every invalid field (errors.Join of one error each).
func NewHandler(cfg Config) (*Handler, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("alipayplus: Config."+format, args...))
	}
	if cfg.Engine == nil {
		bad("Engine is required")
	}
	checkWallet(cfg, bad)
	if cfg.CashierURL == nil {
		bad("CashierURL is required")
	}
	if cfg.MaxClockSkew < 0 {
		bad("MaxClockSkew must not be negative, got %s", cfg.MaxClockSkew)
	} else if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	}
	if cfg.MaxBodyBytes < 0 {
		bad("MaxBodyBytes must not be negative, got %d", cfg.MaxBodyBytes)
	} else if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxConcurrentBodies < 0 {
		bad("MaxConcurrentBodies must not be negative, got %d", cfg.MaxConcurrentBodies)
	} else if cfg.MaxConcurrentBodies == 0 {
		cfg.MaxConcurrentBodies = DefaultMaxConcurrentBodies
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	partners := checkPartners(cfg.Partners, bad)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cfg.Partners = partners
	h := &Handler{cfg: cfg, endpoint: endpointNamed, bodySlots: make(chan struct{}, cfg.MaxConcurrentBodies),
		bodySlotWait: bodySlotWait, refusals: newRejectionSigner(), rejections: newRejectionLog(cfg.Logger)}
	h.byClient = indexPartners(h.cfg.Partners)
	for _, pe := range h.byClient {
		pe.bodySlots = make(chan struct{}, perPartnerBodies(cfg.MaxConcurrentBodies))
	}
	return h, nil
}

// checkPartners validates the partners of a Config (the rules NewHandler
// documents), reporting each problem to bad, and returns private copies
// with Profile filled in and PublicKeys copied, so the caller's later
// changes do not reach the handler or the notifier.
func checkPartners(ps []Partner, bad func(format string, args ...any)) []Partner {
	if len(ps) == 0 {
		bad("Partners needs at least one partner")
	}
	partners := make([]Partner, len(ps))
	firstPartner := map[string]int{}
	firstClient := map[string]int{}
	for i, p := range ps {
		if p.PartnerID == "" {
			bad("Partners[%d].PartnerID is required", i)
		} else if j, dup := firstPartner[p.PartnerID]; dup {
			bad("Partners[%d].PartnerID %q is already used by Partners[%d]", i, p.PartnerID, j)
		} else {
			firstPartner[p.PartnerID] = i
		}
		if p.ClientID == "" {
			bad("Partners[%d].ClientID is required", i)
		} else if j, dup := firstClient[p.ClientID]; dup {
			bad("Partners[%d].ClientID %q is already used by Partners[%d]", i, p.ClientID, j)
		} else {
			firstClient[p.ClientID] = i
		}
		switch p.Profile {
		case "":
			p.Profile = ProfileMiniProgramV1
		case ProfileMiniProgramV1, ProfileV1EN, ProfileAntom:
		default:
			bad("Partners[%d].Profile %q is not one of %q, %q, %q", i, p.Profile, ProfileMiniProgramV1, ProfileV1EN, ProfileAntom)
		}
		if len(p.PublicKeys) == 0 {
			bad("Partners[%d].PublicKeys needs at least one key", i)
		}
		keys := make(map[string]*rsa.PublicKey, len(p.PublicKeys))
		for v, k := range p.PublicKeys {
			switch {
			case v == "" || strings.TrimSpace(v) != v || strings.ContainsAny(v, ",="):
				bad("Partners[%d].PublicKeys: key version %q must be non-empty, without spaces around it, ',' or '='", i, v)
			default:
				if err := signing.CheckKeySize(k); err != nil {
					bad("Partners[%d].PublicKeys[%q] %v", i, v, err)
				}
			}
			keys[v] = k
		}
		p.PublicKeys = keys
		if err := p.RateLimit.check(); err != nil {
			bad("Partners[%d].RateLimit %v", i, err)
		}
		partners[i] = p
	}
	return partners
}

// indexPartners indexes validated partners by Client-Id; the entries
// point into partners.
func indexPartners(partners []Partner) map[string]*partnerEntry {
	byClient := make(map[string]*partnerEntry, len(partners))
	for i := range partners {
		p := &partners[i]
		byClient[p.ClientID] = &partnerEntry{partner: p, newestKey: p.NewestKeyVersion(), bucket: newTokenBucket(p.RateLimit)}
	}
	return byClient
}

// CheckPartners checks the wallet's identity (WalletClientID, WalletKey)
// and the Partners of cfg by NewHandler's rules and returns private copies
// of the partners with Profile filled in, for a notifier that signs as the
// wallet and verifies the partners' acknowledgements. The error names every
// invalid field; the other fields of cfg are not looked at.
func CheckPartners(cfg Config) ([]Partner, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("alipayplus: Config."+format, args...))
	}
	checkWallet(cfg, bad)
	partners := checkPartners(cfg.Partners, bad)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return partners, nil
}

// checkWallet validates the wallet's identity in cfg (WalletClientID and
// WalletKey), reporting each problem to bad.
func checkWallet(cfg Config, bad func(format string, args ...any)) {
	if cfg.WalletClientID == "" {
		bad("WalletClientID is required")
	}
	if cfg.WalletKey == nil {
		bad("WalletKey is required")
	} else if signing.CheckKeySize(&cfg.WalletKey.PublicKey) != nil {
		bad("WalletKey must be an RSA key of at least %d bits", signing.MinKeyBits)
	}
}

// engine returns the engine the endpoints run commands on.
func (h *Handler) engine() *engine.Engine { return h.cfg.Engine }

// now reads the handler's clock.
func (h *Handler) now() time.Time { return h.cfg.Now() }

// logger returns the logger for internal errors (never nil).
func (h *Handler) logger() *slog.Logger { return h.cfg.Logger }

// NewestKeyVersion returns the version a message of p that names no
// keyVersion is verified with: the numerically highest when every version
// is a decimal integer, else the lexically greatest; "" when p has no keys.
func (p *Partner) NewestKeyVersion() string {
	keys := p.PublicKeys
	numeric := true
	for v := range keys {
		if strings.Trim(v, "0123456789") != "" { // not all decimal digits (versions are never empty)
			numeric = false
			break
		}
	}
	best, first := "", true
	for v := range keys {
		if first || keyVersionNewer(v, best, numeric) {
			best, first = v, false
		}
	}
	return best
}

// keyVersionNewer reports whether version a is newer than b. With numeric
// both are decimal integers of any length (no overflow); equal numbers
// ("1", "01") are ordered lexically so the choice is deterministic.
func keyVersionNewer(a, b string, numeric bool) bool {
	if numeric {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) > len(tb)
		}
		if ta != tb {
			return ta > tb
		}
	}
	return a > b
}
