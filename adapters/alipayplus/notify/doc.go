// Package notify delivers the wallet's notifyPayment, notifyRefund and notifyCapture callbacks to merchants
// over HTTP: the Notifier that engine/worker calls with each
// engine.Notification. It builds the body with alipayplus.NotificationBody,
// signs it as the wallet, POSTs it to the merchant's notify URL through a
// guard against server-side request forgery (loopback, private and
// link-local targets refused unless the operator allows them, the address
// checked again when dialled, redirects never followed), and counts an
// attempt delivered only when the merchant answers result S.
package notify
