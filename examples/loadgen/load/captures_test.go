package load

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// checkCaptures catches every way a wallet's inquiry could break what its
// capture answers promised, and stays quiet when it keeps them.
func TestCheckCapturesHoldsTheListToTheAnswers(t *testing.T) {
	listed := func(request, status string, amount int64) wire.Transaction {
		return wire.Transaction{TransactionType: wire.TransactionTypeCapture, TransactionRequestID: request,
			TransactionStatus: status, TransactionAmount: &wire.Amount{Currency: "USD", Value: fmt.Sprint(amount)}}
	}
	auth := &payment{id: "p", amount: 100, authorization: true, captures: []*capture{
		{requestID: "c1", amount: 60, outcome: succeeded},
		{requestID: "c2", amount: 41, over: true, outcome: refused, code: wire.CodeCaptureAmountExceedAuthLimit},
		{requestID: "c3", amount: 40, last: true, outcome: unknown},
	}}
	cases := []struct {
		name     string
		listed   []wire.Transaction
		problems int
		captured int64
	}{
		{"as answered, the unknown one done", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 60), listed("c3", wire.TransactionStatusSuccess, 40)}, 0, 100},
		{"as answered, the unknown one not done", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 60)}, 0, 60},
		{"an acknowledged capture missing", []wire.Transaction{listed("c3", wire.TransactionStatusSuccess, 40)}, 1, 40},
		{"an acknowledged capture failed", []wire.Transaction{listed("c1", wire.TransactionStatusFail, 60)}, 1, 0},
		{"an acknowledged capture of another amount", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 59)}, 1, 59},
		{"a refused capture done", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 60), listed("c2", wire.TransactionStatusSuccess, 41)}, 2, 101},
		{"a refused capture still in process", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 60), listed("c2", wire.TransactionStatusProcessing, 41)}, 1, 60},
		{"a capture never sent", []wire.Transaction{listed("c1", wire.TransactionStatusSuccess, 60), listed("c9", wire.TransactionStatusSuccess, 30)}, 1, 90},
	}
	for _, tc := range cases {
		var problems []string
		captured := checkCaptures(auth, tc.listed, func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) })
		assert.Len(t, problems, tc.problems, "%s: %v", tc.name, problems)
		assert.Equal(t, tc.captured, captured, tc.name)
	}
}
