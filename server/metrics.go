package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/clearance-oss/clearance/app"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics. Labels are bounded: routes
// are the table's patterns (never raw paths), decisions a handful of words.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	screenings *prometheus.CounterVec
	batches    prometheus.Counter
	panics     prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, svc *app.Service) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clearance_http_requests_total",
			Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "clearance_http_request_duration_seconds",
			Help:    "Time to serve a request, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		screenings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clearance_screenings_total",
			Help: "Audited screenings, searches and determinations by operation and decision.",
		}, []string{"operation", "decision"}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clearance_batches_created_total",
			Help: "Batch screening jobs accepted.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clearance_http_panics_total",
			Help: "Requests whose handler panicked (each is a bug; see the log).",
		}),
	}
	snap := svc.Snapshot()
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "clearance_snapshot_entities",
		Help: "Entities loaded, by list, labelled with the snapshot version.",
	}, []string{"version", "list"})
	for _, src := range snap.Sources {
		info.WithLabelValues(snap.Version, string(src.List)).Set(float64(src.Entries))
	}
	reg.MustRegister(m.requests, m.duration, m.screenings, m.batches, m.panics, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (s *Server) metricsHandler() handlerFunc {
	h := promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{ErrorLog: nil})
	return func(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
		h.ServeHTTP(w, r)
		return nil
	}
}
