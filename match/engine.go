package match

import (
	"sort"
	"strings"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
)

// engine is a deliberately simple placeholder (token-set overlap over an
// inverted index) that the matching work replaces. It exists so the CLI,
// batch and server can be built against the real Index API.
type engine struct {
	postings map[string][]posting
	names    []nameRef
}

type posting struct{ name int32 }

type nameRef struct {
	entity int32
	alias  bool
	text   string
	tokens []string
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func newEngine(es []clearance.Entity) *engine {
	e := &engine{postings: map[string][]posting{}}
	for i := range es {
		for j, n := range es[i].Names() {
			id := int32(len(e.names))
			toks := tokens(n)
			e.names = append(e.names, nameRef{entity: int32(i), alias: j > 0, text: n, tokens: toks})
			for _, t := range toks {
				e.postings[t] = append(e.postings[t], posting{id})
			}
		}
	}
	return e
}

func (e *engine) search(ix *Index, q Query) []clearance.Match {
	qt := tokens(q.Name)
	if len(qt) == 0 {
		return nil
	}
	hits := map[int32]int{}
	for _, t := range qt {
		for _, p := range e.postings[t] {
			hits[p.name]++
		}
	}
	best := map[int32]clearance.Match{}
	for id, n := range hits {
		nr := e.names[id]
		score := 2 * float64(n) / float64(len(qt)+len(nr.tokens))
		if score < q.Threshold {
			continue
		}
		ent := &ix.entities[nr.entity]
		if !listAllowed(q.Lists, ent.List) {
			continue
		}
		if m, ok := best[nr.entity]; ok && m.Score >= score {
			continue
		}
		best[nr.entity] = clearance.Match{Entity: ent, EntityID: ent.ID, List: ent.List, Name: ent.Name, MatchedName: nr.text, Alias: nr.alias, Score: score}
	}
	out := make([]clearance.Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].EntityID < out[j].EntityID
	})
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

func listAllowed(lists []clearance.ListCode, l clearance.ListCode) bool {
	if len(lists) == 0 {
		return true
	}
	for _, x := range lists {
		if x == l {
			return true
		}
	}
	return false
}
