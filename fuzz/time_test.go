package fuzz

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// maxTimeText is the longest paymentExpiryTime the adapter reads (its
// decoder's limit for time fields).
const maxTimeText = 64

// FuzzTime checks the adapter's two ISO 8601 readers on arbitrary text:
// `go test -fuzz FuzzTime ./fuzz/`.
//
// wire.ParseTime (Request-Time, Response-Time) never panics; epoch
// milliseconds are 12 to 14 digits and read exactly; ISO 8601 reads as
// time.RFC3339Nano does; and whatever it reads, FormatTime (Response-Time
// and answer times) writes back to the same second.
//
// paymentExpiryTime in an otherwise valid pay is refused with F
// PARAM_ILLEGAL naming it exactly when it is not RFC 3339 text of at most
// maxTimeText characters for an instant in the next 7 days
// (checkExpiryTime).
func FuzzTime(f *testing.F) {
	for _, s := range []string{
		"2019-04-04T12:08:56.253+05:30", "2026-05-06T07:08:09Z", "2026-05-06T08:08:09+01:00",
		"2026-05-06T07:08:09.123456789Z", "2026-05-06T07:08:09", "2026-05-06 07:08:09Z",
		"1685599933871", "99999999999999", "100000000000", "168559993387", "1685599933", "0",
		"0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-23:59", "2026-02-30T00:00:00Z",
		"2026-05-06T24:00:00Z", "2026-05-06T07:08:09+24:00", "yesterday", "",
		"2026-05-07T07:08:09Z", "2026-05-13T07:08:09Z", "2026-05-13T07:08:09.000000001Z", "0001-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	w := newWallet(f)
	n := 0
	f.Fuzz(func(t *testing.T, s string) {
		checkRequestTime(t, s)
		n++
		checkExpiryTime(t, w, s, "expiry-"+strconv.Itoa(n))
	})
}

// checkRequestTime checks wire.ParseTime and wire.FormatTime on s.
func checkRequestTime(t *testing.T, s string) {
	got, err := wire.ParseTime(s)
	if err != nil {
		return
	}
	if isDigits(s) {
		ms, perr := strconv.ParseInt(s, 10, 64)
		if len(s) < 12 || len(s) > 14 || perr != nil || got.UnixMilli() != ms {
			t.Fatalf("%q read as epoch milliseconds %d (%v)", s, got.UnixMilli(), got)
		}
	} else if want, perr := time.Parse(time.RFC3339Nano, s); perr != nil || !want.Equal(got) {
		t.Fatalf("%q read as %v; time.RFC3339Nano reads %v (%v)", s, got, want, perr)
	}
	formatted := wire.FormatTime(got)
	again, err := wire.ParseTime(formatted)
	if err != nil || !again.Equal(got.Truncate(time.Second)) {
		t.Fatalf("%q read as %v, written as %q, read back as %v (%v)", s, got, formatted, again, err)
	}
}

// checkExpiryTime checks paymentExpiryTime s (as JSON text: invalid UTF-8
// arrives as U+FFFD) in the two layers that judge it, without the
// handler's RSA work (decision 95): the adapter's decoder
// (alipayplus.CheckBody on an otherwise valid cashier pay) passes it
// exactly when it is empty or RFC 3339 text of at most maxTimeText
// characters for an instant after Go's zero time, and refuses it otherwise with F PARAM_ILLEGAL naming
// paymentExpiryTime; the engine then creates the payment exactly when the
// instant is after the wallet's clock and at most its default MaxExpiry (7
// days) later, and refuses it otherwise with CodeParamIllegal on
// FieldExpiresAt (which the handler words as paymentExpiryTime).
func checkExpiryTime(t *testing.T, w *wallet, s, requestID string) {
	quoted, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var sent string // what the handler decodes
	if err := json.Unmarshal(quoted, &sent); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"partnerId":"` + miniPartner + `","paymentRequestId":"` + requestID + `","paymentOrderTitle":"t",` +
		`"paymentAmount":{"currency":"USD","value":"100"},"paymentFactor":{"isCashierPayment":true},"paymentExpiryTime":` + string(quoted) + `}`)
	res, passed, err := alipayplus.CheckBody(alipayplus.ProfileMiniProgramV1, miniPartner, "pay", body)
	if err != nil {
		t.Fatal(err)
	}
	at, perr := time.Parse(time.RFC3339Nano, sent)
	readable := sent == "" || perr == nil && at.After(time.Time{}) && utf8.RuneCountInString(sent) <= maxTimeText
	if passed != readable || !passed && (res.ResultCode != wire.CodeParamIllegal || !strings.HasPrefix(res.ResultMessage, "paymentExpiryTime")) {
		t.Fatalf("paymentExpiryTime %q (readable: %v) decoded as passed=%v %+v", sent, readable, passed, res)
	}
	if !passed {
		return
	}
	p, err := w.eng.Pay(context.Background(), engine.PayRequest{
		PartnerID: miniPartner, RequestID: requestID, Scenario: engine.ScenarioCashier, OrderTitle: "t",
		Amount: engine.Money{Currency: "USD", Minor: 100}, ExpiresAt: at,
	})
	accept := sent == "" || at.After(w.now) && !at.After(w.now.Add(7*24*time.Hour))
	var ee *engine.Error
	refused := errors.As(err, &ee) && ee.Code == engine.CodeParamIllegal && ee.Field == engine.FieldExpiresAt
	if accepted := err == nil && p.State == engine.PaymentAccept; accepted != accept || !accept && !refused {
		t.Fatalf("paymentExpiryTime %q (want accepted: %v) gave %+v, %v", sent, accept, p, err)
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
