// Package match finds listed parties by name: normalisation and
// transliteration, an in-memory index with typo-tolerant candidate
// generation, a token-aligning scorer, and explanations. It is pure
// computation: no I/O beyond its embedded data tables.
package match

import (
	clearance "github.com/clearance-oss/clearance"
)

// DefaultThreshold is the calibrated default score at or above which a
// match is reported. In words: the query covers the listed name's
// distinctive words (by rarity) with at most small spelling differences, and
// adds no distinctive word of its own; generic words, legal forms, place
// names and missing middle names cost little. It was chosen on the
// evaluation sets (match/eval, `clearance eval --curve`) as the lowest
// threshold that keeps false positives at or under 1% of unlisted real
// names and of near-miss company names; docs/matching.md has the curve.
const DefaultThreshold = 0.81

// Query is a name to screen, with optional evidence and filters.
type Query struct {
	Name    string               // required
	Type    clearance.EntityType // optional: Person, Organization, Vessel, Aircraft or "" / Unknown
	Country string               // optional ISO-2 evidence

	Lists     []clearance.ListCode // restrict to these lists; nil means all
	Threshold float64              // 0 means DefaultThreshold
	Limit     int                  // 0 means 10; negative means no limit
	Explain   bool                 // fill Match.Explanation
	AsOf      string               // optional YYYY-MM-DD: only entries listed on that date
}

// Index is an immutable search index over a set of entities. It is safe for
// concurrent use.
type Index struct {
	entities []clearance.Entity
	byID     map[string]*clearance.Entity
	impl     *engine
}

// NewIndex builds an index over entities. The slice is kept, not copied:
// callers must not modify it afterwards.
func NewIndex(entities []clearance.Entity) *Index {
	ix := &Index{entities: entities, byID: make(map[string]*clearance.Entity, len(entities))}
	for i := range entities {
		ix.byID[entities[i].ID] = &entities[i]
	}
	ix.impl = newEngine(entities)
	return ix
}

// Len returns the number of indexed entities.
func (ix *Index) Len() int { return len(ix.entities) }

// Entities returns the indexed entities (read-only).
func (ix *Index) Entities() []clearance.Entity { return ix.entities }

// Entity returns the entity with the given stable id.
func (ix *Index) Entity(id string) (*clearance.Entity, bool) {
	e, ok := ix.byID[id]
	return e, ok
}

// Search screens q.Name and returns the matching entities, best first, one
// Match per entity (its best-scoring name or alias).
func (ix *Index) Search(q Query) []clearance.Match {
	if q.Threshold <= 0 {
		q.Threshold = DefaultThreshold
	}
	if q.Limit == 0 {
		q.Limit = 10
	}
	return ix.impl.search(ix, q)
}

// Compare scores q against the names of one entity that need not be in the
// index (a counterparty record, a labelled test pair), using the index's
// rarity weights, and returns the best name's Match whatever its score
// (q.Threshold, Lists and Limit do not apply). Words the lists never use
// weigh as the rarest words.
func (ix *Index) Compare(q Query, listed clearance.Entity) clearance.Match {
	return ix.impl.compare(q, &listed)
}

// WordWeight returns the rarity weight (IDF over the indexed entities) of a
// word after normalisation, as the scorer uses it: high for a distinctive
// word ("hikvision"), low for a generic one ("technology"). A word the
// lists never use gets the weight of the rarest.
func (ix *Index) WordWeight(word string) float64 {
	words := normalizeWords(word)
	if len(words) != 1 {
		return 0
	}
	w := words[0]
	if c, ok := tab.canonical[w]; ok {
		w = c
	}
	if id, ok := ix.impl.vocab[w]; ok {
		return ix.impl.words[id].idf
	}
	return ix.impl.idfUnknown
}

// IsPlaceName reports whether a normalised word is in the matcher's table of
// place names (data/locations.tsv), which weigh less when one side lacks them.
func IsPlaceName(word string) bool { return tab.locations[word] }

// LegalFormClass returns the class of a normalised legal-form phrase
// ("ooo" → "llc") from data/legal_forms.tsv, or "".
func LegalFormClass(form string) string { return tab.legalForms[form] }

// IsStopWord reports whether a normalised word is a stop word
// (data/stop_words.tsv).
func IsStopWord(word string) bool { return tab.stopWords[word] }
