package app

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// newKeyPair writes a new RSA key pair into dir as name.pem and
// name.pub.pem and returns the private key.
func newKeyPair(t *testing.T, dir, name string) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	priv, err := signing.MarshalPrivateKeyPEM(key)
	require.NoError(t, err)
	pub, err := signing.MarshalPublicKeyPEM(&key.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pem"), priv, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pub.pem"), pub, 0o600))
	return key
}

// merchantAs returns a copy of the demo merchant that signs with key as
// version and verifies answers with walletKey.
func merchantAs(m *shop.Merchant, key *rsa.PrivateKey, version string, walletKey *rsa.PublicKey) *shop.Merchant {
	c := *m.Client
	c.Key, c.KeyVersion = key, version
	if walletKey != nil {
		c.WalletKey = walletKey
	}
	return &shop.Merchant{Client: &c, PartnerID: m.PartnerID}
}

// TestReloadWhileServing: 4 merchants pay and inquire without pause while
// the configuration is reloaded 5 times with a good file (a new partner
// key version, new limits) and 5 times with a bad one (refused whole, with
// the key named): every request in flight is answered S, and after each
// refused file the configuration loaded last still holds.
func TestReloadWhileServing(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	newKeyPair(t, dir, "merchant2")
	good := func(n int) {
		editConfig(t, dir, func(c map[string]any) {
			partner(c)["publicKeys"] = map[string]any{"1": "merchant.pub.pem", "2": "merchant2.pub.pem"}
			partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"USD": fmt.Sprint(100_000 + n)}}
			delete(partner(c), "status")
			user(c, 0)["limits"] = map[string]any{"daily": map[string]any{"USD": "100000000"}}
		})
	}
	bad := func() {
		editConfig(t, dir, func(c map[string]any) {
			partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"USD": "1"}}
			user(c, 0)["limits"] = map[string]any{"daily": map[string]any{"USD": "1"}}
			partner(c)["status"] = "paused"
		})
	}

	var stop atomic.Bool
	var answered, failed atomic.Int64
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: fmt.Sprintf("r-%d-%d", g, i), Title: "Tea", Amount: usd(1), AccessToken: demoAliceToken})
				if err == nil && pay.Result.ResultStatus == wire.StatusSuccess {
					var inq wire.InquiryPaymentResponse
					inq, err = w.merchant.InquirePayment(t.Context(), pay.PaymentID)
					pay.Result = inq.Result
				}
				answered.Add(1)
				if err != nil || pay.Result.ResultStatus != wire.StatusSuccess {
					failed.Add(1)
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%v %+v", err, pay.Result))
					mu.Unlock()
				}
			}
		}()
	}
	for n := range 5 {
		good(n)
		require.NoError(t, w.server.Reload(t.Context()), "good file %d", n)
		require.Equal(t, int64(100_000+n), w.server.limits.Partner(demoPartnerID).PerPayment["USD"])
		bad()
		err := w.server.Reload(t.Context())
		require.ErrorContains(t, err, `config: partners[0].status: want "active" or "suspended", got "paused"`)
		assert.Equal(t, int64(100_000+n), w.server.limits.Partner(demoPartnerID).PerPayment["USD"], "a refused file changes nothing")
		assert.Equal(t, int64(100_000_000), w.server.limits.User("alice").Daily["USD"], "a refused file changes nothing")
	}
	stop.Store(true)
	wg.Wait()
	require.Positive(t, answered.Load())
	assert.Zero(t, failed.Load(), "requests that failed during reloads: %v", failures)
}

// TestReloadRotatesKeys: a partner's new key version is accepted after a
// reload while the old one still is, until a reload removes it; the
// wallet's own signing key rotates too: answers are signed with the new
// version, which the old public key no longer verifies.
func TestReloadRotatesKeys(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	k2 := newKeyPair(t, dir, "merchant2")
	pay := func(m *shop.Merchant, req string) (wire.PayResponse, error) {
		return m.Pay(t.Context(), shop.Order{RequestID: req, Title: "Tea", Amount: usd(1), AccessToken: demoAliceToken})
	}
	v2 := merchantAs(w.merchant, k2, "2", nil)
	a, err := pay(v2, "k-0")
	require.NoError(t, err)
	require.Equal(t, wire.CodeKeyNotFound, a.Result.ResultCode, "version 2 before the reload")

	editConfig(t, dir, func(c map[string]any) {
		partner(c)["publicKeys"] = map[string]any{"1": "merchant.pub.pem", "2": "merchant2.pub.pem"}
	})
	require.NoError(t, w.server.Reload(t.Context()))
	a, err = pay(v2, "k-1")
	require.NoError(t, err)
	assert.Equal(t, wire.CodeSuccess, a.Result.ResultCode, "version 2 after the reload")
	a, err = pay(w.merchant, "k-2")
	require.NoError(t, err)
	assert.Equal(t, wire.CodeSuccess, a.Result.ResultCode, "version 1 still")

	editConfig(t, dir, func(c map[string]any) {
		partner(c)["publicKeys"] = map[string]any{"2": "merchant2.pub.pem"}
	})
	require.NoError(t, w.server.Reload(t.Context()))
	a, err = pay(w.merchant, "k-3")
	require.NoError(t, err)
	assert.Equal(t, wire.CodeKeyNotFound, a.Result.ResultCode, "version 1 removed")

	// The wallet's signing key.
	wk2 := newKeyPair(t, dir, "wallet2")
	editConfig(t, dir, func(c map[string]any) {
		c["wallet"].(map[string]any)["keyVersion"] = "2"
		c["wallet"].(map[string]any)["privateKeyFile"] = "wallet2.pem"
	})
	require.NoError(t, w.server.Reload(t.Context()))
	_, err = pay(v2, "k-4")
	require.Error(t, err, "the old wallet key no longer verifies the answers")
	a, err = pay(merchantAs(w.merchant, k2, "2", &wk2.PublicKey), "k-4")
	require.NoError(t, err, "the new wallet key verifies them")
	assert.Equal(t, wire.CodeSuccess, a.Result.ResultCode)
}

// TestReloadCommandAndSIGHUP: the operator command asks the server's
// operator listener to reload and prints its answer, or the reason a bad
// file was refused; SIGHUP reloads too.
func TestReloadCommandAndSIGHUP(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	op := httptest.NewServer(w.server.operator)
	t.Cleanup(op.Close)
	cfg, err := LoadConfig(filepath.Join(dir, walletConfigFile))
	require.NoError(t, err)
	cfg.OperatorListen = op.Listener.Addr().String()

	editConfig(t, dir, func(c map[string]any) { user(c, 0)["status"] = "frozen" })
	var out bytes.Buffer
	require.NoError(t, Operate(t.Context(), cfg, []string{"reload"}, &out))
	assert.Equal(t, "reloaded\n", out.String())
	a, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "h-1", Title: "Tea", Amount: usd(1), AccessToken: demoAliceToken})
	require.NoError(t, err)
	assert.Equal(t, wire.CodeUserStatusAbnormal, a.Result.ResultCode)

	editConfig(t, dir, func(c map[string]any) { user(c, 0)["limits"] = map[string]any{"dailyCount": -1} })
	err = Operate(t.Context(), cfg, []string{"reload"}, &out)
	require.ErrorContains(t, err, "reload refused, the running configuration stays: config: users[0].limits.dailyCount")

	editConfig(t, dir, func(c map[string]any) {
		user(c, 0)["limits"] = map[string]any{}
		user(c, 0)["status"] = "active"
		partner(c)["status"] = "suspended"
	})
	stopHUP := w.server.reloadOnSIGHUP(t.Context())
	defer stopHUP()
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	deadline := time.Now().Add(10 * time.Second)
	for !w.server.limits.Partner(w.merchant.PartnerID).Suspended {
		require.True(t, time.Now().Before(deadline), "SIGHUP did not reload within 10 s")
		time.Sleep(10 * time.Millisecond)
	}
	a, err = w.merchant.Pay(t.Context(), shop.Order{RequestID: "h-2", Title: "Tea", Amount: usd(1), AccessToken: demoAliceToken})
	require.NoError(t, err)
	assert.Equal(t, wire.CodePartnerStatusAbnormal, a.Result.ResultCode)
}
