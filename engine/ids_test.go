package engine_test

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// TestTimeOrderedIDSortsByMillisecond: an id made in a later millisecond
// sorts after one made earlier, whatever the random part.
func TestTimeOrderedIDSortsByMillisecond(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ms := rapid.Int64Range(0, 1<<48-2).Draw(t, "ms")
		later := rapid.Int64Range(ms+1, 1<<48-1).Draw(t, "later")
		a, b := engine.TimeOrderedID(time.UnixMilli(ms)), engine.TimeOrderedID(time.UnixMilli(later))
		if a >= b {
			t.Fatalf("id of %d ms %s does not sort before id of %d ms %s", ms, a, later, b)
		}
	})
}

func TestTimeOrderedIDShape(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for range 10_000 {
		id := engine.TimeOrderedID(at)
		require.Len(t, id, 32)
		_, err := hex.DecodeString(id)
		require.NoError(t, err)
		require.Equal(t, "01a2407f1500", id[:12], "the first 12 digits are the Unix milliseconds")
		require.False(t, seen[id], "duplicate id %s within one millisecond", id)
		seen[id] = true
	}
	require.Equal(t, "000000000000", engine.TimeOrderedID(time.Unix(-5, 0))[:12], "times before 1970 count as 0")
}

// TestDefaultIDsFollowTheEngineClock: without Config.NewID, payment ids
// come from TimeOrderedID of Config.Now, not of the machine's clock.
func TestDefaultIDsFollowTheEngineClock(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ledger := memfunds.New()
	eng, err := engine.New(memstore.New(), ledger, engine.Config{Now: func() time.Time { return at }})
	require.NoError(t, err)
	p, err := eng.Pay(t.Context(), engine.PayRequest{
		PartnerID: "shop", RequestID: "r1", Scenario: engine.ScenarioCashier,
		Amount: engine.Money{Currency: "USD", Minor: 100}, OrderTitle: "Tea",
	})
	require.NoError(t, err)
	require.Equal(t, engine.TimeOrderedID(at)[:12], p.ID[:12])
}
