// Package signing is the Alipay+ message signature, for both sides: the
// Signature header, the content a signature covers
// ("<METHOD> <path>\n<Client-Id>.<time>.<body>"), RSA256 (SHA256withRSA,
// PKCS#1 v1.5) signing and verifying, and reading and writing RSA keys in
// the forms merchants and wallets exchange them.
package signing
