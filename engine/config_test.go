package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

func TestNewRejectsBadConfig(t *testing.T) {
	st, funds := memstore.New(), memfunds.New()
	_, err := engine.New(nil, funds, engine.Config{})
	require.ErrorContains(t, err, "store is nil")
	_, err = engine.New(st, nil, engine.Config{})
	require.ErrorContains(t, err, "funds is nil")

	for name, cfg := range map[string]engine.Config{
		"Expiry[CASHIER] must be positive":      {Expiry: map[engine.Scenario]time.Duration{engine.ScenarioCashier: -time.Second}},
		"RefundWindow must not be negative":     {RefundWindow: -time.Hour},
		"CancelWindow must not be negative":     {CancelWindow: -time.Hour},
		"ReconcileSchedule[1] must be positive": {ReconcileSchedule: []time.Duration{time.Minute, 0}},
		`"XYZ" is not an ISO 4217 currency`:     {Currencies: []string{"USD", "XYZ"}},
		"MaxAmount must not be negative":        {MaxAmount: -1},
		"ConflictRetries must not be negative":  {ConflictRetries: -1},
	} {
		_, err := engine.New(st, funds, cfg)
		require.ErrorContains(t, err, name)
	}
	_, err = engine.New(st, funds, engine.Config{})
	require.NoError(t, err, "the zero Config is valid")
}
