// Package fuzz holds paystate's fuzz targets and long property runs. Nothing
// imports it. `go test ./fuzz/` runs the seed corpora; `make fuzz` fuzzes
// every target for longer:
//
//   - FuzzEngineStateMachine: the engine's model-based property;
//   - FuzzParseMoney: wire amounts through engine.ParseMoney;
//   - FuzzSignatureHeader: signing.ParseSignatureHeader and String;
//   - FuzzTime: Request-Time and paymentExpiryTime readers (ISO 8601,
//     epoch milliseconds);
//   - FuzzRequestDecoder: signed bodies through a real alipayplus handler
//     to all the endpoints.
//
// The adapter targets use its exported API only, as a wallet would.
// Crashers land in testdata/fuzz/ and stay as regression seeds.
package fuzz
