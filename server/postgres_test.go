package server

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
)

// TestTwoServersOnePostgresChain is the scale-out promise: two server
// processes serve and audit concurrently into one PostgreSQL schema, and
// the audit trail is one unbroken hash chain holding every screening.
// The servers are this test binary re-executed (TestHelperServeProcess),
// so each is a separate OS process with its own pool, as two
// `clearance serve` replicas are.
//
// It runs when CLEARANCE_TEST_POSTGRES_URL is set (CI sets it).
func TestTwoServersOnePostgresChain(t *testing.T) {
	url := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("CLEARANCE_TEST_POSTGRES_URL not set: skipping the two-replica PostgreSQL test")
	}
	schemaURL := freshPostgresSchema(t, url)
	// Migrate once here, and make the key both replicas will accept.
	st, err := postgres.Open(context.Background(), schemaURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, key, err := st.CreateKey(context.Background(), "hammer", store.RoleAnalyst, "test")
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, node := range []string{"replica-a", "replica-b"} {
		urls = append(urls, startServerProcess(t, schemaURL, node))
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
	rep, err := st.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Records != workers*perWorker || rep.HeadSeq != workers*perWorker {
		t.Fatalf("chain: %s", rep)
	}
	nodes := map[string]int{}
	after := int64(0)
	for {
		recs, err := st.ListAudit(context.Background(), store.Filter{After: after, Limit: 1000})
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

// startServerProcess re-executes the test binary as a server on
// 127.0.0.1:0 over the PostgreSQL URL and returns its base URL. The
// process gets SIGTERM at cleanup and must exit cleanly.
func startServerProcess(t *testing.T, dbURL, node string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServeProcess$")
	cmd.Env = append(os.Environ(), "CLEARANCE_HELPER_SERVE_DB="+dbURL, "CLEARANCE_HELPER_SERVE_NODE="+node)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("server process %s: %v", node, err)
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			go io.Copy(io.Discard, stdout)
			return "http://" + addr
		}
	}
	t.Fatalf("server process %s did not start", node)
	return ""
}

// TestHelperServeProcess is not a test: it is the server process that
// TestTwoServersOnePostgresChain starts. It serves until SIGTERM.
func TestHelperServeProcess(t *testing.T) {
	dbURL := os.Getenv("CLEARANCE_HELPER_SERVE_DB")
	if dbURL == "" {
		t.Skip("helper process for TestTwoServersOnePostgresChain")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	es, ix := fixture(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := postgres.Open(ctx, dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := app.New(app.Config{Index: ix, Snapshot: fixtureSnapshot(es), Store: st, Checker: fakeChecker{}, Node: os.Getenv("CLEARANCE_HELPER_SERVE_NODE"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	srv, err := New(Config{Service: svc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		if addr, ok := <-ready; ok {
			fmt.Printf("LISTENING %s\n", addr)
		}
	}()
	if err := Serve(ctx, "127.0.0.1:0", srv, ServeOptions{Ready: ready, Log: log}); err != nil {
		t.Fatal(err)
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
