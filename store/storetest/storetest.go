// Package storetest is the test suite every store.Store backend must pass.
// store/sqlite runs it always; store/postgres runs it when
// CLEARANCE_TEST_POSTGRES_URL is set (CI sets it). A backend's test calls
// Run with a Backend that creates a fresh, empty database per test.
package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/clearance-oss/clearance/store"
)

// Backend opens stores for the suite.
type Backend struct {
	// NewDatabase creates an empty database for one test (removed by
	// t.Cleanup) and returns a function that opens a Store on it. Each call
	// of open is a separate Store, as another process would have; the suite
	// closes what it opens.
	NewDatabase func(t *testing.T) (open func() store.Store)
	// DropAuditTriggers are the statements that remove the append-only
	// triggers, as an attacker with database access would, so the suite can
	// check that verify still catches what they do next.
	DropAuditTriggers []string
}

// rawSQL is implemented by the backends' stores: the suite reaches below
// the interface to tamper with records.
type rawSQL interface{ SQL() *sql.DB }

// Run runs the whole suite against b.
func Run(t *testing.T, b Backend) {
	store.PasswordCost = bcrypt.MinCost // the suite checks behaviour, not bcrypt's speed
	tests := []struct {
		name string
		fn   func(t *testing.T, b Backend)
	}{
		{"AuditAppendChain", testAuditAppendChain},
		{"AuditRoundTrip", testAuditRoundTrip},
		{"AuditFilters", testAuditFilters},
		{"AuditInvalid", testAuditInvalid},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"AuditTamperEdit", testTamperEdit},
		{"AuditTamperDelete", testTamperDelete},
		{"AuditTamperSwap", testTamperSwap},
		{"AuditTamperTail", testTamperTail},
		{"AuditTamperHead", testTamperHead},
		{"AuditTamperParties", testTamperParties},
		{"AuditConcurrentStores", testAuditConcurrent},
		{"AuditReopen", testAuditReopen},
		{"AuditExport", testAuditExport},
		{"Keys", testKeys},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Batches", testBatches},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

// open returns a Store on a fresh database, closed at the end of the test.
func open(t *testing.T, b Backend) (store.Store, func() store.Store) {
	t.Helper()
	opener := b.NewDatabase(t)
	openClosed := func() store.Store {
		s := opener()
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	return openClosed(), openClosed
}

func rawExec(t *testing.T, s store.Store, query string) {
	t.Helper()
	raw, ok := s.(rawSQL)
	if !ok {
		t.Fatalf("store %T has no SQL() method", s)
	}
	if _, err := raw.SQL().Exec(query); err != nil {
		t.Fatalf("raw SQL %q: %v", query, err)
	}
}

func execErr(s store.Store, query string) error {
	_, err := s.(rawSQL).SQL().Exec(query)
	return err
}

// sample returns the i-th test record (1-based), varied enough for filters.
func sample(i int) store.Record {
	parties := [][]string{
		{"Hangzhou Hikvision Digital Technology Co., Ltd."},
		{"Acme Widgets GmbH", "Müller Präzisionstechnik"},
		{"Rosoboronexport"},
	}[i%3]
	countries := [][]string{{"CN"}, {"DE", "RU"}, {"RU"}}[i%3]
	return store.Record{
		Time:      time.Date(2026, 7, 1, 12, 0, i, 123456789, time.UTC),
		Actor:     fmt.Sprintf("key:%d", i%2),
		Kind:      []store.Kind{store.KindScreen, store.KindCheck}[i%2],
		Reference: fmt.Sprintf("PO-%04d", i),
		Parties:   parties,
		Countries: countries,
		Snapshot:  "2026-07-31",
		Decision:  []string{"hit", "clear", "license_required"}[i%3],
		Origin:    "127.0.0.1",
		Node:      "test-node",
		Request:   json.RawMessage(fmt.Sprintf(`{"name": %q, "n": %d}`, parties[0], i)),
		Result:    json.RawMessage(`{"matches":[]}`),
	}
}

func appendN(t *testing.T, s store.Store, n int) []store.Record {
	t.Helper()
	out := make([]store.Record, 0, n)
	for i := 1; i <= n; i++ {
		r, err := s.AppendAudit(context.Background(), sample(i))
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

func verify(t *testing.T, s store.Store) store.VerifyReport {
	t.Helper()
	rep, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func testAuditAppendChain(t *testing.T, b Backend) {
	s, _ := open(t, b)
	if rep := verify(t, s); !rep.OK || rep.Records != 0 || rep.HeadSeq != 0 || rep.HeadHash != store.GenesisHash {
		t.Fatalf("empty trail: %+v", rep)
	}
	recs := appendN(t, s, 10)
	prev := store.GenesisHash
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Errorf("record %d: seq %d", i+1, r.Seq)
		}
		if r.PrevHash != prev {
			t.Errorf("record %d: prev_hash %s, want %s", r.Seq, r.PrevHash, prev)
		}
		if len(r.Hash) != 64 || r.Hash != store.Hash(&r) {
			t.Errorf("record %d: hash %q does not match its content", r.Seq, r.Hash)
		}
		prev = r.Hash
	}
	rep := verify(t, s)
	if !rep.OK || rep.Records != 10 || rep.HeadSeq != 10 || rep.HeadHash != recs[9].Hash {
		t.Fatalf("verify: %+v", rep)
	}
}

func testAuditRoundTrip(t *testing.T, b Backend) {
	s, _ := open(t, b)
	in := store.Record{
		Time:      time.Date(2026, 7, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)),
		Actor:     "user:alice",
		Kind:      store.KindCheck,
		Reference: "SO-2026-0042",
		Parties:   []string{"Хиквижн", "海康威视", "O'Brien \"Ltd\""},
		Countries: []string{"cn", " hk "},
		Snapshot:  "2026-07-31+ear-2026-09",
		Decision:  "license_required",
		Origin:    "10.0.0.7",
		Node:      "serve-a",
		Request:   json.RawMessage("{\n  \"z\": 1,\n  \"a\": [1, 2],\n  \"s\": \"\\u0000 ok\"\n}"),
	}
	got, err := s.AppendAudit(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	wantTime := time.Date(2026, 7, 1, 10, 0, 0, 123456000, time.UTC)
	if !got.Time.Equal(wantTime) || got.Time.Location() != time.UTC {
		t.Errorf("time %v, want %v UTC truncated to µs", got.Time, wantTime)
	}
	list, err := s.ListAudit(context.Background(), store.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %d records, %v", len(list), err)
	}
	r := list[0]
	if !r.Time.Equal(wantTime) {
		t.Errorf("stored time %v, want %v", r.Time, wantTime)
	}
	if string(r.Request) != `{"z":1,"a":[1,2],"s":"\u0000 ok"}` {
		t.Errorf("request stored as %s (want compacted, key order kept)", r.Request)
	}
	if r.Result != nil {
		t.Errorf("result %q, want nil", r.Result)
	}
	if strings.Join(r.Parties, "|") != strings.Join(in.Parties, "|") {
		t.Errorf("parties %q", r.Parties)
	}
	if strings.Join(r.Countries, ",") != "CN,HK" {
		t.Errorf("countries %q, want CN,HK", r.Countries)
	}
	if r.Hash != got.Hash || store.Hash(&r) != r.Hash {
		t.Errorf("stored record does not hash to its hash")
	}
	if r.Actor != in.Actor || r.Kind != in.Kind || r.Reference != in.Reference || r.Snapshot != in.Snapshot ||
		r.Decision != in.Decision || r.Origin != in.Origin || r.Node != in.Node {
		t.Errorf("fields changed: %+v", r)
	}
}

func testAuditFilters(t *testing.T, b Backend) {
	s, _ := open(t, b)
	appendN(t, s, 30) // i%3: 0 Hikvision/CN/hit, 1 Acme+Müller/DE,RU/clear, 2 Rosoboronexport/RU/license_required
	ctx := context.Background()
	count := func(f store.Filter) int {
		t.Helper()
		recs, err := s.ListAudit(ctx, f)
		if err != nil {
			t.Fatalf("list %+v: %v", f, err)
		}
		return len(recs)
	}
	cases := []struct {
		name string
		f    store.Filter
		want int
	}{
		{"all", store.Filter{}, 30},
		{"party substring, case-insensitive", store.Filter{PartyName: "HIKVISION"}, 10},
		{"party non-ASCII case fold", store.Filter{PartyName: "MÜLLER"}, 10},
		{"party not across names", store.Filter{PartyName: "gmbh müller"}, 0},
		{"country", store.Filter{Country: "ru"}, 20},
		{"country DE", store.Filter{Country: "DE"}, 10},
		{"country exact, not substring", store.Filter{Country: "R"}, 0},
		{"reference", store.Filter{Reference: "PO-0007"}, 1},
		{"actor", store.Filter{Actor: "key:1"}, 15},
		{"kind", store.Filter{Kind: store.KindCheck}, 15},
		{"decision", store.Filter{Decision: "hit"}, 10},
		{"from", store.Filter{From: time.Date(2026, 7, 1, 12, 0, 21, 0, time.UTC)}, 10},
		{"from-to", store.Filter{From: time.Date(2026, 7, 1, 12, 0, 5, 0, time.UTC), To: time.Date(2026, 7, 1, 12, 0, 10, 0, time.UTC)}, 5},
		{"after", store.Filter{After: 25}, 5},
		{"limit", store.Filter{Limit: 7}, 7},
		{"combined", store.Filter{PartyName: "rosoboron", Country: "RU", Kind: store.KindScreen}, 5},
	}
	for _, c := range cases {
		if got := count(c.f); got != c.want {
			t.Errorf("%s: %d records, want %d", c.name, got, c.want)
		}
	}
	desc, err := s.ListAudit(ctx, store.Filter{Desc: true, Limit: 3})
	if err != nil || len(desc) != 3 || desc[0].Seq != 30 || desc[2].Seq != 28 {
		t.Fatalf("desc: %v %v", seqs(desc), err)
	}
	page, err := s.ListAudit(ctx, store.Filter{Desc: true, Before: 28, Limit: 2})
	if err != nil || len(page) != 2 || page[0].Seq != 27 || page[1].Seq != 26 {
		t.Fatalf("desc before 28: %v %v", seqs(page), err)
	}
}

func seqs(rs []store.Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.Seq
	}
	return out
}

func testAuditInvalid(t *testing.T, b Backend) {
	s, _ := open(t, b)
	ctx := context.Background()
	bad := map[string]func(r *store.Record){
		"no kind":          func(r *store.Record) { r.Kind = "" },
		"NUL in actor":     func(r *store.Record) { r.Actor = "a\x00b" },
		"bad UTF-8 party":  func(r *store.Record) { r.Parties = []string{"\xff\xfe"} },
		"malformed JSON":   func(r *store.Record) { r.Request = json.RawMessage(`{"a":`) },
		"comma in country": func(r *store.Record) { r.Countries = []string{"CN,RU"} },
	}
	for name, mutate := range bad {
		r := sample(1)
		mutate(&r)
		if _, err := s.AppendAudit(ctx, r); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
	}
	if rep := verify(t, s); !rep.OK || rep.Records != 0 {
		t.Errorf("invalid records reached the trail: %+v", rep)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.AppendAudit(cctx, sample(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func testAuditAppendOnly(t *testing.T, b Backend) {
	s, _ := open(t, b)
	appendN(t, s, 3)
	for _, q := range []string{
		`UPDATE audit_records SET decision = 'clear' WHERE seq = 2`,
		`DELETE FROM audit_records WHERE seq = 3`,
		`DELETE FROM audit_head`,
	} {
		if err := execErr(s, q); err == nil || !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "cannot be deleted") {
			t.Errorf("%s: err %v, want the trigger to refuse", q, err)
		}
	}
	if rep := verify(t, s); !rep.OK || rep.Records != 3 {
		t.Errorf("after refused tampering: %+v", rep)
	}
}

// tampered returns a store with 8 records and the append-only triggers dropped.
func tampered(t *testing.T, b Backend) store.Store {
	s, _ := open(t, b)
	appendN(t, s, 8)
	for _, q := range b.DropAuditTriggers {
		rawExec(t, s, q)
	}
	return s
}

func wantBroken(t *testing.T, s store.Store, firstBad int64, problem string) {
	t.Helper()
	rep := verify(t, s)
	if rep.OK || rep.FirstBad != firstBad || !strings.Contains(rep.Problem, problem) {
		t.Fatalf("verify: %+v; want broken at %d with %q", rep, firstBad, problem)
	}
}

func testTamperEdit(t *testing.T, b Backend) {
	s := tampered(t, b)
	rawExec(t, s, `UPDATE audit_records SET decision = 'no_hit' WHERE seq = 4`)
	wantBroken(t, s, 4, "altered")
}

func testTamperDelete(t *testing.T, b Backend) {
	s := tampered(t, b)
	rawExec(t, s, `DELETE FROM audit_records WHERE seq = 5`)
	wantBroken(t, s, 5, "missing")
}

func testTamperSwap(t *testing.T, b Backend) {
	s := tampered(t, b)
	// Swap records 3 and 6 by renumbering them (the contents travel with the seq).
	rawExec(t, s, `UPDATE audit_records SET seq = -3 WHERE seq = 3`)
	rawExec(t, s, `UPDATE audit_records SET seq = 3 WHERE seq = 6`)
	rawExec(t, s, `UPDATE audit_records SET seq = 6 WHERE seq = -3`)
	wantBroken(t, s, 3, "altered")
}

func testTamperTail(t *testing.T, b Backend) {
	s := tampered(t, b)
	rawExec(t, s, `DELETE FROM audit_records WHERE seq >= 7`)
	wantBroken(t, s, 7, "chain head")
}

func testTamperHead(t *testing.T, b Backend) {
	s := tampered(t, b)
	rawExec(t, s, `DELETE FROM audit_head`)
	wantBroken(t, s, 1, "chain head row is missing")
}

func testTamperParties(t *testing.T, b Backend) {
	s := tampered(t, b)
	// Not even valid JSON any more: still read, and reported as altered.
	rawExec(t, s, `UPDATE audit_records SET parties = 'Someone Else' WHERE seq = 2`)
	wantBroken(t, s, 2, "altered")
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("ping: %v", err)
	}
}

func testAuditConcurrent(t *testing.T, b Backend) {
	_, openMore := open(t, b)
	a, c := openMore(), openMore() // two stores on one database, as two `serve` processes
	const workers, each = 8, 100
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		s := a
		if w%2 == 1 {
			s = c
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := sample(w*each + i)
				r.Actor = fmt.Sprintf("worker:%d", w)
				if _, err := s.AppendAudit(context.Background(), r); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	for _, s := range []store.Store{a, c} {
		if rep := verify(t, s); !rep.OK || rep.Records != workers*each || rep.HeadSeq != workers*each {
			t.Fatalf("verify after concurrent appends: %+v", rep)
		}
	}
}

func testAuditReopen(t *testing.T, b Backend) {
	s, openMore := open(t, b)
	appendN(t, s, 5)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendAudit(context.Background(), sample(1)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("append after close: %v, want ErrClosed", err)
	}
	s2 := openMore()
	r, err := s2.AppendAudit(context.Background(), sample(6))
	if err != nil || r.Seq != 6 {
		t.Fatalf("append after reopen: seq %d, %v", r.Seq, err)
	}
	if rep := verify(t, s2); !rep.OK || rep.Records != 6 {
		t.Fatalf("verify after reopen: %+v", rep)
	}
}

func testAuditExport(t *testing.T, b Backend) {
	s, _ := open(t, b)
	// More than one export page (1000), appended concurrently to be quick.
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 75; i++ {
				if _, err := s.AppendAudit(context.Background(), sample(w*75+i+1)); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	ctx := context.Background()
	var buf bytes.Buffer
	n, err := store.ExportAudit(ctx, s, store.Filter{}, store.FormatCSV, &buf)
	if err != nil || n != 1200 {
		t.Fatalf("csv export: %d records, %v", n, err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 1201 || strings.Join(rows[0], ",") != strings.Join(store.CSVHeader, ",") {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	if rows[1][0] != "1" || rows[1200][0] != "1200" {
		t.Errorf("csv not in seq order: first %s last %s", rows[1][0], rows[1200][0])
	}
	buf.Reset()
	n, err = store.ExportAudit(ctx, s, store.Filter{PartyName: "hikvision", Country: "CN"}, store.FormatJSONL, &buf)
	if err != nil || n != 400 {
		t.Fatalf("jsonl export: %d records, %v", n, err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 400 {
		t.Fatalf("jsonl: %d lines", len(lines))
	}
	var r store.Record
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r.Hash != store.Hash(&r) || r.Parties[0] != "Hangzhou Hikvision Digital Technology Co., Ltd." {
		t.Errorf("jsonl record does not re-hash or lost fields: %+v", r)
	}
}

func testKeys(t *testing.T, b Backend) {
	s, _ := open(t, b)
	ctx := context.Background()
	if _, _, err := s.CreateKey(ctx, "x", "root", "cli"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad role: %v", err)
	}
	k, plain, err := s.CreateKey(ctx, "erp connector", store.RoleAnalyst, "cli:test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "clr_"+k.ID+"_") || len(plain) != 4+16+1+52 {
		t.Errorf("key %q (id %s) has the wrong shape", plain, k.ID)
	}
	got, err := s.LookupKey(ctx, plain)
	if err != nil || got.ID != k.ID || got.Role != store.RoleAnalyst || got.Name != "erp connector" || got.CreatedBy != "cli:test" {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	forged := plain[:len(plain)-1] + "a"
	if forged == plain {
		forged = plain[:len(plain)-1] + "b"
	}
	for _, bad := range []string{forged, "", "clr_", "Bearer " + plain, strings.ToUpper(plain), plain + "x"} {
		if _, err := s.LookupKey(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lookup %q: %v, want ErrNotFound", bad, err)
		}
	}
	var n int
	if err := s.(rawSQL).SQL().QueryRow(`SELECT count(*) FROM api_keys WHERE key_hash = '` + store.HashKey(plain) + `'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("stored hash: %d rows, %v", n, err)
	}
	k2, _, err := s.CreateKey(ctx, "", store.RoleAdmin, "cli:test")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Errorf("second revoke: %v", err)
	}
	if err := s.RevokeKey(ctx, "0123456789abcdef"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	if _, err := s.LookupKey(ctx, plain); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked key still works: %v", err)
	}
	keys, err := s.ListKeys(ctx)
	if err != nil || len(keys) != 2 {
		t.Fatalf("list: %+v %v", keys, err)
	}
	byID := map[string]store.APIKey{keys[0].ID: keys[0], keys[1].ID: keys[1]}
	if byID[k.ID].RevokedAt == nil || byID[k2.ID].RevokedAt != nil || byID[k2.ID].Role != store.RoleAdmin {
		t.Errorf("list: %+v", keys)
	}
}

func testUsers(t *testing.T, b Backend) {
	s, _ := open(t, b)
	ctx := context.Background()
	alice, err := s.CreateUser(ctx, "alice", store.RoleAnalyst, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "alice", store.RoleAdmin, "another password"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := s.CreateUser(ctx, "bob", store.RoleViewer, "short"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("short password: %v", err)
	}
	if _, err := s.CreateUser(ctx, "", store.RoleViewer, "long enough"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
	u, err := s.AuthenticateUser(ctx, "alice", "correct horse")
	if err != nil || u.ID != alice.ID || u.Role != store.RoleAnalyst {
		t.Fatalf("authenticate: %+v %v", u, err)
	}
	for _, c := range [][2]string{{"alice", "wrong horse"}, {"mallory", "correct horse"}, {"Alice", "correct horse"}} {
		if _, err := s.AuthenticateUser(ctx, c[0], c[1]); !errors.Is(err, store.ErrBadCredentials) {
			t.Errorf("authenticate %q/%q: %v", c[0], c[1], err)
		}
	}
	var stored string
	if err := s.(rawSQL).SQL().QueryRow(`SELECT password_hash FROM users WHERE name = 'alice'`).Scan(&stored); err != nil ||
		!strings.HasPrefix(stored, "$2a$") || strings.Contains(stored, "correct horse") {
		t.Errorf("stored password %q, %v; want a bcrypt hash", stored, err)
	}
	if _, err := s.CreateUser(ctx, "bob", store.RoleViewer, "bobs password"); err != nil {
		t.Fatal(err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil || len(users) != 2 {
		t.Fatalf("list: %+v %v", users, err)
	}
	if err := s.DisableUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateUser(ctx, "alice", "correct horse"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user signs in: %v", err)
	}
	if err := s.DisableUser(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
	got, err := s.GetUser(ctx, alice.ID)
	if err != nil || got.DisabledAt == nil {
		t.Errorf("get disabled user: %+v %v", got, err)
	}
}

func testSessions(t *testing.T, b Backend) {
	s, _ := open(t, b)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "carol", store.RoleAdmin, "carols password")
	if err != nil {
		t.Fatal(err)
	}
	sess, token, err := s.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 32 || sess.ID == token || sess.ID != store.HashToken(token) || len(sess.CSRFToken) < 32 {
		t.Errorf("session %+v token %q", sess, token)
	}
	got, err := s.GetSession(ctx, token)
	if err != nil || got.User.Name != "carol" || got.User.Role != store.RoleAdmin || got.CSRFToken != sess.CSRFToken {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := s.GetSession(ctx, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the stored hash works as a token: %v", err)
	}
	if err := s.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
	_, short, err := s.CreateSession(ctx, u.ID, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if _, err := s.GetSession(ctx, short); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	_, live, err := s.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DisableUser(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, live); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of disabled user: %v", err)
	}
	if _, _, err := s.CreateSession(ctx, u.ID, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session for disabled user: %v", err)
	}
	if _, _, err := s.CreateSession(ctx, "nosuchuser", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session for unknown user: %v", err)
	}
}

func testBatches(t *testing.T, b Backend) {
	s, _ := open(t, b)
	ctx := context.Background()
	job, err := s.CreateBatch(ctx, store.Batch{Owner: "key:a", Filename: "customers.csv", Total: 5})
	if err != nil || job.ID == "" || job.Status != store.BatchQueued {
		t.Fatalf("create: %+v %v", job, err)
	}
	time.Sleep(2 * time.Millisecond) // distinct created_at, for the newest-first order below
	other, err := s.CreateBatch(ctx, store.Batch{Owner: "key:b", Filename: "x.xlsx", Total: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateBatch(ctx, job.ID, store.BatchProgress{Done: 3, Hits: 1, Status: store.BatchRunning}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateBatch(ctx, job.ID, store.BatchProgress{Status: "exploded"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad status: %v", err)
	}
	if err := s.UpdateBatch(ctx, "nope", store.BatchProgress{Status: store.BatchDone}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	rows := []store.BatchResult{
		{Row: 3, Data: json.RawMessage(`{"id":"c","matches":[]}`)},
		{Row: 1, Data: json.RawMessage(`{"id":"a","matches":[{"list":"EL"}]}`)},
		{Row: 2, Data: json.RawMessage(`{"id":"b","matches":[]}`)},
	}
	if err := s.AddBatchResults(ctx, job.ID, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBatchResults(ctx, job.ID, []store.BatchResult{{Row: 5, Data: json.RawMessage(`{}`)}, {Row: 2, Data: json.RawMessage(`{}`)}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate row: %v", err)
	}
	if err := s.AddBatchResults(ctx, job.ID, []store.BatchResult{{Row: 4, Data: json.RawMessage(`{`)}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad JSON: %v", err)
	}
	if err := s.AddBatchResults(ctx, "nope", rows); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("results for unknown batch: %v", err)
	}
	got, err := s.BatchResults(ctx, job.ID, 0, 2)
	if err != nil || len(got) != 2 || got[0].Row != 1 || got[1].Row != 2 || string(got[0].Data) != `{"id":"a","matches":[{"list":"EL"}]}` {
		t.Fatalf("results page 1: %+v %v", got, err)
	}
	got, err = s.BatchResults(ctx, job.ID, 2, 2)
	if err != nil || len(got) != 1 || got[0].Row != 3 {
		t.Fatalf("results page 2 (row 5 of the failed insert must not exist): %+v %v", got, err)
	}
	if _, err := s.BatchResults(ctx, "nope", 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("results of unknown batch: %v", err)
	}
	if err := s.UpdateBatch(ctx, job.ID, store.BatchProgress{Done: 5, Hits: 1, Status: store.BatchDone}); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetBatch(ctx, job.ID)
	if err != nil || g.Done != 5 || g.Hits != 1 || g.Status != store.BatchDone || g.Filename != "customers.csv" || g.Total != 5 || g.UpdatedAt.Before(g.CreatedAt) {
		t.Fatalf("get: %+v %v", g, err)
	}
	all, err := s.ListBatches(ctx, "", 10)
	if err != nil || len(all) != 2 || all[0].ID != other.ID {
		t.Fatalf("list all (newest first): %+v %v", all, err)
	}
	mine, err := s.ListBatches(ctx, "key:a", 10)
	if err != nil || len(mine) != 1 || mine[0].ID != job.ID {
		t.Fatalf("list by owner: %+v %v", mine, err)
	}
}
