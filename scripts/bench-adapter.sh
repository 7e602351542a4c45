#!/usr/bin/env bash
# Benchmarks the Alipay+ handler against the bare cryptography it needs:
# a signed pay and a signed refund through Handler.ServeHTTP beside one
# RSA-2048 verify + sign (BenchmarkSignVerify), in interleaved rounds, and
# prints the medians and ratios (the target is >= 0.85).
#
#   scripts/bench-adapter.sh            # or: make bench-adapter
#   ROUNDS=9 BENCHTIME=5s scripts/bench-adapter.sh
exec "$(dirname "$0")/bench-ratio.sh" ./adapters/alipayplus/ 'SignVerify|Endpoint' BenchmarkSignVerify
