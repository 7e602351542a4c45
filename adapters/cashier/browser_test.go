package cashier_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write the browser test's screenshot of the cashier page to docs/cashier.png")

// docsScreenshot is where -update-screenshot writes the cashier page.
const docsScreenshot = "../../docs/cashier.png"

// Phone-sized viewport for the browser test.
const (
	phoneWidth  = 390
	phoneHeight = 844
	phoneScale  = 2
)

// TestBrowserPay drives the real page in headless Chromium: a merchant
// (its own origin) sends the user to the cashier, the user taps Pay, and
// the browser lands on the merchant's return page with the payment paid.
// It skips without Chromium, except under CI=true, where it fails.
func TestBrowserPay(t *testing.T) {
	browser := findChromium(t)
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

	ctx := newBrowser(t, browser)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale))))
	problems := watchLog(t, ctx)
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

// findChromium returns the path of a Chromium binary, skipping the test
// when there is none, unless CI=true, where a missing browser fails it.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium binary on PATH, and CI=true: install Debian's chromium (.ci/run does)")
	}
	t.Skip("no Chromium binary on PATH (install Debian's chromium to run the browser test)")
	return ""
}

// newBrowser starts headless Chromium (without the sandbox, which needs
// a non-root user) for the length of the test, at most one minute.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.WindowSize(phoneWidth, phoneHeight),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	return browserCtx
}

// watchLog collects the errors and warnings the browser logs for the page
// (a style sheet or a form target the Content-Security-Policy blocked
// shows up there) and returns a function that reports them.
func watchLog(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	var mu sync.Mutex
	var seen []string
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if ev.Entry.Level != cdplog.EntryLevelError && ev.Entry.Level != cdplog.EntryLevelWarning {
				continue
			}
			if strings.Contains(ev.Entry.URL, "favicon.ico") {
				continue
			}
			mu.Lock()
			seen = append(seen, string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			mu.Unlock()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
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
