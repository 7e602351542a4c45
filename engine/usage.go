package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paystate/paystate/store"
)

// The store counters of a user's day: the sum per currency in minor units
// and the number of payments. Keys are "user/<user>/<day>/<currency>" and
// "user/<user>/<day>/count" (a currency is three capital letters, so the
// two never meet).
func usageAmountKey(user, day, currency string) string {
	return "user/" + user + "/" + day + "/" + currency
}

func usageCountKey(user, day string) string { return "user/" + user + "/" + day + "/count" }

// usageDayLayout is how Payment.UsageDay writes a day.
const usageDayLayout = "2006-01-02"

// holdUsage makes pl's payment take room in its user's counters of today
// (in zone), under the caps of rules: the Commit of pl fails with a
// *store.LimitError when there is no room.
func (pl *plan) holdUsage(e *Engine, rules UserRules) {
	day := pl.now.In(e.cfg.LimitZone).Format(usageDayLayout)
	pl.p.UsageDay = day
	pl.counters = append(pl.counters,
		store.CounterDelta{Key: usageAmountKey(pl.p.UserID, day, pl.p.Currency), Delta: pl.p.Amount, Max: max(rules.Daily[pl.p.Currency], 0)},
		store.CounterDelta{Key: usageCountKey(pl.p.UserID, day), Delta: 1, Max: int64(max(rules.DailyCount, 0))})
}

// releaseUsage gives the room pl's payment holds back to the day it took it
// from; it does nothing for a payment that holds none.
func (pl *plan) releaseUsage() {
	if pl.p.UsageDay == "" {
		return
	}
	day := pl.p.UsageDay
	pl.p.UsageDay = ""
	pl.counters = append(pl.counters,
		store.CounterDelta{Key: usageAmountKey(pl.p.UserID, day, pl.p.Currency), Delta: -pl.p.Amount},
		store.CounterDelta{Key: usageCountKey(pl.p.UserID, day), Delta: -1})
}

// usageRefusal returns the engine error for a Commit refused because a
// user's counter was full, or nil when err is something else.
func usageRefusal(err error) *Error {
	var le *store.LimitError
	if !errors.As(err, &le) {
		return nil
	}
	if strings.HasSuffix(le.Key, "/count") {
		return errorf(CodePaymentCountLimit, "the user has made the %d payments allowed today", le.Max)
	}
	cur := le.Key[strings.LastIndexByte(le.Key, '/')+1:]
	return errorf(CodeUserAmountLimit, "the user's payments today would pass the limit of %s", Money{Currency: cur, Minor: le.Max})
}

// checkPartner applies the partner's rules to a new pay of amount (a zero
// amount for a refund): suspension and the single-payment cap.
func (e *Engine) checkPartner(partnerID string, amount Money) *Error {
	if e.cfg.Limits == nil {
		return nil
	}
	r := e.cfg.Limits.Partner(partnerID)
	if r.Suspended {
		return errorf(CodePartnerStatusAbnormal, "partner %s is suspended", partnerID)
	}
	if limit := r.PerPayment[amount.Currency]; limit > 0 && amount.Minor > limit {
		return errorf(CodePaymentAmountLimit, "amount %s is over the partner's limit of %s", amount, Money{Currency: amount.Currency, Minor: limit})
	}
	return nil
}

// userRules returns the rules of a user who is about to pay, or the
// refusal of a frozen user.
func (e *Engine) userRules(userID string) (UserRules, *Error) {
	r := e.cfg.Limits.User(userID)
	if r.Frozen {
		return r, errorf(CodeUserStatusAbnormal, "user %s is frozen", userID)
	}
	return r, nil
}

// resolvePayer names the payer of a synchronous pay before its debit, when
// rules apply and the funds port can tell (PayerResolver); "" otherwise.
func (e *Engine) resolvePayer(ctx context.Context, req *PayRequest) (string, error) {
	pr, ok := e.funds.(PayerResolver)
	if e.cfg.Limits == nil || !ok || !req.Scenario.Synchronous() {
		return "", nil
	}
	user, err := pr.Payer(ctx, FundsRequest{PartnerID: req.PartnerID, AuthCode: req.AuthCode, Scenario: req.Scenario, Amount: req.Amount})
	if err != nil {
		return "", &Error{Code: CodeInternal, Message: fmt.Sprintf("resolve the payer of %s/%s", req.PartnerID, req.RequestID), Err: err}
	}
	return user, nil
}
