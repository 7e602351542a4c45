package engine_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/paystate/paystate/engine"
)

// withLimits makes the story's engine apply s.rules from now on (an
// engine keeps no state between commands, so a new one takes over).
func (s *scenario) withLimits(t *testing.T) {
	eng, err := engine.New(s.store, s.ledger, s.config(s.ids, s.rules))
	if err != nil {
		t.Fatal(err)
	}
	s.eng = eng
}

// limitPartner sets the rules of the scenarios' partner "shop":
// per-payment (major units of currency, default USD) and suspended.
func (s *scenario) limitPartner(t *testing.T, td *datadriven.TestData) string {
	r := engine.PartnerRules{Suspended: optArg(td, "suspended", "false") == "true"}
	if td.HasArg("per-payment") {
		m := moneyArg(t, td, "per-payment")
		r.PerPayment = map[string]int64{m.Currency: m.Minor}
	}
	s.rules.Partners["shop"] = r
	s.withLimits(t)
	return fmt.Sprintf("partner shop suspended=%t per-payment=%v\n", r.Suspended, r.PerPayment)
}

// limitUser sets a user's rules: daily (major units of currency, default
// USD), count and frozen.
func (s *scenario) limitUser(t *testing.T, td *datadriven.TestData) string {
	user := arg(t, td, "user")
	r := engine.UserRules{Frozen: optArg(td, "frozen", "false") == "true"}
	if td.HasArg("daily") {
		m := moneyArg(t, td, "daily")
		r.Daily = map[string]int64{m.Currency: m.Minor}
	}
	if td.HasArg("count") {
		n, err := strconv.Atoi(arg(t, td, "count"))
		if err != nil {
			td.Fatalf(t, "count: %v", err)
		}
		r.DailyCount = n
	}
	s.rules.Users[user] = r
	s.withLimits(t)
	return fmt.Sprintf("user %s frozen=%t daily=%v count=%d\n", user, r.Frozen, r.Daily, r.DailyCount)
}

// showUsage prints what a user's payments hold in today's counters (UTC).
func (s *scenario) showUsage(t *testing.T, td *datadriven.TestData) string {
	user, cur := arg(t, td, "user"), optArg(td, "currency", "USD")
	day := s.clock.Now().UTC().Format("2006-01-02")
	sum, err := s.store.Counter(s.ctx, "user/"+user+"/"+day+"/"+cur)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.store.Counter(s.ctx, "user/"+user+"/"+day+"/count")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("usage %s %s: %s in %d payments\n", user, day, engine.Money{Currency: cur, Minor: sum}, n)
}

// moneyArg reads key as an amount in major units of currency (default USD).
func moneyArg(t *testing.T, td *datadriven.TestData, key string) engine.Money {
	t.Helper()
	inner := *td
	inner.CmdArgs = []datadriven.CmdArg{{Key: "amount", Vals: []string{arg(t, td, key)}}}
	if td.HasArg("currency") {
		inner.CmdArgs = append(inner.CmdArgs, datadriven.CmdArg{Key: "currency", Vals: []string{arg(t, td, "currency")}})
	}
	return money(t, &inner)
}
