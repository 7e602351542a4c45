package alipayplus

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// This file defines the webhooks of the OpenAPI document: the
// notifyPayment, notifyRefund and notifyCapture the wallet POSTs to a merchant
// (NotificationBody), one webhook per body shape, with the headers it is sent with (prose and
// header schemas in openapi/overlay.json) and the acknowledgement the
// merchant answers. Body schemas come from the wire structs as the
// answers' do (answers.go): typed field selectors, required when the
// struct never omits the field, every field described.

// notifyWebhook is one webhook: the profiles whose partners get its body.
type notifyWebhook struct {
	name     string    // its key in webhooks and its operationId
	kind     string    // the outbox kind it announces (engine.OutboxKind...)
	profiles []Profile // the profiles it is sent to
}

// notifyWebhooks are the bodies NotificationBody writes, by profile: every
// profile is in exactly one notifyPayment webhook; notifyRefund goes to
// the antom profile, the only one whose refund names a refundNotifyUrl,
// and notifyCapture too, the only one whose authorizations ask for
// capture notifications.
var notifyWebhooks = []notifyWebhook{
	{"notifyPayment", engine.OutboxKindPaymentResult, []Profile{ProfileMiniProgramV1, ProfileV1EN}},
	{"notifyPaymentAntom", engine.OutboxKindPaymentResult, []Profile{ProfileAntom}},
	{"notifyRefundAntom", engine.OutboxKindRefundResult, []Profile{ProfileAntom}},
	{"notifyCaptureAntom", engine.OutboxKindCaptureResult, []Profile{ProfileAntom}},
}

// webhooks builds the document's webhooks object.
func (b *docBuilder) webhooks() *jsonObject {
	for _, prof := range profiles {
		n := 0
		for _, w := range notifyWebhooks {
			if w.kind == engine.OutboxKindPaymentResult && slices.Contains(w.profiles, prof) {
				n++
			}
		}
		if n != 1 {
			b.fail("profile %s is in %d notifyPayment webhooks, want 1", prof, n)
		}
	}
	out := obj()
	for _, w := range notifyWebhooks {
		out.set(w.name, obj("post", b.webhook(w)))
	}
	return out
}

// webhook builds the POST operation of one webhook.
func (b *docBuilder) webhook(w notifyWebhook) *jsonObject {
	text, ok := b.ov.Webhooks[w.name]
	if !ok {
		b.fail("overlay: no webhook %s", w.name)
		return obj()
	}
	var body string
	var examples *jsonObject
	switch w.kind {
	case engine.OutboxKindRefundResult:
		body, examples = b.notifyRefundSchema(), b.notifyRefundExamples()
	case engine.OutboxKindCaptureResult:
		body, examples = b.notifyCaptureSchema(), b.notifyCaptureExamples()
	default:
		body, examples = b.notifyRequestSchema(w.profiles[0]), b.notifyExamples(w.profiles[0])
	}
	ack := b.acknowledgementSchema()
	xp := obj()
	for _, prof := range w.profiles {
		xp.set(string(prof), obj("request", body, "response", ack))
	}
	params := make([]any, 0, len(b.ov.NotifyParameters.keys))
	for _, p := range b.ov.NotifyParameters.keys {
		params = append(params, obj("$ref", "#/components/parameters/"+p))
	}
	ackHeaders := obj()
	for _, h := range b.ov.AcknowledgementHeaders.keys {
		ackHeaders.set(h, obj("$ref", "#/components/headers/"+acknowledgementHeader(h)))
	}
	return obj(
		"operationId", w.name,
		"summary", text.Summary,
		"description", text.Description,
		"x-profiles", xp,
		"parameters", params,
		"requestBody", obj(
			"required", true,
			"description", b.ov.NotifyRequestBody,
			"content", obj("application/json", obj(
				"schema", obj("$ref", body),
				"examples", examples))),
		"responses", obj(
			"2XX", obj(
				"description", b.ov.Acknowledgement,
				"headers", ackHeaders,
				"content", obj("application/json", obj(
					"schema", obj("$ref", ack),
					"examples", obj("acknowledged", obj("value", obj(resultName(), successResult())))))),
			"default", obj("description", b.ov.NotAcknowledged)),
	)
}

// acknowledgementHeader is the name in components/headers of a header of
// the acknowledgement ("Signature": "AcknowledgementSignature").
func acknowledgementHeader(name string) string {
	return "Acknowledgement" + strings.ReplaceAll(name, "-", "")
}

// notifyComponents returns components/parameters and components/headers:
// the overlay's request parameters and answer headers, then the
// notification's headers and the acknowledgement's.
func (b *docBuilder) notifyComponents() (parameters, headers *jsonObject) {
	parameters, headers = obj().merge(b.ov.Parameters), obj().merge(b.ov.Headers)
	for _, p := range b.ov.NotifyParameters.keys {
		if _, dup := parameters.values[p]; dup {
			b.fail("overlay: parameter %s is both a request's and a notification's", p)
		}
		parameters.set(p, b.ov.NotifyParameters.values[p])
	}
	for _, h := range b.ov.AcknowledgementHeaders.keys {
		name := acknowledgementHeader(h)
		if _, dup := headers.values[name]; dup {
			b.fail("overlay: header %s is both an answer's and an acknowledgement's", name)
		}
		headers.set(name, b.ov.AcknowledgementHeaders.values[h])
	}
	return parameters, headers
}

// notifyRequestSchema adds the schema of the notifyPayment body of a
// profile and returns its reference.
func (b *docBuilder) notifyRequestSchema(prof Profile) string {
	add := func(name, title, doc string, d answerDef, rules *jsonObject) string {
		s := obj("title", title).merge(b.answerObject(doc, d))
		return b.add(groupNotify, name, s.merge(rules))
	}
	if prof == ProfileAntom {
		return add("NotifyPaymentRequestAntom", "notifyPayment, antom",
			"Antom's notifyPayment: the result says paid (S) or failed (F, with the failure's code and text).",
			answerOf[wire.AntomNotifyPaymentRequest](
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.NotifyType }, enumAnswer("What the notification tells: a payment's final result.", wire.NotifyTypePaymentResult)),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.Result }, obj("$ref", b.notifyResultSchema())),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.PaymentRequestID }, idAnswer("The merchant's paymentRequestId.")),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.PaymentAmount }, obj("$ref", ref("Amount"))),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.PaymentCreateTime }, timeAnswer("When the payment was created.")),
				is(func(r *wire.AntomNotifyPaymentRequest) any { return &r.PaymentTime }, timeAnswer("When the payment reached its result: paid, failed or expired.")),
			), obj())
	}
	p := jsonNameOf[wire.NotifyPaymentRequest]
	status := p(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentStatus })
	paidAt, reason := p(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentTime }), p(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentFailReason })
	return add("NotifyPaymentRequest", "notifyPayment, mini-program v1 and v1-en",
		"The payment's final result: SUCCESS with when it was paid, or FAIL with why.",
		answerOf[wire.NotifyPaymentRequest](
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PartnerID }, idAnswer("The partner the payment belongs to.")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentRequestID }, idAnswer("The merchant's paymentRequestId.")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentAmount }, obj("$ref", ref("Amount"))),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentCreateTime }, timeAnswer("When the payment was created.")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentTime }, timeAnswer("When the user paid (SUCCESS only).")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentStatus }, enumAnswer(
				"SUCCESS: paid; FAIL: declined, failed or expired unpaid (reason in paymentFailReason).",
				wire.PaymentStatusSuccess, wire.PaymentStatusFail)),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.PaymentFailReason }, textAnswer(wire.MaxResultMessage, "Why the payment failed (FAIL only), e.g. \"Order payment expired.\".")),
			is(func(r *wire.NotifyPaymentRequest) any { return &r.ExtendInfo }, extendInfoAnswer("pay")),
		),
		ifThen(whenMember(status, wire.PaymentStatusFail), requires(reason).merge(forbids(paidAt)), forbids(reason)))
}

// notifyResultSchema adds the schema of the result of Antom's
// notifyPayment (antomNotifyPayment) and returns its reference.
func (b *docBuilder) notifyResultSchema() string {
	status, code := resultStatusName(), resultCodeName()
	s := b.answerObject("The payment's result: S SUCCESS for paid, F with the failure's result code (the code pay answers for it, ORDER_IS_CLOSED for an expired payment) for failed; never U.", answerOf[wire.Result](
		is(func(r *wire.Result) any { return &r.ResultCode }, obj("type", "string")),
		is(func(r *wire.Result) any { return &r.ResultStatus }, enumAnswer("S paid, F failed.", wire.StatusSuccess, wire.StatusFail)),
		is(func(r *wire.Result) any { return &r.ResultMessage }, textAnswer(wire.MaxResultMessage, "For F, why the payment failed: the text the other profiles send.")),
	))
	failure := b.failedPaymentCode()
	s.set("if", whenMember(status, wire.StatusSuccess)).
		set("then", obj("properties", obj(code, obj("const", wire.CodeSuccess)))).
		set("else", obj("properties", obj(code, obj("$ref", failure))))
	return b.add(groupNotifyParts, "NotifyPaymentResultAntom", s)
}

// notifyRefundSchema adds the schema of the notifyRefund body
// (NotifyRefundBody) and returns its reference.
func (b *docBuilder) notifyRefundSchema() string {
	status, code := resultStatusName(), resultCodeName()
	res := b.answerObject("The refund's result: S SUCCESS for a refund credited to the user, F with the code refund answers for the failure (PROCESS_FAIL for a credit the ledger declined); never U.", answerOf[wire.Result](
		is(func(r *wire.Result) any { return &r.ResultCode }, obj("type", "string")),
		is(func(r *wire.Result) any { return &r.ResultStatus }, enumAnswer("S credited, F failed.", wire.StatusSuccess, wire.StatusFail)),
		is(func(r *wire.Result) any { return &r.ResultMessage }, textAnswer(wire.MaxResultMessage, "For F, why the refund failed.")),
	))
	res.set("if", whenMember(status, wire.StatusSuccess)).
		set("then", obj("properties", obj(code, obj("const", wire.CodeSuccess)))).
		set("else", obj("properties", obj(code, obj("not", obj("const", wire.CodeSuccess)))))
	resultRef := b.add(groupNotifyParts, "NotifyRefundResultAntom", res)
	p := jsonNameOf[wire.AntomNotifyRefundRequest]
	refundStatus := p(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundStatus })
	s := obj("title", "notifyRefund, antom").merge(b.answerObject(
		"Antom's notifyRefund: the final result of a refund whose request named a refundNotifyUrl, once its credit has an answer (a refund refused at once is answered F and not notified). refundStatus and the result say the same.",
		answerOf[wire.AntomNotifyRefundRequest](
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.NotifyType }, enumAnswer("What the notification tells: a refund's final result.", wire.NotifyTypeRefundResult)),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.Result }, obj("$ref", resultRef)),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundStatus }, enumAnswer("SUCCESS: credited to the user; FAIL: nothing was credited.", wire.RefundStatusSuccess, wire.RefundStatusFail)),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundRequestID }, idAnswer("The merchant's refundRequestId.")),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundID }, idAnswer("The wallet's refund id.")),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundAmount }, obj("$ref", ref("Amount"))),
			is(func(r *wire.AntomNotifyRefundRequest) any { return &r.RefundTime }, timeAnswer("When the refund reached its result.")),
		)))
	s.merge(ifThen(whenMember(refundStatus, wire.RefundStatusSuccess),
		obj("properties", obj(resultName(), obj("properties", obj(status, obj("const", wire.StatusSuccess))))),
		obj("properties", obj(resultName(), obj("properties", obj(status, obj("const", wire.StatusFail)))))))
	return b.add(groupNotify, "NotifyRefundRequestAntom", s)
}

// notifyRefundExamples are the bodies NotifyRefundBody writes for a
// credited and for a failed refund.
func (b *docBuilder) notifyRefundExamples() *jsonObject {
	created := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	credited := engine.Notification{ID: "id-3.result", Kind: engine.OutboxKindRefundResult, PartnerID: "P000000000000001xxxx",
		PaymentID: "id-1", RequestID: "order-1", State: engine.PaymentSuccess,
		RefundID: "id-3", RefundRequestID: "refund-1", RefundState: engine.RefundSuccess,
		Amount: engine.Money{Currency: "USD", Minor: 250}, PaymentCreatedAt: created, At: created.Add(time.Hour)}
	failed := credited
	failed.ID, failed.RefundID, failed.RefundRequestID = "id-4.result", "id-4", "refund-2"
	failed.RefundState, failed.FailReason = engine.RefundFail, engine.CodeUserNotExist
	return b.examplesOf([]notifyExample{{"credited", "credited to the user", credited}, {"failed", "the user's account is gone", failed}},
		func(n engine.Notification) ([]byte, error) { return NotifyRefundBody(n) })
}

// notifyCaptureSchema adds the schema of the notifyCapture body
// (NotifyCaptureBody) and returns its reference.
func (b *docBuilder) notifyCaptureSchema() string {
	status, code := resultStatusName(), resultCodeName()
	res := b.answerObject("The capture's result: S SUCCESS for captured money, F with the code capture answers for the failure (PROCESS_FAIL for a capture the ledger declined); never U.", answerOf[wire.Result](
		is(func(r *wire.Result) any { return &r.ResultCode }, obj("type", "string")),
		is(func(r *wire.Result) any { return &r.ResultStatus }, enumAnswer("S captured, F failed.", wire.StatusSuccess, wire.StatusFail)),
		is(func(r *wire.Result) any { return &r.ResultMessage }, textAnswer(wire.MaxResultMessage, "For F, why the capture failed.")),
	))
	res.set("if", whenMember(status, wire.StatusSuccess)).
		set("then", obj("properties", obj(code, obj("const", wire.CodeSuccess)))).
		set("else", obj("properties", obj(code, obj("not", obj("const", wire.CodeSuccess)))))
	resultRef := b.add(groupNotifyParts, "NotifyCaptureResultAntom", res)
	s := obj("title", "notifyCapture, antom").merge(b.answerObject(
		"Antom's notifyCapture: the final result of a capture of an antom authorization once the capture's money has an answer (a capture refused at once is answered F and not notified; an automatic capture, captureMode AUTOMATIC, is notified too).",
		answerOf[wire.AntomNotifyCaptureRequest](
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.NotifyType }, enumAnswer("What the notification tells: a capture's final result.", wire.NotifyTypeCaptureResult)),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.Result }, obj("$ref", resultRef)),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.CaptureRequestID }, idAnswer("The merchant's captureRequestId (auto-<paymentId> for an automatic capture).")),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.PaymentID }, idAnswer("The authorization: the wallet's payment id.")),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.CaptureID }, idAnswer("The wallet's capture id.")),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.CaptureAmount }, obj("$ref", ref("Amount"))),
			is(func(r *wire.AntomNotifyCaptureRequest) any { return &r.CaptureTime }, timeAnswer("When the capture reached its result.")),
		)))
	return b.add(groupNotify, "NotifyCaptureRequestAntom", s)
}

// notifyCaptureExamples are the bodies NotifyCaptureBody writes for a
// capture that took the money and for one the ledger declined.
func (b *docBuilder) notifyCaptureExamples() *jsonObject {
	created := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	captured := engine.Notification{ID: "id-5.result", Kind: engine.OutboxKindCaptureResult, PartnerID: "P000000000000001xxxx",
		PaymentID: "id-1", RequestID: "order-1", State: engine.PaymentAuthorized,
		CaptureID: "id-5", CaptureRequestID: "capture-1", CaptureState: engine.CaptureSuccess,
		Amount: engine.Money{Currency: "USD", Minor: 600}, PaymentCreatedAt: created, At: created.Add(time.Hour)}
	failed := captured
	failed.ID, failed.CaptureID, failed.CaptureRequestID = "id-6.result", "id-6", "capture-2"
	failed.CaptureState, failed.FailReason = engine.CaptureFail, engine.CodeProcessFail
	return b.examplesOf([]notifyExample{{"captured", "the money was captured", captured}, {"failed", "the ledger declined the capture", failed}},
		func(n engine.Notification) ([]byte, error) { return NotifyCaptureBody(n) })
}

// acknowledgementSchema adds the schema of the answer a merchant gives a
// notification (what notify.Notifier accepts) and returns its reference.
func (b *docBuilder) acknowledgementSchema() string {
	message := jsonNameOf(func(r *wire.Result) any { return &r.ResultMessage })
	return b.add(groupNotify, "NotifyAcknowledgement", obj(
		"description", "The merchant's answer to a notification: a result of status S acknowledges it; other members are ignored.",
		"type", "object",
		"required", []any{resultName()},
		"properties", obj(resultName(), obj(
			"type", "object",
			"required", []any{resultStatusName()},
			"properties", obj(
				resultStatusName(), obj("const", wire.StatusSuccess),
				resultCodeName(), obj("type", "string"),
				message, obj("type", "string"),
			),
		)),
	))
}

// notifyExamples are the bodies NotifyPaymentBody writes in a profile for a
// paid and for an expired payment.
func (b *docBuilder) notifyExamples(prof Profile) *jsonObject {
	created := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	paid := engine.Notification{ID: "id-1.result", PartnerID: "P000000000000001xxxx", PaymentID: "id-1", RequestID: "order-1",
		State: engine.PaymentSuccess, Amount: engine.Money{Currency: "USD", Minor: 1050},
		PaymentCreatedAt: created, At: created.Add(time.Minute)}
	expired := paid
	expired.ID, expired.PaymentID, expired.RequestID = "id-2.result", "id-2", "order-2"
	expired.State, expired.FailReason, expired.At = engine.PaymentFail, engine.CodeExpired, created.Add(15*time.Minute)
	return b.examplesOf([]notifyExample{{"paid", "paid", paid}, {"expired", "expired unpaid", expired}},
		func(n engine.Notification) ([]byte, error) { return NotifyPaymentBody(prof, n) })
}

// notifyExample is a notification shown as a webhook's example.
type notifyExample struct {
	name, summary string
	n             engine.Notification
}

// examplesOf returns the examples object of the bodies body writes for es.
func (b *docBuilder) examplesOf(es []notifyExample, body func(engine.Notification) ([]byte, error)) *jsonObject {
	out := obj()
	for _, e := range es {
		raw, err := body(e.n)
		if err != nil {
			b.fail("webhook example %s: %v", e.name, err)
			continue
		}
		var v jsonObject
		if err := json.Unmarshal(raw, &v); err != nil {
			b.fail("webhook example %s: %v", e.name, err)
			continue
		}
		out.set(e.name, obj("summary", e.summary, "value", &v))
	}
	return out
}
