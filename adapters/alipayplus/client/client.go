package client

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// TimeFormat is how a Client writes its Request-Time header.
type TimeFormat int

// The two Request-Time forms the spec knows, in the Alipay+ API pages.
const (
	// TimeISO8601 is the mini-program form, ISO 8601 with millisecond
	// precision and the clock's UTC offset, e.g. 2019-04-04T12:08:56.253+05:30.
	TimeISO8601 TimeFormat = iota
	// TimeEpochMillis is the Antom form, Unix epoch milliseconds, e.g.
	// 1685599933871.
	TimeEpochMillis
)

// Client signs requests to a wallet's Alipay+ OpenAPI and verifies the
// answers: the merchant/partner side of the handler. The exported fields
// configure it; set them before the first call and do not change them while
// calls run. A Client is safe for concurrent use.
type Client struct {
	// BaseURL is the wallet's scheme, host and optional path prefix, e.g.
	// "https://wallet.example" or "https://wallet.example/api"; the path
	// given to Call is appended to it.
	BaseURL string
	// ClientID is the Client-Id the wallet knows this partner by.
	ClientID string
	// Key signs requests; KeyVersion is the version announced in the
	// Signature header ("" omits keyVersion, so the wallet uses the
	// partner's newest key).
	Key        *rsa.PrivateKey
	KeyVersion string
	// WalletKey verifies the answers' signatures. Required.
	WalletKey *rsa.PublicKey
	// WalletClientID, when set, is the Client-Id answers must carry.
	WalletClientID string
	// MaxClockSkew, when positive, bounds how far an answer's Response-Time
	// may be from Now, either way. Zero: not checked (the time is still
	// parsed and covered by the signature).
	MaxClockSkew time.Duration
	// HTTP sends the requests. nil means http.DefaultClient.
	HTTP *http.Client
	// Now returns the time stamped into Request-Time. nil means time.Now.
	Now func() time.Time
	// TimeFormat selects the Request-Time form. Default TimeISO8601.
	TimeFormat TimeFormat
	// PathPrefix is where the typed calls (Capture) send their requests:
	// "" means wire.PathPrefix ("/v1/payments/"); an antom partner sets
	// wire.AntomPathPrefix ("/ams/api/v1/payments/").
	PathPrefix string
}

// Response is a verified answer of the wallet.
type Response struct {
	StatusCode int         // HTTP status
	Header     http.Header // the answer's headers
	Body       []byte      // the raw body, as signed
	Result     wire.Result // the body's "result" member
}

// Call sends req to path (e.g. "/v1/payments/pay") and decodes the answer
// into resp (when resp is not nil).
//
// req is sent as is when it is a []byte or json.RawMessage, else encoded
// with encoding/json. The request is signed (see SignRequest), POSTed, and
// the answer's Client-Id, Response-Time and Signature are verified with
// WalletKey before anything is decoded.
//
// The error is nil exactly when a verified answer with a "result" member came
// back, whatever its result status and HTTP status (transport rejections
// such as 401 INVALID_SIGNATURE are answers too): read the returned Result.
// Any error means the outcome is unknown and must be handled like U
// (inquire, or repeat with the same request id); answers failing
// verification wrap signing.ErrUnverified.
func (c *Client) Call(ctx context.Context, path string, req, resp any) (wire.Result, error) {
	var body []byte
	switch v := req.(type) {
	case []byte:
		body = v
	case json.RawMessage:
		body = v
	default:
		b, err := json.Marshal(req)
		if err != nil {
			return wire.Result{}, fmt.Errorf("alipayplus: encoding the request: %w", err)
		}
		body = b
	}
	r, err := c.Do(ctx, path, body)
	if err != nil {
		return wire.Result{}, err
	}
	if resp != nil {
		if err := json.Unmarshal(r.Body, resp); err != nil {
			return r.Result, fmt.Errorf("alipayplus: decoding the answer: %w", err)
		}
	}
	return r.Result, nil
}

// Capture asks the wallet to capture req.CaptureAmount from the
// authorization req.PaymentID (POST <PathPrefix>capture) and returns the
// verified answer. To authorize in the first place, pay with
// wire.PaymentFactor.IsAuthorizationPayment (mini-program and v1-en
// profiles) or IsAuthorization with CaptureMode (antom).
//
// Its error contract is Call's: with a nil error read the answer's Result
// (S captured, F refused, U CAPTURE_IN_PROCESS: repeat with the same
// CaptureRequestID); an error means the outcome is unknown and must be
// handled like U.
func (c *Client) Capture(ctx context.Context, req wire.CaptureRequest) (wire.CaptureResponse, error) {
	var resp wire.CaptureResponse
	res, err := c.Call(ctx, c.path(wire.EndpointCapture), req, &resp)
	resp.Result = res
	return resp, err
}

// path is the path of endpoint under PathPrefix.
func (c *Client) path(endpoint string) string {
	if c.PathPrefix == "" {
		return wire.PathPrefix + endpoint
	}
	return c.PathPrefix + endpoint
}

// Do signs and POSTs body as it is to path and returns the verified answer.
// Its error contract is Call's.
func (c *Client) Do(ctx context.Context, path string, body []byte) (*Response, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("alipayplus: building the request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if err := c.SignRequest(hr, body); err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("alipayplus: sending the request: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("alipayplus: reading the answer: %w", err)
	}
	if err := c.VerifyResponse(hr.URL.EscapedPath(), res.Header, raw); err != nil {
		return nil, err
	}
	var envelope struct {
		Result *wire.Result `json:"result"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil {
		return nil, fmt.Errorf("alipayplus: answer (HTTP %d) is not JSON: %w", res.StatusCode, err)
	}
	if envelope.Result == nil {
		return nil, fmt.Errorf("alipayplus: answer (HTTP %d) has no result", res.StatusCode)
	}
	return &Response{StatusCode: res.StatusCode, Header: res.Header, Body: raw, Result: *envelope.Result}, nil
}

// SignRequest sets r's Client-Id, Request-Time (unless r already has one,
// which is then signed exactly as it is) and Signature headers for body,
// which must be the exact bytes r sends; it does not touch r.Body. The
// signature covers "<r.Method> <escaped path of r.URL>\n<ClientID>.<Request-Time>.<body>"
// (POST when r.Method is empty). Tests use it to sign and then tamper.
func (c *Client) SignRequest(r *http.Request, body []byte) error {
	if c.Key == nil {
		return errors.New("alipayplus: Client.Key is nil")
	}
	if c.ClientID == "" {
		return errors.New("alipayplus: Client.ClientID is empty")
	}
	return signing.SignRequest(r, body, c.ClientID, c.Key, c.KeyVersion, c.formatTime(c.now()))
}

// VerifyResponse checks an answer to a request sent to path (the escaped
// request path, without scheme, host or query): its Client-Id (equal to
// WalletClientID when that is set), its Response-Time (ISO 8601 or epoch
// milliseconds; within MaxClockSkew when that is positive) and its Signature
// over "POST <path>\n<Client-Id>.<Response-Time>.<body>" with WalletKey. Any
// failure wraps signing.ErrUnverified.
func (c *Client) VerifyResponse(path string, h http.Header, body []byte) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{signing.ErrUnverified}, args...)...)
	}
	if c.WalletKey == nil {
		return bad("Client.WalletKey is nil")
	}
	cid := h.Get("Client-Id")
	if cid == "" {
		return bad("no Client-Id header")
	}
	if c.WalletClientID != "" && cid != c.WalletClientID {
		return bad("Client-Id %q is not the wallet's %q", cid, c.WalletClientID)
	}
	rt := h.Get("Response-Time")
	if rt == "" {
		return bad("no Response-Time header")
	}
	t, err := wire.ParseTime(rt)
	if err != nil {
		return bad("Response-Time: %v", err)
	}
	if c.MaxClockSkew > 0 {
		if d := c.now().Sub(t); d > c.MaxClockSkew || d < -c.MaxClockSkew {
			return bad("Response-Time %s is %s away from the local clock", rt, d)
		}
	}
	sv := h.Get("Signature")
	if sv == "" {
		return bad("no Signature header")
	}
	sig, err := signing.ParseSignatureHeader(sv)
	if err != nil {
		return bad("%v", err)
	}
	if !signing.Verify(c.WalletKey, signing.SignedContent(http.MethodPost, path, cid, rt, body), sig.Signature) {
		return bad("signature does not verify with the wallet key")
	}
	return nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) formatTime(t time.Time) string {
	if c.TimeFormat == TimeEpochMillis {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return wire.FormatRequestTime(t)
}
