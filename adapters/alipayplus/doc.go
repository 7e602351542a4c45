// Package alipayplus exposes the paystate engine as the wallet side of the
// Alipay+ "OpenAPI for merchants/partners": pay, inquiryPayment, cancel,
// refund and inquiryRefund over signed JSON POSTs, in the wire profiles
// different wallets speak, plus the client helper merchants (and tests) use
// to sign requests and verify answers, and the Notifier that delivers
// notifyPayment callbacks to merchants (for engine/worker).
//
// It is the only package that maps Alipay+ field names and result codes to
// and from engine requests, answers and error codes. Each request body is
// defined once, per endpoint and profile (requests.go): the decoder reads
// bodies by these definitions, engine errors are answered with the wire
// names they give, and docs/openapi.json is generated from them, from the
// answer structs of package wire and from the result-code tables
// (openapi.go), and kept by a golden test.
package alipayplus
