package ear

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/clearance-oss/clearance/match"
)

func determine(t *testing.T, e *Engine, js string) Decision {
	t.Helper()
	r, err := ParseRequest([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Determine(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func reasonsOf(d Decision, rule string) []Reason {
	var out []Reason
	for _, r := range d.Reasons {
		if r.Rule == rule {
			out = append(out, r)
		}
	}
	return out
}

func TestFuzzyPartyIsReviewNamingTheCandidate(t *testing.T) {
	e := fixtureEngine(t)
	// Partial or misspelt names of fixture entries; the first that the
	// current matcher scores between the threshold and certainty is used.
	var name, listed string
	for _, n := range []string{"Xiamen Meiya", "Urumqi Public Security", "Megvi", "Hikvision Digital", "Beijing Sensetime Tech"} {
		for _, m := range e.screen(n) {
			if m.Score >= match.DefaultThreshold && m.Score < CertainScore && name == "" {
				name, listed = n, m.Name
			}
		}
	}
	if name == "" {
		t.Skip("the matcher scores none of the probe names between threshold and certainty")
	}
	d := determine(t, e, `{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"`+name+`","role":"end_user"}],"date":"2026-03-01"}`)
	if d.Decision != Review || d.LicenseRequired {
		t.Fatalf("%q: decision %s, want REVIEW", name, d.Decision)
	}
	rs := reasonsOf(d, "party-review")
	if len(rs) == 0 || rs[0].Evidence.Entry == nil || rs[0].Evidence.Entry.Name != listed || !strings.Contains(rs[0].Detail, listed) {
		t.Fatalf("%q: party-review reasons %+v, want one naming %q", name, rs, listed)
	}
}

func TestDefaultDateIsToday(t *testing.T) {
	e, err := New(fixtureEngine(t).ix, WithClock(func() time.Time { return time.Date(2019, 10, 1, 12, 0, 0, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	d := determine(t, e, `{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision"}]}`)
	if d.Date != "2019-10-01" || d.Decision != NLR {
		t.Fatalf("date %s decision %s, want 2019-10-01 NLR", d.Date, d.Decision)
	}
}

func TestNoIndexMeansNotScreened(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := determine(t, e, `{"items":[{"eccn":"EAR99"}],"destination":"DE","parties":[{"name":"Anyone GmbH"}]}`)
	if d.Decision != Review || len(reasonsOf(d, "party-review")) != 1 {
		t.Fatalf("decision %s reasons %+v", d.Decision, d.Reasons)
	}
}

// TestRequirementsAreCumulative: a chart X, an Entity List party, a
// military end user and a UVL party all show up; none hides another.
func TestRequirementsAreCumulative(t *testing.T) {
	d := determine(t, fixtureEngine(t), `{"items":[{"eccn":"5A992.c"},{"eccn":"3A001.b.1"}],"destination":"CN","end_user_type":"military",
		"parties":[{"name":"Dahua Technology","role":"ultimate_consignee"},{"name":"Atlas Sanatgaran","role":"intermediate_consignee"}],"date":"2026-03-01"}`)
	for _, rule := range []string{"chart", "entity-list", "military-end-use", "unverified-list"} {
		if len(reasonsOf(d, rule)) == 0 {
			t.Errorf("no %s reason", rule)
		}
	}
	if d.Decision != LicenseRequired {
		t.Errorf("decision %s", d.Decision)
	}
	for _, r := range reasonsOf(d, "chart") {
		if r.Outcome == LicenseRequired && (r.LicenseExceptions == nil || !r.LicenseExceptions.Excluded) {
			t.Errorf("chart requirement keeps license exceptions despite the Entity List / UVL parties: %+v", r.LicenseExceptions)
		}
	}
}

func TestEntityListDJIEffectiveBeforePublication(t *testing.T) {
	// 85 FR 83416 was published 2020-12-22 but took effect 2020-12-18.
	e := fixtureEngine(t)
	before := determine(t, e, `{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"DJI"}],"date":"2020-12-17"}`)
	after := determine(t, e, `{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"DJI"}],"date":"2020-12-18"}`)
	if before.Decision != NLR || after.Decision != LicenseRequired {
		t.Fatalf("DJI 2020-12-17 %s, 2020-12-18 %s", before.Decision, after.Decision)
	}
}

func TestSplitOwnersMostRestrictivePolicy(t *testing.T) {
	// Hikvision's policy is case-by-case for 1A004.c; Dahua's is presumption
	// of denial for everything: the affiliate takes the stricter one.
	d := determine(t, fixtureEngine(t), `{"items":[{"eccn":"1A004.c"}],"destination":"CN","parties":[{"name":"Zhejiang Lakeview Optics Trading Co",
		"owners":[{"name":"Hikvision","percent":30},{"name":"Dahua Technology","percent":30}]}],"date":"2025-10-01"}`)
	rs := reasonsOf(d, "affiliates")
	if len(rs) != 1 || !strings.HasPrefix(rs[0].ReviewPolicy, "Presumption of denial") || !strings.Contains(rs[0].Detail, "Dahua") {
		t.Fatalf("affiliates reasons %+v", rs)
	}
}

func TestRunBatch(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"one","items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision"}],"date":"2019-10-01"}`,
		``,
		`{"id":"two","items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision"}],"date":"2019-10-10"}`,
		`{"id":"bad","items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"X","role":"boss"}]}`,
		`{"id":"three","items":[{"eccn":"EAR99"}],"destination":"CU"}`,
		`{"id":"four","items":[{"eccn":"9A999"}],"destination":"CU"}`,
	}, "\n")
	var out bytes.Buffer
	sum, err := fixtureEngine(t).RunBatch(context.Background(), strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != 5 || sum.Errors != 2 || sum.ByDecision[NLR] != 1 || sum.ByDecision[LicenseRequired] != 2 {
		t.Errorf("summary %+v", sum)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"one NLR", "two LICENSE_REQUIRED", "bad line 4 parties[0].role", "three LICENSE_REQUIRED", "four line 6 items[0].eccn"}
	if len(lines) != len(want) {
		t.Fatalf("%d output lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		var v struct {
			ID       string `json:"id"`
			Decision string `json:"decision"`
			Line     int    `json:"line"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(want[i])
		if v.ID != f[0] {
			t.Errorf("line %d id %q, want %q", i+1, v.ID, f[0])
		}
		if len(f) == 2 && v.Decision != f[1] {
			t.Errorf("line %d decision %q, want %s", i+1, v.Decision, f[1])
		}
		if len(f) == 4 && (v.Line != int(f[2][0]-'0') || !strings.Contains(v.Error, f[3]) || !strings.HasPrefix(v.Error, "line ")) {
			t.Errorf("line %d error %+v, want line %s naming %s", i+1, v, f[2], f[3])
		}
	}
}

func TestEveryReasonCitedOnSnapshot(t *testing.T) {
	e, _ := realEngine(t)
	d := determine(t, e, `{"items":[{"eccn":"EAR99"},{"eccn":"5A992.c"}],"destination":"CN","parties":[{"name":"Huawei Technologies Co., Ltd."}],"date":"2026-03-01"}`)
	rs := reasonsOf(d, "entity-list")
	if len(rs) < 2 {
		t.Fatalf("entity-list reasons %d", len(rs))
	}
	for _, r := range d.Reasons {
		if len(r.Cite.CFR) == 0 {
			t.Errorf("uncited reason %+v", r)
		}
	}
	// The Huawei affiliates with identical requirement and policy collapse
	// into one reason per item that names the others.
	if !strings.Contains(rs[0].Evidence.Note, "also matches") {
		t.Errorf("no collapse note: %q", rs[0].Evidence.Note)
	}
}

func BenchmarkDetermineSnapshot(b *testing.B) {
	e, _ := realEngine(b)
	r, err := ParseRequest([]byte(`{"items":[{"eccn":"EAR99"},{"eccn":"3A001.b.1"}],"destination":"CN","parties":[{"name":"Hangzhou Hik-Vision Digital Tech Co","role":"end_user"},{"name":"Shenzhen Example Freight Forwarding","role":"intermediate_consignee"}],"end_user_type":"police","date":"2026-03-01"}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Determine(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "determinations/s")
}

func TestDetermineLeavesRequestAlone(t *testing.T) {
	r := Request{Items: []Item{{ECCN: "5a992.C"}}, Destination: "cn", Parties: []Party{{Name: " Hikvision ", Role: "End User"}}}
	if _, err := fixtureEngine(t).Determine(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if r.Items[0].ECCN != "5a992.C" || r.Parties[0].Name != " Hikvision " || r.Parties[0].Role != "End User" {
		t.Errorf("caller's request changed: %+v", r)
	}
}

func TestDetermineConcurrently(t *testing.T) {
	e := fixtureEngine(t)
	reqs := []string{
		`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision","owners":[{"name":"Dahua Technology","percent":51}]}],"date":"2025-10-15"}`,
		`{"items":[{"eccn":"3A001.b.1"},{"eccn":"6A993.a"}],"destination":"HK","end_user_type":"police"}`,
		`{"items":[{"eccn":"EAR99"}],"destination":"SY","date":"2026-01-15"}`,
	}
	want := make([]Outcome, len(reqs))
	for i, js := range reqs {
		want[i] = determine(t, e, js).Decision
	}
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for k := 0; k < 20; k++ {
				i := (g + k) % len(reqs)
				r, _ := ParseRequest([]byte(reqs[i]))
				d, err := e.Determine(context.Background(), r)
				if err == nil && d.Decision != want[i] {
					err = fmt.Errorf("request %d: %s, want %s", i, d.Decision, want[i])
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestLVSPerECCN follows the § 740.3(d)(3) example: an $8,000 order split
// $3,500 / $4,500 across two ECCNs with $5,000 LVS limits each may use LVS.
func TestLVSPerECCN(t *testing.T) {
	d := determine(t, fixtureEngine(t), `{"items":[{"eccn":"1A001.a","value_usd":3500},{"eccn":"2A000.a","value_usd":4500}],"destination":"TD","value_usd":8000}`)
	n := 0
	for _, r := range reasonsOf(d, "chart") {
		if r.Outcome != LicenseRequired {
			continue
		}
		for _, c := range r.LicenseExceptions.Candidates {
			if c.Symbol == "LVS" {
				n++
			}
		}
	}
	if n != 2 {
		t.Fatalf("LVS candidates on %d lines, want 2: %+v", n, d.Reasons)
	}
	// Without line values the per-ECCN value is unknown: LVS is conditional.
	d = determine(t, fixtureEngine(t), `{"items":[{"eccn":"1A001.a"},{"eccn":"2A000.a"}],"destination":"TD","value_usd":8000}`)
	for _, r := range reasonsOf(d, "chart") {
		for _, c := range r.LicenseExceptions.Candidates {
			if c.Symbol == "LVS" && !strings.HasPrefix(c.Why, "only if") {
				t.Errorf("LVS judged on the order total: %s", c.Why)
			}
		}
	}
}

func TestRunBatchKeepsOrder(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 300; i++ {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&in, `{"id":"%d","items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision"}],"date":"2025-01-01"}`+"\n", i)
		case 1:
			fmt.Fprintf(&in, `{"id":"%d","items":[{"eccn":"3A001.b.1"}],"destination":"DE"}`+"\n", i)
		default:
			fmt.Fprintf(&in, `{"id":"%d","items":[{"eccn":"EAR99"}],"destination":"QQ"}`+"\n", i)
		}
	}
	var out bytes.Buffer
	sum, err := fixtureEngine(t).RunBatch(context.Background(), strings.NewReader(in.String()), &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != 300 || sum.Errors != 100 || sum.ByDecision[LicenseRequired] != 100 || sum.ByDecision[NLR] != 100 {
		t.Errorf("summary %+v", sum)
	}
	for i, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var v struct {
			ID   string `json:"id"`
			Line int    `json:"line"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.ID != fmt.Sprint(i) || (i%3 == 2 && v.Line != i+1) {
			t.Fatalf("output line %d: %.120s", i+1, l)
		}
	}
}

func TestRunBatchCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := fixtureEngine(t).RunBatch(ctx, strings.NewReader(`{"items":[{"eccn":"EAR99"}],"destination":"CN"}`+"\n"), io.Discard)
	if err == nil {
		t.Fatal("cancelled run returned no error")
	}
}

// TestSweep determines every chart destination (plus territories) against a
// spread of real ECCNs and end users: no errors, every reason cited, and
// the decision always equals the most severe reason.
func TestSweep(t *testing.T) {
	e := fixtureEngine(t)
	var dests []string
	for iso := range e.t.chart {
		dests = append(dests, iso)
	}
	for iso := range e.t.territories {
		dests = append(dests, iso)
	}
	eccns := []string{"EAR99", "3A001.b.1", "3A001", "5A002.a", "5A992.c", "6A003.b.4.b", "9A515.e", "0A501", "1C351", "3A090.c", "5A980", "0A982"}
	n := 0
	for _, iso := range dests {
		for _, eu := range []string{"", "police", "military_intelligence"} {
			for _, x := range eccns {
				d, err := e.Determine(context.Background(), Request{Items: []Item{{ECCN: x}}, Destination: iso, EndUserType: eu, Date: "2026-03-01"})
				if err != nil {
					t.Fatalf("%s to %s: %v", x, iso, err)
				}
				worst := NLR
				for _, r := range d.Reasons {
					if len(r.Cite.CFR) == 0 || r.Detail == "" {
						t.Fatalf("%s to %s: uncited reason %+v", x, iso, r)
					}
					if r.Outcome.severity() > worst.severity() {
						worst = r.Outcome
					}
				}
				if d.Decision != worst || len(d.Reasons) == 0 {
					t.Fatalf("%s to %s: decision %s, most severe reason %s", x, iso, d.Decision, worst)
				}
				n++
			}
		}
	}
	t.Logf("%d determinations", n)
}
