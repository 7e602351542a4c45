package alipayplus

import (
	"encoding/json"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// Antom entry-code values (seed 004).
const (
	antomProductInStore      = "IN_STORE_PAYMENT"
	antomScenarioEntryCode   = "EntryCode"
	antomMethodConnectWallet = "CONNECT_WALLET"
)

// payFieldsMini maps engine field names of PayRequest to the mini-program
// wire names; payFieldsOrder to the v1-en and antom ones, whose order is
// an object and whose return URL is paymentRedirectUrl.
var (
	payFieldsMini = map[engine.Field]string{
		engine.FieldPartnerID: "partnerId", engine.FieldRequestID: "paymentRequestId", engine.FieldScenario: "paymentFactor",
		engine.FieldAmountCurrency: "paymentAmount.currency", engine.FieldAmountValue: "paymentAmount.value",
		engine.FieldAuthCode: "paymentAuthCode", engine.FieldOrderTitle: "paymentOrderTitle", engine.FieldOrderData: "extraParams.ORDER",
		engine.FieldNotifyURL: "paymentNotifyUrl", engine.FieldReturnURL: "paymentReturnUrl", engine.FieldExpiresAt: "paymentExpiryTime",
	}
	payFieldsOrder = map[engine.Field]string{
		engine.FieldPartnerID: "partnerId", engine.FieldRequestID: "paymentRequestId", engine.FieldScenario: "paymentFactor",
		engine.FieldAmountCurrency: "paymentAmount.currency", engine.FieldAmountValue: "paymentAmount.value",
		engine.FieldAuthCode: "paymentAuthCode", engine.FieldOrderTitle: "order.orderDescription", engine.FieldOrderData: "order",
		engine.FieldNotifyURL: "paymentNotifyUrl", engine.FieldReturnURL: "paymentRedirectUrl", engine.FieldExpiresAt: "paymentExpiryTime",
	}
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
	req       engine.PayRequest
	orderCode bool // mini-program isOrderCode: the action form shows an order code
}

// pay is POST /v1/payments/pay: it creates a payment (or answers a repeat
// of one) and tells the merchant what to do next, in the partner's
// profile.
func pay(h *Handler, c *call) any {
	prof := profileOf(c.partner)
	d, root := decodeBody(c.body)
	resp := &wire.PayResponse{}
	if denied := checkPartner(c, root); denied != nil {
		resp.Result = *denied
		return resp
	}
	var in payInput
	names := payFieldsOrder
	switch prof {
	case ProfileMiniProgramV1:
		in, names = decodeMiniPay(root), payFieldsMini
	case ProfileV1EN:
		in = decodeENPay(root)
	case ProfileAntom:
		in = decodeAntomPay(root)
	default:
		h.logger().ErrorContext(c.ctx, "alipayplus: partner has an unknown profile", "partner", c.partner.PartnerID, "profile", string(prof))
		resp.Result = result(wire.StatusUnknown, wire.CodeUnknownException)
		return resp
	}
	if d.err != nil {
		resp.Result = paramIllegal(d.err)
		return resp
	}
	in.req.PartnerID = c.partner.PartnerID
	if prof == ProfileAntom {
		resp.PaymentRequestID = in.req.RequestID
	}
	p, err := h.engine().Pay(c.ctx, in.req)
	resp.PaymentID = p.ID
	if err != nil {
		resp.Result = h.errorResult(c, apiPay, err, names)
		return resp
	}
	switch p.State {
	case engine.PaymentAccept:
		h.acceptAnswer(resp, prof, &p, in.orderCode)
	case engine.PaymentSuccess:
		resp.Result = successResult()
		resp.PaymentTime = wireTime(p.PaidAt)
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
// redirectActionForm{method, redirectionUrl} and paymentTime (seed 001,
// which sets paymentTime although the user has not paid: here it is the
// time the payment was created); antom S + redirectActionForm.redirectUrl
// (seed 004).
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
		resp.PaymentTime = wireTime(p.CreatedAt)
		resp.RedirectActionForm = &wire.RedirectActionForm{Method: "POST", RedirectionURL: url}
	default:
		resp.Result = successResult()
		resp.RedirectActionForm = &wire.RedirectActionForm{RedirectURL: url}
	}
}

// decodeMiniPay reads a mini-program v1 pay body (seed 000) after its
// partnerId, in the order of the seed's table.
func decodeMiniPay(root *object) payInput {
	var in payInput
	var x payExtra
	r := &in.req
	x.AppID = root.str("appId", maxAppID, false)
	x.ProductCode = root.str("productCode", maxProductCode, false)
	r.OrderTitle = root.str("paymentOrderTitle", maxOrderTitle, true)
	r.RequestID = root.str("paymentRequestId", maxRequestID, true)
	r.Amount = root.amount("paymentAmount", true)
	x.MethodType, x.MethodID = decodePaymentMethod(root.object("paymentMethods", false))
	r.AuthCode = root.str("paymentAuthCode", maxAuthCode, false)
	r.Scenario, in.orderCode = decodeScenarioFlags(root, r.AuthCode, engine.ScenarioCashier)
	r.ExpiresAt = root.timestamp("paymentExpiryTime", false)
	r.ReturnURL = root.link("paymentReturnUrl", maxMiniURL, false)
	r.NotifyURL = root.link("paymentNotifyUrl", maxMiniURL, false)
	x.Mcc = root.str("mcc", maxMcc, false)
	extra := root.object("extraParams", false)
	if order := extra.str("ORDER", noLimit, false); order != "" {
		if !json.Valid([]byte(order)) {
			extra.fail("ORDER", "must be a JSON string holding the Order as JSON")
		}
		r.OrderData = []byte(order)
	}
	root.str("extendInfo", maxExtendInfo, false)
	decodeEnvInfo(root.object("envInfo", false))
	r.Extra = x.String()
	return in
}

// decodeENPay reads a v1-en pay body (seed 001): productCode and order
// required; the scenario comes from paymentFactor when given, else it is
// agreement pay when paymentAuthCode (the access token) is given and the
// cashier otherwise.
func decodeENPay(root *object) payInput {
	var in payInput
	var x payExtra
	r := &in.req
	x.ProductCode = root.str("productCode", maxProductCode, true)
	r.RequestID = root.str("paymentRequestId", maxRequestID, true)
	r.Amount = root.amount("paymentAmount", true)
	r.OrderTitle, r.OrderData = decodeOrder(root.object("order", true))
	r.ExpiresAt = root.timestamp("paymentExpiryTime", false)
	r.NotifyURL = root.link("paymentNotifyUrl", maxMiniURL, false)
	r.AuthCode = root.str("paymentAuthCode", maxAuthCode, false)
	r.ReturnURL = root.link("paymentRedirectUrl", maxMiniURL, false)
	x.AppID = root.str("appId", maxAppID, false)
	fallback := engine.ScenarioCashier
	if r.AuthCode != "" {
		fallback = engine.ScenarioAgreement
	}
	r.Scenario, in.orderCode = decodeScenarioFlags(root, r.AuthCode, fallback)
	root.str("extendInfo", maxExtendInfo, false)
	r.Extra = x.String()
	return in
}

// decodeAntomPay reads an Antom entry-code pay body (seed 004): the only
// Antom product this wallet offers is IN_STORE_PAYMENT with
// inStorePaymentScenario EntryCode and paymentMethodType CONNECT_WALLET;
// paymentNotifyUrl is required.
func decodeAntomPay(root *object) payInput {
	var in payInput
	var x payExtra
	r := &in.req
	r.Scenario = engine.ScenarioEntryCode
	x.ProductCode = root.oneOf("productCode", true, antomProductInStore)
	r.RequestID = root.str("paymentRequestId", maxRequestID, true)
	r.OrderTitle, r.OrderData = decodeOrder(root.object("order", true))
	r.Amount = root.amount("paymentAmount", true)
	method := root.object("paymentMethod", true)
	x.MethodType = method.oneOf("paymentMethodType", true, antomMethodConnectWallet)
	x.MethodID = method.str("paymentMethodId", maxMethodID, false)
	r.ExpiresAt = root.timestamp("paymentExpiryTime", false)
	r.ReturnURL = root.link("paymentRedirectUrl", maxAntomURL, false)
	r.NotifyURL = root.link("paymentNotifyUrl", maxAntomURL, true)
	factor := root.object("paymentFactor", false)
	if !factor.present && root.d.err == nil {
		root.fail("paymentFactor", "is required: inStorePaymentScenario must be %q", antomScenarioEntryCode)
	}
	factor.oneOf("inStorePaymentScenario", true, antomScenarioEntryCode)
	if factor.boolean("isPaymentEvaluation") {
		factor.fail("isPaymentEvaluation", "is not supported for entry code payments")
	}
	root.object("settlementStrategy", false)
	root.str("merchantRegion", maxMerchantRegion, false)
	r.Extra = x.String()
	return in
}

// scenarioFlags are the mini-program paymentFactor flags that each choose
// a scenario.
var scenarioFlags = []struct {
	flag     string
	scenario engine.Scenario
}{
	{"isCashierPayment", engine.ScenarioCashier},
	{"isAgreementPay", engine.ScenarioAgreement},
	{"isPaymentCode", engine.ScenarioPaymentCode},
	{"isOrderCode", engine.ScenarioOrderCode},
}

// decodeScenarioFlags reads paymentFactor and returns the scenario it
// chooses (fallback when it sets no scenario flag) and whether that is the
// order code. At most one scenario flag may be true; isPaymentEvaluation
// turns any of them into an evaluation; authorization payments are not
// offered. Agreement pay and payment code need paymentAuthCode.
func decodeScenarioFlags(root *object, authCode string, fallback engine.Scenario) (engine.Scenario, bool) {
	pf := root.object("paymentFactor", false)
	sc, chosen := fallback, ""
	for _, f := range scenarioFlags {
		if !pf.boolean(f.flag) {
			continue
		}
		if chosen != "" {
			pf.fail(f.flag, "cannot be true together with %s: choose one payment scenario", chosen)
			return fallback, false
		}
		sc, chosen = f.scenario, f.flag
	}
	evaluation := pf.boolean("isPaymentEvaluation")
	for _, f := range []string{"isAuthorizationPayment", "isAuthorizationAndPay"} {
		if pf.boolean(f) {
			pf.fail(f, "is not supported by this wallet")
		}
	}
	pf.str("inStorePaymentScenario", maxEnumValue, false)
	if sc.NeedsAuthCode() && authCode == "" && !evaluation && root.d.err == nil {
		root.fail("paymentAuthCode", "is required when paymentFactor.%s is true", chosen)
	}
	if evaluation {
		return engine.ScenarioEvaluation, false
	}
	return sc, sc == engine.ScenarioOrderCode
}

// decodePaymentMethod reads a PaymentMethod object (optional) and returns
// its type and id.
func decodePaymentMethod(m *object) (methodType, methodID string) {
	if !m.present {
		return "", ""
	}
	methodType = m.str("paymentMethodType", maxMethodType, true)
	methodID = m.str("paymentMethodId", maxMethodID, false)
	m.str("extendMetaData", maxExtendMetaData, false)
	return methodType, methodID
}

// decodeEnvInfo checks an EnvInfo object (optional): its fields are
// strings within their lengths. Values are not checked against the
// documented enums, which wallets extend.
func decodeEnvInfo(env *object) {
	env.str("terminalType", maxEnumValue, false)
	env.str("osType", maxEnumValue, false)
	env.str("userAgent", maxUserAgent, false)
	env.str("deviceTokenId", maxDeviceTokenID, false)
	env.str("clientIp", maxClientIP, false)
	env.str("cookieId", maxCookieID, false)
	env.str("extendInfo", maxExtendInfo, false)
}

// decodeOrder checks an Order object (v1-en, antom) and returns its
// orderDescription (the payment's title on the cashier page) and its JSON
// as given (kept as the payment's display data). Only the documented
// scalar fields are checked; orderAmount, when given, must be a valid
// Amount although funds use paymentAmount alone.
func decodeOrder(order *object) (title string, data []byte) {
	if !order.present {
		return "", nil
	}
	order.str("referenceOrderId", maxRequestID, false)
	title = order.str("orderDescription", maxOrderTitle, false)
	order.amount("orderAmount", false)
	order.str("extendInfo", maxOrderExtendInfo, false)
	return title, []byte(order.raw)
}
