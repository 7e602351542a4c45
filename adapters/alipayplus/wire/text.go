package wire

import "unicode/utf8"

// MaxResultMessage is the most characters a resultMessage (and a reason
// text such as paymentFailReason) may have.
const MaxResultMessage = 256

// Truncate cuts s to at most max characters (not bytes), ending a cut text
// with "...". max must be at least 3.
func Truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-3]) + "..."
}
