package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while serve writes its log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeMainCommand runs what the README documents: serve on a fresh
// data dir prints how to make a key; with a key made by `keys create`,
// a screening is answered and audited; cancelling (SIGTERM) shuts down
// cleanly with exit status 0.
func TestServeMainCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full embedded snapshot")
	}
	dir := t.TempDir()
	var stderr syncBuffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stderr, Stderr: &stderr, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}) }()

	addrRE := regexp.MustCompile(`msg=serving addr=http://(127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(90 * time.Second); addr == ""; {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), "clearance keys create --role admin --data-dir "+dir) {
		t.Errorf("first start does not say how to create a key:\n%s", stderr.String())
	}

	var out, errb bytes.Buffer
	kenv := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := run(context.Background(), kenv, []string{"keys", "create", "--role", "analyst", "--data-dir", dir}); code != 0 {
		t.Fatalf("keys create: %d %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]

	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/screen", strings.NewReader(`{"name":"Hangzhou Hik-Vision Digital Tech Co","reference":"PO-1"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var sr struct {
		Decision string `json:"decision"`
		Results  []struct {
			Matches []struct {
				List string `json:"list"`
			} `json:"matches"`
		} `json:"results"`
		Audit struct {
			Seq int64 `json:"seq"`
		} `json:"audit"`
	}
	err = json.NewDecoder(resp.Body).Decode(&sr)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || sr.Decision != "hit" || sr.Audit.Seq == 0 {
		t.Fatalf("screen: %d %+v %v", resp.StatusCode, sr, err)
	}
	lists := map[string]bool{}
	for _, m := range sr.Results[0].Matches {
		lists[m.List] = true
	}
	if !lists["EL"] {
		t.Errorf("Hik-Vision did not match the Entity List: %+v", sr)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit status %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(stderr.String(), "shut down") {
		t.Errorf("no shutdown message: %s", stderr.String())
	}
	// The screening is in the audit trail that `clearance audit verify` reads.
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), kenv, []string{"audit", "verify", "--data-dir", dir}); code != 0 {
		t.Fatalf("audit verify: %d %s %s", code, out.String(), errb.String())
	}
}
