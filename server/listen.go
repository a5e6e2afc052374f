package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeOptions tune Serve.
type ServeOptions struct {
	// ShutdownTimeout is how long in-flight requests get to finish after
	// ctx is cancelled; 0 means 20 s.
	ShutdownTimeout time.Duration
	// Ready, when not nil, receives the listening address once the
	// listener is open (useful with port 0).
	Ready chan<- string
	Log   *slog.Logger
}

// Serve listens on addr and serves h until ctx is cancelled (SIGTERM in
// `clearance serve`), then shuts down gracefully: it stops accepting,
// lets in-flight requests finish, and returns nil.
//
// The timeouts bound what a slow or malicious client can hold: headers
// must arrive within 10 s (slowloris), a whole request within 2 min
// (batch uploads are the big ones), idle keep-alive connections close
// after 2 min.
func Serve(ctx context.Context, addr string, h http.Handler, opts ServeOptions) error {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 20 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute, // result downloads of large batches
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(opts.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if opts.Ready != nil {
		opts.Ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
