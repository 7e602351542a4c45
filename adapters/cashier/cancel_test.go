package cashier_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
)

// TestCancelReturnsToMerchant: Cancel sends the user back without paying
// and leaves the payment open, so they can still come back and pay.
func TestCancelReturnsToMerchant(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	w := f.submit(t, p, "cancel")
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, shopReturn, w.Header().Get("Location"))
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD, f.balance())

	require.Equal(t, http.StatusSeeOther, f.submit(t, p, "pay").Code)
	require.Equal(t, engine.PaymentSuccess, f.payment(t, p.ID).State)
}

// TestCancelWithoutReturnURL: with nowhere to go back to, the user sees
// that nothing was paid and a way back to the payment.
func TestCancelWithoutReturnURL(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, func(r *engine.PayRequest) { r.ReturnURL = "" })
	w := f.submit(t, p, "cancel")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	require.Contains(t, body, "<h1>Payment not made</h1>")
	require.Contains(t, body, "You have not been charged.")
	require.Contains(t, body, `<a class="button primary" href="/cashier/`+p.ID+`">Go back to pay</a>`)
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD, f.balance())
}
