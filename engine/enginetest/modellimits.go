package enginetest

import (
	"fmt"
	"sync"

	"pgregory.net/rapid"

	"github.com/paystate/paystate/engine"
)

// The model's rules (engine.Limits): alice may pay 150.00 USD and 4
// payments a day; shop-b takes at most 99.99 USD a payment. The "rules"
// step suspends or resumes shop-b and freezes or unfreezes bob, as a
// wallet's reload would.
const (
	aliceDaily      = 15_000
	aliceDailyCount = 4
	shopBPerPayment = 9_999
)

// modelLimits is the model's engine.Limits, changed between steps.
type modelLimits struct {
	mu        sync.Mutex
	suspended map[string]bool
	frozen    map[string]bool
}

func newModelLimits() *modelLimits {
	return &modelLimits{suspended: map[string]bool{}, frozen: map[string]bool{}}
}

// Partner implements engine.Limits.
func (m *modelLimits) Partner(id string) engine.PartnerRules {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := engine.PartnerRules{Suspended: m.suspended[id]}
	if id == partners[1] {
		r.PerPayment = map[string]int64{"USD": shopBPerPayment}
	}
	return r
}

// User implements engine.Limits.
func (m *modelLimits) User(id string) engine.UserRules {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := engine.UserRules{Frozen: m.frozen[id]}
	if id == "alice" {
		r.Daily, r.DailyCount = map[string]int64{"USD": aliceDaily}, aliceDailyCount
	}
	return r
}

func (m *modelLimits) isSuspended(id string) bool { return m.Partner(id).Suspended }

// changeRules is the "rules" step.
func (w *world) changeRules(rt *rapid.T) {
	w.limits.mu.Lock()
	defer w.limits.mu.Unlock()
	w.limits.suspended[partners[1]] = rapid.Bool().Draw(rt, "suspendShopB")
	w.limits.frozen["bob"] = rapid.Bool().Draw(rt, "freezeBob")
}

// limitRefusal reports whether code is one of the refusals of the rules,
// which store nothing.
func limitRefusal(code engine.Code) bool {
	switch code {
	case engine.CodePartnerStatusAbnormal, engine.CodePaymentAmountLimit, engine.CodeUserStatusAbnormal,
		engine.CodeUserAmountLimit, engine.CodePaymentCountLimit:
		return true
	}
	return false
}

// checkPayRefusal holds a new pay's answer to the partner's rules: a
// suspended partner is refused first, then shop-b's cap. It reports
// whether the pay was refused by a rule (and so stored nothing).
func (w *world) checkPayRefusal(rt *rapid.T, req engine.PayRequest, code engine.Code) bool {
	switch {
	case w.limits.isSuspended(req.PartnerID):
		if code != engine.CodePartnerStatusAbnormal {
			rt.Fatalf("new pay of suspended %s: got %v, want partner status abnormal", req.PartnerID, code)
		}
	case req.PartnerID == partners[1] && req.Amount.Currency == "USD" && req.Amount.Minor > shopBPerPayment:
		if code != engine.CodePaymentAmountLimit {
			rt.Fatalf("new pay of %s over its cap: got %v, want payment amount limit", req.Amount, code)
		}
	case code == engine.CodePartnerStatusAbnormal || code == engine.CodePaymentAmountLimit:
		rt.Fatalf("pay %s/%s refused by partner rules it does not break: %v", req.PartnerID, req.RequestID, code)
	}
	if (code == engine.CodeUserAmountLimit || code == engine.CodePaymentCountLimit || code == engine.CodeUserStatusAbnormal) &&
		!req.Scenario.Synchronous() {
		rt.Fatalf("pay %s/%s of a payer not yet known refused by user rules: %v", req.PartnerID, req.RequestID, code)
	}
	return limitRefusal(code)
}

// checkUsage holds the store's counters to the payments: for every user and
// every day the model has lived, the day's sum and count counters equal
// the amounts and number of that user's payments holding room in that day
// (exactly those in INIT, AUTHORIZED or SUCCESS with a user), and alice's stay within
// her limits.
func (w *world) checkUsage(rt *rapid.T) {
	type dayKey struct{ user, day string }
	sum, count := map[dayKey]int64{}, map[dayKey]int64{}
	for _, id := range w.payments {
		p := w.record(rt, id)
		holds := (p.Status == "INIT" || p.Status == "AUTHORIZED" || p.Status == "SUCCESS") && p.UserID != ""
		if holds != (p.UsageDay != "") {
			rt.Fatalf("payment %s (%s, user %q) holds room in day %q", id, p.Status, p.UserID, p.UsageDay)
		}
		if holds {
			k := dayKey{p.UserID, p.UsageDay}
			if p.Currency == "USD" {
				sum[k] += p.Amount
			}
			count[k]++
		}
	}
	for day := range w.days {
		for _, u := range users {
			k := dayKey{u, day}
			gotSum, err := w.st.Counter(w.ctx, fmt.Sprintf("user/%s/%s/USD", u, day))
			noErr(rt, err)
			gotCount, err := w.st.Counter(w.ctx, fmt.Sprintf("user/%s/%s/count", u, day))
			noErr(rt, err)
			if gotSum != sum[k] || gotCount != count[k] {
				rt.Fatalf("%s on %s: counters %d USD in %d payments, payments hold %d in %d", u, day, gotSum, gotCount, sum[k], count[k])
			}
			if u == "alice" && (sum[k] > aliceDaily || count[k] > aliceDailyCount) {
				rt.Fatalf("alice holds %d USD in %d payments on %s, over her limits", sum[k], count[k], day)
			}
		}
	}
}
