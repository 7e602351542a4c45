package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// amount is every payment's and refund's amount, in US cents.
const amount = 100

// settle is how long a phase waits after its last answer (and
// notification) before reading the wallet's CPU time: the wallet records
// the merchant's acknowledgement after the merchant sent it.
const settle = 200 * time.Millisecond

// bench is one wallet process under benchmark.
type bench struct {
	store       string
	label       string // which binary: labelWallet or labelBaseline
	wallet      *wallet
	merchant    *shop.Merchant
	accessToken string
	notes       *notifications
	keys        rsaKeys
	http        *http.Client
	runID       string
	res         *results
}

// benchStore starts a wallet on store (and the baseline wallet beside it,
// when there is one), warms them up, runs the rounds into res and stops
// them. In every round each concurrency runs on each wallet in turn, the
// order reversed every other round, against the same RSA bound.
func benchStore(ctx context.Context, c config, store string, res *results, out io.Writer) error {
	wallets := []struct{ label, bin string }{{labelWallet, c.walletBin}}
	if c.baseline != "" {
		wallets = append(wallets, struct{ label, bin string }{labelBaseline, c.baseline})
	}
	var benches []*bench
	for _, w := range wallets {
		b, stop, err := startBench(ctx, c, store, w.label, w.bin, res, out)
		if err != nil {
			return err
		}
		defer stop()
		benches = append(benches, b)
	}
	for round := range c.rounds {
		concs := slices.Clone(c.concs)
		order := slices.Clone(benches)
		if round%2 == 1 {
			slices.Reverse(concs)
			slices.Reverse(order)
		}
		for _, conc := range concs {
			sample, err := benches[0].sampleRequest()
			if err != nil {
				return err
			}
			cost, err := benches[0].keys.measure(sample, c.rsaN)
			if err != nil {
				return err
			}
			for _, b := range order {
				line, err := b.lifecycle(ctx, fmt.Sprintf("r%d", round), conc, c.n, cost)
				if err != nil {
					return fmt.Errorf("%s, round %d, %d concurrent: %w", b.label, round+1, conc, err)
				}
				fmt.Fprintf(out, "httpbench: %s %s round %d, %d concurrent: %s\n", store, b.label, round+1, conc, line)
			}
		}
	}
	return nil
}

// startBench starts the wallet bin on store with a data folder of its own
// and warms it up. stop ends the wallet and removes its folder.
func startBench(ctx context.Context, c config, store, label, bin string, res *results, out io.Writer) (b *bench, stop func(), err error) {
	var cleanup []func()
	stop = func() {
		for _, f := range slices.Backward(cleanup) {
			f()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	dir, err := os.MkdirTemp("", "paystate-httpbench-")
	if err != nil {
		return nil, nil, err
	}
	cleanup = append(cleanup, func() { _ = os.RemoveAll(dir) })
	storeArg, profile := "", ""
	if store == "postgres" {
		var drop func()
		if storeArg, drop, err = databaseFor(ctx, os.Getenv("PAYSTATE_PG_DSN"), label); err != nil {
			return nil, nil, err
		}
		cleanup = append(cleanup, drop)
	}
	if c.profileDir != "" {
		name := "wallet-" + store
		if label == labelBaseline {
			name += "-baseline"
		}
		profile = filepath.Join(c.profileDir, name+".pprof")
	}
	w, err := startWallet(bin, dir, storeArg, profile)
	if err != nil {
		return nil, nil, err
	}
	cleanup = append(cleanup, w.stop)
	cfg, m, h, err := shop.LoadConfig(w.merchantConfig())
	if err != nil {
		return nil, nil, err
	}
	notes, err := listenNotifications(h)
	if err != nil {
		return nil, nil, err
	}
	cleanup = append(cleanup, notes.close)
	m.NotifyURL = notes.URL
	keys, err := readKeys(dir)
	if err != nil {
		return nil, nil, err
	}
	var id [4]byte
	_, _ = crand.Read(id[:])
	b = &bench{store: store, label: label, wallet: w, merchant: m, accessToken: cfg.AccessToken, notes: notes, keys: keys, res: res,
		runID: "bench-" + hex.EncodeToString(id[:]),
		http:  &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}}
	cleanup = append(cleanup, b.http.CloseIdleConnections)

	fmt.Fprintf(out, "httpbench: %s %s at %s\n", store, label, w.url)
	warm := min(c.n, 50)
	if _, err := b.lifecycle(ctx, "warm", slices.Max(c.concs), warm, rsaCost{}); err != nil {
		return nil, nil, fmt.Errorf("%s warm-up: %w", label, err)
	}
	return b, stop, nil
}

// sampleRequest is one freshly signed pay, for the bare verify.
func (b *bench) sampleRequest() (signed, error) {
	bodies, err := payBodies(b.merchant, b.runID+"-sample", b.accessToken, 1, amount)
	if err != nil {
		return signed{}, err
	}
	s, err := sign(b.merchant, wire.PathPay, bodies)
	if err != nil {
		return signed{}, err
	}
	return s[0], nil
}

// lifecycle runs n pays (waiting for their notifications), n refunds of
// them and n inquiries of them, conc at a time, each phase signed before
// it starts, and records each phase against cost (nothing when cost is
// zero: a warm-up). It returns a one-line summary.
func (b *bench) lifecycle(ctx context.Context, round string, conc, n int, cost rsaCost) (string, error) {
	prefix := fmt.Sprintf("%s-%s-c%d", b.runID, round, conc)
	var ids []string
	summary := ""
	for _, o := range []op{opPay, opRefund, opInquiry} {
		var bodies [][]byte
		var err error
		path := wire.PathPay
		switch o {
		case opPay:
			bodies, err = payBodies(b.merchant, prefix+"-pay", b.accessToken, n, amount)
		case opRefund:
			path = wire.PathRefund
			bodies, err = refundBodies(b.merchant, prefix+"-refund", ids, amount)
		case opInquiry:
			path = wire.PathInquiryPayment
			bodies, err = inquiryBodies(b.merchant, ids)
		}
		if err != nil {
			return "", err
		}
		reqs, err := sign(b.merchant, path, bodies)
		if err != nil {
			return "", err
		}
		s, cpu, err := b.phase(ctx, reqs, conc, o == opPay)
		if err != nil {
			return "", fmt.Errorf("%s: %w", o.name, err)
		}
		if o == opPay {
			ids = s.paymentIDs
		}
		smp := sample{perSecond: float64(n) / s.elapsed.Seconds(), p50: percentile(s.latencies, 0.5), p99: percentile(s.latencies, 0.99),
			cpu: cpu / time.Duration(n), bound: cost.per(o.signs)}
		if cost != (rsaCost{}) {
			b.res.add(caseKey{store: b.store, wallet: b.label, op: o, conc: conc}, smp)
			summary += fmt.Sprintf("%s %.0f/s CPU %s = %.2f x RSA; ", o.name, smp.perSecond, us(float64(smp.cpu)), float64(smp.cpu)/float64(smp.bound))
		}
	}
	return summary, nil
}

// phase sends reqs and, when notified, waits for every payment's
// notification; it returns what was sent and the wallet's CPU time for
// all of it.
func (b *bench) phase(ctx context.Context, reqs []signed, conc int, notified bool) (sent, time.Duration, error) {
	before, err := b.wallet.cpu()
	if err != nil {
		return sent{}, 0, err
	}
	s, err := drive(ctx, b.http, b.wallet.url, reqs, conc)
	if err != nil {
		return s, 0, err
	}
	if notified {
		waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err = b.notes.wait(waitCtx, s.paymentIDs)
		cancel()
		if err != nil {
			return s, 0, err
		}
	}
	time.Sleep(settle)
	after, err := b.wallet.cpu()
	return s, after - before, err
}
