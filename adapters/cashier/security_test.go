package cashier_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
)

// TestPostNeedsToken: a POST without the page's token for this payment
// and this user is 403 and changes nothing, whatever its action.
func TestPostNeedsToken(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	other := f.order(t)
	otherToken := f.open(t, other)
	// Another wallet (another key) signs tokens nobody here accepts.
	foreign := newFixture(t, func(c *cashier.Config) { c.Key = []byte("another key of thirty-two bytes!") })
	foreignToken := foreign.open(t, foreign.order(t)) // the same payment id and user

	for name, form := range map[string]url.Values{
		"no token":            {"action": {"pay"}},
		"empty token":         {"action": {"pay"}, "token": {""}},
		"garbage token":       {"action": {"pay"}, "token": {"not-a-token"}},
		"other payment":       {"action": {"pay"}, "token": {otherToken}},
		"other key":           {"action": {"pay"}, "token": {foreignToken}},
		"cancel without":      {"action": {"cancel"}},
		"token in query only": nil,
	} {
		t.Run(name, func(t *testing.T) {
			path := f.handler.URL(p.ID)
			if form == nil {
				path += "?" + url.Values{"action": {"pay"}, "token": {f.open(t, p)}}.Encode()
			}
			w := f.post(path, form)
			require.Equal(t, http.StatusForbidden, w.Code)
			require.Contains(t, w.Body.String(), "<h1>This page has expired</h1>")
			require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
			require.EqualValues(t, startUSD, f.balance())
		})
	}
}

// TestTokenBoundToUser: a page shown to one signed-in user cannot be
// posted by another.
func TestTokenBoundToUser(t *testing.T) {
	f := newFixture(t, func(c *cashier.Config) {
		c.User = ""
		c.UserOf = func(r *http.Request) (string, error) {
			if u := r.Header.Get("X-Test-User"); u != "" {
				return u, nil
			}
			return "", errors.New("not signed in")
		}
	})
	f.ledger.SetBalance("bob", "USD", startUSD)
	p := f.order(t)
	as := func(u string, r *http.Request) *http.Request {
		if u != "" {
			r.Header.Set("X-Test-User", u)
		}
		return r
	}

	w := f.do(as("", httptest.NewRequest(http.MethodGet, f.handler.URL(p.ID), nil)))
	require.Equal(t, http.StatusUnauthorized, w.Code)
	require.Contains(t, w.Body.String(), "<h1>Sign in to pay</h1>")

	w = f.do(as("bob", httptest.NewRequest(http.MethodGet, f.handler.URL(p.ID), nil)))
	require.Equal(t, http.StatusOK, w.Code)
	bobs := formToken(t, w.Body.String())
	postAs := func(u string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, f.handler.URL(p.ID), strings.NewReader(url.Values{"action": {"pay"}, "token": {bobs}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return f.do(as(u, r))
	}
	require.Equal(t, http.StatusUnauthorized, postAs("").Code)
	require.Equal(t, http.StatusForbidden, postAs(user).Code)
	require.EqualValues(t, startUSD, f.balance())
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)

	require.Equal(t, http.StatusSeeOther, postAs("bob").Code)
	require.EqualValues(t, startUSD-1234, f.ledger.Balance("bob", "USD"))
	require.EqualValues(t, startUSD, f.balance())
}

// TestCrossOriginPostRefused: a browser's cross-site form post is refused
// even with a valid token.
func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	token := f.open(t, p)
	r := httptest.NewRequest(http.MethodPost, f.handler.URL(p.ID), strings.NewReader(url.Values{"action": {"pay"}, "token": {token}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, f.do(r).Code)
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
	require.EqualValues(t, startUSD, f.balance())
}

// TestUnknownPaymentAndPaths: ids the engine does not know, and paths that
// name no payment, are 404.
func TestUnknownPaymentAndPaths(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	for _, path := range []string{
		"/cashier/no-such-payment", "/cashier/", "/cashier/" + p.ID + "/more", "/elsewhere/" + p.ID,
		"/cashier/%2F" + p.ID, "/cashier/" + strings.Repeat("x", 65),
	} {
		w := f.get(path)
		require.Equal(t, http.StatusNotFound, w.Code, path)
		require.Contains(t, w.Body.String(), "<h1>Payment not found</h1>", path)
	}
}

// TestOtherMethodsNotAllowed: only GET, HEAD and POST are answered.
func TestOtherMethodsNotAllowed(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		w := f.do(httptest.NewRequest(m, f.handler.URL(p.ID), nil))
		require.Equal(t, http.StatusMethodNotAllowed, w.Code, m)
		require.Equal(t, "GET, HEAD, POST", w.Header().Get("Allow"))
	}
	require.Equal(t, http.StatusBadRequest, f.post(f.handler.URL(p.ID), url.Values{"action": {"refund"}, "token": {f.open(t, p)}}).Code)
	require.Equal(t, engine.PaymentAccept, f.payment(t, p.ID).State)
}

// TestSecurityHeaders: every answer allows no script, no framing and no
// caching, and tells the referrer nothing.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	p := f.order(t)
	answers := map[string]*httptest.ResponseRecorder{
		"page": f.get(f.handler.URL(p.ID)), "404": f.get("/cashier/nope"),
		"403": f.post(f.handler.URL(p.ID), nil), "redirect": f.submit(t, p, "pay"),
	}
	for name, w := range answers {
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'", name)
		require.Contains(t, csp, "frame-ancestors 'none'", name)
		require.Regexp(t, `style-src 'sha256-[A-Za-z0-9+/]+=*';`, csp, name)
		require.NotContains(t, csp, "script-src", name)
		require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), name)
		require.Equal(t, "no-referrer", h.Get("Referrer-Policy"), name)
		require.Equal(t, "no-store", h.Get("Cache-Control"), name)
		require.Equal(t, "DENY", h.Get("X-Frame-Options"), name)
	}
	require.Contains(t, answers["page"].Header().Get("Content-Security-Policy"), "form-action 'self' https://shop.example;")
}

// TestStyleHashMatchesPage: the CSP's hash is the hash of the page's one
// inline style sheet, so browsers apply it.
func TestStyleHashMatchesPage(t *testing.T) {
	f := newFixture(t)
	w := f.get(f.handler.URL(f.order(t).ID))
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(w.Body.String(), -1)
	require.Len(t, m, 1)
	sum := sha256.Sum256([]byte(m[0][1]))
	require.Contains(t, w.Header().Get("Content-Security-Policy"), "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	require.NotContains(t, w.Body.String(), "style=")
}
