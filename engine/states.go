package engine

// PaymentState is where a payment is in its life. The zero value PaymentNew
// is the pseudo-state before creation; it is never stored.
type PaymentState uint8

// The payment states.
const (
	PaymentNew        PaymentState = iota // not created yet (pseudo-state)
	PaymentInit                           // a debit is in flight; outcome not known yet
	PaymentAccept                         // waiting for the user (cashier page, order code, entry code)
	PaymentAuthorized                     // an authorization payment's hold is placed: captures take money from it
	PaymentSuccess                        // paid; refunds may run against it
	PaymentFail                           // final: will never be paid
	PaymentClosed                         // final: cancelled or expired before success
	paymentStateCount
)

var paymentStateNames = [paymentStateCount]string{"NEW", "INIT", "ACCEPT", "AUTHORIZED", "SUCCESS", "FAIL", "CLOSED"}

// String returns the state's stored name, e.g. "ACCEPT".
func (s PaymentState) String() string { return enumName(paymentStateNames[:], int(s)) }

// Final reports whether no transition leaves s (FAIL and CLOSED).
func (s PaymentState) Final() bool { return s == PaymentFail || s == PaymentClosed }

// RefundState is where a refund is in its life. RefundNew is the
// pseudo-state before creation; it is never stored.
type RefundState uint8

// The refund states.
const (
	RefundNew     RefundState = iota // not created yet (pseudo-state)
	RefundInit                       // the credit back to the user is in flight
	RefundSuccess                    // the user has the money back
	RefundFail                       // final: nothing was credited
	refundStateCount
)

var refundStateNames = [refundStateCount]string{"NEW", "INIT", "SUCCESS", "FAIL"}

// String returns the state's stored name, e.g. "SUCCESS".
func (s RefundState) String() string { return enumName(refundStateNames[:], int(s)) }

// CaptureState is where a capture from an authorization is in its life.
// CaptureNew is the pseudo-state before creation; it is never stored.
type CaptureState uint8

// The capture states.
const (
	CaptureNew     CaptureState = iota // not created yet (pseudo-state)
	CaptureInit                        // the capture from the hold is in flight
	CaptureSuccess                     // the money moved from the hold to the merchant
	CaptureFail                        // final: nothing was captured
	captureStateCount
)

var captureStateNames = [captureStateCount]string{"NEW", "INIT", "SUCCESS", "FAIL"}

// String returns the state's stored name, e.g. "SUCCESS".
func (s CaptureState) String() string { return enumName(captureStateNames[:], int(s)) }

// Scenario is how the user pays, chosen by the merchant's request.
type Scenario uint8

// The payment scenarios.
const (
	ScenarioCashier     Scenario = iota + 1 // redirect to the wallet's cashier page; user confirms there
	ScenarioAgreement                       // agreement (auto-debit) pay with the user's access token: debited at once
	ScenarioPaymentCode                     // merchant scans the user's payment code: debited at once
	ScenarioOrderCode                       // user scans a code that identifies the order, then confirms
	ScenarioEntryCode                       // user scans the merchant's entry code (Antom), then confirms
	ScenarioEvaluation                      // only checks whether a payment could succeed; nothing stored, no money moves
	scenarioCount
)

var scenarioNames = [scenarioCount]string{"", "CASHIER", "AGREEMENT", "PAYMENT_CODE", "ORDER_CODE", "ENTRY_CODE", "EVALUATION"}

// String returns the scenario's stored name, e.g. "PAYMENT_CODE".
func (s Scenario) String() string { return enumName(scenarioNames[:], int(s)) }

// Synchronous reports whether pay debits the user at once (agreement and
// payment code) instead of waiting for the user to confirm.
func (s Scenario) Synchronous() bool { return s == ScenarioAgreement || s == ScenarioPaymentCode }

// NeedsAuthCode reports whether the scenario identifies the payer by an
// auth code in the request (access token or payment code).
func (s Scenario) NeedsAuthCode() bool { return s.Synchronous() }

// ParseScenario returns the scenario named name, or false.
func ParseScenario(name string) (Scenario, bool) {
	i, ok := enumIndex(scenarioNames[:], name)
	return Scenario(i), ok && i > 0
}

func enumName(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return "UNKNOWN"
}

func enumIndex(names []string, name string) (int, bool) {
	for i, n := range names {
		if n == name {
			return i, true
		}
	}
	return 0, false
}
