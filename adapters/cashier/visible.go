package cashier

import (
	"fmt"
	"strings"
	"unicode"
)

// visibleText returns s with every Unicode format character (category
// Cf: the bidirectional overrides and isolates such as U+202E, invisible
// separators, the byte-order mark, ...) replaced by its visible code,
// "[U+202E]", so a title cannot reverse or hide what the user reads next
// to the amount. The zero-width joiner and non-joiner (U+200D, U+200C)
// stay: emoji sequences and several scripts need them, and they reorder
// nothing (decision 93).
func visibleText(s string) string {
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hidden reports whether r is a format character visibleText shows by
// its code.
func hidden(r rune) bool {
	return unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
}
