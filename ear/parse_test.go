package ear

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestParseECCN(t *testing.T) {
	good := map[string]string{
		"3A001.b.1": "3A001.b.1", "5a992.C": "5A992.c", " 9A012 ": "9A012", "ear99": "EAR99",
		"3A001.z.1.a": "3A001.z.1.a", "0A501.y": "0A501.y", "6A003.b.4.b": "6A003.b.4.b",
	}
	for in, want := range good {
		e, err := ParseECCN(in)
		if err != nil || e.String() != want {
			t.Errorf("ParseECCN(%q) = %q, %v; want %q", in, e, err, want)
		}
	}
	for _, in := range []string{"", "3A0", "3F001", "XA001", "3A0011", "3A001.", "3A001..b", "3A001.b-1", "3A001.abcde", "EAR 99", "3A00x"} {
		if e, err := ParseECCN(in); err == nil {
			t.Errorf("ParseECCN(%q) = %q, want an error", in, e)
		}
	}
	a, _ := ParseECCN("3A001.b.1")
	b, _ := ParseECCN("3A001.b")
	if !a.Within(b) || b.Within(a) || !a.Within(ECCN{Base: "3A001"}) || a.Within(ECCN{Base: "3A002"}) {
		t.Error("Within is wrong")
	}
}

func TestParseRequestErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"items":[{"eccn":"3Z001"}],"destination":"CN"}`, "items[0].eccn"},
		{`{"items":[{"eccn":"EAR99"},{"eccn":""}],"destination":"CN"}`, "items[1].eccn"},
		{`{"items":[],"destination":"CN"}`, "items:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"XX"}`, "destination:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"China"}`, "destination:"},
		{`{"items":[{"eccn":"EAR99"}]}`, "destination:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","region":"crimea"}`, "region:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"UA","region":"kyiv"}`, "region:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"A","role":"boss"}]}`, "parties[0].role"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":" "}]}`, "parties[0].name"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"A","owners":[{"name":"B","percent":101}]}]}`, "parties[0].owners[0].percent"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"A","owners":[{"name":"B","percent":-1}]}]}`, "parties[0].owners[0].percent"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","end_user_type":"army"}`, "end_user_type:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","date":"10/09/2019"}`, "date:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","value_usd":-5}`, "value_usd:"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","value_usd":"5"}`, "value_usd"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN","colour":"red"}`, `unknown field "colour"`},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN"} {}`, "after the JSON object"},
		{`{"items":[{"eccn":"EAR99"}],"destination":"CN"`, "JSON"},
		{``, "empty request"},
	} {
		_, err := ParseRequest([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRequest(%s) error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestParseRequestNormalizes(t *testing.T) {
	r, err := ParseRequest([]byte(`{"items":[{"eccn":"5a992.C"}],"destination":"hk","region":"","parties":[{"name":" Hikvision ","role":"End User"}],"end_user_type":"Police","date":"2019-10-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Items[0].ECCN != "5A992.c" || r.Destination != "HK" || r.Parties[0].Name != "Hikvision" || r.Parties[0].Role != RoleEndUser || r.EndUserType != EndUserPolice {
		t.Errorf("not normalised: %+v", r)
	}
	if _, err := fixtureEngine(t).Determine(context.Background(), Request{Items: []Item{{ECCN: "9A999"}}, Destination: "CN"}); err == nil || !strings.Contains(err.Error(), "items[0].eccn") {
		t.Errorf("unknown ECCN: error %v, want one naming items[0].eccn", err)
	}
}

// seedECCNs returns every ECCN of the embedded CCL, and the paragraphs its
// License Requirements rows name, as fuzz seeds.
func seedECCNs(f *testing.F) {
	b, err := os.ReadFile("data/eccn_controls.csv.gz")
	if err != nil {
		f.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		f.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range recs[1:] {
		f.Add(r[0], r[5])
		for _, p := range paragraphRefs(r[0], r[5]) {
			f.Add(p.String(), r[5])
		}
	}
}

func FuzzParseECCN(f *testing.F) {
	seedECCNs(f)
	f.Add("EAR99", "")
	f.Fuzz(func(t *testing.T, s, scope string) {
		e, err := ParseECCN(s)
		if err != nil {
			return
		}
		again, err := ParseECCN(e.String())
		if err != nil || again.String() != e.String() {
			t.Fatalf("round trip %q -> %q -> %q, %v", s, e, again, err)
		}
		if !e.IsEAR99() {
			scopeApplies(e.Base, scope, e) // must not panic on any scope text
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	fh, err := os.Open("testdata/cases.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c workedCase
		if json.Unmarshal(sc.Bytes(), &c) == nil {
			f.Add(string(substitute(c.Request, fixtureSubst)))
		}
	}
	fh.Close()
	f.Add(`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"A","owners":[{"name":"B"}]}]}`)
	e := fixtureEngine(f)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRequest([]byte(in))
		if err != nil {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := ParseRequest(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		b2, _ := json.Marshal(r2)
		if !bytes.Equal(b, b2) {
			t.Fatalf("normalisation not stable:\n%s\n%s", b, b2)
		}
		if len(r.Parties) > 3 || len(r.Items) > 5 {
			return // keep each run fast
		}
		d, err := e.Determine(context.Background(), r)
		if err != nil {
			if !strings.Contains(err.Error(), "items[") {
				t.Fatalf("Determine error %v does not name an item", err)
			}
			return
		}
		if d.Decision == "" || len(d.Reasons) == 0 {
			t.Fatalf("empty decision for %s", b)
		}
	})
}
