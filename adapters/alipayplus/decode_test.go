package alipayplus

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

func TestDecoderKeepsTheFirstProblem(t *testing.T) {
	d, root := decodeBody([]byte(`{"a":1,"b":"x"}`))
	root.str("a", 10, true) // wrong type: the first problem
	root.str("c", 10, true) // missing: not reported over the first
	if d.err == nil || d.err.field != "a" {
		t.Fatalf("err %+v", d.err)
	}
	if got := root.str("b", 10, true); got != "" {
		t.Fatalf("reads after a problem return zero values, got %q", got)
	}
}

func TestDecoderCountsCharactersNotBytes(t *testing.T) {
	d, root := decodeBody([]byte(`{"t":"` + string([]rune{'日', '本', '語'}) + `"}`))
	if got := root.str("t", 3, true); got != "日本語" || d.err != nil {
		t.Fatalf("got %q, err %+v", got, d.err)
	}
}

func TestDecoderBooleans(t *testing.T) {
	d, root := decodeBody([]byte(`{"a":true,"b":"true","c":false,"d":"false","e":null}`))
	if !root.boolean("a") || !root.boolean("b") || root.boolean("c") || root.boolean("d") || root.boolean("e") || root.boolean("missing") {
		t.Fatal("booleans misread")
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	for _, bad := range []string{`"TRUE"`, `1`, `"1"`, `"yes"`, `{}`} {
		d, root := decodeBody([]byte(`{"f":` + bad + `}`))
		root.boolean("f")
		if d.err == nil || d.err.field != "f" {
			t.Errorf("%s accepted as a boolean", bad)
		}
	}
}

// FuzzEndpoints feeds arbitrary bodies to every endpoint in every profile
// (as the transport would after the signature checked out): no panic, and
// always an answer with a result the spec knows.
func FuzzEndpoints(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*_request.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"partnerId":"P000000000000001xxxx"}`,
		`{"partnerId":"P000000000000001xxxx","paymentRequestId":"r","paymentOrderTitle":"t","paymentAmount":{"currency":"USD","value":"1"}}`,
		`{"paymentAmount":{"currency":"USD","value":"1","value":"2"}}`,
		`{"paymentFactor":{"isAgreementPay":"true","isPaymentCode":true}}`,
		`{"partnerId":"P000000000000001xxxx","refundRequestId":"r","paymentId":"id-1","refundAmount":{"currency":"USD","value":"1"}}`,
		"{\"a\":\"\xff\"}", `{"order":{"orderAmount":{"currency":"JPY","value":"99999999999999999"}}}`,
	} {
		f.Add([]byte(s))
	}
	fx := newEPFixture(f, epOptions{})
	fx.payAndConfirm(f, miniPartner, "paid", "1000")
	partners := fx.h.cfg.Partners
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, e := range endpoints {
			name, ep := e.name, e.serve
			for i := range partners {
				answer := ep(fx.h, &call{ctx: context.Background(), partner: &partners[i], path: "/v1/payments/" + name, body: body})
				raw, err := json.Marshal(answer)
				if err != nil {
					t.Fatalf("%s: answer does not encode: %v", name, err)
				}
				var env struct {
					Result *wire.Result `json:"result"`
				}
				if err := json.Unmarshal(raw, &env); err != nil || env.Result == nil {
					t.Fatalf("%s: answer %s has no result", name, raw)
				}
				r := env.Result
				switch r.ResultStatus {
				case wire.StatusSuccess, wire.StatusFail, wire.StatusUnknown, wire.StatusAccepted:
				default:
					t.Fatalf("%s: status %q", name, r.ResultStatus)
				}
				if r.ResultCode == "" || r.ResultMessage == "" || utf8.RuneCountInString(r.ResultMessage) > 256 || !utf8.ValidString(r.ResultMessage) {
					t.Fatalf("%s: result %+v", name, r)
				}
				if r.ResultCode == wire.CodeUnknownException {
					t.Fatalf("%s: U UNKNOWN_EXCEPTION for body %q: %s", name, body, fx.logs.String())
				}
			}
		}
	})
}
