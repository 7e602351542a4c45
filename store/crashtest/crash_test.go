package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// childEnv names the backend a re-executed test binary works on.
const childEnv = "PAYSTATE_CRASH_CHILD"

// TestMain turns the test binary into the worker when childEnv is set: it
// pays and refunds as fast as it can and prints one line per acknowledged
// operation, until it is killed.
func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name, os.Getenv("PAYSTATE_CRASH_TARGET"), os.Getenv("PAYSTATE_CRASH_ROUND")))
	}
	os.Exit(m.Run())
}

// kills returns how many times each backend is killed: 20 by default,
// PAYSTATE_CRASH_KILLS to change (the drill target asks for more).
func kills(t *testing.T) int {
	n := 20
	if s := os.Getenv("PAYSTATE_CRASH_KILLS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err, "PAYSTATE_CRASH_KILLS")
		n = v
	}
	return n
}

// ack is one acknowledged operation as the child printed it.
type ack struct {
	kind      string // "pay", "refund" or "capture"
	id        string // payment, refund or capture id
	paymentID string
	state     string
	amount    int64
}

func parseAck(line string) (ack, bool) {
	f := strings.Fields(line)
	if len(f) != 6 || f[0] != "ACK" {
		return ack{}, false
	}
	amount, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return ack{}, false
	}
	return ack{kind: f[1], id: f[2], paymentID: f[3], state: f[4], amount: amount}, true
}

// crashDrill runs the child against target kills times, killing it with
// SIGKILL at a random moment each time, and checks the store after every
// kill.
func crashDrill(t *testing.T, b backend, target string) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acks []ack
	for round := range kills(t) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+b.name, "PAYSTATE_CRASH_TARGET="+target, "PAYSTATE_CRASH_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())

		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let it work for a while after its first acknowledgement, then kill.
		first := <-lines
		if a, ok := parseAck(first); ok {
			acks = append(acks, a)
		}
		time.Sleep(time.Duration(20+rng.IntN(280)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		for line := range lines {
			if a, ok := parseAck(line); ok {
				acks = append(acks, a)
			}
		}
		_ = cmd.Wait()
		checkStore(t, b, target, acks, round)
	}
	t.Logf("%s: %d kills, %d acknowledged operations checked", b.name, kills(t), len(acks))
}

// checkStore reopens the store and holds it against everything the child
// acknowledged and against the invariants.
func checkStore(t *testing.T, b backend, target string, acks []ack, round int) {
	ctx := context.Background()
	st, closeStore, err := b.open(ctx, target)
	require.NoError(t, err, "round %d: reopen", round)
	defer closeStore()

	seen := map[string]bool{}
	// Every payment in the store, acknowledged or not, must be whole: probe
	// the request ids the child used in each round so far.
	for r := 0; r <= round; r++ {
		for i, misses := 0, 0; misses < 64; i++ {
			snap, err := st.GetPaymentByRequest(ctx, "shop", fmt.Sprintf("p%d-%d", r, i))
			if err != nil {
				require.ErrorIs(t, err, store.ErrNotFound)
				misses++
				continue
			}
			misses = 0
			seen[snap.Payment.ID] = true
			checkPayment(t, st, snap, round)
		}
	}
	for _, a := range acks {
		snap, err := st.GetPayment(ctx, a.paymentID)
		require.NoError(t, err, "round %d: acknowledged payment %s lost", round, a.paymentID)
		switch {
		case a.kind == "capture":
			var found *store.Capture
			for i := range snap.Captures {
				if snap.Captures[i].ID == a.id {
					found = &snap.Captures[i]
				}
			}
			require.NotNil(t, found, "round %d: acknowledged capture %s lost", round, a.id)
			require.Equal(t, a.amount, found.Amount)
			if a.state != "INIT" {
				require.Equal(t, a.state, found.Status, "round %d: capture %s", round, a.id)
			}
		case a.kind == "refund":
			r, err := st.GetRefund(ctx, a.id)
			require.NoError(t, err, "round %d: acknowledged refund %s lost", round, a.id)
			require.Equal(t, a.amount, r.Amount)
			if a.state != "INIT" {
				require.Equal(t, a.state, r.Status, "round %d: refund %s", round, a.id)
			}
		case a.state == "SUCCESS" || a.state == "FAIL":
			require.Equal(t, a.state, snap.Payment.Status, "round %d: payment %s", round, a.id)
		}
		if !seen[a.paymentID] {
			seen[a.paymentID] = true
			checkPayment(t, st, snap, round)
		}
	}
}

// checkPayment holds one stored payment against the rules a crash must not
// break (enginetest.CheckPayment): the refund sum, one notification per
// final result, history that ends where the payment stands.
func checkPayment(t *testing.T, st store.Store, snap store.Snapshot, round int) {
	require.NoError(t, enginetest.CheckPayment(context.Background(), st, snap.Payment.ID), "round %d", round)
}

// runChild is the worker: agreement pays of random amounts (a third of
// them authorizations), refunds of random parts of paid payments and
// captures of random parts of authorizations (some the last), each
// acknowledged on stdout once the engine answered.
func runChild(name, target, round string) int {
	ctx := context.Background()
	b, ok := backends[name]
	if !ok {
		fmt.Fprintln(os.Stderr, "crash child: unknown backend", name)
		return 2
	}
	st, closeStore, err := b.open(ctx, target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 2
	}
	defer closeStore()
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<50)
	ledger.AddAccessToken("token-alice", "alice")
	eng, err := engine.New(st, ledger, engine.Config{ConflictRetries: 1 << 20})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 2
	}
	w := bufio.NewWriter(os.Stdout)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	var paid, authorized []engine.Payment
	for i := 0; ; i++ {
		if len(authorized) > 0 && rng.IntN(3) == 0 {
			p := authorized[rng.IntN(len(authorized))]
			c, err := eng.Capture(ctx, engine.CaptureRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("c%s-%d", round, i), PaymentID: p.ID,
				Amount: engine.Money{Currency: "USD", Minor: 1 + rng.Int64N(p.Amount.Minor/3)}, Last: rng.IntN(4) == 0,
			})
			if err == nil || c.ID != "" {
				fmt.Fprintf(w, "ACK capture %s %s %s %d\n", c.ID, p.ID, c.State, c.Amount.Minor)
			}
		} else if len(paid) > 0 && rng.IntN(2) == 0 {
			p := paid[rng.IntN(len(paid))]
			amount := 1 + rng.Int64N(p.Amount.Minor/2)
			r, err := eng.Refund(ctx, engine.RefundRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("r%s-%d", round, i), PaymentID: p.ID,
				Amount: engine.Money{Currency: "USD", Minor: amount},
			})
			if err == nil || r.ID != "" {
				fmt.Fprintf(w, "ACK refund %s %s %s %d\n", r.ID, p.ID, r.State, r.Amount.Minor)
			}
		} else {
			p, err := eng.Pay(ctx, engine.PayRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("p%s-%d", round, i), Scenario: engine.ScenarioAgreement,
				Amount: engine.Money{Currency: "USD", Minor: 100 + rng.Int64N(100_000)}, AuthCode: "token-alice",
				NotifyURL: "https://shop.example/notify", Authorization: rng.IntN(3) == 0,
			})
			if err != nil {
				fmt.Fprintln(os.Stderr, "crash child: pay:", err)
				return 1
			}
			fmt.Fprintf(w, "ACK pay %s %s %s %d\n", p.ID, p.ID, p.State, p.Amount.Minor)
			switch p.State {
			case engine.PaymentSuccess:
				paid = append(paid, p)
			case engine.PaymentAuthorized:
				authorized = append(authorized, p)
			}
		}
		if err := w.Flush(); err != nil {
			return 1
		}
	}
}
