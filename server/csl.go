package server

// Compatibility with the trade.gov Consolidated Screening List search API
// v1 (data.trade.gov/consolidated_screening_list/v1/search and /sources),
// so a client written for it — ITA's own search app, ERP connectors —
// works by changing its base URL and key. Parameters, response keys and
// record fields follow that API; see docs/api.md ("CSL compatibility") for
// what is matched how.

import (
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/match"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// CSL paging limits (the API's own: offset at most 1000, size at most 100).
const (
	cslMaxOffset   = 1000
	cslMaxSize     = 100
	cslDefaultSize = 10
)

// cslRecord is one record as the CSL API returns it. Every field is always
// present: scalars are null when unset, lists are [] (clients index into
// them without checking).
type cslRecord struct {
	ID                     string       `json:"id"`
	Source                 string       `json:"source"`
	EntityNumber           *string      `json:"entity_number"`
	Type                   *string      `json:"type"`
	Programs               []string     `json:"programs"`
	Name                   string       `json:"name"`
	Title                  *string      `json:"title"`
	Addresses              []cslAddress `json:"addresses"`
	FederalRegisterNotice  *string      `json:"federal_register_notice"`
	StartDate              *string      `json:"start_date"`
	EndDate                *string      `json:"end_date"`
	StandardOrder          *string      `json:"standard_order"`
	LicenseRequirement     *string      `json:"license_requirement"`
	LicensePolicy          *string      `json:"license_policy"`
	CallSign               *string      `json:"call_sign"`
	VesselType             *string      `json:"vessel_type"`
	GrossTonnage           *string      `json:"gross_tonnage"`
	GrossRegisteredTonnage *string      `json:"gross_registered_tonnage"`
	VesselFlag             *string      `json:"vessel_flag"`
	VesselOwner            *string      `json:"vessel_owner"`
	Remarks                *string      `json:"remarks"`
	SourceListURL          *string      `json:"source_list_url"`
	AltNames               []string     `json:"alt_names"`
	Citizenships           []string     `json:"citizenships"`
	DatesOfBirth           []string     `json:"dates_of_birth"`
	Nationalities          []string     `json:"nationalities"`
	PlacesOfBirth          []string     `json:"places_of_birth"`
	SourceInformationURL   *string      `json:"source_information_url"`
	IDs                    []cslID      `json:"ids"`
}

type cslAddress struct {
	Address    *string `json:"address"`
	City       *string `json:"city"`
	State      *string `json:"state"`
	PostalCode *string `json:"postal_code"`
	Country    *string `json:"country"`
}

type cslID struct {
	Type           *string `json:"type"`
	Number         *string `json:"number"`
	Country        *string `json:"country"`
	IssueDate      *string `json:"issue_date"`
	ExpirationDate *string `json:"expiration_date"`
}

// cslScored is a record with its fuzzy score; score is omitted when the
// search was not fuzzy, as the CSL API does.
type cslScored struct {
	cslRecord
	Score *int `json:"score,omitempty"`
}

type cslFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type cslSourceUsed struct {
	Source            string  `json:"source"`
	SourceLastUpdated *string `json:"source_last_updated"`
	LastImported      *string `json:"last_imported"`
}

type cslResponse struct {
	Total             int             `json:"total"`
	Sources           []cslFacet      `json:"sources"`
	Results           []cslScored     `json:"results"`
	Offset            int             `json:"offset"`
	SearchPerformedAt string          `json:"search_performed_at"`
	SourcesUsed       []cslSourceUsed `json:"sources_used"`
	SnapshotVersion   string          `json:"snapshot"`
	AuditSeq          int64           `json:"audit_seq"`
}

// cslIndex holds the CSL view of the loaded entities, built once: the
// records ready to encode and the folded text the filters compare.
type cslIndex struct {
	entities    []clearance.Entity
	records     []cslRecord
	nameToks    [][][]string       // per entity, per name (primary first), folded tokens
	postings    map[string][]int32 // folded name token → entities having it in some name, ascending
	addrText    []string           // per entity: folded street, city, state, postal code and country text of every address
	cityText    []string
	stateText   []string
	postalText  []string
	streetText  []string
	byID        map[string]int
	sourcesUsed []cslSourceUsed
}

func newCSLIndex(all []clearance.Entity, snap app.Snapshot) *cslIndex {
	// The CSL view holds the CSL's own sources only: an entry of a list the
	// CSL does not carry (the UN list, § 744.22 MIEU) has no official
	// source string to show, and a CSL client would not expect it.
	es := make([]clearance.Entity, 0, len(all))
	for i := range all {
		if m, ok := all[i].List.Meta(); ok && m.CSLSource != "" {
			es = append(es, all[i])
		}
	}
	x := &cslIndex{
		entities:   es,
		records:    make([]cslRecord, len(es)),
		nameToks:   make([][][]string, len(es)),
		addrText:   make([]string, len(es)),
		cityText:   make([]string, len(es)),
		stateText:  make([]string, len(es)),
		postalText: make([]string, len(es)),
		streetText: make([]string, len(es)),
		byID:       make(map[string]int, len(es)),
		postings:   map[string][]int32{},
	}
	for i := range es {
		e := &es[i]
		x.byID[e.ID] = i
		x.records[i] = toCSLRecord(e)
		names := e.Names()
		x.nameToks[i] = make([][]string, len(names))
		for j, n := range names {
			x.nameToks[i][j] = foldTokens(n)
			for _, tok := range x.nameToks[i][j] {
				if p := x.postings[tok]; len(p) == 0 || p[len(p)-1] != int32(i) {
					x.postings[tok] = append(p, int32(i))
				}
			}
		}
		var all, city, state, postal, street []string
		for _, a := range e.Addresses {
			st := a.Street
			if st == "" {
				st = a.Full
			}
			all = append(all, st, a.City, a.State, a.PostalCode, a.Country)
			street, city, state, postal = append(street, st), append(city, a.City), append(state, a.State), append(postal, a.PostalCode)
		}
		x.addrText[i] = " " + strings.Join(foldTokens(strings.Join(all, " ")), " ") + " "
		x.cityText[i] = " " + strings.Join(foldTokens(strings.Join(city, " ")), " ") + " "
		x.stateText[i] = " " + strings.Join(foldTokens(strings.Join(state, " ")), " ") + " "
		x.postalText[i] = " " + strings.Join(foldTokens(strings.Join(postal, " ")), " ") + " "
		x.streetText[i] = " " + strings.Join(foldTokens(strings.Join(street, " ")), " ") + " "
	}
	for _, src := range snap.Sources {
		m, ok := src.List.Meta()
		if !ok || m.CSLSource == "" {
			continue
		}
		x.sourcesUsed = append(x.sourcesUsed, cslSourceUsed{Source: m.CSLSource, SourceLastUpdated: nullable(src.AsOf), LastImported: nullable(firstNonEmpty(src.Retrieved, snap.Built))})
	}
	if x.sourcesUsed == nil {
		x.sourcesUsed = []cslSourceUsed{}
	}
	return x
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func nullable(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cslType is the CSL's spelling of an entity type; unknown is null.
func cslType(t clearance.EntityType) *string {
	switch t {
	case clearance.Person:
		return nullable("Individual")
	case clearance.Organization:
		return nullable("Entity")
	case clearance.Vessel:
		return nullable("Vessel")
	case clearance.Aircraft:
		return nullable("Aircraft")
	}
	return nil
}

func toCSLRecord(e *clearance.Entity) cslRecord {
	m, _ := e.List.Meta()
	r := cslRecord{
		ID:                   e.ID,
		Source:               m.CSLSource,
		EntityNumber:         nullable(e.SourceID),
		Type:                 cslType(e.Type),
		Programs:             nonNil(e.Programs),
		Name:                 e.Name,
		Title:                nullable(e.Title),
		Addresses:            []cslAddress{},
		StartDate:            nullable(e.ListedOn),
		EndDate:              nullable(e.EndDate),
		StandardOrder:        nullable(e.StandardOrder),
		LicenseRequirement:   nullable(e.LicenseRequirement),
		LicensePolicy:        nullable(e.LicensePolicy),
		Remarks:              nullable(e.Remarks),
		SourceListURL:        nullable(e.SourceURL),
		AltNames:             nonNil(e.Aliases),
		Citizenships:         nonNil(e.Citizenships),
		DatesOfBirth:         nonNil(e.BirthDates),
		Nationalities:        nonNil(e.Nationalities),
		PlacesOfBirth:        nonNil(e.BirthPlaces),
		SourceInformationURL: nullable(e.SourceInfoURL),
		IDs:                  []cslID{},
	}
	if len(e.Citations) > 0 {
		fr := make([]string, len(e.Citations))
		for i, c := range e.Citations {
			fr[i] = c.Text
		}
		r.FederalRegisterNotice = nullable(strings.Join(fr, "; "))
	}
	for _, a := range e.Addresses {
		street := a.Street
		if street == "" && a.City == "" && a.State == "" && a.PostalCode == "" {
			// Only the full text is known: the CSL puts it in "address".
			street = a.Full
		}
		r.Addresses = append(r.Addresses, cslAddress{nullable(street), nullable(a.City), nullable(a.State), nullable(a.PostalCode), nullable(a.Country)})
	}
	if v := e.Vessel; v != nil {
		r.CallSign, r.VesselType, r.VesselFlag, r.VesselOwner = nullable(v.CallSign), nullable(v.Type), nullable(v.Flag), nullable(v.Owner)
		r.GrossTonnage, r.GrossRegisteredTonnage = nullable(v.GrossTonnage), nullable(v.GrossRegisteredTonnage)
	}
	for _, id := range e.IDs {
		r.IDs = append(r.IDs, cslID{Type: nullable(id.Type), Number: nullable(id.Number), Country: nullable(id.Country)})
	}
	return r
}

var folder = cases.Fold()

// foldTokens splits text into case-folded, accent-stripped words, the way
// the CSL API's "asciifolding, lowercase" analyser compares names.
func foldTokens(s string) []string {
	if isASCII(s) {
		return foldASCII(s)
	}
	return foldTokensUnicode(s)
}

func foldTokensUnicode(s string) []string {
	s = norm.NFD.String(folder.String(norm.NFKC.String(s)))
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '.' || r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldASCII is foldTokens for pure-ASCII text (most listed names), without
// the Unicode normalisation passes that dominate start-up time otherwise.
func foldASCII(s string) []string {
	var out []string
	buf := make([]byte, 0, len(s))
	flush := func() {
		if len(buf) > 0 {
			out = append(out, string(buf))
			buf = buf[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' || c == '\'':
		case 'A' <= c && c <= 'Z':
			buf = append(buf, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			buf = append(buf, c)
		default:
			flush()
		}
	}
	flush()
	return out
}

// containsAll reports whether every token of q occurs as a word of text
// (text is " "-framed, as built by newCSLIndex).
func containsAll(text string, q []string) bool {
	for _, t := range q {
		if !strings.Contains(text, " "+t+" ") {
			return false
		}
	}
	return true
}

// cslQuery is a parsed CSL search.
type cslQuery struct {
	name        string
	nameToks    []string
	fuzzy       bool
	lists       map[clearance.ListCode]bool
	types       map[string]bool // CSL type spelling, lower case
	countries   map[string]bool
	fullAddress []string
	address     []string
	city        []string
	state       []string
	postal      []string
	offset      int
	size        int
}

// cslSourceAliases are source codes older CSL clients send that are not
// today's list codes.
var cslSourceAliases = map[string]clearance.ListCode{
	"ISA": clearance.MBS, "NS-ISA": clearance.MBS, "561": clearance.CAP, "PART561": clearance.CAP,
}

func parseCSLQuery(r *http.Request) (cslQuery, error) {
	q, err := newQuery(r)
	if err != nil {
		return cslQuery{}, err
	}
	cq := cslQuery{
		name:   q.str("name"),
		offset: q.integer("offset", 0, 0, cslMaxOffset),
		size:   q.integer("size", cslDefaultSize, 0, cslMaxSize),
	}
	cq.nameToks = foldTokens(cq.name)
	// fuzzy_name: "true" turns fuzzy matching on; empty and "false" leave it off.
	switch v := strings.ToLower(q.str("fuzzy_name")); v {
	case "true", "1":
		cq.fuzzy = true
	case "", "false", "0":
	default:
		q.fail("fuzzy_name", "want true, false or empty, got %q", v)
	}
	for _, s := range q.list("sources") {
		code, ok := cslSourceAliases[strings.ToUpper(s)]
		if !ok {
			c, err := clearance.ListFromCSLSource(s)
			if err != nil {
				q.fail("sources", "unknown source %q (want codes such as EL, SDN, DPL, MEU, UVL, ISN, DTC, SSI, FSE, CAP, CMIC, PLC, MBS)", s)
				continue
			}
			code = c
		}
		if cq.lists == nil {
			cq.lists = map[clearance.ListCode]bool{}
		}
		cq.lists[code] = true
	}
	for _, t := range append(q.list("types"), q.list("type")...) {
		lt := strings.ToLower(t)
		switch lt {
		case "individual", "entity", "vessel", "aircraft":
		default:
			q.fail("types", "unknown type %q (want Individual, Entity, Vessel or Aircraft)", t)
			continue
		}
		if cq.types == nil {
			cq.types = map[string]bool{}
		}
		cq.types[lt] = true
	}
	for _, c := range q.list("countries") {
		if len(c) != 2 || !isASCIILetters(c) {
			q.fail("countries", "%q is not an ISO 3166-1 alpha-2 code", c)
			continue
		}
		if cq.countries == nil {
			cq.countries = map[string]bool{}
		}
		cq.countries[strings.ToUpper(c)] = true
	}
	if fa := q.str("full_address"); fa != "" {
		// full_address searches every address field at once and overrides
		// the four separate ones.
		cq.fullAddress = foldTokens(fa)
	} else {
		cq.address, cq.city = foldTokens(q.str("address")), foldTokens(q.str("city"))
		cq.state, cq.postal = foldTokens(q.str("state")), foldTokens(q.str("postal_code"))
	}
	q.str("subscription-key") // the key may come as a parameter; it is not a filter
	return cq, q.err
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetterByte(s[i]) {
			return false
		}
	}
	return true
}

func isLetterByte(b byte) bool { return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }

// filter reports whether entity i passes every filter except the name.
func (x *cslIndex) filter(i int, q *cslQuery) bool {
	e := &x.entities[i]
	if q.lists != nil && !q.lists[e.List] {
		return false
	}
	if q.types != nil {
		t := x.records[i].Type
		if t == nil || !q.types[strings.ToLower(*t)] {
			return false
		}
	}
	if q.countries != nil {
		ok := false
		for _, c := range e.Countries {
			if q.countries[c] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if q.fullAddress != nil {
		return containsAll(x.addrText[i], q.fullAddress)
	}
	return containsAll(x.streetText[i], q.address) && containsAll(x.cityText[i], q.city) &&
		containsAll(x.stateText[i], q.state) && containsAll(x.postalText[i], q.postal)
}

type cslHit struct {
	i     int
	score int  // fuzzy score 0..100
	exact bool // non-fuzzy: the query is a whole listed name
	alias bool // non-fuzzy: matched an alias, not the primary name
	match clearance.Match
}

// search runs a CSL query over the index.
func (x *cslIndex) search(ix *match.Index, q *cslQuery) []cslHit {
	var hits []cslHit
	switch {
	case q.name != "" && q.fuzzy:
		mq := match.Query{Name: q.name, Limit: -1, Threshold: match.DefaultThreshold}
		for _, m := range ix.Search(mq) {
			i, ok := x.byID[m.EntityID]
			if !ok || !x.filter(i, q) {
				continue
			}
			hits = append(hits, cslHit{i: i, score: int(m.Score*100 + 0.5), match: m})
		}
		sort.SliceStable(hits, func(a, b int) bool { return hits[a].score > hits[b].score })
	case q.name != "":
		if len(q.nameToks) == 0 {
			return nil
		}
		// Not fuzzy: every word of the query must be a word of one listed
		// name or alias (folded), as the CSL's standard analyser matches.
		// Only entities holding the query's rarest word can qualify.
		var candidates []int32
		for k, tok := range q.nameToks {
			p := x.postings[tok]
			if k == 0 || len(p) < len(candidates) {
				candidates = p
			}
		}
		for _, ci := range candidates {
			i := int(ci)
			best := -1
			for j, toks := range x.nameToks[i] {
				if tokensContain(toks, q.nameToks) {
					best = j
					if len(toks) == len(q.nameToks) {
						break
					}
				}
			}
			if best < 0 || !x.filter(i, q) {
				continue
			}
			h := cslHit{i: i, exact: len(x.nameToks[i][best]) == len(q.nameToks), alias: best > 0}
			e := &x.entities[i]
			names := e.Names()
			h.match = clearance.Match{EntityID: e.ID, List: e.List, Name: e.Name, MatchedName: names[best], Alias: best > 0, Score: 1}
			hits = append(hits, h)
		}
		sort.SliceStable(hits, func(a, b int) bool {
			if hits[a].exact != hits[b].exact {
				return hits[a].exact
			}
			return !hits[a].alias && hits[b].alias
		})
	default:
		for i := range x.entities {
			if x.filter(i, q) {
				hits = append(hits, cslHit{i: i})
			}
		}
	}
	return hits
}

func tokensContain(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *Server) cslSearch(w http.ResponseWriter, r *http.Request, a app.Actor) error {
	cq, err := parseCSLQuery(r)
	if err != nil {
		return err
	}
	hits := s.csl.search(s.svc.Index(), &cq)
	resp := cslResponse{
		Total:             len(hits),
		Sources:           []cslFacet{},
		Results:           []cslScored{},
		Offset:            cq.offset,
		SearchPerformedAt: time.Now().UTC().Format(time.RFC3339),
		SourcesUsed:       s.csl.sourcesUsed,
		SnapshotVersion:   s.svc.Snapshot().Version,
	}
	counts := map[string]int{}
	var order []string
	for _, h := range hits {
		src := s.csl.records[h.i].Source
		if counts[src] == 0 {
			order = append(order, src)
		}
		counts[src]++
	}
	sort.Slice(order, func(i, j int) bool {
		if counts[order[i]] != counts[order[j]] {
			return counts[order[i]] > counts[order[j]]
		}
		return order[i] < order[j]
	})
	for _, src := range order {
		resp.Sources = append(resp.Sources, cslFacet{Value: src, Count: counts[src]})
	}
	end := min(cq.offset+cq.size, len(hits))
	var page []cslHit
	if cq.offset < len(hits) {
		page = hits[cq.offset:end]
	}
	for _, h := range page {
		rec := cslScored{cslRecord: s.csl.records[h.i]}
		if cq.fuzzy && cq.name != "" {
			sc := h.score
			rec.Score = &sc
		}
		resp.Results = append(resp.Results, rec)
	}
	// A CSL search is a screening: it is audited like /v1/search, with
	// the page of results the client saw.
	ref, err := reference(r, "")
	if err != nil {
		return err
	}
	ms := make([]clearance.Match, 0, len(page))
	for _, h := range page {
		m := h.match
		if m.EntityID == "" {
			e := &s.csl.entities[h.i]
			m = clearance.Match{EntityID: e.ID, List: e.List, Name: e.Name, MatchedName: e.Name}
		}
		ms = append(ms, m)
	}
	var countries []string
	for c := range cq.countries {
		countries = append(countries, c)
	}
	auditRef, err := s.svc.RecordSearch(r.Context(), a, app.RecordedSearch{
		Kind:      "csl",
		Name:      cq.name,
		Countries: clearance.SortStrings(countries),
		Reference: ref,
		Query:     auditedQuery(r),
		Total:     len(hits),
		Matches:   ms,
	})
	if err != nil {
		return err
	}
	resp.AuditSeq = auditRef.Seq
	decision := "clear"
	if len(hits) > 0 {
		decision = "hit"
	}
	s.metrics.screenings.WithLabelValues("csl_search", decision).Inc()
	return writeJSON(w, http.StatusOK, resp)
}

// cslSources lists the sources the CSL search covers, with their codes,
// counts and dates: the /sources endpoint of the CSL API.
func (s *Server) cslSources(w http.ResponseWriter, r *http.Request, _ app.Actor) error {
	if _, err := newQuery(r); err != nil {
		return err
	}
	type source struct {
		Source            string  `json:"source"`
		Code              string  `json:"code"`
		Count             int     `json:"count"`
		SourceLastUpdated *string `json:"source_last_updated"`
		LastImported      *string `json:"last_imported"`
	}
	snap := s.svc.Snapshot()
	out := []source{}
	for _, src := range snap.Sources {
		m, ok := src.List.Meta()
		if !ok || m.CSLSource == "" {
			continue
		}
		code := string(src.List)
		if src.List == clearance.MBS {
			code = "NS-MBS"
		}
		out = append(out, source{Source: m.CSLSource, Code: code, Count: src.Entries,
			SourceLastUpdated: nullable(src.AsOf), LastImported: nullable(firstNonEmpty(src.Retrieved, snap.Built))})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "results": out, "sources_used": s.csl.sourcesUsed})
}

// auditedQuery is the query string as recorded: everything the client
// sent except a key passed as a parameter.
func auditedQuery(r *http.Request) map[string][]string {
	v := r.URL.Query()
	v.Del("subscription-key")
	return v
}
