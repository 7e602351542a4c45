package cashier

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
)

// TestFormatAmount: major units with the currency's exponent, thousands
// separated.
func TestFormatAmount(t *testing.T) {
	for want, m := range map[string]engine.Money{
		"USD 12.34":                 {Currency: "USD", Minor: 1234},
		"USD 0.05":                  {Currency: "USD", Minor: 5},
		"USD 1,234,567.89":          {Currency: "USD", Minor: 123456789},
		"JPY 500":                   {Currency: "JPY", Minor: 500},
		"JPY 1,000":                 {Currency: "JPY", Minor: 1000},
		"JPY 100,000":               {Currency: "JPY", Minor: 100000},
		"KWD 1.050":                 {Currency: "KWD", Minor: 1050},
		"USD 99,999,999,999,999.99": {Currency: "USD", Minor: 9999999999999999},
	} {
		require.Equal(t, want, formatAmount(m))
	}
}
