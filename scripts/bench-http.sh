#!/usr/bin/env bash
# Benchmarks the whole wallet process over loopback HTTP: builds the
# reference wallet, starts a throwaway PostgreSQL (scripts/with-postgres.sh;
# PAYSTATE_PG_DSN reuses a server), and runs examples/httpbench against the
# wallet on SQLite (full sync) and on PostgreSQL: agreement pays and their
# notifications, refunds and inquiries at 1 and 16 concurrent requests,
# each case's wallet CPU per request beside the bare RSA-2048 verify + signs
# measured in the same rounds (the target is <= 1.25).
#
#   scripts/bench-http.sh               # or: make bench-http
#   scripts/bench-http.sh -rounds 9 -n 500 -cpuprofile-dir /tmp/prof
#   scripts/bench-http.sh -baseline /tmp/wallet-base   # a wallet built from another commit, in the same rounds
set -euo pipefail

GO="${GO:-go}"
bin="$(mktemp -d /tmp/paystate-httpbench.XXXXXX)"
trap 'rm -rf "$bin"' EXIT
"$GO" build -o "$bin/wallet" ./examples/wallet
"$GO" build -o "$bin/httpbench" ./examples/httpbench
exec "$(dirname "$0")/with-postgres.sh" "$bin/httpbench" -wallet "$bin/wallet" "$@"
