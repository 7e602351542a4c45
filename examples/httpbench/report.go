package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// op is one kind of request the benchmark sends, with the signatures the
// wallet must make for it: its answer, and the notification it causes.
type op struct {
	name  string
	signs int
}

// The operations, in the order of a lifecycle.
var (
	opPay     = op{"agreement pay + its notifyPayment", 2}
	opRefund  = op{"refund", 1}
	opInquiry = op{"inquiryPayment", 1}
)

// caseKey names one row of the table.
type caseKey struct {
	store  string
	wallet string // labelWallet or labelBaseline
	op     op
	conc   int
}

// sample is one round's measurement of one case.
type sample struct {
	perSecond float64
	p50, p99  time.Duration
	cpu       time.Duration // the wallet's CPU time per request
	bound     time.Duration // the bare RSA work per request, this round
}

// results collects every round's samples, case by case.
type results struct {
	order   []caseKey
	samples map[caseKey][]sample
}

func (r *results) add(k caseKey, s sample) {
	if r.samples == nil {
		r.samples = map[caseKey][]sample{}
	}
	if _, ok := r.samples[k]; !ok {
		r.order = append(r.order, k)
	}
	r.samples[k] = append(r.samples[k], s)
}

// print writes the table of medians: each column is the median of the
// rounds' values, and the ratio is the median of the rounds' own ratios
// of wallet CPU to the RSA bound, with the lowest and highest. With a
// baseline, the rows of both wallets follow each other, and a second table
// gives the median of the rounds' own ratios of the wallet's CPU per
// request to the baseline's.
func (r *results) print(w io.Writer) {
	withBaseline := slices.ContainsFunc(r.order, func(k caseKey) bool { return k.wallet == labelBaseline })
	fmt.Fprintln(w, "| store | request | concurrent | requests/s | p50 | p99 | wallet CPU per request | bare RSA (verify + signs) | CPU / RSA [min, max] |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, k := range r.order {
		ss := r.samples[k]
		pick := func(f func(sample) float64) []float64 {
			out := make([]float64, len(ss))
			for i, s := range ss {
				out[i] = f(s)
			}
			return out
		}
		ratios := pick(func(s sample) float64 { return float64(s.cpu) / float64(s.bound) })
		store := k.store
		if withBaseline {
			store += " (" + k.wallet + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %s | %s (V+%dS) | **%.2f** [%.2f, %.2f] |\n",
			store, k.op.name, k.conc,
			median(pick(func(s sample) float64 { return s.perSecond })),
			ms(median(pick(func(s sample) float64 { return float64(s.p50) }))),
			ms(median(pick(func(s sample) float64 { return float64(s.p99) }))),
			us(median(pick(func(s sample) float64 { return float64(s.cpu) }))),
			us(median(pick(func(s sample) float64 { return float64(s.bound) }))), k.op.signs,
			median(ratios), slices.Min(ratios), slices.Max(ratios))
	}
	if withBaseline {
		r.printAgainstBaseline(w)
	}
}

// printAgainstBaseline writes, for every case, the wallet's CPU per request
// over the baseline's, the median of the rounds' own ratios (both wallets
// ran each round back to back) with the lowest and highest.
func (r *results) printAgainstBaseline(w io.Writer) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| store | request | concurrent | wallet CPU / baseline CPU [min, max] | requests/s, wallet / baseline |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, k := range r.order {
		if k.wallet != labelWallet {
			continue
		}
		base := k
		base.wallet = labelBaseline
		ws, bs := r.samples[k], r.samples[base]
		n := min(len(ws), len(bs))
		var cpu, rate []float64
		for i := range n {
			if bs[i].cpu == 0 { // a round too short for one clock tick
				continue
			}
			cpu = append(cpu, float64(ws[i].cpu)/float64(bs[i].cpu))
			rate = append(rate, ws[i].perSecond/bs[i].perSecond)
		}
		if len(cpu) == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %d | **%.2f** [%.2f, %.2f] | %.2f |\n",
			k.store, k.op.name, k.conc, median(cpu), slices.Min(cpu), slices.Max(cpu), median(rate))
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func ms(ns float64) string { return fmt.Sprintf("%.2f ms", ns/1e6) }
func us(ns float64) string { return fmt.Sprintf("%.0f µs", ns/1e3) }
