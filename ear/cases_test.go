package ear

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
)

// caseWant is what a worked case expects (testdata/cases.jsonl).
type caseWant struct {
	Decision            Outcome  `json:"decision"`
	LicenseRequired     bool     `json:"license_required"`
	Rules               []string `json:"rules"` // "rule:OUTCOME" that must appear
	ChartHits           []string `json:"chart_hits"`
	ChartMisses         []string `json:"chart_misses"`
	ReviewHits          []string `json:"review_hits"`
	Candidates          []string `json:"candidates"`
	NotUsable           []string `json:"not_usable"`
	PolicyContains      string   `json:"policy_contains"`
	FRContains          []string `json:"fr_contains"`
	FootnoteContains    string   `json:"footnote_contains"`
	RequirementContains string   `json:"requirement_contains"`
	LEExcluded          bool     `json:"le_excluded"`
}

type workedCase struct {
	Case    string          `json:"case"`
	Request json.RawMessage `json:"request"`
	Want    caseWant        `json:"want"`
}

func readCases(t *testing.T) []workedCase {
	t.Helper()
	f, err := os.Open("testdata/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []workedCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var c workedCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("cases.jsonl line %d: %v", n, err)
		}
		out = append(out, c)
	}
	return out
}

// fixtureEntities converts the Entity List fixture (104 CSL entries) into
// entities, plus one DPL, UVL and SDGT entry modelled on real ones.
func fixtureEntities(t testing.TB) []clearance.Entity {
	t.Helper()
	b, err := os.ReadFile("testdata/entity_list_fixture_surveillance.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Entries []struct {
			Name        string   `json:"name"`
			AltNames    []string `json:"alt_names"`
			Countries   []string `json:"address_countries"`
			Requirement string   `json:"license_requirement"`
			Policy      string   `json:"license_review_policy"`
			FR          string   `json:"federal_register_notice"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	var out []clearance.Entity
	for i, x := range fx.Entries {
		e := clearance.Entity{ID: "fx-el-" + itoa(i), List: clearance.EL, Type: clearance.Organization, Name: x.Name,
			Aliases: x.AltNames, Countries: x.Countries, LicenseRequirement: x.Requirement, LicensePolicy: x.Policy}
		for _, c := range strings.FieldsFunc(x.FR, func(r rune) bool { return r == ';' || r == ',' }) {
			c = strings.TrimSpace(c)
			e.Citations = append(e.Citations, clearance.Citation{Text: c, Cite: c})
		}
		out = append(out, e)
	}
	return append(out,
		clearance.Entity{ID: "fx-dpl", List: clearance.DPL, Type: clearance.Person, Name: "Kappa Orbital Exporters", Countries: []string{"CZ"}, StandardOrder: "Y"},
		clearance.Entity{ID: "fx-uvl", List: clearance.UVL, Type: clearance.Organization, Name: "Atlas Sanatgaran", Countries: []string{"AM"}},
		clearance.Entity{ID: "fx-sdn", List: clearance.SDN, Type: clearance.Person, Name: "Sigma Ridge Holdings", Programs: []string{"SDGT"}},
		clearance.Entity{ID: "fx-meu", List: clearance.MEU, Type: clearance.Organization, Name: "Academy of Aerospace Solid Propulsion Technology", Aliases: []string{"AASPT"}, Countries: []string{"CN"},
			LicenseRequirement: "For any item subject to the EAR listed in supplement no. 2 to part 744."},
	)
}

func itoa(i int) string { return strconv.Itoa(i) }

var (
	fixtureOnce sync.Once
	fixtureEng  *Engine
	realOnce    sync.Once
	realEng     *Engine
	realSubst   map[string]string
	realErr     error
)

func fixtureEngine(t testing.TB) *Engine {
	t.Helper()
	fixtureOnce.Do(func() {
		e, err := New(match.NewIndex(fixtureEntities(t)))
		if err != nil {
			t.Fatal(err)
		}
		fixtureEng = e
	})
	return fixtureEng
}

// realEngine screens against the embedded default snapshot (all lists).
func realEngine(t testing.TB) (*Engine, map[string]string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the full snapshot index (about 4 s)")
	}
	realOnce.Do(func() {
		s, err := snapshot.Default()
		if err != nil {
			realErr = err
			return
		}
		e, err := New(match.NewIndex(s.Entities))
		if err != nil {
			realErr = err
			return
		}
		realEng = e
		realSubst = pickRealParties(e, s.Entities)
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realEng, realSubst
}

// pickRealParties chooses real DPL, UVL and SDGT entries for the
// placeholder cases: in force today, outside the United States, and
// screening back to themselves with certainty.
func pickRealParties(e *Engine, ents []clearance.Entity) map[string]string {
	today := time.Now().UTC().Format("2006-01-02")
	out := map[string]string{}
	ok := func(x *clearance.Entity) bool {
		if !e.listedAsOf(x, today) {
			return false
		}
		for _, m := range e.screen(x.Name) {
			if m.EntityID == x.ID && m.Score >= e.certain {
				return true
			}
		}
		return false
	}
	for i := range ents {
		x := &ents[i]
		switch {
		case x.List == clearance.DPL && out["$DPL"] == "" && len(x.Countries) == 1 && x.Countries[0] != "US" && e.t.chart[x.Countries[0]] != nil && ok(x):
			out["$DPL"], out["$DPL_COUNTRY"] = x.Name, x.Countries[0]
		case x.List == clearance.UVL && out["$UVL"] == "" && ok(x):
			out["$UVL"] = x.Name
		case x.List == clearance.SDN && out["$SDGT"] == "" && containsString(x.Programs, "SDGT") && ok(x):
			out["$SDGT"] = x.Name
		case x.List == clearance.MEU && out["$MEU"] == "" && containsString(x.Countries, "CN") && ok(x):
			out["$MEU"] = x.Name
		}
	}
	return out
}

var fixtureSubst = map[string]string{"$DPL": "Kappa Orbital Exporters", "$DPL_COUNTRY": "CZ", "$UVL": "Atlas Sanatgaran", "$SDGT": "Sigma Ridge Holdings", "$MEU": "Academy of Aerospace Solid Propulsion Technology"}

func substitute(raw json.RawMessage, subst map[string]string) []byte {
	s := string(raw)
	for k, v := range subst {
		vb, _ := json.Marshal(v)
		s = strings.ReplaceAll(s, `"`+k+`"`, string(vb))
	}
	return []byte(s)
}

func TestWorkedCasesFixture(t *testing.T) { runCases(t, fixtureEngine(t), fixtureSubst) }

func TestWorkedCasesSnapshot(t *testing.T) {
	e, subst := realEngine(t)
	for _, k := range []string{"$DPL", "$UVL", "$SDGT", "$MEU"} {
		if subst[k] == "" {
			t.Fatalf("no real party found for %s", k)
		}
	}
	runCases(t, e, subst)
}

func runCases(t *testing.T, e *Engine, subst map[string]string) {
	for _, c := range readCases(t) {
		t.Run(c.Case, func(t *testing.T) {
			req, err := ParseRequest(substitute(c.Request, subst))
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			d, err := e.Determine(context.Background(), req)
			if err != nil {
				t.Fatalf("Determine: %v", err)
			}
			checkDecision(t, d, c.Want)
			if t.Failed() {
				b, _ := json.MarshalIndent(d, "", " ")
				t.Logf("decision: %s", b)
			}
		})
	}
}

func checkDecision(t *testing.T, d Decision, w caseWant) {
	t.Helper()
	if d.Decision != w.Decision || d.LicenseRequired != w.LicenseRequired {
		t.Errorf("decision %s license_required %v, want %s %v", d.Decision, d.LicenseRequired, w.Decision, w.LicenseRequired)
	}
	var hits, misses, review, cands, notUsable, policies, frs, fns, reqs []string
	excluded := false
	for _, r := range d.Reasons {
		if len(r.Cite.CFR) == 0 || r.Rule == "" || r.Title == "" || r.Detail == "" {
			t.Errorf("reason without rule, title, detail or CFR citation: %+v", r)
		}
		if r.Rule == "chart" {
			switch r.Outcome {
			case LicenseRequired:
				hits = append(hits, r.Evidence.ChartHits...)
			case Review:
				review = append(review, r.Evidence.ChartHits...)
			}
			misses = append(misses, r.Evidence.ChartMisses...)
		}
		if le := r.LicenseExceptions; le != nil {
			for _, x := range le.Candidates {
				cands = append(cands, x.Symbol)
			}
			for _, x := range le.NotUsable {
				notUsable = append(notUsable, x.Symbol)
			}
			if le.Excluded && r.Outcome != Info && r.Outcome != NLR {
				excluded = true
			}
		}
		if r.Outcome == LicenseRequired || r.Outcome == Prohibited {
			policies = append(policies, r.ReviewPolicy)
		}
		frs = append(frs, r.Cite.FR...)
		fns = append(fns, r.Evidence.Footnotes...)
		if r.Evidence.Entry != nil {
			reqs = append(reqs, r.Evidence.Entry.LicenseRequirement)
		}
	}
	for _, want := range w.Rules {
		rule, out, _ := strings.Cut(want, ":")
		found := false
		for _, r := range d.Reasons {
			if r.Rule == rule && string(r.Outcome) == out {
				found = true
			}
		}
		if !found {
			t.Errorf("no reason %s", want)
		}
	}
	eq := func(name string, got, want []string) {
		if want == nil {
			return
		}
		got = uniqueSorted(append([]string(nil), got...))
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	eq("chart_hits", hits, w.ChartHits)
	eq("chart_misses", misses, w.ChartMisses)
	sub := func(name string, got, want []string) {
		for _, x := range want {
			if !containsString(got, x) {
				t.Errorf("%s %v lacks %s", name, got, x)
			}
		}
	}
	sub("review_hits", review, w.ReviewHits)
	sub("candidates", cands, w.Candidates)
	sub("not_usable", notUsable, w.NotUsable)
	has := func(name string, got []string, want string) {
		if want == "" {
			return
		}
		for _, g := range got {
			if strings.Contains(g, want) {
				return
			}
		}
		t.Errorf("%s %q: none contains %q", name, got, want)
	}
	has("review_policy", policies, w.PolicyContains)
	for _, f := range w.FRContains {
		has("fr", frs, f)
	}
	has("footnotes", fns, w.FootnoteContains)
	has("license_requirement", reqs, w.RequirementContains)
	if w.LEExcluded && !excluded {
		t.Errorf("no reason excludes license exceptions")
	}
}

// TestSharedCasesAllTranslated ties cases.jsonl to the shared worked-case
// file: every case there has a translation here with the same expected
// license answer, so "all worked cases pass" can be checked, not assumed.
func TestSharedCasesAllTranslated(t *testing.T) {
	b, err := os.ReadFile("testdata/license_determination_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var shared struct {
		Cases []struct {
			ID       string `json:"id"`
			Expected struct {
				LicenseRequired *bool  `json:"license_required"`
				Outcome         string `json:"outcome"`
				ScreeningHit    *bool  `json:"screening_hit"`
			} `json:"expected"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &shared); err != nil {
		t.Fatal(err)
	}
	ours := map[string]caseWant{}
	for _, c := range readCases(t) {
		ours[c.Case] = c.Want
	}
	if len(shared.Cases) != 29 {
		t.Errorf("shared file has %d cases, want 29", len(shared.Cases))
	}
	for _, c := range shared.Cases {
		w, ok := ours[c.ID]
		switch {
		case !ok:
			t.Errorf("shared case %s has no translation in cases.jsonl", c.ID)
		case c.Expected.LicenseRequired != nil && *c.Expected.LicenseRequired != w.LicenseRequired:
			t.Errorf("%s: shared file expects license_required %v, translation %v", c.ID, *c.Expected.LicenseRequired, w.LicenseRequired)
		case strings.HasPrefix(c.Expected.Outcome, "prohibited") && w.Decision != Prohibited:
			t.Errorf("%s: shared file expects prohibited, translation %s", c.ID, w.Decision)
		case c.Expected.ScreeningHit != nil && len(w.Rules) == 0:
			t.Errorf("%s: screening case without an expected list rule", c.ID)
		}
	}
}
