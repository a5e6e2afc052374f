package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clearance-oss/clearance/lists/snapshot"
)

func listsCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := run(context.Background(), env, append([]string{"lists"}, args...))
	return code, out.String(), errb.String()
}

func TestListsTable(t *testing.T) {
	s, err := snapshot.Default()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := listsCLI(t)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"Snapshot " + s.Version,
		"EL    Entity List",
		"3,420",
		"2026-07-31  screening-list_csl-derived_2026-07-31.json (+ bis-entity-list)",
		"UN    UN Security Council Consolidated List",
		"1,003",
		"https://media.bis.gov/sites/default/files/dpl_04142026.csv",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestListsJSON(t *testing.T) {
	code, out, errs := listsCLI(t, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got listsOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, l := range got.Lists {
		counts[string(l.Code)] = l.Entries
	}
	if counts["EL"] != 3420 || counts["SDN"] != 19181 || counts["UN"] != 1003 || got.Entities != 26937 {
		t.Errorf("counts %v, total %d", counts, got.Entities)
	}
	if len(got.Sources) == 0 || len(got.Sources[0].SHA256) != 64 {
		t.Errorf("sources = %+v", got.Sources)
	}
}

func TestListsUsage(t *testing.T) {
	if code, _, errs := listsCLI(t, "extra"); code != 2 || !strings.Contains(errs, `unexpected argument "extra"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 25921: "25,921", 1234567: "1,234,567", -1003: "-1,003"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSourceGroups(t *testing.T) {
	got := strings.Join(sourceGroups([]string{"ofac-sdn-add", "ofac-sdn-alt", "ofac-sdn-comments", "ofac-sdn", "csl-2022"}), "; ")
	if got != "ofac-sdn (4 files); csl-2022" {
		t.Errorf("sourceGroups = %q", got)
	}
}
