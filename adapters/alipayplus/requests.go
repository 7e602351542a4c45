package alipayplus

import (
	"fmt"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// This file is the one definition of every request body the wallet reads:
// per endpoint and profile, its members in the order they are read (the
// order of the spec's field tables), each with its kind, maximum length,
// whether it is required, the engine field it feeds and its description.
// The walker (decode.go) reads bodies by it, the endpoints answer engine
// PARAM_ILLEGAL errors with the wire names it gives, the OpenAPI document
// (docs/openapi.json) is generated from it (openapi.go), and a test holds
// the client's request structs (package wire) to it. Members that feed the
// engine take the engine's limits (engine.MaxIDLength, ...); the others
// take the Alipay+ field tables' lengths, written here once.

// maxShortURL is the longest URL of the mini-program and v1-en profiles
// (Antom's URLs may reach engine.MaxURLLength).
const maxShortURL = 1024

// request is the definition of one request body.
type request[T any] struct {
	schema  string // the name of its schema among the document's components
	title   string // the schema's title
	doc     string // the schema's description
	members []member[T]
	// names gives the wire name of every engine field the body feeds
	// (derived from members).
	names map[engine.Field]string
}

func newRequest[T any](schema, title, doc string, members ...member[T]) *request[T] {
	return &request[T]{schema: schema, title: title, doc: doc, members: members, names: fieldNames(members)}
}

// decode reads body, sent by partnerID, by the definition (see
// decodeRequest).
func (r *request[T]) decode(body []byte, partnerID string) (T, *fieldError, bool) {
	return decodeRequest(r.members, body, partnerID)
}

// The definitions, by endpoint and profile. Pay has one per profile; the
// other endpoints read the same members in every profile, partnerId being
// required in the mini-program profile only.
var (
	payMiniProgramV1 = newRequest("PayRequestMiniProgramV1", "pay request, mini-program v1 (partner variant)",
		"Profile `miniprogram-v1` (seed 000). Unknown members are ignored.",
		partnerIDMember[payInput](true),
		textMember("appId", 32, func(in *payInput, s string) { in.extra.AppID = s }).
			describe("Counts in the idempotency check."),
		textMember("productCode", 32, func(in *payInput, s string) { in.extra.ProductCode = s }).
			describe("Wallet-defined contract code; counts in the idempotency check."),
		textMember("paymentOrderTitle", engine.MaxTitleLength, func(in *payInput, s string) { in.req.OrderTitle = s }).
			required().plain().feeding(engine.FieldOrderTitle).
			describe("The order title shown on the cashier page."),
		payRequestID,
		payAmount,
		objectMember("paymentMethods",
			textMember("paymentMethodType", 32, func(in *payInput, s string) { in.extra.MethodType = s }).
				required().describe("e.g. `BALANCE`"),
			textMember("paymentMethodId", 128, func(in *payInput, s string) { in.extra.MethodID = s }),
			textMember[payInput]("extendMetaData", 2048, nil),
		).named("PaymentMethod", "How the user pays (mini-program `paymentMethods`). `paymentMethodType` and `paymentMethodId` count in the idempotency check."),
		payAuthCode.describe("Access token (isAgreementPay) or user payment code (isPaymentCode)."),
		scenarioFactor.describe("The scenario; absent means the cashier."),
		authorizationRule(),
		chooseScenario(func(*payInput) engine.Scenario { return engine.ScenarioCashier }),
		payExpiry.describe(fmt.Sprintf("When the wallet closes the unpaid payment: in the future and at most %s ahead (engine default). Default: %s for the cashier and order code, %s for agreement pay and payment code.",
			durationWords(engine.DefaultMaxExpiry), durationWords(engine.DefaultExpiry[engine.ScenarioCashier]), durationWords(engine.DefaultExpiry[engine.ScenarioAgreement]))),
		urlMember("paymentReturnUrl", maxShortURL, func(in *payInput, s string) { in.req.ReturnURL = s }).
			feeding(engine.FieldReturnURL).describe("Where the cashier sends the user afterwards."),
		urlMember("paymentNotifyUrl", maxShortURL, setNotifyURL).
			feeding(engine.FieldNotifyURL).describe("Where the wallet sends notifyPayment."),
		textMember("mcc", 32, func(in *payInput, s string) { in.extra.Mcc = s }).
			describe("Counts in the idempotency check."),
		objectMember("extraParams",
			jsonTextMember("ORDER", "the Order", func(in *payInput, b []byte) { in.req.OrderData = b }).
				feeding(engine.FieldOrderData).
				describe(fmt.Sprintf("The Order as a JSON text inside a JSON string (kept as given, at most %d KiB; not compared on repeats).", engine.MaxOrderDataBytes>>10)),
		).named("ExtraParams", "Mini-program extraParams: only the key ORDER is read; other keys are ignored."),
		extendInfoMember(setPayExtendInfo).describe(customerBelongsToDoc),
		objectMember("envInfo",
			textMember[payInput]("terminalType", maxEnumValue, nil).describe("e.g. APP, WEB, WAP, MINI_APP, SYSTEM (not checked against a list)"),
			textMember[payInput]("osType", maxEnumValue, nil).describe("e.g. IOS, ANDROID"),
			textMember[payInput]("userAgent", 1024, nil),
			textMember[payInput]("deviceTokenId", 128, nil),
			textMember[payInput]("clientIp", 64, nil),
			textMember[payInput]("cookieId", 128, nil),
			extendInfoMember[payInput](nil),
		).named("EnvInfo", "The payer's device (display and risk data; not compared on repeats)."),
	)

	payV1EN = newRequest("PayRequestV1EN", "pay request, v1-en",
		"Profile `v1-en` (seed 001). The order title is order.orderDescription. Unknown members are ignored.",
		partnerIDMember[payInput](false),
		textMember("productCode", 32, func(in *payInput, s string) { in.extra.ProductCode = s }).
			required().describe("Counts in the idempotency check."),
		payRequestID,
		payAmount,
		payOrder.required(),
		payExpiry.describe("As in the mini-program profile."),
		urlMember("paymentNotifyUrl", maxShortURL, setNotifyURL).
			feeding(engine.FieldNotifyURL).describe("Where the wallet sends notifyPayment."),
		payAuthCode.describe("An agreement access token: without paymentFactor a request with one is an agreement payment, without one a cashier payment."),
		urlMember("paymentRedirectUrl", maxShortURL, func(in *payInput, s string) { in.req.ReturnURL = s }).
			feeding(engine.FieldReturnURL).describe("Where the cashier sends the user afterwards."),
		textMember("appId", 32, func(in *payInput, s string) { in.extra.AppID = s }).
			describe("Counts in the idempotency check."),
		scenarioFactor.describe("Optional scenario flags, read as in the mini-program profile."),
		authorizationRule(),
		chooseScenario(func(in *payInput) engine.Scenario {
			if in.req.AuthCode != "" {
				return engine.ScenarioAgreement
			}
			return engine.ScenarioCashier
		}),
		extendInfoMember(setPayExtendInfo).describe("A JSON text, kept as given and returned with the payment (answers, inquiryPayment, notifyPayment); not compared on repeats."),
	)

	payAntom = newRequest("PayRequestAntom", "pay request, Antom entry code",
		"Profile `antom` (seed 004): IN_STORE_PAYMENT + inStorePaymentScenario EntryCode + paymentMethodType CONNECT_WALLET. Unknown members are ignored.",
		partnerIDMember[payInput](false),
		enumMember("productCode", func(in *payInput, s string) { in.extra.ProductCode = s }, antomProductInStore).required(),
		payRequestID,
		payOrder.required(),
		payAmount,
		objectMember("paymentMethod",
			enumMember("paymentMethodType", func(in *payInput, s string) { in.extra.MethodType = s }, antomMethodConnectWallet).required(),
			textMember("paymentMethodId", 128, func(in *payInput, s string) { in.extra.MethodID = s }),
		).required().named("PaymentMethodAntom", "Antom `paymentMethod`: entry-code payments use `CONNECT_WALLET`."),
		payExpiry.describe(fmt.Sprintf("When the wallet closes the unpaid payment (default %s).", durationWords(engine.DefaultExpiry[engine.ScenarioEntryCode]))),
		urlMember("paymentRedirectUrl", engine.MaxURLLength, func(in *payInput, s string) { in.req.ReturnURL = s }).
			feeding(engine.FieldReturnURL).describe("Where the cashier sends the user afterwards."),
		urlMember("paymentNotifyUrl", engine.MaxURLLength, setNotifyURL).required().
			feeding(engine.FieldNotifyURL).describe("Where the wallet sends notifyPayment."),
		objectMember("paymentFactor",
			enumMember("inStorePaymentScenario", func(in *payInput, _ string) { in.req.Scenario = engine.ScenarioEntryCode }, antomScenarioEntryCode).required(),
			flagMember[payInput]("isPaymentEvaluation", nil).refuse("is not supported for entry code payments").
				describe("Evaluation is not offered for entry-code payments."),
			antomAuthorizationFlag,
			antomCaptureMode,
			antomAuthorizationRule(),
		).requiredBecause(fmt.Sprintf("is required: inStorePaymentScenario must be %q", antomScenarioEntryCode)).
			feeding(engine.FieldScenario).
			named("PaymentFactorAntom", "Antom paymentFactor: this wallet offers the entry-code scenario only, paid at once or as an authorization (isAuthorization)."),
		objectMember[payInput]("settlementStrategy").describe("Accepted and ignored."),
		textMember[payInput]("merchantRegion", 2, nil).describe("ISO 3166 alpha-2; accepted and ignored."),
	)

	paymentQueryMiniProgramV1 = paymentQuery("PaymentQueryMiniProgramV1", "inquiryPayment / cancel request, mini-program v1",
		"As PaymentQuery, with partnerId required.", true)
	paymentQueryOther = paymentQuery("PaymentQuery", "inquiryPayment / cancel request, v1-en and antom",
		"Names one payment of the partner by paymentId or paymentRequestId (at least one; when both are given they must name the same payment, else PARAM_ILLEGAL). Unknown members are ignored.", false)
	refundMiniProgramV1 = refundRequest("RefundRequestMiniProgramV1", "refund request, mini-program v1",
		"As RefundRequestV1EN, with partnerId required (seed 002) and extendInfo's customerBelongsTo checked as in pay.", ProfileMiniProgramV1)
	refundV1EN  = refundRequest("RefundRequestV1EN", "refund request, v1-en", "Unknown members are ignored.", ProfileV1EN)
	refundAntom = refundRequest("RefundRequestAntom", "refund request, antom",
		"As RefundRequestV1EN, with Antom's members: the wallet sends notifyRefund to refundNotifyUrl.", ProfileAntom)
	refundQueryMiniProgramV1 = refundQuery("RefundQueryMiniProgramV1", "inquiryRefund request, mini-program v1",
		"As RefundQuery, with partnerId required.", true)
	refundQueryOther = refundQuery("RefundQuery", "inquiryRefund request, v1-en and antom",
		"Names one refund of the partner by refundId or refundRequestId (at least one; when both are given they must name the same refund, else PARAM_ILLEGAL). Unknown members are ignored.", false)
	captureMiniProgramV1 = captureRequest("CaptureRequestMiniProgramV1", "capture request, mini-program v1",
		"As CaptureRequest, with partnerId required and extendInfo's customerBelongsTo checked as in pay.", ProfileMiniProgramV1)
	captureOther = captureRequest("CaptureRequest", "capture request, v1-en and antom",
		"Antom's capture, which the mini-program profiles take too (no page of theirs names a capture's members): it takes captureAmount from the authorization paymentId. Unknown members are ignored.", ProfileV1EN)
)

// profiles are the wire profiles, in the order the document lists them.
var profiles = []Profile{ProfileMiniProgramV1, ProfileV1EN, ProfileAntom}

// payRequests is the pay definition of each profile.
var payRequests = map[Profile]*request[payInput]{
	ProfileMiniProgramV1: payMiniProgramV1,
	ProfileV1EN:          payV1EN,
	ProfileAntom:         payAntom,
}

// The definition each endpoint reads for a partner.
func payRequestFor(p *Partner) (*request[payInput], bool) {
	r, ok := payRequests[profileOf(p)]
	return r, ok
}

func paymentQueryFor(p *Partner) *request[engine.PaymentRef] {
	return byProfile(p, paymentQueryMiniProgramV1, paymentQueryOther)
}

func refundRequestFor(p *Partner) *request[engine.RefundRequest] {
	switch profileOf(p) {
	case ProfileMiniProgramV1:
		return refundMiniProgramV1
	case ProfileAntom:
		return refundAntom
	}
	return refundV1EN
}

func refundQueryFor(p *Partner) *request[engine.RefundRef] {
	return byProfile(p, refundQueryMiniProgramV1, refundQueryOther)
}

func captureRequestFor(p *Partner) *request[engine.CaptureRequest] {
	return byProfile(p, captureMiniProgramV1, captureOther)
}

// byProfile returns the mini-program definition for a partner of that
// profile, else other.
func byProfile[T any](p *Partner, mini, other *request[T]) *request[T] {
	if profileOf(p) == ProfileMiniProgramV1 {
		return mini
	}
	return other
}

// requestShape is a request definition seen apart from its decode target:
// what the OpenAPI document and the test of the client's structs read.
type requestShape struct {
	endpoint string
	profile  Profile
	schema   string
	title    string
	doc      string
	members  []shape
}

// shape is a member seen apart from its decode target.
type shape struct {
	spec
	members []shape
	rule    func() map[string]any // a rule's JSON Schema
}

// requestShapes returns the shape of the body each endpoint reads in each
// profile: the definitions the endpoints pick (payRequestFor, ...).
func requestShapes() []requestShape {
	var out []requestShape
	for _, prof := range profiles {
		p := &Partner{Profile: prof}
		pay, _ := payRequestFor(p)
		out = append(out,
			pay.shape(wire.EndpointPay, prof),
			paymentQueryFor(p).shape(wire.EndpointInquiryPayment, prof),
			paymentQueryFor(p).shape(wire.EndpointCancel, prof),
			refundRequestFor(p).shape(wire.EndpointRefund, prof),
			refundQueryFor(p).shape(wire.EndpointInquiryRefund, prof),
			captureRequestFor(p).shape(wire.EndpointCapture, prof),
		)
	}
	return out
}

func (r *request[T]) shape(endpoint string, prof Profile) requestShape {
	return requestShape{endpoint: endpoint, profile: prof, schema: r.schema, title: r.title, doc: r.doc, members: shapesOf(r.members)}
}

func shapesOf[T any](ms []member[T]) []shape {
	out := make([]shape, len(ms))
	for i, m := range ms {
		out[i] = shape{spec: m.spec, members: shapesOf(m.members), rule: m.schema}
	}
	return out
}

// Members several pay definitions share.
var (
	payRequestID = textMember("paymentRequestId", engine.MaxIDLength, func(in *payInput, s string) { in.req.RequestID = s }).
			required().plain().feeding(engine.FieldRequestID).
			describe("The merchant's unique id of this payment: the idempotency key (with partnerId). A repeat with the same id and the same content answers as the first; with other content F REPEAT_REQ_INCONSISTENT.")
	payAmount = amountMember("paymentAmount", func(in *payInput, m engine.Money) { in.req.Amount = m }).
			required().feeding(engine.FieldAmountCurrency, engine.FieldAmountValue)
	payAuthCode = textMember("paymentAuthCode", engine.MaxAuthCodeLength, func(in *payInput, s string) { in.req.AuthCode = s }).
			plain().feeding(engine.FieldAuthCode)
	payExpiry = timeMember("paymentExpiryTime", func(in *payInput, t time.Time) { in.req.ExpiresAt = t }).
			feeding(engine.FieldExpiresAt)
	// payOrder is the Order object of the v1-en and antom profiles: kept
	// as given as the payment's display data; only its documented scalar
	// members are checked, and orderAmount, when given, must be a valid
	// Amount although funds use paymentAmount alone.
	payOrder = objectMember("order",
		textMember[payInput]("referenceOrderId", 64, nil),
		textMember("orderDescription", engine.MaxTitleLength, func(in *payInput, s string) { in.req.OrderTitle = s }).
			plain().feeding(engine.FieldOrderTitle).describe("The payment's title on the cashier page."),
		amountMember[payInput]("orderAmount", nil).describe("Display only: funds use paymentAmount; when given it must be a valid Amount."),
		textMember[payInput]("extendInfo", 2048, nil),
	).keeping(func(in *payInput, b []byte) { in.req.OrderData = b }).feeding(engine.FieldOrderData).
		named("Order", fmt.Sprintf("The merchant's order (v1-en and antom profiles). It is kept as given (at most %d KiB) as the payment's display data and is not compared on repeats; only the members listed here are checked, others (goods, buyer, merchant, env, ...) are kept unchecked.", engine.MaxOrderDataBytes>>10))
	// scenarioFactor is the mini-program paymentFactor (v1-en reads it
	// too): its flags choose the scenario.
	scenarioFactor = objectMember("paymentFactor",
		scenarioFlag("isCashierPayment", engine.ScenarioCashier, "Cashier payment: the user pays on the wallet's cashier page (the default when no scenario flag is set)."),
		scenarioFlag("isAgreementPay", engine.ScenarioAgreement, "Agreement (auto-debit) payment: `paymentAuthCode` is the access token."),
		scenarioFlag("isPaymentCode", engine.ScenarioPaymentCode, "User-presented payment code: `paymentAuthCode` is the code."),
		scenarioFlag("isOrderCode", engine.ScenarioOrderCode, "Order code: the answer's actionForm carries the code to show."),
		evaluationFlag("isPaymentEvaluation", "Only checks whether the payment could succeed: nothing is stored, no money moves, no paymentId."),
		authorizationFlag,
		flagMember[payInput]("isAuthorizationAndPay", nil).refuse("is not supported by this wallet"),
		textMember[payInput]("inStorePaymentScenario", maxEnumValue, nil).describe("Accepted and ignored in this profile."),
	).feeding(engine.FieldScenario).
		named("PaymentFactor", "Mini-program payment scenario flags. At most one of isCashierPayment, isAgreementPay, isPaymentCode and isOrderCode may be true; isPaymentEvaluation turns the chosen scenario into an evaluation; isAuthorizationPayment makes a cashier, agreement or payment-code payment an authorization.")
	// authorizationFlag is the mini-program paymentFactor's
	// isAuthorizationPayment (seed 000).
	authorizationFlag = flagMember("isAuthorizationPayment", func(in *payInput, on bool) { in.authorization = on }).feeding(engine.FieldAuthorization).
				describe("Authorization (pre-auth) payment: the user's money is held, not taken; S means \"authorized, awaiting capture\" (seed 000) and the answer carries authExpiryTime. The merchant takes the money with capture (once or several times, isLastCapture on the last) and releases the rest with cancel; what is not captured by authExpiryTime goes back to the user. For cashier, agreement and payment-code payments.")
	// antomAuthorizationFlag and antomCaptureMode are Antom's
	// paymentFactor.isAuthorization and captureMode.
	antomAuthorizationFlag = flagMember("isAuthorization", func(in *payInput, on bool) { in.authorization = on }).feeding(engine.FieldAuthorization).
				describe("Authorization payment: the user's money is held, not taken, until captured (see captureMode); the answer carries authExpiryTime once authorized. Captures are announced with notifyCapture (CAPTURE_RESULT) to paymentNotifyUrl.")
	antomCaptureMode = enumMember("captureMode", func(in *payInput, s string) { in.captureMode = s }, wire.CaptureModeAutomatic, wire.CaptureModeManual).
				describe("With isAuthorization: AUTOMATIC (Antom's default) captures the whole amount as soon as it is authorized; MANUAL leaves capture to the merchant (capture endpoint). Without isAuthorization only AUTOMATIC, which changes nothing, is accepted.")
)

func setNotifyURL(in *payInput, s string) { in.req.NotifyURL = s }

// scenarioFlag is a paymentFactor flag that chooses scenario sc.
func scenarioFlag(name string, sc engine.Scenario, doc string) member[payInput] {
	m := flagMember(name, func(in *payInput, on bool) {
		if on {
			in.flag, in.scenario = name, sc
		}
	}).describe(doc)
	m.exclusive, m.scenario = true, sc
	return m
}

// evaluationFlag is the paymentFactor flag that turns the chosen scenario
// into an evaluation.
func evaluationFlag(name, doc string) member[payInput] {
	m := flagMember(name, func(in *payInput, on bool) { in.evaluation = on }).describe(doc)
	m.evaluation = true
	return m
}

// chooseScenario settles the scenario after paymentFactor was read:
// the flag's, else fallback's; agreement pay and payment code need
// paymentAuthCode unless they are evaluated only.
func chooseScenario(fallback func(*payInput) engine.Scenario) member[payInput] {
	return rule(func(o *object, in *payInput) {
		sc := in.scenario
		if in.flag == "" {
			sc = fallback(in)
		}
		if sc.NeedsAuthCode() && in.req.AuthCode == "" && !in.evaluation {
			o.fail(payAuthCode.name, "is required when %s.%s is true", scenarioFactor.name, in.flag)
			return
		}
		if in.evaluation {
			in.req.Scenario = engine.ScenarioEvaluation
			return
		}
		in.req.Scenario, in.orderCode = sc, sc == engine.ScenarioOrderCode
		in.req.Authorization = in.authorization
	}, authCodeSchema).named("AuthCodeRule", "Agreement pay and payment code need paymentAuthCode (except for an evaluation).")
}

// authorizationRule is the rule, read after the mini-program
// paymentFactor, that an authorization is a cashier, agreement or
// payment-code payment: neither an order code nor an evaluation.
func authorizationRule() member[payInput] {
	return rule(func(o *object, in *payInput) {
		flag := scenarioFactor.name + "." + authorizationFlag.name
		switch {
		case !in.authorization:
		case in.evaluation:
			o.fail(flag, "cannot be true together with isPaymentEvaluation: an evaluation moves no money, so it holds none")
		case in.flag == "isOrderCode":
			o.fail(flag, "cannot be true together with isOrderCode: authorizations are offered for cashier, agreement and payment-code payments")
		}
	}, authorizationSchema).named("AuthorizationRule", "isAuthorizationPayment cannot be true together with isOrderCode or isPaymentEvaluation.")
}

// antomAuthorizationRule is the rule of Antom's paymentFactor that settles
// an authorization: MANUAL capture needs isAuthorization; an antom
// authorization is captured automatically unless captureMode is MANUAL,
// and its captures are announced (notifyCapture).
func antomAuthorizationRule() member[payInput] {
	return rule(func(o *object, in *payInput) {
		if in.captureMode == wire.CaptureModeManual && !in.authorization {
			o.fail(antomCaptureMode.name, "MANUAL needs isAuthorization true: only an authorization waits for the merchant's capture")
			return
		}
		if in.authorization {
			in.req.Authorization, in.req.NotifyCaptures = true, true
			in.req.CaptureAutomatically = in.captureMode != wire.CaptureModeManual
		}
	}, antomAuthorizationSchema).named("CaptureModeRule", "captureMode MANUAL needs isAuthorization true.")
}

// partnerIDMember is partnerId: required in the mini-program profile,
// optional in the others; when given it must be the caller's.
func partnerIDMember[T any](required bool) member[T] {
	m := textMember[T]("partnerId", 32, nil).feeding(engine.FieldPartnerID)
	m.callerPartner = true
	if required {
		return m.required().describe("The wallet-assigned partner id; it must belong to the Client-Id (else ACCESS_DENIED) and is part of every idempotency key.")
	}
	return m.describe("Optional in this profile (the Client-Id names the partner); when given it must be the partner's own (else ACCESS_DENIED).")
}

// extendInfoMember is extendInfo, a JSON text kept as given by set (nil:
// read and dropped). The wallet reads only its customerBelongsTo, in the
// mini-program profile (customerbelongsto.go).
func extendInfoMember[T any](set func(*T, string)) member[T] {
	m := textMember("extendInfo", engine.MaxExtendInfo, set)
	if set != nil {
		m = m.feeding(engine.FieldExtendInfo)
	}
	return m
}

func setPayExtendInfo(in *payInput, s string) { in.req.ExtendInfo = s }

// customerBelongsToDoc describes the mini-program profile's extendInfo.
const customerBelongsToDoc = "A JSON object in a string, e.g. `{\"customerBelongsTo\":\"siteName\"}`, kept as given and returned with the payment (answers, inquiryPayment, notifyPayment); not compared on repeats. " +
	"customerBelongsTo names the wallet (its siteName from my.getSiteInfo) the customer uses: when the wallet is configured with a site name, a customerBelongsTo naming another site is PARAM_ILLEGAL, and the cashier (mini-program) scenario requires it (seeds 000, 002)."

// merchantAccountIDMember is Antom's merchantAccountId, accepted and
// ignored.
func merchantAccountIDMember[T any]() member[T] {
	return textMember[T]("merchantAccountId", 32, nil).describe("Antom; accepted and ignored.")
}

// eitherMember is the rule that a or b (text members) is given.
func eitherMember[T any](a, b member[T]) member[T] {
	return rule(func(o *object, _ *T) {
		if !o.givenText(a.name) && !o.givenText(b.name) {
			o.fail(a.name, "or %s is required", b.name)
		}
	}, func() map[string]any { return eitherSchema(a.name, b.name) })
}

// paymentQuery is the body of inquiryPayment and cancel.
func paymentQuery(schema, title, doc string, partnerRequired bool) *request[engine.PaymentRef] {
	id := textMember("paymentId", engine.MaxIDLength, func(r *engine.PaymentRef, s string) { r.PaymentID = s }).
		plain().feeding(engine.FieldPaymentID).describe("The wallet's payment id. When paymentRequestId is given too, both must name the same payment (else PARAM_ILLEGAL).")
	requestID := textMember("paymentRequestId", engine.MaxIDLength, func(r *engine.PaymentRef, s string) { r.RequestID = s }).
		plain().feeding(engine.FieldRequestID).describe("The merchant's paymentRequestId.")
	return newRequest(schema, title, doc,
		partnerIDMember[engine.PaymentRef](partnerRequired),
		id,
		requestID,
		extendInfoMember[engine.PaymentRef](nil),
		merchantAccountIDMember[engine.PaymentRef](),
		eitherMember(id, requestID),
	)
}

// refundRequest is the body of refund in profile prof. Antom's extras are
// Antom's: its refundNotifyUrl is where the wallet sends notifyRefund;
// the others are accepted and checked but not used.
func refundRequest(schema, title, doc string, prof Profile) *request[engine.RefundRequest] {
	id := textMember("paymentId", engine.MaxIDLength, func(r *engine.RefundRequest, s string) { r.PaymentID = s }).
		plain().feeding(engine.FieldPaymentID).describe("The refunded payment by the wallet's id. When paymentRequestId is given too, both must name the same payment (else PARAM_ILLEGAL).")
	requestID := textMember("paymentRequestId", engine.MaxIDLength, func(r *engine.RefundRequest, s string) { r.PaymentRequestID = s }).
		plain().feeding(engine.FieldPaymentRequestID).describe("The refunded payment by the merchant's paymentRequestId.")
	extendInfo := extendInfoMember(func(r *engine.RefundRequest, s string) { r.ExtendInfo = s }).
		describe("A JSON text, kept as given and returned with the refund (refund, inquiryRefund); not compared on repeats.")
	if prof == ProfileMiniProgramV1 {
		extendInfo = extendInfo.describe("As in pay: kept as given and returned with the refund; customerBelongsTo, when given, must name this wallet's site.")
	}
	notifyURL := urlMember[engine.RefundRequest]("refundNotifyUrl", maxShortURL, nil).
		describe("Antom's; accepted and ignored in this profile (no notifyRefund).")
	if prof == ProfileAntom {
		notifyURL = urlMember("refundNotifyUrl", maxShortURL, func(r *engine.RefundRequest, s string) { r.NotifyURL = s }).
			feeding(engine.FieldNotifyURL).
			describe("Where the wallet sends notifyRefund (REFUND_RESULT) once the refund's credit has its final result; not compared on repeats.")
	}
	return newRequest(schema, title, doc,
		partnerIDMember[engine.RefundRequest](prof == ProfileMiniProgramV1),
		textMember("refundRequestId", engine.MaxIDLength, func(r *engine.RefundRequest, s string) { r.RequestID = s }).
			required().plain().feeding(engine.FieldRequestID).
			describe("The merchant's unique id of this refund: the idempotency key (with partnerId)."),
		id,
		requestID,
		eitherMember(id, requestID),
		amountMember("refundAmount", func(r *engine.RefundRequest, m engine.Money) { r.Amount = m }).
			required().feeding(engine.FieldAmountCurrency, engine.FieldAmountValue).
			describe("In the payment's currency; all refunds together at most the paid amount."),
		textMember("refundReason", engine.MaxReasonLength, func(r *engine.RefundRequest, s string) { r.Reason = s }).
			plain().feeding(engine.FieldReason),
		extendInfo,
		textMember[engine.RefundRequest]("referenceRefundId", 64, nil).describe("Antom; accepted and ignored."),
		notifyURL,
		merchantAccountIDMember[engine.RefundRequest](),
		flagMember[engine.RefundRequest]("isAsyncRefund", nil).describe("Antom; accepted and ignored."),
	)
}

// captureRequest is the body of capture in the profiles whose definitions
// prof stands for (the mini-program's, with partnerId required and
// customerBelongsTo described, or the others').
func captureRequest(schema, title, doc string, prof Profile) *request[engine.CaptureRequest] {
	extendInfo := extendInfoMember(func(r *engine.CaptureRequest, s string) { r.ExtendInfo = s }).
		describe("A JSON text, kept as given and returned with the capture; not compared on repeats.")
	if prof == ProfileMiniProgramV1 {
		extendInfo = extendInfo.describe("As in pay: kept as given and returned with the capture; customerBelongsTo, when given, must name this wallet's site.")
	}
	return newRequest(schema, title, doc,
		partnerIDMember[engine.CaptureRequest](prof == ProfileMiniProgramV1),
		textMember("captureRequestId", engine.MaxIDLength, func(r *engine.CaptureRequest, s string) { r.RequestID = s }).
			required().plain().feeding(engine.FieldCaptureRequestID).
			describe("The merchant's unique id of this capture: the idempotency key (with partnerId). A repeat with the same id, paymentId, captureAmount and isLastCapture answers as the first; with other content F REPEAT_REQ_INCONSISTENT."),
		textMember("paymentId", engine.MaxIDLength, func(r *engine.CaptureRequest, s string) { r.PaymentID = s }).
			required().plain().feeding(engine.FieldPaymentID).
			describe("The authorization, by the wallet's payment id (the pay answer's paymentId)."),
		amountMember("captureAmount", func(r *engine.CaptureRequest, m engine.Money) { r.Amount = m }).
			required().feeding(engine.FieldAmountCurrency, engine.FieldAmountValue).
			describe("In the authorization's currency; all captures together at most the authorized amount."),
		flagMember("isLastCapture", func(r *engine.CaptureRequest, on bool) { r.Last = on }).
			describe("True on the merchant's last capture: once it succeeds, what the authorization has left goes back to the user and no further capture is taken. Absent means false (Antom's default)."),
		extendInfo,
	)
}

// refundQuery is the body of inquiryRefund.
func refundQuery(schema, title, doc string, partnerRequired bool) *request[engine.RefundRef] {
	id := textMember("refundId", engine.MaxIDLength, func(r *engine.RefundRef, s string) { r.RefundID = s }).
		plain().feeding(engine.FieldRefundID).describe("The wallet's refund id. When refundRequestId is given too, both must name the same refund (else PARAM_ILLEGAL).")
	requestID := textMember("refundRequestId", engine.MaxIDLength, func(r *engine.RefundRef, s string) { r.RequestID = s }).
		plain().feeding(engine.FieldRequestID).describe("The merchant's refundRequestId.")
	return newRequest(schema, title, doc,
		partnerIDMember[engine.RefundRef](partnerRequired),
		id,
		requestID,
		extendInfoMember[engine.RefundRef](nil),
		merchantAccountIDMember[engine.RefundRef](),
		eitherMember(id, requestID),
	)
}
