package cashier_test

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/cashier/cashiertest"
	"github.com/paystate/paystate/engine"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write the browser test's screenshot of the cashier page to docs/cashier.png")

// docsScreenshot is where -update-screenshot writes the cashier page.
const docsScreenshot = "../../docs/cashier.png"

// TestBrowserPay drives the real page in headless Chromium: a merchant
// (its own origin) sends the user to the cashier, the user taps Pay, and
// the browser lands on the merchant's return page with the payment paid.
// It skips without Chromium, except under CI=true, where it fails.
func TestBrowserPay(t *testing.T) {
	browser := cashiertest.Chromium(t)
	f := newFixture(t)

	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>Shop</title><main><h1 id="back-at-shop">Back at the shop</h1></main></html>`)
	}))
	t.Cleanup(merchant.Close)
	mux := http.NewServeMux()
	mux.Handle(f.handler.Prefix(), f.handler)
	wallet := httptest.NewServer(mux)
	t.Cleanup(wallet.Close)

	returnURL := merchant.URL + "/orders/42/done"
	p := f.order(t, func(r *engine.PayRequest) { r.ReturnURL = returnURL })

	ctx := cashiertest.Browser(t, browser)
	problems := cashiertest.WatchLog(t, ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(wallet.URL+f.handler.URL(p.ID)),
		chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)),
	))
	// The style sheet applied (its CSP hash matched): tap-sized buttons.
	minHeight, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('button[value="pay"]')).minHeight`))
	require.NoError(t, err)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	saveScreenshot(t, png)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value="pay"]`)),
		chromedp.WaitVisible(chromedp.ID("back-at-shop")),
	), "the browser did not reach the merchant; it logged: %q", problems())
	location, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)

	require.Equal(t, "48px", minHeight)
	require.Equal(t, returnURL, location)
	got := f.payment(t, p.ID)
	require.Equal(t, engine.PaymentSuccess, got.State)
	require.EqualValues(t, startUSD-1234, f.balance())
	require.Empty(t, problems(), "the browser reported problems")
}

// saveScreenshot keeps the cashier page's screenshot in the test's
// artifact directory (kept with go test -artifacts), and in
// docs/cashier.png under -update-screenshot.
func saveScreenshot(t *testing.T, png []byte) {
	t.Helper()
	require.NotEmpty(t, png)
	out := filepath.Join(t.ArtifactDir(), "cashier.png")
	require.NoError(t, os.WriteFile(out, png, 0o644))
	t.Logf("screenshot: %s", out)
	if *updateScreenshot {
		require.NoError(t, os.WriteFile(docsScreenshot, png, 0o644))
		t.Logf("screenshot: %s", docsScreenshot)
	}
}
