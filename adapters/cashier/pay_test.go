package cashier_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

// TestPayRedirectsToReturnURL: Pay debits the user once and sends them
// back to the merchant with 303.
func TestPayRedirectsToReturnURL(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	w := f.submit(t, p, "pay")
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, shopReturn, w.Header().Get("Location"))
	require.Equal(t, engine.PaymentSuccess, f.payment(t, p.ID).State)
	require.Equal(t, user, f.payment(t, p.ID).UserID)
	require.EqualValues(t, startUSD-1234, f.balance())
}

// TestPayWithoutReturnURLShowsResult: with nowhere to go back to, the
// user sees that the payment went through.
func TestPayWithoutReturnURLShowsResult(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, func(r *engine.PayRequest) { r.ReturnURL = "" })
	w := f.submit(t, p, "pay")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	require.Contains(t, body, "<h1>Payment successful</h1>")
	require.Contains(t, body, "You paid USD 12.34 to Blue Bottle Shop.")
	require.NotContains(t, body, "<form")
	require.NotContains(t, body, "Back to")
	require.Equal(t, engine.PaymentSuccess, f.payment(t, p.ID).State)
}

// TestPayUnredirectableReturnURLShowsLink: a return URL the page's
// Content-Security-Policy cannot name is linked to, not redirected to.
func TestPayUnredirectableReturnURLShowsLink(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, func(r *engine.PayRequest) { r.ReturnURL = "https://[2001:db8::1]/back" })
	w := f.submit(t, p, "pay")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `<a class="button secondary" href="https://[2001:db8::1]/back">Back to Blue Bottle Shop</a>`)

	q := f.order(t, func(r *engine.PayRequest) { r.ReturnURL = "javascript:alert(1)" })
	w = f.submit(t, q, "pay")
	require.Equal(t, http.StatusOK, w.Code)
	require.NotContains(t, w.Body.String(), "javascript:")
}

// TestSecondPayDoesNotDebit: a second POST (a double tap, the back button,
// a replayed form) shows the paid state and moves no money.
func TestSecondPayDoesNotDebit(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	token := f.open(t, p)
	form := url.Values{"action": {"pay"}, "token": {token}}
	require.Equal(t, http.StatusSeeOther, f.post(f.handler.URL(p.ID), form).Code)
	paid := f.balance()
	require.EqualValues(t, startUSD-1234, paid)

	w := f.post(f.handler.URL(p.ID), form)
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment successful</h1>")
	require.Contains(t, w.Body.String(), `href="https://shop.example/orders/1?paid=maybe">Back to Blue Bottle Shop</a>`)
	require.Equal(t, paid, f.balance())

	w = f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code)
	require.NotContains(t, w.Body.String(), "<form")
	require.Equal(t, paid, f.balance())
}

// TestDeclineLeavesPaymentPayable: a balance too low is explained on the
// pay page; the payment stays payable and succeeds after a top-up.
func TestDeclineLeavesPaymentPayable(t *testing.T) {
	f := newFixture(t)
	f.ledger.SetBalance(user, "USD", 10_00)
	p := f.order(t)
	w := f.submit(t, p, "pay")
	require.Equal(t, http.StatusPaymentRequired, w.Code)
	body := w.Body.String()
	require.Contains(t, body, `<p class="alert" role="alert">Your balance is not enough for this payment. Top up your wallet and try again. You have not been charged.</p>`)
	require.Contains(t, body, "Pay USD 12.34</button>")
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
	require.EqualValues(t, 10_00, f.balance())

	f.ledger.SetBalance(user, "USD", 20_00)
	require.Equal(t, http.StatusSeeOther, f.post(f.handler.URL(p.ID), url.Values{"action": {"pay"}, "token": {formToken(t, body)}}).Code)
	require.Equal(t, engine.PaymentSuccess, f.payment(t, p.ID).State)
	require.EqualValues(t, 20_00-1234, f.balance())
}

// TestPayInProcess: when the ledger gives no answer the page says the
// payment is being confirmed, and another Pay does not debit again.
func TestPayInProcess(t *testing.T) {
	f := newFixture(t)
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	p := f.order(t)
	token := f.open(t, p)
	form := url.Values{"action": {"pay"}, "token": {token}}
	w := f.post(f.handler.URL(p.ID), form)
	require.Equal(t, http.StatusAccepted, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment in progress</h1>")
	require.Equal(t, engine.PaymentInit, f.payment(t, p.ID).State)

	f.ledger.Inject = nil
	w = f.post(f.handler.URL(p.ID), form)
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment in progress</h1>")
	require.EqualValues(t, startUSD, f.balance())
}
