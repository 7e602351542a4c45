package alipayplus

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// This file defines the answer bodies for the OpenAPI document: which
// members of each wire response struct an endpoint's answer carries in a
// profile, what they hold and when they are present. Member names come from
// the structs' json tags through typed field selectors, so renaming a
// field breaks the build and retagging it changes the document; whether a
// member is always present comes from its omitempty.

// answerDef is an answer object: the fields of wire struct typ it
// carries, by JSON name.
type answerDef struct {
	typ     reflect.Type
	members map[string]answerMember
}

// answerMember is one carried field with its schema.
type answerMember struct {
	name     string
	schema   *jsonObject
	required bool // present in every answer, although the field is omitempty
}

// answerOf is an answer object of struct R carrying members.
func answerOf[R any](members ...answerMember) answerDef {
	d := answerDef{typ: reflect.TypeFor[R](), members: map[string]answerMember{}}
	for _, m := range members {
		d.members[m.name] = m
	}
	return d
}

// is is the field of R that sel points to, described by schema.
func is[R any](sel func(*R) any, schema *jsonObject) answerMember {
	return answerMember{name: jsonNameOf(sel), schema: schema}
}

// always marks a member present in every answer of its schema.
func (m answerMember) always() answerMember { m.required = true; return m }

// jsonNameOf returns the JSON name of the field of R that sel returns a
// pointer to.
func jsonNameOf[R any](sel func(*R) any) string {
	var v R
	p := reflect.ValueOf(sel(&v)).Pointer()
	base := reflect.ValueOf(&v).Pointer()
	t := reflect.TypeFor[R]()
	for i := range t.NumField() {
		f := t.Field(i)
		if base+f.Offset == p {
			name, _ := jsonTag(f)
			return name
		}
	}
	panic(fmt.Sprintf("alipayplus: the selector does not point to a field of %s", t))
}

// jsonTag returns the JSON name of a struct field and whether it is
// omitted when empty.
func jsonTag(f reflect.StructField) (name string, omitempty bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		name = f.Name
	}
	return name, slices.Contains(strings.Split(opts, ","), "omitempty")
}

// answerObject is the schema of an answer object: its members in the
// struct's order, required when the struct never omits them (or the
// definition says they are always there), nothing else allowed.
func (b *docBuilder) answerObject(doc string, d answerDef) *jsonObject {
	var required []any
	props := obj()
	for i := range d.typ.NumField() {
		name, omitempty := jsonTag(d.typ.Field(i))
		m, ok := d.members[name]
		if !ok {
			if !omitempty {
				b.fail("%s: the answer must describe %s, which is always sent", d.typ, name)
			}
			continue
		}
		b.carried(d.typ, name)
		if !omitempty || m.required {
			required = append(required, name)
		}
		props.set(name, m.schema)
	}
	for name := range d.members {
		if _, ok := props.values[name]; !ok {
			b.fail("%s has no field %s", d.typ, name)
		}
	}
	s := obj("description", doc, "type", "object")
	if len(required) > 0 {
		s.set("required", required)
	}
	return s.set("properties", props).set("additionalProperties", false)
}

// carried records that some answer carries field name of typ: every field
// of a response struct must be in the document.
func (b *docBuilder) carried(typ reflect.Type, name string) {
	if b.seen == nil {
		b.seen = map[reflect.Type]map[string]bool{}
	}
	if b.seen[typ] == nil {
		b.seen[typ] = map[string]bool{}
	}
	b.seen[typ][name] = true
}

// checkCarried fails for a field of an answer struct no answer carries.
func (b *docBuilder) checkCarried() {
	for typ, names := range b.seen {
		for i := range typ.NumField() {
			if name, _ := jsonTag(typ.Field(i)); !names[name] {
				b.fail("%s.%s (%s) is in no answer of the document", typ, typ.Field(i).Name, name)
			}
		}
	}
}

// Member schemas of answers.
func idAnswer(doc string) *jsonObject {
	return obj("type", "string", "minLength", 1, "maxLength", engine.MaxIDLength, "description", doc)
}

func textAnswer(max int, doc string) *jsonObject {
	return obj("type", "string", "minLength", 1, "maxLength", max, "description", doc)
}

func timeAnswer(doc string) *jsonObject { return obj("$ref", ref("DateTime"), "description", doc) }

// extendInfoAnswer is extendInfo in an answer or notification: what the
// request that created the payment (whose names "pay") or the refund gave.
func extendInfoAnswer(whose string) *jsonObject {
	return textAnswer(engine.MaxExtendInfo, "The extendInfo of the "+whose+" request, kept as given; absent when it gave none.")
}

func enumAnswer(doc string, values ...string) *jsonObject {
	return obj("description", doc, "type", "string", "enum", toAnys(values))
}

// Conditions and consequences of the answers' rules.

// whenResult holds when the answer's result has member equal to value
// (or one of values).
func whenResult(member string, values ...string) *jsonObject {
	v := obj("const", values[0])
	if len(values) > 1 {
		v = obj("enum", toAnys(values))
	}
	return obj("required", []any{resultName()}, "properties", obj(resultName(), obj(
		"required", []any{member}, "properties", obj(member, v))))
}

// whenMember holds when member (always present then) equals value.
func whenMember(member, value string) *jsonObject {
	return obj("properties", obj(member, obj("const", value)))
}

func requires(names ...string) *jsonObject { return obj("required", toAnys(names)) }

// forbids allows none of names.
func forbids(names ...string) *jsonObject {
	if len(names) == 1 {
		return obj("not", requires(names[0]))
	}
	var any []any
	for _, n := range names {
		any = append(any, requires(n))
	}
	return obj("not", obj("anyOf", any))
}

// onlyResult allows no member besides the result.
func onlyResult() *jsonObject { return obj("maxProperties", 1) }

func ifThen(cond, then, els *jsonObject) *jsonObject {
	return obj("if", cond, "then", then, "else", els)
}

// The members of wire.Result, which every answer carries as "result".
func resultName() string {
	return jsonNameOf(func(r *wire.PayResponse) any { return &r.Result })
}

func resultStatusName() string {
	return jsonNameOf(func(r *wire.Result) any { return &r.ResultStatus })
}

func resultCodeName() string { return jsonNameOf(func(r *wire.Result) any { return &r.ResultCode }) }

// statusOf is the result status code goes with: S for SUCCESS, A for
// ACCEPT, the status of the engine codes mapped to it (codes.go), else F.
func statusOf(code string) string {
	switch code {
	case wire.CodeSuccess:
		return wire.StatusSuccess
	case wire.CodeAccept:
		return wire.StatusAccepted
	}
	for _, w := range engineResults {
		if w.code == code {
			return w.status
		}
	}
	for _, t := range transportAnswers {
		if slices.Contains(t.codes, code) {
			return t.result
		}
	}
	return wire.StatusFail
}

// endpointCodes lists the codes an endpoint answers with HTTP 200:
// SUCCESS, its own codes, then the other common ones.
func endpointCodes(a api) []string {
	out := []string{wire.CodeSuccess}
	out = append(out, apiCodes[a]...)
	for _, c := range commonCodes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// knownCodes is every result code the wallet answers, S first, then A,
// U and F, each in the order of the code tables.
func knownCodes() []string {
	var all []string
	add := func(codes ...string) {
		for _, c := range codes {
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
	}
	add(commonCodes...)
	for _, e := range endpoints {
		add(apiCodes[e.codes]...)
	}
	for _, t := range transportAnswers {
		add(t.codes...)
	}
	rank := map[string]int{wire.StatusSuccess: 0, wire.StatusAccepted: 1, wire.StatusUnknown: 2, wire.StatusFail: 3}
	slices.SortStableFunc(all, func(x, y string) int { return rank[statusOf(x)] - rank[statusOf(y)] })
	return all
}

// resultComponents adds Result and the result of each endpoint.
func (b *docBuilder) resultComponents() {
	var unknown, notFail []string
	for _, c := range knownCodes() {
		switch statusOf(c) {
		case wire.StatusUnknown:
			unknown = append(unknown, c)
		}
		if statusOf(c) != wire.StatusFail {
			notFail = append(notFail, c)
		}
	}
	status, code := resultStatusName(), resultCodeName()
	when := func(s string, then *jsonObject) *jsonObject {
		return obj("if", obj("required", []any{status}, "properties", obj(status, obj("const", s))),
			"then", obj("properties", obj(code, then)))
	}
	def := answerOf[wire.Result](
		is(func(r *wire.Result) any { return &r.ResultCode }, obj("type", "string", "maxLength", 64, "pattern", "^[A-Z][A-Z_]*$")),
		is(func(r *wire.Result) any { return &r.ResultStatus }, enumAnswer(
			"S success, F failed (the same request will not succeed later), U unknown (inquire, or repeat the same request), A accepted (the user has to act: follow actionForm).",
			wire.StatusSuccess, wire.StatusFail, wire.StatusUnknown, wire.StatusAccepted)),
		is(func(r *wire.Result) any { return &r.ResultMessage }, textAnswer(wire.MaxResultMessage,
			"Human text (for PARAM_ILLEGAL it names the offending field). Never echoes keys, signatures or header values.")),
	)
	s := b.answerObject(fmt.Sprintf("The result every answer carries. S goes with %s, A with %s, U with %s; every other code is F.",
		wire.CodeSuccess, wire.CodeAccept, orWords(unknown)), def)
	s.set("allOf", []any{
		when(wire.StatusSuccess, obj("const", wire.CodeSuccess)),
		when(wire.StatusAccepted, obj("const", wire.CodeAccept)),
		when(wire.StatusUnknown, obj("enum", toAnys(unknown))),
		when(wire.StatusFail, obj("not", obj("enum", toAnys(notFail)))),
	})
	b.add(groupResults, "Result", s)
	for _, e := range endpoints {
		for _, prof := range profiles {
			name := resultComponentFor(e.name, prof)
			if _, done := b.schemas[name]; done {
				continue
			}
			whose := "every profile"
			if name != resultComponent(e.name) {
				whose = "profile `" + string(prof) + "`"
			}
			b.add(groupResults, name, obj(
				"description", fmt.Sprintf("The result of %s in %s: the codes it answers with HTTP 200.", e.name, whose),
				"allOf", []any{
					obj("$ref", ref("Result")),
					obj("properties", obj(code, obj("enum", toAnys(profileCodes(prof, endpointCodes(e.codes)))))),
				}))
		}
	}
}

func resultComponent(endpoint string) string {
	return strings.ToUpper(endpoint[:1]) + endpoint[1:] + "Result"
}

// resultComponentFor is the name of the result component of endpoint in
// profile prof: resultComponent(endpoint) when every profile answers the
// same codes there, else that name with the profile's suffix (e.g.
// PayResultAntom).
func resultComponentFor(endpoint string, prof Profile) string {
	codes := endpointCodes(apiNamed(endpoint))
	for _, other := range profiles {
		if !slices.Equal(profileCodes(other, codes), profileCodes(prof, codes)) {
			return resultComponent(endpoint) + profileSuffix[prof]
		}
	}
	return resultComponent(endpoint)
}

// profileSuffix names a profile in the names of its components.
var profileSuffix = map[Profile]string{ProfileMiniProgramV1: "MiniProgramV1", ProfileV1EN: "V1EN", ProfileAntom: "Antom"}

// profileOnlyCodes are the result codes one profile answers and the others
// never do (docs/result-codes.md): A ACCEPT is the mini-program's way of
// saying "the user has to act"; MSG_PARSE_ERROR is v1-en's name for a body
// that is not one JSON object (seed 001); ORDER_IS_CANCELED is antom's
// answer to a repeat of a paid-then-cancelled pay (seed 004).
var profileOnlyCodes = map[string]Profile{
	wire.CodeAccept:          ProfileMiniProgramV1,
	wire.CodeMsgParseError:   ProfileV1EN,
	wire.CodeOrderIsCanceled: ProfileAntom,
}

// profileCodes returns codes without those another profile alone answers.
func profileCodes(prof Profile, codes []string) []string {
	return slices.DeleteFunc(slices.Clone(codes), func(c string) bool {
		only, ok := profileOnlyCodes[c]
		return ok && only != prof
	})
}

// orWords joins words as "a, b or c".
func orWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// withoutA restricts a pay result to S, F and U: profiles other than the
// mini-program answer a payment waiting for the user S, never A.
func withoutA(resultRef string) *jsonObject {
	return obj("allOf", []any{
		obj("$ref", resultRef),
		obj("properties", obj(resultStatusName(), obj("enum", toAnys([]string{wire.StatusSuccess, wire.StatusFail, wire.StatusUnknown})))),
	})
}

// answerSchema adds the schema of endpoint's answer in a profile and
// returns its reference.
func (b *docBuilder) answerSchema(endpoint string, prof Profile) string {
	if _, ok := b.schemas["Result"]; !ok {
		b.resultComponents()
	}
	rc := resultComponentFor(endpoint, prof)
	result := obj("$ref", ref(rc))
	add := func(name, title, doc string, d answerDef, rules *jsonObject) string {
		if rc != resultComponent(endpoint) && !strings.HasSuffix(name, profileSuffix[prof]) {
			// This profile answers its own codes: its answer is its own.
			name += profileSuffix[prof]
			title, _, _ = strings.Cut(title, ",")
			title = strings.TrimSuffix(title, " (every profile)") + ", " + string(prof)
		}
		s := obj("title", title).merge(b.answerObject(doc, d))
		if rules != nil {
			s.merge(rules)
		}
		return b.add(groupAnswers, name, s)
	}
	switch endpoint {
	case wire.EndpointPay:
		return b.payAnswer(prof, result, add)
	case wire.EndpointInquiryPayment:
		return b.inquiryPaymentAnswer(prof, result, add)
	case wire.EndpointCancel:
		p := jsonNameOf[wire.CancelResponse]
		id, requestID, at := p(func(r *wire.CancelResponse) any { return &r.PaymentID }), p(func(r *wire.CancelResponse) any { return &r.PaymentRequestID }), p(func(r *wire.CancelResponse) any { return &r.CancelTime })
		return add("CancelResponse", "cancel answer (every profile)", "S carries the payment's ids and cancelTime; F and U answers carry the ids when the payment was found.",
			answerOf[wire.CancelResponse](
				is(func(r *wire.CancelResponse) any { return &r.Result }, result),
				is(func(r *wire.CancelResponse) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
				is(func(r *wire.CancelResponse) any { return &r.PaymentRequestID }, idAnswer("The merchant's paymentRequestId.")),
				is(func(r *wire.CancelResponse) any { return &r.CancelTime }, timeAnswer("When the payment was cancelled, or closed/failed before (S only).")),
			),
			ifThen(whenResult(resultStatusName(), wire.StatusSuccess), requires(id, requestID, at), forbids(at)))
	case wire.EndpointRefund:
		return b.refundAnswer(prof, result, add)
	case wire.EndpointCapture:
		return b.captureAnswer(result, add)
	case wire.EndpointInquiryRefund:
		p := jsonNameOf[wire.InquiryRefundResponse]
		id, requestID := p(func(r *wire.InquiryRefundResponse) any { return &r.RefundID }), p(func(r *wire.InquiryRefundResponse) any { return &r.RefundRequestID })
		amount, status := p(func(r *wire.InquiryRefundResponse) any { return &r.RefundAmount }), p(func(r *wire.InquiryRefundResponse) any { return &r.RefundStatus })
		at, reason := p(func(r *wire.InquiryRefundResponse) any { return &r.RefundTime }), p(func(r *wire.InquiryRefundResponse) any { return &r.RefundFailReason })
		return add("InquiryRefundResponse", "inquiryRefund answer (every profile)", "S carries the refund; any other result carries nothing else.",
			answerOf[wire.InquiryRefundResponse](
				is(func(r *wire.InquiryRefundResponse) any { return &r.Result }, result),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundID }, idAnswer("The wallet's refund id.")),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundRequestID }, idAnswer("The merchant's refundRequestId.")),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundAmount }, obj("$ref", ref("Amount"))),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundReason }, textAnswer(engine.MaxReasonLength, "")),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundTime }, timeAnswer("When the refund succeeded (SUCCESS only).")),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundStatus }, enumAnswer(
					"PROCESSING: the credit has no answer yet; SUCCESS; FAIL (reason in refundFailReason).",
					wire.RefundStatusProcessing, wire.RefundStatusSuccess, wire.RefundStatusFail)),
				is(func(r *wire.InquiryRefundResponse) any { return &r.RefundFailReason }, textAnswer(wire.MaxResultMessage, "")),
				is(func(r *wire.InquiryRefundResponse) any { return &r.ExtendInfo }, extendInfoAnswer("refund")),
			),
			ifThen(whenResult(resultStatusName(), wire.StatusSuccess),
				requires(id, requestID, amount, status).set("allOf", []any{
					ifThen(whenMember(status, wire.RefundStatusSuccess), requires(at), forbids(at)),
					ifThen(whenMember(status, wire.RefundStatusFail), requires(reason), forbids(reason)),
				}),
				onlyResult()))
	}
	b.fail("no answer definition for %s", endpoint)
	return ""
}

// payAnswer is the answer to pay in a profile (acceptAnswer in pay.go
// fills the profile's action form).
func (b *docBuilder) payAnswer(prof Profile, result *jsonObject, add func(name, title, doc string, d answerDef, rules *jsonObject) string) string {
	p := jsonNameOf[wire.PayResponse]
	id := p(func(r *wire.PayResponse) any { return &r.PaymentID })
	paidAt := p(func(r *wire.PayResponse) any { return &r.PaymentTime })
	form := p(func(r *wire.PayResponse) any { return &r.ActionForm })
	redirect := p(func(r *wire.PayResponse) any { return &r.RedirectActionForm })
	authExpiry := p(func(r *wire.PayResponse) any { return &r.AuthExpiryTime })
	authExpiryMember := is(func(r *wire.PayResponse) any { return &r.AuthExpiryTime }, timeAnswer("An authorization's: when what is not captured goes back to the user (S of an authorized authorization only)."))
	resultMember := is(func(r *wire.PayResponse) any { return &r.Result }, result)
	success := whenResult(resultStatusName(), wire.StatusSuccess)
	switch prof {
	case ProfileMiniProgramV1:
		f := jsonNameOf[wire.ActionForm]
		formType := f(func(a *wire.ActionForm) any { return &a.ActionFormType })
		url, code := f(func(a *wire.ActionForm) any { return &a.RedirectionURL }), f(func(a *wire.ActionForm) any { return &a.OrderCode })
		af := b.answerObject("Mini-program next step of an A answer.", answerOf[wire.ActionForm](
			is(func(a *wire.ActionForm) any { return &a.ActionFormType }, obj("type", "string", "enum", toAnys([]string{wire.ActionFormRedirection, wire.ActionFormOrderCode}))),
			is(func(a *wire.ActionForm) any { return &a.RedirectionURL }, textAnswer(4096, "The wallet's cashier page (REDIRECTION).")),
			is(func(a *wire.ActionForm) any { return &a.OrderCode }, textAnswer(2048, "The code value to show the user (ORDER_CODE): the cashier URL of the payment.")),
		)).set("allOf", []any{
			obj("if", whenMember(formType, wire.ActionFormRedirection), "then", requires(url).merge(forbids(code))),
			obj("if", whenMember(formType, wire.ActionFormOrderCode), "then", requires(code).merge(forbids(url))),
		})
		return add("PayResponseMiniProgramV1", "pay answer, mini-program v1",
			"A cashier or order-code payment is answered A ACCEPT with actionForm (seed 000); a paid one S with paymentTime.",
			answerOf[wire.PayResponse](
				resultMember,
				is(func(r *wire.PayResponse) any { return &r.PaymentID }, idAnswer("The payment's id (also on most F and U answers; absent for an evaluation and when nothing was stored).")),
				is(func(r *wire.PayResponse) any { return &r.PaymentTime }, timeAnswer("When the user paid, or an authorization was authorized (S of a paid payment or an authorized authorization).")),
				authExpiryMember,
				is(func(r *wire.PayResponse) any { return &r.ActionForm }, obj("$ref", b.add(groupAnswerParts, "ActionForm", af), "description", "Set exactly on A: redirect the user to the cashier, or show the order code.")),
				is(func(r *wire.PayResponse) any { return &r.ExtendInfo }, extendInfoAnswer("pay")),
			),
			obj("allOf", []any{
				ifThen(whenResult(resultStatusName(), wire.StatusAccepted), requires(id, form), forbids(form)),
				obj("if", success, "else", forbids(authExpiry)),
			}))
	case ProfileV1EN:
		raf := b.answerObject("v1-en: where the merchant sends the user (seed 001).", answerOf[wire.RedirectActionForm](
			is(func(a *wire.RedirectActionForm) any { return &a.Method }, obj("type", "string", "enum", []any{http.MethodGet})).always(),
			is(func(a *wire.RedirectActionForm) any { return &a.RedirectionURL }, obj("type", "string", "minLength", 1, "description", "The wallet's cashier page.")).always(),
		))
		return add("PayResponseV1EN", "pay answer, v1-en",
			"A cashier payment is answered S with redirectActionForm{method, redirectionUrl} (seed 001); never A.",
			answerOf[wire.PayResponse](
				is(func(r *wire.PayResponse) any { return &r.Result }, withoutA(ref(resultComponentFor(wire.EndpointPay, prof)))),
				is(func(r *wire.PayResponse) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
				is(func(r *wire.PayResponse) any { return &r.PaymentTime }, timeAnswer("When the user paid, or an authorization was authorized; the wallet leaves it out while the user has to pay on the cashier (S with redirectActionForm), where seed 001's sample shows one.")),
				authExpiryMember,
				is(func(r *wire.PayResponse) any { return &r.RedirectActionForm }, obj("$ref", b.add(groupAnswerParts, "RedirectActionFormV1EN", raf), "description", "Set while the user has to pay on the cashier.")),
				is(func(r *wire.PayResponse) any { return &r.ExtendInfo }, extendInfoAnswer("pay")),
			),
			obj("if", success, "else", forbids(redirect, paidAt, authExpiry)))
	default:
		raf := b.answerObject("Antom: where the merchant sends the user (seed 004).", answerOf[wire.RedirectActionForm](
			is(func(a *wire.RedirectActionForm) any { return &a.RedirectURL }, obj("type", "string", "minLength", 1, "description", "The wallet's cashier page.")).always(),
		))
		return add("PayResponseAntom", "pay answer, antom",
			"An entry-code payment is answered S with redirectActionForm.redirectUrl (seed 004); never A.",
			answerOf[wire.PayResponse](
				is(func(r *wire.PayResponse) any { return &r.Result }, withoutA(ref(resultComponentFor(wire.EndpointPay, prof)))),
				is(func(r *wire.PayResponse) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
				is(func(r *wire.PayResponse) any { return &r.PaymentRequestID }, idAnswer("Echo of the request's paymentRequestId (once the request was read).")),
				is(func(r *wire.PayResponse) any { return &r.PaymentTime }, timeAnswer("When the user paid, or an authorization was authorized.")),
				authExpiryMember,
				is(func(r *wire.PayResponse) any { return &r.RedirectActionForm }, obj("$ref", b.add(groupAnswerParts, "RedirectActionFormAntom", raf), "description", "Set while the user has to pay: S here means \"redirect now\", not \"paid\".")),
			),
			obj("if", success, "else", forbids(redirect, paidAt, authExpiry)))
	}
}

// inquiryPaymentAnswer is the answer to inquiryPayment in a profile; the
// antom profile also gives a FAIL payment's result code and text
// (inquiry.go).
func (b *docBuilder) inquiryPaymentAnswer(prof Profile, result *jsonObject, add func(name, title, doc string, d answerDef, rules *jsonObject) string) string {
	p := jsonNameOf[wire.InquiryPaymentResponse]
	id, requestID := p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentID }), p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentRequestID })
	amount, status := p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentAmount }), p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentStatus })
	reason, created := p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentFailReason }), p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentCreateTime })
	members := []answerMember{
		is(func(r *wire.InquiryPaymentResponse) any { return &r.Result }, result),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentID }, idAnswer("The wallet's payment id.")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentRequestID }, idAnswer("The merchant's paymentRequestId.")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentAmount }, obj("$ref", ref("Amount"))),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentStatus }, enumAnswer(
			"PROCESSING: not paid yet (waiting for the user) or a debit or hold in flight; SUCCESS: paid (refunds may run against it), or an authorization authorized (authExpiryTime set; its captures in transactions); FAIL: failed, or expired unpaid or uncaptured (reason in paymentFailReason); CANCELLED: closed by the merchant's cancel (an authorization voided with nothing captured).",
			wire.PaymentStatusProcessing, wire.PaymentStatusSuccess, wire.PaymentStatusFail, wire.PaymentStatusCancelled)),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentFailReason }, textAnswer(wire.MaxResultMessage, "Why the payment failed (FAIL only), e.g. \"Order payment expired.\".")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentTime }, timeAnswer("When the user paid, or an authorization was authorized.")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentCreateTime }, timeAnswer("When the payment was created.")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.AuthExpiryTime }, timeAnswer("An authorization's, once authorized: when what is not captured goes back to the user.")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.ExtendInfo }, extendInfoAnswer("pay")),
		is(func(r *wire.InquiryPaymentResponse) any { return &r.Transactions }, obj(
			"description", "An authorization's captures, in the order they were made (absent when it has none).",
			"type", "array", "minItems", 1, "items", obj("$ref", b.transactionSchema()))),
	}
	failed := []string{reason}
	name, title := "InquiryPaymentResponse", "inquiryPayment answer, mini-program v1 and v1-en"
	if prof == ProfileAntom {
		code, message := p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentResultCode }), p(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentResultMessage })
		members = append(members,
			is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentResultCode }, obj("$ref", b.failedPaymentCode(),
				"description", "The failure's result code (FAIL only): the code pay answers for it, ORDER_IS_CLOSED for an expired payment.")),
			is(func(r *wire.InquiryPaymentResponse) any { return &r.PaymentResultMessage }, textAnswer(wire.MaxResultMessage, "The failure's text (FAIL only), the same as paymentFailReason.")),
		)
		failed = append(failed, code, message)
		name, title = "InquiryPaymentResponseAntom", "inquiryPayment answer, antom"
	}
	return add(name, title, "S carries the payment; any other result carries nothing else.",
		answerOf[wire.InquiryPaymentResponse](members...),
		ifThen(whenResult(resultStatusName(), wire.StatusSuccess),
			requires(id, requestID, amount, status, created).merge(
				ifThen(whenMember(status, wire.PaymentStatusFail), requires(failed...), forbids(failed...))),
			onlyResult()))
}

// failedPaymentCode adds the schema of the result codes the antom profile
// gives a failed payment (failedPaymentResult) and returns its reference.
func (b *docBuilder) failedPaymentCode() string {
	var codes []string
	for _, c := range knownCodes() {
		for reason := range engineResults {
			if failedPaymentResult(reason, "").ResultCode == c {
				codes = append(codes, c)
				break
			}
		}
	}
	return b.add(groupResults, "PaymentFailureCode", obj(
		"description", "The result code of a failed payment: the code pay answers for its failure (ORDER_IS_CLOSED for an expired payment).",
		"type", "string",
		"enum", toAnys(codes)))
}

// refundAnswer is the answer to refund in a profile; the antom profile
// also echoes the request (refund.go).
func (b *docBuilder) refundAnswer(prof Profile, result *jsonObject, add func(name, title, doc string, d answerDef, rules *jsonObject) string) string {
	p := jsonNameOf[wire.RefundResponse]
	id, at := p(func(r *wire.RefundResponse) any { return &r.RefundID }), p(func(r *wire.RefundResponse) any { return &r.RefundTime })
	requestID, payment, amount := p(func(r *wire.RefundResponse) any { return &r.RefundRequestID }), p(func(r *wire.RefundResponse) any { return &r.PaymentID }), p(func(r *wire.RefundResponse) any { return &r.RefundAmount })
	extendInfo := p(func(r *wire.RefundResponse) any { return &r.ExtendInfo })
	code := resultCodeName()
	members := []answerMember{
		is(func(r *wire.RefundResponse) any { return &r.Result }, result),
		is(func(r *wire.RefundResponse) any { return &r.RefundID }, idAnswer("Set on S and on U REFUND_IN_PROCESS.")),
		is(func(r *wire.RefundResponse) any { return &r.RefundTime }, timeAnswer("When the refund succeeded (S only).")),
		is(func(r *wire.RefundResponse) any { return &r.ExtendInfo }, extendInfoAnswer("refund")),
	}
	succeeded, pending := []string{id, at}, []string{id}
	other := onlyResult()
	name, title, doc := "RefundResponse", "refund answer, mini-program v1 and v1-en", "Seed 002."
	if prof == ProfileAntom {
		members = append(members,
			is(func(r *wire.RefundResponse) any { return &r.RefundRequestID }, idAnswer("Echo of the request (once it was read).")),
			is(func(r *wire.RefundResponse) any { return &r.PaymentID }, idAnswer("The refunded payment (when found).")),
			is(func(r *wire.RefundResponse) any { return &r.RefundAmount }, obj("$ref", ref("Amount"), "description", "Echo of the request (once it was read).")),
		)
		succeeded = append(succeeded, requestID, payment, amount)
		pending = append(pending, requestID, payment, amount)
		other = forbids(id, at, extendInfo)
		name, title, doc = "RefundResponseAntom", "refund answer, antom", "As RefundResponse, plus the Antom echoes."
	}
	return add(name, title, doc, answerOf[wire.RefundResponse](members...), obj("allOf", []any{
		obj("if", whenResult(code, wire.CodeSuccess), "then", requires(succeeded...)),
		obj("if", whenResult(code, wire.CodeRefundInProcess), "then", requires(pending...).merge(forbids(at))),
		obj("if", obj("not", whenResult(code, wire.CodeSuccess, wire.CodeRefundInProcess)), "then", other),
	}))
}

// transactionSchema adds the schema of one capture in inquiryPayment's
// transactions (captureTransaction) and returns its reference.
func (b *docBuilder) transactionSchema() string {
	p := jsonNameOf[wire.Transaction]
	status, at := p(func(t *wire.Transaction) any { return &t.TransactionStatus }), p(func(t *wire.Transaction) any { return &t.TransactionTime })
	res := p(func(t *wire.Transaction) any { return &t.TransactionResult })
	code := resultCodeName()
	s := b.answerObject("A capture of the authorization (Antom's Transaction).", answerOf[wire.Transaction](
		is(func(t *wire.Transaction) any { return &t.TransactionResult }, obj("$ref", ref("Result"), "description", "The capture's result as capture answers it: S, F with the failure's code, U CAPTURE_IN_PROCESS while in flight.")),
		is(func(t *wire.Transaction) any { return &t.TransactionID }, idAnswer("The wallet's capture id (captureId).")),
		is(func(t *wire.Transaction) any { return &t.TransactionType }, enumAnswer("What the transaction is.", wire.TransactionTypeCapture)),
		is(func(t *wire.Transaction) any { return &t.TransactionStatus }, enumAnswer(
			"SUCCESS: captured; FAIL: nothing was captured (reason in transactionResult); PROCESSING: the capture has no answer yet.",
			wire.TransactionStatusSuccess, wire.TransactionStatusFail, wire.TransactionStatusProcessing)),
		is(func(t *wire.Transaction) any { return &t.TransactionAmount }, obj("$ref", ref("Amount"))),
		is(func(t *wire.Transaction) any { return &t.TransactionRequestID }, idAnswer("The merchant's captureRequestId.")),
		is(func(t *wire.Transaction) any { return &t.TransactionTime }, timeAnswer("When the capture reached SUCCESS or FAIL.")),
	))
	s.set("allOf", []any{
		ifThen(whenMember(status, wire.TransactionStatusProcessing),
			obj("properties", obj(res, obj("properties", obj(code, obj("const", wire.CodeCaptureInProcess))))).merge(forbids(at)),
			requires(at)),
		obj("if", whenMember(status, wire.TransactionStatusSuccess),
			"then", obj("properties", obj(res, obj("properties", obj(code, obj("const", wire.CodeSuccess)))))),
	})
	return b.add(groupAnswerParts, "Transaction", s)
}

// captureAnswer is the answer to capture, the same in every profile
// (capture.go).
func (b *docBuilder) captureAnswer(result *jsonObject, add func(name, title, doc string, d answerDef, rules *jsonObject) string) string {
	p := jsonNameOf[wire.CaptureResponse]
	id, at := p(func(r *wire.CaptureResponse) any { return &r.CaptureID }), p(func(r *wire.CaptureResponse) any { return &r.CaptureTime })
	requestID, payment, amount := p(func(r *wire.CaptureResponse) any { return &r.CaptureRequestID }), p(func(r *wire.CaptureResponse) any { return &r.PaymentID }), p(func(r *wire.CaptureResponse) any { return &r.CaptureAmount })
	extendInfo := p(func(r *wire.CaptureResponse) any { return &r.ExtendInfo })
	code := resultCodeName()
	return add("CaptureResponse", "capture answer (every profile)",
		"Antom's capture answer. The echoes are there once the request was read (not on PARAM_ILLEGAL, ACCESS_DENIED or MSG_PARSE_ERROR).",
		answerOf[wire.CaptureResponse](
			is(func(r *wire.CaptureResponse) any { return &r.Result }, result),
			is(func(r *wire.CaptureResponse) any { return &r.CaptureRequestID }, idAnswer("Echo of the request.")),
			is(func(r *wire.CaptureResponse) any { return &r.CaptureID }, idAnswer("The wallet's capture id: set on S, and on U CAPTURE_IN_PROCESS for a capture in flight.")),
			is(func(r *wire.CaptureResponse) any { return &r.PaymentID }, idAnswer("Echo of the request: the authorization.")),
			is(func(r *wire.CaptureResponse) any { return &r.CaptureAmount }, obj("$ref", ref("Amount"), "description", "Echo of the request.")),
			is(func(r *wire.CaptureResponse) any { return &r.CaptureTime }, timeAnswer("When the money was captured (S only).")),
			is(func(r *wire.CaptureResponse) any { return &r.ExtendInfo }, extendInfoAnswer("capture")),
		), obj("allOf", []any{
			obj("if", whenResult(code, wire.CodeSuccess), "then", requires(requestID, id, payment, amount, at)),
			obj("if", whenResult(code, wire.CodeCaptureInProcess), "then", requires(requestID, payment, amount).merge(forbids(at))),
			obj("if", obj("not", whenResult(code, wire.CodeSuccess, wire.CodeCaptureInProcess)), "then", forbids(id, at, extendInfo)),
		}))
}
