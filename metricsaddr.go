package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"hoctap/internal/config"
)

// metricsServer serves /metrics alone on --metrics-addr, so the main
// address can face the clients while Prometheus scrapes an internal one.
// Without --metrics-addr it is off and its methods do nothing: /metrics is
// then a route of the main server.
type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

// listenMetrics listens on cfg.MetricsAddr, if set.
func listenMetrics(cfg *config.Config, metrics http.Handler, log *slog.Logger) (*metricsServer, error) {
	if cfg.MetricsAddr == "" {
		return &metricsServer{}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	return &metricsServer{ln: ln, srv: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      30 * time.Second, // a scrape: Prometheus gives up after 10 s by default
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}, nil
}

// addr is where /metrics is served on a listener of its own, or nil.
func (m *metricsServer) addr() net.Addr {
	if m.ln == nil {
		return nil
	}
	return m.ln.Addr()
}

// serve serves until shutdown; a failure goes to errc.
func (m *metricsServer) serve(errc chan<- error) {
	if m.srv != nil {
		go func() { errc <- fmt.Errorf("metrics: %w", m.srv.Serve(m.ln)) }()
	}
}

// shutdown stops the listener and waits for scrapes in flight.
func (m *metricsServer) shutdown(ctx context.Context) error {
	if m.srv == nil {
		return nil
	}
	if err := m.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down metrics: %w", err)
	}
	return nil
}
