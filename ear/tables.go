package ear

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/*.csv data/*.csv.gz data/*.json
var dataFS embed.FS

// chartColumns are the 16 columns of the Commerce Country Chart
// (Supp. No. 1 to Part 738) in their published order.
var chartColumns = []string{"CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1", "RS1", "RS2", "FC1", "CC1", "CC2", "CC3", "AT1", "AT2"}

type chartRow struct {
	Country    string
	ISO2       string
	Marks      map[string]bool
	Footnotes  []int
	SeeInstead string // embargo rows: "See part 746 ..."
}

type cclRow struct {
	Scope  string // "NS applies to entire entry"
	Rule   string // "NS Column 2." or prose
	Column string // "NS2", blank when the rule is prose
}

type cclEntry struct {
	ECCN    string
	Heading string
	Reasons string // "NS, RS, AT"
	Rows    []cclRow
	Example bool // the regulation's own hypothetical sample, not a real ECCN
}

type ruleMeta struct {
	ID, Title         string
	CFR, FR           []string
	From, To          string // effective window, YYYY-MM-DD, either may be empty
	ReviewPolicy      string
	LicenseExceptions string
	Data              string // the table version the rule reads, e.g. "… eCFR 2026-07-23"
}

// inForce reports whether the rule applies on date.
func (m ruleMeta) inForce(date string) bool {
	return (m.From == "" || date >= m.From) && (m.To == "" || date <= m.To)
}

type frNotice struct {
	Volume, First, Last  int
	Published, Effective string
	Title                string
}

func (n frNotice) cite() string { return fmt.Sprintf("%d FR %d", n.Volume, n.First) }

type affWindow struct{ From, To, Status, FR, Note string }

type territory struct{ ISO2, Row, From, Basis string }

type proseRule struct{ Match, Destinations, Outcome, Citation string }

type footnoteECCN struct {
	Footnote  int
	ECCN      ECCN
	Except    *ECCN
	Column    string
	Condition string
}

type allDestEntry struct {
	ECCN              ECCN
	LicenseExceptions string
	Citation          string
}

type carveOut struct {
	EntryText string
	Items     string // EAR99 or ANY
	Keywords  [][]string
	Note      string
}

type cameraRule struct {
	ECCN   ECCN
	Exempt destSet
	Note   string
}

type endUseDest struct{ Effective, Note string }

type exceptionInfo struct{ Section, Title string }

// tables holds every embedded regulation table, parsed once.
type tables struct {
	chart       map[string]*chartRow
	footnotes   map[int]string
	groups      map[string]map[string]bool
	ccl         map[string]*cclEntry
	flags       map[string]map[string]string
	supp2       map[string]bool
	unArms      map[string]bool
	rules       map[string]ruleMeta
	fr          []frNotice
	affiliates  []affWindow
	sdnPrograms map[string]string
	territories map[string]territory
	prose       []proseRule
	fnECCNs     []footnoteECCN
	allDest     []allDestEntry
	carveOuts   []carveOut
	endUse      map[string]map[string]endUseDest
	exceptions  map[string]exceptionInfo
	cameras     []cameraRule
	elFootnotes map[int]string
	reasonPol   map[string][2]string // reason for control → name, review-policy section
	redFlags    map[int]string       // Supp. No. 3 to Part 732, verbatim
	asOf        map[string]string
}

var (
	loadOnce   sync.Once
	loaded     *tables
	loadErr    error
	errNoTable = errors.New("missing table")
)

// loadTables parses the embedded data once; every later call shares it.
func loadTables() (*tables, error) {
	loadOnce.Do(func() { loaded, loadErr = parseTables(dataFS) })
	return loaded, loadErr
}

func parseTables(fsys embed.FS) (*tables, error) {
	t := &tables{asOf: map[string]string{}}
	steps := []struct {
		file string
		fn   func([][]string) error
	}{
		{"country_chart.csv", t.readChart},
		{"country_chart_footnotes.csv", t.readFootnotes},
		{"country_groups.csv", t.readGroups},
		{"eccn_controls.csv.gz", t.readCCL},
		{"eccn_license_exception_flags.csv.gz", t.readFlags},
		{"rules.csv", t.readRules},
		{"fr_notices.csv", t.readFR},
		{"affiliates_rule.csv", t.readAffiliates},
		{"sdn_744_8_programs.csv", t.readSDNPrograms},
		{"territories.csv", t.readTerritories},
		{"chart_prose_rules.csv", t.readProse},
		{"chart_footnote_eccns.csv", t.readFootnoteECCNs},
		{"ccl_all_destinations.csv", t.readAllDest},
		{"el_carve_outs.csv", t.readCarveOuts},
		{"enduse_destinations.csv", t.readEndUse},
		{"cameras_744_9.csv", t.readCameras},
		{"el_footnotes.csv", t.readELFootnotes},
		{"ccl_regulation_examples.csv", t.readExamples},
		{"reason_policies.csv", t.readReasonPolicies},
	}
	for _, s := range steps {
		b, err := fsys.ReadFile("data/" + s.file)
		if err != nil {
			return nil, fmt.Errorf("ear: %s: %w", s.file, err)
		}
		recs, err := readCSV(b, strings.HasSuffix(s.file, ".gz"))
		if err != nil {
			return nil, fmt.Errorf("ear: %s: %w", s.file, err)
		}
		if err := s.fn(recs); err != nil {
			return nil, fmt.Errorf("ear: %s: %w", s.file, err)
		}
	}
	if err := t.readJSONTables(fsys); err != nil {
		return nil, err
	}
	return t, nil
}

// readCSV returns the records after the header row.
func readCSV(b []byte, gz bool) ([][]string, error) {
	var r io.Reader = bytes.NewReader(b)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 {
		return nil, errNoTable
	}
	return recs[1:], nil
}

func (t *tables) readChart(recs [][]string) error {
	t.chart = map[string]*chartRow{}
	for i, r := range recs {
		if len(r) != 20 {
			return fmt.Errorf("line %d: %d fields, want 20", i+2, len(r))
		}
		row := &chartRow{Country: r[0], ISO2: r[1], Marks: map[string]bool{}, SeeInstead: r[19]}
		for j, col := range chartColumns {
			switch r[2+j] {
			case "X":
				row.Marks[col] = true
			case "":
			default:
				return fmt.Errorf("line %d: field %q: %q is not X or blank", i+2, col, r[2+j])
			}
		}
		for _, f := range splitList(r[18], ";") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("line %d: field \"footnotes\": %w", i+2, err)
			}
			row.Footnotes = append(row.Footnotes, n)
		}
		if _, dup := t.chart[row.ISO2]; dup || len(row.ISO2) != 2 {
			return fmt.Errorf("line %d: iso2 %q missing or repeated", i+2, row.ISO2)
		}
		t.chart[row.ISO2] = row
	}
	return nil
}

func (t *tables) readFootnotes(recs [][]string) error {
	t.footnotes = map[int]string{}
	for i, r := range recs {
		n, err := strconv.Atoi(r[0])
		if err != nil || len(r) != 2 {
			return fmt.Errorf("line %d: bad footnote row", i+2)
		}
		t.footnotes[n] = r[1]
	}
	return nil
}

var groupNames = []string{"A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "B", "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"}

func (t *tables) readGroups(recs [][]string) error {
	t.groups = map[string]map[string]bool{}
	for i, r := range recs {
		if len(r) != 2+len(groupNames) {
			return fmt.Errorf("line %d: %d fields, want %d", i+2, len(r), 2+len(groupNames))
		}
		m := map[string]bool{}
		for j, g := range groupNames {
			if r[2+j] == "Y" {
				m[g] = true
			}
		}
		t.groups[r[1]] = m
	}
	return nil
}

func (t *tables) readCCL(recs [][]string) error {
	t.ccl = map[string]*cclEntry{}
	for i, r := range recs {
		if len(r) != 8 {
			return fmt.Errorf("line %d: %d fields, want 8", i+2, len(r))
		}
		e, err := ParseECCN(r[0])
		if err != nil || len(e.Paragraph) > 0 {
			return fmt.Errorf("line %d: field \"eccn\": %q", i+2, r[0])
		}
		ent := t.ccl[e.Base]
		if ent == nil {
			ent = &cclEntry{ECCN: e.Base, Heading: r[4], Reasons: r[3]}
			t.ccl[e.Base] = ent
		}
		if r[5] == "" && r[6] == "" {
			continue
		}
		ent.Rows = append(ent.Rows, cclRow{Scope: r[5], Rule: r[6], Column: r[7]})
	}
	return nil
}

func (t *tables) readFlags(recs [][]string) error {
	t.flags = map[string]map[string]string{}
	for _, r := range recs {
		if len(r) != 3 || r[0] == "eccn" {
			continue
		}
		if t.flags[r[0]] == nil {
			t.flags[r[0]] = map[string]string{}
		}
		t.flags[r[0]][r[1]] = r[2]
	}
	return nil
}

func (t *tables) readRules(recs [][]string) error {
	t.rules = map[string]ruleMeta{}
	for i, r := range recs {
		if len(r) != 9 {
			return fmt.Errorf("line %d: %d fields, want 9", i+2, len(r))
		}
		m := ruleMeta{ID: r[0], Title: r[1], CFR: splitList(r[2], ";"), FR: splitList(r[3], ";"),
			From: r[4], To: r[5], ReviewPolicy: r[6], LicenseExceptions: r[7], Data: r[8]}
		for _, d := range []string{m.From, m.To} {
			if d != "" && !isISODate(d) {
				return fmt.Errorf("line %d: rule %s: date %q is not YYYY-MM-DD", i+2, m.ID, d)
			}
		}
		if len(m.CFR) == 0 {
			return fmt.Errorf("line %d: rule %s has no CFR citation", i+2, m.ID)
		}
		t.rules[m.ID] = m
	}
	return nil
}

func (t *tables) readFR(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 6 {
			return fmt.Errorf("line %d: %d fields, want 6", i+2, len(r))
		}
		var n frNotice
		var err1, err2, err3 error
		n.Volume, err1 = strconv.Atoi(r[0])
		n.First, err2 = strconv.Atoi(r[1])
		n.Last, err3 = strconv.Atoi(r[2])
		if err := errors.Join(err1, err2, err3); err != nil || n.Last < n.First || !isISODate(r[3]) || !isISODate(r[4]) {
			return fmt.Errorf("line %d: bad notice row", i+2)
		}
		n.Published, n.Effective, n.Title = r[3], r[4], r[5]
		t.fr = append(t.fr, n)
	}
	return nil
}

func (t *tables) readAffiliates(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 5 || !isISODate(r[0]) || (r[1] != "" && !isISODate(r[1])) || (r[2] != "in_force" && r[2] != "stayed") {
			return fmt.Errorf("line %d: bad window (want from,to,in_force|stayed,fr,note)", i+2)
		}
		t.affiliates = append(t.affiliates, affWindow{r[0], r[1], r[2], r[3], r[4]})
	}
	sort.Slice(t.affiliates, func(i, j int) bool { return t.affiliates[i].From < t.affiliates[j].From })
	return nil
}

func (t *tables) readSDNPrograms(recs [][]string) error {
	t.sdnPrograms = map[string]string{}
	for i, r := range recs {
		if len(r) != 3 || !isISODate(r[1]) {
			return fmt.Errorf("line %d: bad program row", i+2)
		}
		t.sdnPrograms[r[0]] = r[1]
	}
	return nil
}

func (t *tables) readTerritories(recs [][]string) error {
	t.territories = map[string]territory{}
	for i, r := range recs {
		if len(r) != 4 || (r[2] != "" && !isISODate(r[2])) {
			return fmt.Errorf("line %d: bad territory row (want iso2,row,from,basis)", i+2)
		}
		t.territories[r[0]] = territory{r[0], r[1], r[2], r[3]}
	}
	return nil
}

func (t *tables) readProse(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 4 || (r[2] != "license" && r[2] != "none") {
			return fmt.Errorf("line %d: bad prose rule", i+2)
		}
		if _, err := t.parseDestExpr(r[1]); err != nil && r[2] == "license" {
			return fmt.Errorf("line %d: destinations: %w", i+2, err)
		}
		t.prose = append(t.prose, proseRule{strings.ToLower(r[0]), r[1], r[2], r[3]})
	}
	return nil
}

func (t *tables) readFootnoteECCNs(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 5 {
			return fmt.Errorf("line %d: bad row", i+2)
		}
		fn, err := strconv.Atoi(r[0])
		if err != nil {
			return fmt.Errorf("line %d: footnote: %w", i+2, err)
		}
		e, err := ParseECCN(r[1])
		if err != nil {
			return fmt.Errorf("line %d: eccn: %w", i+2, err)
		}
		f := footnoteECCN{Footnote: fn, ECCN: e, Column: r[3], Condition: r[4]}
		if r[2] != "" {
			x, err := ParseECCN(r[2])
			if err != nil {
				return fmt.Errorf("line %d: except: %w", i+2, err)
			}
			f.Except = &x
		}
		t.fnECCNs = append(t.fnECCNs, f)
	}
	return nil
}

func (t *tables) readAllDest(recs [][]string) error {
	for i, r := range recs {
		e, err := ParseECCN(r[0])
		if err != nil || len(r) != 3 {
			return fmt.Errorf("line %d: bad row", i+2)
		}
		t.allDest = append(t.allDest, allDestEntry{e, r[1], r[2]})
	}
	return nil
}

func (t *tables) readCarveOuts(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 4 || (r[1] != "EAR99" && r[1] != "ANY") {
			return fmt.Errorf("line %d: bad carve-out row", i+2)
		}
		c := carveOut{EntryText: strings.ToLower(r[0]), Items: r[1], Note: r[3]}
		for _, g := range splitList(r[2], ";") {
			c.Keywords = append(c.Keywords, splitList(strings.ToLower(g), "|"))
		}
		t.carveOuts = append(t.carveOuts, c)
	}
	return nil
}

func (t *tables) readEndUse(recs [][]string) error {
	t.endUse = map[string]map[string]endUseDest{}
	for i, r := range recs {
		if len(r) != 4 || !isISODate(r[2]) {
			return fmt.Errorf("line %d: bad row", i+2)
		}
		if t.endUse[r[0]] == nil {
			t.endUse[r[0]] = map[string]endUseDest{}
		}
		t.endUse[r[0]][r[1]] = endUseDest{r[2], r[3]}
	}
	return nil
}

func (t *tables) readJSONTables(fsys embed.FS) error {
	var p744 struct {
		Supp2  []string `json:"supp2_part744_eccns"`
		UNArms []string `json:"un_arms_embargo_746_1_b_iso2"`
	}
	b, err := fsys.ReadFile("data/part744_enduse_lists.json")
	if err == nil {
		err = json.Unmarshal(b, &p744)
	}
	if err != nil {
		return fmt.Errorf("ear: part744_enduse_lists.json: %w", err)
	}
	t.supp2 = map[string]bool{}
	for _, e := range p744.Supp2 {
		t.supp2[e] = true
	}
	t.unArms = map[string]bool{}
	for _, c := range p744.UNArms {
		t.unArms[c] = true
	}
	var le struct {
		Date       string `json:"ecfrIssueDate"`
		Exceptions []struct {
			Section string   `json:"sectionNumber"`
			Symbols []string `json:"symbols"`
			Title   string   `json:"title"`
		} `json:"exceptions"`
	}
	b, err = fsys.ReadFile("data/license_exceptions.json")
	if err == nil {
		err = json.Unmarshal(b, &le)
	}
	if err != nil {
		return fmt.Errorf("ear: license_exceptions.json: %w", err)
	}
	var rf struct {
		Flags []struct {
			N    int    `json:"n"`
			Text string `json:"text"`
		} `json:"red_flags"`
	}
	b, err = fsys.ReadFile("data/red_flags_supp3_part732.json")
	if err == nil {
		err = json.Unmarshal(b, &rf)
	}
	if err != nil {
		return fmt.Errorf("ear: red_flags_supp3_part732.json: %w", err)
	}
	t.redFlags = map[int]string{}
	for _, f := range rf.Flags {
		t.redFlags[f.N] = f.Text
	}
	t.exceptions = map[string]exceptionInfo{}
	for _, x := range le.Exceptions {
		for _, s := range x.Symbols {
			t.exceptions[s] = exceptionInfo{"15 CFR " + x.Section, x.Title}
		}
	}
	return nil
}

// destSet evaluates a destination expression such as "AE|D:1|D:4|D:5-A:5-A:6",
// "ALL-CA", "CN|RU|VE" or "UNARMS" (the 15 CFR 746.1(b) list).
type destSet struct{ include, exclude []string }

func (t *tables) parseDestExpr(s string) (destSet, error) {
	if s == "" {
		return destSet{}, errors.New("empty destination expression")
	}
	parts := strings.Split(s, "-")
	var d destSet
	d.include = strings.Split(parts[0], "|")
	for _, p := range parts[1:] {
		if p == "" {
			return destSet{}, fmt.Errorf("%q: empty exclusion", s)
		}
		d.exclude = append(d.exclude, p)
	}
	for _, term := range append(append([]string{}, d.include...), d.exclude...) {
		if !t.validDestTerm(term) {
			return destSet{}, fmt.Errorf("%q: unknown term %q", s, term)
		}
	}
	return d, nil
}

func (t *tables) validDestTerm(term string) bool {
	switch {
	case term == "ALL" || term == "UNARMS":
		return true
	case strings.Contains(term, ":") || term == "B":
		for _, g := range groupNames {
			if g == term {
				return true
			}
		}
		return false
	}
	return len(term) == 2 && isLetters(term)
}

func (t *tables) destTermHas(term, iso string) bool {
	switch {
	case term == "ALL":
		return true
	case term == "UNARMS":
		return t.unArms[iso]
	case strings.Contains(term, ":") || term == "B":
		return t.groups[iso][term]
	}
	return term == iso
}

func (t *tables) destIn(d destSet, iso string) bool {
	in := false
	for _, x := range d.include {
		if t.destTermHas(x, iso) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, x := range d.exclude {
		if t.destTermHas(x, iso) {
			return false
		}
	}
	return true
}

// resolveFR maps an entry's citation ("84 FR 54004") to the rule notice
// whose pages contain it (84 FR 54002), when the notice is in the table.
func (t *tables) resolveFR(cite string) (frNotice, bool) {
	var vol, page int
	if _, err := fmt.Sscanf(strings.TrimSpace(cite), "%d FR %d", &vol, &page); err != nil {
		return frNotice{}, false
	}
	for _, n := range t.fr {
		if n.Volume == vol && page >= n.First && page <= n.Last {
			return n, true
		}
	}
	return frNotice{}, false
}

func splitList(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:])
}

func (t *tables) readCameras(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 3 {
			return fmt.Errorf("line %d: bad row", i+2)
		}
		e, err := ParseECCN(r[0])
		if err != nil {
			return fmt.Errorf("line %d: eccn: %w", i+2, err)
		}
		ds, err := t.parseDestExpr(r[1])
		if err != nil {
			return fmt.Errorf("line %d: exempt: %w", i+2, err)
		}
		t.cameras = append(t.cameras, cameraRule{e, ds, r[2]})
	}
	return nil
}

func (t *tables) readELFootnotes(recs [][]string) error {
	t.elFootnotes = map[int]string{}
	for i, r := range recs {
		n, err := strconv.Atoi(r[0])
		if err != nil || len(r) != 2 {
			return fmt.Errorf("line %d: bad footnote row", i+2)
		}
		t.elFootnotes[n] = r[1]
	}
	return nil
}

// readExamples adds the hypothetical sample entry that 15 CFR 738.4(b)(2)
// uses to teach the chart (2A000), so BIS's own worked example can be run;
// every reason about it says it is not a real ECCN.
func (t *tables) readExamples(recs [][]string) error {
	for i, r := range recs {
		if len(r) != 8 {
			return fmt.Errorf("line %d: %d fields, want 8", i+2, len(r))
		}
		if _, real := t.ccl[r[0]]; real && !t.ccl[r[0]].Example {
			return fmt.Errorf("line %d: %s is a real ECCN", i+2, r[0])
		}
		ent := t.ccl[r[0]]
		if ent == nil {
			ent = &cclEntry{ECCN: r[0], Reasons: r[1], Heading: r[2], Example: true}
			t.ccl[r[0]] = ent
			t.flags[r[0]] = map[string]string{"LVS": r[6], "GBS": r[7]}
		}
		ent.Rows = append(ent.Rows, cclRow{Scope: r[3], Rule: r[4], Column: r[5]})
	}
	return nil
}

func (t *tables) readReasonPolicies(recs [][]string) error {
	t.reasonPol = map[string][2]string{}
	for i, r := range recs {
		if len(r) != 3 || len(r[0]) != 2 {
			return fmt.Errorf("line %d: bad row", i+2)
		}
		t.reasonPol[r[0]] = [2]string{r[1], r[2]}
	}
	return nil
}

// reviewPolicy names the Part 742 (or 746) review-policy section of each
// reason for control, e.g. "NS (National security): 15 CFR 742.4(b)".
func (t *tables) reviewPolicy(reasons []string) string {
	var out []string
	for _, r := range reasons {
		if p, ok := t.reasonPol[r]; ok {
			out = append(out, fmt.Sprintf("%s (%s): %s", r, p[0], p[1]))
		}
	}
	return strings.Join(out, "; ")
}
