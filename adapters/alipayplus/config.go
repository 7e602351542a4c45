package alipayplus

import (
	"crypto/rsa"
	"log/slog"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// Profile is the wire dialect a partner speaks. Each partner uses one.
type Profile string

// The wire profiles.
const (
	// ProfileMiniProgramV1 is the mini-program OpenAPI v1, partner variant
	// (the default): partnerId in every body and in the idempotency key,
	// order in extraParams.ORDER, a cashier payment answered A/ACCEPT with
	// actionForm{actionFormType: REDIRECTION, redirectionUrl}.
	ProfileMiniProgramV1 Profile = "miniprogram-v1"
	// ProfileV1EN is the English v1 variant: no partnerId in the body (the
	// Client-Id names the partner), productCode and an order object
	// required, a cashier payment answered S with
	// redirectActionForm{method, redirectionUrl}.
	ProfileV1EN Profile = "v1-en"
	// ProfileAntom is Antom's entry-code pay under /ams/api/v1/payments/...:
	// IN_STORE_PAYMENT + EntryCode + CONNECT_WALLET, answered S with
	// redirectActionForm.redirectUrl; paymentNotifyUrl required.
	ProfileAntom Profile = "antom"
)

// Partner is one merchant/partner allowed to call the wallet.
type Partner struct {
	PartnerID string  // the wallet-assigned partnerId
	ClientID  string  // the Client-Id header it signs with
	Profile   Profile // "" means ProfileMiniProgramV1
	// PublicKeys verifies its signatures, by key version. A request that
	// names no keyVersion is checked against the highest version.
	PublicKeys map[string]*rsa.PublicKey
	// RateLimit bounds how fast the partner's requests are served, in
	// this handler (see RateLimit). The zero value means no limit.
	RateLimit RateLimit
}

// Config configures the HTTP handler. Engine, WalletClientID, WalletKey,
// Partners and CashierURL are required; zero values of the rest mean their
// documented defaults.
type Config struct {
	Engine *engine.Engine
	// WalletClientID is the Client-Id the wallet signs its responses and
	// notifications with; WalletKey is its private key, WalletKeyVersion
	// the version it announces ("" for none).
	WalletClientID   string
	WalletKey        *rsa.PrivateKey
	WalletKeyVersion string
	Partners         []Partner
	// CashierURL returns the URL of the wallet's cashier page for a
	// payment waiting for the user (cashier, order code, entry code).
	CashierURL func(paymentID string) string
	// MaxClockSkew bounds how far a Request-Time may be from the wallet's
	// clock, either way. Default 5 minutes.
	MaxClockSkew time.Duration
	// SiteName is this wallet's siteName (as my.getSiteInfo reports it to
	// mini-programs). When set, a mini-program partner's pay and refund
	// whose extendInfo.customerBelongsTo names another site are refused F
	// PARAM_ILLEGAL, and a mini-program cashier pay must name it. Empty:
	// customerBelongsTo is not checked.
	SiteName string
	// MaxBodyBytes bounds a request body. Default DefaultMaxBodyBytes
	// (256 KiB).
	MaxBodyBytes int64
	// MaxConcurrentBodies is how many request bodies the handler reads at
	// once; a request whose headers passed every check waits for a free
	// slot before its body is read. Default DefaultMaxConcurrentBodies.
	MaxConcurrentBodies int
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Logger receives internal errors (never sent to callers). Default:
	// discard.
	Logger *slog.Logger
	// Observe, when set, is called once per request after its answer was
	// written, for metrics. It must be fast and must not keep o's
	// references.
	Observe func(o Observation)
}

// Observation describes one request the handler answered.
type Observation struct {
	Endpoint   string // "pay", "inquiryPayment", ...; "" when the path names none
	ClientID   string // the Client-Id, once it was found to be known; else ""
	HTTPStatus int
	Result     wire.Result // as answered
	Duration   time.Duration
}

// AnswerClientID returns the Client-Id the wallet signs its answers and
// notifications to p with: an antom partner's own, as Antom's answers and
// notifications carry the merchant's client id, so that a merchant
// verifies them with its own; for the other profiles, walletClientID.
func (p *Partner) AnswerClientID(walletClientID string) string {
	if p.Profile == ProfileAntom {
		return p.ClientID
	}
	return walletClientID
}
