package fuzz

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/paystate/paystate/engine/enginetest"
)

// FuzzEngineStateMachine feeds coverage-guided inputs to the engine's
// model-based property: `go test -fuzz FuzzEngineStateMachine ./fuzz/`.
// Crashers land in testdata/fuzz/ and stay as regression seeds.
func FuzzEngineStateMachine(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(enginetest.StateMachine))
}
