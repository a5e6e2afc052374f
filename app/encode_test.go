package app

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
)

// encodingJSON is what the server wrote before encode.go: encoding/json's
// Encoder without the trailing newline.
func encodingJSON(t testing.TB, v any, escapeHTML bool) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// TestAppendJSONIsEncodingJSON screens every name of the server fixture
// (413 real CSL records), some misspelt and some with characters JSON
// escapes, and checks that the hand-written encoders produce exactly the
// bytes encoding/json does: for the response in both HTML modes, and for
// the audit record's request and result as stored and hashed.
func TestAppendJSONIsEncodingJSON(t *testing.T) {
	svc, st := newService(t, func() time.Time { return time.Date(2026, 11, 28, 2, 3, 4, 567891234, time.UTC) })
	ctx := context.Background()
	actor := Actor{ID: "key:t", Role: store.RoleAnalyst, Origin: "127.0.0.1"}
	var names []string
	for _, e := range svc.Index().Entities() {
		names = append(names, e.Name)
		if len(e.Name) > 6 {
			names = append(names, e.Name[:len(e.Name)/2]+e.Name[len(e.Name)/2+1:]) // one byte dropped
		}
	}
	names = append(names, `Smith & <Sons> "Ltd"`, "Line\u2028Sep\u2029Co", `back\slash`, "tab\tname", "Ωμέγα Trading", "\u5927\u8fde")
	f := false
	for i, name := range names {
		req := ScreenRequest{Name: name, Country: []string{"", "cn", "RU"}[i%3], Reference: []string{"", "PO-<1>&2"}[i%2]}
		if i%4 == 3 {
			req.Explain = &f
		}
		if i%5 == 4 {
			req = ScreenRequest{Parties: []Party{{ID: "p&1", Name: name, Type: "entity"}, {Name: "Acme Garden Furniture", Country: "de"}},
				Lists: []string{"EL", "SDN"}, Threshold: 0.7, Limit: 3, AsOf: "2026-01-02"}
		}
		resp, err := svc.Screen(ctx, actor, req)
		if err != nil {
			t.Fatalf("Screen(%q): %v", name, err)
		}
		for _, html := range []bool{false, true} {
			got, err := resp.AppendJSON(nil, html)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodingJSON(t, resp, html); !bytes.Equal(got, want) {
				t.Fatalf("Screen(%q) html=%v:\n got %s\nwant %s", name, html, got, want)
			}
		}
		q, err := req.validate()
		if err != nil {
			t.Fatal(err)
		}
		gotReq, _ := appendAuditRequest(nil, &q, req.Reference)
		gotRes, _ := appendAuditResults(nil, resp.Results)
		wantReq, _ := json.Marshal(q.auditRequest(req.Reference))
		wantRes, _ := json.Marshal(auditMatches(resp.Results))
		if !bytes.Equal(gotReq, wantReq) || !bytes.Equal(gotRes, wantRes) {
			t.Fatalf("Screen(%q) audit:\n got %s %s\nwant %s %s", name, gotReq, gotRes, wantReq, wantRes)
		}
		recs, err := st.ListAudit(ctx, store.Filter{After: resp.Audit.Seq - 1, Limit: 1})
		if err != nil || len(recs) != 1 {
			t.Fatalf("audit record %d: %v %d", resp.Audit.Seq, err, len(recs))
		}
		if !bytes.Equal(recs[0].Request, wantReq) || !bytes.Equal(recs[0].Result, wantRes) {
			t.Fatalf("stored record %d:\n got %s %s\nwant %s %s", resp.Audit.Seq, recs[0].Request, recs[0].Result, wantReq, wantRes)
		}

		if i%7 == 0 {
			sr, err := svc.Search(ctx, actor, SearchRequest{Name: name, Explain: i%2 == 0, Reference: "S&P"})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := sr.AppendJSON(nil, false)
			if want := encodingJSON(t, sr, false); !bytes.Equal(got, want) {
				t.Fatalf("Search(%q):\n got %s\nwant %s", name, got, want)
			}
			gotRes, _ := appendAuditMatches(nil, sr.Matches)
			wantRes, _ := json.Marshal(toAuditMatches(sr.Matches))
			if !bytes.Equal(gotRes, wantRes) {
				t.Fatalf("Search(%q) audit result:\n got %s\nwant %s", name, gotRes, wantRes)
			}
		}
	}
	t.Logf("%d screenings encoded identically", len(names))
}

// TestAppendJSONEdgeCases covers what real screenings rarely produce: nil
// slices (null), omitted empty fields, floats in exponent notation, and
// the errors encoding/json reports.
func TestAppendJSONEdgeCases(t *testing.T) {
	resp := ScreenResponse{Decision: "hit", Snapshot: "v", Threshold: 1e-7, Results: []PartyResult{
		{Party: Party{Name: "A"}, Decision: "hit", Matches: []clearance.Match{
			{EntityID: "x", Score: 1e21, Explanation: &clearance.Explanation{NameScore: 0.000001, Alignments: []clearance.TokenAlignment{{Kind: "unmatched", Weight: 123456789.125}}}},
			{EntityID: "y", Score: -0.5, Explanation: &clearance.Explanation{Ignored: []clearance.IgnoredToken{{Token: "ltd", Reason: "legal form"}}, Adjust: []clearance.Adjustment{{Feature: "country", Delta: -0.05, Reason: "x"}}}},
		}},
		{Party: Party{Name: "B"}, Decision: "clear"},
	}}
	for _, html := range []bool{false, true} {
		got, err := resp.AppendJSON(nil, html)
		if err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, resp, html); !bytes.Equal(got, want) {
			t.Errorf("html=%v:\n got %s\nwant %s", html, got, want)
		}
	}
	if got, want := mustAppend((&ScreenResponse{}).AppendJSON(nil, false)), encodingJSON(t, ScreenResponse{}, false); !bytes.Equal(got, want) {
		t.Errorf("zero response:\n got %s\nwant %s", got, want)
	}
	if got, want := mustAppend((&SearchResponse{}).AppendJSON(nil, false)), encodingJSON(t, SearchResponse{}, false); !bytes.Equal(got, want) {
		t.Errorf("zero search response:\n got %s\nwant %s", got, want)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := ScreenResponse{Threshold: bad}
		if _, err := r.AppendJSON(nil, false); err == nil {
			t.Errorf("threshold %v: no error", bad)
		}
		if _, err := json.Marshal(r); err == nil {
			t.Errorf("encoding/json accepted %v; the encoders disagree", bad)
		}
	}
	if _, err := (&ScreenResponse{ScreenedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}).AppendJSON(nil, false); err == nil {
		t.Error("year 10000: no error (encoding/json refuses it)")
	}
}

func mustAppend(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestEncodedFieldsAreKnown fails when a JSON field is added to (or
// removed from) a type that encode.go writes by hand: the field would
// silently go missing from answers. Update encode.go, then this list.
func TestEncodedFieldsAreKnown(t *testing.T) {
	known := map[reflect.Type]string{
		reflect.TypeFor[ScreenResponse]():           "decision reference snapshot screened_at threshold results audit",
		reflect.TypeFor[SearchResponse]():           "name snapshot decision matches audit",
		reflect.TypeFor[PartyResult]():              "party decision matches",
		reflect.TypeFor[Party]():                    "id name type country",
		reflect.TypeFor[AuditRef]():                 "seq hash",
		reflect.TypeFor[clearance.Match]():          "entity_id list name matched_name alias score explanation",
		reflect.TypeFor[clearance.Explanation]():    "query listed alignments ignored adjustments name_score summary",
		reflect.TypeFor[clearance.TokenAlignment](): "query listed kind similarity weight contribution",
		reflect.TypeFor[clearance.IgnoredToken]():   "token reason",
		reflect.TypeFor[clearance.Adjustment]():     "feature delta reason",
		reflect.TypeFor[auditMatch]():               "entity_id list name matched_name score",
		reflect.TypeFor[auditParty]():               "decision matches",
	}
	for typ, want := range known {
		var got []string
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			got = append(got, name)
		}
		if !slices.Equal(got, strings.Fields(want)) {
			t.Errorf("%v has JSON fields %q; app/encode.go writes %q: update encode.go", typ, got, want)
		}
	}
}

// FuzzAppendJSON compares the hand-written encoders with encoding/json on
// arbitrary strings (escapes, invalid UTF-8, line separators) and floats.
//
//	go test ./app -run '^$' -fuzz FuzzAppendJSON -fuzztime 10s
func FuzzAppendJSON(f *testing.F) {
	f.Add("Hangzhou Hikvision Digital Technology Co., Ltd.", "HIKVISION", 0.97, "PO-1")
	f.Add("Smith & <Sons>", "a\u2028b\"c\\d", 1e-7, "\x00\x1f\t")
	f.Add("\xff\xfe invalid", "Ωμέγα", 123456789.0, "")
	f.Add("", "", 0.0, "</script>")
	f.Fuzz(func(t *testing.T, s1, s2 string, x float64, s3 string) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		resp := ScreenResponse{Decision: s1, Reference: s3, Snapshot: s2, Threshold: x, ScreenedAt: time.Unix(int64(x)%1e10, 0).UTC(),
			Results: []PartyResult{{Party: Party{ID: s3, Name: s1, Type: s2, Country: s3}, Decision: s2, Matches: []clearance.Match{{
				EntityID: s1, List: clearance.ListCode(s2), Name: s3, MatchedName: s1, Alias: x > 0, Score: x,
				Explanation: &clearance.Explanation{Query: s1, Listed: s2, Summary: s3, NameScore: -x,
					Alignments: []clearance.TokenAlignment{{Query: s1, Listed: s3, Kind: s2, Similarity: x / 3, Weight: x * 7, Contribution: x}},
					Ignored:    []clearance.IgnoredToken{{Token: s2, Reason: s3}},
					Adjust:     []clearance.Adjustment{{Feature: s1, Delta: x / 1e9, Reason: s2}}}}}}},
			Audit: AuditRef{Seq: int64(len(s1)), Hash: s2}}
		for _, html := range []bool{false, true} {
			got, err := resp.AppendJSON(nil, html)
			if err != nil {
				return // a time outside 0..9999; encoding/json refuses it too
			}
			if want := encodingJSON(t, resp, html); !bytes.Equal(got, want) {
				t.Fatalf("html=%v:\n got %s\nwant %s", html, got, want)
			}
		}
		q := screenQuery{parties: []Party{resp.Results[0].Party},
			base: match.Query{Lists: []clearance.ListCode{clearance.ListCode(s2)}, Threshold: x, Limit: len(s1), AsOf: s3}}
		got, _ := appendAuditRequest(nil, &q, s3)
		want, _ := json.Marshal(q.auditRequest(s3))
		if !bytes.Equal(got, want) {
			t.Fatalf("audit request:\n got %s\nwant %s", got, want)
		}
		got, _ = appendAuditResults(nil, resp.Results)
		want, _ = json.Marshal(auditMatches(resp.Results))
		if !bytes.Equal(got, want) {
			t.Fatalf("audit result:\n got %s\nwant %s", got, want)
		}
	})
}

// BenchmarkEncodeScreening compares encoding/json with encode.go on the
// two encodings every POST /v1/screen makes: the answer (with
// explanations) and the audit record's request and result.
//
//	go test ./app -run '^$' -bench EncodeScreening -benchmem
func BenchmarkEncodeScreening(b *testing.B) {
	svc, _ := newService(b, nil)
	actor := Actor{ID: "key:b", Role: store.RoleAnalyst}
	var resps []ScreenResponse
	var queries []screenQuery
	for _, e := range svc.Index().Entities()[:40] {
		req := ScreenRequest{Name: e.Name}
		resp, err := svc.Screen(context.Background(), actor, req)
		if err != nil {
			b.Fatal(err)
		}
		q, _ := req.validate()
		resps, queries = append(resps, resp), append(queries, q)
	}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		for i := 0; b.Loop(); i++ {
			r := &resps[i%len(resps)]
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(r); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(queries[i%len(queries)].auditRequest("")); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(auditMatches(r.Results)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 16<<10)
		for i := 0; b.Loop(); i++ {
			r := &resps[i%len(resps)]
			var err error
			if buf, err = r.AppendJSON(buf[:0], false); err != nil {
				b.Fatal(err)
			}
			if _, err := appendAuditRequest(make([]byte, 0, 192), &queries[i%len(queries)], ""); err != nil {
				b.Fatal(err)
			}
			if _, err := appendAuditResults(make([]byte, 0, 320), r.Results); err != nil {
				b.Fatal(err)
			}
		}
	})
}
