package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
	"github.com/clearance-oss/clearance/store/storetest"
)

func backend() storetest.Backend {
	return storetest.Backend{
		NewDatabase: func(t *testing.T) func() store.Store {
			dir := t.TempDir()
			return func() store.Store {
				s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		},
		DropAuditTriggers: []string{
			`DROP TRIGGER audit_records_no_update`,
			`DROP TRIGGER audit_records_no_delete`,
			`DROP TRIGGER audit_head_no_delete`,
		},
	}
}

func TestStore(t *testing.T) { storetest.Run(t, backend()) }

func TestOpenCreatesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if want := filepath.Join(dir, "clearance.db"); s.Path() != want {
		t.Errorf("path %s, want %s", s.Path(), want)
	}
	var mode, sync string
	if err := s.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v", mode, err)
	}
	if err := s.SQL().QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != "1" { // 1 = NORMAL
		t.Errorf("synchronous %q, %v", sync, err)
	}
	if fi, err := os.Stat(s.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode: %v %v, want 0600", fi.Mode(), err)
	}
	if _, err := sqlite.Open(context.Background(), dir, sqlite.Options{Synchronous: "OFF"}); err == nil {
		t.Error("synchronous OFF accepted")
	}
}

// BenchmarkAppendParallel measures audited appends per second through the
// group committer, with b.RunParallel goroutines appending a realistic
// screening record (request and result JSON of a few hundred bytes).
//
//	go test ./store/sqlite/ -run '^$' -bench AppendParallel -benchtime 5s -cpu 2 -count 1
func BenchmarkAppendParallel(b *testing.B) { benchAppendParallel(b, sqlite.Options{}) }

// BenchmarkAppendParallelFull is the same with synchronous=FULL: one fsync
// per group commit, the price of power-loss durability.
//
//	go test ./store/sqlite/ -run '^$' -bench AppendParallelFull -benchtime 3s -cpu 2
func BenchmarkAppendParallelFull(b *testing.B) {
	benchAppendParallel(b, sqlite.Options{Synchronous: "FULL"})
}

func benchAppendParallel(b *testing.B, opts sqlite.Options) {
	s, err := sqlite.Open(context.Background(), b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req := json.RawMessage(`{"name":"Hangzhou Hikvision Digital Technology","type":"entity","country":"CN","reference":"PO-1"}`)
	res := json.RawMessage(`{"matches":[{"list":"EL","entity_id":"el-hangzhou-hikvision-digital-technology-co-ltd","name":"Hangzhou Hikvision Digital Technology Co., Ltd.","matched_name":"Hangzhou Hikvision Digital Technology Co., Ltd.","score":0.97},{"list":"CMIC","entity_id":"cmic-hikvision","name":"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.","matched_name":"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.","score":0.97}]}`)
	var n atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(64) // many concurrent requests, as under HTTP load
	b.ResetTimer()
	start, cpu0 := time.Now(), storetest.CPUTime()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		defer func() { mu.Lock(); latencies = append(latencies, mine...); mu.Unlock() }()
		for pb.Next() {
			t0 := time.Now()
			_, err := s.AppendAudit(context.Background(), store.Record{
				Actor: "key:bench", Kind: store.KindScreen, Reference: "PO-1",
				Parties: []string{"Hangzhou Hikvision Digital Technology"}, Countries: []string{"CN"},
				Snapshot: "2026-07-31", Decision: "hit", Origin: "127.0.0.1", Node: "bench",
				Request: req, Result: res,
			})
			if err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
			n.Add(1)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "records/s")
	// How long a caller waits for its record to be committed (what an
	// audited request adds to its latency), with 128 callers waiting.
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
	if st := s.AuditCommitStats(); st.Commits > 0 {
		b.ReportMetric(float64(st.Records)/float64(st.Commits), "records/commit")
	}
	if cpu := storetest.CPUTime() - cpu0; cpu > 0 {
		// CPU per record of this process (client side for PostgreSQL):
		// 2 cores / this = the rate on an otherwise idle 2-core machine.
		b.ReportMetric(float64(cpu.Microseconds())/float64(n.Load()), "cpu-µs/record")
	}
	rep, err := s.VerifyAudit(context.Background())
	if err != nil || !rep.OK || rep.Records != n.Load() {
		b.Fatalf("verify after benchmark: %+v %v", rep, err)
	}
}

// BenchmarkVerifyAndFilter fills a trail with 100,000 records, then measures
// a full `audit verify` and a party-name search (a full scan: substring
// search cannot use an index).
//
//	go test ./store/sqlite/ -run '^$' -bench VerifyAndFilter -benchtime 3x -cpu 2
func BenchmarkVerifyAndFilter(b *testing.B) {
	const n = 100_000
	s, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 64 {
				party := fmt.Sprintf("Customer %d Trading Co.", i)
				if i%1000 == 0 {
					party = "Hangzhou Hikvision Digital Technology"
				}
				if _, err := s.AppendAudit(ctx, store.Record{Kind: store.KindScreen, Actor: "key:bench", Parties: []string{party},
					Countries: []string{"CN"}, Reference: fmt.Sprintf("PO-%d", i), Decision: "clear",
					Request: json.RawMessage(`{"name":"` + party + `"}`), Result: json.RawMessage(`{"matches":[]}`)}); err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if _, err := s.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(s.Path()); err == nil {
		b.Logf("%d records: database file %d bytes, %d bytes/record", n, fi.Size(), fi.Size()/n)
	}
	b.Run("verify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rep, err := s.VerifyAudit(ctx)
			if err != nil || !rep.OK || rep.Records != n {
				b.Fatalf("%+v %v", rep, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("party", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			recs, err := s.ListAudit(ctx, store.Filter{PartyName: "hikvision", Limit: 1000})
			if err != nil || len(recs) != n/1000 {
				b.Fatalf("%d %v", len(recs), err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			recs, err := s.ListAudit(ctx, store.Filter{Reference: "PO-4711"})
			if err != nil || len(recs) != 1 {
				b.Fatalf("%d %v", len(recs), err)
			}
		}
	})
}

// TestTwoProcessesOneFile: a `serve` and a `clearance keys create` (or two
// of anything) may append to one SQLite file at once; the chain stays one.
func TestTwoProcessesOneFile(t *testing.T) {
	if os.Getenv(storetest.ChildEnv) != "" {
		t.Skip("child")
	}
	dir := t.TempDir()
	open := func() store.Store {
		s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.TwoProcesses(t, open, "TestTwoProcessesChild", 1000, "CLEARANCE_TEST_SQLITE_DIR="+dir)
}

func TestTwoProcessesChild(t *testing.T) {
	storetest.ChildAppend(t, func() store.Store {
		s, err := sqlite.Open(context.Background(), os.Getenv("CLEARANCE_TEST_SQLITE_DIR"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// BenchmarkAppendAtRate appends at a fixed 5,000 records/s (open loop, one
// goroutine per record, as independent HTTP requests would) and reports
// how long each caller waits for its commit: the latency an audited
// request pays. Use -benchtime 15000x for 3 seconds.
//
//	go test ./store/sqlite/ -run '^$' -bench AppendAtRate -benchtime 15000x -cpu 2
func BenchmarkAppendAtRate(b *testing.B) {
	const rate = 5000
	s, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	latencies := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if d := time.Until(start.Add(time.Duration(i) * time.Second / rate)); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now()
			if _, err := s.AppendAudit(context.Background(), store.Record{Kind: store.KindScreen, Actor: "key:bench",
				Parties: []string{"Hangzhou Hikvision Digital Technology"}, Countries: []string{"CN"}, Decision: "hit",
				Request: json.RawMessage(`{"name":"Hangzhou Hikvision Digital Technology"}`),
				Result:  json.RawMessage(`{"matches":[{"list":"EL","score":0.97}]}`)}); err != nil {
				b.Error(err)
			}
			latencies[i] = time.Since(t0)
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(latencies[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[b.N*99/100].Microseconds())/1000, "p99-ms")
}
