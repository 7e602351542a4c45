package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/paystate/paystate/engine"
)

// Kinds of ledger_operations rows.
const (
	kindDebit   = "debit"
	kindCredit  = "credit"
	kindHold    = "hold"
	kindCapture = "capture"
	kindRelease = "release"
	kindFenced  = "fenced" // an id Inquire asked about before any operation with it
)

// Statuses of ledger_operations rows.
const (
	statusPending   = "pending" // claimed, only inside the claiming transaction
	statusSucceeded = "succeeded"
	statusDeclined  = "declined"
)

// claim inserts the operation row of req, pending, unless the id already
// has one: claimed says whether this call owns the operation. In
// PostgreSQL a claim of an id that a concurrent transaction claimed waits
// for that transaction's end.
func (l *Ledger) claim(ctx context.Context, q conn, kind string, req engine.FundsRequest) (claimed bool, err error) {
	n, err := q.exec(ctx, l.q.claim, req.OperationID, kind, req.PaymentID, req.RefundID, req.UserID,
		req.Amount.Currency, req.Amount.Minor, statusPending, l.stamp(), req.HoldID, req.CaptureID)
	if err != nil {
		return false, fmt.Errorf("claim operation: %w", err)
	}
	return n == 1, nil
}

// record stores the outcome of a claimed operation, with the user it
// resolved if any, and stamps a success with the time it was applied, as
// every later answer will report it.
func (l *Ledger) record(ctx context.Context, q conn, operationID string, res *engine.FundsResult) error {
	at := l.stamp()
	status, reason := statusDeclined, res.Reason.String()
	if res.Status == engine.FundsSucceeded {
		status, reason = statusSucceeded, ""
		res.At = time.UnixMicro(at).UTC()
	}
	if _, err := q.exec(ctx, l.q.record, operationID, res.UserID, status, reason, res.Message, at); err != nil {
		return fmt.Errorf("record outcome: %w", err)
	}
	return nil
}

// recorded returns the answer stored for an operation id that has a row.
func (l *Ledger) recorded(ctx context.Context, q conn, operationID string) (engine.FundsResult, error) {
	var status, reason, message, user string
	var at int64
	if err := q.queryRow(ctx, l.q.find, operationID).Scan(&status, &reason, &message, &user, &at); err != nil {
		return engine.FundsResult{}, fmt.Errorf("read recorded outcome: %w", err)
	}
	switch status {
	case statusSucceeded:
		return engine.FundsResult{Status: engine.FundsSucceeded, UserID: user, At: time.UnixMicro(at).UTC()}, nil
	case statusDeclined:
		code, _ := engine.ParseCode(reason) // an unknown name reads as CodeProcessFail in the engine
		return engine.FundsResult{Status: engine.FundsDeclined, Reason: code, Message: message}, nil
	}
	return engine.FundsResult{}, fmt.Errorf("recorded outcome has status %q", status)
}

func succeeded(user string) engine.FundsResult {
	return engine.FundsResult{Status: engine.FundsSucceeded, UserID: user}
}

func declined(code engine.Code, msg string) engine.FundsResult {
	return engine.FundsResult{Status: engine.FundsDeclined, Reason: code, Message: msg}
}
