package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoopbackURLOnly(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080":      true,
		"http://localhost:8080/":     true,
		"http://[::1]:8080":          true,
		"http://127.0.0.2:9000":      true,
		"http://10.0.0.1:8080":       false,
		"http://example.org":         false,
		"https://127.0.0.1:8080":     false,
		"http://169.254.169.254/":    false,
		"127.0.0.1:8080":             false,
		"http://user@203.0.113.1:80": false,
	} {
		_, err := loopbackURL(raw)
		if (err == nil) != ok {
			t.Errorf("loopbackURL(%q): err %v, want ok=%v", raw, err, ok)
		}
		if err != nil && !errors.Is(err, errUsage) {
			t.Errorf("loopbackURL(%q): %v is not a usage error", raw, err)
		}
	}
}

// TestGenerateLoadCounts runs the generator against a stub that answers
// every third request with a 500: the report counts requests, errors and
// hits exactly as the stub served them.
func TestGenerateLoadCounts(t *testing.T) {
	var n, served500, servedHit atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("Authorization") != "Bearer k" {
			t.Errorf("key not sent: %q", r.Header.Get("Authorization"))
		}
		switch n.Add(1) % 3 {
		case 0:
			served500.Add(1)
			http.Error(w, "boom", 500)
		case 1:
			servedHit.Add(1)
			io.WriteString(w, `{"decision":"hit"}`)
		default:
			// The generator must dial again after a server closes.
			w.Header().Set("Connection", "close")
			io.WriteString(w, `{"decision":"clear"}`)
		}
	}))
	defer srv.Close()
	rep, err := generateLoad(context.Background(), srv.URL+"/v1/screen", "k", loadNames(), 4, 0, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests < 10 || rep.Errors == 0 || rep.ByStatus["500"] != rep.Errors || rep.ByStatus["200"]+rep.Errors != rep.Requests {
		t.Fatalf("report %+v", rep)
	}
	if rep.ByStatus["transport"] != 0 {
		t.Fatalf("transport errors (reconnecting after Connection: close?): %+v", rep)
	}
	if rep.Hits == 0 || rep.P50 <= 0 || rep.P99 < rep.P50 || rep.Max < rep.P99 || rep.PerSecond <= 0 {
		t.Fatalf("report %+v", rep)
	}
	if len(loadNames()) != 210 {
		t.Errorf("%d load-test names, want 210", len(loadNames()))
	}
}
