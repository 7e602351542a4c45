package alipayplus

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// countingBody is a request body that counts the bytes taken from it.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// TestBodyNotReadBeforeHeadersPass: a request that has not named a known
// Client-Id with a well-formed Request-Time and Signature is refused
// without a byte of its body read, whatever its size.
func TestBodyNotReadBeforeHeadersPass(t *testing.T) {
	f := newTransportFixture(t, nil)
	nobody := &client.Client{ClientID: "nobody", Key: f.keys.A1, Now: f.clock.Now}
	cases := []struct {
		name   string
		signer *client.Client
		tamper func(r *http.Request)
		code   string
	}{
		{"no credentials", nil, nil, wire.CodeInvalidClient},
		{"unknown Client-Id", nobody, nil, wire.CodeInvalidClient},
		{"stale Request-Time", f.clientA, func(r *http.Request) { r.Header.Set("Request-Time", "2000-01-01T00:00:00Z") }, wire.CodeInvalidSignature},
		{"malformed Signature", f.clientA, func(r *http.Request) { r.Header.Set("Signature", "nonsense") }, wire.CodeInvalidSignature},
		{"unknown key version", f.clientA, func(r *http.Request) { r.Header.Set("Signature", "algorithm=RSA256, keyVersion=9, signature=AAAA") }, wire.CodeKeyNotFound},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			body := &countingBody{r: bytes.NewReader(bytes.Repeat([]byte("x"), 100_000))}
			r := f.newRequest(t, tt.signer, echoPath, echoBody)
			if tt.tamper != nil {
				tt.tamper(r)
			}
			r.Body, r.ContentLength = io.NopCloser(body), 100_000
			_, res := f.serve(t, r)
			wantResult(t, res, wire.StatusFail, tt.code)
			if n := body.read.Load(); n != 0 {
				t.Fatalf("%d body bytes read before the refusal", n)
			}
		})
	}
}

// blockingBody is a body whose reads wait until release is closed.
type blockingBody struct {
	started *atomic.Int32
	release chan struct{}
	rest    io.Reader
	once    sync.Once
}

func (b *blockingBody) Read(p []byte) (int, error) {
	b.once.Do(func() { b.started.Add(1); <-b.release })
	return b.rest.Read(p)
}

// TestConcurrentBodyReadsAreCapped: with MaxConcurrentBodies 8, five
// signed requests of one Client-Id whose bodies stall have at most two
// bodies being read (the Client-Id's quarter of the slots); the others
// wait without reading, and all are answered once the bodies arrive.
func TestConcurrentBodyReadsAreCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newTransportFixture(t, func(c *Config) { c.MaxConcurrentBodies = 8 })
		var started atomic.Int32
		release := make(chan struct{})
		recs := make([]*httptest.ResponseRecorder, 5)
		reqs := make([]*http.Request, 5)
		var wg sync.WaitGroup
		for i := range recs {
			reqs[i] = f.newRequest(t, f.clientA, echoPath, echoBody)
			reqs[i].Body = io.NopCloser(&blockingBody{started: &started, release: release, rest: bytes.NewReader(echoBody)})
			recs[i] = httptest.NewRecorder()
			wg.Go(func() { f.h.ServeHTTP(recs[i], reqs[i]) })
		}
		synctest.Wait()
		if n := started.Load(); n != 2 {
			t.Fatalf("%d bodies being read at once, want 2 (a quarter of MaxConcurrentBodies)", n)
		}
		close(release)
		wg.Wait()
		for i, rec := range recs {
			if res := f.checkAnswer(t, reqs[i], rec); rec.Code != http.StatusOK || res.ResultStatus != wire.StatusSuccess {
				t.Fatalf("request %d: HTTP %d %+v", i, rec.Code, res)
			}
		}
	})
}

// TestStalledBodiesHoldOnlyTheirClientsSlots: requests naming one
// Client-Id whose bodies stall hold only that Client-Id's slots: another
// partner's request is served meanwhile, and a further request of the
// stalling Client-Id is answered 503 U UNKNOWN_EXCEPTION (retry) after
// waiting bodySlotWait, without its body being read.
func TestStalledBodiesHoldOnlyTheirClientsSlots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newTransportFixture(t, func(c *Config) { c.MaxConcurrentBodies = 4 }) // one slot per Client-Id
		var started atomic.Int32
		release := make(chan struct{})
		stalled := f.newRequest(t, f.clientA, echoPath, echoBody)
		stalled.Body = io.NopCloser(&blockingBody{started: &started, release: release, rest: bytes.NewReader(echoBody)})
		var wg sync.WaitGroup
		stalledRec := httptest.NewRecorder()
		wg.Go(func() { f.h.ServeHTTP(stalledRec, stalled) })
		synctest.Wait()

		other := f.newRequest(t, f.clientB, echoPath, echoBody)
		otherRec := httptest.NewRecorder()
		f.h.ServeHTTP(otherRec, other)
		if res := f.checkAnswer(t, other, otherRec); otherRec.Code != http.StatusOK || res.ResultStatus != wire.StatusSuccess {
			t.Fatalf("another partner's request beside a stalled body: HTTP %d %+v", otherRec.Code, res)
		}

		var waitingStarted atomic.Int32
		waiting := f.newRequest(t, f.clientA, echoPath, echoBody)
		waiting.Body = io.NopCloser(&blockingBody{started: &waitingStarted, release: release, rest: bytes.NewReader(echoBody)})
		waitingRec := httptest.NewRecorder()
		began := time.Now()
		f.h.ServeHTTP(waitingRec, waiting)
		res := f.checkAnswer(t, waiting, waitingRec)
		if waitingRec.Code != http.StatusServiceUnavailable || res.ResultStatus != wire.StatusUnknown || res.ResultCode != wire.CodeUnknownException {
			t.Fatalf("a request waiting for its Client-Id's slot: HTTP %d %+v, want 503 U UNKNOWN_EXCEPTION", waitingRec.Code, res)
		}
		if waited := time.Since(began); waited != bodySlotWait || waitingStarted.Load() != 0 {
			t.Fatalf("answered after %s (want %s) with its body read %d times", waited, bodySlotWait, waitingStarted.Load())
		}
		close(release)
		wg.Wait()
		if stalledRec.Code != http.StatusOK {
			t.Fatalf("the stalled request, once its body came: HTTP %d %s", stalledRec.Code, stalledRec.Body)
		}
	})
}

// TestRefusalsAreSignedOnce: the same refusal, sent again and again, is
// signed once and the same verified answer is reused while fresh; past the
// signing budget, new refusals go out unsigned, and the budget refills
// with time.
func TestRefusalsAreSignedOnce(t *testing.T) {
	f := newTransportFixture(t, nil)
	counted := func(r *http.Request) (*httptest.ResponseRecorder, string) {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		return rec, rec.Header().Get("Signature")
	}
	first, sig := counted(f.newRequest(t, nil, echoPath, echoBody))
	f.checkAnswer(t, f.newRequest(t, nil, echoPath, echoBody), first)
	for range 50 {
		r := f.newRequest(t, nil, echoPath, echoBody)
		rec, again := counted(r)
		if again != sig || rec.Header().Get("Response-Time") != first.Header().Get("Response-Time") {
			t.Fatalf("a repeated refusal was signed anew")
		}
		f.checkAnswer(t, r, rec)
	}
	f.clock.Advance(rejectionAnswerTTL)
	if _, again := counted(f.newRequest(t, nil, echoPath, echoBody)); again == sig {
		t.Fatalf("a refusal older than %s was sent again", rejectionAnswerTTL)
	}

	// The budget: 3 fresh signatures, then unsigned, then one a second.
	elapsed := time.Unix(0, 0)
	f.h.refusals = newRejectionSigner()
	f.h.refusals.burst, f.h.refusals.perSecond, f.h.refusals.tokens = 3, 1, 3
	f.h.refusals.elapsed = func() time.Time { return elapsed }
	path := func(i int) string { return "/v1/payments/nothing-" + strings.Repeat("x", i) }
	for i := range 5 {
		rec, s := counted(f.newRequest(t, nil, path(i), nil))
		if signed := s != ""; signed != (i < 3) {
			t.Fatalf("refusal %d signed %v", i, signed)
		}
		if rec.Code != http.StatusNotFound || rec.Header().Get("Response-Time") == "" {
			t.Fatalf("refusal %d: HTTP %d, headers %v", i, rec.Code, rec.Header())
		}
	}
	elapsed = elapsed.Add(time.Second)
	if _, s := counted(f.newRequest(t, nil, path(9), nil)); s == "" {
		t.Fatalf("the budget did not refill")
	}
	// Cached refusals stay signed when the budget is spent.
	if _, s := counted(f.newRequest(t, nil, path(0), nil)); s == "" {
		t.Fatalf("a cached refusal went out unsigned")
	}
}

// recordingHandler keeps the messages and attributes of log records.
type recordingHandler struct {
	mu    sync.Mutex
	lines []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	h.mu.Lock()
	h.lines = append(h.lines, b.String())
	h.mu.Unlock()
	return nil
}

// TestRefusalLogIsLimited: a known Client-Id sending bad signatures gets
// five full log lines a minute, then one summary with the count of the
// rest; another Client-Id's lines are counted apart.
func TestRefusalLogIsLimited(t *testing.T) {
	rec := &recordingHandler{}
	f := newTransportFixture(t, func(c *Config) { c.Logger = slog.New(rec) })
	now := time.Unix(0, 0)
	f.h.rejections.now = func() time.Time { return now }
	badSignature := func(c *client.Client) {
		r := f.newRequest(t, c, echoPath, echoBody)
		r.Header.Set("Signature", "algorithm=RSA256, keyVersion=1, signature=AAAA")
		_, res := f.serve(t, r)
		wantResult(t, res, wire.StatusFail, wire.CodeInvalidSignature)
	}
	for range 20 {
		badSignature(f.clientA)
	}
	badSignature(f.clientB)
	count := func(part string) int {
		n := 0
		for _, l := range rec.lines {
			if strings.Contains(l, part) {
				n++
			}
		}
		return n
	}
	if n := count("clientId=" + testClientA + " knownClient=true resultCode=INVALID_SIGNATURE"); n != rejectLinesPerWindow {
		t.Fatalf("%d lines for %s, want %d:\n%s", n, testClientA, rejectLinesPerWindow, strings.Join(rec.lines, "\n"))
	}
	if n := count("clientId=" + testClientB + " knownClient=true resultCode=INVALID_SIGNATURE"); n != 1 {
		t.Fatalf("%d lines for %s, want 1", n, testClientB)
	}
	now = now.Add(rejectLogWindow)
	badSignature(f.clientB)
	want := "alipayplus: rejected requests not logged clientId=" + testClientA + " knownClient=true count=15"
	if count(want) != 1 {
		t.Fatalf("no summary %q in:\n%s", want, strings.Join(rec.lines, "\n"))
	}
}
