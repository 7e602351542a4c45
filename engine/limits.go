package engine

import (
	"context"
	"maps"
)

// Limits is the port through which the wallet's risk rules reach the
// engine: which partners are suspended and how large one payment of theirs
// may be, which users are frozen and how much and how often they may pay a
// day. The host answers with values; the engine enforces them, the daily
// sums and counts exactly under any concurrency and across processes
// sharing a store (the counters change in the same store Commit as the
// payment that takes or gives back the room).
//
// Both methods are called on the hot path of Pay, Confirm and Refund:
// answer from memory, never block. An unknown id answers the zero value
// (active, no limits). StaticLimits is the default implementation.
//
// Where each rule applies:
//   - PartnerRules.Suspended: a new pay or refund of the partner fails with
//     CodePartnerStatusAbnormal; repeats, inquiries and cancels answer as
//     before.
//   - PartnerRules.PerPayment: a new pay above the cap of its currency
//     fails with CodePaymentAmountLimit.
//   - UserRules (Frozen: CodeUserStatusAbnormal; Daily: CodeUserAmountLimit;
//     DailyCount: CodePaymentCountLimit) apply where the payer becomes
//     known: at creation for agreement and payment-code pays, which needs a
//     Funds that implements PayerResolver (without it those pays get no user
//     rules), and at Confirm for the cashier, order code and entry code.
//
// None of these refusals stores anything. A payment holds room in its
// user's day (Config.LimitZone) from then until it fails or is closed
// (cancelled, expired, reversed) or its debit is declined on the cashier;
// refunds give no room back.
type Limits interface {
	// Partner returns the rules of partnerID.
	Partner(partnerID string) PartnerRules
	// User returns the rules of userID.
	User(userID string) UserRules
}

// PartnerRules are one partner's rules (see Limits).
type PartnerRules struct {
	// Suspended refuses the partner's new pays and refunds.
	Suspended bool
	// PerPayment caps one payment, per ISO 4217 currency, in minor units;
	// a currency not listed has no cap (beyond Config.MaxAmount).
	PerPayment map[string]int64
}

// UserRules are one user's rules (see Limits).
type UserRules struct {
	// Frozen refuses the user's payments.
	Frozen bool
	// Daily caps, per currency in minor units, the sum of the user's
	// payments of one day that succeeded or are in flight.
	Daily map[string]int64
	// DailyCount, when positive, caps the number of those payments a day,
	// all currencies together.
	DailyCount int
}

// StaticLimits is Limits from two maps, fixed once built: safe for
// concurrent use as long as nobody writes the maps after handing it to an
// engine. A host that reloads its rules builds a new StaticLimits and
// swaps it behind its own Limits (an atomic pointer), so every lookup sees
// one whole set of rules.
type StaticLimits struct {
	Partners map[string]PartnerRules
	Users    map[string]UserRules
}

var _ Limits = (*StaticLimits)(nil)

// Partner returns the partner's rules, the zero value when none are set.
func (s *StaticLimits) Partner(partnerID string) PartnerRules {
	if s == nil {
		return PartnerRules{}
	}
	return s.Partners[partnerID]
}

// User returns the user's rules, the zero value when none are set.
func (s *StaticLimits) User(userID string) UserRules {
	if s == nil {
		return UserRules{}
	}
	return s.Users[userID]
}

// Clone returns a deep copy of s, for a host that builds a changed set of
// rules from the running one.
func (s *StaticLimits) Clone() *StaticLimits {
	out := &StaticLimits{Partners: make(map[string]PartnerRules, len(s.Partners)), Users: make(map[string]UserRules, len(s.Users))}
	for id, r := range s.Partners {
		r.PerPayment = maps.Clone(r.PerPayment)
		out.Partners[id] = r
	}
	for id, r := range s.Users {
		r.Daily = maps.Clone(r.Daily)
		out.Users[id] = r
	}
	return out
}

// PayerResolver is an optional capability of a Funds: it names the user an
// agreement access token or a payment code (req.AuthCode, for req.Scenario)
// belongs to, without moving money or spending the code, so that the
// user's rules apply before the debit. It answers "" for a code it does not
// know (the debit will decline it). An error makes the pay fail with
// CodeInternal and store nothing. The engine calls it only when
// Config.Limits is set.
type PayerResolver interface {
	Payer(ctx context.Context, req FundsRequest) (string, error)
}
