// Package server is Clearance's HTTP service: the JSON API under /v1, the
// trade.gov CSL search API v1 compatibility routes, health and readiness
// probes, Prometheus metrics and the OpenAPI document. Handlers are thin:
// they decode, call package app (which validates, screens and audits) and
// encode. Every error is an RFC 9457 problem document.
//
// All routes are declared in one table (routes.go); the OpenAPI document
// (openapi.json) is tested against that table so the two cannot drift.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clearance-oss/clearance/app"
	"github.com/prometheus/client_golang/prometheus"
)

// Default limits. Each is configurable in Config (and by flags of
// `clearance serve`).
const (
	DefaultMaxBodyBytes   = 1 << 20  // 1 MiB: a screening of 1,000 parties is ~100 kB
	DefaultMaxUploadBytes = 32 << 20 // 32 MiB: ~300k CSV rows
	DefaultRequestTimeout = 30 * time.Second
)

// Config configures a Server.
type Config struct {
	Service *app.Service // required
	// Console, when set, serves every path the API does not claim (the web
	// console: /, /login, /assets/…). Its own routes are its business.
	Console http.Handler
	Log     *slog.Logger // defaults to slog.Default
	// AccessLog logs every request at Info level (off by default: at
	// thousands of requests a second the log would cost more than the work).
	AccessLog      bool
	MaxBodyBytes   int64         // JSON bodies; 0 means DefaultMaxBodyBytes
	MaxUploadBytes int64         // batch uploads; 0 means DefaultMaxUploadBytes
	RequestTimeout time.Duration // per request handling; 0 means DefaultRequestTimeout
	// Registry receives the server's metrics; nil makes a new one (so two
	// servers in one process, as in tests, do not collide).
	Registry *prometheus.Registry
}

// Server is the HTTP handler of the Clearance service.
type Server struct {
	cfg     Config
	svc     *app.Service
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *metrics
	csl     *cslIndex
	routes  []route
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("server: Config.Service is nil")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, svc: cfg.Service, log: cfg.Log, mux: http.NewServeMux()}
	s.metrics = newMetrics(cfg.Registry, cfg.Service)
	s.csl = newCSLIndex(cfg.Service.Index().Entities(), cfg.Service.Snapshot())
	s.routes = s.routeTable()
	// One mux entry per path; the method is dispatched here so a wrong
	// method gets a 405 problem document with an Allow header.
	byPath := map[string][]route{}
	var paths []string
	for _, rt := range s.routes {
		if _, ok := byPath[rt.path]; !ok {
			paths = append(paths, rt.path)
		}
		byPath[rt.path] = append(byPath[rt.path], rt)
	}
	for _, p := range paths {
		s.mux.Handle(p, s.dispatch(p, byPath[p]))
	}
	s.mux.Handle("/", s.fallback())
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 || !printableASCII(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	w.Header().Set("X-Request-Id", id)
	defer func() {
		// A panic is a bug; the client still gets a problem document, and
		// the stack goes to the log. http.ErrAbortHandler is the server's
		// own way of aborting a response and is passed on.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.metrics.panics.Inc()
			writeProblem(w, r, problemf(http.StatusInternalServerError, slugInternal, "Internal server error",
				"the server failed while handling the request; it has been logged under the request id"))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// Mux returns the server's mux, for mounting extra handlers in tests or
// embedding programs. Paths the API does not claim go to Config.Console.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// fallback serves paths no route claims: the console when there is one,
// else a 404 problem.
func (s *Server) fallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Console != nil && !strings.HasPrefix(r.URL.Path, "/v1/") && !strings.HasPrefix(r.URL.Path, "/consolidated_screening_list/") {
			s.cfg.Console.ServeHTTP(w, r)
			return
		}
		writeProblem(w, r, problemf(http.StatusNotFound, slugNotFound, "Not found", "no route for %s %s (see /openapi.json)", r.Method, r.URL.Path))
	})
}

// handlerFunc is what a route's handler looks like: it gets the
// authenticated actor (zero for public routes) and returns an error
// instead of writing one.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a app.Actor) error

// dispatch serves one path: CORS preflight, method, authentication, role,
// timeout, metrics and error mapping, around the route's handler.
func (s *Server) dispatch(path string, rts []route) http.Handler {
	allow := make([]string, 0, len(rts)+1)
	for _, rt := range rts {
		allow = append(allow, rt.method)
		if rt.method == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	cors := false
	for _, rt := range rts {
		cors = cors || rt.cors
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		label := path
		defer func() {
			s.metrics.observe(label, r.Method, sw.status(), time.Since(start))
			if s.cfg.AccessLog {
				s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status(), "duration", time.Since(start), "request_id", w.Header().Get("X-Request-Id"))
			}
		}()
		sw.Header().Set("X-Content-Type-Options", "nosniff")
		if cors {
			sw.Header().Set("Access-Control-Allow-Origin", "*")
			if r.Method == http.MethodOptions {
				// CSL clients call from browsers with the key in a
				// subscription-key header, which needs a preflight.
				sw.Header().Set("Access-Control-Allow-Methods", strings.Join(append(allow, http.MethodOptions), ", "))
				sw.Header().Set("Access-Control-Allow-Headers", "subscription-key, Authorization, Content-Type, X-Reference, X-Request-Id")
				sw.Header().Set("Access-Control-Max-Age", "86400")
				sw.WriteHeader(http.StatusNoContent)
				return
			}
		}
		var rt *route
		for i := range rts {
			if rts[i].method == r.Method || (r.Method == http.MethodHead && rts[i].method == http.MethodGet) {
				rt = &rts[i]
				break
			}
		}
		if rt == nil {
			p := problemf(http.StatusMethodNotAllowed, slugMethodNotAllowed, "Method not allowed", "%s does not accept %s; use %s", path, r.Method, strings.Join(allow, " or "))
			p.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
			writeProblem(sw, r, p)
			return
		}
		label = rt.method + " " + path
		ctx, cancel := context.WithTimeout(r.Context(), rt.timeout(s.cfg.RequestTimeout))
		defer cancel()
		r = r.WithContext(ctx)
		a, err := s.authorize(r, *rt)
		if err == nil {
			err = rt.handle(sw, r, a)
		}
		if err != nil {
			p, internal := toProblem(err)
			if internal {
				s.log.Error("request failed", "request_id", w.Header().Get("X-Request-Id"), "method", r.Method, "path", r.URL.Path, "err", err)
			}
			if sw.wrote {
				// Too late for a problem document (a download failed half way):
				// abort so the client sees a broken response, not a short file.
				s.log.Error("response failed after it started", "request_id", w.Header().Get("X-Request-Id"), "err", err)
				panic(http.ErrAbortHandler)
			}
			writeProblem(sw, r, p)
		}
	})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authorize checks the route's access rule and returns the actor.
func (s *Server) authorize(r *http.Request, rt route) (app.Actor, error) {
	origin := clientIP(r)
	switch rt.access {
	case accessPublic:
		return app.Actor{Origin: origin}, nil
	case accessMetrics:
		// Loopback callers (a Prometheus agent on the host) need no key;
		// anyone else needs an admin key.
		if isLoopback(r) {
			return app.Actor{Origin: origin}, nil
		}
	}
	key := presentedKey(r)
	if key == "" {
		return app.Actor{}, unauthenticated("this route needs an API key: send it as \"Authorization: Bearer <key>\" or a \"subscription-key\" header")
	}
	a, err := s.svc.Authenticate(r.Context(), key, origin)
	if err != nil {
		return app.Actor{}, err
	}
	if !a.Role.Allows(rt.role) {
		return app.Actor{}, problemf(http.StatusForbidden, slugForbidden, "Forbidden", "%s %s needs role %s or higher; this key has role %s", rt.method, rt.path, rt.role, a.Role)
	}
	return a, nil
}

// presentedKey finds the API key in a request: Authorization: Bearer, the
// subscription-key header (trade.gov's name for it), X-API-Key, or the
// subscription-key query parameter (for CSL clients that can only build
// URLs).
func presentedKey(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if k, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(k)
		}
		if k, ok := strings.CutPrefix(h, "bearer "); ok {
			return strings.TrimSpace(k)
		}
	}
	for _, h := range []string{"Subscription-Key", "X-Api-Key"} {
		if k := r.Header.Get(h); k != "" {
			return strings.TrimSpace(k)
		}
	}
	return strings.TrimSpace(r.URL.Query().Get("subscription-key"))
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isLoopback(r *http.Request) bool {
	ip := net.ParseIP(clientIP(r))
	return ip != nil && ip.IsLoopback()
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// appendedBuffers recycles the buffers of writeAppended.
var appendedBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// writeAppended is writeJSON for the values that encode themselves without
// reflection (app.ScreenResponse and app.SearchResponse: AppendJSON). The
// bytes and headers are the same as writeJSON's.
func writeAppended(w http.ResponseWriter, status int, appendJSON func(dst []byte, escapeHTML bool) ([]byte, error)) error {
	bp := appendedBuffers.Get().(*[]byte)
	b, err := appendJSON((*bp)[:0], false)
	if err != nil {
		appendedBuffers.Put(bp)
		return fmt.Errorf("encode response: %w", err)
	}
	b = append(b, '\n') // as json.Encoder ends every value
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Cache-Control"] = []string{"no-store"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	_, _ = w.Write(b)
	if cap(b) <= 1<<20 {
		*bp = b
		appendedBuffers.Put(bp)
	}
	return nil
}

// jsonBuffers recycles response buffers: a screening answer with
// explanations is several kilobytes, encoded thousands of times a second.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON sends v as JSON with status. HTML characters are not escaped:
// "Smith & Co" stays readable, and the content type is JSON, not HTML.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			jsonBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	_, _ = w.Write(buf.Bytes())
	return nil
}
