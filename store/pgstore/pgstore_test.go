package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
	"github.com/paystate/paystate/store/storetest"
)

// TestConformance runs the shared store conformance suite, and the engine
// over the store; every subtest gets a fresh schema.
func TestConformance(t *testing.T) {
	pgstoretest.DSN(t)
	newStore := func(t *testing.T) store.Store { return pgstoretest.Open(t) }
	storetest.Run(t, newStore)
	enginetest.RunStore(t, newStore)
}

// openStores opens n Stores, each with its own pool (as n processes would),
// on one fresh schema.
func openStores(t *testing.T, n int) []*pgstore.Store {
	t.Helper()
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	stores := make([]*pgstore.Store, n)
	for i := range stores {
		s, err := pgstore.Open(context.Background(), dsn, pgstore.Options{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		stores[i] = s
	}
	return stores
}

// TestTwoPoolsRefundOnePayment: two Stores with separate pools over one
// schema, as two processes, each with an engine and 8 goroutines refunding
// the same payment with random amounts. The refunds never exceed the paid
// amount, in the end nor in any snapshot a reader sees meanwhile.
func TestTwoPoolsRefundOnePayment(t *testing.T) {
	const (
		perPool    = 8
		perWorker  = 4
		paidAmount = 10_000
		user       = "alice"
	)
	stores := openStores(t, 2)
	ctx := context.Background()
	ledger := memfunds.New() // the wallet's ledger: one, shared by both processes
	ledger.SetBalance(user, "USD", paidAmount)
	ledger.AddAccessToken("token-alice", user)
	engines := make([]*engine.Engine, len(stores))
	for i, s := range stores {
		eng, err := engine.New(s, ledger, engine.Config{ConflictRetries: 1 << 20})
		require.NoError(t, err)
		engines[i] = eng
	}
	p, err := engines[0].Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: "order-1", Scenario: engine.ScenarioAgreement,
		Amount: engine.Money{Currency: "USD", Minor: paidAmount}, AuthCode: "token-alice",
	})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)

	// A reader checks every snapshot it gets while the refunds run.
	done := make(chan struct{})
	var violation atomic.Pointer[string]
	var reads atomic.Int64
	var readerWG sync.WaitGroup
	readerWG.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			snap, err := stores[1].GetPayment(ctx, p.ID)
			if err == nil {
				err = enginetest.CheckRefunds(snap)
			}
			if err != nil {
				msg := err.Error()
				violation.CompareAndSwap(nil, &msg)
			}
			reads.Add(1)
		}
	})

	type outcome struct {
		amount int64
		refund engine.Refund
		err    error
	}
	workers := perPool * len(engines)
	outcomes := make([][]outcome, workers)
	var wg sync.WaitGroup
	for w := range workers {
		eng := engines[w%len(engines)]
		rnd := rand.New(rand.NewPCG(uint64(w), 0x5eed))
		wg.Go(func() {
			for k := range perWorker {
				// On average 200, 12,800 in all: more than was paid.
				amount := 1 + rnd.Int64N(400)
				r, err := eng.Refund(ctx, engine.RefundRequest{
					PartnerID: "shop", RequestID: fmt.Sprintf("refund-%02d-%d", w, k), PaymentID: p.ID,
					Amount: engine.Money{Currency: "USD", Minor: amount},
				})
				outcomes[w] = append(outcomes[w], outcome{amount, r, err})
			}
		})
	}
	wg.Wait()
	close(done)
	readerWG.Wait()
	if v := violation.Load(); v != nil {
		require.Fail(t, "a reader saw the refund rule broken", *v)
	}

	snap, err := stores[0].GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.NoError(t, enginetest.CheckRefunds(snap))
	require.NoError(t, enginetest.CheckFunds(snap, ledger))
	require.Len(t, snap.Refunds, workers*perWorker, "one stored refund per request")
	var succeeded, refused int
	for w, os := range outcomes {
		for k, o := range os {
			switch code := engine.ErrorCode(o.err); code {
			case engine.CodeNone:
				require.Equal(t, engine.RefundSuccess, o.refund.State)
				succeeded++
			case engine.CodeRefundAmountExceed:
				refused++
			default:
				require.NoError(t, o.err, "refund %d-%d", w, k)
			}
			stored, err := stores[k%2].GetRefundByRequest(ctx, "shop", fmt.Sprintf("refund-%02d-%d", w, k))
			require.NoError(t, err)
			require.Equal(t, o.amount, stored.Amount)
			require.Equal(t, o.refund.State.String(), stored.Status)
		}
	}
	require.Positive(t, succeeded)
	require.Positive(t, refused, "more was asked than paid: some refunds are refused")
	require.Zero(t, snap.Payment.HeldAmount, "every credit was answered")
	require.Equal(t, snap.Payment.RefundedAmount, ledger.Balance(user, "USD"), "the ledger credited exactly the successful refunds")
	t.Logf("%d refunds succeeded, %d refused; %d consistent snapshots read meanwhile", succeeded, refused, reads.Load())
}

// testPayment is a small paid payment, version 1.
func testPayment(id string, now time.Time) store.Payment {
	return store.Payment{
		ID: id, PartnerID: "shop", RequestID: "req-" + id, Fingerprint: "fp", Scenario: "AGREEMENT",
		Status: "SUCCESS", Currency: "USD", Amount: 1_000, UserID: "alice",
		NotifyURL: "https://shop.example/notify", CreatedAt: now, UpdatedAt: now, PaidAt: now,
		ExpiresAt: now.Add(3 * time.Minute), Version: 1,
	}
}

// TestTwoPoolsClaimOutbox: dispatchers on two Stores (two pools) claim one
// outbox at once; while the leases are valid no message is handed out
// twice, and every message is handed out.
func TestTwoPoolsClaimOutbox(t *testing.T) {
	const (
		payments   = 30
		perPayment = 10
		perStore   = 4
	)
	stores := openStores(t, 2)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range payments {
		p := testPayment(fmt.Sprintf("pay-%02d", i), now)
		c := store.Change{Payment: p}
		for j := range perPayment {
			c.Outbox = append(c.Outbox, store.OutboxMessage{
				ID: fmt.Sprintf("msg-%02d-%02d", i, j), PaymentID: p.ID, PartnerID: p.PartnerID, RequestID: p.RequestID,
				Kind: "payment_result", NotifyURL: p.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: p.Amount,
				CreatedAt: now, NextAttemptAt: now.Add(-time.Duration(j) * time.Second),
			})
		}
		require.NoError(t, stores[i%2].Commit(ctx, c))
	}

	var mu sync.Mutex
	owners := map[string]string{} // message id -> owner
	var dupes []string
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore)
	for si, s := range stores {
		for d := range perStore {
			owner := fmt.Sprintf("dispatcher-%d-%d", si, d)
			wg.Go(func() {
				for {
					msgs, err := s.ClaimOutbox(ctx, owner, now, time.Hour, 7)
					if err != nil {
						errs <- err
						return
					}
					if len(msgs) == 0 {
						return
					}
					mu.Lock()
					for _, m := range msgs {
						if prev, ok := owners[m.ID]; ok {
							dupes = append(dupes, fmt.Sprintf("%s: %s and %s", m.ID, prev, owner))
						}
						owners[m.ID] = owner
						if m.LeaseOwner != owner || !m.LeaseUntil.Equal(now.Add(time.Hour)) {
							dupes = append(dupes, fmt.Sprintf("%s: returned lease %s until %s", m.ID, m.LeaseOwner, m.LeaseUntil))
						}
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Empty(t, dupes)
	require.Len(t, owners, payments*perPayment, "every message claimed once")

	// While the leases last nobody gets anything.
	msgs, err := stores[0].ClaimOutbox(ctx, "late", now.Add(59*time.Minute), time.Hour, 1000)
	require.NoError(t, err)
	require.Empty(t, msgs)

	// Half are delivered by their owners; a wrong owner's record is refused.
	var delivered int
	for id, owner := range owners {
		s := stores[delivered%2]
		if strings.HasSuffix(id, "0") || strings.HasSuffix(id, "2") || strings.HasSuffix(id, "4") ||
			strings.HasSuffix(id, "6") || strings.HasSuffix(id, "8") {
			require.NoError(t, s.RecordDelivery(ctx, store.Delivery{MessageID: id, Owner: owner, At: now, Delivered: true}))
			delivered++
			continue
		}
		err := s.RecordDelivery(ctx, store.Delivery{MessageID: id, Owner: "intruder", At: now, Delivered: true})
		require.ErrorIs(t, err, store.ErrLeaseLost)
	}
	err = stores[1].RecordDelivery(ctx, store.Delivery{MessageID: "no-such-message", Owner: "x", At: now})
	require.ErrorIs(t, err, store.ErrNotFound)

	// Once the leases expired the undelivered rest is claimable again, in
	// due order.
	msgs, err = stores[1].ClaimOutbox(ctx, "next", now.Add(2*time.Hour), time.Minute, 1000)
	require.NoError(t, err)
	require.Len(t, msgs, payments*perPayment-delivered)
	for i, m := range msgs {
		require.Zero(t, m.Attempts)
		require.Equal(t, "next", m.LeaseOwner)
		if i > 0 {
			prev := msgs[i-1]
			require.True(t, prev.NextAttemptAt.Before(m.NextAttemptAt) ||
				prev.NextAttemptAt.Equal(m.NextAttemptAt) && prev.ID < m.ID, "claim order: %s then %s", prev.ID, m.ID)
		}
	}
}

// TestConcurrentMigration: four processes opening a missing schema at the
// same moment all succeed, and the migrations run exactly once.
func TestConcurrentMigration(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	ctx := context.Background()
	conn := connect(t, dsn)
	_, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()) // Open must create it
	require.NoError(t, err)

	const n = 4
	stores := make([]*pgstore.Store, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "Open %d", i)
		t.Cleanup(stores[i].Close)
	}
	var rows, distinct int
	err = conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT applied_at) FROM "+
		pgx.Identifier{schema, "schema_version"}.Sanitize()).Scan(&rows, &distinct)
	require.NoError(t, err)
	require.Equal(t, pgstore.SchemaVersion(), rows, "one row per migration")
	require.Equal(t, 1, distinct, "all migrations applied in one transaction")

	// The stores work, one sees what another wrote.
	p := testPayment("pay-1", time.Now())
	require.NoError(t, stores[0].Commit(ctx, store.Change{Payment: p}))
	snap, err := stores[3].GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, p.RequestID, snap.Payment.RequestID)
}

// TestRefusesNewerSchema: a schema migrated by newer code is refused, with
// a clear error, and left untouched.
func TestRefusesNewerSchema(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	ctx := context.Background()
	conn := connect(t, dsn)
	newer := pgstore.SchemaVersion() + 1

	t.Run("migrated", func(t *testing.T) {
		schema := pgstoretest.NewSchema(t, dsn)
		s, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		require.NoError(t, err)
		s.Close()
		versions := pgx.Identifier{schema, "schema_version"}.Sanitize()
		_, err = conn.Exec(ctx, "INSERT INTO "+versions+" (version, name) VALUES ($1, 'from_the_future.sql')", newer)
		require.NoError(t, err)

		_, err = pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		require.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
		require.ErrorContains(t, err, fmt.Sprintf("version %d", newer))
		require.ErrorContains(t, err, schema)
		var rows int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+versions).Scan(&rows))
		require.Equal(t, newer, rows)
	})
	t.Run("only version table", func(t *testing.T) {
		schema := pgstoretest.NewSchema(t, dsn)
		versions := pgx.Identifier{schema, "schema_version"}.Sanitize()
		_, err := conn.Exec(ctx, "CREATE TABLE "+versions+" (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "INSERT INTO "+versions+" (version, name) VALUES ($1, 'x')", 99)
		require.NoError(t, err)

		pool, err := pgxpool.New(ctx, dsn)
		require.NoError(t, err)
		defer pool.Close()
		_, err = pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
		require.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
		var tables int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema).Scan(&tables))
		require.Equal(t, 1, tables, "nothing created next to schema_version")
	})
}

// TestNewLeavesCallersPoolOpen: Close of a Store made by New leaves the
// caller's pool alone; the default schema is public.
func TestNewLeavesCallersPoolOpen(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	ctx := context.Background()
	schema := pgstoretest.NewSchema(t, dsn)
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	s, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	require.Equal(t, schema, s.Schema())
	require.Same(t, pool, s.Pool())
	s.Close()
	require.NoError(t, pool.Ping(ctx), "the caller's pool is still open")

	_, err = pgstore.New(ctx, nil, pgstore.Options{})
	require.Error(t, err)
}

// TestOpenErrorsHidePassword: Open's errors name the server but never the
// password, for URL and keyword DSNs, unreachable or unparsable.
func TestOpenErrorsHidePassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close()) // nothing listens there now

	for _, dsn := range []string{
		fmt.Sprintf("postgres://paystate:s3cret@127.0.0.1:%d/paystate?sslmode=disable&connect_timeout=5", port),
		fmt.Sprintf("postgres://paystate@127.0.0.1:%d/paystate?sslmode=disable&password=s3cret&connect_timeout=5", port),
		fmt.Sprintf("host=127.0.0.1 port=%d user=paystate password=s3cret dbname=paystate sslmode=disable connect_timeout=5", port),
		"postgres://paystate:s3cret@127.0.0.1:notaport/paystate",
		"host=127.0.0.1 password='s3cret unterminated",
		fmt.Sprintf("postgres://paystate:s3cret@127.0.0.1:%d/paystate?pool_max_conns=many", port),
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		s, err := pgstore.Open(ctx, dsn, pgstore.Options{})
		cancel()
		require.Nil(t, s)
		require.Error(t, err, dsn)
		msg := fmt.Sprintf("%v | %+v | %#v", err, err, err)
		for e := err; e != nil; e = errors.Unwrap(e) {
			msg += " | " + e.Error()
		}
		require.NotContains(t, msg, "s3cret", "error of Open(%q)", dsn)
		require.Contains(t, err.Error(), "pgstore: open ")
		require.Contains(t, err.Error(), "127.0.0.1", "the error names the server")
		t.Logf("%v", err)
	}
}

// TestQueriesUseIndexes: with sequential scans disabled, every lookup,
// listing and guarded write still finds a plan without one, and the due
// listings and claims use their partial indexes.
func TestQueriesUseIndexes(t *testing.T) {
	s := pgstoretest.Open(t)
	ctx := context.Background()
	wantIndexes := map[string][]string{
		"dueExpiries":      {"payments_due_expiry", "payments_due_auth_expiry"},
		"dueChecks":        {"payments_due_check", "refunds_due_check", "captures_due_check"},
		"claimOutbox":      {"outbox_claimable"},
		"parkedOutbox":     {"outbox_parked"},
		"outboxBacklog":    {"outbox_claimable"},
		"history":          {"events_by_payment"},
		"outbox":           {"outbox_by_payment"},
		"paymentByID":      {"refunds_by_payment", "captures_by_payment"},
		"paymentByRequest": {"payments_request_key", "refunds_by_payment", "captures_by_payment"},
		"loadPayment":      {"payments_pkey", "refunds_pkey", "captures_by_payment"},
		"updateRefund":     {"refunds_pkey"},
		"refundByRequest":  {"refunds_request_key"},
		"updateCapture":    {"captures_pkey"},
		"captureByRequest": {"captures_request_key"},
	}
	conn, err := s.Pool().Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET enable_seqscan = off")
	require.NoError(t, err)
	defer conn.Exec(ctx, "RESET enable_seqscan") //nolint:errcheck
	for _, c := range s.QueryCasesForTest() {
		rows, err := conn.Query(ctx, "EXPLAIN "+c.SQL, c.Args...)
		require.NoError(t, err, c.Name)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err, c.Name)
		plan := strings.Join(lines, "\n")
		require.NotContains(t, plan, "Seq Scan", "%s:\n%s", c.Name, plan)
		for _, idx := range wantIndexes[c.Name] {
			require.Contains(t, plan, idx, "%s:\n%s", c.Name, plan)
		}
	}
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// BenchmarkCommitCreate measures Commit of a small payment creation (one
// payment row, one event) with 1 and 8 goroutines on a pool of 8.
func BenchmarkCommitCreate(b *testing.B) {
	dsn := pgstoretest.DSN(b)
	schema := pgstoretest.NewSchema(b, dsn)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(b, err)
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(b, err)
	defer pool.Close()
	s, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(b, err)

	var seq atomic.Int64
	now := time.Now().UTC()
	for _, goroutines := range []int{1, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, goroutines)
			b.ResetTimer()
			for range goroutines {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						p := testPayment(fmt.Sprintf("bench-%d", seq.Add(1)), now)
						err := s.Commit(ctx, store.Change{Payment: p, Events: []store.Event{
							{PaymentID: p.ID, Seq: 1, At: now, Name: "create", To: p.Status},
						}})
						if err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

// TestZeroDueTimesMatchMemstore: a zero due time (stored as '-infinity')
// means due since forever, exactly as in the in-memory reference store:
// listed and claimed first, at any now, and read back as the zero time.
func TestZeroDueTimesMatchMemstore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []store.Store{memstore.New(), pgstoretest.Open(t)} {
		for i, due := range []time.Time{now.Add(-time.Minute), {}, now, now.Add(time.Minute)} {
			p := testPayment(fmt.Sprintf("pay-%d", i), now)
			p.Status, p.ExpiresAt = "ACCEPT", due
			p.PendingOp, p.NextCheckAt = "debit", due
			r := store.Refund{ID: fmt.Sprintf("ref-%d", i), PaymentID: p.ID, PartnerID: "shop", RequestID: p.ID,
				Currency: "USD", Amount: 1, Status: "INIT", NextCheckAt: due}
			m := store.OutboxMessage{ID: fmt.Sprintf("msg-%d", i), PaymentID: p.ID, NextAttemptAt: due}
			require.NoError(t, s.Commit(ctx, store.Change{Payment: p, NewRefunds: []store.Refund{r}, Outbox: []store.OutboxMessage{m}}))
		}
		snap, err := s.GetPayment(ctx, "pay-1")
		require.NoError(t, err)
		require.True(t, snap.Payment.ExpiresAt.IsZero() && snap.Payment.NextCheckAt.IsZero() && snap.Refunds[0].NextCheckAt.IsZero())

		ids, err := s.DueExpiries(ctx, now, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"pay-1", "pay-0", "pay-2"}, ids, "%T", s)
		ids, err = s.DueExpiries(ctx, time.Time{}, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"pay-1"}, ids, "%T: at the zero time only zero expiries are due", s)
		checks, err := s.DueChecks(ctx, now, 3)
		require.NoError(t, err)
		require.Equal(t, []store.Check{{PaymentID: "pay-1"}, {PaymentID: "pay-1", RefundID: "ref-1"}, {PaymentID: "pay-0"}}, checks, "%T", s)
		msgs, err := s.ClaimOutbox(ctx, "d", time.Time{}, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "%T", s)
		require.Equal(t, "msg-1", msgs[0].ID)
		require.True(t, msgs[0].NextAttemptAt.IsZero())
		require.Equal(t, time.Time{}.Add(time.Minute), msgs[0].LeaseUntil)
	}
}
