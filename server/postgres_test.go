package server

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
)

// TestTwoServersOnePostgresChain is the scale-out promise: two servers,
// each with its own connection pool (as two `clearance serve` processes
// have), serve and audit concurrently into one PostgreSQL schema, and the
// audit trail is one unbroken hash chain holding every screening.
//
// It runs when CLEARANCE_TEST_POSTGRES_URL is set (CI sets it).
func TestTwoServersOnePostgresChain(t *testing.T) {
	url := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("CLEARANCE_TEST_POSTGRES_URL not set: skipping the two-replica PostgreSQL test")
	}
	schemaURL := freshPostgresSchema(t, url)
	es, ix := fixture(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var urls []string
	var stores []store.Store
	for _, node := range []string{"replica-a", "replica-b"} {
		st, err := postgres.Open(context.Background(), schemaURL, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := app.New(app.Config{Index: ix, Snapshot: fixtureSnapshot(es), Store: st, Checker: fakeChecker{}, Node: node, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(Config{Service: svc, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		t.Cleanup(func() {
			hs.Close()
			svc.Close()
			st.Close()
		})
		urls = append(urls, hs.URL)
		stores = append(stores, st)
	}
	// A key made through one replica works on the other: keys live in the
	// shared database.
	_, key, err := stores[0].CreateKey(context.Background(), "hammer", store.RoleAnalyst, "test")
	if err != nil {
		t.Fatal(err)
	}

	const workers, perWorker = 8, 40
	names := []string{"Hikvision", "Acme Garden Furniture", "Huawei Technologies", "Rosneft", "Jean Dupont"}
	var ok atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				base := urls[(w+i)%2]
				body := fmt.Sprintf(`{"name":%q,"reference":"W%d-%d"}`, names[i%len(names)], w, i)
				req, _ := http.NewRequest("POST", base+"/v1/screen", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Errorf("worker %d request %d: status %d", w, i, resp.StatusCode)
					return
				}
				ok.Add(1)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ok.Load() != workers*perWorker {
		t.Fatalf("%d screenings succeeded, want %d", ok.Load(), workers*perWorker)
	}
	for i, st := range stores {
		rep, err := st.VerifyAudit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || rep.Records != workers*perWorker || rep.HeadSeq != workers*perWorker {
			t.Fatalf("replica %d sees the chain as %s", i, rep)
		}
	}
	nodes := map[string]int{}
	after := int64(0)
	for {
		recs, err := stores[1].ListAudit(context.Background(), store.Filter{After: after, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			nodes[r.Node]++
			after = r.Seq
		}
	}
	if nodes["replica-a"] != workers*perWorker/2 || nodes["replica-b"] != workers*perWorker/2 {
		t.Errorf("records per node %v, want %d each", nodes, workers*perWorker/2)
	}
}

// freshPostgresSchema makes an empty schema for one test, dropped at
// cleanup, and returns a URL whose search_path points at it.
func freshPostgresSchema(t *testing.T, url string) string {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := store.NewToken(6)
	if err != nil {
		t.Fatal(err)
	}
	schema := "clearance_server_test_" + tok
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
