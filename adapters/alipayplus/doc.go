// Package alipayplus exposes the paystate engine as the wallet side of the
// Alipay+ "OpenAPI for merchants/partners": pay (authorizations included),
// inquiryPayment, cancel, refund, inquiryRefund and capture over signed
// JSON POSTs, in the wire profiles different wallets speak (Handler), and
// the bodies of the notifications it sends (NotificationBody:
// notifyPayment, notifyRefund, notifyCapture).
//
// It is where the engine meets the wire: it maps Alipay+ requests to engine
// requests and engine answers and error codes to Alipay+ answers and result
// codes. Each request body is defined once, per endpoint and profile
// (requests.go): the decoder reads bodies by these definitions, engine
// errors are answered with the wire names they give, and docs/openapi.json
// is generated from them, from the answer structs of package wire and from
// the result-code tables (openapi.go), and kept by a golden test.
//
// Its neighbours hold the rest: package wire the shapes and codes both
// sides write, package signing the signatures, package client the
// merchant's side, package notify the delivery of notifications.
package alipayplus
