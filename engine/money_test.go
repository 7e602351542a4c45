package engine

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// requireParamError asserts that err is an *Error with CodeParamIllegal and
// the given Field.
func requireParamError(t *testing.T, err error, field Field) {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.True(t, errors.As(err, &e), "error %v (%T) is not an *Error", err, err)
	assert.Equal(t, CodeParamIllegal, e.Code, "code of %v", err)
	assert.Equal(t, field, e.Field, "field of %v", err)
	assert.NotEmpty(t, e.Message)
}

func sortedCurrencies() []string {
	codes := make([]string, 0, len(iso4217Exponents))
	for c := range iso4217Exponents {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

func TestCurrencyExponentSpotChecks(t *testing.T) {
	want := map[string]int{
		"USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "HKD": 2, "SGD": 2, "PHP": 2,
		"MYR": 2, "IDR": 2, "THB": 2, "INR": 2,
		"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "XAF": 0, "XOF": 0, "XPF": 0,
		"KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3, "IQD": 3, "LYD": 3,
		"CLF": 4, "UYW": 4,
		"VES": 2, "ZWG": 2, "SLE": 2, "XCG": 2,
	}
	for code, exp := range want {
		got, ok := CurrencyExponent(code)
		if assert.True(t, ok, code) {
			assert.Equal(t, exp, got, code)
		}
	}
}

func TestCurrencyExponentRejects(t *testing.T) {
	for _, code := range []string{
		"", "US", "USDD", "usd", "Usd", " USD", "USD ", "XYZ", "ÜSD",
		// ISO 4217 codes whose minor unit is N.A.
		"XAU", "XAG", "XPT", "XPD", "XDR", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA",
		// withdrawn codes
		"HRK", "ZWL", "SLL", "CUC", "ANG", "VEF", "LTL",
	} {
		_, ok := CurrencyExponent(code)
		assert.False(t, ok, "%q", code)
	}
}

func TestCurrencyTableShape(t *testing.T) {
	codes := sortedCurrencies()
	assert.GreaterOrEqual(t, len(codes), 150)
	for _, c := range codes {
		require.Len(t, c, 3, c)
		for i := 0; i < 3; i++ {
			require.True(t, c[i] >= 'A' && c[i] <= 'Z', c)
		}
		assert.Contains(t, []int{0, 2, 3, 4}, iso4217Exponents[c], c)
	}
}

func TestParseMoneyValid(t *testing.T) {
	tests := []struct {
		currency, value string
		want            Money
	}{
		{"USD", "1", Money{"USD", 1}},
		{"USD", "1050", Money{"USD", 1050}},
		{"JPY", "1050", Money{"JPY", 1050}},
		{"KWD", "1050", Money{"KWD", 1050}},
		{"CLF", "10", Money{"CLF", 10}},
		{"EUR", "100", Money{"EUR", 100}},
		{"USD", "9999999999999999", Money{"USD", 9999999999999999}},
		{"USD", "1000000000000000", Money{"USD", 1000000000000000}},
	}
	for _, tt := range tests {
		t.Run(tt.currency+"_"+tt.value, func(t *testing.T) {
			got, err := ParseMoney(tt.currency, tt.value)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.NoError(t, got.Validate())
			assert.Equal(t, tt.value, got.Value())
		})
	}
}

func TestParseMoneyInvalid(t *testing.T) {
	tests := []struct {
		name, currency, value string
		field                 Field
		msg                   string
	}{
		{"empty", "USD", "", FieldAmountValue, "empty"},
		{"zero", "USD", "0", FieldAmountValue, "positive"},
		{"zeros", "USD", "0000", FieldAmountValue, "positive"},
		{"leading zero", "USD", "007", FieldAmountValue, "leading zeros"},
		{"negative", "USD", "-1", FieldAmountValue, "sign"},
		{"plus", "USD", "+1", FieldAmountValue, "sign"},
		{"negative zero", "USD", "-0", FieldAmountValue, "sign"},
		{"decimal point", "USD", "1.0", FieldAmountValue, "whole number"},
		{"decimal fraction", "USD", "12.5", FieldAmountValue, "whole number"},
		{"comma", "USD", "1,000", FieldAmountValue, "whole number"},
		{"exponent", "USD", "1e3", FieldAmountValue, "digits"},
		{"leading space", "USD", " 1", FieldAmountValue, "digits"},
		{"trailing space", "USD", "1 ", FieldAmountValue, "digits"},
		{"inner space", "USD", "1 000", FieldAmountValue, "digits"},
		{"underscore", "USD", "1_000", FieldAmountValue, "digits"},
		{"hex", "USD", "0x10", FieldAmountValue, "digits"},
		{"fullwidth digit", "USD", "１", FieldAmountValue, "digits"},
		{"arabic-indic digit", "USD", "١٢", FieldAmountValue, "digits"},
		{"17 digits", "USD", "10000000000000000", FieldAmountValue, "at most 16"},
		{"17 nines", "USD", "99999999999999999", FieldAmountValue, "at most 16"},
		{"20 digits", "USD", "12345678901234567890", FieldAmountValue, "at most 16"},
		{"long junk", "USD", strings.Repeat("x", 1000), FieldAmountValue, "..."},
		{"unknown currency", "XYZ", "100", FieldAmountCurrency, "ISO 4217"},
		{"lower-case currency", "usd", "100", FieldAmountCurrency, "upper-case"},
		{"gold", "XAU", "100", FieldAmountCurrency, "ISO 4217"},
		{"testing code", "XTS", "100", FieldAmountCurrency, "ISO 4217"},
		{"empty currency", "", "100", FieldAmountCurrency, "ISO 4217"},
		{"currency with space", "USD ", "100", FieldAmountCurrency, "ISO 4217"},
		{"bad currency and value", "XYZ", "-1", FieldAmountCurrency, "ISO 4217"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMoney(tt.currency, tt.value)
			requireParamError(t, err, tt.field)
			assert.Equal(t, Money{}, got)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Less(t, len(err.Error()), 300, "message must stay short")
		})
	}
}

func TestParseMoneyMessage(t *testing.T) {
	_, err := ParseMoney("USD", "12.5")
	require.Error(t, err)
	assert.Equal(t, `param_illegal amount.value: value "12.5" must be a whole number of minor units, without a decimal point`, err.Error())
}

func TestMoneyDecimalAndString(t *testing.T) {
	tests := []struct {
		m       Money
		decimal string
		str     string
	}{
		{Money{"USD", 1050}, "10.5", "10.50 USD"},
		{Money{"USD", 1}, "0.01", "0.01 USD"},
		{Money{"USD", 100}, "1", "1.00 USD"},
		{Money{"USD", 9999999999999999}, "99999999999999.99", "99999999999999.99 USD"},
		{Money{"JPY", 1050}, "1050", "1050 JPY"},
		{Money{"JPY", 1}, "1", "1 JPY"},
		{Money{"KWD", 1050}, "1.05", "1.050 KWD"},
		{Money{"KWD", 1}, "0.001", "0.001 KWD"},
		{Money{"CLF", 12345}, "1.2345", "1.2345 CLF"},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			assert.True(t, decimal.RequireFromString(tt.decimal).Equal(tt.m.Decimal()),
				"Decimal() = %s, want %s", tt.m.Decimal(), tt.decimal)
			assert.Equal(t, tt.str, tt.m.String())
		})
	}
	// Exactness: 1050 USD cents is exactly 10.50.
	assert.Equal(t, "10.50", Money{"USD", 1050}.Decimal().StringFixed(2))
	assert.Equal(t, "1.050", Money{"KWD", 1050}.Decimal().StringFixed(3))
}

func TestMoneyFromDecimal(t *testing.T) {
	valid := []struct {
		currency, major string
		want            Money
	}{
		{"USD", "10.50", Money{"USD", 1050}},
		{"USD", "10.5", Money{"USD", 1050}},
		{"USD", "1.050", Money{"USD", 105}},
		{"USD", "0.01", Money{"USD", 1}},
		{"USD", "99999999999999.99", Money{"USD", 9999999999999999}},
		{"JPY", "1050", Money{"JPY", 1050}},
		{"JPY", "1050.000", Money{"JPY", 1050}},
		{"KWD", "1.05", Money{"KWD", 1050}},
		{"KWD", "0.001", Money{"KWD", 1}},
		{"CLF", "1.2345", Money{"CLF", 12345}},
		{"USD", "1e2", Money{"USD", 10000}},
	}
	for _, tt := range valid {
		t.Run("valid "+tt.currency+" "+tt.major, func(t *testing.T) {
			got, err := MoneyFromDecimal(tt.currency, decimal.RequireFromString(tt.major))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	invalid := []struct {
		currency, major string
		field           Field
	}{
		{"XYZ", "1", FieldAmountCurrency},
		{"usd", "1", FieldAmountCurrency},
		{"XAU", "1", FieldAmountCurrency},
		{"USD", "1.005", FieldAmountValue},
		{"USD", "0.001", FieldAmountValue},
		{"JPY", "1.5", FieldAmountValue},
		{"KWD", "1.0005", FieldAmountValue},
		{"USD", "0", FieldAmountValue},
		{"USD", "0.00", FieldAmountValue},
		{"USD", "-1", FieldAmountValue},
		{"USD", "-0.01", FieldAmountValue},
		{"USD", "100000000000000", FieldAmountValue},    // 17 digits in cents
		{"USD", "100000000000000.00", FieldAmountValue}, // same, written with cents
		{"JPY", "10000000000000000", FieldAmountValue},
		{"JPY", "1e30", FieldAmountValue},
	}
	for _, tt := range invalid {
		t.Run("invalid "+tt.currency+" "+tt.major, func(t *testing.T) {
			got, err := MoneyFromDecimal(tt.currency, decimal.RequireFromString(tt.major))
			requireParamError(t, err, tt.field)
			assert.Equal(t, Money{}, got)
		})
	}
}

func TestMoneyValidate(t *testing.T) {
	assert.NoError(t, Money{"USD", 1}.Validate())
	assert.NoError(t, Money{"JPY", 9999999999999999}.Validate())

	tests := []struct {
		m     Money
		field Field
	}{
		{Money{}, FieldAmountCurrency},
		{Money{"", 100}, FieldAmountCurrency},
		{Money{"XYZ", 100}, FieldAmountCurrency},
		{Money{"usd", 100}, FieldAmountCurrency},
		{Money{"XAU", 100}, FieldAmountCurrency},
		{Money{"USD", 0}, FieldAmountValue},
		{Money{"USD", -1}, FieldAmountValue},
		{Money{"USD", 10000000000000000}, FieldAmountValue},
		{Money{"USD", 1<<63 - 1}, FieldAmountValue},
		{Money{"USD", -1 << 63}, FieldAmountValue},
	}
	for _, tt := range tests {
		t.Run(tt.m.Currency+"_"+tt.m.Value(), func(t *testing.T) {
			requireParamError(t, tt.m.Validate(), tt.field)
		})
	}
}

func TestMoneySameCurrency(t *testing.T) {
	assert.True(t, Money{"USD", 1}.SameCurrency(Money{"USD", 500}))
	assert.False(t, Money{"USD", 1}.SameCurrency(Money{"EUR", 1}))
	assert.False(t, Money{"USD", 1}.SameCurrency(Money{"usd", 1}))
}

func TestMoneyRoundTripProperty(t *testing.T) {
	codes := sortedCurrencies()
	rapid.Check(t, func(t *rapid.T) {
		m := Money{
			Currency: rapid.SampledFrom(codes).Draw(t, "currency"),
			Minor:    rapid.Int64Range(1, 9999999999999999).Draw(t, "minor"),
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Validate(%v) = %v", m, err)
		}

		parsed, err := ParseMoney(m.Currency, m.Value())
		if err != nil {
			t.Fatalf("ParseMoney(%q, %q) = %v", m.Currency, m.Value(), err)
		}
		if parsed != m {
			t.Fatalf("ParseMoney(%q, %q) = %#v, want %#v", m.Currency, m.Value(), parsed, m)
		}

		fromDec, err := MoneyFromDecimal(m.Currency, m.Decimal())
		if err != nil {
			t.Fatalf("MoneyFromDecimal(%q, %s) = %v", m.Currency, m.Decimal(), err)
		}
		if fromDec != m {
			t.Fatalf("MoneyFromDecimal(%q, %s) = %#v, want %#v", m.Currency, m.Decimal(), fromDec, m)
		}

		// String shows exactly the exponent's digits after the point and
		// parses back to the same decimal.
		exp, _ := CurrencyExponent(m.Currency)
		s := m.String()
		num, cur, ok := strings.Cut(s, " ")
		if !ok || cur != m.Currency {
			t.Fatalf("String() = %q", s)
		}
		if _, frac, hasPoint := strings.Cut(num, "."); hasPoint != (exp > 0) || len(frac) != exp {
			t.Fatalf("String() = %q: want %d fractional digits", s, exp)
		}
		if !decimal.RequireFromString(num).Equal(m.Decimal()) {
			t.Fatalf("String() = %q does not match Decimal() = %s", s, m.Decimal())
		}
	})
}

func TestParseMoneyNeverPanicsProperty(t *testing.T) {
	codes := sortedCurrencies()
	rapid.Check(t, func(t *rapid.T) {
		currency := rapid.OneOf(rapid.SampledFrom(codes), rapid.String()).Draw(t, "currency")
		value := rapid.OneOf(rapid.StringMatching(`[0-9]{0,20}`), rapid.String()).Draw(t, "value")
		m, err := ParseMoney(currency, value)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeParamIllegal ||
				(e.Field != FieldAmountCurrency && e.Field != FieldAmountValue) {
				t.Fatalf("ParseMoney(%q, %q) error %v is not a param error", currency, value, err)
			}
			if m != (Money{}) {
				t.Fatalf("ParseMoney(%q, %q) returned %#v with an error", currency, value, m)
			}
			return
		}
		if verr := m.Validate(); verr != nil {
			t.Fatalf("ParseMoney(%q, %q) = %#v, which fails Validate: %v", currency, value, m, verr)
		}
		if m.Value() != value || m.Currency != currency {
			t.Fatalf("ParseMoney(%q, %q) = %#v does not round-trip", currency, value, m)
		}
	})
}
