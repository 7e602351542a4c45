// Package paystate is the root of an embeddable Go engine that runs an
// e-wallet's payments and refunds through one correct, durable, idempotent
// state machine, and of the Alipay+ adapters in front of it. The code is in
// its packages: engine (the state machine and commands), store and its
// backends, adapters/alipayplus (the wallet side of the Alipay+ OpenAPI) and
// adapters/cashier (the page users pay on). This package has no code; its
// test holds every package to the imports it is allowed.
package paystate
