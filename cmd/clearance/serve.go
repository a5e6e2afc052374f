package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/ear"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/server"
	"github.com/clearance-oss/clearance/store"
)

func init() {
	register("serve", "run the screening API (and web console) over HTTP", runServe)
}

// ConsoleMount is what the web console needs to be served by `serve`.
type ConsoleMount struct {
	Service        *app.Service
	Store          store.Store
	Node           string
	Log            *slog.Logger
	MaxUploadBytes int64
}

// mountConsole builds the web console handler served at every path the API
// does not claim. The console's own file in this directory sets it in
// init; when nil, `serve` serves the API only.
var mountConsole func(ConsoleMount) (http.Handler, error)

// serveOptions are the flags of `clearance serve`.
type serveOptions struct {
	addr           string
	maxBody        int64
	maxUpload      int64
	requestTimeout time.Duration
	accessLog      bool
	logLevel       string
	cpuProfile     string
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "[--addr 127.0.0.1:8080] [--data-dir DIR | --database URL]")
	var o serveOptions
	fs.StringVar(&o.addr, "addr", envDefault(env, "CLEARANCE_ADDR", "127.0.0.1:8080"), "listen address (env CLEARANCE_ADDR)")
	sf := addStoreFlags(fs, env)
	fs.Int64Var(&o.maxBody, "max-body", envInt64(env, "CLEARANCE_MAX_BODY", server.DefaultMaxBodyBytes), "largest JSON request body in bytes (env CLEARANCE_MAX_BODY)")
	fs.Int64Var(&o.maxUpload, "max-upload", envInt64(env, "CLEARANCE_MAX_UPLOAD", server.DefaultMaxUploadBytes), "largest batch upload in bytes (env CLEARANCE_MAX_UPLOAD)")
	fs.DurationVar(&o.requestTimeout, "request-timeout", server.DefaultRequestTimeout, "longest time one request may take")
	fs.BoolVar(&o.accessLog, "access-log", envDefault(env, "CLEARANCE_ACCESS_LOG", "") == "true", "log every request (env CLEARANCE_ACCESS_LOG=true)")
	fs.StringVar(&o.logLevel, "log-level", envDefault(env, "CLEARANCE_LOG_LEVEL", "info"), "debug, info, warn or error (env CLEARANCE_LOG_LEVEL)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the server, from start to shutdown, to this file (go tool pprof)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, pos)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, o.logLevel)
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))

	start := time.Now()
	snap, err := snapshot.Default()
	if err != nil {
		return err
	}
	ix := match.NewIndex(snap.Entities)
	engine, err := ear.New(ix)
	if err != nil {
		return fmt.Errorf("license engine: %w", err)
	}
	log.Info("lists loaded", "snapshot", snap.Version, "entities", ix.Len(), "took", time.Since(start).Round(time.Millisecond))

	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := app.New(app.Config{Index: ix, Snapshot: app.SnapshotInfo(snap), Store: st, Checker: app.EARChecker{Engine: engine}, Node: auditNode(), Log: log})
	if err != nil {
		return err
	}
	defer svc.Close()

	cfg := server.Config{Service: svc, Log: log, AccessLog: o.accessLog, MaxBodyBytes: o.maxBody, MaxUploadBytes: o.maxUpload, RequestTimeout: o.requestTimeout}
	if mountConsole != nil {
		h, err := mountConsole(ConsoleMount{Service: svc, Store: st, Node: auditNode(), Log: log, MaxUploadBytes: o.maxUpload})
		if err != nil {
			return fmt.Errorf("console: %w", err)
		}
		cfg.Console = h
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}

	keys, err := st.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("store %s: %w", sf.describe(), err)
	}
	if len(keys) == 0 {
		// First start: nothing can call the API until a key exists.
		fmt.Fprintf(env.Stderr, "\nNo API keys yet. Create an admin key (printed once) in another shell:\n\n"+
			"    clearance keys create --role admin %s\n\nthen call the API with it:\n\n"+
			"    curl -H \"Authorization: Bearer $KEY\" -d '{\"name\":\"Hikvision\"}' http://%s/v1/screen\n\n",
			storeFlagArgs(sf), o.addr)
	}
	if o.cpuProfile != "" {
		// Profiling the serving process alone, without a load generator
		// in it (loadtest --self), is how docs/api.md's shares were taken.
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	ready := make(chan string, 1)
	go func() {
		if addr, ok := <-ready; ok {
			log.Info("serving", "addr", "http://"+addr, "store", sf.describe(), "openapi", "http://"+addr+"/openapi.json")
		}
	}()
	err = server.Serve(ctx, o.addr, srv, server.ServeOptions{Ready: ready, Log: log})
	close(ready)
	if err != nil {
		return err
	}
	log.Info("shut down")
	return nil
}

// storeFlagArgs repeats the store flags for a hint the user can paste.
func storeFlagArgs(sf *storeFlags) string {
	if sf.database != "" {
		return "--database '" + redactURL(sf.database) + "'"
	}
	return "--data-dir " + sf.dataDir
}

// envInt64 reads an integer environment variable, or def.
func envInt64(env *Env, key string, def int64) int64 {
	v := envDefault(env, key, "")
	if v == "" {
		return def
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
		fmt.Fprintf(env.Stderr, "clearance: ignoring %s=%q (want a positive integer)\n", key, v)
		return def
	}
	return n
}
