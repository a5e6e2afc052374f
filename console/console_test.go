package console

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/server"
	"github.com/clearance-oss/clearance/store"
)

// browser is a minimal cookie-keeping client that does not follow
// redirects, so tests see each 303.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, s *stack) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) (int, http.Header, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func (b *browser) get(path string) (int, http.Header, string) {
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (int, http.Header, string) {
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", html)
	}
	return m[1]
}

// signIn signs in as the user of role and returns the session's CSRF token.
func (b *browser) signIn(role store.Role) string {
	b.t.Helper()
	_, _, page := b.get("/login")
	up := testUsers[role]
	code, hdr, _ := b.post("/login", url.Values{"csrf": {csrfOf(b.t, page)}, "username": {up[0]}, "password": {up[1]}, "next": {"/screen"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/screen" {
		b.t.Fatalf("sign in as %s: status %d, Location %q", up[0], code, hdr.Get("Location"))
	}
	_, _, home := b.get("/screen")
	return csrfOf(b.t, home)
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func TestSignInFlow(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)

	code, hdr, _ := b.get("/screen?name=x")
	if code != http.StatusSeeOther || hdr.Get("Location") != "/login?next=%2Fscreen%3Fname%3Dx" {
		t.Fatalf("anonymous /screen: %d %q, want 303 to the sign-in page with next", code, hdr.Get("Location"))
	}
	_, hdr, page := b.get("/login")
	mustContain(t, "sign-in page", page, `<label for="username">`, `autocomplete="current-password"`)
	token := csrfOf(t, page)

	// Without the double-submit token the form is refused.
	code, _, body := b.post("/login", url.Values{"username": {"anna"}, "password": {"analyst-password-1"}})
	if code != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Errorf("sign-in without token: %d", code)
	}
	// A wrong password says so without telling whether the user exists.
	_, _, page = b.get("/login")
	code, _, body = b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {"anna"}, "password": {"wrong"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "Unknown user name or wrong password.") {
		t.Errorf("wrong password: %d", code)
	}
	_, _, page = b.get("/login")
	code, hdr, _ = b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {"anna"}, "password": {"analyst-password-1"}, "next": {"//evil.example/"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/" {
		t.Fatalf("sign in: %d, Location %q (an off-site next must go home)", code, hdr.Get("Location"))
	}
	var ck string
	for _, c := range hdr.Values("Set-Cookie") {
		if strings.HasPrefix(c, "clearance_session=") {
			ck = c
		}
	}
	for _, attr := range []string{"clearance_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(ck, attr) {
			t.Errorf("session cookie %q lacks %s", ck, attr)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("session cookie %q is Secure over plain HTTP (the browser would drop it)", ck)
	}
	_ = token

	code, _, home := b.get("/")
	if code != http.StatusOK {
		t.Fatalf("home: %d", code)
	}
	mustContain(t, "home", home, "Signed in as <strong>anna</strong>", `aria-current="page"`, "Check a shipment")
	if strings.Contains(home, `href="/audit"`) {
		t.Error("an analyst sees the Audit link (admin only)")
	}
	csrf := csrfOf(t, home)

	// Logout needs the token, then ends the session.
	if code, _, _ := b.post("/logout", url.Values{}); code != http.StatusForbidden {
		t.Errorf("logout without token: %d, want 403", code)
	}
	if code, _, _ := b.post("/logout", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
		t.Errorf("logout: %d", code)
	}
	if code, _, _ := b.get("/screen"); code != http.StatusSeeOther {
		t.Errorf("after logout /screen: %d, want 303 to sign-in", code)
	}
	// Sign-in, failed sign-in and sign-out are in the audit trail.
	recs, err := s.store.ListAudit(context.Background(), store.Filter{Actor: "user:anna"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, string(r.Kind)+"/"+r.Decision)
	}
	if got := strings.Join(kinds, ","); got != "login/denied,login/ok,logout/ok" {
		t.Errorf("audit of anna: %s", got)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	csrf := b.signIn(store.RoleAnalyst)
	req, _ := http.NewRequest("POST", b.base+"/check", strings.NewReader(url.Values{"csrf": {csrf}, "eccns": {"EAR99"}, "destination": {"CN"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if code, _, _ := b.do(req); code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", code)
	}
}

func TestScreenAndEntity(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	b.signIn(store.RoleViewer)

	code, _, page := b.get("/screen?name=Hikvision&country=cn")
	if code != http.StatusOK {
		t.Fatalf("screen: %d\n%s", code, page)
	}
	mustContain(t, "results", page,
		`<span class="badge EL" title="Entity List (Bureau of Industry and Security)">EL</span>`,
		`<span class="badge CMIC"`,
		`href="/entities/el-hangzhou-hikvision-digital-technology-co-ltd-cn"`,
		"Matched alias: <strong>Hikvision</strong>",
		"Why it matched", `class="align"`, "recorded as audit record")
	if strings.Contains(page, "BANCO NACIONAL") {
		t.Error("the Cuban bank matched Hikvision")
	}
	// A viewer can search as of a date too (before the EL listing: no EL hit).
	if _, _, before := b.get("/screen?name=Hikvision&as_of=2019-10-01"); strings.Contains(before, `class="badge EL"`) || !strings.Contains(before, "Entries listed on 2019-10-01") {
		t.Error("viewer as-of search before the listing shows the EL entry")
	}
	// A viewer's search is audited as a search.
	recs, _ := s.store.ListAudit(context.Background(), store.Filter{Kind: store.KindSearch})
	if len(recs) != 2 || recs[0].Actor != "user:vera" || recs[0].Parties[0] != "Hikvision" || recs[0].Decision != "hit" {
		t.Errorf("search audit records: %+v", recs)
	}

	req, _ := http.NewRequest("GET", b.base+"/entities/el-hangzhou-hikvision-digital-technology-co-ltd-cn", nil)
	req.Header.Set("Referer", b.base+"/screen?name=Hikvision")
	code, _, page = b.do(req)
	if code != http.StatusOK {
		t.Fatalf("entity: %d", code)
	}
	mustContain(t, "entity page", page,
		"Hangzhou Hikvision Digital Technology Co., Ltd.",
		"For all items subject to the EAR. (See §744.11 of the EAR)",
		"presumption of denial for all other items subject to the EAR.",
		`href="https://www.federalregister.gov/citation/84-FR-54004"`, "2019-10-09",
		"No. 555 Qianmo Road, Binjiang District, Hangzhou 310052, China",
		`href="https://www.bis.gov/regulations/ear/744#supplement-4-744"`,
		`href="/screen?name=Hikvision"`)

	if code, _, _ := b.get("/entities/no-such-id"); code != http.StatusNotFound {
		t.Errorf("unknown entity: %d", code)
	}
	code, _, page = b.get("/screen?name=Hikvision&country=China")
	if code != http.StatusBadRequest || !strings.Contains(page, `Field &#34;country&#34;`) {
		t.Errorf("bad country: %d, want 400 naming the field", code)
	}
	// Viewers cannot check, batch or read the audit trail.
	for _, p := range []string{"/check", "/batches", "/audit"} {
		if code, _, _ := b.get(p); code != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d, want 403", p, code)
		}
	}
	code, _, page = b.get("/lists")
	if code != http.StatusOK {
		t.Fatalf("lists: %d", code)
	}
	mustContain(t, "lists page", page, "test-fixture", "3 entries in 3 lists", "2026-07-31")
}

func TestAnalystScreenIsAuditedAsScreening(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	b.signIn(store.RoleAnalyst)
	code, _, page := b.get("/screen?name=National+Bank+of+Cuba&reference=PO-4711")
	if code != http.StatusOK {
		t.Fatalf("screen: %d", code)
	}
	mustContain(t, "results", page, "BANCO NACIONAL DE CUBA", "(reference PO-4711)")
	// As of a date before the Entity List listing (2019-10-09), Hikvision's
	// EL entry is not yet there; after it, it is.
	_, _, before := b.get("/screen?name=Hikvision&as_of=2019-10-01")
	_, _, after := b.get("/screen?name=Hikvision&as_of=2019-10-10")
	if strings.Contains(before, `class="badge EL"`) || !strings.Contains(after, `class="badge EL"`) {
		t.Errorf("as-of screening: EL hit before listing %v, after %v", strings.Contains(before, `class="badge EL"`), strings.Contains(after, `class="badge EL"`))
	}
	mustContain(t, "as-of results", before, "Entries listed on 2019-10-01")
	// An analyst can go from a hit straight to a check with the party filled in.
	mustContain(t, "results", page, `href="/check?party=BANCO%20NACIONAL%20DE%20CUBA&amp;destination=CH"`)
	recs, _ := s.store.ListAudit(context.Background(), store.Filter{Reference: "PO-4711"})
	if len(recs) != 1 || recs[0].Kind != store.KindScreen || recs[0].Actor != "user:anna" {
		t.Errorf("audit: %+v", recs)
	}
}

func TestCheck(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	csrf := b.signIn(store.RoleAnalyst)
	code, _, page := b.get("/check?party=Hikvision&destination=CN")
	if code != http.StatusOK {
		t.Fatalf("check form: %d", code)
	}
	mustContain(t, "check form", page, `id="party_name_0" name="party_name_0" value="Hikvision"`, `value="CN"`, `<label for="eccns">`)

	form := url.Values{"csrf": {csrf}, "eccns": {"EAR99\n5A992.c"}, "destination": {"cn"}, "end_user_type": {"police"},
		"date": {"2025-10-15"}, "value_usd": {"12,000"}, "reference": {"SO-1"},
		"party_name_0": {"Hikvision"}, "party_role_0": {"end_user"}, "party_owners_0": {"Hangzhou Hikvision Digital Technology Co., Ltd.=60"},
		"party_name_1": {""}, "party_role_1": {"purchaser"}, "party_owners_1": {""}}
	if code, _, _ := b.post("/check", url.Values{"eccns": {"EAR99"}, "destination": {"CN"}}); code != http.StatusForbidden {
		t.Errorf("check without CSRF token: %d", code)
	}
	code, _, page = b.post("/check", form)
	if code != http.StatusOK {
		t.Fatalf("check: %d\n%s", code, page)
	}
	mustContain(t, "verdict", page, `class="verdict LICENSE_REQUIRED"`, "License required", "Entity List: a party is listed",
		`href="https://www.ecfr.gov/current/title-15/section-744.11"`, `href="https://www.federalregister.gov/citation/84-FR-54002"`,
		"Presumption of denial", "None may be used.", "recorded as audit record", "(reference SO-1)")
	recs, _ := s.store.ListAudit(context.Background(), store.Filter{Kind: store.KindCheck})
	if len(recs) != 1 {
		t.Fatalf("check audit records: %d", len(recs))
	}
	r := recs[0]
	if r.Reference != "SO-1" || strings.Join(r.Countries, ",") != "CN" || r.Decision != "license_required" ||
		strings.Join(r.Parties, "|") != "Hikvision|Hangzhou Hikvision Digital Technology Co., Ltd." {
		t.Errorf("check audit record: %+v", r)
	}
	if !strings.Contains(string(r.Request), `"value_usd":12000`) || !strings.Contains(string(r.Request), `"percent":60`) {
		t.Errorf("check request as recorded: %s", r.Request)
	}

	// Form errors are shown next to the form, naming the field.
	form.Set("party_owners_0", "Someone=sixty")
	code, _, page = b.post("/check", form)
	if code != http.StatusBadRequest || !strings.Contains(page, "Party 1 owners: &#34;sixty&#34; is not a percentage") {
		t.Errorf("bad owner: %d", code)
	}
	form.Set("party_owners_0", "")
	form.Set("eccns", "")
	if code, _, _ = b.post("/check", form); code != http.StatusBadRequest {
		t.Errorf("no items: %d", code)
	}
}

func TestBatch(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	csrf := b.signIn(store.RoleAnalyst)

	upload := func(name string, content []byte) (int, http.Header, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", csrf)
		mw.WriteField("reference", "KYC-2026")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest("POST", b.base+"/batches", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.do(req)
	}
	code, _, page := upload("notes.txt", []byte("hello"))
	if code != http.StatusBadRequest || !strings.Contains(page, "notes.txt") {
		t.Errorf("upload .txt: %d", code)
	}
	csv, err := os.ReadFile("testdata/batch.csv")
	if err != nil {
		t.Fatal(err)
	}
	code, hdr, _ := upload("customers.csv", csv)
	if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/batches/") {
		t.Fatalf("upload: %d %q", code, hdr.Get("Location"))
	}
	id := strings.TrimPrefix(hdr.Get("Location"), "/batches/")
	done := waitBatch(t, s.svc, app.Actor{ID: "user:anna", Role: store.RoleAnalyst}, id)
	if done.Status != store.BatchDone || done.Total != 4 || done.Hits != 2 {
		t.Fatalf("batch: %+v, want done with 4 rows and 2 hits", done)
	}
	code, _, page = b.get("/batches/" + id)
	if code != http.StatusOK {
		t.Fatalf("batch page: %d", code)
	}
	mustContain(t, "batch page", page, "customers.csv", "4 of 4 rows screened, 2 with hits", "Rows with hits (2)",
		"C-1", "Hikvision", "C-3", "BANCO NACIONAL DE CUBA", `href="/batches/`+id+`/results.xlsx"`)
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Error("a finished batch page still refreshes itself")
	}
	code, hdr, body := b.get("/batches/" + id + "/results.csv")
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(hdr.Get("Content-Disposition"), "customers-results.csv") {
		t.Fatalf("csv download: %d %v", code, hdr)
	}
	if n := strings.Count(strings.TrimSpace(body), "\n"); n < 4 {
		t.Errorf("csv download has %d lines after the header:\n%s", n, body)
	}
	code, _, body = b.get("/batches/" + id + "/results.jsonl")
	if code != http.StatusOK || strings.Count(body, "\n") != 4 || !strings.Contains(body, `"id":"C-1"`) {
		t.Errorf("jsonl download: %d\n%s", code, body)
	}
	code, hdr, body = b.get("/batches/" + id + "/results.xlsx")
	if code != http.StatusOK || !strings.HasPrefix(body, "PK") {
		t.Errorf("xlsx download: %d %v", code, hdr.Get("Content-Type"))
	}
	code, _, body = b.get("/batches/" + id + "/status")
	if code != http.StatusOK || !strings.Contains(body, `"status":"done"`) {
		t.Errorf("status: %d %s", code, body)
	}
	if code, _, _ := b.get("/batches/" + id + "/results.exe"); code != http.StatusNotFound {
		t.Errorf("results.exe: %d", code)
	}
	// The same rows as an Excel workbook (made here with excelize from the CSV).
	wb := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(string(csv)), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = c
		}
		if err := wb.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	xlsx, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	code, hdr, page = upload("customers.xlsx", xlsx.Bytes())
	if code != http.StatusSeeOther {
		t.Fatalf("xlsx upload: %d\n%s", code, page)
	}
	xdone := waitBatch(t, s.svc, app.Actor{ID: "user:anna", Role: store.RoleAnalyst}, strings.TrimPrefix(hdr.Get("Location"), "/batches/"))
	if xdone.Status != store.BatchDone || xdone.Total != 4 || xdone.Hits != 2 {
		t.Errorf("xlsx batch: %+v, want done with 4 rows and 2 hits", xdone)
	}
	_, _, page = b.get("/batches")
	mustContain(t, "batch list", page, "customers.csv", "customers.xlsx")

	// Another analyst does not see anna's batch.
	b2 := newBrowser(t, s)
	b2.signIn(store.RoleAdmin)
	if code, _, _ := b2.get("/batches/" + id); code != http.StatusOK {
		t.Errorf("admin sees the batch: %d", code)
	}
}

func TestAudit(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	analyst := newBrowser(t, s)
	analyst.signIn(store.RoleAnalyst)
	analyst.get("/screen?name=Hikvision&country=CN&reference=PO-1")
	analyst.get("/screen?name=Acme+Widgets&reference=PO-2")

	b := newBrowser(t, s)
	csrf := b.signIn(store.RoleAdmin)
	// An admin's results link to their audit record.
	if code, _, page := b.get("/screen?name=Hikvision"); code != http.StatusOK || !strings.Contains(page, `<a href="/audit?before=6">5</a>`) {
		t.Errorf("admin screen page: %d, no link to audit record 5: %s", code, regexp.MustCompile(`recorded as audit record.{0,80}`).FindString(page))
	}
	code, _, page := b.get("/audit?party=hikvision")
	if code != http.StatusOK {
		t.Fatalf("audit: %d\n%s", code, page)
	}
	mustContain(t, "audit page", page, "PO-1", "user:anna", "<strong>hit</strong>", "Export CSV")
	// The filter survives into the export links and the verify form.
	mustContain(t, "audit links", page, `href="/audit/export.csv?party=hikvision"`, `action="/audit/verify?party=hikvision"`)
	if strings.Contains(page, "PO-2") {
		t.Error("the party filter let PO-2 through")
	}
	code, _, page = b.post("/audit/verify?party=hikvision", url.Values{"csrf": {csrf}})
	if code != http.StatusOK || !strings.Contains(page, "Chain verified.") {
		t.Errorf("verify: %d", code)
	}
	if strings.Contains(page, "PO-2") {
		t.Error("after verify the page lost the party filter")
	}
	code, hdr, body := b.get("/audit/export.csv?reference=PO-2")
	if code != http.StatusOK || !strings.HasPrefix(body, strings.Join(store.CSVHeader, ",")) || !strings.Contains(hdr.Get("Content-Disposition"), ".csv") {
		t.Fatalf("export: %d %v\n%s", code, hdr, body)
	}
	if lines := strings.Count(strings.TrimSpace(body), "\n"); lines != 1 || !strings.Contains(body, "Acme Widgets") {
		t.Errorf("export of PO-2 has %d records:\n%s", lines, body)
	}
	code, _, body = b.get("/audit/export.jsonl?kind=audit.verify")
	if code != http.StatusOK || strings.Count(body, "\n") != 1 || !strings.Contains(body, `"actor":"user:adam"`) {
		t.Errorf("the verification was not recorded: %d\n%s", code, body)
	}
	if code, _, _ := b.get("/audit?from=yesterday"); code != http.StatusBadRequest {
		t.Errorf("bad date: %d", code)
	}
}

func TestStaticAndNotFound(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	b := newBrowser(t, s)
	for _, p := range []string{"/static/style.css", "/static/console.js", "/static/example-batch.csv"} {
		code, hdr, _ := b.get(p)
		if code != http.StatusOK || hdr.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: %d, CSP %q", p, code, hdr.Get("Content-Security-Policy"))
		}
	}
	if code, _, page := b.get("/nope"); code != http.StatusNotFound || !strings.Contains(page, "There is no page at /nope.") {
		t.Errorf("/nope: %d", code)
	}
}

func TestAdminUsersAndKeys(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	analyst := newBrowser(t, s)
	analyst.signIn(store.RoleAnalyst)
	if code, _, _ := analyst.get("/admin"); code != http.StatusForbidden {
		t.Errorf("analyst GET /admin: %d", code)
	}
	b := newBrowser(t, s)
	csrf := b.signIn(store.RoleAdmin)
	code, _, page := b.get("/admin")
	if code != http.StatusOK {
		t.Fatalf("admin: %d", code)
	}
	mustContain(t, "admin page", page, "anna", "vera", "No API keys yet.", `href="/admin" aria-current="page"`)

	// Create a user; the new user can sign in.
	code, _, page = b.post("/admin/users", url.Values{"csrf": {csrf}, "name": {"olga"}, "role": {"viewer"}, "password": {"short"}, "password2": {"short"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "at least 12 characters") {
		t.Errorf("short password: %d", code)
	}
	code, _, page = b.post("/admin/users", url.Values{"csrf": {csrf}, "name": {"olga"}, "role": {"viewer"}, "password": {"olga-password-1"}, "password2": {"olga-password-1"}})
	if code != http.StatusOK || !strings.Contains(page, "User olga created with role viewer.") {
		t.Fatalf("create user: %d", code)
	}
	if code, _, _ := b.post("/admin/users", url.Values{"csrf": {csrf}, "name": {"olga"}, "role": {"viewer"}, "password": {"olga-password-1"}, "password2": {"olga-password-1"}}); code != http.StatusConflict {
		t.Errorf("duplicate user: %d", code)
	}
	testUsers["olga-test"] = [2]string{"olga", "olga-password-1"}
	defer delete(testUsers, "olga-test")
	olga := newBrowser(t, s)
	olga.signIn("olga-test")
	// Disabling her ends her session.
	if code, _, page := b.post("/admin/users/disable", url.Values{"csrf": {csrf}, "name": {"olga"}}); code != http.StatusOK || !strings.Contains(page, "User olga disabled") {
		t.Errorf("disable: %d", code)
	}
	if code, _, _ := olga.get("/screen"); code != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", code)
	}
	if code, _, _ := b.post("/admin/users/disable", url.Values{"csrf": {csrf}, "name": {"adam"}}); code != http.StatusBadRequest {
		t.Errorf("disable self: %d", code)
	}

	// A key is shown once and works against the service; revoking stops it.
	code, _, page = b.post("/admin/keys", url.Values{"csrf": {csrf}, "name": {"ERP"}, "role": {"analyst"}})
	if code != http.StatusOK {
		t.Fatalf("create key: %d", code)
	}
	m := regexp.MustCompile(`id="new-key-value" class="mono" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no key shown:\n%s", page)
	}
	a, err := s.svc.Authenticate(context.Background(), m[1], "127.0.0.1")
	if err != nil || a.Role != store.RoleAnalyst {
		t.Fatalf("the new key does not authenticate: %v %+v", err, a)
	}
	id := strings.TrimPrefix(a.ID, "key:")
	if code, _, _ := b.post("/admin/keys/revoke", url.Values{"csrf": {csrf}, "id": {id}}); code != http.StatusOK {
		t.Errorf("revoke: %d", code)
	}
	if _, err := s.svc.Authenticate(context.Background(), m[1], "127.0.0.1"); err == nil {
		t.Error("a revoked key still authenticates")
	}
	recs, _ := s.store.ListAudit(context.Background(), store.Filter{Actor: "user:adam"})
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, string(r.Kind))
	}
	if got := strings.Join(kinds, ","); got != "login,user.create,user.disable,key.create,key.revoke" {
		t.Errorf("admin's audit trail: %s", got)
	}
}

func TestSignInThrottle(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	s.console.cfg.Now = func() time.Time { return now }
	b := newBrowser(t, s)
	try := func(password string) int {
		_, _, page := b.get("/login")
		code, _, _ := b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {"anna"}, "password": {password}})
		return code
	}
	for i := range maxFailures {
		if code := try("guess"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, code)
		}
	}
	// Locked: even the right password is refused, without being checked.
	if code := try("analyst-password-1"); code != http.StatusTooManyRequests {
		t.Errorf("after %d failures: %d, want 429", maxFailures, code)
	}
	now = now.Add(lockout + time.Second)
	if code := try("analyst-password-1"); code != http.StatusSeeOther {
		t.Errorf("after the lockout: %d, want 303", code)
	}
	// Failed sign-ins are audited with the client address.
	recs, _ := s.store.ListAudit(context.Background(), store.Filter{Kind: store.KindLogin, Decision: "denied"})
	if len(recs) != maxFailures || recs[0].Origin != "127.0.0.1" {
		t.Errorf("denied sign-ins audited: %d, origin %q", len(recs), recs[0].Origin)
	}
}

// TestSecureCookieOverTLS: over HTTPS the session cookie is Secure.
func TestSecureCookieOverTLS(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	tls := httptest.NewTLSServer(s.console)
	defer tls.Close()
	c := tls.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	b := &browser{t: t, base: tls.URL, c: c}
	_, _, page := b.get("/login")
	up := testUsers[store.RoleViewer]
	code, hdr, _ := b.post("/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {up[0]}, "password": {up[1]}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in over TLS: %d", code)
	}
	for _, ck := range hdr.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "clearance_session=") && !strings.Contains(ck, "; Secure") {
			t.Errorf("session cookie over TLS is not Secure: %s", ck)
		}
	}
}

// TestMountedUnderAPIServer: behind server.New the API keeps its routes and
// the console gets every other path, as `clearance serve` wires them.
func TestMountedUnderAPIServer(t *testing.T) {
	s := newStack(t, fixtureEntities(t), app.Snapshot{}, nil)
	api, err := server.New(server.Config{Service: s.svc, Console: s.console})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	b := &browser{t: t, base: srv.URL, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.c.Jar, _ = cookiejar.New(nil)
	for path, want := range map[string]int{"/login": 200, "/static/style.css": 200, "/screen": 303, "/v1/lists": 401, "/healthz": 200, "/nope": 404} {
		if code, _, _ := b.get(path); code != want {
			t.Errorf("GET %s through the API server: %d, want %d", path, code, want)
		}
	}
	b.signIn(store.RoleViewer)
	if code, _, page := b.get("/screen?name=Hikvision"); code != 200 || !strings.Contains(page, `class="badge EL"`) {
		t.Errorf("screen through the API server: %d", code)
	}
	// The console's session is not an API key.
	if code, _, _ := b.get("/v1/search?name=Hikvision"); code != http.StatusUnauthorized {
		t.Errorf("/v1/search with only a console session: %d, want 401", code)
	}
}
