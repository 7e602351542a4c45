package fuzz

import (
	"errors"
	"testing"

	"github.com/paystate/paystate/engine"
)

// FuzzParseMoney reads arbitrary wire amounts (Amount.currency,
// Amount.value) with engine.ParseMoney: `go test -fuzz FuzzParseMoney
// ./fuzz/`. It never panics; an accepted amount is valid, keeps the
// currency, writes back (Value) as the same text and converts to major units
// and back (Decimal, MoneyFromDecimal) unchanged; a refused one is
// PARAM_ILLEGAL naming amount.currency exactly when the currency is unknown,
// else amount.value.
func FuzzParseMoney(f *testing.F) {
	for _, c := range [][2]string{
		{"USD", "1050"}, {"JPY", "1"}, {"KWD", "9999999999999999"}, {"CLF", "10000"},
		{"USD", "10000000000000000"}, {"USD", "0"}, {"USD", "007"}, {"USD", "-1"}, {"USD", "+1"},
		{"USD", "1.5"}, {"USD", "1e3"}, {"USD", " 1"}, {"USD", "١٢"}, {"USD", ""},
		{"usd", "1"}, {"XAU", "1"}, {"", "1"}, {"US", "1"}, {"USDX", "1"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, currency, value string) {
		m, err := engine.ParseMoney(currency, value)
		if err != nil {
			var e *engine.Error
			if !errors.As(err, &e) || e.Code != engine.CodeParamIllegal {
				t.Fatalf("ParseMoney(%q, %q): %v is not a PARAM_ILLEGAL *engine.Error", currency, value, err)
			}
			_, known := engine.CurrencyExponent(currency)
			if want := map[bool]engine.Field{false: engine.FieldAmountCurrency, true: engine.FieldAmountValue}[known]; e.Field != want {
				t.Fatalf("ParseMoney(%q, %q): error names %q, want %q: %v", currency, value, e.Field, want, err)
			}
			return
		}
		if err := m.Validate(); err != nil || m.Currency != currency || m.Value() != value {
			t.Fatalf("ParseMoney(%q, %q) = %+v (Validate: %v, Value %q)", currency, value, m, err, m.Value())
		}
		back, err := engine.MoneyFromDecimal(m.Currency, m.Decimal())
		if err != nil || back != m {
			t.Fatalf("%+v in major units %s converts back to %+v (%v)", m, m.Decimal(), back, err)
		}
	})
}
