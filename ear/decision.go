package ear

// Outcome is what a determination, or one reason within it, requires.
type Outcome string

// Outcomes, from most to least severe. A Decision's outcome is the most
// severe outcome among its reasons. Info reasons explain but never change
// the decision (e.g. a CMIC hit, an Entity List entry not yet in force).
const (
	Prohibited      Outcome = "PROHIBITED"       // no transaction (e.g. denial order, GP4)
	LicenseRequired Outcome = "LICENSE_REQUIRED" // apply to BIS (a listed exception may still apply)
	Review          Outcome = "REVIEW"           // a human must act before shipping
	NLR             Outcome = "NLR"              // no license required
	Info            Outcome = "INFO"             // explanation only
)

func (o Outcome) severity() int {
	switch o {
	case Prohibited:
		return 4
	case LicenseRequired:
		return 3
	case Review:
		return 2
	case NLR:
		return 1
	}
	return 0
}

// Decision answers a Request. Its JSON is the batch contract's output line.
type Decision struct {
	ID       string  `json:"id"`
	Decision Outcome `json:"decision"`
	// LicenseRequired is true when any reason requires a license or
	// prohibits the transaction; a REVIEW alone leaves it false.
	LicenseRequired bool     `json:"license_required"`
	Reasons         []Reason `json:"reasons"`
	Date            string   `json:"date"` // the date the rules were applied for
}

// Reason is one requirement (or explanation) found, with its evidence.
type Reason struct {
	Rule    string   `json:"rule"` // stable rule id, e.g. "entity-list", "chart"
	Title   string   `json:"title"`
	Outcome Outcome  `json:"outcome"`
	Item    string   `json:"item,omitempty"`  // the ECCN the reason is about
	Party   string   `json:"party,omitempty"` // the party name as given
	Detail  string   `json:"detail"`          // one readable sentence
	Cite    Citation `json:"citation"`
	// Evidence is what the rule matched: chart cells, the list entry verbatim.
	Evidence          Evidence           `json:"evidence"`
	ReviewPolicy      string             `json:"review_policy,omitempty"`
	LicenseExceptions *LicenseExceptions `json:"license_exceptions,omitempty"`
}

// Citation is where a rule comes from.
type Citation struct {
	CFR  []string `json:"cfr"`            // e.g. "15 CFR 744.11(a)"
	FR   []string `json:"fr,omitempty"`   // Federal Register notices, e.g. "84 FR 54002 (2019-10-09)"
	Data string   `json:"data,omitempty"` // the table version read, e.g. "… eCFR 2026-07-23"
}

// Evidence is the data a reason rests on. Only the fields relevant to the
// rule are set.
type Evidence struct {
	Destination       string       `json:"destination,omitempty"` // the chart row used, e.g. "China (CN)"
	ChartHits         []string     `json:"chart_hits,omitempty"`  // columns with an X, e.g. ["NS2"]
	ChartMisses       []string     `json:"chart_misses,omitempty"`
	ReasonsForControl string       `json:"reasons_for_control,omitempty"`
	ControlScope      string       `json:"control_scope,omitempty"`
	Requirement       string       `json:"requirement,omitempty"` // the CCL/chart text that applies
	Footnotes         []string     `json:"footnotes,omitempty"`
	Entry             *ListEntry   `json:"list_entry,omitempty"`
	Owners            []OwnerShare `json:"owners,omitempty"`
	Note              string       `json:"note,omitempty"`
}

// ListEntry is the restricted-party list entry a party matched, verbatim.
type ListEntry struct {
	List               string   `json:"list"`
	EntityID           string   `json:"entity_id,omitempty"`
	Name               string   `json:"name"`
	MatchedName        string   `json:"matched_name"`
	Score              float64  `json:"score"`
	MatchWhy           string   `json:"match_why,omitempty"` // the matcher's one-line explanation
	Countries          []string `json:"countries,omitempty"`
	LicenseRequirement string   `json:"license_requirement,omitempty"`
	LicensePolicy      string   `json:"license_policy,omitempty"`
	Citations          []string `json:"citations,omitempty"`
	ListedOn           string   `json:"listed_on,omitempty"`
	Programs           []string `json:"programs,omitempty"`
}

// OwnerShare is one listed owner found for the Affiliates rule.
type OwnerShare struct {
	Name    string     `json:"name"`
	Percent *float64   `json:"percent,omitempty"`
	Entry   *ListEntry `json:"list_entry,omitempty"`
}

// LicenseExceptions says which Part 740 exceptions may overcome a
// requirement and which are excluded, and why.
type LicenseExceptions struct {
	Excluded   bool                 `json:"excluded"` // none may be used
	Why        string               `json:"why,omitempty"`
	Candidates []ExceptionCandidate `json:"candidates,omitempty"`
	NotUsable  []ExceptionCandidate `json:"not_usable,omitempty"`
}

// ExceptionCandidate is one license exception considered.
type ExceptionCandidate struct {
	Symbol  string `json:"symbol"`
	Section string `json:"section"`
	Why     string `json:"why"`
}
