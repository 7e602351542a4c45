# paystate — developer commands. `make test` is the README's test command
# and what CI runs.

GO ?= go
RAPID_CHECKS ?= 10000
BENCH ?= .
BENCHTIME ?= 1s

.PHONY: test check vet unit property bench bench-stores fuzz

## test: everything CI checks, with a throwaway PostgreSQL server for the
## PostgreSQL store (scripts/with-postgres.sh; reuses PAYSTATE_PG_DSN if set)
test:
	scripts/with-postgres.sh $(MAKE) --no-print-directory check

## check: vet, all tests under -race, the long property run (needs PAYSTATE_PG_DSN for pgstore)
check: vet unit property

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

## property: the engine state-machine property with RAPID_CHECKS random runs (no -race: speed)
property:
	$(GO) test -count=1 -run 'TestEngineStateMachine' ./engine/ -rapid.checks=$(RAPID_CHECKS)

## bench: engine benchmarks (compiled table vs naive looplab/fsm per call)
bench:
	$(GO) test -run XXX -bench '$(BENCH)' -benchmem -benchtime=$(BENCHTIME) -count=5 ./engine/

## bench-stores: the README's store benchmarks ("Store benchmarks"): engine
## beside the bare store calls, 1 and 8 workers, on an empty store and on
## one seeded with 1M payments, and outbox claims beside 1M delivered
## messages, for SQLite and a throwaway PostgreSQL. -p 1 runs one backend
## at a time, so the two never share the CPUs. About 11 minutes.
bench-stores:
	scripts/with-postgres.sh $(GO) test -p 1 -run XXX -bench 'BenchmarkStore|BenchmarkClaimOutbox' \
		-benchtime=5s -count=3 -timeout 60m ./store/sqlitestore/ ./store/pgstore/

## fuzz: a long property run (FUZZ_CHECKS, default 200000) and coverage-guided fuzzing (FUZZTIME, default 60s)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -count=1 -run 'TestEngineStateMachine' ./engine/ -rapid.checks=$${FUZZ_CHECKS:-200000}
	$(GO) test -run XXX -fuzz FuzzEngineStateMachine -fuzztime=$(FUZZTIME) ./fuzz/
