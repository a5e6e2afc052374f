package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
	"github.com/xuri/excelize/v2"
)

// sampleRequest returns a well-formed request for a route, so the role
// matrix tests authorisation, not input validation.
func sampleRequest(op string) (target string, body string, contentType string) {
	switch op {
	case "screen":
		return "/v1/screen", `{"name":"Hikvision"}`, "application/json"
	case "search":
		return "/v1/search?name=Hikvision", "", ""
	case "check":
		return "/v1/check", `{"items":[{"eccn":"EAR99"}],"destination":"CN"}`, "application/json"
	case "entity":
		return "/v1/entities/no-such-id", "", ""
	case "createBatch":
		return "/v1/batches", "name\nHikvision\n", "text/csv"
	case "batch":
		return "/v1/batches/no-such-batch", "", ""
	case "batchResults":
		return "/v1/batches/no-such-batch/results", "", ""
	case "createKey":
		return "/v1/keys", `{"name":"matrix","role":"viewer"}`, "application/json"
	case "revokeKey":
		return "/v1/keys/no-such-key", "", ""
	case "cslSearch":
		return "/consolidated_screening_list/v1/search?name=hikvision", "", ""
	case "cslSources":
		return "/consolidated_screening_list/v1/sources", "", ""
	}
	return "", "", ""
}

// TestRouteRoleMatrix calls every route with no key, an unknown key and a
// key of each role: 401 without a valid key, 403 when the role is too
// low, and otherwise neither (nor a 500).
func TestRouteRoleMatrix(t *testing.T) {
	env := newTestEnv(t)
	roles := []store.Role{"", "bogus", store.RoleViewer, store.RoleAnalyst, store.RoleAdmin}
	for _, rt := range env.srv.Routes() {
		for _, role := range roles {
			name := fmt.Sprintf("%s %s as %q", rt.Method, rt.Path, role)
			target, body, ct := sampleRequest(rt.Operation)
			if target == "" {
				target = rt.Path
			}
			key := env.keys[role]
			if role == "bogus" {
				key = "clr_nope_0000000000000000"
			}
			var hdr []string
			if ct != "" {
				hdr = []string{"Content-Type", ct}
			}
			rec := env.do(t, rt.Method, target, key, strings.NewReader(body), hdr...)
			switch {
			case rt.Public:
				if rec.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200 (public route)", name, rec.Code)
				}
			case role == "" || role == "bogus":
				if rec.Code != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", name, rec.Code)
				}
			case !role.Allows(rt.Role):
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", name, rec.Code)
				}
			default:
				if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden || rec.Code >= 500 {
					t.Errorf("%s: status %d, want success: %s", name, rec.Code, rec.Body.String())
				}
			}
		}
	}
}

// TestMetricsLoopback: /metrics needs no key from loopback, an admin key
// from anywhere else.
func TestMetricsLoopback(t *testing.T) {
	env := newTestEnv(t)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	rec := httptest.NewRecorder()
	env.srv.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "clearance_snapshot_entities") {
		t.Fatalf("loopback /metrics: %d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
	wantProblem(t, env.do(t, "GET", "/metrics", "", nil), 401, "")
	wantProblem(t, env.do(t, "GET", "/metrics", env.keys[store.RoleAnalyst], nil), 403, "admin")
	if rec := env.do(t, "GET", "/metrics", env.keys[store.RoleAdmin], nil); rec.Code != 200 {
		t.Fatalf("admin /metrics: %d", rec.Code)
	}
}

// TestOpenAPIMatchesRoutes fails when the OpenAPI document and the route
// table disagree: a route missing from the document, a documented path
// that is not served, a different operationId or role.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	env := newTestEnv(t)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				OperationID string                     `json:"operationId"`
				Role        string                     `json:"x-clearance-role"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" "+path+" "+op.OperationID+" "+op.Role] = true
			if op.Role != "public" {
				for _, code := range []string{"401", "403"} {
					if _, ok := op.Responses[code]; !ok {
						t.Errorf("%s %s: response %s not documented", method, path, code)
					}
				}
			}
		}
	}
	served := map[string]bool{}
	for _, rt := range env.srv.Routes() {
		role := string(rt.Role)
		switch {
		case rt.Public:
			role = "public"
		case rt.Metrics:
			role = "loopback-or-admin"
		}
		served[rt.Method+" "+rt.Path+" "+rt.Operation+" "+role] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("route not in openapi.json (or documented differently): %s", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("openapi.json documents a route the server does not have: %s", k)
		}
	}
	rec := env.do(t, "GET", "/openapi.json", "", nil)
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), OpenAPI()) {
		t.Fatalf("GET /openapi.json: %d", rec.Code)
	}
}

func TestScreenIsAuditedBeforeItAnswers(t *testing.T) {
	env := newTestEnv(t)
	rec := env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst],
		strings.NewReader(`{"name":"Hangzhou Hikvision Digital Technology Co., Ltd.","country":"cn"}`), "X-Reference", "PO-4711")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	resp := decode[app.ScreenResponse](t, rec)
	if resp.Decision != "hit" || len(resp.Results) != 1 || len(resp.Results[0].Matches) == 0 {
		t.Fatalf("want a hit, got %+v", resp)
	}
	var m clearance.Match // the Entity List entry (the fixture also holds Hikvision's CMIC entry)
	for _, x := range resp.Results[0].Matches {
		if x.List == "EL" {
			m = x
		}
	}
	if m.List != "EL" || m.Name != "Hangzhou Hikvision Digital Technology Co., Ltd." || m.Score < 0.99 || m.Explanation == nil {
		t.Errorf("best match %+v", m)
	}
	if resp.Reference != "PO-4711" || resp.Snapshot != "test-fixture-2022-04-21" || resp.Audit.Seq == 0 || len(resp.Audit.Hash) != 64 {
		t.Errorf("reference/snapshot/audit: %q %q %+v", resp.Reference, resp.Snapshot, resp.Audit)
	}
	recs, err := env.store.ListAudit(context.Background(), store.Filter{Reference: "PO-4711"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit records for PO-4711: %d, %v", len(recs), err)
	}
	r := recs[0]
	if r.Seq != resp.Audit.Seq || r.Kind != store.KindScreen || r.Decision != "hit" || r.Snapshot != resp.Snapshot ||
		!strings.HasPrefix(r.Actor, "key:") || r.Origin != "203.0.113.7" || len(r.Parties) != 1 || r.Countries[0] != "CN" {
		t.Errorf("audit record %+v", r)
	}
	if !strings.Contains(string(r.Result), m.EntityID) {
		t.Errorf("audit result does not name the matched entity %s: %s", m.EntityID, r.Result)
	}

	// A list of parties, one clear.
	rec = env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst],
		strings.NewReader(`{"parties":[{"id":"a","name":"Hikvision"},{"id":"b","name":"Acme Garden Furniture Ltd"}],"reference":"PO-2"}`))
	resp = decode[app.ScreenResponse](t, rec)
	if rec.Code != 200 || len(resp.Results) != 2 || resp.Results[0].Decision != "hit" || resp.Results[1].Decision != "clear" || resp.Results[1].Party.ID != "b" {
		t.Fatalf("two parties: %d %+v", rec.Code, resp)
	}
	rep, err := env.store.VerifyAudit(context.Background())
	if err != nil || !rep.OK || rep.Records != 2 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestSearchCheckListsEntity(t *testing.T) {
	env := newTestEnv(t)
	viewer := env.keys[store.RoleViewer]
	rec := env.do(t, "GET", "/v1/search?name=hikvision&limit=3", viewer, nil)
	sr := decode[app.SearchResponse](t, rec)
	if rec.Code != 200 || sr.Decision != "hit" || len(sr.Matches) == 0 || sr.Audit.Seq == 0 {
		t.Fatalf("search: %d %+v", rec.Code, sr)
	}
	var id string
	for _, m := range sr.Matches {
		if m.List == "EL" {
			id = m.EntityID
		}
	}
	rec = env.do(t, "GET", "/v1/entities/"+id, viewer, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "84 FR 54002") {
		t.Fatalf("entity %s: %d %s", id, rec.Code, rec.Body.String())
	}
	wantProblem(t, env.do(t, "GET", "/v1/entities/nope", viewer, nil), 404, "nope")

	rec = env.do(t, "GET", "/v1/lists", viewer, nil)
	lists := decode[struct {
		Snapshot string       `json:"snapshot"`
		Entities int          `json:"entities"`
		Lists    []app.Source `json:"lists"`
	}](t, rec)
	if lists.Entities != 413 || len(lists.Lists) != 13 || lists.Lists[0].List != "EL" || lists.Lists[0].Entries != 196 {
		t.Fatalf("lists: %+v", lists)
	}

	rec = env.do(t, "POST", "/v1/check", env.keys[store.RoleAnalyst], strings.NewReader(
		`{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"Hikvision","role":"end_user"}],"date":"2020-01-01","reference":"SO-9"}`))
	cr := decode[app.CheckResponse](t, rec)
	if rec.Code != 200 || cr.Decision != "LICENSE_REQUIRED" || !cr.LicenseRequired || len(cr.Reasons) != 1 || cr.Audit.Seq == 0 {
		t.Fatalf("check: %d %s", rec.Code, rec.Body.String())
	}
	recs, _ := env.store.ListAudit(context.Background(), store.Filter{Kind: store.KindCheck})
	if len(recs) != 1 || recs[0].Decision != "license_required" || recs[0].Reference != "SO-9" || recs[0].Countries[0] != "CN" {
		t.Fatalf("check audit: %+v", recs)
	}
}

// TestBadInputIsA4xxProblem sends malformed input to every route that takes
// input: each answer is a 4xx problem document naming the problem.
func TestBadInputIsA4xxProblem(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxBodyBytes = 4096; c.MaxUploadBytes = 8192 })
	analyst, admin := env.keys[store.RoleAnalyst], env.keys[store.RoleAdmin]
	big := `{"name":"` + strings.Repeat("a", 5000) + `"}`
	cases := []struct {
		method, target, body, ct string
		key                      string
		status                   int
		detail                   string
	}{
		{"POST", "/v1/screen", `{"name":"Hikvision"`, "application/json", analyst, 400, "ends before"},
		{"POST", "/v1/screen", `{"name": Hikvision}`, "application/json", analyst, 400, "line 1, column 11"},
		{"POST", "/v1/screen", "{\"name\":\"Hik\xffvision\"}", "application/json", analyst, 400, "UTF-8"},
		{"POST", "/v1/screen", `{"name":"Hikvision","contry":"CN"}`, "application/json", analyst, 400, `"contry"`},
		{"POST", "/v1/screen", `{"name":"x"} {"name":"y"}`, "application/json", analyst, 400, "after the JSON value"},
		{"POST", "/v1/screen", `{"name":42}`, "application/json", analyst, 400, `"name"`},
		{"POST", "/v1/screen", ``, "application/json", analyst, 400, "empty"},
		{"POST", "/v1/screen", `[]`, "application/json", analyst, 400, "array"},
		{"POST", "/v1/screen", `{"name":"Hik\u0000vision"}`, "application/json", analyst, 400, "control character"},
		{"GET", "/consolidated_screening_list/v1/search?name=a%00b", "", "", analyst, 400, "NUL"},
		{"POST", "/v1/screen", `{"name":"  "}`, "application/json", analyst, 400, `"name"`},
		{"POST", "/v1/screen", `{}`, "application/json", analyst, 400, `"name" is required`},
		{"POST", "/v1/screen", `{"name":"a","parties":[{"name":"b"}]}`, "application/json", analyst, 400, "not both"},
		{"POST", "/v1/screen", `{"parties":[{"name":"a"},{"name":""}]}`, "application/json", analyst, 400, "parties[1].name"},
		{"POST", "/v1/screen", `{"name":"a","type":"dragon"}`, "application/json", analyst, 400, `"type"`},
		{"POST", "/v1/screen", `{"name":"a","country":"China"}`, "application/json", analyst, 400, `"country"`},
		{"POST", "/v1/screen", `{"name":"a","lists":["XX"]}`, "application/json", analyst, 400, `"lists"`},
		{"POST", "/v1/screen", `{"name":"a","threshold":7}`, "application/json", analyst, 400, `"threshold"`},
		{"POST", "/v1/screen", `{"name":"a","as_of":"yesterday"}`, "application/json", analyst, 400, `"as_of"`},
		{"POST", "/v1/screen", big, "application/json", analyst, 413, "4096"},
		{"POST", "/v1/screen", `name=Hikvision`, "text/plain", analyst, 415, "application/json"},
		{"POST", "/v1/screen", `name=Hikvision`, "application/x-www-form-urlencoded", analyst, 400, "syntax error"},
		{"PUT", "/v1/screen", `{}`, "application/json", analyst, 405, "POST"},
		{"GET", "/v1/search", "", "", analyst, 400, `"name"`},
		{"GET", "/v1/search?name=%FF", "", "", analyst, 400, "UTF-8"},
		{"GET", "/v1/search?name=a&limit=x", "", "", analyst, 400, `"limit"`},
		{"GET", "/v1/search?name=a&name=b", "", "", analyst, 400, "once"},
		{"GET", "/v1/search?name=a&as_of=2020-13-01", "", "", analyst, 400, `"as_of"`},
		{"POST", "/v1/check", `{"destination":"CN"}`, "application/json", analyst, 400, `"items"`},
		{"POST", "/v1/check", `{"items":[{"eccn":"EAR99"}]}`, "application/json", analyst, 400, `"destination"`},
		{"POST", "/v1/check", `{"items":[{"eccn":"EAR99"}],"destination":"CN","date":"1.1.2020"}`, "application/json", analyst, 400, `"date"`},
		{"POST", "/v1/check", `{"items":[{"eccn":"EAR99"}],"destination":"CN","parties":[{"name":"x","owners":[{"name":"y","percent":120}]}]}`, "application/json", analyst, 400, "owners[0]"},
		{"POST", "/v1/batches", "id,country\n1,CN\n", "text/csv", analyst, 400, "name"},
		{"POST", "/v1/batches", "id,name\n", "text/csv", analyst, 400, "no rows"},
		{"POST", "/v1/batches", "PK\x03\x04 not really a zip", mediaXLSX, analyst, 400, ""},
		{"POST", "/v1/batches", "name\nAcme\n", "application/pdf", analyst, 415, "multipart"},
		{"POST", "/v1/batches", "id,name\n" + strings.Repeat("Acme Corporation\n", 600), "text/csv", analyst, 413, "8192"},
		{"POST", "/v1/batches", "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nname\n", "multipart/form-data; boundary=x", analyst, 400, "filename"},
		{"POST", "/v1/batches", "garbage", "multipart/form-data; boundary=x", analyst, 400, "multipart"},
		{"GET", "/v1/batches/x/results?format=pdf", "", "", analyst, 400, "format"},
		{"POST", "/v1/keys", `{"role":"owner"}`, "application/json", admin, 400, `"role"`},
		{"DELETE", "/v1/keys/nope", "", "", admin, 404, "nope"},
		{"GET", "/v1/audit?from=tuesday", "", "", admin, 400, `"from"`},
		{"GET", "/consolidated_screening_list/v1/search?offset=1001", "", "", analyst, 400, `"offset"`},
		{"GET", "/consolidated_screening_list/v1/search?size=101", "", "", analyst, 400, `"size"`},
		{"GET", "/consolidated_screening_list/v1/search?sources=XYZ", "", "", analyst, 400, "XYZ"},
		{"GET", "/consolidated_screening_list/v1/search?types=Dragon", "", "", analyst, 400, "Dragon"},
		{"GET", "/consolidated_screening_list/v1/search?countries=China", "", "", analyst, 400, "China"},
		{"GET", "/consolidated_screening_list/v1/search?fuzzy_name=maybe", "", "", analyst, 400, "fuzzy_name"},
		{"GET", "/v1/nothing-here", "", "", analyst, 404, "/v1/nothing-here"},
	}
	for _, c := range cases {
		var hdr []string
		if c.ct != "" {
			hdr = []string{"Content-Type", c.ct}
		}
		rec := env.do(t, c.method, c.target, c.key, strings.NewReader(c.body), hdr...)
		t.Run(c.method+" "+c.target+" "+c.body[:min(len(c.body), 30)], func(t *testing.T) {
			wantProblem(t, rec, c.status, c.detail)
		})
	}
}

func TestCSLSearchCompatibility(t *testing.T) {
	env := newTestEnv(t)
	key := env.keys[store.RoleViewer]
	// The key as the subscription-key header, as trade.gov clients send it.
	rec := env.do(t, "GET", "/consolidated_screening_list/v1/search?name=hikvision&fuzzy_name=&sources=&countries=", "", nil, "subscription-key", key)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "sources", "results", "offset", "search_performed_at", "sources_used"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("response lacks %q", k)
		}
	}
	var resp struct {
		Total   int                          `json:"total"`
		Sources []cslFacet                   `json:"sources"`
		Results []map[string]json.RawMessage `json:"results"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	if resp.Total != 2 || len(resp.Results) != 2 {
		t.Fatalf("hikvision: total %d, %d results", resp.Total, len(resp.Results))
	}
	// Hikvision is on the Entity List and on the CMIC list.
	if len(resp.Sources) != 2 || resp.Sources[0].Value != "Entity List (EL) - Bureau of Industry and Security" || resp.Sources[0].Count != 1 ||
		resp.Sources[1].Value != "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department" {
		t.Errorf("sources facet %+v", resp.Sources)
	}
	fields := strings.Fields(`id source entity_number type programs name title addresses federal_register_notice start_date end_date
		standard_order license_requirement license_policy call_sign vessel_type gross_tonnage gross_registered_tonnage vessel_flag
		vessel_owner remarks source_list_url alt_names citizenships dates_of_birth nationalities places_of_birth source_information_url ids`)
	for _, r := range resp.Results {
		for _, f := range fields {
			v, ok := r[f]
			if !ok {
				t.Errorf("record lacks field %q", f)
			}
			if string(v) == `""` {
				t.Errorf("field %q is an empty string, want null", f)
			}
		}
		if _, ok := r["score"]; ok {
			t.Errorf("score present on a non-fuzzy search")
		}
		if string(r["vessel_flag"]) != "null" || string(r["dates_of_birth"]) != "[]" {
			t.Errorf("unset fields: vessel_flag %s dates_of_birth %s", r["vessel_flag"], r["dates_of_birth"])
		}
	}
	first := resp.Results[0]
	if strings.Contains(string(first["source"]), "CMIC") {
		first = resp.Results[1]
	}
	if string(first["name"]) != `"Hangzhou Hikvision Digital Technology Co., Ltd."` || string(first["start_date"]) != `"2019-10-09"` ||
		!strings.Contains(string(first["federal_register_notice"]), "84 FR 54002") || !strings.Contains(string(first["addresses"]), `"country":"CN"`) {
		t.Errorf("Entity List record: %s", mustJSON(first))
	}

	// Fuzzy: an integer score 0-100, highest first.
	rec = env.do(t, "GET", "/consolidated_screening_list/v1/search?name=Hangzhou+Hikvision+Digital+Tech&fuzzy_name=true&subscription-key="+key, "", nil)
	var fz struct {
		Total   int `json:"total"`
		Results []struct {
			Name  string `json:"name"`
			Score *int   `json:"score"`
		} `json:"results"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fz); err != nil || rec.Code != 200 || fz.Total == 0 {
		t.Fatalf("fuzzy: %d %s", rec.Code, rec.Body.String())
	}
	for i, r := range fz.Results {
		if r.Score == nil || *r.Score < 0 || *r.Score > 100 || (i > 0 && *r.Score > *fz.Results[i-1].Score) {
			t.Errorf("fuzzy result %d: %+v", i, r)
		}
	}

	// Filters without a name; NS-MBS and MBS are the same source; types and the legacy type.
	for _, c := range []struct {
		q    string
		want int
	}{
		{"sources=NS-MBS", 11}, {"sources=MBS", 11}, {"sources=EL&countries=CN&size=1", -1},
		{"types=Vessel", 3}, {"type=vessel", 3}, {"sources=DPL&full_address=seagoville", 2},
		{"sources=DPL&city=seagoville", 0}, {"sources=DPL&full_address=seagoville+TX+75159+US", 2}, {"name=huawei&sources=EL&offset=1000", -1},
	} {
		rec := env.do(t, "GET", "/consolidated_screening_list/v1/search?"+c.q, key, nil)
		var r struct {
			Total   int               `json:"total"`
			Results []json.RawMessage `json:"results"`
			Offset  int               `json:"offset"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || rec.Code != 200 {
			t.Fatalf("%s: %d %s", c.q, rec.Code, rec.Body.String())
		}
		if c.want >= 0 && r.Total != c.want {
			t.Errorf("%s: total %d, want %d", c.q, r.Total, c.want)
		}
		if strings.Contains(c.q, "size=1") && (len(r.Results) != 1 || r.Total < 2) {
			t.Errorf("%s: %d results of %d", c.q, len(r.Results), r.Total)
		}
		if strings.Contains(c.q, "offset=1000") && (len(r.Results) != 0 || r.Offset != 1000 || r.Total == 0) {
			t.Errorf("%s: offset %d, %d results of %d", c.q, r.Offset, len(r.Results), r.Total)
		}
	}

	// CORS preflight from a browser app allows the subscription-key header.
	rec = env.do(t, "OPTIONS", "/consolidated_screening_list/v1/search", "", nil,
		"Origin", "https://example.org", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "subscription-key")
	if rec.Code != 204 || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "subscription-key") || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}

	rec = env.do(t, "GET", "/consolidated_screening_list/v1/sources", key, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"code":"NS-MBS"`) {
		t.Errorf("sources: %d %s", rec.Code, rec.Body.String())
	}
	// Every CSL search was audited, without the key given as a parameter.
	recs, _ := env.store.ListAudit(context.Background(), store.Filter{Kind: store.KindSearch, Limit: 100})
	if len(recs) != 11 {
		t.Errorf("%d search audit records, want 11", len(recs))
	}
	for _, r := range recs {
		if strings.Contains(string(r.Request), key) {
			t.Fatalf("audit record %d holds the API key", r.Seq)
		}
	}
}

func TestBatchUploadProgressAndResults(t *testing.T) {
	env := newTestEnv(t)
	analyst := env.keys[store.RoleAnalyst]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("reference", "BATCH-1")
	fw, _ := mw.CreateFormFile("file", "parties.csv")
	io.WriteString(fw, "id,name,country\nc1,Hikvision,CN\nc2,Acme Garden Furniture,US\nc3,Dahua Technology,CN\n")
	mw.Close()
	rec := env.do(t, "POST", "/v1/batches", analyst, &buf, "Content-Type", mw.FormDataContentType())
	if rec.Code != 202 {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
	}
	b := decode[store.Batch](t, rec)
	if b.Total != 3 || b.Filename != "parties.csv" || rec.Header().Get("Location") != "/v1/batches/"+b.ID {
		t.Fatalf("batch %+v", b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Status != store.BatchDone {
		if time.Now().After(deadline) || b.Status == store.BatchFailed {
			t.Fatalf("batch did not finish: %+v", b)
		}
		time.Sleep(20 * time.Millisecond)
		b = decode[store.Batch](t, env.do(t, "GET", "/v1/batches/"+b.ID, analyst, nil))
	}
	if b.Done != 3 || b.Hits != 2 {
		t.Errorf("progress %+v, want 3 done, 2 hits", b)
	}
	rec = env.do(t, "GET", "/v1/batches/"+b.ID+"/results?format=jsonl", analyst, nil)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != 200 || len(lines) != 3 || !strings.Contains(lines[0], `"id":"c1"`) || !strings.Contains(lines[1], `"matches":[]`) {
		t.Fatalf("jsonl: %d %s", rec.Code, rec.Body.String())
	}
	rec = env.do(t, "GET", "/v1/batches/"+b.ID+"/results?format=csv", analyst, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") || !strings.Contains(rec.Body.String(), "Hikvision") {
		t.Fatalf("csv: %d %s", rec.Code, rec.Body.String())
	}
	rec = env.do(t, "GET", "/v1/batches/"+b.ID+"/results?format=xlsx", analyst, nil)
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil || rec.Code != 200 {
		t.Fatalf("xlsx: %d %v", rec.Code, err)
	}
	f.Close()
	// Another analyst's key does not see the job; the admin does.
	_, other, _ := env.store.CreateKey(context.Background(), "other", store.RoleAnalyst, "test")
	wantProblem(t, env.do(t, "GET", "/v1/batches/"+b.ID, other, nil), 404, "")
	if rec := env.do(t, "GET", "/v1/batches/"+b.ID, env.keys[store.RoleAdmin], nil); rec.Code != 200 {
		t.Errorf("admin: %d", rec.Code)
	}
	// Every screened row is in the audit trail.
	recs, _ := env.store.ListAudit(context.Background(), store.Filter{Reference: "BATCH-1"})
	var parties []string
	for _, r := range recs {
		parties = append(parties, r.Parties...)
	}
	sort.Strings(parties)
	if strings.Join(parties, "|") != "Acme Garden Furniture|Dahua Technology|Hikvision" {
		t.Errorf("audited parties %q", parties)
	}
}

func TestKeysCreateListRevoke(t *testing.T) {
	env := newTestEnv(t)
	admin := env.keys[store.RoleAdmin]
	rec := env.do(t, "POST", "/v1/keys", admin, strings.NewReader(`{"name":"erp","role":"analyst"}`))
	k := decode[app.CreatedKey](t, rec)
	if rec.Code != 201 || k.Key == "" || k.Role != store.RoleAnalyst {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	if rec := env.do(t, "GET", "/v1/search?name=x", k.Key, nil); rec.Code != 200 {
		t.Fatalf("new key: %d", rec.Code)
	}
	rec = env.do(t, "GET", "/v1/keys", admin, nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), k.Key) || !strings.Contains(rec.Body.String(), k.ID) {
		t.Fatalf("list: %d %s", rec.Code, rec.Body.String())
	}
	if rec := env.do(t, "DELETE", "/v1/keys/"+k.ID, admin, nil); rec.Code != 204 {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body.String())
	}
	wantProblem(t, env.do(t, "GET", "/v1/search?name=x", k.Key, nil), 401, "revoked")
	recs, _ := env.store.ListAudit(context.Background(), store.Filter{Kind: store.KindKeyCreate})
	if len(recs) != 1 || strings.Contains(string(recs[0].Result), k.Key) {
		t.Fatalf("key.create audit: %+v", recs)
	}
}

// TestConsoleMount: paths the API does not claim go to the console.
func TestConsoleMount(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.Console = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "console "+r.URL.Path) })
	})
	if rec := env.do(t, "GET", "/login", "", nil); rec.Body.String() != "console /login" {
		t.Errorf("console: %q", rec.Body.String())
	}
	wantProblem(t, env.do(t, "GET", "/v1/unknown", "", nil), 404, "")
}

// TestServeShutsDownGracefully starts a real listener, serves a request
// and stops on context cancellation.
func TestServeShutsDownGracefully(t *testing.T) {
	env := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", env.srv, ServeOptions{Ready: ready}) }()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPanicIsAProblem: a panic anywhere under the server (here in the
// mounted console) is answered with a 500 problem and counted, and the
// server keeps serving.
func TestPanicIsAProblem(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.Console = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("console bug") })
	})
	p := wantProblem(t, env.do(t, "GET", "/dashboard", "", nil), 500, "request id")
	if p.RequestID == "" {
		t.Error("no request id in the problem")
	}
	if rec := env.do(t, "GET", "/healthz", "", nil); rec.Code != 200 {
		t.Fatalf("after a panic: %d", rec.Code)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	env.srv.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "clearance_http_panics_total 1") {
		t.Error("panic not counted")
	}
}

// TestTimeoutIsAProblem: a request that outlives --request-timeout gets a
// 503 problem, not a hang and not a 500.
func TestTimeoutIsAProblem(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RequestTimeout = time.Nanosecond })
	wantProblem(t, env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst], strings.NewReader(`{"name":"Hikvision"}`)), 503, "longer than")
}

// TestMetricsCountScreenings: requests and screenings show up by route and
// decision.
func TestMetricsCountScreenings(t *testing.T) {
	env := newTestEnv(t)
	env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst], strings.NewReader(`{"name":"Hikvision"}`))
	env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst], strings.NewReader(`{"name":"Acme Garden Furniture"}`))
	env.do(t, "POST", "/v1/screen", "", strings.NewReader(`{}`))
	body := env.do(t, "GET", "/metrics", env.keys[store.RoleAdmin], nil).Body.String()
	for _, want := range []string{
		`clearance_screenings_total{decision="hit",operation="screen"} 1`,
		`clearance_screenings_total{decision="clear",operation="screen"} 1`,
		`clearance_http_requests_total{code="200",method="POST",route="POST /v1/screen"} 2`,
		`clearance_http_requests_total{code="401",method="POST",route="POST /v1/screen"} 1`,
		`clearance_snapshot_entities{list="EL",version="test-fixture-2022-04-21"} 196`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestOpenAPIReferencesResolve: every $ref points at a schema that exists,
// every {param} in a path is declared, and every schema is used.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := schemas[name]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
				used[name] = true
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	for name := range schemas {
		if !used[name] {
			t.Errorf("schema %s is never referenced", name)
		}
	}
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			declared := map[string]bool{}
			params, _ := op.(map[string]any)["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, seg := range strings.Split(path, "/") {
				if strings.HasPrefix(seg, "{") && !declared[strings.Trim(seg, "{}")] {
					t.Errorf("%s %s: path parameter %s not declared", method, path, seg)
				}
			}
		}
	}
}

// TestCSLViewHoldsCSLSourcesOnly: entries of lists the CSL does not carry
// (UN, MIEU) have no official source string and stay out of the CSL view.
func TestCSLViewHoldsCSLSourcesOnly(t *testing.T) {
	es := []clearance.Entity{
		{ID: "el-1", List: clearance.EL, Name: "Alpha Trading Co"},
		{ID: "un-1", List: clearance.UN, Name: "Alpha Trading Co"},
		{ID: "mieu-1", List: clearance.MIEU, Name: "Alpha Trading Co"},
	}
	x := newCSLIndex(es, app.Snapshot{Version: "t"})
	if len(x.records) != 1 || x.records[0].ID != "el-1" || x.records[0].Source != "Entity List (EL) - Bureau of Industry and Security" {
		t.Fatalf("records %+v", x.records)
	}
	q := cslQuery{name: "alpha trading", nameToks: foldTokens("alpha trading"), size: 10}
	if hits := x.search(match.NewIndex(es), &q); len(hits) != 1 {
		t.Fatalf("%d hits, want the EL entry only", len(hits))
	}
	q.fuzzy = true
	if hits := x.search(match.NewIndex(es), &q); len(hits) != 1 {
		t.Fatalf("fuzzy: %d hits, want the EL entry only", len(hits))
	}
}

// TestBatchRawXLSXUpload: an XLSX file sent as the raw body is screened
// like a CSV one.
func TestBatchRawXLSXUpload(t *testing.T) {
	env := newTestEnv(t)
	analyst := env.keys[store.RoleAnalyst]
	f := excelize.NewFile()
	for i, row := range [][]any{{"id", "name", "country"}, {"x1", "Hikvision", "CN"}, {"x2", "Northwind Traders", "US"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rec := env.do(t, "POST", "/v1/batches?filename=customers&reference=X-1", analyst, &buf, "Content-Type", mediaXLSX)
	if rec.Code != 202 {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
	}
	b := decode[store.Batch](t, rec)
	if b.Filename != "customers.xlsx" || b.Total != 2 {
		t.Fatalf("batch %+v", b)
	}
	for deadline := time.Now().Add(10 * time.Second); b.Status != store.BatchDone; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) || b.Status == store.BatchFailed {
			t.Fatalf("batch %+v", b)
		}
		b = decode[store.Batch](t, env.do(t, "GET", "/v1/batches/"+b.ID, analyst, nil))
	}
	if b.Hits != 1 {
		t.Errorf("hits %d, want 1", b.Hits)
	}
	rec = env.do(t, "GET", "/v1/batches/"+b.ID+"/results?format=csv", analyst, nil)
	if !strings.Contains(rec.Header().Get("Content-Disposition"), "customers-results.csv") || !strings.Contains(rec.Body.String(), "x2") {
		t.Errorf("csv download: %v %s", rec.Header(), rec.Body.String())
	}
}

// TestBatchesQueueForOneSlot: with one job slot, several uploads all
// finish, one after another.
func TestBatchesQueueForOneSlot(t *testing.T) {
	env := newTestEnv(t)
	analyst := env.keys[store.RoleAnalyst]
	var ids []string
	for i := 0; i < 3; i++ {
		rec := env.do(t, "POST", "/v1/batches", analyst, strings.NewReader("id,name\n1,Hikvision\n2,Rosneft\n"), "Content-Type", "text/csv")
		if rec.Code != 202 {
			t.Fatalf("upload %d: %d %s", i, rec.Code, rec.Body.String())
		}
		ids = append(ids, decode[store.Batch](t, rec).ID)
	}
	for _, id := range ids {
		deadline := time.Now().Add(10 * time.Second)
		for {
			b := decode[store.Batch](t, env.do(t, "GET", "/v1/batches/"+id, analyst, nil))
			if b.Status == store.BatchDone && b.Done == 2 {
				break
			}
			if b.Status == store.BatchFailed || time.Now().After(deadline) {
				t.Fatalf("batch %+v", b)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestAuditExport: an admin exports the records of one reference as CSV;
// the export is itself recorded.
func TestAuditExport(t *testing.T) {
	env := newTestEnv(t)
	env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst], strings.NewReader(`{"name":"Hikvision","reference":"PO-77"}`))
	env.do(t, "POST", "/v1/screen", env.keys[store.RoleAnalyst], strings.NewReader(`{"name":"Rosneft","reference":"PO-78"}`))
	rec := env.do(t, "GET", "/v1/audit/export?reference=PO-77&format=csv", env.keys[store.RoleAdmin], nil)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != 200 || len(lines) != 2 || !strings.HasPrefix(lines[0], "seq,time,actor") || !strings.Contains(lines[1], "Hikvision") {
		t.Fatalf("export: %d %q", rec.Code, rec.Body.String())
	}
	rec = env.do(t, "GET", "/v1/audit/export?format=jsonl&party=rosneft", env.keys[store.RoleAdmin], nil)
	if rec.Code != 200 || strings.Count(rec.Body.String(), "\n") != 1 || !strings.Contains(rec.Body.String(), `"reference":"PO-78"`) {
		t.Fatalf("jsonl export: %d %q", rec.Code, rec.Body.String())
	}
	recs, _ := env.store.ListAudit(context.Background(), store.Filter{Kind: app.KindAuditExport})
	if len(recs) != 2 || !strings.Contains(string(recs[0].Request), `"reference":"PO-77"`) {
		t.Fatalf("export records: %+v", recs)
	}
	wantProblem(t, env.do(t, "GET", "/v1/audit/export?format=pdf", env.keys[store.RoleAdmin], nil), 400, "format")
}
