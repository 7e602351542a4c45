// Package client is the merchant's side of the Alipay+ OpenAPI: a Client
// signs requests to a wallet, POSTs them and verifies the signed answers
// before anything in them is believed. It imports nothing of the wallet
// (engine, store), only the shared wire vocabulary and signing.
package client
