package ear

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func mustTables(t *testing.T) *tables {
	t.Helper()
	tb, err := loadTables()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestTablesLoad(t *testing.T) {
	tb := mustTables(t)
	if got := len(tb.chart); got != 200 {
		t.Errorf("chart rows %d, want 200", got)
	}
	if got := len(tb.groups); got != 200 {
		t.Errorf("country group rows %d, want 200", got)
	}
	if got := len(tb.ccl); got != 634 || !tb.ccl["2A000"].Example {
		t.Errorf("CCL entries %d, want 633 real ones plus the 738.4(b)(2) sample 2A000", got)
	}
	if got := len(tb.supp2); got != 52 {
		t.Errorf("Supp. No. 2 to Part 744 ECCNs %d, want 52", got)
	}
	rows := 0
	for _, e := range tb.ccl {
		if !e.Example {
			rows += len(e.Rows)
		}
	}
	if rows != 1536 {
		t.Errorf("CCL License Requirements rows %d, want 1536", rows)
	}
	cn := tb.chart["CN"]
	var marks []string
	for c := range cn.Marks {
		marks = append(marks, c)
	}
	sort.Strings(marks)
	if got := strings.Join(marks, " "); got != "CB1 CB2 CB3 CC1 CC3 MT1 NP1 NP2 NS1 NS2 RS1 RS2" {
		t.Errorf("China marks %s", got)
	}
	for iso, r := range tb.chart {
		if r.Marks["AT1"] || r.Marks["AT2"] {
			t.Errorf("%s has an AT mark; the 2026-07-23 chart has none", iso)
		}
	}
	for _, iso := range []string{"CU", "IR", "KP", "SY"} {
		if r := tb.chart[iso]; len(r.Marks) != 0 || r.SeeInstead == "" {
			t.Errorf("%s: embargo row should have no marks and a pointer: %+v", iso, r)
		}
	}
	if !containsInt(tb.chart["AU"].Footnotes, 10) || !containsInt(tb.chart["GB"].Footnotes, 10) || !containsInt(tb.chart["IN"].Footnotes, 7) {
		t.Error("footnotes 10 (AU, GB) and 7 (IN) missing")
	}
	if len(tb.redFlags) != 29 || !strings.Contains(tb.redFlags[29], "affirmative duty to determine the percentage of ownership") {
		t.Errorf("red flags: %d, RF29 %q", len(tb.redFlags), tb.redFlags[29])
	}
	if g := tb.groups["CN"]; !g["D:1"] || !g["D:5"] || g["B"] {
		t.Errorf("China groups %v", g)
	}
	if tb.groups["MO"]["D:5"] {
		t.Error("Macau must not be in D:5 (the EAR says 'Macau or D:5')")
	}
	if d := tb.resolveDest("HK", "2026-01-01"); d.Row == nil || d.Row.ISO2 != "CN" {
		t.Errorf("HK resolves to %+v, want the China row", d.Row)
	}
	if n, ok := tb.resolveFR("84 FR 54004"); !ok || n.cite() != "84 FR 54002" || n.Effective != "2019-10-09" {
		t.Errorf("84 FR 54004 resolves to %+v", n)
	}
}

// TestProseRowsResolved measures how much of the CCL's prose (rows with no
// chart column) the prose table resolves; the rest answer REVIEW.
func TestProseRowsResolved(t *testing.T) {
	tb := mustTables(t)
	prose, resolved := 0, 0
	var unresolved []string
	for _, e := range tb.ccl {
		for _, r := range e.Rows {
			if rowColumn(r) != "" {
				continue
			}
			prose++
			if _, ok := tb.proseRuleFor(r.Rule); ok {
				resolved++
			} else {
				unresolved = append(unresolved, e.ECCN+": "+r.Rule)
			}
		}
	}
	t.Logf("prose License Requirements rows: %d, resolved to destinations: %d", prose, resolved)
	if prose != 273 || resolved < 263 {
		t.Errorf("prose rows %d resolved %d; unresolved: %q", prose, resolved, unresolved)
	}
}

func TestEndUseDestinationsAgreeWithSupp2File(t *testing.T) {
	tb := mustTables(t)
	b, err := os.ReadFile("data/part744_enduse_lists.json")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		A1  []string `json:"meu_744_21_a1_destinations_iso2"`
		A2  []string `json:"meu_744_21_a2_any_item_destinations_iso2"`
		MI  []string `json:"milint_744_22_destinations_iso2_plus_E1_E2"`
		Arm []string `json:"un_arms_embargo_746_1_b_iso2"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	check := func(rule string, want []string) {
		for _, c := range want {
			if _, ok := tb.endUse[rule][c]; !ok {
				t.Errorf("%s lacks %s", rule, c)
			}
		}
		if len(tb.endUse[rule]) < len(want) {
			t.Errorf("%s has %d destinations, file %d", rule, len(tb.endUse[rule]), len(want))
		}
	}
	check("military-end-use-supp2", p.A1)
	check("military-end-use-all-items", p.A2)
	check("military-intelligence", p.MI)
	for iso := range tb.endUse["military-intelligence"] {
		g := tb.groups[iso]
		if !containsString(p.MI, iso) && !g["E:1"] && !g["E:2"] {
			t.Errorf("744.22 destination %s is neither in the file nor in E:1/E:2", iso)
		}
	}
}

func TestAffiliatesWindows(t *testing.T) {
	tb := mustTables(t)
	for date, want := range map[string]string{"2025-09-28": "", "2025-09-29": "in_force", "2025-11-09": "in_force",
		"2025-11-10": "stayed", "2026-11-09": "stayed", "2026-11-10": "in_force", "2030-01-01": "in_force"} {
		got := ""
		if w := tb.affiliatesWindow(date); w != nil {
			got = w.Status
		}
		if got != want {
			t.Errorf("Affiliates rule on %s: %q, want %q", date, got, want)
		}
	}
}

// TestEveryRuleHasMetadata checks that each rule id the code emits has a
// title and a CFR citation in rules.csv, so no reason goes out uncited.
func TestEveryRuleHasMetadata(t *testing.T) {
	tb := mustTables(t)
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`e\.reason\("([a-z0-9.-]+)"|ruleInForce\("([a-z0-9.-]+)"|return "([a-z]+-list|denied-person|military-intelligence|sdn-blocked)"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			id := m[1] + m[2] + m[3]
			seen++
			if r, ok := tb.rules[id]; !ok || r.Title == "" || len(r.CFR) == 0 {
				t.Errorf("%s: rule %q has no metadata in rules.csv", f, id)
			}
		}
	}
	if seen < 30 {
		t.Errorf("found only %d rule references", seen)
	}
}

func TestDataSources(t *testing.T) {
	ds, err := DataSources()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) < 8 {
		t.Fatalf("%d sources", len(ds))
	}
	for _, d := range ds {
		if !isISODate(d.AsOf) || d.Rows == 0 || d.Citation == "" {
			t.Errorf("source %+v lacks a date, rows or citation", d)
		}
	}
}
