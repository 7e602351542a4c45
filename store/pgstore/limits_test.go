package pgstore_test

import (
	"testing"

	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/store"
)

// TestTwoPoolsDailyLimit: the daily-limit race of enginetest.RunStore with
// two Stores with separate pools over one schema, as two wallet processes:
// still exactly 10 of 50 pays, then exactly 2 of 50 confirms.
func TestTwoPoolsDailyLimit(t *testing.T) {
	pools := openStores(t, 2)
	enginetest.RunDailyLimit(t, []store.Store{pools[0], pools[1]})
}
