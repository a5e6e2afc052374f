package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/ear"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/server"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// loadtestNames are the names the load generator screens, one per line:
// listed names, misspellings and clear names, so the index does real work.
//
//go:embed loadtest_names.txt
var loadtestNames string

// maxLoadDuration bounds a run: the load generator is for measuring, not
// for leaving a machine busy.
const maxLoadDuration = 5 * time.Minute

func init() {
	register("loadtest", "measure POST /v1/screen throughput and latency against 127.0.0.1", runLoadtest)
}

type loadOptions struct {
	url      string
	key      string
	workers  int
	duration time.Duration
	warmup   time.Duration
	self     bool
	dataDir  string
	jsonOut  bool
	cpuProf  string
}

func runLoadtest(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "loadtest", "[--url http://127.0.0.1:8080] [--key KEY] [--workers 32] [--duration 10s] | --self")
	var o loadOptions
	fs.StringVar(&o.url, "url", envDefault(env, "CLEARANCE_URL", "http://127.0.0.1:8080"), "server to load (loopback only; env CLEARANCE_URL)")
	fs.StringVar(&o.key, "key", envDefault(env, "CLEARANCE_API_KEY", ""), "analyst or admin API key (env CLEARANCE_API_KEY)")
	fs.IntVar(&o.workers, "workers", 32, "concurrent keep-alive connections")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured duration (at most 5m)")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured warm-up before the measurement")
	fs.BoolVar(&o.self, "self", false, "start an in-process server on 127.0.0.1 with a fresh SQLite store (in --data-dir or a temporary directory) and load it")
	fs.StringVar(&o.dataDir, "data-dir", "", "with --self: where to put the SQLite store (default: a temporary directory, removed afterwards)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	fs.StringVar(&o.cpuProf, "cpuprofile", "", "with --self: write a CPU profile of the measured run (server and generator) to this file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, pos)
	}
	if o.workers < 1 || o.workers > 1024 {
		return fmt.Errorf("%w: --workers %d: want 1..1024", errUsage, o.workers)
	}
	if o.duration <= 0 || o.duration > maxLoadDuration || o.warmup < 0 || o.warmup > time.Minute {
		return fmt.Errorf("%w: --duration must be in (0, 5m] and --warmup in [0, 1m]", errUsage)
	}
	names := loadNames()
	if o.self {
		stop, url, key, err := startSelfServer(ctx, env, o.dataDir)
		if err != nil {
			return err
		}
		defer stop()
		o.url, o.key = url, key
	}
	target, err := loopbackURL(o.url)
	if err != nil {
		return err
	}
	if o.key == "" {
		return fmt.Errorf("%w: --key (or CLEARANCE_API_KEY) is required: an analyst key (clearance keys create --role analyst)", errUsage)
	}
	if o.cpuProf != "" {
		f, err := os.Create(o.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := generateLoad(ctx, target+"/v1/screen", o.key, names, o.workers, o.warmup, o.duration)
	if err != nil {
		return err
	}
	rep.Self = o.self
	if o.jsonOut {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintln(env.Stdout, rep)
	if rep.Errors > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d requests failed", rep.Errors)}
	}
	return nil
}

func loadNames() []string {
	var out []string
	for _, l := range strings.Split(loadtestNames, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// loopbackURL accepts only http URLs whose host is a loopback address: the
// load generator must not be pointed at someone else's server.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", fmt.Errorf("%w: --url %q: want http://127.0.0.1:PORT", errUsage, raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host == "localhost" {
		ip = net.IPv4(127, 0, 0, 1)
	}
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%w: --url %q: the load generator only targets loopback addresses (127.0.0.1, ::1)", errUsage, raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// LoadReport is the result of a load run.
type LoadReport struct {
	Workers    int            `json:"workers"`
	Duration   time.Duration  `json:"duration_ns"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	ByStatus   map[string]int `json:"by_status"`
	PerSecond  float64        `json:"requests_per_second"`
	P50        time.Duration  `json:"p50_ns"`
	P90        time.Duration  `json:"p90_ns"`
	P99        time.Duration  `json:"p99_ns"`
	Max        time.Duration  `json:"max_ns"`
	Hits       int            `json:"hits"` // responses with decision "hit"
	FirstError string         `json:"first_error,omitempty"`
	Self       bool           `json:"self"`
	// ProcessCPU is the CPU time this process used while measuring; with
	// --self it covers server and generator, so CPUPerRequest is an upper
	// bound on the server's CPU cost of one audited screening.
	ProcessCPU    time.Duration `json:"process_cpu_ns"`
	CPUPerRequest time.Duration `json:"cpu_per_request_ns"`
	GOMAXPROCS    int           `json:"gomaxprocs"`
	MeasuredAt    time.Time     `json:"measured_at"`
	Description   string        `json:"description"`
}

// String is the report as printed: throughput, latency percentiles,
// statuses, hits and, for --self runs, CPU per request.
func (r *LoadReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "POST /v1/screen, %d workers, %s: %d requests, %.0f req/s, %d errors\n", r.Workers, r.Duration.Round(time.Millisecond), r.Requests, r.PerSecond, r.Errors)
	fmt.Fprintf(&b, "latency p50 %s  p90 %s  p99 %s  max %s\n", ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	codes := make([]string, 0, len(r.ByStatus))
	for c := range r.ByStatus {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "status %s: %d\n", c, r.ByStatus[c])
	}
	fmt.Fprintf(&b, "hits %d of %d", r.Hits, r.Requests)
	if r.Self && r.CPUPerRequest > 0 {
		fmt.Fprintf(&b, "\nCPU (server + generator, this process) %s per request: at most %.0f req/s per fully available core",
			r.CPUPerRequest.Round(time.Microsecond), float64(time.Second)/float64(r.CPUPerRequest))
	}
	if r.FirstError != "" {
		fmt.Fprintf(&b, "\nfirst error: %s", r.FirstError)
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// generateLoad runs workers that each send one screening at a time over
// their own keep-alive connection, for warmup (unmeasured) then duration.
//
// The workers speak HTTP/1.1 on a net.Conn directly — one prebuilt request
// written per round trip, the answer parsed by http.ReadResponse — instead
// of going through http.Client, whose transport runs two goroutines per
// connection and cost ~80 µs of CPU per request in profiles: on a 2-core
// machine the generator shares the cores with the server it measures, so
// every microsecond it spends is taken from the figure.
func generateLoad(ctx context.Context, target, key string, names []string, workers int, warmup, duration time.Duration) (*LoadReport, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("loadtest: target %q: %w", target, err)
	}
	requests := make([][]byte, len(names))
	for i, n := range names {
		body, _ := json.Marshal(map[string]string{"name": n})
		requests[i] = fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			u.RequestURI(), u.Host, key, len(body), body)
	}

	var measuring atomic.Bool
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		lat      []time.Duration
		byStatus map[string]int
		errors   int
		hits     int
		firstErr string
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			res := &results[w]
			res.byStatus = map[string]int{}
			res.lat = make([]time.Duration, 0, 1<<14)
			var hit = []byte(`"decision":"hit"`)
			c := &loadConn{addr: u.Host}
			defer c.close()
			var body bytes.Buffer
			for i := w; ctx.Err() == nil; i += workers {
				t0 := time.Now()
				status, err := c.roundTrip(ctx, requests[i%len(requests)], &body)
				lat := time.Since(t0)
				if !measuring.Load() {
					continue
				}
				if err != nil {
					if ctx.Err() != nil {
						return // the run ended mid-request; not an error
					}
					res.errors++
					res.byStatus["transport"]++
					if res.firstErr == "" {
						res.firstErr = err.Error()
					}
					continue
				}
				res.lat = append(res.lat, lat)
				res.byStatus[strconv.Itoa(status)]++
				if status != http.StatusOK {
					res.errors++
					if res.firstErr == "" {
						res.firstErr = fmt.Sprintf("%d %s", status, bytes.TrimSpace(body.Bytes()))
					}
				} else if bytes.Contains(body.Bytes(), hit) {
					res.hits++
				}
			}
		}(w)
	}
	select {
	case <-time.After(warmup):
	case <-ctx.Done():
	}
	measuring.Store(true)
	start, cpu0 := time.Now(), processCPU()
	select {
	case <-time.After(duration):
	case <-ctx.Done():
	}
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	cancel()
	wg.Wait()

	rep := &LoadReport{Workers: workers, Duration: elapsed, ByStatus: map[string]int{}, GOMAXPROCS: runtime.GOMAXPROCS(0), MeasuredAt: time.Now().UTC(),
		Description: "POST /v1/screen, single names, keep-alive, each response read fully"}
	var all []time.Duration
	for _, r := range results {
		all = append(all, r.lat...)
		rep.Errors += r.errors
		rep.Hits += r.hits
		for c, n := range r.byStatus {
			rep.ByStatus[c] += n
		}
		if rep.FirstError == "" {
			rep.FirstError = r.firstErr
		}
	}
	rep.Requests = len(all) + rep.ByStatus["transport"]
	if len(all) == 0 {
		return rep, errors.New("no request completed: is the server running at " + target + "?")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	rep.P50, rep.P90, rep.P99, rep.Max = pct(0.50), pct(0.90), pct(0.99), all[len(all)-1]
	rep.PerSecond = float64(len(all)) / elapsed.Seconds()
	if cpu > 0 {
		rep.ProcessCPU = cpu
		rep.CPUPerRequest = cpu / time.Duration(len(all))
	}
	return rep, nil
}

// loadConn is one worker's keep-alive connection. It dials on first use
// and again after the server closes it or a request fails.
type loadConn struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
	stop func() bool // unregisters the context.AfterFunc that unblocks conn
}

// requestTimeout bounds one round trip, as http.Client.Timeout did.
const requestTimeout = 30 * time.Second

// roundTrip writes req (a complete HTTP/1.1 request) and reads the answer
// into body, returning its status.
func (c *loadConn) roundTrip(ctx context.Context, req []byte, body *bytes.Buffer) (int, error) {
	if c.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, err
		}
		c.conn, c.br = conn, bufio.NewReaderSize(conn, 16<<10)
		// Cancelling ctx (the end of the run) unblocks a pending read.
		c.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	}
	c.conn.SetDeadline(time.Now().Add(requestTimeout))
	if _, err := c.conn.Write(req); err != nil {
		c.close()
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return 0, err
	}
	body.Reset()
	_, err = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode, err
}

func (c *loadConn) close() {
	if c.conn != nil {
		c.stop()
		c.conn.Close()
		c.conn, c.br = nil, nil
	}
}

// startSelfServer runs the real server (embedded lists, license engine,
// SQLite store, every screening audited) on 127.0.0.1:0 in this process,
// creates an analyst key, and returns how to reach it.
func startSelfServer(ctx context.Context, env *Env, dataDir string) (stop func(), url, key string, err error) {
	var cleanup []func()
	stop = func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	if dataDir == "" {
		dataDir, err = os.MkdirTemp("", "clearance-loadtest-*")
		if err != nil {
			return nil, "", "", err
		}
		dir := dataDir
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
	}
	snap, err := snapshot.Default()
	if err != nil {
		return nil, "", "", err
	}
	ix := match.NewIndex(snap.Entities)
	engine, err := ear.New(ix)
	if err != nil {
		return nil, "", "", err
	}
	st, err := sqlite.Open(ctx, dataDir, sqlite.Options{})
	if err != nil {
		return nil, "", "", err
	}
	cleanup = append(cleanup, func() { st.Close() })
	svc, err := app.New(app.Config{Index: ix, Snapshot: app.SnapshotInfo(snap), Store: st, Checker: app.EARChecker{Engine: engine}, Node: auditNode()})
	if err != nil {
		return nil, "", "", err
	}
	cleanup = append(cleanup, func() { svc.Close() })
	srv, err := server.New(server.Config{Service: svc})
	if err != nil {
		return nil, "", "", err
	}
	_, key, err = st.CreateKey(ctx, "loadtest", store.RoleAnalyst, cliActor(env))
	if err != nil {
		return nil, "", "", err
	}
	sctx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- server.Serve(sctx, "127.0.0.1:0", srv, server.ServeOptions{Ready: ready}) }()
	select {
	case addr := <-ready:
		cleanup = append(cleanup, func() {
			cancel()
			<-done
			if rep, err := st.VerifyAudit(context.Background()); err == nil {
				fmt.Fprintf(env.Stderr, "audit trail after the run: %s\n", rep)
			}
			// The mean batch decides what auditing costs per request: a
			// commit's fixed cost is shared by the records in it.
			if gs := st.AuditCommitStats(); gs.Commits > 0 {
				fmt.Fprintf(env.Stderr, "group commit (warm-up included): %d records in %d transactions, %.1f per transaction, %d failed\n",
					gs.Records, gs.Commits, float64(gs.Records)/float64(gs.Commits), gs.Failed)
			}
		})
		return stop, "http://" + addr, key, nil
	case err := <-done:
		cancel()
		return nil, "", "", err
	}
}
