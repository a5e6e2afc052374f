package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
)

// Limits on one screening request. They keep one request's cost bounded;
// larger jobs are what batches are for.
const (
	MaxParties    = 1000 // parties in one POST /v1/screen
	MaxNameBytes  = 1000 // bytes of one name
	MaxMatches    = 100  // matches returned per party
	DefaultLimit  = 10   // matches per party when Limit is 0
	maxRefBytes   = 200
	decisionHit   = "hit"
	decisionClear = "clear"
)

// Party is one party to screen.
type Party struct {
	ID      string `json:"id,omitempty"`      // the caller's id, echoed back
	Name    string `json:"name"`              // required
	Type    string `json:"type,omitempty"`    // person, organization (entity), vessel, aircraft
	Country string `json:"country,omitempty"` // ISO-2 evidence
}

// ScreenRequest asks to screen one party (Name, Type, Country) or a list
// of them (Parties) — exactly one of the two forms.
type ScreenRequest struct {
	Name    string  `json:"name,omitempty"`
	Type    string  `json:"type,omitempty"`
	Country string  `json:"country,omitempty"`
	Parties []Party `json:"parties,omitempty"`

	Lists     []string `json:"lists,omitempty"`     // list codes ("EL", "SDN", "NS-MBS"); empty means all
	Threshold float64  `json:"threshold,omitempty"` // 0 means the matcher's calibrated default
	Limit     int      `json:"limit,omitempty"`     // matches per party; 0 means 10, at most 100
	AsOf      string   `json:"as_of,omitempty"`     // YYYY-MM-DD: screen against the entries listed on that date
	Explain   *bool    `json:"explain,omitempty"`   // include explanations (default true)
	Reference string   `json:"reference,omitempty"` // the client's order or document number, for the audit trail
}

// PartyResult is the screening result of one party.
type PartyResult struct {
	Party    Party             `json:"party"`
	Decision string            `json:"decision"` // hit or clear
	Matches  []clearance.Match `json:"matches"`
}

// ScreenResponse is the answer to a screening.
type ScreenResponse struct {
	Decision   string        `json:"decision"` // hit when any party matched, else clear
	Reference  string        `json:"reference,omitempty"`
	Snapshot   string        `json:"snapshot"`
	ScreenedAt time.Time     `json:"screened_at"`
	Threshold  float64       `json:"threshold"`
	Results    []PartyResult `json:"results"`
	Audit      AuditRef      `json:"audit"`
}

// screenQuery is a validated screening: the parties and the match options.
type screenQuery struct {
	parties []Party
	types   []clearance.EntityType
	base    match.Query
}

// validate checks req and turns it into match queries. Errors name the
// field ("parties[3].name").
func (req *ScreenRequest) validate() (screenQuery, error) {
	var q screenQuery
	single := req.Name != "" || req.Type != "" || req.Country != ""
	switch {
	case single && len(req.Parties) > 0:
		return q, invalidf("give either \"name\" (one party) or \"parties\" (a list), not both")
	case single:
		q.parties = []Party{{Name: req.Name, Type: req.Type, Country: req.Country}}
	case len(req.Parties) > 0:
		q.parties = req.Parties
	default:
		return q, invalidf("field \"name\" is required (or \"parties\", a list of {\"name\": …})")
	}
	if len(q.parties) > MaxParties {
		return q, invalidf("field \"parties\": %d parties, at most %d per request (use a batch for more)", len(q.parties), MaxParties)
	}
	q.types = make([]clearance.EntityType, len(q.parties))
	for i := range q.parties {
		p := &q.parties[i]
		field := "" // prefix naming the party in errors
		if !single {
			field = fmt.Sprintf("parties[%d].", i)
		}
		p.Name = strings.TrimSpace(p.Name)
		if p.Name == "" {
			return q, invalidf("field %q is required and must not be blank", field+"name")
		}
		if len(p.Name) > MaxNameBytes {
			return q, invalidf("field %q: longer than %d bytes", field+"name", MaxNameBytes)
		}
		if !utf8.ValidString(p.Name) || !utf8.ValidString(p.ID) {
			return q, invalidf("field %q: not valid UTF-8", field+"name")
		}
		if hasControl(p.Name) || hasControl(p.ID) {
			return q, invalidf("field %q: contains a control character", field+"name")
		}
		t, err := clearance.ParseEntityType(p.Type)
		if err != nil {
			return q, invalidf("field %q: %v", field+"type", err)
		}
		q.types[i] = t
		c, err := parseCountry(p.Country)
		if err != nil {
			return q, invalidf("field %q: %v", field+"country", err)
		}
		p.Country = c
	}
	lists, err := parseLists(req.Lists)
	if err != nil {
		return q, invalidf("field \"lists\": %v", err)
	}
	if req.Threshold < 0 || req.Threshold > 1 {
		return q, invalidf("field \"threshold\": %v is outside 0..1", req.Threshold)
	}
	if req.Limit < 0 || req.Limit > MaxMatches {
		return q, invalidf("field \"limit\": %d is outside 0..%d", req.Limit, MaxMatches)
	}
	if req.AsOf != "" {
		if _, err := time.Parse("2006-01-02", req.AsOf); err != nil {
			return q, invalidf("field \"as_of\": %q is not a date YYYY-MM-DD", req.AsOf)
		}
	}
	if len(req.Reference) > maxRefBytes || !utf8.ValidString(req.Reference) || hasControl(req.Reference) {
		return q, invalidf("field \"reference\": must be valid UTF-8 of at most %d bytes", maxRefBytes)
	}
	q.base = match.Query{
		Lists:     lists,
		Threshold: req.Threshold,
		Limit:     req.Limit,
		AsOf:      req.AsOf,
		Explain:   req.Explain == nil || *req.Explain,
	}
	if q.base.Threshold == 0 {
		q.base.Threshold = match.DefaultThreshold
	}
	if q.base.Limit == 0 {
		q.base.Limit = DefaultLimit
	}
	return q, nil
}

// Screen screens the parties of req against the loaded lists (analyst or
// admin) and records the screening in the audit trail before it returns.
func (s *Service) Screen(ctx context.Context, a Actor, req ScreenRequest) (ScreenResponse, error) {
	if err := a.allow(store.RoleAnalyst); err != nil {
		return ScreenResponse{}, err
	}
	q, err := req.validate()
	if err != nil {
		return ScreenResponse{}, err
	}
	resp := ScreenResponse{
		Decision:   decisionClear,
		Reference:  req.Reference,
		Snapshot:   s.snapshot.Version,
		ScreenedAt: s.now().UTC(),
		Threshold:  q.base.Threshold,
		Results:    make([]PartyResult, len(q.parties)),
	}
	names := make([]string, len(q.parties))
	var countries []string
	for i, p := range q.parties {
		mq := q.base
		mq.Name, mq.Type, mq.Country = p.Name, q.types[i], p.Country
		ms := s.index.Search(mq)
		if ms == nil {
			ms = []clearance.Match{}
		}
		r := PartyResult{Party: p, Decision: decisionClear, Matches: ms}
		if len(ms) > 0 {
			r.Decision, resp.Decision = decisionHit, decisionHit
		}
		resp.Results[i] = r
		names[i] = p.Name
		if p.Country != "" {
			countries = append(countries, p.Country)
		}
	}
	auditReq, err := appendAuditRequest(make([]byte, 0, 128+64*len(q.parties)), &q, req.Reference)
	if err != nil {
		return ScreenResponse{}, fmt.Errorf("audit: encode request: %w", err)
	}
	auditRes, err := appendAuditResults(make([]byte, 0, 64+256*len(q.parties)), resp.Results)
	if err != nil {
		return ScreenResponse{}, fmt.Errorf("audit: encode result: %w", err)
	}
	resp.Audit, err = s.audit(ctx, a, store.KindScreen, req.Reference, names, clearance.SortStrings(countries),
		resp.Decision, json.RawMessage(auditReq), json.RawMessage(auditRes))
	if err != nil {
		return ScreenResponse{}, err
	}
	return resp, nil
}

// auditRequest is the validated request as recorded: what was asked, with
// the defaults filled in, so the record is complete without the code.
// It defines the record's shape; appendAuditRequest (encode.go) writes the
// same bytes without reflection, and encode_test.go holds them equal.
func (q screenQuery) auditRequest(ref string) any {
	return struct {
		Parties   []Party              `json:"parties"`
		Lists     []clearance.ListCode `json:"lists,omitempty"`
		Threshold float64              `json:"threshold"`
		Limit     int                  `json:"limit"`
		AsOf      string               `json:"as_of,omitempty"`
		Reference string               `json:"reference,omitempty"`
	}{q.parties, q.base.Lists, q.base.Threshold, q.base.Limit, q.base.AsOf, ref}
}

// auditMatch is a match as the audit trail keeps it: without the
// explanation, which the snapshot version and the inputs reproduce.
type auditMatch struct {
	EntityID    string             `json:"entity_id"`
	List        clearance.ListCode `json:"list"`
	Name        string             `json:"name"`
	MatchedName string             `json:"matched_name"`
	Score       float64            `json:"score"`
}

type auditParty struct {
	Decision string       `json:"decision"`
	Matches  []auditMatch `json:"matches"`
}

// auditMatches is the recorded result of a screening. Like auditRequest,
// it defines the shape that appendAuditResults writes.
func auditMatches(rs []PartyResult) []auditParty {
	out := make([]auditParty, len(rs))
	for i, r := range rs {
		out[i] = auditParty{Decision: r.Decision, Matches: toAuditMatches(r.Matches)}
	}
	return out
}

func toAuditMatches(ms []clearance.Match) []auditMatch {
	out := make([]auditMatch, len(ms))
	for i, m := range ms {
		out[i] = auditMatch{m.EntityID, m.List, m.Name, m.MatchedName, round4(m.Score)}
	}
	return out
}

func round4(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }

// SearchRequest is a quick name search.
type SearchRequest struct {
	Name      string
	Type      string
	Country   string
	Lists     []string
	Threshold float64
	Limit     int
	Reference string
	Explain   bool
	AsOf      string // YYYY-MM-DD: only entries listed on that date
}

// SearchResponse is the answer to a quick search.
type SearchResponse struct {
	Name     string            `json:"name"`
	Snapshot string            `json:"snapshot"`
	Decision string            `json:"decision"`
	Matches  []clearance.Match `json:"matches"`
	Audit    AuditRef          `json:"audit"`
}

// Search looks a name up in the lists (any role). It is a screening too,
// so it is audited like one.
func (s *Service) Search(ctx context.Context, a Actor, req SearchRequest) (SearchResponse, error) {
	if err := a.allow(store.RoleViewer); err != nil {
		return SearchResponse{}, err
	}
	explain := req.Explain
	sr := ScreenRequest{Name: req.Name, Type: req.Type, Country: req.Country, Lists: req.Lists,
		Threshold: req.Threshold, Limit: req.Limit, Reference: req.Reference, Explain: &explain, AsOf: req.AsOf}
	q, err := sr.validate()
	if err != nil {
		return SearchResponse{}, err
	}
	mq := q.base
	mq.Name, mq.Type, mq.Country = q.parties[0].Name, q.types[0], q.parties[0].Country
	ms := s.index.Search(mq)
	if ms == nil {
		ms = []clearance.Match{}
	}
	resp := SearchResponse{Name: mq.Name, Snapshot: s.snapshot.Version, Decision: decisionClear, Matches: ms}
	if len(ms) > 0 {
		resp.Decision = decisionHit
	}
	var countries []string
	if mq.Country != "" {
		countries = []string{mq.Country}
	}
	auditReq, err := appendAuditRequest(make([]byte, 0, 192), &q, req.Reference)
	if err != nil {
		return SearchResponse{}, fmt.Errorf("audit: encode request: %w", err)
	}
	auditRes, err := appendAuditMatches(make([]byte, 0, 64+256*len(ms)), ms)
	if err != nil {
		return SearchResponse{}, fmt.Errorf("audit: encode result: %w", err)
	}
	resp.Audit, err = s.audit(ctx, a, store.KindSearch, req.Reference, []string{mq.Name}, countries,
		resp.Decision, json.RawMessage(auditReq), json.RawMessage(auditRes))
	if err != nil {
		return SearchResponse{}, err
	}
	return resp, nil
}

// parseLists parses list codes as clients write them ("EL", "sdn",
// "NS-MBS", or the full CSL source string).
func parseLists(in []string) ([]clearance.ListCode, error) {
	var out []clearance.ListCode
	for _, s := range in {
		cs, err := clearance.ParseListCodes(s)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// parseCountry accepts an ISO 3166-1 alpha-2 code in either case.
func parseCountry(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) != 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return "", fmt.Errorf("want an ISO 3166-1 alpha-2 code such as \"CN\", got %q", s)
	}
	return strings.ToUpper(s), nil
}

func isLetter(b byte) bool { return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }

// RecordedSearch is a search performed outside Search (the CSL-compatible
// API) that must be audited the same way.
type RecordedSearch struct {
	Kind      string              // which API: "csl"
	Name      string              // the name searched ("" when only filters were given)
	Countries []string            // country filters
	Reference string              // the client's reference
	Query     map[string][]string // the parameters as sent (no secrets)
	Total     int                 // how many records matched
	Matches   []clearance.Match   // the records returned
}

// RecordSearch audits a search made by another API (any role).
func (s *Service) RecordSearch(ctx context.Context, a Actor, rs RecordedSearch) (AuditRef, error) {
	if err := a.allow(store.RoleViewer); err != nil {
		return AuditRef{}, err
	}
	decision := decisionClear
	if rs.Total > 0 {
		decision = decisionHit
	}
	var parties []string
	if rs.Name != "" {
		parties = []string{rs.Name}
	}
	req := map[string]any{"api": rs.Kind, "query": rs.Query}
	res := map[string]any{"total": rs.Total, "matches": toAuditMatches(rs.Matches)}
	return s.audit(ctx, a, store.KindSearch, rs.Reference, parties, rs.Countries, decision, req, res)
}
