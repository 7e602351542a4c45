package engine

import (
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MaxAmountDigits is the most digits an amount may have in minor units: the
// maximum length of the Alipay+ Amount.value field. Every such amount fits in
// an int64.
const MaxAmountDigits = 16

// maxMinor is the largest amount in minor units: MaxAmountDigits nines.
const maxMinor int64 = 9999999999999999

// Money is an amount of money: Minor units of the ISO 4217 currency Currency
// (cents for USD, yen for JPY, fils for KWD). It is a comparable value type:
// two Money are equal exactly when they are the same amount in the same
// currency.
//
// The zero value is invalid. The engine accepts only a Money whose Currency is
// in its ISO 4217 table (see CurrencyExponent) and whose Minor is in
// 1..9999999999999999 (at most MaxAmountDigits digits); Validate checks that,
// and ParseMoney and MoneyFromDecimal return only such values.
type Money struct {
	Currency string // ISO 4217 alphabetic code, e.g. "USD"
	Minor    int64  // amount in the currency's minor units; > 0 when valid
}

// ParseMoney validates an Alipay+ wire amount (Amount.currency and
// Amount.value) and returns it as Money.
//
// currency must be an upper-case code in the engine's ISO 4217 table, else the
// error is an *Error with Code CodeParamIllegal and Field "amount.currency".
// value must be a positive whole number of minor units written as 1 to
// MaxAmountDigits ASCII digits with no leading zero: no sign, no decimal
// point, no exponent, no spaces, no other digits than 0-9. Otherwise the
// error is an *Error with Code CodeParamIllegal and Field "amount.value".
// The currency is checked first.
func ParseMoney(currency, value string) (Money, error) {
	if _, ok := CurrencyExponent(currency); !ok {
		return Money{}, currencyError(currency)
	}
	if value == "" {
		return Money{}, paramError(FieldAmountValue, "value is empty: it must be a whole number of minor units, e.g. \"1050\"")
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c >= '0' && c <= '9' {
			continue
		}
		switch c {
		case '.', ',':
			return Money{}, paramError(FieldAmountValue, "value %s must be a whole number of minor units, without a decimal point", quoteShort(value))
		case '+', '-':
			return Money{}, paramError(FieldAmountValue, "value %s must be unsigned digits, without a sign", quoteShort(value))
		default:
			return Money{}, paramError(FieldAmountValue, "value %s must contain only the ASCII digits 0-9", quoteShort(value))
		}
	}
	if len(value) > MaxAmountDigits {
		return Money{}, paramError(FieldAmountValue, "value %s has %d digits; at most %d are allowed", quoteShort(value), len(value), MaxAmountDigits)
	}
	if value[0] == '0' {
		if allZeros(value) {
			return Money{}, paramError(FieldAmountValue, "value %q must be positive", value)
		}
		return Money{}, paramError(FieldAmountValue, "value %q must not have leading zeros", value)
	}
	minor, err := strconv.ParseInt(value, 10, 64)
	if err != nil { // cannot happen: at most 16 ASCII digits
		return Money{}, &Error{Code: CodeParamIllegal, Field: FieldAmountValue, Message: "value " + quoteShort(value) + " is not a valid amount", Err: err}
	}
	return Money{Currency: currency, Minor: minor}, nil
}

// MoneyFromDecimal converts an amount in major units of currency (e.g. 10.5
// USD) to Money (1050 USD cents).
//
// currency must be in the engine's ISO 4217 table, else the error is an
// *Error with Code CodeParamIllegal and Field "amount.currency". major must be
// positive, have no more fractional digits than the currency's exponent
// allows (1.005 USD is refused, 1.050 USD is accepted), and be at most
// MaxAmountDigits digits in minor units; else the error is an *Error with
// Code CodeParamIllegal and Field "amount.value". It never rounds.
func MoneyFromDecimal(currency string, major decimal.Decimal) (Money, error) {
	exp, ok := CurrencyExponent(currency)
	if !ok {
		return Money{}, currencyError(currency)
	}
	if major.Sign() <= 0 {
		return Money{}, paramError(FieldAmountValue, "amount %s %s must be positive", major.String(), currency)
	}
	minor := major.Shift(int32(exp))
	if !minor.IsInteger() {
		return Money{}, paramError(FieldAmountValue, "amount %s %s has more than %d digits after the decimal point", major.String(), currency, exp)
	}
	if minor.GreaterThan(decimal.NewFromInt(maxMinor)) {
		return Money{}, paramError(FieldAmountValue, "amount %s %s is over %d digits in minor units", major.String(), currency, MaxAmountDigits)
	}
	return Money{Currency: currency, Minor: minor.IntPart()}, nil
}

// Validate reports whether m is an amount the engine accepts: Currency in the
// engine's ISO 4217 table and 0 < Minor <= 9999999999999999. It returns nil
// or an *Error with Code CodeParamIllegal and Field "amount.currency" or
// "amount.value", as ParseMoney would for the same amount.
func (m Money) Validate() error {
	if _, ok := CurrencyExponent(m.Currency); !ok {
		return currencyError(m.Currency)
	}
	if m.Minor <= 0 {
		return paramError(FieldAmountValue, "value %d must be positive", m.Minor)
	}
	if m.Minor > maxMinor {
		return paramError(FieldAmountValue, "value %d has more than %d digits", m.Minor, MaxAmountDigits)
	}
	return nil
}

// Value returns the amount in minor units as a base-10 string, the form of
// the Alipay+ Amount.value field: "1050" for 10.50 USD. For a valid m,
// ParseMoney(m.Currency, m.Value()) returns m.
func (m Money) Value() string {
	return strconv.FormatInt(m.Minor, 10)
}

// Decimal returns the amount in major units, exact: 10.50 for 1050 USD, 1050
// for 1050 JPY, 1.050 for 1050 KWD. For a valid m,
// MoneyFromDecimal(m.Currency, m.Decimal()) returns m. A currency not in the
// table is taken to have exponent 0.
func (m Money) Decimal() decimal.Decimal {
	exp, _ := CurrencyExponent(m.Currency)
	return decimal.New(m.Minor, -int32(exp))
}

// String returns the amount in major units with exactly the currency's
// exponent digits after the point, a space and the currency code, for logs
// and messages: "10.50 USD", "1050 JPY", "1.050 KWD". A currency not in the
// table is taken to have exponent 0.
func (m Money) String() string {
	exp, _ := CurrencyExponent(m.Currency)
	return m.Decimal().StringFixed(int32(exp)) + " " + m.Currency
}

// SameCurrency reports whether m and o are in the same currency (their
// Currency codes are equal).
func (m Money) SameCurrency(o Money) bool {
	return m.Currency == o.Currency
}

func currencyError(currency string) *Error {
	return paramError(FieldAmountCurrency, "currency %s is not a supported ISO 4217 currency code (three upper-case letters with a minor unit, e.g. \"USD\")", quoteShort(currency))
}

func allZeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// quoteShort quotes s for an error message, cut to a readable length so a
// hostile field cannot blow up logs.
func quoteShort(s string) string {
	const maxLen = 40
	if len(s) <= maxLen {
		return strconv.Quote(s)
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
