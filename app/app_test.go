package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/ear"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// newService builds a Service over the server package's fixture (413 real
// CSL records) and a SQLite store in a temporary directory.
func newService(t testing.TB, now func() time.Time) (*Service, store.Store) {
	t.Helper()
	b, err := os.ReadFile("../server/testdata/entities.json")
	if err != nil {
		t.Fatal(err)
	}
	var es []clearance.Entity
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	ix := match.NewIndex(es)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := ear.New(ix)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Index: ix, Snapshot: Snapshot{Version: "v-test"}, Store: st, Checker: EARChecker{Engine: engine}, Node: "n1", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc, st
}

func TestRolesAreCheckedByTheService(t *testing.T) {
	svc, _ := newService(t, nil)
	viewer := Actor{ID: "key:v", Role: store.RoleViewer}
	ctx := context.Background()
	if _, err := svc.Screen(ctx, viewer, ScreenRequest{Name: "Hikvision"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("viewer Screen: %v, want ErrForbidden", err)
	}
	if _, err := svc.Check(ctx, viewer, CheckRequest{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("viewer Check: %v", err)
	}
	if _, err := svc.CreateKey(ctx, Actor{ID: "key:a", Role: store.RoleAnalyst}, CreateKeyRequest{Role: store.RoleAdmin}); !errors.Is(err, ErrForbidden) {
		t.Errorf("analyst CreateKey: %v", err)
	}
	if _, err := svc.Search(ctx, Actor{ID: "key:x", Role: "owner"}, SearchRequest{Name: "x"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("unknown role Search: %v", err)
	}
}

// TestKeyCacheAndRevocation: a revoked key stops working on this instance
// at once; on another instance (its own cache) within the TTL.
func TestKeyCacheAndRevocation(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	svc, st := newService(t, now)
	other, err := New(Config{Index: svc.index, Snapshot: svc.snapshot, Store: st, Now: now, KeyCacheTTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin := Actor{ID: "cli:test", Role: store.RoleAdmin}
	k, err := svc.CreateKey(ctx, admin, CreateKeyRequest{Name: "erp", Role: store.RoleAnalyst})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Service{svc, other} {
		a, err := s.Authenticate(ctx, k.Key, "10.0.0.1")
		if err != nil || a.Role != store.RoleAnalyst || a.ID != "key:"+k.ID || a.Origin != "10.0.0.1" {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
	}
	if err := svc.RevokeKey(ctx, admin, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, k.Key, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("revoking instance still accepts the key: %v", err)
	}
	if _, err := other.Authenticate(ctx, k.Key, ""); err != nil {
		t.Errorf("other instance within TTL: %v (want cached success)", err)
	}
	clock = clock.Add(2 * time.Second)
	if _, err := other.Authenticate(ctx, k.Key, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("other instance after TTL: %v, want ErrUnauthenticated", err)
	}
	if _, err := svc.Authenticate(ctx, "", ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("empty key: %v", err)
	}
}

// TestCheckOwnerShares: through the service as through the CLI, an owner
// whose share is omitted is "not known" (REVIEW, Red Flag 29), a stated 0%
// is no ownership (NLR), 60% of a listed entity extends its license
// requirement (the Affiliates rule); a per-item value reaches the engine.
func TestCheckOwnerShares(t *testing.T) {
	svc, _ := newService(t, nil)
	analyst := Actor{ID: "key:a", Role: store.RoleAnalyst, Origin: "127.0.0.1"}
	pct := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		share *float64
		want  string
	}{{nil, "REVIEW"}, {pct(0), "NLR"}, {pct(60), "LICENSE_REQUIRED"}} {
		req := CheckRequest{Items: []CheckItem{{ECCN: "EAR99", ValueUSD: pct(1200)}}, Destination: "MY", Date: "2026-11-20",
			Parties: []CheckParty{{Name: "Acme Sdn Bhd", Role: "end_user",
				Owners: []CheckOwner{{Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Percent: c.share}}}}}
		got, err := svc.Check(context.Background(), analyst, req)
		if err != nil {
			t.Fatal(err)
		}
		if got.Decision != c.want {
			reasons, _ := json.Marshal(got.Reasons)
			t.Errorf("share %v: %s, want %s; reasons %s", c.share, got.Decision, c.want, reasons)
		}
	}
	bad := CheckRequest{Items: []CheckItem{{ECCN: "EAR99", ValueUSD: pct(-1)}}, Destination: "MY"}
	if _, err := svc.Check(context.Background(), analyst, bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "items[0].value_usd") {
		t.Errorf("negative item value: %v", err)
	}
}

// TestCheckHikvisionSeedCase runs the license engine through the service:
// the seed case, before and after the 2019-10-09 listing.
func TestCheckHikvisionSeedCase(t *testing.T) {
	svc, st := newService(t, nil)
	analyst := Actor{ID: "key:a", Role: store.RoleAnalyst, Origin: "127.0.0.1"}
	ctx := context.Background()
	req := CheckRequest{Items: []CheckItem{{ECCN: "EAR99"}}, Destination: "cn",
		Parties: []CheckParty{{Name: "Hangzhou Hik-Vision Digital Tech Co", Role: "end_user"}}, Reference: "SO-1"}
	req.Date = "2019-10-01"
	before, err := svc.Check(ctx, analyst, req)
	if err != nil {
		t.Fatal(err)
	}
	req.Date = "2019-10-10"
	after, err := svc.Check(ctx, analyst, req)
	if err != nil {
		t.Fatal(err)
	}
	if before.Decision != "NLR" || after.Decision != "LICENSE_REQUIRED" || !after.LicenseRequired {
		t.Fatalf("decisions %s / %s, want NLR / LICENSE_REQUIRED", before.Decision, after.Decision)
	}
	reasons, _ := json.Marshal(after.Reasons)
	if !strings.Contains(string(reasons), "84 FR 54002") {
		t.Errorf("reasons do not cite 84 FR 54002: %s", reasons)
	}
	recs, err := st.ListAudit(ctx, store.Filter{Kind: store.KindCheck, Reference: "SO-1"})
	if err != nil || len(recs) != 2 {
		t.Fatalf("audit: %d records, %v", len(recs), err)
	}
	if recs[0].Decision != "nlr" || recs[1].Decision != "license_required" || recs[1].Countries[0] != "CN" || recs[1].Snapshot != "v-test" {
		t.Errorf("audit records: %+v / %+v", recs[0], recs[1])
	}
	// A bad ECCN is the client's error, named.
	_, err = svc.Check(ctx, analyst, CheckRequest{Items: []CheckItem{{ECCN: "9Z999"}}, Destination: "CN"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "items[0]") {
		t.Errorf("bad ECCN: %v", err)
	}
	noEngine, _ := New(Config{Index: svc.index, Snapshot: svc.snapshot, Store: st})
	if _, err := noEngine.Check(ctx, analyst, req); !errors.Is(err, ErrUnavailable) {
		t.Errorf("no engine: %v", err)
	}
}
