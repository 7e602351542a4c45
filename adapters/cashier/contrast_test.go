package cashier_test

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestColourContrast: every text colour of the style sheet meets WCAG AA
// (4.5:1) on the backgrounds it is used on, and the focus ring is at
// least 3:1 against the card, the page and the primary button.
func TestColourContrast(t *testing.T) {
	css, err := os.ReadFile("templates/cashier.css")
	require.NoError(t, err)
	colours := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6});`).FindAllStringSubmatch(string(css), -1) {
		colours[m[1]] = m[2]
	}
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"text", "card", 4.5}, {"text", "page", 4.5}, {"muted", "card", 4.5}, {"muted", "page", 4.5},
		{"on-primary", "primary", 4.5}, {"primary", "card", 4.5},
		{"ok", "ok-bg", 4.5}, {"wait", "wait-bg", 4.5}, {"bad", "bad-bg", 4.5},
		{"focus", "card", 3}, {"focus", "page", 3},
	}
	for _, p := range pairs {
		fg, bg := colours[p.fg], colours[p.bg]
		require.NotEmpty(t, fg, "--%s", p.fg)
		require.NotEmpty(t, bg, "--%s", p.bg)
		ratio := contrast(fg, bg)
		require.GreaterOrEqualf(t, ratio, p.min, "--%s %s on --%s %s: %.2f:1", p.fg, fg, p.bg, bg, ratio)
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	channel := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(1) + 0.7152*channel(3) + 0.0722*channel(5)
}
