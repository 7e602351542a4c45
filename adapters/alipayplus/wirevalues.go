package alipayplus

import (
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// amountOf returns m in its wire form.
func amountOf(m engine.Money) *wire.Amount {
	return &wire.Amount{Currency: m.Currency, Value: m.Value()}
}

// wireTime formats t for an answer, or "" (omitted) for the zero time.
func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return wire.FormatTime(t)
}
