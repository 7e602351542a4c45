package cashier

import (
	"strings"

	"github.com/paystate/paystate/engine"
)

// formatAmount writes m in major units the way a cashier shows it: the
// currency code, a space, the amount with thousands separated by commas
// and exactly the currency's exponent of decimals: "USD 12.34",
// "JPY 500", "KWD 1.050", "USD 1,234,567.89".
func formatAmount(m engine.Money) string {
	exp, _ := engine.CurrencyExponent(m.Currency)
	whole, frac, _ := strings.Cut(m.Decimal().StringFixed(int32(exp)), ".")
	var b strings.Builder
	b.WriteString(m.Currency)
	b.WriteByte(' ')
	if strings.HasPrefix(whole, "-") { // never for a valid amount
		b.WriteByte('-')
		whole = whole[1:]
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
