package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
	"github.com/clearance-oss/clearance/store/storetest"
)

// testURL is the database the suite runs against; CI sets it to
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
func testURL(t *testing.T) string {
	u := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if u == "" {
		t.Skip("CLEARANCE_TEST_POSTGRES_URL not set: skipping PostgreSQL tests")
	}
	return u
}

// freshSchema creates an empty schema for one test, dropped at cleanup, and
// returns url pointing at it via search_path.
func freshSchema(t *testing.T, url string) string {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := store.NewToken(6)
	if err != nil {
		t.Fatal(err)
	}
	schema := "clearance_test_" + tok
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

func backend(url string) storetest.Backend {
	return storetest.Backend{
		NewDatabase: func(t *testing.T) func() store.Store {
			u := freshSchema(t, url)
			return func() store.Store {
				s, err := postgres.Open(context.Background(), u, postgres.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		},
		DropAuditTriggers: []string{
			`DROP TRIGGER audit_records_no_update ON audit_records`,
			`DROP TRIGGER audit_records_no_delete ON audit_records`,
			`DROP TRIGGER audit_head_no_delete ON audit_head`,
		},
	}
}

func TestStore(t *testing.T) { storetest.Run(t, backend(testURL(t))) }

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "./clearance-data": false, "sqlite://x": false, "": false,
	} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v", s, got)
		}
	}
}

// BenchmarkAppendParallel measures audited appends per second on PostgreSQL
// (group commit, chain head locked per batch).
//
//	CLEARANCE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./store/postgres/ -run '^$' -bench AppendParallel -benchtime 5s -cpu 2
func BenchmarkAppendParallel(b *testing.B) {
	u := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if u == "" {
		b.Skip("CLEARANCE_TEST_POSTGRES_URL not set")
	}
	admin, err := sql.Open("pgx", u)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	tok, _ := store.NewToken(6)
	schema := "clearance_bench_" + tok
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		b.Fatal(err)
	}
	defer admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	s, err := postgres.Open(context.Background(), u+sep+"search_path="+schema, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n atomic.Int64
	b.SetParallelism(64)
	b.ResetTimer()
	start, cpu0 := time.Now(), storetest.CPUTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AppendAudit(context.Background(), store.Record{
				Actor: "key:bench", Kind: store.KindScreen, Parties: []string{"Hangzhou Hikvision Digital Technology"},
				Countries: []string{"CN"}, Decision: "hit", Request: []byte(`{"name":"Hangzhou Hikvision Digital Technology"}`),
				Result: []byte(`{"matches":[{"list":"EL","score":0.97}]}`),
			}); err != nil {
				b.Error(err)
				return
			}
			n.Add(1)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "records/s")
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

// TestTwoProcessesOneChain: two OS processes, as two `clearance serve`
// replicas, append concurrently to one database; one unbroken chain results.
func TestTwoProcessesOneChain(t *testing.T) {
	if os.Getenv(storetest.ChildEnv) != "" {
		t.Skip("child")
	}
	u := freshSchema(t, testURL(t))
	open := func() store.Store {
		s, err := postgres.Open(context.Background(), u, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	storetest.TwoProcesses(t, open, "TestTwoProcessesChild", 1000, "CLEARANCE_TEST_POSTGRES_SCHEMA_URL="+u)
}

func TestTwoProcessesChild(t *testing.T) {
	storetest.ChildAppend(t, func() store.Store {
		s, err := postgres.Open(context.Background(), os.Getenv("CLEARANCE_TEST_POSTGRES_SCHEMA_URL"), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
