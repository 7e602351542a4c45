package cashier

import (
	"net/http"

	"github.com/paystate/paystate/engine"
)

// Wording of the state pages: what happened and whether money moved.
const (
	notCharged   = "You are not charged for it."
	comingBack   = "The amount taken is on its way back to your wallet."
	returned     = "The amount you paid was returned to your wallet."
	cannotPayNow = "This payment can no longer be made."
)

// describeState fills in the status, heading and text of p's state page.
// payable says whether p may be paid now; left that the user has just
// chosen Cancel.
func describeState(v view, p engine.Payment, payable, left bool) view {
	switch {
	case p.State == engine.PaymentAuthorized:
		v.Status, v.Tone, v.Heading = "Authorized", "ok", "Payment authorized"
		v.Text = []string{"You authorized " + v.Amount + " to " + v.Merchant + ". The amount is held in your wallet: " + v.Merchant +
			" takes what your order costs, and what it has not taken by " + p.AuthExpiresAt.UTC().Format("2 January 2006, 15:04 UTC") + " comes back to your wallet."}
	case p.State == engine.PaymentSuccess && p.Authorization:
		v.Status, v.Tone, v.Heading = "Paid", "ok", "Payment complete"
		v.Text = []string{v.Merchant + " took " + formatAmount(engine.Money{Currency: p.Amount.Currency, Minor: p.Captured}) + " of the " + v.Amount + " you authorized."}
		if p.Captured < p.Amount.Minor {
			v.Text = append(v.Text, "The rest is back in your wallet, or on its way.")
		}
	case p.State == engine.PaymentSuccess:
		v.Status, v.Tone, v.Heading = "Paid", "ok", "Payment successful"
		v.Text = []string{"You paid " + v.Amount + " to " + v.Merchant + "."}
	case p.State == engine.PaymentInit:
		v.Status, v.Tone, v.Heading = "Processing", "wait", "Payment in progress"
		v.Text = []string{"Your wallet is confirming this payment. Do not pay again: reload this page in a moment to see the result."}
		v.RetryLabel = "Reload"
	case payable && left:
		v.Status, v.Tone, v.Heading = "Not paid", "wait", "Payment not made"
		v.Text = []string{"You left this payment. You have not been charged."}
		v.RetryLabel = "Go back to pay"
	case payable:
		v.Status, v.Tone, v.Heading = "Not paid", "wait", "Waiting for you to pay"
		v.RetryLabel = "Go to payment"
	case p.State == engine.PaymentAccept || p.FailReason == engine.CodeExpired:
		v.Status, v.Tone, v.Heading = "Expired", "bad", "Payment expired"
		v.Text = []string{"The time to pay has run out. " + cannotPayNow, moneyNote(p)}
	case p.Authorization && p.FailReason == engine.CodeAuthExpired:
		v.Status, v.Tone, v.Heading = "Expired", "bad", "Authorization expired"
		v.Text = []string{v.Merchant + " did not take the amount you authorized in time.", heldNote(p)}
	case p.Authorization && p.State == engine.PaymentClosed && !p.AuthorizedAt.IsZero():
		v.Status, v.Tone, v.Heading = "Cancelled", "bad", "Authorization cancelled"
		v.Text = []string{v.Merchant + " cancelled this authorization without taking any of it.", heldNote(p)}
	case p.State == engine.PaymentClosed:
		v.Status, v.Tone, v.Heading = "Cancelled", "bad", "Payment cancelled"
		v.Text = []string{"The merchant cancelled this payment. " + cannotPayNow, moneyNote(p)}
	default: // FAIL
		v.Status, v.Tone, v.Heading = "Failed", "bad", "Payment failed"
		first := cannotPayNow
		if text, ok := declineTexts[p.FailReason]; ok {
			first = text + " " + cannotPayNow
		}
		v.Text = []string{first, moneyNote(p)}
	}
	return v
}

// moneyNote says where the user's money is for a payment that will never
// be paid.
func moneyNote(p engine.Payment) string {
	switch {
	case p.Pending != "":
		return comingBack
	case !p.PaidAt.IsZero():
		return returned
	}
	return notCharged
}

// heldNote says where an authorization's held money is once the
// authorization ended with none of it taken.
func heldNote(p engine.Payment) string {
	if p.Pending != "" {
		return "The amount held is on its way back to your wallet."
	}
	return "The amount held is back in your wallet."
}

// describeProblem fills in the page of an error status.
func describeProblem(status int) view {
	v := view{Tone: "bad", Status: http.StatusText(status)}
	switch status {
	case http.StatusNotFound:
		v.Heading = "Payment not found"
		v.Text = []string{"This payment link is not valid. Check it with the merchant."}
	case http.StatusMethodNotAllowed:
		v.Heading = "Request not allowed"
		v.Text = []string{"This page cannot answer that request."}
	case http.StatusUnauthorized:
		v.Heading = "Sign in to pay"
		v.Text = []string{"Sign in to your wallet, then open the payment link again."}
	case http.StatusForbidden:
		v.Heading = "This page has expired"
		v.Text = []string{"For your safety, open the payment page again and retry. Nothing was paid."}
		v.RetryLabel = "Open the payment page"
	case http.StatusBadRequest:
		v.Heading = "Request not understood"
		v.Text = []string{"Open the payment page again and retry. Nothing was paid."}
		v.RetryLabel = "Open the payment page"
	default:
		v.Heading = "Something went wrong"
		v.Text = []string{"We could not finish this. Do not pay again: reload the payment page in a moment to see whether the payment went through."}
		v.RetryLabel = "Reload the payment page"
	}
	return v
}
