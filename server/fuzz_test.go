package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/store"
)

// seedNames are real listed names (and aliases) from the fixture, so the
// fuzzers start from the text the service really sees: accents,
// apostrophes, commas, parentheses, non-Latin scripts.
func seedNames(t testing.TB, n int) []string {
	es, _ := fixture(t)
	var out []string
	for i := 0; i < len(es) && len(out) < n; i += 7 {
		out = append(out, es[i].Names()...)
	}
	return out
}

// FuzzUnmarshalStrict: no body makes the strict decoder panic, and every
// failure is a 4xx problem.
func FuzzUnmarshalStrict(f *testing.F) {
	for _, n := range seedNames(f, 40) {
		b, _ := json.Marshal(app.ScreenRequest{Name: n, Country: "CN", Reference: "PO-1"})
		f.Add(b)
	}
	for _, s := range []string{`{"parties":[{"id":"1","name":"Hikvision","type":"entity"}],"lists":["EL","NS-MBS"],"threshold":0.9}`,
		`{"items":[{"eccn":"5A992.c"}],"destination":"CN","parties":[{"name":"Hikvision","role":"end_user","owners":[{"name":"X","percent":60}]}]}`,
		`{"name":"a"} x`, "{\"name\":\"\xff\"}", `{"name":1e999}`, `[`, ``, `{"name":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&app.ScreenRequest{}, &app.CheckRequest{}, &app.CreateKeyRequest{}} {
			err := unmarshalStrict(body, v)
			if err == nil {
				continue
			}
			var pe *problemError
			if !errors.As(err, &pe) || pe.status < 400 || pe.status >= 500 || pe.detail == "" {
				t.Fatalf("body %q: error %v is not a 4xx problem with a detail", body, err)
			}
		}
	})
}

// FuzzScreenRoute sends arbitrary bodies through the whole /v1/screen
// route (decode, validate, match, audit, encode): never a 5xx.
func FuzzScreenRoute(f *testing.F) {
	env := newTestEnv(f)
	key := env.keys[store.RoleAnalyst]
	for _, n := range seedNames(f, 30) {
		b, _ := json.Marshal(map[string]any{"name": n, "type": "entity"})
		f.Add(string(b))
	}
	f.Add(`{"parties":[{"name":"Huawei"},{"name":"ZTE Kangxun"}],"as_of":"2020-01-01","limit":100}`)
	f.Add(`{"name":"Hikvision","lists":["sdn","Entity List (EL) - Bureau of Industry and Security"]}`)
	f.Fuzz(func(t *testing.T, body string) {
		rec := env.do(t, "POST", "/v1/screen", key, strings.NewReader(body), "Content-Type", "application/json")
		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body.String())
		}
	})
}

// FuzzCSLSearch sends arbitrary query strings to the CSL-compatible
// search: never a 5xx.
func FuzzCSLSearch(f *testing.F) {
	env := newTestEnv(f)
	key := env.keys[store.RoleViewer]
	for _, n := range seedNames(f, 20) {
		f.Add("name=" + url.QueryEscape(n) + "&fuzzy_name=true")
		f.Add("name=" + url.QueryEscape(n))
	}
	for _, q := range []string{"sources=NS-MBS&types=Entity&countries=CN,RU", "full_address=seagoville+tx", "address=&city=&state=&postal_code=&offset=&size=",
		"offset=1000&size=100", "name=%FF", "name=a&name=b", "type=vessel&sources=SDN,EL", "name=%00%01&fuzzy_name=TRUE"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		rec := env.do(t, "GET", "/consolidated_screening_list/v1/search?"+escapeForTarget(rawQuery), key, nil)
		if rec.Code >= 500 {
			t.Fatalf("query %q: status %d: %s", rawQuery, rec.Code, rec.Body.String())
		}
	})
}

// FuzzBatchUpload sends arbitrary CSV bodies as batch uploads: a bad file
// is a 4xx naming the problem, never a 5xx.
func FuzzBatchUpload(f *testing.F) {
	env := newTestEnv(f)
	key := env.keys[store.RoleAnalyst]
	var rows strings.Builder
	rows.WriteString("id,name,type,country\n")
	for i, n := range seedNames(f, 10) {
		fmt.Fprintf(&rows, "%d,%q,entity,CN\n", i, n)
	}
	f.Add(rows.String())
	f.Add("id,name\n1,\"unterminated\n")
	f.Add("\xef\xbb\xbfid;name\n1;Hikvision\n")
	f.Fuzz(func(t *testing.T, body string) {
		rec := env.do(t, "POST", "/v1/batches", key, strings.NewReader(body), "Content-Type", "text/csv")
		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body.String())
		}
	})
}

// escapeForTarget keeps a fuzzed query usable as a request target:
// httptest.NewRequest panics on bytes a client could not send (spaces,
// control characters), which is the client library's rule, not ours.
func escapeForTarget(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FuzzFoldASCII: the ASCII fast path folds exactly as the Unicode path.
func FuzzFoldASCII(f *testing.F) {
	for _, n := range seedNames(f, 50) {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isASCII(s) {
			return
		}
		fast := strings.Join(foldASCII(s), " ")
		slow := strings.Join(foldTokensUnicode(s), " ")
		if fast != slow {
			t.Fatalf("%q: fast %q, unicode %q", s, fast, slow)
		}
	})
}
