package ledger_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

// debitAll runs n debits at once, the i-th through ledgers[i%len(ledgers)],
// and returns their results. Any error fails the test.
func debitAll(t *testing.T, ledgers []*ledger.Ledger, n int, req func(i int) engine.FundsRequest) []engine.FundsResult {
	t.Helper()
	return callAll(t, n, func(i int) (engine.FundsResult, error) {
		return ledgers[i%len(ledgers)].Debit(t.Context(), req(i))
	})
}

// callAll runs call(0) to call(n-1) at once and returns their results. Any
// error fails the test.
func callAll(t *testing.T, n int, call func(i int) (engine.FundsResult, error)) []engine.FundsResult {
	t.Helper()
	results := make([]engine.FundsResult, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return results
}

// wantOutcomes checks how many results succeeded and how many were
// declined with code.
func wantOutcomes(t *testing.T, results []engine.FundsResult, succeeded int, code engine.Code) {
	t.Helper()
	var ok, no int
	for _, res := range results {
		switch {
		case res.Status == engine.FundsSucceeded:
			ok++
		case res.Status == engine.FundsDeclined && res.Reason == code:
			no++
		default:
			t.Fatalf("result %+v, want succeeded or declined with %v", res, code)
		}
	}
	if ok != succeeded || no != len(results)-succeeded {
		t.Fatalf("%d succeeded and %d declined, want %d and %d", ok, no, succeeded, len(results)-succeeded)
	}
}

func TestConcurrentDebitsNeverOverdraw(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		results := debitAll(t, []*ledger.Ledger{l}, 64, func(i int) engine.FundsRequest {
			return cashier(fmt.Sprintf("op-%d", i), "alice", 100)
		})
		wantOutcomes(t, results, 10, engine.CodeBalanceNotEnough)
		wantBalance(t, l, "alice", "USD", 0)
	})
}

func TestTwoLedgersOnOneDatabaseNeverOverdraw(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		// Two processes: two connection pools on one database.
		a, b := seeded(t, db), db.open(t)
		if err := b.Seed(t.Context(), []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		ledgers := []*ledger.Ledger{a, b}
		results := debitAll(t, ledgers, 64, func(i int) engine.FundsRequest {
			return agreement(fmt.Sprintf("op-%d", i), "token-alice", 100)
		})
		wantOutcomes(t, results, 10, engine.CodeBalanceNotEnough)
		wantBalance(t, a, "alice", "USD", 0)
		wantBalance(t, b, "alice", "USD", 0)

		// One payment code, many debits: it pays once.
		results = debitAll(t, ledgers, 16, func(i int) engine.FundsRequest {
			return engine.FundsRequest{OperationID: fmt.Sprintf("code-%d", i), AuthCode: "code-alice-1",
				Scenario: engine.ScenarioPaymentCode, Amount: engine.Money{Currency: "JPY", Minor: 1}}
		})
		wantOutcomes(t, results, 1, engine.CodeAuthCodeAlreadyUsed)
		wantBalance(t, a, "alice", "JPY", 499)
	})
}

func TestConcurrentRepeatsApplyOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		a, b := seeded(t, db), db.open(t)
		results := debitAll(t, []*ledger.Ledger{a, b}, 64, func(int) engine.FundsRequest {
			return cashier("same", "alice", 100)
		})
		wantOutcomes(t, results, 64, engine.CodeNone)
		for _, res := range results {
			if !res.At.Equal(results[0].At) {
				t.Fatalf("answers differ: %+v and %+v", res, results[0])
			}
		}
		wantBalance(t, a, "alice", "USD", 900)
	})
}

// An Inquire racing a Debit of the same id agrees with it: either the
// debit was applied and Inquire reports it, or Inquire fenced the id and
// the debit is declined. The money matches the answers.
func TestInquireRacingDebitAgrees(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		a, b := seeded(t, db), db.open(t)
		const n = 32
		debits, inquiries := make([]engine.FundsResult, n), make([]engine.FundsResult, n)
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := range n {
			op := fmt.Sprintf("op-%d", i)
			wg.Go(func() { debits[i], errs[2*i] = a.Debit(t.Context(), cashier(op, "alice", 10)) })
			wg.Go(func() { inquiries[i], errs[2*i+1] = b.Inquire(t.Context(), op) })
		}
		wg.Wait()
		paid := int64(0)
		for i := range n {
			if errs[2*i] != nil || errs[2*i+1] != nil {
				t.Fatalf("op-%d: %v, %v", i, errs[2*i], errs[2*i+1])
			}
			if debits[i].Status != inquiries[i].Status {
				t.Fatalf("op-%d: debit %+v, inquire %+v", i, debits[i], inquiries[i])
			}
			if debits[i].Status == engine.FundsSucceeded {
				paid += 10
			}
		}
		wantBalance(t, a, "alice", "USD", 1000-paid)
	})
}

func TestConcurrentHoldsNeverOverdraw(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		a, b := seeded(t, db), db.open(t)
		ledgers := []*ledger.Ledger{a, b}
		holdIDs := make([]string, 64)
		results := callAll(t, len(holdIDs), func(i int) (engine.FundsResult, error) {
			holdIDs[i] = fmt.Sprintf("hold-%d", i)
			// Debits and holds share the available balance.
			if i%4 == 0 {
				return ledgers[i%2].Debit(t.Context(), cashier(holdIDs[i], "alice", 100))
			}
			return ledgers[i%2].Hold(t.Context(), hold(holdIDs[i], "alice", 100))
		})
		wantOutcomes(t, results, 10, engine.CodeBalanceNotEnough)
		b2, err := a.Balance(t.Context(), "alice", "USD")
		if err != nil {
			t.Fatal(err)
		}
		debited := int64(0)
		for i, res := range results {
			if i%4 == 0 && res.Status == engine.FundsSucceeded {
				debited += 100
			}
		}
		if b2.Available != 0 || b2.Held != 1000-debited {
			t.Fatalf("alice has %+v, want nothing available and %d held", b2, 1000-debited)
		}
		checkConserved(t, a, -debited, holdIDs...)
	})
}

// Captures of one hold, from two processes at once and racing its
// release, never take more than it holds, and what they took plus what
// the release gave back is the hold.
func TestConcurrentCapturesAndReleaseOfOneHold(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		a, b := seeded(t, db), db.open(t)
		ledgers := []*ledger.Ledger{a, b}
		res, err := a.Hold(t.Context(), hold("h", "alice", 1000))
		wantSucceeded(t, res, err, "alice")
		const n = 48
		results := callAll(t, n, func(i int) (engine.FundsResult, error) {
			if i == n/2 {
				return ledgers[i%2].Release(t.Context(), release("r", "h", 0))
			}
			return ledgers[i%2].Capture(t.Context(), capture(fmt.Sprintf("c-%d", i), "h", 60))
		})
		captured := int64(0)
		for i, res := range results {
			switch {
			case i == n/2:
				if res.Status != engine.FundsSucceeded {
					t.Fatalf("release: %+v", res)
				}
			case res.Status == engine.FundsSucceeded:
				captured += 60
			case res.Status != engine.FundsDeclined || res.Reason != engine.CodeProcessFail:
				t.Fatalf("capture %d: %+v", i, res)
			}
		}
		h, err := b.HoldState(t.Context(), "h")
		if err != nil {
			t.Fatal(err)
		}
		if h.Open || h.Captured != captured || h.Captured+h.Released != 1000 {
			t.Fatalf("hold %+v after captures of %d and its release", h, captured)
		}
		wantMoney(t, a, "alice", h.Released, 0)
		wantMerchant(t, b, captured)
		checkConserved(t, a, 0, "h")
	})
}

// An Inquire racing a hold, a capture or a release of the same id agrees
// with it, as with debits, and the money matches the answers.
func TestInquireRacingHoldsAgrees(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		a, b := seeded(t, db), db.open(t)
		res, err := a.Hold(t.Context(), hold("base", "alice", 500))
		wantSucceeded(t, res, err, "alice")
		const n = 3 * 12
		id := func(i int) string { return fmt.Sprintf("op-%d", i) }
		// Call 2i is operation i, call 2i+1 an Inquire of its id.
		results := callAll(t, 2*n, func(c int) (engine.FundsResult, error) {
			i := c / 2
			if c%2 == 1 {
				return b.Inquire(t.Context(), id(i))
			}
			switch i % 3 {
			case 0:
				return a.Hold(t.Context(), hold(id(i), "alice", 10))
			case 1:
				return a.Capture(t.Context(), capture(id(i), "base", 10))
			}
			return a.Release(t.Context(), release(id(i), id(i-2), 10)) // the hold of operation i-2, if placed yet
		})
		ids := []string{"base"}
		for i := range n {
			op, inquiry := results[2*i], results[2*i+1]
			if op.Status != inquiry.Status {
				t.Fatalf("%s: answered %+v, inquired %+v", id(i), op, inquiry)
			}
			ids = append(ids, id(i))
		}
		checkConserved(t, a, 0, ids...)
	})
}
