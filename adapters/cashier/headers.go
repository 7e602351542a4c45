package cashier

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// styleSource allows the page's one inline style sheet, by its hash.
var styleSource = "'sha256-" + base64.StdEncoding.EncodeToString(sha256Sum(pageCSS)) + "'"

// setSecurityHeaders sets the headers every answer carries. formTarget is
// the origin, besides the cashier's own, that the page's form may lead to
// (the merchant's return URL, reached by a redirect after the post); ""
// for none.
func setSecurityHeaders(h http.Header, formTarget string) {
	formAction := "'self'"
	if formTarget != "" {
		formAction += " " + formTarget
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+styleSource+
		"; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func sha256Sum(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}
