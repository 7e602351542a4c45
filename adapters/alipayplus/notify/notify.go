package notify

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// Defaults of the Options fields whose zero value means "default".
const (
	DefaultNotifyTimeout       = 10 * time.Second
	DefaultMaxIdleConnsPerHost = 64
)

// maxAckBytes bounds how much of a merchant's acknowledgement is read.
const maxAckBytes = 64 << 10

// maxSnippet bounds how much of an acknowledgement an error quotes.
const maxSnippet = 120

// Options tunes a Notifier. The zero value is the production
// setting: a 10 s attempt timeout and no exceptions to the SSRF guard.
type Options struct {
	// Timeout bounds one attempt: connecting, sending and reading the
	// acknowledgement. Default DefaultNotifyTimeout. The caller's context
	// may end it sooner.
	Timeout time.Duration
	// AllowHosts and AllowCIDRs are the operator's exceptions to the SSRF
	// guard, for merchants reached over a private network. An AllowHosts
	// entry is a host name (exact, case-insensitive: every address it
	// resolves to is allowed) or an IP address (allowed whatever name led
	// to it); an AllowCIDRs entry allows every address in the range.
	AllowHosts []string
	AllowCIDRs []netip.Prefix
	// Resolver looks up notify URL host names. Default net.DefaultResolver.
	Resolver Resolver
	// DialContext connects to an address (IP:port) the guard approved.
	// Default: a net.Dialer that checks the address once more at connect
	// time. Tests route approved addresses to a local server with it; it
	// must connect to the address it is given or one just as safe.
	DialContext func(ctx context.Context, network, address string) (net.Conn, error)
	// MaxIdleConnsPerHost bounds the kept-alive connections to one
	// merchant host. Default DefaultMaxIdleConnsPerHost.
	MaxIdleConnsPerHost int
}

// Notifier delivers notifyPayment callbacks to merchants over HTTP: the
// notifier of engine/worker. Build it with New. A Notifier is safe
// for concurrent use and shares one keep-alive connection pool across
// calls.
type Notifier struct {
	wallet    wallet // signs notifications
	byPartner map[string]partnerKeys
	timeout   time.Duration
	http      *http.Client
	transport *http.Transport
	logger    *slog.Logger
}

// wallet is who signs the notifications.
type wallet struct {
	clientID   string
	key        *rsa.PrivateKey
	keyVersion string
	now        func() time.Time
}

// partnerKeys is what a Notifier knows of a partner: its identity and keys
// for verifying acknowledgements.
type partnerKeys struct {
	partner   alipayplus.Partner
	newestKey string // the version an acknowledgement without keyVersion is checked with
}

// New returns a Notifier configured by the handler's Config: it signs with
// WalletClientID, WalletKey and WalletKeyVersion, stamps Request-Time from
// Now, verifies signed acknowledgements with the Partners' public keys and
// logs refusals to Logger. The other Config fields are not used;
// WalletClientID, WalletKey and Partners follow alipayplus.NewHandler's
// rules (alipayplus.CheckPartners). The error names every invalid field.
func New(cfg alipayplus.Config, opts Options) (*Notifier, error) {
	var errs []error
	badOpt := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("alipayplus: notify.Options."+format, args...))
	}
	partners, err := alipayplus.CheckPartners(cfg)
	if err != nil {
		errs = append(errs, err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout < 0 {
		badOpt("Timeout must not be negative, got %s", opts.Timeout)
	} else if opts.Timeout == 0 {
		opts.Timeout = DefaultNotifyTimeout
	}
	if opts.MaxIdleConnsPerHost < 0 {
		badOpt("MaxIdleConnsPerHost must not be negative, got %d", opts.MaxIdleConnsPerHost)
	} else if opts.MaxIdleConnsPerHost == 0 {
		opts.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	g := &ssrfGuard{
		allowHosts: map[string]bool{},
		allowAddrs: map[netip.Addr]bool{},
		resolver:   opts.Resolver,
		dial:       opts.DialContext,
	}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	for i, h := range opts.AllowHosts {
		if ip, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
			g.allowAddrs[ip.WithZone("").Unmap()] = true
			continue
		}
		name := strings.TrimSuffix(strings.ToLower(h), ".")
		if name == "" || strings.ContainsAny(name, "/:@[] \t") {
			badOpt("AllowHosts[%d] %q is neither a host name nor an IP address", i, h)
			continue
		}
		g.allowHosts[name] = true
	}
	for i, p := range opts.AllowCIDRs {
		if !p.IsValid() {
			badOpt("AllowCIDRs[%d] is not a valid prefix", i)
			continue
		}
		g.allowCIDRs = append(g.allowCIDRs, p.Masked())
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect where the guard cannot look
		DialContext:            g.dialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           4 * opts.MaxIdleConnsPerHost,
		MaxIdleConnsPerHost:    opts.MaxIdleConnsPerHost,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    opts.Timeout,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	n := &Notifier{
		wallet:    wallet{clientID: cfg.WalletClientID, key: cfg.WalletKey, keyVersion: cfg.WalletKeyVersion, now: cfg.Now},
		timeout:   opts.Timeout,
		transport: tr,
		http: &http.Client{
			Transport: tr,
			// A redirect is a failed attempt: it is never followed, so a
			// merchant cannot bounce the wallet to an address the guard
			// would not have let it name.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		logger: cfg.Logger,
	}
	n.byPartner = make(map[string]partnerKeys, len(partners))
	for _, p := range partners {
		n.byPartner[p.PartnerID] = partnerKeys{partner: p, newestKey: p.NewestKeyVersion()}
	}
	return n, nil
}

// CloseIdleConnections closes the kept-alive connections no call is using.
func (n *Notifier) CloseIdleConnections() { n.transport.CloseIdleConnections() }

// Notify makes one attempt to deliver n to n.NotifyURL. It returns nil
// exactly when the merchant answered 2xx with a JSON body whose
// result.resultStatus is S (and, when the answer is signed, the signature
// verifies with the partner's key); any error is a failed attempt, with a
// short message saying what happened. It returns by the time ctx is done
// or Timeout has passed, whichever comes first.
//
// The request is a POST of alipayplus.NotificationBody (notifyPayment in
// the partner's profile, notifyRefund or notifyCapture) with headers
// Content-Type application/json; charset=UTF-8, Notification-Id (n.ID, stable across
// attempts, for the merchant to de-duplicate on), and Client-Id,
// Request-Time and Signature, signed like every Alipay+ request over
// "POST <notify URL path>\n<WalletClientID>.<Request-Time>.<body>".
// Redirects are not followed; URLs that are not http or https, and hosts
// the SSRF guard refuses, fail with an error wrapping ErrNotifyRefused
// without any connection being made.
func (n *Notifier) Notify(ctx context.Context, m engine.Notification) error {
	pe, ok := n.byPartner[m.PartnerID]
	if !ok {
		return fmt.Errorf("alipayplus: notification %s: partner %q is not configured", m.ID, m.PartnerID)
	}
	u, err := notifyURL(m.NotifyURL)
	if err != nil {
		n.logger.WarnContext(ctx, "alipayplus: notification refused", "message", m.ID, "partner", m.PartnerID, "error", err)
		return err
	}
	body, err := alipayplus.NotificationBody(pe.partner.Profile, m)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(actx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alipayplus: building the notification: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json; charset=UTF-8")
	hr.Header.Set("Notification-Id", m.ID)
	if err := signing.SignRequest(hr, body, pe.partner.AnswerClientID(n.wallet.clientID), n.wallet.key, n.wallet.keyVersion, wire.FormatRequestTime(n.wallet.now())); err != nil {
		return err
	}
	path := hr.URL.EscapedPath()

	res, err := n.http.Do(hr)
	if err != nil {
		err = n.attemptError(ctx, actx, "sending", err)
		if errors.Is(err, ErrNotifyRefused) {
			n.logger.WarnContext(ctx, "alipayplus: notification refused", "message", m.ID, "partner", m.PartnerID, "error", err)
		}
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return fmt.Errorf("alipayplus: merchant answered HTTP %d (a redirect, not followed)", res.StatusCode)
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAckBytes+1))
	if err != nil {
		return n.attemptError(ctx, actx, "reading the answer", err)
	}
	if len(raw) > maxAckBytes {
		return fmt.Errorf("alipayplus: merchant's answer (HTTP %d) exceeds %d KiB", res.StatusCode, maxAckBytes>>10)
	}
	var envelope struct {
		Result *wire.Result `json:"result"`
	}
	jsonErr := json.Unmarshal(raw, &envelope)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		if jsonErr == nil && envelope.Result != nil {
			return fmt.Errorf("alipayplus: merchant answered HTTP %d, %s", res.StatusCode, describeResult(*envelope.Result))
		}
		return fmt.Errorf("alipayplus: merchant answered HTTP %d: %s", res.StatusCode, snippet(raw))
	}
	if res.Header.Get("Signature") != "" {
		if err := verifyAck(pe, path, res.Header, raw); err != nil {
			return err
		}
	}
	if jsonErr != nil {
		return fmt.Errorf("alipayplus: merchant's answer (HTTP %d) is not JSON: %s", res.StatusCode, snippet(raw))
	}
	if envelope.Result == nil {
		return fmt.Errorf("alipayplus: merchant's answer (HTTP %d) has no result: %s", res.StatusCode, snippet(raw))
	}
	if envelope.Result.ResultStatus != wire.StatusSuccess {
		return fmt.Errorf("alipayplus: merchant answered %s", describeResult(*envelope.Result))
	}
	return nil
}

// notifyURL parses a notify URL, refusing anything but an absolute http or
// https URL with a host. An empty path becomes "/", the path the request
// line sends and the signature covers.
func notifyURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrNotifyRefused)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, fmt.Errorf("%w: scheme %q is not http or https", ErrNotifyRefused, u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: no host", ErrNotifyRefused)
	}
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// verifyAck checks a signed acknowledgement: its Signature, with the
// partner's key its keyVersion names (the partner's newest when none), must
// cover "POST <notify path>\n<Client-Id>.<Response-Time>.<body>", where
// Client-Id is the partner's (the header may be left out, but when given it
// must be the partner's) and Response-Time is the header as sent (ISO 8601
// or epoch milliseconds; its distance from the wallet's clock is not
// checked: an acknowledgement replayed to the wallet gains nothing). Errors
// wrap signing.ErrUnverified.
func verifyAck(pe partnerKeys, path string, h http.Header, body []byte) error {
	p := &pe.partner
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: acknowledgement: "+format, append([]any{signing.ErrUnverified}, args...)...)
	}
	sig, err := signing.ParseSignatureHeader(h.Get("Signature"))
	if err != nil {
		return bad("%v", err)
	}
	cid := h.Get("Client-Id")
	if cid == "" {
		cid = p.ClientID
	} else if cid != p.ClientID {
		return bad("Client-Id %q is not partner %s's %q", wire.Truncate(cid, 64), p.PartnerID, p.ClientID)
	}
	rt := h.Get("Response-Time")
	if rt == "" {
		return bad("signed but no Response-Time header")
	}
	if _, err := wire.ParseTime(rt); err != nil {
		return bad("Response-Time %q is neither ISO 8601 nor epoch milliseconds", wire.Truncate(rt, 64))
	}
	version := sig.KeyVersion
	if version == "" {
		version = pe.newestKey
	}
	key, ok := p.PublicKeys[version]
	if !ok {
		return bad("keyVersion %q is not registered for partner %s", wire.Truncate(version, 32), p.PartnerID)
	}
	if !signing.Verify(key, signing.SignedContent(http.MethodPost, path, cid, rt, body), sig.Signature) {
		return bad("signature does not verify with partner %s's key %s", p.PartnerID, version)
	}
	return nil
}

// attemptError describes an error of the HTTP exchange: a refusal by the
// guard, the attempt's timeout, the caller's cancellation, or what the
// network said. parent is the caller's context, actx the attempt's.
func (n *Notifier) attemptError(parent, actx context.Context, doing string, err error) error {
	if errors.Is(err, ErrNotifyRefused) {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("alipayplus: %s the notification: attempt cancelled: %w", doing, context.Cause(parent))
	case actx.Err() != nil || isTimeout(err):
		return fmt.Errorf("alipayplus: %s the notification: no answer within %s (timeout)", doing, n.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is the merchant's, known from the message
	}
	return fmt.Errorf("alipayplus: %s the notification: %w", doing, err)
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// describeResult writes a merchant's result for an error message, each
// member cut short.
func describeResult(r wire.Result) string {
	return fmt.Sprintf("resultStatus %q, resultCode %q, resultMessage %q",
		wire.Truncate(r.ResultStatus, 8), wire.Truncate(r.ResultCode, 64), wire.Truncate(r.ResultMessage, 100))
}

// snippet quotes the start of an answer for an error message.
func snippet(b []byte) string {
	if len(b) == 0 {
		return "empty body"
	}
	if len(b) > maxSnippet {
		return strconv.Quote(string(b[:maxSnippet])) + "..."
	}
	return strconv.Quote(string(b))
}
