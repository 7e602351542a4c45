// Package cashier is the wallet's cashier page: the page a user lands on
// (in a browser, or in a mini program through my.tradePay) to approve or
// leave a payment the merchant created with pay in the cashier, order code
// or entry code scenario.
//
// A wallet mounts a Handler at the path of Config.BaseURL and gives its URL
// method to the Alipay+ adapter as CashierURL:
//
//	cash, err := cashier.New(cashier.Config{Engine: eng, BaseURL: "https://wallet.example/cashier/", Key: key, UserOf: signedInUser})
//	mux.Handle(cash.Prefix(), cash) // "/cashier/", without http.StripPrefix
//	api, err := alipayplus.NewHandler(alipayplus.Config{..., CashierURL: cash.URL})
//
// URL scheme, under the prefix P (the path of BaseURL, "/cashier/" by
// default), for a payment id escaped as one path segment:
//
//	GET  P<paymentID>  the page: merchant, order title, amount, Pay and Cancel
//	POST P<paymentID>  the page's form: action=pay or action=cancel, token=...
//
// Anything else under P is 404 (unknown payment) or 405 (other methods).
//
// Pay debits the signed-in user (Config.UserOf, or the fixed Config.User)
// through engine.Confirm and, once paid, redirects (303) to the payment's
// return URL, or shows a result page when it has none. For an
// authorization the button reads Authorize and Confirm holds the amount
// instead: the page says it is held until the merchant takes it, and
// later what was taken. A declined debit
// shows why and leaves the payment payable. A payment that is paid, in
// process, expired, closed or failed shows its state and is never debited
// again. Cancel changes nothing in the engine: it takes the user back to the
// merchant and leaves the payment open until it is paid, cancelled by the
// merchant or expires (docs/decisions.md).
//
// Every POST carries a token bound to the payment and the user (an HMAC
// under Config.Key) and must pass net/http's cross-origin protection, so
// another site cannot make a signed-in user pay. Every answer is no-store,
// cannot be framed, and has a Content-Security-Policy that allows no
// script at all: the page works with plain HTML forms.
package cashier
