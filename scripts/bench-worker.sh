#!/usr/bin/env bash
# Benchmarks notification delivery: the worker (claim, sign, POST to a
# loopback merchant, verify, record; 16 at once) beside bare signed POSTs to
# the same merchant from 16 goroutines, in interleaved rounds, and prints
# the medians and ratios (the target is >= 0.80).
#
#   scripts/bench-worker.sh             # or: make bench-worker
#   ROUNDS=9 BENCHTIME=5s scripts/bench-worker.sh
exec "$(dirname "$0")/bench-ratio.sh" ./engine/worker/ 'Notify' BenchmarkNotify/bare
