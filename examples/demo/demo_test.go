package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo tells the whole story, one line per step, in this order.
func TestDemoTellsTheWholeStory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out), "output so far:\n%s", out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`^• wallet listening on http://127\.0\.0\.1:\d+ \(SQLite store in a temporary folder\)$`,
		`^• merchant P000000000000001demo ready, notifyPayment endpoint http://127\.0\.0\.1:\d+/notify$`,
		`^• pay demo-order-1 USD 12\.50 -> A ACCEPT, payment (\w+), cashier http://127\.0\.0\.1:\d+/cashier/\w+$`,
		`^• the user paid on the cashier page and was sent back to http://127\.0\.0\.1:\d+/thanks$`,
		`^• notifyPayment received, signature verified: payment \w+ SUCCESS USD 1250 \(notification \S+\)$`,
		`^• refund demo-refund-1 USD 5\.00 -> S SUCCESS, refund \w+$`,
		`^• inquiryPayment -> S SUCCESS, paymentStatus SUCCESS$`,
		`^• refund demo-refund-2 USD 8\.00 \(only 7\.50 left\) -> F REFUND_AMOUNT_EXCEED$`,
		`^• refund demo-refund-1 repeated -> the same answer, refund \w+, nothing moved twice$`,
		`^• done: payment \w+ SUCCESS, demo-refund-1 counted once$`,
		`^• authorize demo-hotel-1 USD 80\.00 -> S SUCCESS \(authorized, held until \S+\), payment \w+$`,
		`^• capture demo-capture-1 USD 30\.00 \(last: false\) -> S SUCCESS, capture \w+$`,
		`^• capture demo-capture-2 USD 20\.00 \(last: true\) -> S SUCCESS, capture \w+$`,
		`^• inquiryPayment -> paymentStatus SUCCESS, USD 50\.00 captured in 2 parts, the other 30\.00 released to the user$`,
	}
	require.Len(t, lines, len(want), out.String())
	for i, pattern := range want {
		assert.Regexp(t, regexp.MustCompile(pattern), lines[i], "line %d", i+1)
	}
}
