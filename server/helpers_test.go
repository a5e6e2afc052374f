package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

var (
	fixtureOnce     sync.Once
	fixtureEntities []clearance.Entity
	fixtureIndex    *match.Index
)

// fixture loads testdata/entities.json (413 real CSL records, see
// testdata/SOURCE.txt) once per test binary.
func fixture(t testing.TB) ([]clearance.Entity, *match.Index) {
	fixtureOnce.Do(func() {
		b, err := os.ReadFile("testdata/entities.json")
		if err != nil {
			panic(err)
		}
		if err := json.Unmarshal(b, &fixtureEntities); err != nil {
			panic(err)
		}
		fixtureIndex = match.NewIndex(fixtureEntities)
	})
	return fixtureEntities, fixtureIndex
}

// fixtureSnapshot describes the fixture as the service reports it.
func fixtureSnapshot(es []clearance.Entity) app.Snapshot {
	counts := map[clearance.ListCode]int{}
	for _, e := range es {
		counts[e.List]++
	}
	snap := app.Snapshot{Version: "test-fixture-2022-04-21", Built: "2026-11-28T00:00:00Z"}
	for _, m := range clearance.Lists() {
		if counts[m.Code] > 0 {
			snap.Sources = append(snap.Sources, app.Source{List: m.Code, Name: m.Name, Agency: m.Agency, CSLSource: m.CSLSource, Entries: counts[m.Code], AsOf: "2022-04-21"})
		}
	}
	return snap
}

// testEnv is a server over a real SQLite store in a temporary directory,
// with one API key per role.
type testEnv struct {
	srv   *Server
	svc   *app.Service
	store store.Store
	keys  map[store.Role]string
}

type fakeChecker struct{}

// Check stands in for the EAR engine in the server's own tests, which are
// about the HTTP contract; the engine has its own tests.
func (fakeChecker) Check(_ context.Context, req app.CheckRequest) (app.CheckDecision, error) {
	d := app.CheckDecision{Decision: "NLR", Reasons: []json.RawMessage{json.RawMessage(`{"rule":"test"}`)}}
	for _, p := range req.Parties {
		if strings.Contains(strings.ToLower(p.Name), "hikvision") {
			d = app.CheckDecision{Decision: "LICENSE_REQUIRED", LicenseRequired: true, Reasons: []json.RawMessage{json.RawMessage(`{"rule":"entity_list","citation":"84 FR 54002"}`)}}
		}
	}
	return d, nil
}

func newTestEnv(t testing.TB, mod ...func(*Config)) *testEnv {
	t.Helper()
	es, ix := fixture(t)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := app.New(app.Config{Index: ix, Snapshot: fixtureSnapshot(es), Store: st, Checker: fakeChecker{}, Node: "test", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	cfg := Config{Service: svc, Log: log}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{srv: srv, svc: svc, store: st, keys: map[store.Role]string{}}
	for _, r := range []store.Role{store.RoleViewer, store.RoleAnalyst, store.RoleAdmin} {
		_, secret, err := st.CreateKey(context.Background(), "test "+string(r), r, "test")
		if err != nil {
			t.Fatal(err)
		}
		env.keys[r] = secret
	}
	return env
}

// do sends a request straight to the handler (RemoteAddr is a
// non-loopback address unless the caller sets one).
func (e *testEnv) do(t testing.TB, method, target, key string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "203.0.113.7:40000"
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, rec.Body.String())
	}
	return v
}

// wantProblem checks that rec is a problem document with the status.
func wantProblem(t testing.TB, rec *httptest.ResponseRecorder, status int, detailHas string) Problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	p := decode[Problem](t, rec)
	if p.Status != status || p.Title == "" || !strings.HasPrefix(p.Type, problemBase) {
		t.Fatalf("bad problem document: %+v", p)
	}
	if detailHas != "" && !strings.Contains(p.Detail, detailHas) {
		t.Fatalf("problem detail %q does not mention %q", p.Detail, detailHas)
	}
	return p
}

var _ = http.MethodGet
