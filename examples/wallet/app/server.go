package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/worker"
	"github.com/paystate/paystate/examples/wallet/ledger"
	"github.com/paystate/paystate/store/pgstore"
)

// Server is a running wallet: the Alipay+ endpoints, the cashier page,
// health and metrics, and the background worker, over one store.
type Server struct {
	cfg    *Config
	logger *slog.Logger
	stores *stores
	engine *engine.Engine
	ledger *ledger.Ledger
	worker *worker.Worker
	limits *liveLimits // the engine's rules, swapped by a reload
	// api and notifier are the Alipay+ handler and the notifier of the
	// configuration last loaded, swapped whole by a reload (reload.go).
	api        atomic.Pointer[alipayplus.Handler]
	notifier   liveNotifier
	reloadMu   sync.Mutex             // one reload at a time
	current    atomic.Pointer[Config] // the configuration last loaded (cfg: the one started with)
	cashierURL func(paymentID string) string
	observe    func(alipayplus.Observation)
	handler    http.Handler
	// operator serves /metrics and /healthz on Config.OperatorListen.
	operator http.Handler
	closers  []func()
}

// New opens the store and the ledger of cfg (migrating both), seeds the
// configured users, and builds the server. Close releases what it opened.
func New(ctx context.Context, cfg *Config, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, logger: logger}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	var err error
	if s.stores, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.stores.close)
	if s.ledger, err = openLedger(ctx, cfg, s.stores); err != nil {
		return nil, err
	}
	rules, err := cfg.limits()
	if err != nil {
		return nil, err
	}
	zone, err := cfg.limitZone()
	if err != nil {
		return nil, err
	}
	authExpiry, err := cfg.authExpiry()
	if err != nil {
		return nil, err
	}
	s.limits = newLiveLimits(rules)
	// The ledger is an engine.Holds too, which New finds on it: the
	// engine offers authorization payments.
	s.engine, err = engine.New(s.stores.store, s.ledger, engine.Config{
		Logger:     logger,
		OnOutbox:   func() { s.worker.Wake() },
		Handoff:    workerHandoff{s},
		Limits:     s.limits,
		LimitZone:  zone,
		AuthExpiry: authExpiry,
	})
	if err != nil {
		return nil, err
	}
	cash, err := newCashier(cfg, s.engine, logger)
	if err != nil {
		return nil, err
	}
	metrics, err := newMetrics(logger)
	if err != nil {
		return nil, err
	}
	s.cashierURL, s.observe = cash.URL, metrics.observe
	s.current.Store(cfg)
	api, notifier, err := s.front(cfg)
	if err != nil {
		return nil, err
	}
	s.api.Store(api)
	s.notifier.swap(notifier)
	s.closers = append(s.closers, s.notifier.closeIdle)
	tuning, err := cfg.Worker.durations()
	if err != nil {
		return nil, err
	}
	if s.worker, err = worker.New(worker.Config{
		Engine: s.engine, Store: s.stores.store, Notifier: &s.notifier, Logger: logger,
		Lease: tuning[0], AttemptTimeout: tuning[1], Poll: tuning[2],
	}); err != nil {
		return nil, err
	}
	if err = metrics.registry.Register(newScraped(s.stores.store, s.engine.Unresolved, s.worker.Stats)); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle("/v1/payments/", s.apiHandler())
	mux.Handle("/ams/api/v1/payments/", s.apiHandler())
	mux.Handle(cash.Prefix(), cash)
	if cfg.OperatorListen == "" {
		mux.Handle("GET /metrics", metrics) // no operator listener: the demo's single port
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /{$}", s.home)
	s.handler = mux
	operator := http.NewServeMux()
	operator.Handle("GET /metrics", metrics)
	operator.HandleFunc("GET /healthz", s.healthz)
	operator.HandleFunc("POST /reload", s.reloadHandler)
	s.operator = operator
	ok = true
	return s, nil
}

// Handler serves everything the wallet answers to merchants and users
// over HTTP (and /metrics, when no operator listener is configured).
func (s *Server) Handler() http.Handler { return s.handler }

// Operator serves what Config.OperatorListen answers: /metrics and
// /healthz.
func (s *Server) Operator() http.Handler { return s.operator }

// Engine is the server's engine, for tools and tests in this process.
func (s *Server) Engine() *engine.Engine { return s.engine }

// Run serves on ln and runs the worker until ctx is done, then shuts down
// gracefully: it stops accepting, lets requests in flight finish (at most
// 10 s), stops the worker (sends in flight are recorded) and returns.
// ln is capped at Config.MaxConnections open connections, and every
// connection is bounded in time and header size (newHTTPServer).
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	maxConns := s.cfg.MaxConnections
	if maxConns == 0 {
		maxConns = DefaultMaxConnections
	}
	ln = limitListen(ln, maxConns)
	srv := newHTTPServer(s.handler, s.logger)
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- s.worker.Run(workCtx) }()
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(ln) }()

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveDone:
	}
	s.logger.Info("paystate: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		err = errors.Join(err, serr)
	}
	stopWork()
	err = errors.Join(err, <-workerDone)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Start runs Run on ln in the background. stop ends it gracefully, waits
// for it and returns Run's result; calling it again returns the same.
// The caller still calls Close afterwards.
func (s *Server) Start(ctx context.Context, ln net.Listener) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	var once sync.Once
	var result error
	return func() error {
		once.Do(func() {
			cancel()
			result = <-done
		})
		return result
	}
}

// Close releases the store and connections. Call it after Run returned.
func (s *Server) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// Serve is the wallet command's main: it listens on cfg.Listen, builds the
// server and runs until ctx is done. ready, when not nil, is called once
// the address and public URL are known, before the first request; its
// error stops the server before it serves.
func Serve(ctx context.Context, cfg *Config, logger *slog.Logger, out io.Writer, ready func(*Config) error) error {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	// A public URL that is just the listen address follows the port the
	// system picked for ":0".
	if cfg.PublicURL == "http://"+cfg.Listen {
		cfg.PublicURL = localURL(ln.Addr().String())
	}
	s, err := New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer s.Close()
	if cfg.OperatorListen != "" {
		opLn, err := net.Listen("tcp", cfg.OperatorListen)
		if err != nil {
			return fmt.Errorf("listen for operators: %w", err)
		}
		stopOperator := serveOperator(s.operator, opLn, s.logger)
		defer stopOperator()
		fmt.Fprintf(out, "paystate operator endpoints (/metrics, /healthz) on http://%s\n", opLn.Addr())
	}
	stopReloads := s.reloadOnSIGHUP(ctx)
	defer stopReloads()
	if ready != nil {
		if err := ready(cfg); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "paystate wallet listening on http://%s (public URL %s, store %s)\n", ln.Addr(), cfg.PublicURL, pgstore.RedactDSN(cfg.Store))
	return s.Run(ctx, ln)
}

// healthz answers 200 when the store answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.stores.store.DueExpiries(ctx, time.Time{}, 1); err != nil {
		s.logger.Error("paystate: health check: store does not answer", "error", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// home says what this server is.
func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "paystate reference wallet (client id %s)\n\nAlipay+ endpoints: POST /v1/payments/{pay,inquiryPayment,cancel,refund,inquiryRefund,capture}\nCashier: %s<paymentId>\nHealth: /healthz   Metrics: /metrics\n",
		s.cfg.Wallet.ClientID, cashierPrefix)
}

// localURL is the http URL of a listen address, naming 127.0.0.1 for an
// unspecified host (":8080", "0.0.0.0:8080", "[::]:8080"), which a browser
// cannot open.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
