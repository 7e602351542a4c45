package shop

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// tokenField finds the cashier form's hidden token.
var tokenField = regexp.MustCompile(`<input type="hidden" name="token" value="([^"]*)">`)

// ErrNoPayForm is PayOnCashier's error for a cashier page (answered 200)
// that shows no pay form.
var ErrNoPayForm = errors.New("the cashier page has no pay form")

// CashierStatusError is an answer of the cashier page other than the one
// a successful step gives: 402 (declined, still payable), 409 (not
// payable), 202 (the ledger has not answered yet), 403, 404, ...
type CashierStatusError struct {
	Method, URL string
	Status      int
}

func (e *CashierStatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.Status)
}

// PayOnCashier does what the user's browser does on the wallet's cashier
// page (the redirection URL of a cashier pay): it loads the page and
// presses Pay (posts the form with its token). Once the wallet answers
// that the payment is paid, it returns where the wallet sends the user:
// the payment's return URL (the 303's Location, not followed), or pageURL
// when the wallet shows its own result page. The demo and the load
// generator use it to play the user.
func PayOnCashier(ctx context.Context, pageURL string) (string, error) {
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return "", err
	}
	status, page, _, err := fetch(client, req)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", &CashierStatusError{Method: req.Method, URL: pageURL, Status: status}
	}
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("GET %s: %w", pageURL, ErrNoPayForm)
	}
	form := url.Values{"action": {"pay"}, "token": {html.UnescapeString(m[1])}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, pageURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// What a browser sends with a form posted from the page itself.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	status, _, location, err := fetch(client, req)
	switch {
	case err != nil:
		return "", err
	case status == http.StatusSeeOther && location != "":
		return location, nil
	case status == http.StatusOK:
		return pageURL, nil
	}
	return "", &CashierStatusError{Method: req.Method, URL: pageURL, Status: status}
}

// fetch sends req and returns the status, body and Location of the answer.
func fetch(client *http.Client, req *http.Request) (status int, body, location string, err error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, "", "", err
	}
	return resp.StatusCode, string(b), resp.Header.Get("Location"), nil
}
