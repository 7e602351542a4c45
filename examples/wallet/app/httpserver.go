package app

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Bounds of every connection the wallet serves (decision 90): a client
// that sends slowly, or not at all, is cut off.
const (
	// readHeaderTimeout bounds the request line and headers.
	readHeaderTimeout = 5 * time.Second
	// readTimeout bounds a whole request, body included: the official
	// SDKs give up after 15 s of reading.
	readTimeout = 15 * time.Second
	// writeTimeout bounds serving a request and writing its answer.
	writeTimeout = 30 * time.Second
	// idleTimeout closes a kept-alive connection that sends nothing.
	idleTimeout = 60 * time.Second
	// maxHeaderBytes bounds a request's headers: an Alipay+ request's are
	// under 1 KB (the Signature header is the longest, ~400 bytes).
	maxHeaderBytes = 16 << 10
	// operatorConnections caps the operator listener.
	operatorConnections = 16
)

// newHTTPServer is the http.Server for handler with the wallet's bounds.
func newHTTPServer(handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serveOperator serves the operator handler (/metrics, /healthz) on ln,
// apart from the API listener so that neither a flood of API clients nor
// its connection cap keeps /healthz from answering. stop closes it.
func serveOperator(handler http.Handler, ln net.Listener, logger *slog.Logger) (stop func()) {
	srv := newHTTPServer(handler, logger)
	go func() { _ = srv.Serve(limitListen(ln, operatorConnections)) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}
