package console

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCheckForm feeds the shipment form's free-text fields (items, value,
// owners) to the parser: it must never panic, and what it accepts must be
// a well-formed request.
func FuzzCheckForm(f *testing.F) {
	// Seeds from the EAR worked cases (ear/testdata) and the examples.
	f.Add("5A992.c", "10000", "Hangzhou Hikvision Digital Technology Co., Ltd.=60")
	f.Add("EAR99\n3A001.b.1", "$12,000.50", "A=50\nB = 25%")
	f.Add("2A000.a, 2A000.b; 0A501.a", "", "")
	f.Add("", "-1", "=")
	f.Add("EAR99", "1e309", "X=101")
	f.Add("EAR99", "NaN", "Y")
	f.Add("EAR99", "Inf", "Z=NaN")
	f.Fuzz(func(t *testing.T, eccns, value, owners string) {
		form := checkForm{ECCNs: eccns, Value: value, Destination: "CN",
			Parties: []partyForm{{Name: "Hikvision", Role: "end_user", Owners: owners}}}
		req, err := form.request()
		if err != nil {
			return
		}
		if len(req.Items) == 0 {
			t.Fatal("accepted a request without items")
		}
		if v := req.ValueUSD; v != nil && !(*v >= 0 && *v < math.Inf(1)) {
			t.Fatalf("accepted the value %v", *v)
		}
		for _, p := range req.Parties {
			for _, o := range p.Owners {
				if o.Name == "" || o.Percent != nil && !(*o.Percent >= 0 && *o.Percent <= 100) {
					t.Fatalf("accepted owner %q share %v", o.Name, o.Percent)
				}
			}
		}
	})
}

// FuzzAuditQuery: any query string gives a filter or an error naming the
// field, never a panic.
func FuzzAuditQuery(f *testing.F) {
	f.Add("party=hikvision&country=cn&from=2026-01-01&to=2026-12-31")
	f.Add("before=123&kind=check&reference=PO-1")
	f.Add("from=yesterday")
	f.Add("before=-1&to=2026-02-30")
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/audit", nil)
		r.URL.RawQuery = query
		q, f, err := parseAuditQuery(r)
		if err != nil {
			if !strings.Contains(err.Error(), "field ") {
				t.Fatalf("error does not name the field: %v", err)
			}
			return
		}
		if f.Before < 0 || q.Before != f.Before {
			t.Fatalf("before %d/%d", q.Before, f.Before)
		}
	})
}

// FuzzSafeNext: the post-sign-in redirect never leaves the site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/screen?name=x", "//evil.example", "/\\evil.example", "https://evil.example", "/login?next=/", "", "/\t/evil.example", "/\n/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\n\r") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}
