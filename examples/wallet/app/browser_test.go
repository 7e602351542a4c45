package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/adapters/cashier/cashiertest"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// TestBrowserPayFromMerchantToReturnURL is the whole user journey in
// headless Chromium: the merchant's signed pay over HTTP, the wallet's
// cashier page at the redirection URL it answered, a tap on Pay, and the
// browser back on the merchant's return page with the money moved.
func TestBrowserPayFromMerchantToReturnURL(t *testing.T) {
	chromium := cashiertest.Chromium(t)
	w := start(t, demoDir(t))
	shopSite := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(rw, `<!doctype html><html lang="en"><title>Shop</title><main><h1 id="thanks">Thank you!</h1></main></html>`)
	}))
	t.Cleanup(shopSite.Close)
	returnURL := shopSite.URL + "/orders/7/done"

	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "browser-1", Title: "Two flat whites", Amount: usd(900), ReturnURL: returnURL})
	require.NoError(t, err)
	require.Equal(t, wire.StatusAccepted, pay.Result.ResultStatus, "%+v", pay.Result)

	ctx := cashiertest.Browser(t, chromium)
	problems := cashiertest.WatchLog(t, ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(pay.ActionForm.RedirectionURL),
		chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)),
	))
	heading, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	assert.Contains(t, heading, "Demo Coffee Roasters")
	assert.Contains(t, heading, "Two flat whites")
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NotEmpty(t, png)
	shot := filepath.Join(t.ArtifactDir(), "wallet-cashier.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value="pay"]`)),
		chromedp.WaitVisible(chromedp.ID("thanks")),
	), "the browser did not reach the merchant; it logged: %q", problems())
	location, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, returnURL, location)
	assert.Equal(t, int64(1_000_000-900), aliceUSD(t, w), "the cashier user paid")
	inq, err := w.merchant.InquirePayment(t.Context(), pay.PaymentID)
	require.NoError(t, err)
	assert.Equal(t, wire.PaymentStatusSuccess, inq.PaymentStatus)
	assert.Empty(t, problems(), "the browser reported problems")
}
