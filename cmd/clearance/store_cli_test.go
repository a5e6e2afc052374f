package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// runCLI runs one command line with the given stdin and returns status, stdout, stderr.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestKeysCreateListRevoke(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"USER": "tester"}
	code, out, errs := runCLI(t, "", env, "keys", "create", "--role", "analyst", "--name", "erp", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("keys create: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	id, ok := store.ParseKey(key)
	if !ok {
		t.Fatalf("last line %q is not a key", key)
	}
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.LookupKey(context.Background(), key)
	if err != nil || k.Role != store.RoleAnalyst || k.Name != "erp" || k.CreatedBy != "cli:tester" {
		t.Fatalf("lookup: %+v %v", k, err)
	}
	recs, err := s.ListAudit(context.Background(), store.Filter{Kind: store.KindKeyCreate})
	if err != nil || len(recs) != 1 || recs[0].Actor != "cli:tester" || strings.Contains(string(recs[0].Request), key) {
		t.Fatalf("audit of key.create: %+v %v", recs, err)
	}
	s.Close()

	// Env instead of flag.
	code, out, _ = runCLI(t, "", map[string]string{"CLEARANCE_DATA_DIR": dir}, "keys", "list")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "analyst") || !strings.Contains(out, "active") {
		t.Fatalf("keys list: %d\n%s", code, out)
	}
	if code, _, _ = runCLI(t, "", env, "keys", "revoke", id, "--data-dir", dir); code != 0 {
		t.Fatalf("revoke: %d", code)
	}
	_, out, _ = runCLI(t, "", env, "keys", "list", "--data-dir", dir)
	if !strings.Contains(out, "revoked") {
		t.Errorf("keys list after revoke:\n%s", out)
	}
	for _, bad := range [][]string{
		{"keys", "create", "--role", "root", "--data-dir", dir},
		{"keys", "create", "--data-dir", dir},
		{"keys", "frobnicate"},
		{"keys"},
		{"keys", "create", "--role", "admin", "--database", "mysql://x", "--data-dir", dir},
	} {
		if code, _, errs := runCLI(t, "", env, bad...); code != 2 {
			t.Errorf("%v: status %d (%s), want 2", bad, code, errs)
		}
	}
	// An explicit --data-dir beats a database URL from the environment.
	withDB := map[string]string{"CLEARANCE_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
	if code, out, errs := runCLI(t, "", withDB, "keys", "list", "--data-dir", dir); code != 0 || !strings.Contains(out, id) {
		t.Errorf("--data-dir with CLEARANCE_DATABASE_URL set: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", env, "keys", "revoke", "0000000000000000", "--data-dir", dir); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("revoke unknown: %d %s", code, errs)
	}
}

func TestUsersCreate(t *testing.T) {
	store.PasswordCost = bcrypt.MinCost
	dir := t.TempDir()
	code, out, errs := runCLI(t, "s3cret-passw0rd\n", nil, "users", "create", "--name", "alice", "--role", "analyst", "--password-stdin", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, `"alice"`) {
		t.Fatalf("users create: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", nil, "users", "create", "--name", "bob", "--role", "viewer", "--data-dir", dir); code != 2 || !strings.Contains(errs, "--password-stdin") {
		t.Errorf("no terminal, no --password-stdin: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "short\n", nil, "users", "create", "--name", "bob", "--role", "viewer", "--password-stdin", "--data-dir", dir); code != 1 || !strings.Contains(errs, "at least 8") {
		t.Errorf("short password: %d %s", code, errs)
	}
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if u, err := s.AuthenticateUser(context.Background(), "alice", "s3cret-passw0rd"); err != nil || u.Role != store.RoleAnalyst {
		t.Fatalf("authenticate: %+v %v", u, err)
	}
	if code, _, _ := runCLI(t, "", nil, "users", "disable", "alice", "--data-dir", dir); code != 0 {
		t.Fatalf("disable: %d", code)
	}
	if _, out, _ := runCLI(t, "", nil, "users", "list", "--data-dir", dir); !strings.Contains(out, "disabled") {
		t.Errorf("users list:\n%s", out)
	}
}

func TestAuditVerifyExport(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	parties := []string{"Hangzhou Hikvision Digital Technology Co., Ltd.", "Acme GmbH", "Rosoboronexport"}
	countries := []string{"CN", "DE", "RU"}
	for i := 0; i < 9; i++ {
		_, err := s.AppendAudit(context.Background(), store.Record{
			Actor: "key:x", Kind: store.KindScreen, Reference: "PO-" + string(rune('A'+i)),
			Parties: []string{parties[i%3]}, Countries: []string{countries[i%3]}, Decision: "hit",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCLI(t, "", nil, "audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "OK: 9 records") {
		t.Fatalf("verify: %d %s %s", code, out, errs)
	}
	recs, _ := s.ListAudit(context.Background(), store.Filter{After: 4, Limit: 1})
	anchor := fmt.Sprintf("5:%s", recs[0].Hash)
	if code, _, errs := runCLI(t, "", nil, "audit", "verify", "--anchor", anchor, "--data-dir", dir); code != 0 {
		t.Fatalf("verify --anchor: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", nil, "audit", "verify", "--anchor", "5:"+strings.Repeat("ab", 32), "--data-dir", dir); code != 1 || !strings.Contains(errs, "rewritten") {
		t.Fatalf("verify with a wrong anchor: %d %s", code, errs)
	}
	anchorFile := filepath.Join(t.TempDir(), "anchors.log")
	for i := 0; i < 2; i++ {
		if code, _, errs := runCLI(t, "", nil, "audit", "verify", "--anchors", anchorFile, "--data-dir", dir); code != 0 {
			t.Fatalf("verify --anchors #%d: %d %s", i, code, errs)
		}
	}
	data, err := os.ReadFile(anchorFile)
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); err != nil || len(lines) != 2 || !strings.HasPrefix(lines[1], "9:") {
		t.Fatalf("anchors file: %q %v", data, err)
	}
	// A rewritten chain no longer matches an anchor kept in the file.
	if err := os.WriteFile(anchorFile, []byte("# kept elsewhere\n5:"+strings.Repeat("cd", 32)+" 2026-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "", nil, "audit", "verify", "--anchors", anchorFile, "--data-dir", dir); code != 1 || !strings.Contains(errs, "line 2") {
		t.Fatalf("verify against a wrong anchor file: %d %s", code, errs)
	}
	outFile := filepath.Join(t.TempDir(), "hik.csv")
	code, _, errs = runCLI(t, "", nil, "audit", "export", "--format", "csv", "--party", "hikvision", "--country", "cn",
		"--from", "2000-01-01", "--to", "2999-12-31", "--output", outFile, "--data-dir", dir)
	if code != 0 || !strings.Contains(errs, "exported 3 audit records") {
		t.Fatalf("export: %d %s", code, errs)
	}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 4 || rows[1][5] != parties[0] {
		t.Fatalf("csv rows %v %v", rows, err)
	}
	code, out, _ = runCLI(t, "", nil, "audit", "export", "--format", "jsonl", "--reference", "PO-E", "--data-dir", dir)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"reference":"PO-E"`) {
		t.Fatalf("jsonl export by reference: %d %q", code, out)
	}
	if code, _, _ := runCLI(t, "", nil, "audit", "export", "--format", "xml", "--data-dir", dir); code != 2 {
		t.Errorf("bad format: status %d", code)
	}
	if code, _, _ := runCLI(t, "", nil, "audit", "export", "--from", "yesterday", "--data-dir", dir); code != 2 {
		t.Errorf("bad date: status %d", code)
	}
	if code, out, _ := runCLI(t, "", nil, "audit", "log", "--limit", "2", "--data-dir", dir); code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("log: %d\n%s", code, out)
	}

	if code, out, _ := runCLI(t, "", nil, "audit", "show", "5", "--data-dir", dir); code != 0 || !strings.Contains(out, `"reference": "PO-E"`) || !strings.Contains(out, `"seq": 5`) {
		t.Errorf("show 5: %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "", nil, "audit", "show", "99", "--data-dir", dir); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("show 99: %d %s", code, errs)
	}

	// Tamper as someone with file access would: drop the trigger, edit record 4.
	for _, q := range []string{`DROP TRIGGER audit_records_no_update`, `UPDATE audit_records SET decision = 'clear' WHERE seq = 4`} {
		if _, err := s.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	code, _, errs = runCLI(t, "", nil, "audit", "verify", "--data-dir", dir)
	if code != 1 || !strings.Contains(errs, "BROKEN at record 4") {
		t.Fatalf("verify after tampering: status %d, %s", code, errs)
	}
}

func FuzzParseAuditTime(f *testing.F) {
	for _, s := range []string{"2026-07-31", "2026-07-31T12:00:00Z", "2026-07-31T12:00:00.123456+02:00", "", "31/07/2026", "2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, dateOnly, err := parseAuditTime(s)
		if err != nil {
			return
		}
		if dateOnly && (tm.Hour() != 0 || tm.Location().String() != "UTC") {
			t.Errorf("%q: date-only %v not midnight UTC", s, tm)
		}
	})
}
