package worker

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/notify"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// ackS is the merchant's acknowledgement.
const ackS = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`

// loopbackMerchant answers every notification S.
func loopbackMerchant(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, ackS)
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchWalletKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// BenchmarkNotify compares the worker delivering notifications to a
// loopback merchant (claim, sign, POST, verify the answer, record; 16 at
// once) with the bare cost of the same signed POSTs from 16 goroutines.
// ns/op is per notification; make bench-worker reports the ratio.
func BenchmarkNotify(b *testing.B) {
	walletKey := benchWalletKey()
	partner := alipayplus.Partner{PartnerID: "shop", ClientID: "shop-client",
		PublicKeys: map[string]*rsa.PublicKey{"1": &walletKey.PublicKey}}
	cfg := alipayplus.Config{WalletClientID: "wallet", WalletKey: walletKey, Partners: []alipayplus.Partner{partner}}
	opts := notify.Options{AllowHosts: []string{"127.0.0.1"}, MaxIdleConnsPerHost: 32}
	const workers = 16

	b.Run("bare", func(b *testing.B) {
		srv := loopbackMerchant(b)
		signer := &client.Client{ClientID: "wallet", Key: walletKey}
		n, err := engine.NotificationOf(benchMessage(srv.URL, 0))
		if err != nil {
			b.Fatal(err)
		}
		body, err := alipayplus.NotifyPaymentBody(alipayplus.ProfileMiniProgramV1, n)
		if err != nil {
			b.Fatal(err)
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
		b.ResetTimer()
		var next sync.Mutex
		left := b.N
		var g sync.WaitGroup
		for range workers {
			g.Go(func() {
				for {
					next.Lock()
					if left == 0 {
						next.Unlock()
						return
					}
					left--
					next.Unlock()
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/notify", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json; charset=UTF-8")
					if err := signer.SignRequest(req, body); err != nil {
						b.Error(err)
						return
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					ack, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if !bytes.Contains(ack, []byte(`"S"`)) {
						b.Errorf("answer %s", ack)
					}
				}
			})
		}
		g.Wait()
	})

	b.Run("worker", func(b *testing.B) {
		srv := loopbackMerchant(b)
		notifier, err := notify.New(cfg, opts)
		if err != nil {
			b.Fatal(err)
		}
		defer notifier.CloseIdleConnections()
		r := newRig(b, nil)
		w := r.worker(notifier, func(c *Config) { c.Concurrency, c.PerPartner = workers, workers })
		for i := range b.N {
			m := benchMessage(srv.URL, i)
			m.CreatedAt, m.NextAttemptAt = r.clock.Now(), r.clock.Now()
			p := store.Payment{ID: m.PaymentID, PartnerID: "shop", RequestID: m.RequestID, Fingerprint: "f",
				Scenario: engine.ScenarioAgreement.String(), Status: "SUCCESS", Currency: "USD", Amount: 1000,
				CreatedAt: m.CreatedAt, UpdatedAt: m.CreatedAt, PaidAt: m.CreatedAt, ExpiresAt: m.CreatedAt.Add(1e12), Version: 1}
			if err := r.st.Commit(r.ctx, store.Change{Payment: p, Outbox: []store.OutboxMessage{m}}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		if err := w.DeliverDue(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if got := w.Stats().Delivered; got != int64(b.N) {
			b.Fatalf("delivered %d of %d", got, b.N)
		}
	})
}

// benchMessage is the i-th notification of a paid payment.
func benchMessage(merchantURL string, i int) store.OutboxMessage {
	id := fmt.Sprintf("pay-%d", i)
	return store.OutboxMessage{
		ID: id + ".result", PaymentID: id, PartnerID: "shop", RequestID: "req-" + id, Kind: "payment_result",
		NotifyURL: merchantURL + "/notify", Status: "SUCCESS", Currency: "USD", Amount: 1000,
		PaymentCreatedAt: start, PaymentTime: start,
	}
}
