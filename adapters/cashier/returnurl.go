package cashier

import (
	"net/url"
	"regexp"

	"github.com/paystate/paystate/engine"
)

// originHost is a host (and port) that can be written in a
// Content-Security-Policy source: a DNS name or an IPv4 address.
var originHost = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$`)

// backLink is where the user goes back to the merchant.
type backLink struct {
	URL    string // the payment's return URL; "" when it has none usable
	Origin string // its origin for form-action; "" when it cannot be redirected to
}

// returnLink checks the payment's return URL: only an absolute http or
// https URL without user info is linked to, and only one whose host a
// Content-Security-Policy can name (not an IPv6 literal, not a raw
// internationalised name) is redirected to, because browsers hold the
// redirect after a form post to the page's form-action.
func returnLink(p engine.Payment) backLink {
	u, err := url.Parse(p.ReturnURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return backLink{}
	}
	link := backLink{URL: u.String()}
	if originHost.MatchString(u.Host) {
		link.Origin = u.Scheme + "://" + u.Host
	}
	return link
}
