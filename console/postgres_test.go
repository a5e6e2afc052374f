package console

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
)

// TestTwoReplicasShareSessionsOnPostgres: sessions live in the database,
// so behind a load balancer a user signed in on one replica is signed in on
// the other, and signing out on either ends the session on both. Runs when
// CLEARANCE_TEST_POSTGRES_URL is set (CI sets it).
func TestTwoReplicasShareSessionsOnPostgres(t *testing.T) {
	base := os.Getenv("CLEARANCE_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("CLEARANCE_TEST_POSTGRES_URL not set: skipping the PostgreSQL session test")
	}
	dbURL := freshPostgresSchema(t, base)
	ctx := context.Background()
	ix := match.NewIndex(fixtureEntities(t))
	var replicas []*httptest.Server
	var first store.Store
	for _, node := range []string{"replica-a", "replica-b"} {
		st, err := postgres.Open(ctx, dbURL, postgres.Options{})
		if err != nil {
			t.Fatalf("%s: %v", node, err)
		}
		t.Cleanup(func() { st.Close() })
		if first == nil {
			first = st
			up := testUsers[store.RoleAnalyst]
			if _, err := st.CreateUser(ctx, up[0], store.RoleAnalyst, up[1]); err != nil {
				t.Fatal(err)
			}
		}
		log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
		svc, err := app.New(app.Config{Index: ix, Snapshot: app.Snapshot{Version: "test-fixture"}, Store: st, Checker: fakeChecker{}, Node: node, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Close() })
		c, err := New(Config{Service: svc, Accounts: &StoreAccounts{Store: st, Node: node}, Node: node, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(c)
		t.Cleanup(srv.Close)
		replicas = append(replicas, srv)
	}
	// Cookies ignore ports, so one jar is one browser talking to both.
	b := newBrowser(t, &stack{srv: replicas[0]})
	csrf := b.signIn(store.RoleAnalyst)
	b.base = replicas[1].URL
	code, _, page := b.get("/screen?name=Hikvision")
	if code != http.StatusOK || !strings.Contains(page, "Signed in as <strong>anna</strong>") {
		t.Fatalf("replica b with replica a's session: %d", code)
	}
	if code, _, _ := b.post("/logout", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
		t.Fatalf("logout on b with a's CSRF token: %d", code)
	}
	b.base = replicas[0].URL
	if code, _, _ := b.get("/screen"); code != http.StatusSeeOther {
		t.Errorf("replica a after logout on b: %d, want 303 to sign-in", code)
	}
	rep, err := first.VerifyAudit(ctx)
	if err != nil || !rep.OK || rep.Records != 3 {
		t.Errorf("audit chain: %v %+v, want OK with login, screen, logout", err, rep)
	}
}

// freshPostgresSchema creates an empty schema for this test, dropped at
// cleanup, and returns base pointing at it via search_path.
func freshPostgresSchema(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := store.NewToken(6)
	if err != nil {
		t.Fatal(err)
	}
	schema := "clearance_console_" + strings.ToLower(tok)
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
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
