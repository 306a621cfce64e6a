package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMetricsAddr checks where /metrics is served: on the main address
// by default; with --metrics-addr only there, on a listener that stops
// with the server.
func TestMetricsAddr(t *testing.T) {
	metricsLine := regexp.MustCompile(`metrics: (http://\S+/metrics)$`)
	for _, tt := range []struct {
		name, addr string
		main       int // status of /metrics on the main address
	}{
		{"default", "", http.StatusOK},
		{"own address", "127.0.0.1:0", http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := serve(t, "HOCTAP_DATABASE_URL="+t.TempDir()+"/hoctap.db", "HOCTAP_DEMO=false",
				"HOCTAP_ADMIN_PASSWORD=metrics-addr-pw-1", "HOCTAP_METRICS_ADDR="+tt.addr)
			if status, _, _ := get(t, p.url+"/metrics"); status != tt.main {
				t.Errorf("GET /metrics on the main address: %d, want %d", status, tt.main)
			}
			if status, _, _ := get(t, p.url+"/healthz"); status != http.StatusOK {
				t.Errorf("GET /healthz on the main address: %d", status)
			}
			_, _, home := get(t, p.url+"/")
			if mentioned := strings.Contains(home, `href="/metrics"`); mentioned != (tt.addr == "") {
				t.Errorf("the page at / links /metrics: %v, want %v", mentioned, tt.addr == "")
			}
			var metricsURL string
			for _, line := range p.startup {
				if m := metricsLine.FindStringSubmatch(line); m != nil {
					metricsURL = m[1]
				}
			}
			if tt.addr == "" {
				if metricsURL != "" {
					t.Errorf("the start-up lines name a metrics address of its own: %s", metricsURL)
				}
				return
			}
			if metricsURL == "" {
				t.Fatalf("the start-up lines do not name the metrics address:\n%s", strings.Join(p.startup, "\n"))
			}
			status, ctype, body := get(t, metricsURL)
			if status != http.StatusOK || !strings.HasPrefix(ctype, "text/plain") || !strings.Contains(body, `db_name="hoctap"`) {
				t.Errorf("GET %s: %d %s, want hoctap's metrics:\n%.300s", metricsURL, status, ctype, body)
			}
			if status, _, _ := get(t, strings.TrimSuffix(metricsURL, "/metrics")+"/healthz"); status != http.StatusNotFound {
				t.Errorf("the metrics address serves /healthz: %d, want 404 (only /metrics)", status)
			}
			if err := p.stop(); err != nil {
				t.Fatalf("shutting down: %v", err)
			}
			if resp, err := http.Get(metricsURL); err == nil {
				resp.Body.Close()
				t.Errorf("the metrics address still answers after shutdown: %d", resp.StatusCode)
			}
		})
	}
}
