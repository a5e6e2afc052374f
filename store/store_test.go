package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// knownRecord is the worked example in docs/store.md: its canonical
// encoding and hash are fixed, so any change of the encoding (which would
// break every existing chain) fails this test.
func knownRecord() Record {
	return Record{
		Seq:       1,
		Time:      time.Date(2026, 7, 31, 9, 30, 0, 123456000, time.UTC),
		Actor:     "key:0123456789abcdef",
		Kind:      KindScreen,
		Reference: "PO-4711",
		Parties:   []string{"Hangzhou Hikvision Digital Technology Co., Ltd."},
		Countries: []string{"CN"},
		Snapshot:  "2026-07-31",
		Decision:  "hit",
		Origin:    "127.0.0.1",
		Node:      "host-a",
		Request:   json.RawMessage(`{"name":"Hikvision"}`),
		Result:    json.RawMessage(`{"matches":1}`),
		PrevHash:  GenesisHash,
	}
}

const knownCanonical = "clearance-audit-v1\n" +
	"1:1\n" +
	"27:2026-07-31T09:30:00.123456Z\n" +
	"20:key:0123456789abcdef\n" +
	"6:screen\n" +
	"7:PO-4711\n" +
	"1#\n47:Hangzhou Hikvision Digital Technology Co., Ltd.\n" +
	"1#\n2:CN\n" +
	"10:2026-07-31\n" +
	"3:hit\n" +
	"9:127.0.0.1\n" +
	"6:host-a\n" +
	"20:{\"name\":\"Hikvision\"}\n" +
	"13:{\"matches\":1}\n" +
	"64:" + GenesisHash + "\n"

func TestCanonicalKnownAnswer(t *testing.T) {
	r := knownRecord()
	if got := string(Canonical(&r)); got != knownCanonical {
		t.Fatalf("canonical encoding changed:\n%q\nwant\n%q", got, knownCanonical)
	}
	// sha256sum of the text above; docs/store.md shows how to reproduce it.
	const want = "ea281c3c164cadee7db0dad1af4f157d8b56f01bae46bc61fc02357ba2242de8"
	if got := Hash(&r); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}

func TestCanonicalDistinguishesFields(t *testing.T) {
	base := knownRecord()
	h := Hash(&base)
	mutations := map[string]func(r *Record){
		"seq":                 func(r *Record) { r.Seq = 2 },
		"time +1µs":           func(r *Record) { r.Time = r.Time.Add(time.Microsecond) },
		"actor":               func(r *Record) { r.Actor += "x" },
		"party moved to next": func(r *Record) { r.Parties = []string{"Hangzhou Hikvision", "Digital Technology Co., Ltd."} },
		"party to country":    func(r *Record) { r.Parties, r.Countries = nil, []string{r.Parties[0], "CN"} },
		"empty vs missing":    func(r *Record) { r.Parties = append(r.Parties, "") },
		"request":             func(r *Record) { r.Request = json.RawMessage(`{"name":"Hikvisi0n"}`) },
		"request to result":   func(r *Record) { r.Request, r.Result = r.Result, r.Request },
		"prev hash":           func(r *Record) { r.PrevHash = strings.Repeat("1", 64) },
		"decision":            func(r *Record) { r.Decision = "clear" },
		"reference/snapshot":  func(r *Record) { r.Reference, r.Snapshot = r.Reference+"2026-07-31", "" },
	}
	for name, m := range mutations {
		r := knownRecord()
		m(&r)
		if Hash(&r) == h {
			t.Errorf("%s: hash unchanged", name)
		}
	}
}

func chainOf(n int) []Record {
	recs := make([]*Record, n)
	for i := range recs {
		r, _ := PrepareRecord(Record{Kind: KindScreen, Actor: "a", Decision: "hit", Parties: []string{"P"}}, time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC))
		recs[i] = &r
	}
	Chain(0, GenesisHash, recs)
	out := make([]Record, n)
	for i, r := range recs {
		out[i] = *r
	}
	return out
}

func verifyAll(recs []Record, headSeq int64, headHash string) VerifyReport {
	v := NewChainVerifier()
	for i := range recs {
		if !v.Add(&recs[i]) {
			break
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestChainVerifier(t *testing.T) {
	good := chainOf(6)
	head := good[5]
	if rep := verifyAll(good, head.Seq, head.Hash); !rep.OK || rep.Records != 6 || rep.HeadHash != head.Hash {
		t.Fatalf("good chain: %+v", rep)
	}
	if rep := verifyAll(nil, 0, GenesisHash); !rep.OK || rep.HeadHash != GenesisHash {
		t.Fatalf("empty chain: %+v", rep)
	}
	cases := []struct {
		name     string
		mutate   func([]Record) []Record
		firstBad int64
		problem  string
	}{
		{"edited", func(r []Record) []Record { r[2].Decision = "clear"; return r }, 3, "altered"},
		{"deleted", func(r []Record) []Record { return append(r[:3:3], r[4:]...) }, 4, "record 4 is missing"},
		{"two deleted", func(r []Record) []Record { return append(r[:1:1], r[3:]...) }, 2, "records 2 to 3"},
		{"first deleted", func(r []Record) []Record { return r[1:] }, 1, "missing"},
		{"swapped contents", func(r []Record) []Record { r[1], r[4] = r[4], r[1]; r[1].Seq, r[4].Seq = 2, 5; return r }, 2, "altered"},
		{"swapped positions", func(r []Record) []Record { r[1], r[2] = r[2], r[1]; return r }, 2, "missing"},
		{"tail deleted", func(r []Record) []Record { return r[:4] }, 5, "chain head"},
		{"rehashed edit", func(r []Record) []Record { r[2].Decision = "clear"; r[2].Hash = Hash(&r[2]); return r }, 4, "does not follow"},
		{"duplicate", func(r []Record) []Record { return append(r[:3:3], r[2:]...) }, 3, "out of order"},
	}
	for _, c := range cases {
		recs := c.mutate(chainOf(6))
		rep := verifyAll(recs, head.Seq, head.Hash)
		if rep.OK || rep.FirstBad != c.firstBad || !strings.Contains(rep.Problem, c.problem) {
			t.Errorf("%s: %+v; want first bad %d, %q", c.name, rep, c.firstBad, c.problem)
		}
	}
}

func TestPrepareRecord(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("X", 3600))
	r, err := PrepareRecord(Record{Kind: KindCheck, Countries: []string{" cn"}, Request: json.RawMessage(" { \"a\" : 1 } "), Seq: 9, Hash: "x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Time.Equal(now.Truncate(time.Microsecond)) || r.Time.Location() != time.UTC || r.Countries[0] != "CN" ||
		string(r.Request) != `{"a":1}` || r.Seq != 0 || r.Hash != "" || r.Result != nil {
		t.Errorf("prepared: %+v", r)
	}
	if _, err := PrepareRecord(Record{Kind: KindCheck, Result: json.RawMessage("nope")}, now); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"result"`) {
		t.Errorf("bad result JSON: %v", err)
	}
}

func TestKeys(t *testing.T) {
	key, id, hash, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := ParseKey(key); !ok || got != id {
		t.Fatalf("ParseKey(%q) = %q %v, want %q", key, got, ok, id)
	}
	if !KeyHashMatches(key, hash) || KeyHashMatches(key+"x", hash) {
		t.Error("KeyHashMatches")
	}
	key2, id2, _, _ := NewKey()
	if key2 == key || id2 == id {
		t.Error("two keys alike")
	}
	for _, bad := range []string{"", "clr_", "clr_zz_", "xyz_" + key[4:], key[:len(key)-1], "clr_" + strings.Repeat("g", 16) + key[20:]} {
		if _, ok := ParseKey(bad); ok {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestRoles(t *testing.T) {
	if !RoleAdmin.Allows(RoleAnalyst) || !RoleAnalyst.Allows(RoleViewer) || RoleViewer.Allows(RoleAnalyst) || Role("x").Allows(RoleViewer) || RoleAnalyst.Allows("x") {
		t.Error("role order")
	}
	if _, err := ParseRole("Admin"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseRole is case-sensitive by design: %v", err)
	}
}

func TestPasswords(t *testing.T) {
	PasswordCost = 4
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") || CheckPassword("", "x") {
		t.Error("CheckPassword")
	}
	if _, err := HashPassword(strings.Repeat("a", 73)); !errors.Is(err, ErrInvalid) {
		t.Errorf("73-byte password: %v", err)
	}
}

// memTrail is an in-memory AuditTrail for the group-commit and export tests.
type memTrail struct {
	mu      sync.Mutex
	recs    []Record
	commits int
	gc      *GroupCommitter
}

func newMemTrail(commitDelay time.Duration) *memTrail {
	m := &memTrail{}
	m.gc = NewGroupCommitter(func(ctx context.Context, recs []*Record) error {
		time.Sleep(commitDelay) // what an fsync costs
		m.mu.Lock()
		defer m.mu.Unlock()
		m.commits++
		head, hash := int64(0), GenesisHash
		if n := len(m.recs); n > 0 {
			head, hash = m.recs[n-1].Seq, m.recs[n-1].Hash
		}
		Chain(head, hash, recs)
		for _, r := range recs {
			m.recs = append(m.recs, *r)
		}
		return nil
	}, 64)
	return m
}

func (m *memTrail) AppendAudit(ctx context.Context, r Record) (Record, error) {
	return m.gc.Append(ctx, r)
}
func (m *memTrail) ListAudit(ctx context.Context, f Filter) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Record
	for _, r := range m.recs {
		if r.Seq > f.After && len(out) < f.Limit {
			out = append(out, r)
		}
	}
	return out, nil
}
func (m *memTrail) VerifyAudit(ctx context.Context) (VerifyReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.recs)
	return verifyAll(m.recs, m.recs[n-1].Seq, m.recs[n-1].Hash), nil
}

func TestGroupCommitBatches(t *testing.T) {
	m := newMemTrail(200 * time.Microsecond)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := m.AppendAudit(context.Background(), Record{Kind: KindScreen}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	m.gc.Close()
	if _, err := m.AppendAudit(context.Background(), Record{Kind: KindScreen}); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: %v", err)
	}
	rep, _ := m.VerifyAudit(context.Background())
	if !rep.OK || rep.Records != 3200 {
		t.Fatalf("verify: %+v", rep)
	}
	if m.commits > 3200/4 {
		t.Errorf("%d commits for 3200 records: no batching", m.commits)
	}
	t.Logf("3200 records in %d commits", m.commits)
}

// TestGroupCommitLinger checks both sides of the adaptive linger:
// concurrent appenders share transactions, and a lone caller appending one record at a time is not made to wait
// for company that never comes.
func TestGroupCommitLinger(t *testing.T) {
	instant := func(ctx context.Context, recs []*Record) error { Chain(0, GenesisHash, recs); return nil }
	quick := func(ctx context.Context, recs []*Record) error {
		time.Sleep(100 * time.Microsecond)
		return instant(ctx, recs)
	}

	g := NewGroupCommitterWith(quick, GroupCommitOptions{MaxLinger: time.Millisecond})
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if _, err := g.Append(context.Background(), Record{Kind: KindScreen}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	g.Close()
	st := g.Stats()
	if st.Records != 1600 || st.Failed != 0 {
		t.Fatalf("stats %+v, want 1600 records, none failed", st)
	}
	// How many share a commit depends on scheduling (other tests run
	// beside this one); nextLinger's rules are tested exactly below.
	if mean := float64(st.Records) / float64(st.Commits); mean < 4 {
		t.Errorf("16 concurrent appenders: %.1f records per commit, want >= 4", mean)
	}
	t.Logf("concurrent: %d records in %d commits", st.Records, st.Commits)

	// A 50 ms linger paid on every sequential append would take 10 s.
	g = NewGroupCommitterWith(instant, GroupCommitOptions{MaxLinger: 50 * time.Millisecond})
	start := time.Now()
	for i := 0; i < 200; i++ {
		if _, err := g.Append(context.Background(), Record{Kind: KindScreen}); err != nil {
			t.Fatal(err)
		}
	}
	g.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("200 sequential appends took %v: the lone caller waited for a batch", d)
	}
	if st := g.Stats(); st.Commits != 200 {
		t.Errorf("sequential: %d commits, want 200 (one per append)", st.Commits)
	}
}

func TestNextLinger(t *testing.T) {
	const ms = time.Millisecond
	for _, c := range []struct {
		linger, max    time.Duration
		natural, total int
		want           time.Duration
	}{
		{0, 2 * ms, 1, 1, 0},                            // alone, not lingering: stay
		{0, 2 * ms, 3, 3, minLinger},                    // appends found together: start lingering
		{minLinger, 2 * ms, 1, 4, 2 * minLinger},        // the wait paid: double
		{1500 * time.Microsecond, 2 * ms, 2, 9, 2 * ms}, // capped
		{2 * ms, 2 * ms, 1, 1, ms},                      // the wait brought nothing: halve
		{2 * ms, 2 * ms, 64, 64, ms},                    // everyone was already queued: halve
		{minLinger, 2 * ms, 1, 1, 0},                    // below the minimum: stop
		{ms, 0, 5, 9, 0},                                // lingering off
	} {
		if got := nextLinger(c.linger, c.max, c.natural, c.total); got != c.want {
			t.Errorf("nextLinger(%v, %v, %d, %d) = %v, want %v", c.linger, c.max, c.natural, c.total, got, c.want)
		}
	}
}

func TestGroupCommitError(t *testing.T) {
	boom := errors.New("disk full")
	g := NewGroupCommitter(func(ctx context.Context, recs []*Record) error { return boom }, 0)
	defer g.Close()
	if _, err := g.Append(context.Background(), Record{Kind: KindScreen}); !errors.Is(err, boom) {
		t.Errorf("err %v, want the commit's", err)
	}
}

func TestExportFormats(t *testing.T) {
	m := newMemTrail(0)
	defer m.gc.Close()
	for i := 0; i < 2500; i++ {
		if _, err := m.AppendAudit(context.Background(), Record{Kind: KindScreen, Parties: []string{"A", "B"}, Request: json.RawMessage(`{"i":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	n, err := ExportAudit(context.Background(), m, Filter{}, FormatJSONL, &b)
	if err != nil || n != 2500 || bytes.Count(b.Bytes(), []byte("\n")) != 2500 {
		t.Fatalf("jsonl: %d %v", n, err)
	}
	// CSV: a party name a spreadsheet would evaluate gets an apostrophe.
	if _, err := m.AppendAudit(context.Background(), Record{Kind: KindScreen, Reference: "@PO-1", Parties: []string{"=cmd|' /C calc'!A0"},
		Request: json.RawMessage(`{"i":2}`)}); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if _, err := ExportAudit(context.Background(), m, Filter{}, FormatCSV, &b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 2502 {
		t.Fatalf("csv: %d lines, %v", len(recs), err)
	}
	if got := recs[2501]; got[4] != "'@PO-1" || got[5] != "'=cmd|' /C calc'!A0" {
		t.Errorf("csv reference, parties = %q, %q: want apostrophe-prefixed", got[4], got[5])
	}
	if _, err := ParseExportFormat("xlsx"); !errors.Is(err, ErrInvalid) {
		t.Errorf("xlsx: %v", err)
	}
}

func FuzzParseKey(f *testing.F) {
	key, _, _, _ := NewKey()
	for _, s := range []string{key, "", "clr_", "clr_0123456789abcdef_", key + "x", strings.ToUpper(key)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseKey(s)
		if ok && (!strings.HasPrefix(s, KeyPrefix+id+"_") || len(id) != 16) {
			t.Errorf("ParseKey(%q) = %q", s, id)
		}
	})
}

// TestPrepareRecordEscapesHTML: "&", "<" and ">" in stored JSON are kept as
// json.Marshal writes them, so a record re-encoded by json.Marshal or by an
// encoder without HTML escaping (the JSONL export) keeps its hash.
func TestPrepareRecordEscapesHTML(t *testing.T) {
	r, err := PrepareRecord(Record{Kind: KindScreen, Parties: []string{"A & C Trade"},
		Request: json.RawMessage(`{"name":"A & C <Trade>"}`)}, time.Unix(1e9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"A \u0026 C \u003cTrade\u003e"}`; string(r.Request) != want {
		t.Fatalf("stored request %s, want %s", r.Request, want)
	}
	Chain(0, GenesisHash, []*Record{&r})
	for _, escape := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escape)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var back Record
		if err := json.Unmarshal(b.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		if Hash(&back) != r.Hash {
			t.Errorf("escapeHTML %v: hash changed through %s", escape, b.Bytes())
		}
	}
}

// FuzzPrepareRecord checks that whatever a client sends, a record is either
// rejected with ErrInvalid or prepared into a form that hashes stably and
// survives a JSON round trip (which is what an export is) with the same hash.
func FuzzPrepareRecord(f *testing.F) {
	f.Add("key:1", "Hikvision", "CN", `{"name":"Hikvision"}`, `{"matches":[]}`)
	f.Add("", "Müller \"GmbH\"", "de", " [1, 2 ,3] ", "")
	f.Add("a\x00", "\xff", "C,N", `{"a":`, `null`)
	f.Fuzz(func(t *testing.T, actor, party, country, req, res string) {
		r, err := PrepareRecord(Record{Kind: KindScreen, Actor: actor, Parties: []string{party}, Countries: []string{country},
			Request: json.RawMessage(req), Result: json.RawMessage(res)}, time.Unix(1e9, 0))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		Chain(0, GenesisHash, []*Record{&r})
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Record
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if Hash(&back) != r.Hash {
			t.Fatalf("hash changed through JSON: %s", data)
		}
	})
}

// FuzzChainTamper changes one field of one record of a valid chain to an
// arbitrary value: unless the value is unchanged, verify must report that
// very record as the first bad one.
func FuzzChainTamper(f *testing.F) {
	f.Add(uint8(0), uint8(0), "x")
	f.Add(uint8(3), uint8(5), "Hangzhou Hikvision")
	f.Add(uint8(5), uint8(9), `{"name":"Hikvision"}`)
	f.Add(uint8(2), uint8(11), "")
	f.Fuzz(func(t *testing.T, idx, field uint8, value string) {
		recs := chainOf(6)
		i := int(idx) % len(recs)
		r := &recs[i]
		var old string
		set := []func(){
			func() { old, r.Actor = r.Actor, value },
			func() { old, r.Kind = string(r.Kind), Kind(value) },
			func() { old, r.Reference = r.Reference, value },
			func() { old, r.Snapshot = r.Snapshot, value },
			func() { old, r.Decision = r.Decision, value },
			func() { old, r.Parties = strings.Join(r.Parties, "\x00"), strings.Split(value, "\x00") },
			func() { old, r.Origin = r.Origin, value },
			func() { old, r.Node = r.Node, value },
			func() { old, r.Countries = strings.Join(r.Countries, "\x00"), strings.Split(value, "\x00") },
			func() { old = string(jsonField(r.Request)); r.Request = json.RawMessage(value) },
			func() { old = string(jsonField(r.Result)); r.Result = json.RawMessage(value) },
			func() { old, r.PrevHash = r.PrevHash, value },
		}
		set[int(field)%len(set)]()
		changed := old != value
		if int(field)%len(set) == 9 || int(field)%len(set) == 10 {
			changed = old != string(jsonField(json.RawMessage(value)))
		}
		if int(field)%len(set) == 8 && old == "" && value == "" {
			changed = len(r.Countries) != 0 // Split("") is [""]: one empty country, not none
		}
		if int(field)%len(set) == 5 && old == "" && value == "" {
			changed = true // [""] vs [] differ too; chainOf has one party so old != ""
		}
		rep := verifyAll(recs, recs[5].Seq, recs[5].Hash)
		if changed && (rep.OK || rep.FirstBad != int64(i+1)) {
			t.Fatalf("record %d field %d %q -> %q: %+v", i+1, field, old, value, rep)
		}
		if !changed && !rep.OK {
			t.Fatalf("unchanged record reported: %+v", rep)
		}
	})
}

// FuzzIsCompactJSON holds the fast path of PrepareRecord to its promise:
// whatever isCompactJSON accepts, json.Compact accepts and leaves unchanged.
//
//	go test ./store -run '^$' -fuzz FuzzIsCompactJSON -fuzztime 10s
func FuzzIsCompactJSON(f *testing.F) {
	for _, s := range []string{
		`{"parties":[{"name":"LIMITED LIABILITY COMPANY SBERBANK INSURANCE BROKER"}],"threshold":0.81,"limit":10}`,
		`[{"decision":"hit","matches":[{"entity_id":"sdn-18751","list":"SDN","name":"A \u0026 B","matched_name":"x\"y\\z","score":1}]}]`,
		`{"a": 1}`, `[1, 2]`, `-0.5e+10`, `"\ud800"`, `null`, `true`, `{"a":[]}`, `[[[[]]]]`, `01`, `1.`, `"\x"`, `{"a":1,}`, "\"\t\"", ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !isCompactJSON(raw) {
			return
		}
		if !json.Valid(raw) {
			t.Fatalf("isCompactJSON accepted invalid JSON %q", raw)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil || !bytes.Equal(b.Bytes(), raw) {
			t.Fatalf("isCompactJSON accepted %q, which json.Compact makes %q (%v)", raw, b.Bytes(), err)
		}
	})
}

func TestIsCompactJSON(t *testing.T) {
	for s, want := range map[string]bool{
		`{"a":1,"b":[true,false,null,"x\n\u00e9"],"c":{}}`: true,
		`-0.5e+10`: true, `0`: true, `[]`: true, `""`: true,
		`{"a": 1}`: false, ` 1`: false, `01`: false, `1.`: false, `.5`: false, `"\x"`: false, `{"a":1,}`: false,
		"\"\t\"": false, ``: false, `[1]x`: false, `tru`: false, `"abc`: false, `{"a"}`: false, `1e`: false, `--1`: false,
		strings.Repeat("[", 100) + strings.Repeat("]", 100): false, // deeper than the fast path follows
	} {
		if got := isCompactJSON([]byte(s)); got != want {
			t.Errorf("isCompactJSON(%q) = %v, want %v", s, got, want)
		}
	}
}
