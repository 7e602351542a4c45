package cashier

import "github.com/paystate/paystate/engine"

// declineTexts tells the user why the wallet refused to debit them, for
// the decline codes of the funds port and the user's rules (engine.Limits).
var declineTexts = map[engine.Code]string{
	engine.CodeBalanceNotEnough:    "Your balance is not enough for this payment. Top up your wallet and try again.",
	engine.CodeUserAmountLimit:     "This payment is over your account's spending limit for today.",
	engine.CodePaymentCountLimit:   "You have made as many payments today as your account allows.",
	engine.CodePaymentAmountLimit:  "This amount is over the wallet's limit for a single payment.",
	engine.CodeUserStatusAbnormal:  "Your account cannot make payments right now. Contact wallet support.",
	engine.CodeUserNotExist:        "We could not find your wallet account. Contact wallet support.",
	engine.CodeRiskReject:          "This payment was declined to keep your account safe. Contact wallet support.",
	engine.CodeInvalidAccessToken:  "Your wallet could not authorise this payment.",
	engine.CodeExpiredAccessToken:  "Your wallet could not authorise this payment.",
	engine.CodeInvalidCode:         "Your wallet could not authorise this payment.",
	engine.CodeAuthCodeAlreadyUsed: "Your wallet could not authorise this payment.",
	engine.CodeProcessFail:         "Your wallet declined this payment.",
}

// isDecline reports whether code is the funds port refusing a debit.
func isDecline(code engine.Code) bool {
	_, ok := declineTexts[code]
	return ok
}

// declineText explains a decline to the user and says nothing was taken.
func declineText(code engine.Code) string {
	text, ok := declineTexts[code]
	if !ok {
		text = declineTexts[engine.CodeProcessFail]
	}
	return text + " You have not been charged."
}
