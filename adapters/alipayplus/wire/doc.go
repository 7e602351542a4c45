// Package wire is the vocabulary of the Alipay+ "OpenAPI for
// merchants/partners" as both sides write it: the JSON shapes of requests,
// answers and notifyPayment, the result triple with its statuses and codes,
// the endpoint paths, and the time forms of headers and fields.
//
// It imports nothing of paystate, so a merchant's client can use it without
// the wallet's engine or store.
package wire
