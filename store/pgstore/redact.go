package pgstore

import (
	"regexp"
	"strings"
)

// redacted replaces secrets in a redacted DSN.
const redacted = "xxxxx"

var (
	// keywordSecret matches password and sslpassword settings in a
	// keyword/value DSN (password=s3cret, password = 'it\'s'), and the
	// value of a quoted setting up to its closing quote.
	keywordSecret = regexp.MustCompile(`(?i)(^|\s)((?:ssl)?password\s*=\s*)('(?:\\.|[^'\\])*'?|(?:\\.|[^\s\\])*)`)
	// querySecret matches password and sslpassword parameters in the query
	// of a URL DSN.
	querySecret = regexp.MustCompile(`(?i)([?&](?:ssl)?password=)([^&#]*)`)
)

// RedactDSN returns dsn, a PostgreSQL connection string in URL form
// (postgres://user:password@host/db?password=...) or keyword/value form
// (host=db user=u password=...), with every password and sslpassword
// replaced by "xxxxx", so that it can be logged and put in errors. A DSN
// without secrets comes back unchanged.
func RedactDSN(dsn string) string {
	if scheme, rest, ok := strings.Cut(dsn, "://"); ok && isURLScheme(scheme) {
		return scheme + "://" + redactURLRest(rest)
	}
	return keywordSecret.ReplaceAllString(dsn, "${1}${2}"+redacted)
}

// isURLScheme says whether s is a URL scheme (letters, digits, + - .).
func isURLScheme(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '+', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}

// redactURLRest redacts the part of a URL DSN after "scheme://": the
// password of the user info and password parameters of the query.
func redactURLRest(rest string) string {
	// As net/url reads it, the authority ends at the first '/', '?' or '#'
	// and the user info at its last '@'. When the authority holds no '@'
	// but the rest does, the password itself holds an unescaped '/', '?'
	// or '#': redact up to the last '@' of the whole DSN rather than leak.
	at := -1
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		at = strings.LastIndex(rest[:end], "@")
	}
	if at < 0 {
		at = strings.LastIndex(rest, "@")
	}
	if at >= 0 {
		if colon := strings.Index(rest[:at], ":"); colon >= 0 {
			rest = rest[:colon+1] + redacted + rest[at:]
		}
	}
	return querySecret.ReplaceAllString(rest, "${1}"+redacted)
}
