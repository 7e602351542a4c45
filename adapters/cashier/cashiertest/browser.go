// Package cashiertest drives the cashier page in a real browser (headless
// Chromium through chromedp), for the cashier's own tests and for wallets
// that test their integration of it.
package cashiertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Phone is the viewport the browser emulates: a phone held upright, as a
// mini program's web view.
const (
	PhoneWidth  = 390
	PhoneHeight = 844
	PhoneScale  = 2
)

// Chromium returns the path of a Chromium binary. Without one it skips
// the test, except under CI=true, where it fails it: CI installs Debian's
// chromium, so a browser test there always runs.
func Chromium(t testing.TB) string {
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

// Browser starts headless Chromium at path (without its sandbox, which
// needs a non-root user) with a phone-sized viewport, for the length of
// the test and at most one minute. The context it returns drives the
// browser's one tab.
func Browser(t testing.TB, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.WindowSize(PhoneWidth, PhoneHeight),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	require.NoError(t, chromedp.Do(browserCtx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateScale(PhoneScale))))
	return browserCtx
}

// WatchLog collects the errors and warnings the browser logs for its
// pages (a style sheet or a form target the Content-Security-Policy
// blocked shows up there) and returns a function that reports them so far.
func WatchLog(t testing.TB, ctx context.Context) func() []string {
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
