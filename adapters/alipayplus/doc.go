// Package alipayplus exposes the paystate engine as the wallet side of the
// Alipay+ "OpenAPI for merchants/partners": pay, inquiryPayment, cancel,
// refund and inquiryRefund over signed JSON POSTs, in the wire profiles
// different wallets speak, plus the client helper merchants (and tests) use
// to sign requests and verify answers, and the Notifier that delivers
// notifyPayment callbacks to merchants (for engine/worker).
//
// It is the only package that knows Alipay+ field names and result codes:
// it maps them to and from engine requests, answers and error codes.
package alipayplus
