package shop

import (
	"context"
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

// PayOnCashier does what the user's browser does on the wallet's cashier
// page (the redirection URL of a cashier pay): it loads the page, presses
// Pay (posts the form with its token) and follows the wallet's redirect to
// the payment's return URL. It returns the URL the user lands on. The demo
// and the load generator use it to play the user.
func PayOnCashier(ctx context.Context, pageURL string) (string, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return "", err
	}
	page, err := fetch(client, req)
	if err != nil {
		return "", err
	}
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("GET %s: no pay form on the page", pageURL)
	}
	form := url.Values{"action": {"pay"}, "token": {html.UnescapeString(m[1])}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, pageURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// What a browser sends with a form posted from the page itself.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	landed := ""
	client.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		landed = r.URL.String()
		return nil
	}
	if _, err := fetch(client, req); err != nil {
		return "", err
	}
	if landed == "" {
		return "", fmt.Errorf("POST %s: paid, but no redirect to the return URL", pageURL)
	}
	return landed, nil
}

// fetch sends req and returns the body of a 200 answer.
func fetch(client *http.Client, req *http.Request) (string, error) {
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: HTTP %d", req.Method, req.URL, resp.StatusCode)
	}
	return string(body), nil
}
