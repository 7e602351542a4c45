package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paystate/paystate/engine"
)

// TestSeedSamples sends each seed's sample request as it is (signed) to the
// real handler and compares the answer with the seed's sample response,
// ids, times and resultMessage aside; the answer itself, exact (the
// fixture's clock and ids are fixed), is kept as a golden file under
// testdata/golden.
func TestSeedSamples(t *testing.T) {
	tests := []struct {
		seed, name string
		partner    string
		path       string
		cashierURL string   // the sample response's redirect URL
		presetIDs  []string // ids the engine hands out first
		// unsent are members of the sample response the wallet leaves out
		// on purpose, and answered members it answers differently, by
		// dotted path (docs/decisions.md says why).
		unsent   []string
		answered map[string]any
		// added are members the wallet answers that the sample response
		// leaves out although the seed's field table lists them.
		added map[string]any
		setup func(t *testing.T, f *epFixture)
	}{
		{
			seed: "000", name: "pay", partner: miniPartner, path: pathPay,
			cashierURL: "http://www.merchant.com/cashier?orderId=xxxxxxx",
			// The field table returns extendInfo, the sample shows none;
			// the wallet returns the request's, kept as given (decision 71).
			added: map[string]any{"extendInfo": `{"customerBelongsTo":"siteNameExample"}`},
		},
		{
			seed: "001", name: "pay", partner: enPartner, path: pathPay,
			cashierURL: "https://www.wallet.com/cashier?orderId=xxxxxxx",
			// The field table defines paymentTime as the success time; the
			// user has not paid yet (decision 63).
			unsent: []string{"paymentTime"},
			// The wallet's cashier page is shown by GET; POST is its own
			// form's action (decision 64).
			answered: map[string]any{"redirectActionForm.method": "GET"},
		},
		{
			seed: "002", name: "refund", partner: miniPartner, path: pathRefund,
			presetIDs: []string{"201911271907410100070000009999xxxx"},
			added:     map[string]any{"extendInfo": `{"customerBelongsTo":"siteNameExample"}`}, // as in 000
			setup: func(t *testing.T, f *epFixture) {
				// The sample refunds 100.00 USD of payment
				// 201911271907410100070000009999xxxx.
				p := f.payAndConfirm(t, miniPartner, "seed-002-payment", "10000")
				if p.ID != "201911271907410100070000009999xxxx" {
					t.Fatalf("setup payment id %s", p.ID)
				}
			},
		},
		{
			seed: "004", name: "pay", partner: antomPartner, path: antomPrefix + pathPay,
			cashierURL: "http://render-dev.site.alipay.net/p/h5_dev/hk-cashier-merchant-S907753718/www/index.html#/landing?pre_order_id=https://global",
		},
	}
	for _, tt := range tests {
		t.Run(tt.seed+"_"+tt.name, func(t *testing.T) {
			opt := epOptions{presetIDs: tt.presetIDs}
			if tt.cashierURL != "" {
				opt.cashierURL = func(string) string { return tt.cashierURL }
			}
			f := newEPFixture(t, opt)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			base := filepath.Join("testdata", "seeds", tt.seed+"_"+tt.name)
			req, err := os.ReadFile(base + "_request.json")
			if err != nil {
				t.Fatal(err)
			}
			sample, err := os.ReadFile(base + "_response.json")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := f.send(t, tt.partner, tt.path, req)
			sample = withMembers(t, withoutMembers(t, sample, tt.unsent), tt.answered, false)
			sample = withMembers(t, sample, tt.added, true)
			if g, w := canonical(t, got, true), canonical(t, sample, true); !bytes.Equal(g, w) {
				t.Errorf("answer does not match the seed's sample response (ids, times, messages aside):\ngot:\n%s\nwant:\n%s", g, w)
			}
			checkGolden(t, "seed_"+tt.seed+"_"+tt.name+".json", canonical(t, got, false))

			// The same request again is a repeat: same answer, nothing new.
			again, _ := f.send(t, tt.partner, tt.path, req)
			if !bytes.Equal(got, again) {
				t.Errorf("repeat answered differently:\nfirst: %s\nagain: %s", got, again)
			}
		})
	}
}

// TestSeedSamplesStoreWhatTheySay checks what the engine recorded for the
// seeds' pay samples: amounts in minor units, the order kept as given, the
// scenario and the notify URL.
func TestSeedSamplesStoreWhatTheySay(t *testing.T) {
	tests := []struct {
		seed, partner, path, requestID string
		scenario                       engine.Scenario
		amount                         engine.Money
		title, notifyURL               string
	}{
		{"000", miniPartner, pathPay, "2019112719074101000700000077771xxxx", engine.ScenarioCashier,
			engine.Money{Currency: "USD", Minor: 10000}, "SHOES", "https://www.merchant.com/paymentNotifyxxx"},
		{"001", enPartner, pathPay, "2019112719074101000700000077771xxxx", engine.ScenarioCashier,
			engine.Money{Currency: "CLP", Minor: 2000}, "iphone details", "http://alipayplusmerchant.com/api/v1/payments/paymentNotify.htm"},
		{"004", antomPartner, antomPrefix + pathPay, "10277574507XXXX", engine.ScenarioEntryCode,
			engine.Money{Currency: "USD", Minor: 10}, "Mi Band 3 金属无螺丝不锈钢腕带 专为小米Mi Band 3设计",
			"http://xmock.inc.alipay.net/api/Ipay/globalSite/automtion/paymentNotify.htm"},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			f := newEPFixture(t, epOptions{})
			req, err := os.ReadFile(filepath.Join("testdata", "seeds", tt.seed+"_pay_request.json"))
			if err != nil {
				t.Fatal(err)
			}
			f.send(t, tt.partner, tt.path, req)
			p, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: tt.partner, RequestID: tt.requestID})
			if err != nil {
				t.Fatal(err)
			}
			if p.State != engine.PaymentAccept || p.Scenario != tt.scenario || p.Amount != tt.amount ||
				p.OrderTitle != tt.title || p.NotifyURL != tt.notifyURL {
				t.Errorf("stored %s %s %v title %q notify %q", p.State, p.Scenario, p.Amount, p.OrderTitle, p.NotifyURL)
			}
			if len(p.OrderData) == 0 {
				t.Error("order data not kept")
			}
		})
	}
}

// withoutMembers returns the JSON object raw without the named top-level
// members.
func withoutMembers(t *testing.T, raw []byte, names []string) []byte {
	t.Helper()
	if len(names) == 0 {
		return raw
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, ok := m[n]; !ok {
			t.Fatalf("the sample has no member %q to leave out", n)
		}
		delete(m, n)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withMembers returns the JSON object raw with the members at the dotted
// paths of values set to them; each must exist, or when add is true must not.
func withMembers(t *testing.T, raw []byte, values map[string]any, add bool) []byte {
	t.Helper()
	if len(values) == 0 {
		return raw
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for path, v := range values {
		obj, keys := m, strings.Split(path, ".")
		for _, k := range keys[:len(keys)-1] {
			next, ok := obj[k].(map[string]any)
			if !ok {
				t.Fatalf("the sample has no object %q on the way to %q", k, path)
			}
			obj = next
		}
		last := keys[len(keys)-1]
		if _, ok := obj[last]; ok == add {
			t.Fatalf("the sample has member %q: %v, want %v", path, ok, !add)
		}
		obj[last] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
