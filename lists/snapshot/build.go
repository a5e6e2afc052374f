package snapshot

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/bisel"
	"github.com/clearance-oss/clearance/lists/csl"
)

// ManifestFile is the file in the sources directory that names each input
// file and its provenance (publisher URL, as-of date, how it is used).
const ManifestFile = "sources.json"

// sourceSpec is one entry of the sources manifest.
type sourceSpec struct {
	Source
	Path string `json:"path"` // file in the sources directory (may be the published file gzip'd)
}

// Report says what a build did, for the builder's output and the docs.
type Report struct {
	Lines []string
}

func (r *Report) printf(format string, args ...any) {
	r.Lines = append(r.Lines, fmt.Sprintf(format, args...))
}

// String returns the report, one line per fact.
func (r *Report) String() string { return strings.Join(r.Lines, "\n") + "\n" }

// Build builds a snapshot from the files in dir, which holds ManifestFile
// and the files it names (the repo's data/sources). BuiltAt is set to
// builtAt; everything else depends only on the files, so a rebuild from
// the same files yields the same Version.
//
// The trade.gov CSL is the backbone: every one of its entries is kept, with
// its license requirement and policy verbatim. The other files complete it
// (the eCFR Entity List parse adds addresses and dated citations to EL
// entries) or add lists the CSL lacks. See docs/snapshot.md for the rules.
func Build(dir fs.FS, builtAt time.Time) (*Snapshot, *Report, error) {
	specs, err := readManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	b := &builder{dir: dir, report: &Report{}}
	for _, spec := range specs {
		step, ok := steps[spec.ID]
		if !ok {
			return nil, nil, fmt.Errorf("snapshot: %s: source %q: no build step for this id", ManifestFile, spec.ID)
		}
		src := spec.Source
		if err := b.withFile(spec, &src, step); err != nil {
			return nil, nil, err
		}
		b.sources = append(b.sources, src)
	}
	if err := b.checkSidesUsed(); err != nil {
		return nil, nil, err
	}
	for i := range b.entities {
		inferType(&b.entities[i])
	}
	lists.AssignUniqueIDs(b.entities)

	s := &Snapshot{BuiltAt: builtAt.UTC().Truncate(time.Second), Sources: b.sources, Entities: b.entities}
	if s.Version, err = ContentVersion(s.Sources, s.Entities); err != nil {
		return nil, nil, err
	}
	if err := s.Check(); err != nil {
		return nil, nil, err
	}
	counts := s.Counts()
	var parts []string
	for _, c := range sortedCodes(counts) {
		parts = append(parts, fmt.Sprintf("%s %d", c, counts[c]))
	}
	b.report.printf("snapshot %s: %d entities (%s)", s.Version, len(s.Entities), strings.Join(parts, ", "))
	return s, b.report, nil
}

// builder carries the state of one build.
type builder struct {
	dir      fs.FS
	report   *Report
	sources  []Source
	entities []clearance.Entity
	side     map[string][]byte // OFAC side files awaiting their main file

	// CSL DPL rows the official DPL file does not name (index -> the remark
	// saying so), and that file's as-of date: the legacy DPL step dates them.
	dplAbsent map[int]string
	dplAsOf   string
}

// step reads one source file into the builder, filling src.Count.
type step func(b *builder, r io.Reader, src *Source) error

// steps maps a manifest source id to the code that reads and merges it.
// Sources run in manifest order; one that enriches a list must come after
// one that provides it (readManifest checks).
var steps = map[string]step{
	"csl":             (*builder).addCSL,
	"bis-entity-list": (*builder).enrichEntityList,
	"bis-dpl":         (*builder).mergeDPL,
	"un-sc":           (*builder).addUN,
	"bis-meu":         (*builder).enrichMEU,
	"bis-mieu":        (*builder).addMIEU,
	// OFAC: side files first, then the main file that joins them.
	"ofac-sdn-add":        (*builder).keepSideFile,
	"ofac-sdn-alt":        (*builder).keepSideFile,
	"ofac-sdn-comments":   (*builder).keepSideFile,
	"ofac-sdn":            (*builder).mergeOFACSDN,
	"ofac-cons-add":       (*builder).keepSideFile,
	"ofac-cons-alt":       (*builder).keepSideFile,
	"ofac-cons-comments":  (*builder).keepSideFile,
	"ofac-cons":           (*builder).mergeOFACNonSDN,
	"ddtc-statutory":      (*builder).mergeDTC,
	"ddtc-administrative": (*builder).mergeDTC,
	"csl-2022":            (*builder).fillFromCSL2022,
	"bis-dpl-2023":        (*builder).dateFromLegacyDPL,
}

// readManifest loads the sources manifest.
func readManifest(dir fs.FS) ([]sourceSpec, error) {
	data, err := fs.ReadFile(dir, ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var specs []sourceSpec
	if err := json.Unmarshal(data, &specs); err != nil {
		return nil, fmt.Errorf("snapshot: %s: %w", ManifestFile, err)
	}
	for i, s := range specs {
		if s.ID == "" || s.Path == "" || s.File == "" || s.AsOf == "" || s.URL == "" {
			return nil, fmt.Errorf("snapshot: %s: source %d: id, path, file, url and as_of are required", ManifestFile, i)
		}
		if _, err := time.Parse("2006-01-02", s.AsOf); err != nil {
			return nil, fmt.Errorf("snapshot: %s: source %q: field %q: %w", ManifestFile, s.ID, "as_of", err)
		}
		for _, l := range s.Enriches {
			provided := false
			for _, earlier := range specs[:i] {
				provided = provided || containsList(earlier.Lists, l)
			}
			if !provided {
				return nil, fmt.Errorf("snapshot: %s: source %q enriches %s, but no earlier source provides it", ManifestFile, s.ID, l)
			}
		}
	}
	return specs, nil
}

// withFile opens spec's file (gunzipping a .gz), runs step on it and
// records the SHA-256 of the uncompressed bytes: those of the file as
// obtained, so that anyone can check a copy against the snapshot.
func (b *builder) withFile(spec sourceSpec, src *Source, run step) error {
	f, err := b.dir.Open(spec.Path)
	if err != nil {
		return fmt.Errorf("snapshot: source %q: %w", spec.ID, err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(spec.Path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("snapshot: source %q: %s: %w", spec.ID, spec.Path, err)
		}
		r = zr
	}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	if err := run(b, tee, src); err != nil {
		return fmt.Errorf("snapshot: source %q: %s: %w", spec.ID, spec.Path, err)
	}
	// Readers may stop at the end of the data, before trailing bytes.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return fmt.Errorf("snapshot: source %q: %s: %w", spec.ID, spec.Path, err)
	}
	src.SHA256 = hexSum(h)
	return nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// addCSL adds every entry of the compact trade.gov CSL. Their ids come
// from the CSL row alone (csl.Record.Entity: list, OFAC entity number,
// first address's country, name), so enrichment from other files never
// changes an id.
func (b *builder) addCSL(r io.Reader, src *Source) error {
	info, err := csl.ReadCompact(r, func(e clearance.Entity) error {
		b.entities = append(b.entities, e)
		return nil
	})
	if err != nil {
		return err
	}
	src.Count = info.Entries
	b.report.printf("csl: %d entries (trade.gov file generated %s)", info.Entries, info.SourceGeneratedAt)
	return nil
}

// enrichEntityList completes the CSL's Entity List rows with the eCFR
// Supplement No. 4 parse: street addresses, dated Federal Register
// citations and the listing date (the earliest dated citation). A CSL row
// is matched to a parse entry by a cascade of strategies (enrichFromParse;
// docs/snapshot.md lists them); rows that match nothing keep the CSL data.
// Parse entries that match no CSL row are not added: the CSL is the newer
// file, and an entry it lacks was most likely removed or renamed since.
func (b *builder) enrichEntityList(r io.Reader, src *Source) error {
	var parsed []clearance.Entity
	info, err := bisel.Read(r, func(e clearance.Entity) error { parsed = append(parsed, e); return nil })
	if err != nil {
		return err
	}
	src.Count = info.Entries
	b.enrichFromParse(clearance.EL, src.ID, info, parsed)
	return nil
}

// enrichFromParse merges parse entries of an eCFR supplement (Entity List
// or MEU List, same shape) into the CSL rows of list.
func (b *builder) enrichFromParse(list clearance.ListCode, id string, info bisel.Info, parsed []clearance.Entity) {
	byName := map[string][]int{}  // normalised name|country -> parse entries
	byAlias := map[string][]int{} // normalised alias|country -> parse entries
	anyCountry := map[string][]int{}
	for i, p := range parsed {
		names := parseNames(p.Name)
		for _, c := range p.Countries {
			for _, n := range names {
				byName[nameKey(n, c)] = append(byName[nameKey(n, c)], i)
			}
			for _, a := range p.Aliases {
				for _, n := range parseNames(a) {
					byAlias[nameKey(n, c)] = append(byAlias[nameKey(n, c)], i)
				}
			}
		}
		for _, n := range names {
			anyCountry[nameKey(n, "")] = append(anyCountry[nameKey(n, "")], i)
		}
	}
	used := make([]int, len(parsed)) // how many CSL rows each parse entry enriched
	// Matching strategies, tried in order; the first that finds candidates wins.
	// A datesOnly strategy finds the entry the row is listed under rather
	// than the row's own: only its citations and listing date are taken (a
	// subordinate is listed no earlier than in that entry), not its
	// addresses, which may be another body's.
	strategies := []struct {
		name      string
		datesOnly bool
		find      func(e *clearance.Entity, countries []string) []int
	}{
		{"name+country", false, func(e *clearance.Entity, cc []string) []int {
			var out []int
			for _, n := range nameVariants(e.Name) {
				out = append(out, candidates(byName, cc, n)...)
			}
			return out
		}},
		{"alias+country", false, func(e *clearance.Entity, cc []string) []int {
			out := candidates(byAlias, cc, e.Name)
			for _, a := range e.Aliases {
				out = append(out, candidates(byName, cc, a)...)
			}
			return out
		}},
		// No country in common (or none given): the name alone, when
		// exactly one parse entry bears it.
		{"unique name", false, func(e *clearance.Entity, cc []string) []int {
			if c := anyCountry[nameKey(e.Name, "")]; len(c) == 1 {
				return c
			}
			return nil
		}},
		// The CSL cuts some names short ("… Technology Co." for "…
		// Technology Co., Ltd."): a name of three or more words that begins
		// exactly one parse name in the same country.
		{"name prefix", false, func(e *clearance.Entity, cc []string) []int {
			toks := lists.NameTokens(e.Name)
			if len(toks) < 3 {
				return nil
			}
			prefix := strings.Join(toks, " ") + " "
			var out []int
			for i, p := range parsed {
				if sharesCountry(p.Countries, cc) && strings.HasPrefix(lists.NormalizeName(p.Name)+" ", prefix) {
					out = append(out, i)
				}
			}
			if len(out) != 1 {
				return nil
			}
			return out
		}},
		// The CSL writes a subordinate as "Parent. Subordinate Institution -
		// Child"; the eCFR lists it inside the parent's entry.
		{"parent entry", true, func(e *clearance.Entity, cc []string) []int {
			parent := parentName(e.Name)
			if parent == "" {
				return nil
			}
			var out []int
			for _, n := range nameVariants(parent) {
				out = append(out, candidates(byName, cc, n)...)
			}
			return out
		}},
		// The CSL appends to some names what the eCFR keeps apart: a body
		// and its unit ("Tactical Missile Corporation, 711 Aircraft Repair
		// Plant"), a name and its city ("Xi'an Huawei Technologies Co., Ltd.,
		// Xi'an, Shaanxi"). A parse name of three or more words that begins
		// the CSL name, for exactly one parse entry in the same country.
		{"parse-name prefix", true, func(e *clearance.Entity, cc []string) []int {
			name := lists.NormalizeName(e.Name) + " "
			var out []int
			for i, p := range parsed {
				pn := lists.NormalizeName(p.Name)
				if len(strings.Fields(pn)) >= 3 && sharesCountry(p.Countries, cc) && strings.HasPrefix(name, pn+" ") {
					out = append(out, i)
				}
			}
			if len(out) != 1 {
				return nil
			}
			return out
		}},
	}
	counts := make([]int, len(strategies))
	var rows int
	var unmatched []string
	for i := range b.entities {
		e := &b.entities[i]
		if e.List != list {
			continue
		}
		rows++
		countries := elCountries(e.Countries)
		var cand []int
		si := 0
		for ; si < len(strategies); si++ {
			if cand = strategies[si].find(e, countries); len(cand) > 0 {
				counts[si]++
				break
			}
		}
		if len(cand) == 0 {
			unmatched = append(unmatched, e.Name)
			continue
		}
		// Several parse entries can share a name and country (one institute
		// listed under several addresses): pair them one to one, in order.
		best := cand[0]
		for _, c := range cand {
			if used[c] < used[best] {
				best = c
			}
		}
		used[best]++
		if strategies[si].datesOnly {
			mergeCitations(e, &parsed[best])
		} else {
			mergeEntityList(e, &parsed[best])
		}
	}
	unused := 0
	for _, n := range used {
		if n == 0 {
			unused++
		}
	}
	var how []string
	total := 0
	for si, n := range counts {
		name := strategies[si].name
		if strategies[si].datesOnly {
			name += " (citations and date only)"
		}
		how = append(how, fmt.Sprintf("%d by %s", n, name))
		total += n
	}
	b.report.printf("%s: %d parse entries (eCFR %s); %d of %d CSL %s rows enriched (%s), %d not matched; %d parse entries matched no CSL row",
		id, info.Entries, info.Extracted, total, rows, list, strings.Join(how, ", "), len(unmatched), unused)
	sort.Strings(unmatched)
	for i, n := range unmatched {
		if i == 10 {
			b.report.printf("  … and %d more", len(unmatched)-10)
			break
		}
		b.report.printf("  not matched: %s", n)
	}
}

// mergeEntityList adds what the eCFR parse p knows to the CSL row e.
func mergeEntityList(e, p *clearance.Entity) {
	// The CSL's regional "addresses" (bare region names) stay after the
	// parse's street addresses.
	e.Addresses = append(append([]clearance.Address(nil), p.Addresses...), e.Addresses...)
	for _, c := range p.Countries {
		if !containsString(e.Countries, c) {
			e.Countries = append(e.Countries, c)
		}
	}
	have := map[string]bool{lists.NormalizeName(e.Name): true}
	for _, a := range e.Aliases {
		have[lists.NormalizeName(a)] = true
	}
	for _, a := range p.Aliases {
		if k := lists.NormalizeName(a); !have[k] {
			have[k] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	mergeCitations(e, p)
	if e.LicenseRequirement == "" {
		e.LicenseRequirement = p.LicenseRequirement
	}
	if e.Remarks == "" {
		e.Remarks = p.Remarks
	}
}

// mergeCitations puts the parse's dated citations first, keeps the CSL's
// (often the first page of the rule rather than of the entry) when they
// cite another page, and takes the listing date from the parse alone: the
// CSL's undated cites of the same rules would otherwise blur it to a year.
func mergeCitations(e, p *clearance.Entity) {
	cites := append([]clearance.Citation(nil), p.Citations...)
	for _, c := range e.Citations {
		if !containsCite(cites, c) {
			cites = append(cites, c)
		}
	}
	e.Citations = cites
	e.ListedOn = p.ListedOn
}

// parentMarkers separate a parent's name from a subordinate's in the CSL.
var parentMarkers = []string{". Subordinate Institution - ", ". Affiliated Entity: ", ", and subordinate entity "}

// parentName returns the parent part of a CSL subordinate's name, or "".
func parentName(name string) string {
	for _, m := range parentMarkers {
		if i := strings.Index(name, m); i > 0 {
			return name[:i]
		}
	}
	return ""
}

// nameVariants returns name and, when it ends in a parenthesised acronym
// ("Huawei Technologies Co., Ltd. (Huawei)") or carries an alias
// ("Chitron Electronics Company Ltd., a.k.a. Chi-Chung …"), the name
// without it.
func nameVariants(name string) []string {
	out := []string{name}
	if strings.HasSuffix(name, ")") {
		if i := strings.LastIndex(name, " ("); i > 0 {
			out = append(out, name[:i])
		}
	}
	for _, m := range []string{", a.k.a. ", " a.k.a. ", ", f.k.a. "} {
		if i := strings.Index(name, m); i > 0 {
			out = append(out, strings.TrimSpace(name[:i]))
		}
	}
	return out
}

func candidates(index map[string][]int, countries []string, name string) []int {
	var out []int
	for _, c := range countries {
		out = append(out, index[nameKey(name, c)]...)
	}
	return out
}

// elCountries adds China to Hong Kong and Macau: since 85 FR 83765 (2020)
// the Entity List lists Hong Kong addresses under China, while the CSL
// still writes HK.
func elCountries(countries []string) []string {
	out := countries
	for _, c := range countries {
		if (c == "HK" || c == "MO") && !containsString(out, "CN") {
			out = append(append([]string(nil), out...), "CN")
		}
	}
	return out
}

// parseNames returns the name as parsed and, when the parse left a
// trailing "(a.k.a. …" or "(f.k.a., …" in it, the name before that.
func parseNames(name string) []string {
	out := []string{name}
	if i := strings.Index(name, " ("); i > 0 {
		rest := strings.ToLower(name[i+2:])
		if strings.HasPrefix(rest, "a.k.a") || strings.HasPrefix(rest, "f.k.a") || strings.HasPrefix(rest, "d.b.a") || !strings.Contains(rest, ")") {
			out = append(out, strings.TrimSpace(name[:i]))
		}
	}
	return out
}

func nameKey(name, country string) string { return lists.NormalizeName(name) + "|" + country }

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsCite(cites []clearance.Citation, c clearance.Citation) bool {
	for _, x := range cites {
		if (c.Cite != "" && x.Cite == c.Cite) || x.Text == c.Text {
			return true
		}
	}
	return false
}

// inferType fills an Unknown type from the name (lists.InferType). The DPL
// and the ITAR debarred list name only persons and firms, so there a name
// without an organization word is a person.
func inferType(e *clearance.Entity) {
	if e.Type != clearance.Unknown && e.Type != "" {
		return
	}
	var hints []lists.Hint
	if e.List == clearance.DPL || e.List == clearance.DTC {
		hints = append(hints, lists.PeopleUnlessOrganization)
	}
	if t := lists.InferType(e.Name, hints...); t != clearance.Unknown {
		e.Type, e.TypeInferred = t, true
	} else {
		e.Type = clearance.Unknown
	}
}
