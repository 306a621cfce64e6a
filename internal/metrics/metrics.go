// Package metrics exposes hoctap's Prometheus metrics: HTTP traffic by
// route, the database pool, and the Go runtime.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the instruments.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
}

// New registers the process, runtime and database-pool collectors.
func New(db *sql.DB) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hoctap_http_request_duration_seconds",
			Help:    "HTTP requests by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "status"}),
	}
	reg.MustRegister(
		m.requests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "hoctap"),
	)
	return m
}

// Observe records a finished request. Routes are the mux patterns, so the
// label set stays small whatever paths clients send.
func (m *Metrics) Observe(r *http.Request, status int, d time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// Waiting reports, as hoctap_api_operations_waiting, how many API
// operations wait for their turn (graph.Gate).
func (m *Metrics) Waiting(f func() int64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hoctap_api_operations_waiting",
		Help: "API operations waiting for their turn to run (--max-inflight).",
	}, func() float64 { return float64(f()) }))
}

// NodePlans reports, as hoctap_node_plans_total by result, how many node(id:)
// fields a kept plan of their field collection served ("served") and how
// many were collected afresh ("made"), from f (ent.PlanCounts): a low share
// served means the plans do not fit their budget, or the sessions do not
// repeat their operations.
func (m *Metrics) NodePlans(f func() (served, made uint64)) {
	for _, r := range []struct {
		result string
		of     func(served, made uint64) uint64
	}{
		{"served", func(served, _ uint64) uint64 { return served }},
		{"made", func(_, made uint64) uint64 { return made }},
	} {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "hoctap_node_plans_total",
			Help:        "node(id:) field collections served from a kept plan, and made afresh.",
			ConstLabels: prometheus.Labels{"result": r.result},
		}, func() float64 { return float64(r.of(f())) }))
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
