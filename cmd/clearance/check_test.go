package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCheckCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := run(context.Background(), env, append([]string{"check"}, args...))
	return code, out.String(), errb.String()
}

func TestCheckHikvisionSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the snapshot index")
	}
	code, out, errs := runCheckCLI(t, "", "--eccn", "EAR99", "--to", "CN", "--party", "Hangzhou Hik-Vision Digital Tech Co", "--role", "end_user", "--date", "2019-10-10", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Decision        string `json:"decision"`
		LicenseRequired bool   `json:"license_required"`
		Reasons         []struct {
			Rule         string `json:"rule"`
			ReviewPolicy string `json:"review_policy"`
			Citation     struct {
				FR []string `json:"fr"`
			} `json:"citation"`
		} `json:"reasons"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Decision != "LICENSE_REQUIRED" || !d.LicenseRequired {
		t.Fatalf("decision %s", d.Decision)
	}
	found := false
	for _, r := range d.Reasons {
		if r.Rule == "entity-list" && strings.HasPrefix(r.ReviewPolicy, "Presumption of denial") && strings.Contains(strings.Join(r.Citation.FR, " "), "84 FR 54002") {
			found = true
		}
	}
	if !found {
		t.Errorf("no entity-list reason with presumption of denial and 84 FR 54002: %s", out)
	}

	// Readable form, and the day before the listing.
	code, out, _ = runCheckCLI(t, "", "--eccn", "EAR99", "--to", "CN", "--party", "Hikvision", "--date", "2019-10-01")
	if code != 0 || !strings.HasPrefix(out, "Decision: NLR") || !strings.Contains(out, "in force only from 2019-10-09") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestCheckBatchContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the snapshot index")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "requests.jsonl")
	outPath := filepath.Join(dir, "decisions.jsonl")
	lines := `{"id": "r1", "items": [{"eccn": "3A001.b.1"}], "destination": "CN", "region": "", "parties": [{"name": "Zhejiang Lakeview Optics Trading Co", "role": "end_user", "owners": [{"name": "Hikvision", "percent": 60}]}], "end_user_type": "civil", "value_usd": 10000, "date": "2025-10-15"}
{"id": "r2", "items": [{"eccn": "5A992.c"}], "destination": "DE"}
{"id": "r3", "items": [{"eccn": "5A992.c"}], "destination": "ZZ"}
`
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCheckCLI(t, "", "--input", in, "--output", outPath)
	if code != 1 || !strings.Contains(errs, "3 requests") || !strings.Contains(errs, "1 errors") {
		t.Fatalf("exit %d (want 1: one bad line), stderr %s", code, errs)
	}
	b, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != 3 {
		t.Fatalf("%d output lines", len(got))
	}
	for i, want := range []string{`"id":"r1","decision":"LICENSE_REQUIRED","license_required":true`, `"id":"r2","decision":"NLR","license_required":false`, `"id":"r3","line":3,"error":"line 3: destination:`} {
		if !strings.Contains(got[i], want) {
			t.Errorf("line %d = %.200s, want %s", i+1, got[i], want)
		}
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--to", "CN"}, {"--eccn", "EAR99", "--to", "CN", "--role", "end_user"}, {"--eccn", "3Z001", "--to", "CN"}, {"--eccn", "EAR99", "--to", "CN", "--party", "A", "--owner", "B=abc"}} {
		code, _, errs := runCheckCLI(t, "", args...)
		if code != 2 || errs == "" {
			t.Errorf("check %v: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
}
