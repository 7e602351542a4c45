package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/notify"
	"github.com/paystate/paystate/engine"
)

// front builds the Alipay+ handler and the notifier of cfg: the partners
// with their keys, profiles and rate limits, and the wallet's signing key.
func (s *Server) front(cfg *Config) (*alipayplus.Handler, *notify.Notifier, error) {
	walletKey, err := cfg.walletKey()
	if err != nil {
		return nil, nil, err
	}
	partners, err := cfg.partners()
	if err != nil {
		return nil, nil, err
	}
	apiCfg := alipayplus.Config{
		Engine: s.engine, WalletClientID: cfg.Wallet.ClientID, WalletKey: walletKey,
		WalletKeyVersion: cfg.Wallet.KeyVersion, Partners: partners, Logger: s.logger,
		CashierURL: s.cashierURL,
		SiteName:   cfg.Wallet.SiteName,
		Observe:    s.observe,
	}
	api, err := alipayplus.NewHandler(apiCfg)
	if err != nil {
		return nil, nil, err
	}
	tuning, err := cfg.Worker.durations()
	if err != nil {
		return nil, nil, err
	}
	allowCIDRs, err := cfg.Notify.allowPrefixes()
	if err != nil {
		return nil, nil, err
	}
	// The notifier's own timeout follows the worker's attempt timeout when
	// one is configured (zero keeps the notifier's default).
	notifier, err := notify.New(apiCfg, notify.Options{
		AllowHosts: cfg.Notify.AllowHosts, AllowCIDRs: allowCIDRs, Timeout: tuning[1],
	})
	if err != nil {
		return nil, nil, err
	}
	return api, notifier, nil
}

// apiHandler serves each request with the Alipay+ handler current when it
// arrives: a request in flight during a reload finishes on the handler it
// started with.
func (s *Server) apiHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.api.Load().ServeHTTP(w, r) })
}

// liveNotifier is the worker's notifier: the one of the configuration last
// loaded.
type liveNotifier struct {
	current atomic.Pointer[notify.Notifier]
}

// Notify implements worker.Notifier with the current notifier.
func (l *liveNotifier) Notify(ctx context.Context, n engine.Notification) error {
	return l.current.Load().Notify(ctx, n)
}

// swap makes n current; the previous notifier's idle connections close.
func (l *liveNotifier) swap(n *notify.Notifier) {
	if old := l.current.Swap(n); old != nil {
		old.CloseIdleConnections()
	}
}

func (l *liveNotifier) closeIdle() {
	if n := l.current.Load(); n != nil {
		n.CloseIdleConnections()
	}
}

// Reload reads the configuration file again and, when every key of it is
// good, applies what can change while serving, all at once: the partners
// (their keys, profiles, rate limits, limits and statuses; a new key
// version is accepted as soon as it is listed, an old one until it is
// removed), the users' limits and statuses, the wallet's signing key and
// key version, its site name and the notify allow-lists. A request in
// flight finishes with the configuration it started with. A file with any
// bad value is refused whole with the one-line error of a start, and the
// running configuration stays. Keys read only at start (listen,
// operatorListen, maxConnections, publicURL, store, worker, cashier,
// cashierUser, limitZone, authExpiry, users' balances, tokens and codes) keep their
// running values; the log says when the file changed one of them.
func (s *Server) Reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.cfg.file == "" {
		return errors.New("config: reload: the server was not started from a file")
	}
	next, err := LoadConfig(s.cfg.file)
	if err != nil {
		return err
	}
	if changed := next.keepStartKeys(s.current.Load()); len(changed) > 0 {
		s.logger.Warn("paystate: config reload: keys read only at start keep their running values until a restart", "keys", changed)
	}
	if err := next.Check(); err != nil {
		return err
	}
	rules, err := next.limits()
	if err != nil {
		return err
	}
	api, notifier, err := s.front(next)
	if err != nil {
		return err
	}
	s.api.Store(api)
	s.notifier.swap(notifier)
	s.limits.rules.Store(rules)
	s.current.Store(next)
	s.logger.Info("paystate: configuration reloaded", "file", next.file, "partners", len(next.Partners), "walletKeyVersion", next.Wallet.KeyVersion)
	return nil
}

// keepStartKeys copies into c the running values of the keys read only at
// start, from running, and names those the file changed.
func (c *Config) keepStartKeys(running *Config) []string {
	var changed []string
	keep := func(name string, same bool) {
		if !same {
			changed = append(changed, name)
		}
	}
	keep("listen", c.Listen == running.Listen)
	keep("operatorListen", c.OperatorListen == running.OperatorListen)
	keep("maxConnections", c.MaxConnections == running.MaxConnections)
	keep("store", c.Store == running.Store)
	keep("worker", c.Worker == running.Worker)
	keep("cashier", c.Cashier == running.Cashier)
	keep("cashierUser", c.CashierUser == running.CashierUser)
	keep("limitZone", c.LimitZone == running.LimitZone)
	keep("authExpiry", c.AuthExpiry == running.AuthExpiry)
	c.Listen, c.OperatorListen, c.MaxConnections = running.Listen, running.OperatorListen, running.MaxConnections
	c.PublicURL, c.Store, c.storeBase = running.PublicURL, running.Store, running.storeBase
	c.Worker, c.Cashier, c.CashierUser, c.LimitZone = running.Worker, running.Cashier, running.CashierUser, running.LimitZone
	c.AuthExpiry = running.AuthExpiry
	return changed
}

// reloadHandler is POST /reload on the operator listener: 200 "reloaded"
// or 422 with the reason the file was refused.
func (s *Server) reloadHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.Reload(r.Context()); err != nil {
		s.logger.Error("paystate: config reload refused, the running configuration stays", "error", err)
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintln(w, err)
		return
	}
	fmt.Fprintln(w, "reloaded")
}

// reloadOnSIGHUP reloads the configuration on every SIGHUP until ctx is
// done or stop is called, logging the outcome.
func (s *Server) reloadOnSIGHUP(ctx context.Context) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := s.Reload(ctx); err != nil {
					s.logger.Error("paystate: config reload refused, the running configuration stays", "error", err)
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}

// reloadCommand is the operator command "reload": it asks the running
// server, on cfg's operator listener, to reload its configuration file,
// and prints the answer.
func reloadCommand(ctx context.Context, cfg *Config, out io.Writer) error {
	if cfg.OperatorListen == "" {
		return errors.New("reload: operatorListen is not set; send SIGHUP to the server process instead (kill -HUP PID)")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+cfg.OperatorListen+"/reload", nil)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reload refused, the running configuration stays: %s", strings.TrimSpace(string(body)))
	}
	_, err = out.Write(body)
	return err
}
