#!/usr/bin/env bash
# Runs benchmarks of one package in interleaved rounds and prints each
# one's median beside a baseline benchmark measured in the same rounds.
#
#   scripts/bench-ratio.sh PACKAGE BENCH_REGEXP BASELINE
#   ROUNDS=9 BENCHTIME=5s scripts/bench-ratio.sh ./engine/worker/ Notify BenchmarkNotify/bare
#
# The rounds are separate `go test -count=1` runs, so the benchmarks take
# turns: load that comes and goes on a shared machine shifts them alike
# instead of skewing the ratio. ratio = BASELINE ns/op / benchmark ns/op:
# the share of the baseline's speed the benchmark reaches.
set -euo pipefail

if [[ $# -ne 3 ]]; then
	echo "usage: $0 PACKAGE BENCH_REGEXP BASELINE" >&2
	exit 2
fi
pkg="$1" bench="$2" baseline="$3"
GO="${GO:-go}"
ROUNDS="${ROUNDS:-5}"
BENCHTIME="${BENCHTIME:-2s}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

for ((i = 1; i <= ROUNDS; i++)); do
	"$GO" test -run XXX -bench "$bench" -benchmem -benchtime="$BENCHTIME" -count=1 "$pkg" |
		tee -a "$out" | grep '^Benchmark'
done

echo
echo "median of $ROUNDS rounds:"
grep '^Benchmark' "$out" | awk -v baseline="$baseline" '
	{ name = $1; sub(/-[0-9]+$/, "", name); v[name] = v[name] " " $3 }
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	END {
		if (!(baseline in v)) { print "no baseline " baseline " among the benchmarks" > "/dev/stderr"; exit 1 }
		bound = median(v[baseline])
		for (name in v) {
			m = median(v[name])
			printf "%-30s %10.0f ns/op %8.0f ops/s   ratio %.2f\n", name, m, 1e9 / m, bound / m
		}
	}' | sort
