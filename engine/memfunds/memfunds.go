// Package memfunds is an in-memory wallet ledger that implements
// engine.Funds and engine.Holds: user balances per currency, holds on
// them, agreement access tokens and single-use payment codes. It applies every operation id at most once,
// fences ids it was asked about but never applied, and can inject the faults
// a real ledger shows (no answer before or after applying), so tests and
// examples exercise the engine against a correct counterparty.
package memfunds

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/paystate/paystate/engine"
)

// Fault is what an injected failure does to one call.
type Fault uint8

// The injectable faults.
const (
	NoFault       Fault = iota // answer normally
	LostRequest                // nothing applied, no answer (the call fails)
	LostAnswer                 // applied, but no answer (the call fails)
	HoldAsUnknown              // nothing applied, answer FundsUnknown; the op stays open for a later call
)

// ErrNoAnswer is returned by calls hit by LostRequest or LostAnswer.
var ErrNoAnswer = errors.New("memfunds: no answer from the ledger (injected)")

// Ledger is an in-memory implementation of engine.Funds. The zero value is
// not usable; call New. All methods are safe for concurrent use.
type Ledger struct {
	mu       sync.Mutex
	balances map[string]map[string]int64 // user -> currency -> minor units
	tokens   map[string]string           // agreement access token -> user
	codes    map[string]string           // payment code -> user
	used     map[string]bool             // payment codes spent
	ops      map[string]op               // operation id -> what happened
	holds    map[string]*hold            // hold (its operation id) -> what it has left

	// Now, when set, stamps each applied operation (FundsResult.At), so the
	// engine can tell when money moved even if it learns it late.
	Now func() time.Time

	// Inject, when set, decides a fault for each Debit, Credit, Hold,
	// Capture and Release call (kind is "debit", "credit", "hold",
	// "capture" or "release"). It is called with the ledger locked and
	// must not call the ledger.
	Inject func(kind string, req engine.FundsRequest) Fault
}

type op struct {
	kind   string
	user   string
	amount engine.Money
	result engine.FundsResult
}

// hold is money set aside on a user: Amount held, Captured of it taken
// for the merchant, the rest given back when Released.
type hold struct {
	user     string
	currency string
	amount   int64
	captured int64
	released bool
}

var (
	_ engine.Funds = (*Ledger)(nil)
	_ engine.Holds = (*Ledger)(nil)
)

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{
		balances: map[string]map[string]int64{}, tokens: map[string]string{},
		codes: map[string]string{}, used: map[string]bool{}, ops: map[string]op{},
		holds: map[string]*hold{},
	}
}

// SetBalance sets a user's balance in one currency, creating the user.
func (l *Ledger) SetBalance(user, currency string, minor int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.balances[user] == nil {
		l.balances[user] = map[string]int64{}
	}
	l.balances[user][currency] = minor
}

// Balance returns a user's balance in one currency (0 for unknown users).
func (l *Ledger) Balance(user, currency string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[user][currency]
}

// AddAccessToken lets token identify user in agreement payments.
func (l *Ledger) AddAccessToken(token, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens[token] = user
}

// AddPaymentCode lets code identify user once in payment-code payments.
func (l *Ledger) AddPaymentCode(code, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.codes[code] = user
}

// Held returns what a user has on hold in one currency: held by holds not
// released, minus what was captured from them.
func (l *Ledger) Held(user, currency string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sum int64
	for _, h := range l.holds {
		if h.user == user && h.currency == currency && !h.released {
			sum += h.amount - h.captured
		}
	}
	return sum
}

// HoldState returns what hold holdID (the Hold's operation id) holds,
// what was captured from it and whether it was released; ok is false for
// a hold never placed.
func (l *Ledger) HoldState(holdID string) (amount, captured int64, released, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.holds[holdID]
	if !ok {
		return 0, 0, false, false
	}
	return h.amount, h.captured, h.released, true
}

// Applied returns the user and the net minor units the ledger moved out
// of the user's reach for an operation id: positive for an applied debit
// or hold, negative for an applied credit or release (what it gave back),
// 0 for a capture (the money was already held) and when the operation was
// declined, fenced or never seen.
func (l *Ledger) Applied(operationID string) (user string, net int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.ops[operationID]
	if !ok || o.result.Status != engine.FundsSucceeded {
		return "", 0
	}
	switch o.kind {
	case "credit", "release":
		return o.user, -o.amount.Minor
	case "capture":
		return o.user, 0
	}
	return o.user, o.amount.Minor
}

// Hold implements engine.Holds.
func (l *Ledger) Hold(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.move(ctx, "hold", req)
}

// Capture implements engine.Holds.
func (l *Ledger) Capture(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.move(ctx, "capture", req)
}

// Release implements engine.Holds. The operation records what the release
// actually gave back, whatever req.Amount says.
func (l *Ledger) Release(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.move(ctx, "release", req)
}

// Debit implements engine.Funds.
func (l *Ledger) Debit(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.move(ctx, "debit", req)
}

// Credit implements engine.Funds.
func (l *Ledger) Credit(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.move(ctx, "credit", req)
}

// Evaluate implements engine.Evaluator: whether a debit could succeed now.
func (l *Ledger) Evaluate(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	if err := ctx.Err(); err != nil {
		return engine.FundsResult{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	user, res := l.payer(req)
	if res.Status == engine.FundsDeclined {
		return res, nil
	}
	if l.balances[user][req.Amount.Currency] < req.Amount.Minor {
		return declined(engine.CodeBalanceNotEnough, "balance too low"), nil
	}
	return engine.FundsResult{Status: engine.FundsSucceeded, UserID: user}, nil
}

// Inquire implements engine.Funds. An id never applied is answered
// declined and fenced: later calls with it are declined too.
func (l *Ledger) Inquire(ctx context.Context, operationID string) (engine.FundsResult, error) {
	if err := ctx.Err(); err != nil {
		return engine.FundsResult{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, ok := l.ops[operationID]; ok {
		return o.result, nil
	}
	res := declined(engine.CodeProcessFail, "operation never applied")
	l.ops[operationID] = op{kind: "fenced", result: res}
	return res, nil
}

func (l *Ledger) move(ctx context.Context, kind string, req engine.FundsRequest) (engine.FundsResult, error) {
	if err := ctx.Err(); err != nil {
		return engine.FundsResult{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, ok := l.ops[req.OperationID]; ok {
		return o.result, nil // at most once: repeat the recorded answer
	}
	fault := NoFault
	if l.Inject != nil {
		fault = l.Inject(kind, req)
	}
	switch fault {
	case LostRequest:
		return engine.FundsResult{}, ErrNoAnswer
	case HoldAsUnknown:
		return engine.FundsResult{Status: engine.FundsUnknown}, nil
	}
	res := l.apply(kind, req)
	if fault == LostAnswer {
		return engine.FundsResult{}, ErrNoAnswer
	}
	return res, nil
}

// apply performs one operation and records its result under its id.
func (l *Ledger) apply(kind string, req engine.FundsRequest) engine.FundsResult {
	switch kind {
	case "capture", "release":
		return l.applyToHold(kind, req)
	}
	user, res := req.UserID, engine.FundsResult{}
	if kind == "debit" || kind == "hold" {
		user, res = l.payer(req)
	} else if l.balances[user] == nil {
		res = declined(engine.CodeUserNotExist, "no such user")
	}
	if res.Status != engine.FundsDeclined {
		bal := l.balances[user]
		switch {
		case kind != "credit" && bal[req.Amount.Currency] < req.Amount.Minor:
			res = declined(engine.CodeBalanceNotEnough, "balance too low")
		case kind != "credit":
			bal[req.Amount.Currency] -= req.Amount.Minor
			if kind == "hold" {
				l.holds[req.OperationID] = &hold{user: user, currency: req.Amount.Currency, amount: req.Amount.Minor}
			}
			if req.Scenario == engine.ScenarioPaymentCode {
				l.used[req.AuthCode] = true
			}
			res = engine.FundsResult{Status: engine.FundsSucceeded, UserID: user}
		default:
			bal[req.Amount.Currency] += req.Amount.Minor
			res = engine.FundsResult{Status: engine.FundsSucceeded, UserID: user}
		}
	}
	if res.Status == engine.FundsSucceeded && l.Now != nil {
		res.At = l.Now()
	}
	l.ops[req.OperationID] = op{kind: kind, user: user, amount: req.Amount, result: res}
	return res
}

// applyToHold captures from or releases a hold and records the result.
func (l *Ledger) applyToHold(kind string, req engine.FundsRequest) engine.FundsResult {
	h := l.holds[req.HoldID]
	var res engine.FundsResult
	amount := req.Amount
	switch {
	case h == nil:
		res = declined(engine.CodeProcessFail, "no such hold")
	case h.released && kind == "release":
		amount = engine.Money{Currency: h.currency} // nothing left to give back
		res = engine.FundsResult{Status: engine.FundsSucceeded, UserID: h.user}
	case h.released:
		res = declined(engine.CodeProcessFail, "hold already released")
	case kind == "capture" && (req.Amount.Currency != h.currency || req.Amount.Minor > h.amount-h.captured):
		res = declined(engine.CodeProcessFail, "capture exceeds what the hold has left")
	case kind == "capture":
		h.captured += req.Amount.Minor
		res = engine.FundsResult{Status: engine.FundsSucceeded, UserID: h.user}
	default:
		left := h.amount - h.captured
		l.balances[h.user][h.currency] += left
		h.released = true
		amount = engine.Money{Currency: h.currency, Minor: left}
		res = engine.FundsResult{Status: engine.FundsSucceeded, UserID: h.user}
	}
	if res.Status == engine.FundsSucceeded && l.Now != nil {
		res.At = l.Now()
	}
	user := ""
	if h != nil {
		user = h.user
	}
	l.ops[req.OperationID] = op{kind: kind, user: user, amount: amount, result: res}
	return res
}

// payer resolves who pays a debit or a hold.
func (l *Ledger) payer(req engine.FundsRequest) (string, engine.FundsResult) {
	if req.Scenario == engine.ScenarioEvaluation && req.UserID == "" {
		// An evaluation names its payer by whichever auth code it carries.
		if user, ok := l.tokens[req.AuthCode]; ok {
			return user, engine.FundsResult{}
		}
		if user, ok := l.codes[req.AuthCode]; ok && !l.used[req.AuthCode] {
			return user, engine.FundsResult{}
		}
		return "", declined(engine.CodeInvalidCode, "unknown access token or payment code")
	}
	switch req.Scenario {
	case engine.ScenarioAgreement:
		user, ok := l.tokens[req.AuthCode]
		if !ok {
			return "", declined(engine.CodeInvalidAccessToken, "unknown access token")
		}
		return user, engine.FundsResult{}
	case engine.ScenarioPaymentCode:
		user, ok := l.codes[req.AuthCode]
		if !ok {
			return "", declined(engine.CodeInvalidCode, "unknown payment code")
		}
		if l.used[req.AuthCode] {
			return "", declined(engine.CodeAuthCodeAlreadyUsed, "payment code already used")
		}
		return user, engine.FundsResult{}
	}
	if l.balances[req.UserID] == nil {
		return "", declined(engine.CodeUserNotExist, "no such user")
	}
	return req.UserID, engine.FundsResult{}
}

func declined(code engine.Code, msg string) engine.FundsResult {
	return engine.FundsResult{Status: engine.FundsDeclined, Reason: code, Message: msg}
}

var _ engine.PayerResolver = (*Ledger)(nil)

// Payer implements engine.PayerResolver: the user an agreement access token
// or a payment code (spent or not) names, "" for an unknown one or another
// scenario.
func (l *Ledger) Payer(ctx context.Context, req engine.FundsRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch req.Scenario {
	case engine.ScenarioAgreement:
		return l.tokens[req.AuthCode], nil
	case engine.ScenarioPaymentCode:
		return l.codes[req.AuthCode], nil
	}
	return "", nil
}
