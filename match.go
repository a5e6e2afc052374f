package clearance

// Match is one listed entity that a screened name matched.
type Match struct {
	Entity      *Entity      `json:"-"`
	EntityID    string       `json:"entity_id"`
	List        ListCode     `json:"list"`
	Name        string       `json:"name"`         // the entity's primary name exactly as listed
	MatchedName string       `json:"matched_name"` // the name or alias that matched, as listed
	Alias       bool         `json:"alias"`        // MatchedName is an alias, not the primary name
	Score       float64      `json:"score"`        // 0..1; 1.0 is an exact match of a listed name
	Explanation *Explanation `json:"explanation,omitempty"`
}

// Explanation says why a name matched: a score is a sum of named features
// (token alignments and adjustments), so the explanation is the score's own
// structure, not a story told afterwards.
type Explanation struct {
	Query      string           `json:"query"`      // the query as normalised (transliterated, folded)
	Listed     string           `json:"listed"`     // the matched listed name as normalised
	Alignments []TokenAlignment `json:"alignments"` // query word ↔ listed word pairs, and unpaired words
	Ignored    []IgnoredToken   `json:"ignored,omitempty"`
	Adjust     []Adjustment     `json:"adjustments,omitempty"`
	NameScore  float64          `json:"name_score"` // score from the names alone, before adjustments
	Summary    string           `json:"summary"`    // one line for an analyst
}

// TokenAlignment pairs one query token with one listed token. Either side may
// be empty for a word that found no partner.
type TokenAlignment struct {
	Query        string  `json:"query,omitempty"`
	Listed       string  `json:"listed,omitempty"`
	Kind         string  `json:"kind"`       // exact, typo, phonetic, joined, initial, abbreviation, transliteration, nickname, acronym, series, legal_form, unmatched
	Similarity   float64 `json:"similarity"` // 0..1
	Weight       float64 `json:"weight"`     // rarity weight (IDF-like) of the token
	Contribution float64 `json:"contribution"`
}

// IgnoredToken is a word that did not count as name content, and why
// (legal form, stop word, noise).
type IgnoredToken struct {
	Token  string `json:"token"`
	Reason string `json:"reason"`
}

// Adjustment is a change to the name score from evidence other than the name
// (entity type, country).
type Adjustment struct {
	Feature string  `json:"feature"`
	Delta   float64 `json:"delta"`
	Reason  string  `json:"reason"`
}
