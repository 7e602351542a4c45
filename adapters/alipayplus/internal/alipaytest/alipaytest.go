// Package alipaytest holds what the tests of the Alipay+ packages share:
// RSA keys generated once per test binary and a goroutine-safe log sink.
package alipaytest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
)

// RSAKeys are RSA-2048 keys generated once per test binary.
type RSAKeys struct {
	Wallet   *rsa.PrivateKey // the wallet's signing key
	A1, A2   *rsa.PrivateKey // partner A, key versions 1 and 2
	B        *rsa.PrivateKey // partner B (antom), key version 1
	Stranger *rsa.PrivateKey // registered nowhere
}

// Keys returns the test binary's keys, generating them on the first call.
var Keys = func() func(t testing.TB) *RSAKeys {
	once := sync.OnceValue(func() *RSAKeys {
		keys := make([]*rsa.PrivateKey, 5)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		return &RSAKeys{Wallet: keys[0], A1: keys[1], A2: keys[2], B: keys[3], Stranger: keys[4]}
	})
	return func(t testing.TB) *RSAKeys {
		t.Helper()
		return once()
	}
}()

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
