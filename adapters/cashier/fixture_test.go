package cashier_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// Test data: alice pays shop's cashier payments from her USD balance.
const (
	user        = "alice"
	startUSD    = 100_00
	partner     = "shop"
	shopName    = "Blue Bottle Shop"
	shopReturn  = "https://shop.example/orders/1?paid=maybe"
	coffeeTitle = "Coffee beans, 250 g"
)

// testKey is a fixed form token key.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// fixture is an engine over memstore and a memfunds ledger on a fixed
// clock, with a cashier Handler in front of it.
type fixture struct {
	clock   *enginetest.Clock
	ledger  *memfunds.Ledger
	eng     *engine.Engine
	handler *cashier.Handler
	n       int // payments created
}

// newFixture builds a fixture; tweak, when given, changes the cashier
// Config before New.
func newFixture(t *testing.T, tweak ...func(*cashier.Config)) *fixture {
	t.Helper()
	f := &fixture{
		clock:  enginetest.NewClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)),
		ledger: memfunds.New(),
	}
	f.ledger.Now = f.clock.Now
	f.ledger.SetBalance(user, "USD", startUSD)
	var err error
	f.eng, err = engine.New(memstore.New(), f.ledger, engine.Config{Now: f.clock.Now, NewID: (&enginetest.IDs{Prefix: "pay-"}).Next})
	require.NoError(t, err)
	cfg := cashier.Config{
		Engine: f.eng, Key: testKey, User: user, Now: f.clock.Now,
		MerchantName: func(id string) string {
			if id == partner {
				return shopName
			}
			return ""
		},
	}
	for _, tw := range tweak {
		tw(&cfg)
	}
	f.handler, err = cashier.New(cfg)
	require.NoError(t, err)
	return f
}

// order is a cashier payment request: 12.34 USD for coffee beans,
// returning to shopReturn. change, when given, edits it.
func (f *fixture) order(t *testing.T, change ...func(*engine.PayRequest)) engine.Payment {
	t.Helper()
	f.n++
	amount, err := engine.ParseMoney("USD", "1234")
	require.NoError(t, err)
	req := engine.PayRequest{
		PartnerID: partner, RequestID: "order-" + strconv.Itoa(f.n), Scenario: engine.ScenarioCashier,
		Amount: amount, OrderTitle: coffeeTitle, ReturnURL: shopReturn,
	}
	for _, c := range change {
		c(&req)
	}
	p, err := f.eng.Pay(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, engine.PaymentAccept, p.State)
	return p
}

// payment returns a payment as the engine has it now.
func (f *fixture) payment(t *testing.T, id string) engine.Payment {
	t.Helper()
	p, err := f.eng.Payment(context.Background(), id)
	require.NoError(t, err)
	return p
}

// balance is alice's USD balance in cents.
func (f *fixture) balance() int64 { return f.ledger.Balance(user, "USD") }

// do serves one request.
func (f *fixture) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

// get serves GET path.
func (f *fixture) get(path string) *httptest.ResponseRecorder {
	return f.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post serves a form POST to path, as a browser sends it from the page
// itself.
func (f *fixture) post(path string, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return f.do(r)
}

// open GETs the payment's page and returns its form token.
func (f *fixture) open(t *testing.T, p engine.Payment) string {
	t.Helper()
	w := f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	return formToken(t, w.Body.String())
}

// submit opens the payment's page and posts its form with action.
func (f *fixture) submit(t *testing.T, p engine.Payment, action string) *httptest.ResponseRecorder {
	t.Helper()
	token := f.open(t, p)
	return f.post(f.handler.URL(p.ID), url.Values{"action": {action}, "token": {token}})
}

var tokenField = regexp.MustCompile(`<input type="hidden" name="token" value="([^"]+)">`)

// formToken returns the token of the form in a pay page.
func formToken(t *testing.T, body string) string {
	t.Helper()
	m := tokenField.FindStringSubmatch(body)
	require.NotNil(t, m, "no token in page:\n%s", body)
	return m[1]
}
