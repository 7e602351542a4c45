package alipayplus

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// Antom entry-code values (seed 004).
const (
	antomProductInStore      = "IN_STORE_PAYMENT"
	antomScenarioEntryCode   = "EntryCode"
	antomMethodConnectWallet = "CONNECT_WALLET"
)

// payExtra is the wire content a repeat of a pay must repeat besides what
// engine.PayRequest compares itself (docs/decisions.md, idempotency): it goes into
// PayRequest.Extra as JSON. Order and env data are display data and are
// not compared (docs/decisions.md, idempotency).
type payExtra struct {
	ProductCode string `json:"productCode,omitempty"`
	AppID       string `json:"appId,omitempty"`
	Mcc         string `json:"mcc,omitempty"`
	MethodType  string `json:"paymentMethodType,omitempty"`
	MethodID    string `json:"paymentMethodId,omitempty"`
}

// String returns the JSON form PayRequest.Extra carries ("" when empty).
func (x payExtra) String() string {
	if x == (payExtra{}) {
		return ""
	}
	b, _ := json.Marshal(x) // cannot fail: strings only
	return string(b)
}

// payInput is a pay request decoded from any profile.
type payInput struct {
	req   engine.PayRequest
	extra payExtra // becomes req.Extra
	// flag is the paymentFactor flag that chose scenario ("" when none
	// did); evaluation is isPaymentEvaluation.
	flag       string
	scenario   engine.Scenario
	evaluation bool
	orderCode  bool // mini-program isOrderCode: the action form shows an order code
	// authorization is the profile's authorization flag (mini-program
	// isAuthorizationPayment, Antom isAuthorization); captureMode is
	// Antom's captureMode.
	authorization bool
	captureMode   string
}

// pay is POST /v1/payments/pay: it creates a payment (or answers a repeat
// of one) and tells the merchant what to do next, in the partner's
// profile.
func pay(h *Handler, c *call) any {
	prof := profileOf(c.partner)
	resp := &wire.PayResponse{}
	def, ok := payRequestFor(c.partner)
	if !ok {
		h.logger().ErrorContext(c.ctx, "alipayplus: partner has an unknown profile", "partner", c.partner.PartnerID, "profile", string(prof))
		resp.Result = result(wire.StatusUnknown, wire.CodeUnknownException)
		return resp
	}
	in, problem, denied := def.decode(c.body, c.partner.PartnerID)
	if denied {
		resp.Result = accessDenied()
		return resp
	}
	if problem == nil && prof == ProfileMiniProgramV1 {
		problem = h.siteProblem(in.req.ExtendInfo, requiresSite(in.req.Scenario))
	}
	if problem != nil {
		resp.Result = badRequest(c.partner, problem)
		return resp
	}
	in.req.Extra = in.extra.String()
	in.req.PartnerID = c.partner.PartnerID
	if prof == ProfileAntom {
		resp.PaymentRequestID = in.req.RequestID
	}
	p, err := h.engine().Pay(c.ctx, in.req)
	resp.PaymentID, resp.ExtendInfo = p.ID, p.ExtendInfo
	if err != nil {
		resp.Result = h.errorResult(c, apiPay, err, def.names)
		if engine.ErrorCode(err) == engine.CodeOrderClosed {
			answerRepeatOfClosed(resp, prof, &p)
		}
		return resp
	}
	switch p.State {
	case engine.PaymentAccept:
		h.acceptAnswer(resp, prof, &p, in.orderCode)
	case engine.PaymentSuccess, engine.PaymentAuthorized:
		// An authorization's S means "authorized, awaiting capture"
		// (seed 000), also once captures completed it.
		resp.Result = successResult()
		resp.PaymentTime, resp.AuthExpiryTime = wireTime(succeededAt(&p)), authExpiryTime(&p)
	case engine.PaymentFail:
		resp.Result = failReasonResult(apiPay, p.FailReason, p.FailMessage)
	case engine.PaymentInit:
		resp.Result = result(wire.StatusUnknown, wire.CodePaymentInProcess)
	default: // CLOSED comes with CodeOrderClosed; be safe anyway
		resp.Result = result(wire.StatusFail, wire.CodeOrderIsClosed)
	}
	return resp
}

// acceptAnswer fills the answer to a payment waiting for the user, as the
// profile says: mini-program A ACCEPT + actionForm (seed 000); v1-en S +
// redirectActionForm{method GET, redirectionUrl} (seed 001; GET is how the
// cashier page is shown, docs/decisions.md 64; without
// paymentTime: its field table defines it as the success time, although
// its sample shows one on this answer; docs/decisions.md, 63); antom S +
// redirectActionForm.redirectUrl (seed 004).
func (h *Handler) acceptAnswer(resp *wire.PayResponse, prof Profile, p *engine.Payment, orderCode bool) {
	url := h.cfg.CashierURL(p.ID)
	switch prof {
	case ProfileMiniProgramV1:
		resp.Result = result(wire.StatusAccepted, wire.CodeAccept)
		if orderCode {
			resp.ActionForm = &wire.ActionForm{ActionFormType: wire.ActionFormOrderCode, OrderCode: url}
		} else {
			resp.ActionForm = &wire.ActionForm{ActionFormType: wire.ActionFormRedirection, RedirectionURL: url}
		}
	case ProfileV1EN:
		resp.Result = successResult()
		resp.RedirectActionForm = &wire.RedirectActionForm{Method: http.MethodGet, RedirectionURL: url}
	default:
		resp.Result = successResult()
		resp.RedirectActionForm = &wire.RedirectActionForm{RedirectURL: url}
	}
}

// answerRepeatOfClosed answers a repeat of a pay whose payment has closed
// since (the engine's CodeOrderClosed, F ORDER_IS_CLOSED unless this says
// otherwise), as each profile's seed says. A payment that was paid and then
// cancelled (reversed), or an authorization that was authorized and then
// voided, keeps its final answer in miniprogram-v1 and v1-en: S with its
// paymentTime (seed 000: once a request reached S or F, every repeat gets
// that one result). antom answers such a repeat F ORDER_IS_CANCELED (seed
// 004). An unpaid payment that was cancelled or expired stays F
// ORDER_IS_CLOSED in every profile, as does one whose debit succeeded only
// after its expiry (the merchant was told it failed) and an authorization
// that expired uncaptured (so was its notifyPayment).
func answerRepeatOfClosed(resp *wire.PayResponse, prof Profile, p *engine.Payment) {
	if p.FailReason != engine.CodeCancelled || succeededAt(p).IsZero() {
		return
	}
	if prof == ProfileAntom {
		resp.Result = result(wire.StatusFail, wire.CodeOrderIsCanceled)
		return
	}
	resp.Result = successResult()
	resp.PaymentTime, resp.AuthExpiryTime = wireTime(succeededAt(p)), authExpiryTime(p)
}

// succeededAt is when p's pay reached S: when it was paid, or for an
// authorization when it was authorized (its notifyPayment's paymentTime);
// zero before.
func succeededAt(p *engine.Payment) time.Time {
	if p.Authorization {
		return p.AuthorizedAt
	}
	return p.PaidAt
}

// authExpiryTime is the authExpiryTime answered for p: when an
// authorization's uncaptured rest is released, once it is authorized; ""
// for other payments.
func authExpiryTime(p *engine.Payment) string {
	if !p.Authorization || p.AuthorizedAt.IsZero() {
		return ""
	}
	return wireTime(p.AuthExpiresAt)
}
