package cashier_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
)

// TestPageShowsPayment: the page names the merchant and the order, shows
// the amount in major units, and offers Pay and Cancel in a plain form.
func TestPageShowsPayment(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	w := f.get(f.handler.URL(p.ID))
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	body := w.Body.String()
	for _, want := range []string{
		`<html lang="en">`, `<meta name="viewport" content="width=device-width, initial-scale=1">`,
		"<main", "<h1>", shopName, "Coffee beans, 250 g", "USD 12.34",
		`<form method="post"`,
		`<button type="submit" name="action" value="pay" class="button primary">Pay USD 12.34</button>`,
		`<button type="submit" name="action" value="cancel" class="button secondary">Cancel</button>`,
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, strings.ToLower(body), "<script")
	formToken(t, body)
}

// TestPageAmountInMajorUnits: the amount follows the currency's exponent.
func TestPageAmountInMajorUnits(t *testing.T) {
	f := newFixture(t)
	for currency, minor := range map[string]string{"JPY": "500", "KWD": "1050", "USD": "123456789"} {
		p := f.order(t, func(r *engine.PayRequest) {
			var err error
			r.Amount, err = engine.ParseMoney(currency, minor)
			require.NoError(t, err)
		})
		want := map[string]string{"JPY": "JPY 500", "KWD": "KWD 1.050", "USD": "USD 1,234,567.89"}[currency]
		require.Contains(t, f.get(f.handler.URL(p.ID)).Body.String(), "Pay "+want+"</button>")
	}
}

// TestPageWithoutMerchantNameShowsPartnerID: the partner id stands in
// for a merchant without a configured name, and a title for an order
// without one.
func TestPageWithoutMerchantNameShowsPartnerID(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, func(r *engine.PayRequest) { r.PartnerID, r.OrderTitle = "corner-store", "" })
	body := f.get(f.handler.URL(p.ID)).Body.String()
	require.Contains(t, body, `<span class="merchant">corner-store</span>`)
	require.Contains(t, body, "<dd>Payment to corner-store</dd>")
}

// TestPageEscapesHostileText: order titles and merchant names are text,
// never markup, on the pay page and on the result page.
func TestPageEscapesHostileText(t *testing.T) {
	const hostile = `</dd><script>alert("x")</script><img src=x onerror=alert(1)>'&`
	const escaped = "&lt;/dd&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"
	f := newFixture(t, func(c *cashier.Config) {
		c.MerchantName = func(string) string { return hostile }
	})
	p := f.order(t, func(r *engine.PayRequest) { r.OrderTitle, r.ReturnURL = hostile, "" })
	page := f.get(f.handler.URL(p.ID)).Body.String()
	result := f.submit(t, p, "pay")
	require.Equal(t, http.StatusOK, result.Code)
	for _, body := range []string{page, result.Body.String()} {
		require.NotContains(t, body, "<script")
		require.NotContains(t, body, "<img")
		require.Contains(t, body, escaped)
	}
}

// TestPageShowsFormatCharactersByCode: a title with Unicode format
// characters (a right-to-left override that would show "Tea 1.00" as
// "00.1 aeT", a hidden byte-order mark) shows them as visible codes on the
// pay page and the result page; emoji joined by U+200D stay joined.
func TestPageShowsFormatCharactersByCode(t *testing.T) {
	f := newFixture(t)
	p := f.order(t, func(r *engine.PayRequest) {
		r.OrderTitle, r.ReturnURL = "Tea \u202e1.00\u202c \ufeffx \U0001F469\u200d\U0001F4BB", ""
	})
	page := f.get(f.handler.URL(p.ID)).Body.String()
	result := f.submit(t, p, "pay")
	for _, body := range []string{page, result.Body.String()} {
		// html/template writes "+" as "&#43;": the browser shows [U+202E].
		require.Contains(t, body, "Tea [U&#43;202E]1.00[U&#43;202C] [U&#43;FEFF]x \U0001F469\u200d\U0001F4BB")
		require.NotContains(t, body, "\u202e")
	}
}
