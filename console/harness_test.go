package console

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// stack is a console on a real service and a real SQLite store in a temp
// directory, served by httptest on 127.0.0.1.
type stack struct {
	srv     *httptest.Server
	svc     *app.Service
	store   *sqlite.Store
	console *Console
}

func init() {
	// bcrypt's minimum cost: the tests sign in dozens of times, and the
	// cost of a production hash (12) is not what they test.
	store.PasswordCost = 4
}

// testUsers are created in every stack: one per role.
var testUsers = map[store.Role][2]string{
	store.RoleViewer:  {"vera", "viewer-password-1"},
	store.RoleAnalyst: {"anna", "analyst-password-1"},
	store.RoleAdmin:   {"adam", "admin-password-1"},
}

// fixtureEntities reads testdata/entities.json (real entries, see SOURCE.txt).
func fixtureEntities(t testing.TB) []clearance.Entity {
	t.Helper()
	b, err := os.ReadFile("testdata/entities.json")
	if err != nil {
		t.Fatal(err)
	}
	var es []clearance.Entity
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatalf("testdata/entities.json: %v", err)
	}
	return es
}

// newStack starts the console over entities with checker (nil: the fake).
func newStack(t testing.TB, entities []clearance.Entity, snap app.Snapshot, checker app.Checker) *stack {
	t.Helper()
	return newStackIndex(t, match.NewIndex(entities), snap, checker)
}

// newStackIndex starts the console over an index.
func newStackIndex(t testing.TB, ix *match.Index, snap app.Snapshot, checker app.Checker) *stack {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	for role, up := range testUsers {
		if _, err := st.CreateUser(ctx, up[0], role, up[1]); err != nil {
			t.Fatalf("create user %s: %v", up[0], err)
		}
	}
	if snap.Version == "" {
		snap = app.Snapshot{Version: "test-fixture", Sources: []app.Source{
			{List: clearance.EL, Name: "Entity List", Agency: "Bureau of Industry and Security", Entries: 1, AsOf: "2026-07-31", Origin: "console/testdata/entities.json"},
			{List: clearance.CMIC, Name: "Non-SDN Chinese Military-Industrial Complex Companies List", Agency: "Treasury Department", Entries: 1, AsOf: "2026-07-31", Origin: "console/testdata/entities.json"},
			{List: clearance.SDN, Name: "Specially Designated Nationals", Agency: "Treasury Department", Entries: 1, AsOf: "2026-07-31", Origin: "console/testdata/entities.json"},
		}}
	}
	if checker == nil {
		checker = fakeChecker{}
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := app.New(app.Config{Index: ix, Snapshot: snap, Store: st, Checker: checker, Node: "test-node", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	c, err := New(Config{Service: svc, Accounts: &StoreAccounts{Store: st, Node: "test-node"}, Node: "test-node", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &stack{srv: srv, svc: svc, store: st, console: c}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// fakeChecker answers every request as the engine would for Hikvision after
// 2019-10-09: a license under a presumption of denial, no exceptions.
type fakeChecker struct{}

func (fakeChecker) Check(ctx context.Context, req app.CheckRequest) (app.CheckDecision, error) {
	reason := map[string]any{
		"rule": "entity-list", "title": "Entity List: a party is listed", "outcome": "LICENSE_REQUIRED",
		"party": "Hikvision", "detail": "Hangzhou Hikvision Digital Technology Co., Ltd. is on the Entity List; a license is required for all items subject to the EAR.",
		"citation": map[string]any{"cfr": []string{"15 CFR 744.11(a)"}, "fr": []string{"84 FR 54002 (2019-10-09)"}},
		"evidence": map[string]any{"list_entry": map[string]any{"list": "EL", "entity_id": "el-hangzhou-hikvision-digital-technology-co-ltd-cn",
			"name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "matched_name": "Hikvision", "score": 1,
			"license_requirement": "For all items subject to the EAR. (See §744.11 of the EAR)"}},
		"review_policy":      "Presumption of denial",
		"license_exceptions": map[string]any{"excluded": true, "why": "15 CFR 744.16(b): no license exceptions for Entity List parties"},
	}
	b, _ := json.Marshal(reason)
	return app.CheckDecision{Decision: "LICENSE_REQUIRED", LicenseRequired: true, Reasons: []json.RawMessage{b}}, nil
}

// waitBatch polls the service until the batch finishes.
func waitBatch(t testing.TB, svc *app.Service, a app.Actor, id string) store.Batch {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, err := svc.Batch(context.Background(), a, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status == store.BatchDone || b.Status == store.BatchFailed {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("batch %s did not finish in 30 s", id)
	return store.Batch{}
}

var _ http.Handler = (*Console)(nil)
