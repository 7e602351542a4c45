# paystate — developer commands. `make test` is the README's test command
# and what CI runs.

GO ?= go
RAPID_CHECKS ?= 10000
BENCH ?= .
BENCHTIME ?= 1s

.PHONY: test check vet unit property fuzz-short drills bench bench-adapter bench-worker bench-stores bench-http fuzz

## test: everything CI checks, with a throwaway PostgreSQL server for the
## PostgreSQL store (scripts/with-postgres.sh; reuses PAYSTATE_PG_DSN if set)
test:
	scripts/with-postgres.sh $(MAKE) --no-print-directory check

## check: vet, all tests under -race (the drills' short version among
## them), the long property run, a short run of every fuzz target (needs
## PAYSTATE_PG_DSN for pgstore and the drills)
check: vet unit property fuzz-short

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

## property: the engine state-machine property with RAPID_CHECKS random runs (no -race: speed)
property:
	$(GO) test -count=1 -run 'TestEngineStateMachine' ./engine/ -rapid.checks=$(RAPID_CHECKS)

## fuzz-short: every fuzz target for FUZZSHORT executions (default 5000x,
## about 0.5 to 3 s each), as the test command's share of fuzzing; a crasher
## fails it and is left under fuzz/testdata/fuzz/ to commit as a regression
## seed. The budgets are counts, not durations: with a duration, Go 1.26's
## fuzz coordinator can fail a target with a bare "context deadline
## exceeded" when the time runs out during an execution on a loaded
## machine (golang/go#75804, fixed in Go 1.27); a count has no deadline.
FUZZSHORT ?= 5000x
FUZZSHORTMINIMIZE ?= 1000x
fuzz-short:
	@targets="$$($(GO) test -list '^Fuzz' ./fuzz/ | grep '^Fuzz')" && test -n "$$targets" && \
	for t in $$targets; do \
		$(GO) test -run XXX -fuzz "^$$t\$$" -fuzztime=$(FUZZSHORT) -fuzzminimizetime=$(FUZZSHORTMINIMIZE) ./fuzz/ >/dev/null || \
			{ echo "fuzz-short: $$t failed; rerun: go test -run XXX -fuzz '^$$t\$$' ./fuzz/"; exit 1; }; \
		echo "fuzz-short: $$t ok ($(FUZZSHORT))"; \
	done

## drills: the fault drills of examples/drills at full length (DRILL_KILLS
## SIGKILLs per crash drill, default 20; DRILL_FAILOVERS primary losses in
## the failover drill, default 3, which needs patroni and etcd) with a
## throwaway PostgreSQL; prints each drill's result line (docs/reliability.md)
DRILL_KILLS ?= 20
DRILL_FAILOVERS ?= 3
drills:
	@log="$$(mktemp)"; \
	scripts/with-postgres.sh $(GO) test -count=1 -v -timeout 30m ./examples/drills/ -drill.kills=$(DRILL_KILLS) -drill.failovers=$(DRILL_FAILOVERS) >"$$log" 2>&1; \
	status=$$?; grep -E 'RESULT|^(--- )?(FAIL|ok|PASS)|violations' "$$log"; \
	test $$status -eq 0 || echo "drills failed; full log: $$log"; exit $$status

## bench: engine benchmarks (compiled table vs naive looplab/fsm per call)
bench:
	$(GO) test -run XXX -bench '$(BENCH)' -benchmem -benchtime=$(BENCHTIME) -count=5 ./engine/

## bench-adapter: signed pay and refund through the Alipay+ handler beside
## the bare RSA-2048 sign + verify that bounds them, in 5 interleaved rounds,
## with medians and ratios (docs/benchmarks.md, "Adapter benchmark")
bench-adapter:
	GO=$(GO) scripts/bench-adapter.sh

## bench-worker: notifications delivered by the worker to a loopback
## merchant beside bare signed POSTs to it, in 5 interleaved rounds, with
## medians and ratios (docs/benchmarks.md, "Notification delivery benchmark")
bench-worker:
	GO=$(GO) scripts/bench-worker.sh

## bench-http: the whole wallet process over loopback HTTP on SQLite and a
## throwaway PostgreSQL: agreement pays (with their notifications), refunds
## and inquiries at 1 and 16 concurrent requests, the wallet's CPU per
## request beside the bare RSA-2048 verify + signs, in interleaved rounds
## (docs/benchmarks.md, "Whole-process HTTP benchmark"). HTTPBENCH_ARGS adds
## flags, e.g. HTTPBENCH_ARGS='-rounds 9 -cpuprofile-dir /tmp/prof'.
HTTPBENCH_ARGS ?=
bench-http:
	GO=$(GO) scripts/bench-http.sh $(HTTPBENCH_ARGS)

## bench-stores: the store benchmarks (docs/benchmarks.md, "Store benchmarks"): the
## engine beside the store's own SQL statements sent directly ("sql") and
## beside the bare store calls ("store"), 1 and 8 workers, on an empty store
## and on one seeded with 1M payments, and outbox claims beside 1M delivered
## messages, for SQLite and a throwaway PostgreSQL. STORE_ROUNDS rounds run
## every case in turns, so load on the machine shifts the runs compared
## alike; each benchmark ends with a table of medians and ratios. -p 1 runs
## one backend at a time, so the two never share the CPUs. The PostgreSQL
## server gets STORE_PG_OPTS: shared_buffers that hold the 1.5 GB seeded
## schema, as a production server's would. About 12 minutes.
STORE_ROUNDS ?= 7
STORE_BENCHTIME ?= 2s
STORE_PG_OPTS ?= -c shared_buffers=4GB
bench-stores:
	PAYSTATE_PG_OPTS='$(STORE_PG_OPTS)' scripts/with-postgres.sh $(GO) test -p 1 -run XXX -bench 'BenchmarkStore|BenchmarkClaimOutbox' \
		-benchtime=$(STORE_BENCHTIME) -count=1 -timeout 60m ./store/sqlitestore/ ./store/pgstore/ -bench.rounds=$(STORE_ROUNDS)

## fuzz: a long property run (FUZZ_CHECKS, default 200000), then coverage-guided
## fuzzing of every Fuzz target in fuzz/, one after another (go test -fuzz takes
## one target), FUZZTIME each (default 60s). Minimizing a new input stops after
## FUZZMINIMIZETIME: the handler targets run ~1 ms per input, and go's default
## of 60s per input would leave them little time to fuzz.
FUZZTIME ?= 60s
FUZZMINIMIZETIME ?= 5s
fuzz:
	$(GO) test -count=1 -run 'TestEngineStateMachine' ./engine/ -rapid.checks=$${FUZZ_CHECKS:-200000}
	@targets="$$($(GO) test -list '^Fuzz' ./fuzz/ | grep '^Fuzz')" && test -n "$$targets" && \
	for t in $$targets; do \
		echo "== $$t"; \
		$(GO) test -run XXX -fuzz "^$$t\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) ./fuzz/ || exit 1; \
	done
