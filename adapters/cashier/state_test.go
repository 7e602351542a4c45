package cashier_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
)

// TestExpiredPaymentRefused: past its expiry the page says so, and a Pay
// from a page opened before expiry closes the payment and moves no money.
func TestExpiredPaymentRefused(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	token := f.open(t, p)
	f.clock.Advance(p.ExpiresAt.Sub(f.clock.Now()))

	w := f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment expired</h1>")
	require.NotContains(t, w.Body.String(), "<form")

	w = f.post(f.handler.URL(p.ID), url.Values{"action": {"pay"}, "token": {token}})
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment expired</h1>")
	require.Contains(t, w.Body.String(), "You are not charged for it.")
	got := f.payment(t, p.ID)
	require.Equal(t, engine.PaymentClosed, got.State)
	require.Equal(t, engine.CodeExpired, got.FailReason)
	require.EqualValues(t, startUSD, f.balance())

	w = f.post(f.handler.URL(p.ID), url.Values{"action": {"pay"}, "token": {token}})
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment expired</h1>")
}

// TestClosedPaymentRefused: a payment the merchant cancelled shows that
// and cannot be paid.
func TestClosedPaymentRefused(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	token := f.open(t, p)
	_, err := f.eng.Cancel(context.Background(), engine.PaymentRef{PartnerID: partner, PaymentID: p.ID})
	require.NoError(t, err)

	w := f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment cancelled</h1>")
	require.Contains(t, w.Body.String(), "The merchant cancelled this payment.")
	require.NotContains(t, w.Body.String(), "<form")

	w = f.post(f.handler.URL(p.ID), url.Values{"action": {"pay"}, "token": {token}})
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment cancelled</h1>")
	require.Equal(t, engine.PaymentClosed, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD, f.balance())
}

// TestReversedPaymentSaysMoneyReturned: a paid payment the merchant then
// cancelled tells the user their money came back.
func TestReversedPaymentSaysMoneyReturned(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	require.Equal(t, http.StatusSeeOther, f.submit(t, p, "pay").Code)
	f.clock.Advance(time.Minute)
	_, err := f.eng.Cancel(context.Background(), engine.PaymentRef{PartnerID: partner, PaymentID: p.ID})
	require.NoError(t, err)
	body := f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, "<h1>Payment cancelled</h1>")
	require.Contains(t, body, "The amount you paid was returned to your wallet.")
	require.EqualValues(t, startUSD, f.balance())
}

// TestFailedPaymentRefused: a payment the wallet failed shows why and
// cannot be paid.
func TestFailedPaymentRefused(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	token := f.open(t, p)
	_, err := f.eng.Fail(context.Background(), p.ID, engine.CodeRiskReject, "risk")
	require.NoError(t, err)

	w := f.post(f.handler.URL(p.ID), url.Values{"action": {"pay"}, "token": {token}})
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment failed</h1>")
	require.Contains(t, w.Body.String(), "This payment was declined to keep your account safe.")
	require.Equal(t, engine.PaymentFail, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD, f.balance())
}
