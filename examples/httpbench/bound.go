package main

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// rsaCost is the bare RSA-2048 work a wallet cannot avoid, measured in
// this process's CPU time: verifying one request's signature and making
// one signature (an answer, or a notification).
type rsaCost struct {
	verify, sign time.Duration
}

// per is the bound of one request that verifies once and signs signs
// times.
func (c rsaCost) per(signs int) time.Duration { return c.verify + time.Duration(signs)*c.sign }

// rsaKeys are the demo's keys, read from the wallet's data folder: the
// merchant's public key verifies requests, the wallet's private key signs.
type rsaKeys struct {
	merchant *rsa.PublicKey
	wallet   *rsa.PrivateKey
}

func readKeys(dir string) (rsaKeys, error) {
	pub, err := os.ReadFile(filepath.Join(dir, "merchant.pub.pem"))
	if err != nil {
		return rsaKeys{}, err
	}
	priv, err := os.ReadFile(filepath.Join(dir, "wallet.pem"))
	if err != nil {
		return rsaKeys{}, err
	}
	var k rsaKeys
	if k.merchant, err = signing.ParsePublicKey(pub); err != nil {
		return k, err
	}
	k.wallet, err = signing.ParsePrivateKey(priv)
	return k, err
}

// measure runs n verifies of sample's signature, then n signatures of an
// answer-sized content, and returns the CPU time of each (this process,
// user + system, garbage collection included, as the wallet's count is).
func (k rsaKeys) measure(sample signed, n int) (rsaCost, error) {
	sig, err := signing.ParseSignatureHeader(sample.header.Get("Signature"))
	if err != nil {
		return rsaCost{}, err
	}
	content := signing.SignedContent(http.MethodPost, sample.path, sample.header.Get("Client-Id"), sample.header.Get("Request-Time"), sample.body)
	answer := signing.SignedContent(http.MethodPost, sample.path, "paystate-wallet", wire.FormatTime(time.Now()), sample.body)
	var c rsaCost
	if c.verify, err = cpuPer(n, func() error {
		if !signing.Verify(k.merchant, content, sig.Signature) {
			return errors.New("bare verify: the sample's signature does not verify")
		}
		return nil
	}); err != nil {
		return c, err
	}
	c.sign, err = cpuPer(n, func() error {
		_, err := signing.Sign(k.wallet, answer)
		return err
	})
	return c, err
}

// cpuPer is this process's CPU time per call of f, over n calls.
func cpuPer(n int, f func() error) (time.Duration, error) {
	before, err := selfCPU()
	if err != nil {
		return 0, err
	}
	for range n {
		if err := f(); err != nil {
			return 0, err
		}
	}
	after, err := selfCPU()
	return (after - before) / time.Duration(n), err
}

func selfCPU() (time.Duration, error) {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()), nil
}
