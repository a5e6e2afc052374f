package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/batch"
	"github.com/clearance-oss/clearance/match"
)

func screenCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := run(context.Background(), env, append([]string{"screen"}, args...))
	return code, out.String(), errb.String()
}

const hikvisionListed = "Hangzhou Hikvision Digital Technology Co., Ltd."

// TestScreenHikvision is issue 2's "done when": `clearance screen
// Hikvision` finds the Entity List and CMIC entries.
func TestScreenHikvision(t *testing.T) {
	code, out, errs := screenCLI(t, "Hikvision")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	found := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && strings.Contains(line, hikvisionListed) {
			found[f[1]] = true
		}
	}
	if !found["EL"] || !found["CMIC"] {
		t.Errorf("table lacks the EL and CMIC Hikvision lines:\n%s", out)
	}
	if !strings.Contains(out, "#  LIST  NAME") || !strings.Contains(out, fmt.Sprintf("at threshold %.2f among", match.DefaultThreshold)) {
		t.Errorf("table header or footer missing:\n%s", out)
	}

	code, out, errs = screenCLI(t, "Hikvision", "--json")
	if code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errs)
	}
	var res screenResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	lists := map[clearance.ListCode]bool{}
	for _, m := range res.Matches {
		if m.Name == hikvisionListed {
			lists[m.List] = true
			if m.Entity == nil || m.Entity.ID != m.EntityID || len(m.Entity.Countries) == 0 || m.Entity.Countries[0] != "CN" {
				t.Errorf("%s match: entity details %+v", m.List, m.Entity)
			}
			if m.Score < res.Query.Threshold {
				t.Errorf("%s match: score %v below threshold", m.List, m.Score)
			}
		}
	}
	if !lists[clearance.EL] || !lists[clearance.CMIC] || res.Query.Name != "Hikvision" || res.Snapshot == "" || res.Entries < 25000 {
		t.Errorf("--json: lists %v, query %+v, snapshot %q, entries %d", lists, res.Query, res.Snapshot, res.Entries)
	}
}

func TestScreenOptions(t *testing.T) {
	code, out, _ := screenCLI(t, "Hikvision", "--lists", "EL", "--json")
	var res screenResult
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Matches) == 0 {
		t.Fatalf("--lists EL: exit %d: %s", code, out)
	}
	for _, m := range res.Matches {
		if m.List != clearance.EL {
			t.Errorf("--lists EL returned a %s match", m.List)
		}
	}

	code, out, _ = screenCLI(t, "Hangzhou", "Hikvision", "--explain", "--country", "cn", "--type", "entity")
	if code != 0 || !strings.Contains(out, "QUERY WORD") || !strings.Contains(out, "hikvision") {
		t.Errorf("--explain: exit %d:\n%s", code, out)
	}

	code, out, _ = screenCLI(t, "Blue River Bakery of Duluth")
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("No matches at threshold %.2f among ", match.DefaultThreshold)) || !strings.Contains(out, "(snapshot ") {
		t.Errorf("no match: exit %d: %q", code, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{}, "give a name"},
		{[]string{"x", "--threshold", "1.5"}, "--threshold"},
		{[]string{"x", "--lists", "XYZ"}, "--lists"},
		{[]string{"x", "--type", "alien"}, "--type"},
		{[]string{"x", "--country", "USA"}, "--country"},
		{[]string{"x", "--as-of", "yesterday"}, "--as-of"},
		{[]string{"--input", "a.csv"}, "both --input FILE and --output FILE"},
		{[]string{"--input", "a.csv", "--output", "b.pdf"}, `".pdf"`},
		{[]string{"--input", "a.csv", "--output", "b.csv", "--json"}, "--json is for one name"},
	} {
		code, _, errs := screenCLI(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

func TestScreenBatchCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "customers.csv")
	os.WriteFile(in, []byte("\uFEFFId,Name,Type,Country\n"+
		"1,Hangzhou Hikvision Digital Technology Co. Ltd.,entity,CN\n"+
		"2,Blue River Bakery of Duluth,entity,US\n"+
		"3,\"Huawei Technologies Co., Ltd.\",,cn\n"), 0o644)
	out := filepath.Join(dir, "results.jsonl")
	code, _, errs := screenCLI(t, "--input", in, "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "3 rows screened, 2 with hits") || !strings.Contains(errs, "rows/s") || strings.Contains(errs, "\r") {
		t.Errorf("summary line %q (and no progress bar off a terminal)", errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []batch.JSONLRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r batch.JSONLRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 3 || recs[0].ID != "1" || recs[1].ID != "2" || recs[2].ID != "3" {
		t.Fatalf("records %+v", recs)
	}
	lists := map[clearance.ListCode]bool{}
	for _, m := range recs[0].Matches {
		if m.Name == hikvisionListed {
			lists[m.List] = true
		}
	}
	if !lists[clearance.EL] || !lists[clearance.CMIC] || len(recs[1].Matches) != 0 || len(recs[2].Matches) == 0 {
		t.Errorf("row 1 lists %v; row 2 %d matches; row 3 %d matches", lists, len(recs[1].Matches), len(recs[2].Matches))
	}

	// A bad row fails the run, names row and column, and writes nothing.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,name,country\n1,Blue River Bakery,US\n2,Green Hill Farms,Germany\n"), 0o644)
	badOut := filepath.Join(dir, "bad.xlsx")
	code, _, errs = screenCLI(t, "--input", bad, "--output", badOut)
	if code != 1 || !strings.Contains(errs, `row 3: column "country"`) || !strings.Contains(errs, "no output written") {
		t.Errorf("bad input: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(badOut); !os.IsNotExist(err) {
		t.Errorf("failed run left %s", badOut)
	}
}

func TestScreenProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := &screenProgress{w: &buf, total: 200, start: time.Now().Add(-time.Second)}
	p.update(100, 7)
	got := buf.String()
	for _, want := range []string{"\r[###############...............]  50% 100/200 rows, 7 with hits", "rows/s", "left\033[K"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	buf.Reset()
	p.update(101, 7) // within 100 ms of the last draw: skipped
	if buf.Len() != 0 {
		t.Errorf("redrawn too soon: %q", buf.String())
	}
	p.update(200, 9) // the last row always draws
	if !strings.Contains(buf.String(), "100% 200/200 rows, 9 with hits") {
		t.Errorf("final bar %q", buf.String())
	}
	if isTerminalWriter(&buf) {
		t.Error("a buffer is not a terminal")
	}
}
