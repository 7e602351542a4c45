package alipayplus

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// Path prefixes the transport answers; the last segment names the endpoint
// (see endpoints).

// maxLoggedClientID bounds the Client-Id a rejection's log line quotes.
const maxLoggedClientID = 64

// transportAnswer is the body of every answer the transport writes itself
// (rejections before an endpoint runs, panics, internal errors).
type transportAnswer struct {
	Result wire.Result `json:"result"`
}

// rejection is a transport-level failure: the HTTP status and the result.
type rejection struct {
	status int
	result wire.Result
}

func reject(status int, resultStatus, code, message string) *rejection {
	return &rejection{status: status, result: wire.Result{ResultCode: code, ResultStatus: resultStatus, ResultMessage: message}}
}

// unknownException is the answer to a panic or an internal error; the
// details go to the log only.
var unknownException = wire.Result{ResultCode: wire.CodeUnknownException, ResultStatus: wire.StatusUnknown, ResultMessage: "unknown exception, retry or inquire later"}

// ServeHTTP answers one Alipay+ OpenAPI request. It checks, in this order,
// and answers the first failure with the result shown (all F) and HTTP
// status:
//
//   - the path is /v1/payments/<name> or /ams/api/v1/payments/<name> with a
//     known endpoint name, else NO_INTERFACE_DEF, 404;
//   - the method is POST, else METHOD_NOT_SUPPORTED, 405 (with Allow: POST);
//   - Content-Type is absent or application/json with no charset or
//     charset UTF-8 (on every line, when it is given on several), else
//     MEDIA_TYPE_NOT_ACCEPTABLE, 415;
//   - exactly one Client-Id header, naming a configured partner, else
//     INVALID_CLIENT (CLIENT_INVALID under /ams/api, Antom's name), 401;
//   - exactly one Request-Time header, ISO 8601 with an offset or epoch
//     milliseconds, within Config.MaxClockSkew of the handler's clock either
//     way, else INVALID_SIGNATURE, 401 (the message says whether the header
//     is missing, malformed, stale or in the future);
//   - exactly one well-formed Signature header (algorithm RSA256), else
//     INVALID_SIGNATURE, 401;
//   - its keyVersion is one of the partner's key versions (no keyVersion:
//     the partner's newest key), else KEY_NOT_FOUND, 401;
//   - only then is the body read, once one of Config.MaxConcurrentBodies
//     reading slots is free: it fits in Config.MaxBodyBytes, else
//     PARAM_ILLEGAL, 413 (nothing is processed); a body that cannot be
//     read is PARAM_ILLEGAL, 400;
//   - the signature verifies over "POST <path>\n<Client-Id>.<Request-Time>.<body>"
//     with the Request-Time header exactly as sent and the raw body, else
//     INVALID_SIGNATURE, 401;
//   - a path under /ams/api is only answered for partners of ProfileAntom,
//     else NO_INTERFACE_DEF, 404;
//   - the partner's RateLimit has a token for the request, else U
//     REQUEST_TRAFFIC_EXCEED_LIMIT, 429: nothing is decoded, nothing
//     reaches the engine or the store.
//
// Headers it does not name (an SDK's Key-Version, Agent-Token,
// Sdk-Version, ...) are ignored. Refusals are logged at info level with
// the Client-Id header as sent, at most 5 a minute per known Client-Id
// (and 5 for all unknown ones together); the rest are counted in one
// warning line per Client-Id after the minute.
//
// Then the endpoint runs and its answer is sent with HTTP status 200,
// whatever its result (Alipay+ answers business failures with 200 and the
// result in the body). A panic anywhere, or an answer that cannot be
// encoded, is logged with its details and answered U UNKNOWN_EXCEPTION with
// HTTP status 500 and no details.
//
// Every answer, rejections included, is a JSON object with a "result"
// member and is signed with Config.WalletKey (a refusal by the transport
// is signed once and the same signed answer, Response-Time included, is
// sent again for up to 30 s; past a budget of fresh signatures for
// refusals, 1,024 at once then 32 a second, a refusal goes out without a
// Signature header): headers Client-Id
// (Config.WalletClientID; an antom partner's own Client-Id once the request
// named a known antom partner, see Partner.AnswerClientID), Response-Time
// (ISO 8601) and Signature over "POST <path>\n<that Client-Id>.<Response-Time>.<body>" (with keyVersion
// when Config.WalletKeyVersion is set). Result messages never echo header
// values, keys or signatures.
//
// <path> in both signatures is the request path as sent on the wire (the
// path of the request target, still escaped), so a handler mounted under a
// prefix with http.StripPrefix verifies the path the caller signed, while the
// endpoint is chosen from the (stripped) r.URL.Path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{h: h, w: w, r: r, signedPath: wirePath(r), start: time.Now(), answerClientID: h.answerClientID(r)}
	defer func() {
		if v := recover(); v != nil {
			h.cfg.Logger.Error("alipayplus: panic while serving a request",
				"path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !x.wroteHeader {
				x.write(http.StatusInternalServerError, transportAnswer{unknownException})
			}
		}
	}()
	status, answer := x.serve()
	x.write(status, answer)
}

// exchange is one request being served.
type exchange struct {
	h          *Handler
	w          http.ResponseWriter
	r          *http.Request
	signedPath string // the wire path both signatures cover
	// answerClientID is the Client-Id the answer is signed with
	// (Handler.answerClientID).
	answerClientID string
	wroteHeader    bool
	refused        bool      // the transport refused the request: its answer may be a cached one
	start          time.Time // for Config.Observe
	clientID       string    // once known, for Config.Observe
}

// serve runs the pipeline and returns the HTTP status and the answer body.
func (x *exchange) serve() (int, any) {
	h, r := x.h, x.r
	fail := func(rej *rejection) (int, any) {
		// A refusal is worth seeing: a merchant whose client the wallet
		// refuses can only be helped from this line. The Client-Id is
		// logged as sent (cut short), known or not; each Client-Id's
		// lines are limited (rejectionLog).
		x.refused = true
		h.rejections.reject(r.Context(), x.clientID,
			"path", r.URL.Path, "clientId", wire.Truncate(strings.Join(r.Header.Values("Client-Id"), ","), maxLoggedClientID),
			"knownClient", x.clientID != "", "resultCode", rej.result.ResultCode, "reason", rej.result.ResultMessage)
		if rej.status == http.StatusMethodNotAllowed {
			x.w.Header().Set("Allow", http.MethodPost)
		}
		if rej.status == http.StatusUnauthorized {
			x.w.Header().Set("WWW-Authenticate", `Signature algorithm="RSA256"`)
		}
		return rej.status, transportAnswer{rej.result}
	}

	name, antomPath := endpointName(r.URL.Path)
	ep, ok := h.endpoint(name)
	if !ok {
		return fail(reject(http.StatusNotFound, wire.StatusFail, wire.CodeNoInterfaceDef, "no interface is defined at this path"))
	}
	if r.Method != http.MethodPost {
		return fail(reject(http.StatusMethodNotAllowed, wire.StatusFail, wire.CodeMethodNotSupported, "only POST is supported"))
	}
	if rej := checkMediaType(r.Header); rej != nil {
		return fail(rej)
	}
	pe, rej := x.checkClient(antomPath)
	if rej != nil {
		return fail(rej)
	}
	reqTime, rej := x.checkRequestTime()
	if rej != nil {
		return fail(rej)
	}
	sig, key, rej := x.checkSignatureHeader(pe)
	if rej != nil {
		return fail(rej)
	}
	// Only now, with every header in order, is the body read: a caller
	// that has not named a partner and a well-formed signature holds no
	// body memory, and reads wait for one of Config.MaxConcurrentBodies
	// slots.
	body, rej := h.readBody(x.w, r, pe)
	if rej != nil {
		return fail(rej)
	}
	if !signing.Verify(key, signing.SignedContent(http.MethodPost, x.signedPath, x.clientID, reqTime, body), sig.Signature) {
		return fail(reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, "signature verification failed"))
	}

	if antomPath && pe.partner.Profile != ProfileAntom {
		return fail(reject(http.StatusNotFound, wire.StatusFail, wire.CodeNoInterfaceDef, "no interface is defined at this path for this Client-Id"))
	}
	if !pe.bucket.take(h.now()) {
		return fail(reject(http.StatusTooManyRequests, wire.StatusUnknown, wire.CodeRequestTrafficExceedLimit, trafficMessage))
	}

	answer := ep(h, &call{ctx: r.Context(), partner: pe.partner, path: r.URL.Path, body: body})
	if answer == nil {
		h.cfg.Logger.Error("alipayplus: endpoint returned no answer", "path", r.URL.Path, "clientId", x.clientID)
		return http.StatusInternalServerError, transportAnswer{unknownException}
	}
	return http.StatusOK, answer
}

// checkClient returns the partner the one Client-Id header names. Antom
// names a bad Client-Id CLIENT_INVALID (seed 004); with no partner known
// yet, the path tells the dialect.
func (x *exchange) checkClient(antomPath bool) (*partnerEntry, *rejection) {
	invalidClient := wire.CodeInvalidClient
	if antomPath {
		invalidClient = wire.CodeClientInvalid
	}
	cid, n := singleHeader(x.r.Header, "Client-Id")
	switch {
	case n == 0 || cid == "":
		return nil, reject(http.StatusUnauthorized, wire.StatusFail, invalidClient, "Client-Id header is missing")
	case n > 1:
		return nil, reject(http.StatusUnauthorized, wire.StatusFail, invalidClient, "Client-Id header is given more than once")
	}
	pe, ok := x.h.byClient[cid]
	if !ok {
		return nil, reject(http.StatusUnauthorized, wire.StatusFail, invalidClient, "Client-Id is not known")
	}
	x.clientID = cid
	return pe, nil
}

// checkSignatureHeader returns the one well-formed Signature header and
// the partner's key its keyVersion names (no keyVersion: the newest).
func (x *exchange) checkSignatureHeader(pe *partnerEntry) (signing.SignatureHeader, *rsa.PublicKey, *rejection) {
	sigValue, n := singleHeader(x.r.Header, "Signature")
	switch {
	case n == 0 || sigValue == "":
		return signing.SignatureHeader{}, nil, reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, "Signature header is missing")
	case n > 1:
		return signing.SignatureHeader{}, nil, reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, "Signature header is given more than once")
	}
	sig, err := signing.ParseSignatureHeader(sigValue)
	if err != nil {
		return sig, nil, reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature,
			"Signature header is malformed; want algorithm=RSA256, keyVersion=<version>, signature=<url-encoded base64>")
	}
	version := sig.KeyVersion
	if version == "" {
		version = pe.newestKey
	}
	key, ok := pe.partner.PublicKeys[version]
	if !ok {
		return sig, nil, reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeKeyNotFound, "no key with this keyVersion is registered for this Client-Id")
	}
	return sig, key, nil
}

// checkRequestTime returns the Request-Time header exactly as sent, once it
// parsed and lies within the allowed skew.
func (x *exchange) checkRequestTime() (string, *rejection) {
	v, n := singleHeader(x.r.Header, "Request-Time")
	switch {
	case n == 0 || v == "":
		return "", reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, "Request-Time header is missing")
	case n > 1:
		return "", reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, "Request-Time header is given more than once")
	}
	t, err := wire.ParseTime(v)
	if err != nil {
		return "", reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature,
			"Request-Time is neither ISO 8601 with an offset nor epoch milliseconds")
	}
	skew := x.h.cfg.MaxClockSkew
	switch d := x.h.now().Sub(t); {
	case d > skew:
		return "", reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature,
			"Request-Time is stale: more than "+skew.String()+" before the wallet's clock")
	case d < -skew:
		return "", reject(http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature,
			"Request-Time is in the future: more than "+skew.String()+" after the wallet's clock")
	}
	return v, nil
}

// write encodes answer, signs it and sends it with status. It is the only
// place that writes to the client.
func (x *exchange) write(status int, answer any) {
	h := x.h
	body, err := json.Marshal(answer)
	if err != nil {
		h.cfg.Logger.Error("alipayplus: cannot encode the answer", "path", x.r.URL.Path, "error", err)
		status = http.StatusInternalServerError
		body, _ = json.Marshal(transportAnswer{unknownException})
	}
	hdr := x.w.Header()
	now := h.now()
	respTime := wire.FormatTime(now)
	sign := func(respTime string) (string, error) {
		sig, err := signing.Sign(h.cfg.WalletKey, signing.SignedContent(http.MethodPost, x.signedPath, x.answerClientID, respTime, body))
		if err != nil {
			return "", err
		}
		return signing.SignatureHeader{KeyVersion: h.cfg.WalletKeyVersion, Signature: sig}.String(), nil
	}
	if x.refused && status != http.StatusInternalServerError {
		var signature string
		var signed bool
		key := x.signedPath + "\x00" + x.answerClientID + "\x00" + strconv.Itoa(status) + "\x00" + string(body)
		if respTime, signature, signed = h.refusals.headers(key, now, respTime, sign); signed {
			hdr.Set("Signature", signature)
		}
	} else if signature, err := sign(respTime); err != nil {
		// Cannot happen with a valid key; answer U unsigned rather than
		// nothing at all.
		h.cfg.Logger.Error("alipayplus: cannot sign the answer", "path", x.r.URL.Path, "error", err)
		status = http.StatusInternalServerError
		body, _ = json.Marshal(transportAnswer{unknownException})
	} else {
		hdr.Set("Signature", signature)
	}
	hdr.Set("Content-Type", "application/json; charset=UTF-8")
	hdr.Set("Client-Id", x.answerClientID)
	hdr.Set("Response-Time", respTime)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	x.wroteHeader = true
	x.w.WriteHeader(status)
	_, _ = x.w.Write(body) // a failed write means the client is gone
	if h.cfg.Observe != nil {
		x.observe(status, body)
	}
}

// observe reports the answer just written to Config.Observe.
func (x *exchange) observe(status int, body []byte) {
	var answer transportAnswer
	_ = json.Unmarshal(body, &answer) // our own encoding: it has a result
	name, _ := endpointName(x.r.URL.Path)
	if _, ok := x.h.endpoint(name); !ok {
		name = ""
	}
	x.h.cfg.Observe(Observation{Endpoint: name, ClientID: x.clientID, HTTPStatus: status,
		Result: answer.Result, Duration: time.Since(x.start)})
}

// endpointName returns the endpoint name a path addresses ("" when it is
// not under a known prefix) and whether it is under the Antom prefix.
func endpointName(path string) (name string, antom bool) {
	switch {
	case strings.HasPrefix(path, wire.PathPrefix):
		return path[len(wire.PathPrefix):], false
	case strings.HasPrefix(path, wire.AntomPathPrefix):
		return path[len(wire.AntomPathPrefix):], true
	}
	return "", false
}

// wirePath returns the path of the request target as the client sent it
// (escaped, no query), which is what the client signed. It falls back to
// r.URL when the request carries no RequestURI (a request built in memory).
func wirePath(r *http.Request) string {
	uri := r.RequestURI
	if strings.HasPrefix(uri, "/") {
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			uri = uri[:i]
		}
		return uri
	}
	if uri != "" && uri != "*" {
		if u, err := url.ParseRequestURI(uri); err == nil && u.Path != "" {
			return u.EscapedPath()
		}
	}
	return r.URL.EscapedPath()
}

// checkMediaType accepts a missing Content-Type (the spec makes it
// optional) and application/json with no charset or charset UTF-8. A
// header given on several lines is accepted when every line says so: the
// official merchant SDKs send both "application/json" and
// "application/json; charset=UTF-8" (docs/decisions.md, 56).
func checkMediaType(h http.Header) *rejection {
	for _, v := range h.Values("Content-Type") {
		if !isJSONUTF8(v) {
			return reject(http.StatusUnsupportedMediaType, wire.StatusFail, wire.CodeMediaTypeNotAcceptable,
				"Content-Type must be application/json (charset UTF-8)")
		}
	}
	return nil
}

// isJSONUTF8 reports whether a Content-Type value names application/json
// with no charset or charset UTF-8.
func isJSONUTF8(v string) bool {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// Bounds of reading a body, once the headers passed.
const (
	// bodySlotWait is how long a request waits for a reading slot before
	// it is answered U (busy): the merchant retries, nothing was done.
	bodySlotWait = 5 * time.Second
	// bodyReadTimeout is how long a body may take to arrive once its
	// slot is taken: the API's bodies are a few KB, so a sender slower
	// than that holds a slot on purpose.
	bodyReadTimeout = 5 * time.Second
)

// readBody reads the whole body, refusing more than Config.MaxBodyBytes,
// once one of the Config.MaxConcurrentBodies reading slots and one of the
// slots of the partner pe names are free: at most that many bodies are
// being read at once, so bodies being read hold at most MaxBodyBytes
// times MaxConcurrentBodies bytes whatever the number of connections, and
// requests naming one Client-Id hold at most a quarter of the slots. A
// request that gets no slot within bodySlotWait is answered 503 U
// UNKNOWN_EXCEPTION (retry); a body that does not arrive within
// bodyReadTimeout of taking its slot is unreadable (where the
// ResponseWriter can set a read deadline).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, pe *partnerEntry) ([]byte, *rejection) {
	limit := h.cfg.MaxBodyBytes
	tooLarge := reject(http.StatusRequestEntityTooLarge, wire.StatusFail, wire.CodeParamIllegal,
		"request body exceeds "+strconv.FormatInt(limit, 10)+" bytes")
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	if r.Body == nil || r.ContentLength == 0 {
		return nil, nil
	}
	unreadable := reject(http.StatusBadRequest, wire.StatusFail, wire.CodeParamIllegal, "request body could not be read")
	busy := reject(http.StatusServiceUnavailable, wire.StatusUnknown, wire.CodeUnknownException,
		"the wallet is busy reading other requests; retry the same request")
	wait := time.NewTimer(h.bodySlotWait)
	defer wait.Stop()
	for _, slots := range []chan struct{}{pe.bodySlots, h.bodySlots} {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-wait.C:
			return nil, busy
		case <-r.Context().Done():
			return nil, unreadable
		}
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyReadTimeout)) // not every ResponseWriter can
	in := http.MaxBytesReader(w, r.Body, limit)
	var body []byte
	var err error
	if r.ContentLength > 0 { // net/http ends the body there: read it into its exact size
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(in, body)
	} else {
		body, err = io.ReadAll(in)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, unreadable
	}
	return body, nil
}

// singleHeader returns the first value of a header and how many values it
// has (a header repeated is refused rather than guessed at).
func singleHeader(h http.Header, name string) (string, int) {
	v := h.Values(name)
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}

// answerClientID returns the Client-Id the answer to r is signed with:
// when r's one Client-Id header names a configured partner, what
// Partner.AnswerClientID says for it (every answer to a known antom
// partner, refusals included, verifies with its own Client-Id), else the
// wallet's.
func (h *Handler) answerClientID(r *http.Request) string {
	if cid, n := singleHeader(r.Header, "Client-Id"); n == 1 {
		if e, ok := h.byClient[cid]; ok {
			return e.partner.AnswerClientID(h.cfg.WalletClientID)
		}
	}
	return h.cfg.WalletClientID
}
