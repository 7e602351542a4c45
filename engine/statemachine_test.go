package engine_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/paystate/paystate/engine/enginetest"
)

// TestEngineStateMachine checks the engine's rules (enginetest.StateMachine
// lists them) over random command sequences; the number of runs is
// -rapid.checks (make test asks for 10,000).
func TestEngineStateMachine(t *testing.T) {
	rapid.Check(t, enginetest.StateMachine)
}
