package cashier_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
)

// authorization is a cashier authorization request: 12.34 USD held for
// coffee beans.
func authorization(r *engine.PayRequest) { r.Authorization = true }

// TestAuthorizationPage: for an authorization the page asks the user to
// authorize, not to pay, and says the amount is held until the merchant
// takes it; a plain payment's page says nothing of it.
func TestAuthorizationPage(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, authorization)
	body := f.get(f.handler.URL(p.ID)).Body.String()
	for _, want := range []string{
		"<title>Authorize " + shopName,
		`<span class="eyebrow">Authorize a payment to</span>`,
		"The amount is held in your wallet, not paid yet.",
		`<button type="submit" name="action" value="pay" class="button primary">Authorize USD 12.34</button>`,
		`<button type="submit" name="action" value="cancel" class="button secondary">Cancel</button>`,
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, ">Pay USD")

	plain := f.get(f.handler.URL(f.order(t).ID)).Body.String()
	require.NotContains(t, plain, "Authorize")
	require.NotContains(t, plain, "held")
}

// TestAuthorizeHoldsAndReturns: Authorize holds the amount (the user's
// balance drops by it once), sends the user back to the merchant, and the
// page then says it is authorized; once the merchant captured part with
// its last capture, the page says what was taken and that the rest came
// back.
func TestAuthorizeHoldsAndReturns(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, authorization)
	form := url.Values{"action": {"pay"}, "token": {f.open(t, p)}}
	w := f.post(f.handler.URL(p.ID), form)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	require.Equal(t, shopReturn, w.Header().Get("Location"))
	require.Equal(t, engine.PaymentAuthorized, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD-1234, f.balance())

	body := f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, "<h1>Payment authorized</h1>")
	require.Contains(t, body, "You authorized USD 12.34 to "+shopName+".")
	require.NotContains(t, body, "<form")
	// A second Authorize holds nothing more.
	w = f.post(f.handler.URL(p.ID), form)
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Payment authorized</h1>")
	require.EqualValues(t, startUSD-1234, f.balance())

	ten, err := engine.ParseMoney("USD", "1000")
	require.NoError(t, err)
	_, err = f.eng.Capture(context.Background(), engine.CaptureRequest{PartnerID: partner, RequestID: "c-1", PaymentID: p.ID, Amount: ten, Last: true})
	require.NoError(t, err)
	body = f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, "<h1>Payment complete</h1>")
	require.Contains(t, body, shopName+" took USD 10.00 of the USD 12.34 you authorized.")
	require.EqualValues(t, startUSD-1000, f.balance())
}

// TestVoidedAuthorizationPage: an authorization the merchant voided with
// nothing taken says so, and that the held amount is back.
func TestVoidedAuthorizationPage(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, authorization)
	require.Equal(t, http.StatusSeeOther, f.submit(t, p, "pay").Code)
	_, err := f.eng.Cancel(context.Background(), engine.PaymentRef{PartnerID: partner, PaymentID: p.ID})
	require.NoError(t, err)
	body := f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, "<h1>Authorization cancelled</h1>")
	require.Contains(t, body, "The amount held is back in your wallet.")
	require.EqualValues(t, startUSD, f.balance())
}

// TestExpiredAuthorizationPage: an authorization nobody captured in time
// says so once it expired.
func TestExpiredAuthorizationPage(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, authorization)
	require.Equal(t, http.StatusSeeOther, f.submit(t, p, "pay").Code)
	f.clock.Advance(engine.DefaultAuthExpiry)
	_, err := f.eng.ExpireDue(context.Background(), 10)
	require.NoError(t, err)
	body := f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, "<h1>Authorization expired</h1>")
	require.Contains(t, body, "did not take the amount you authorized in time.")
	require.EqualValues(t, startUSD, f.balance())
}
