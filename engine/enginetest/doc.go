// Package enginetest is the engine's test kit, a normal package so that
// the engine's tests, every store backend, the fuzz targets in fuzz/ and
// any wallet that wraps the engine can use it:
//
//   - the checkers of paystate's invariants over what a store holds
//     (CheckRefunds, CheckExpiry, CheckNotifications, CheckHistory,
//     CheckPayment, CheckFunds), each written once and called by every
//     test that holds a store against a rule;
//   - StateMachine, the model-based property test of every engine command;
//   - RunStore, the engine over a store backend, which each backend's
//     TestConformance runs next to store/storetest's suite;
//   - Clock and IDs, the fixed clock and id source of deterministic tests
//     (racing goroutines are released together by storetest.Parallel).
package enginetest
