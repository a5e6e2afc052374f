package match

import (
	"fmt"
	"slices"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// The score of a query against one listed name is a sum of named parts:
//
//	name score = Σ over aligned pairs  sim(pair) · w(pair) / D
//	D          = Σ w(pair) + extraQueryWeight · Σ w(unpaired query word)
//	                       + extraListedWeight · Σ w(unpaired listed word)
//	score      = name score + Σ adjustments (type, country, legal form), in 0..1
//
// where w is a word's rarity weight (IDF over the listed entities), place
// names without a partner count locationFactor of it, and legal forms and
// stop words are set aside before alignment. A listed name equal to the
// query after normalisation scores exactly 1. Both sides must be mostly
// covered: a one-word alias "PATRICIA" against "Patricia Park" leaves the
// rare "park" unpaired on the query side and stays low, while "Hikvision"
// against "Hangzhou Hikvision Digital Technology" leaves only common listed
// words unpaired, which weigh a quarter.

// Evidence adjustments. They move a score a little and never hide an exact
// name match (negative ones are not applied to a name score of 1).
const (
	typeMismatchDelta     = -0.10 // a person query against a listed company, or the reverse
	inferredTypeDelta     = -0.05 // the same when the listed type was inferred, not stated
	countryMismatchDelta  = -0.05
	countryAgreesDelta    = 0.02
	legalFormMismatchDelt = -0.02
	patronymicSwapDelta   = -0.20 // "Ahmad bin Hasan" against "Hasan bin Ahmad"
)

// pair is one alignment: query words q0..q1 with listed words n0..n1
// (q1, n1 are -1 when one word is aligned: joins, initials, acronyms).
type pair struct {
	q0, q1, n0, n1 int
	sim, w         float64
	kind           string
}

// scoreResult is the score of one query against one listed name.
type scoreResult struct {
	total, name, den float64
	adjust           []clearance.Adjustment
}

// scorer holds reusable buffers for scoring candidates one after another.
type scorer struct {
	// detail makes score write its adjustments (with reasons) into the
	// result, for an explanation; without it only their sum counts.
	detail bool
	extra  []wordInfo // words of an ad-hoc name (Compare) absent from the index: ids -1, -2, …
	// expByWord maps an indexed word to its run [start, end) in expMatches:
	// the query words it may stand for. Both are kept for reuse.
	expByWord  map[int32][2]int32
	expMatches []wordMatch
	expFor     *queryWord // the query whose expansions expByWord holds
	// joins memoises the keys of two words written together (see
	// joinedKeys); cleared per search.
	joins map[[2]string]*joinedKey
	// legalQ holds the words of the query's legal forms (see inLegalForm),
	// for the query whose first word is legalFor.
	legalQ   []form
	legalFor *queryWord
	// hanQ holds the toned readings of the Han characters of the query
	// hanFor (see sameHanReading).
	hanQ   []string
	hanFor string
	pairs  []pair
	chosen []pair
	usedQ  []bool
	usedN  []bool
	// queryExtra is each query word's weight in the denominator when it has
	// no partner (0 when it has one).
	queryExtra []float64
	// listedExtra is each listed word's weight in the denominator when it
	// has no partner (0 when it has one).
	listedExtra []float64
	order       []int
	partner     []int
}

// wordMatch is a query word an indexed word may stand for.
type wordMatch struct {
	word  int32
	query int
	sim   float64
	kind  string
}

// indexExpansions maps each indexed word to the query words it may stand
// for, so that scoring a name looks its words up instead of comparing. It
// reuses the scorer's map and slice: a search scores thousands of names.
func (s *scorer) indexExpansions(qws []queryWord) {
	if s.expByWord == nil {
		s.expByWord = make(map[int32][2]int32, 64)
	}
	clear(s.expByWord)
	s.expMatches = s.expMatches[:0]
	for i := range qws {
		for _, x := range qws[i].exps {
			s.expMatches = append(s.expMatches, wordMatch{x.word, i, x.sim, x.kind})
		}
	}
	// By word, query words in order within a word.
	slices.SortStableFunc(s.expMatches, func(a, b wordMatch) int { return int(a.word - b.word) })
	for k := 0; k < len(s.expMatches); {
		end := k + 1
		for end < len(s.expMatches) && s.expMatches[end].word == s.expMatches[k].word {
			end++
		}
		s.expByWord[s.expMatches[k].word] = [2]int32{int32(k), int32(end)}
		k = end
	}
	s.expFor = &qws[0]
}

// reset readies a pooled scorer for a new search: its index of expansions
// belongs to the last query (compared by address, which a new query's
// words may reuse).
func (s *scorer) reset() {
	s.expFor, s.legalFor, s.detail = nil, nil, false
	s.extra = s.extra[:0]
	clear(s.joins)
}

// score aligns the query words with the listed name's words one to one,
// greedily by similarity then weight, and combines the coverage of both.
func (s *scorer) score(e *engine, qws []queryWord, qa analyzedName, n *indexedName, ent *clearance.Entity, q Query) scoreResult {
	s.pairs = s.pairs[:0]
	if s.expFor != &qws[0] {
		s.indexExpansions(qws)
	}
	for j, id := range n.words {
		if id >= 0 {
			r, ok := s.expByWord[id]
			if !ok {
				continue
			}
			for _, x := range s.expMatches[r[0]:r[1]] {
				s.pairs = append(s.pairs, pair{x.query, -1, j, -1, x.sim, e.words[id].idf, x.kind})
			}
		}
	}
	// Two numbers of a series ("Partners V" / "Partners VI", "Trust 2004-1"
	// / "Trust 2005-1"): sibling funds, trusts or vessels of one sponsor,
	// worth an analyst's look but not the same entity: a partial pair at
	// part weight, the listed name's average word's (a number's own rarity
	// says little). Not in a person's name, where a letter is an initial.
	series := false
	if !n.person && q.Type != clearance.Person {
		for i := range qws {
			if !qws[i].series {
				continue
			}
			for j, id := range n.words {
				if wi := s.word(e, id); wi.series && wi.text != qws[i].text {
					series = true
					w := s.sumIDF(e, n, 0, len(n.words)-1) / float64(len(n.words)) * seriesWeight
					s.pairs = append(s.pairs, pair{i, -1, j, -1, seriesSimilarity, w, kindSeries})
				}
			}
		}
	}
	for i := range qws {
		qw := &qws[i]
		for j, id := range n.words {
			wi := s.word(e, id)
			sim, kind := 0.0, ""
			if id < 0 {
				sim, kind = wordSimilarity(qw, wi, false)
			}
			w := wi.idf
			switch {
			case len(qw.text) == 1 && len(wi.text) > 1 && wi.text[0] == qw.text[0]:
				// The query gives an initial of a listed name: consistent,
				// and better evidence than a missing name (but V is not
				// an initial of VI where both number a series).
				if !series || !qw.series || !wi.series {
					sim, kind = queryInitialSimilarity, kindInitial
				}
			case len(wi.text) == 1 && len(qw.text) > 1 && qw.text[0] == wi.text[0]:
				// The list gives only an initial: the query's full name is
				// not confirmed, so it counts half, at its own weight.
				sim, kind, w = listedInitialSimilarity, kindInitial, qw.weight
			}
			if sim == 0 && j == 0 && len(qw.text) >= 3 && !n.person && q.Type != clearance.Person && len(n.words) == len(qw.text) {
				// An acronym of the whole listed name: "PLA" for People's
				// Liberation Army (see acronymOf).
				if s.acronym(e, n) == qw.text {
					s.pairs = append(s.pairs, pair{i, -1, 0, len(n.words) - 1, acronymSimilarity, s.sumIDF(e, n, 0, len(n.words)-1), kindAcronym})
				}
			}
			if (len(qw.text) == 2 || len(qw.text) == 3) && n.person && j+len(qw.text) <= len(n.words) && wi.text[0] == qw.text[0] {
				// Initials of consecutive given names run together: "JC
				// Juncker" for Jean-Claude Juncker.
				if k := len(qw.text); s.initialsAt(e, n, j, qw.text) {
					s.pairs = append(s.pairs, pair{i, -1, j, j + k - 1, queryInitialSimilarity, s.sumIDF(e, n, j, j+k-1), kindInitial})
				}
			}
			if sim < nicknameSimilarity && len(qw.nick) > 0 && len(wi.nick) > 0 && n.person && sameGivenName(qw.nick, wi.nick) {
				// A given name and its nickname (Ted, Theodore), in a
				// person's name only: "Bill" is a word elsewhere.
				sim, kind = nicknameSimilarity, kindNickname
			}
			if qw.patronymic && sim < patronymicSuffixSimilarity {
				if ps, pkind := patronymicSimilarity(qw.text, wi.text); ps > sim {
					sim, kind = ps, pkind
				}
			}
			if sim > 0 {
				s.pairs = append(s.pairs, pair{i, -1, j, -1, sim, w, kind})
			}
			// Listed words written apart that the query writes together:
			// "hik vision" for "hikvision".
			// (Each join is tried only when first letters agree and the
			// lengths are close: most word pairs fail that at once.)
			if j+1 < len(n.words) && (qw.text[0] == wi.text[0] || qw.abjad && isArticle(wi.text) && isVowel(qw.text[0])) &&
				(len(qw.text) > len(wi.text) || n.surface != nil && len(qw.surface) > len(n.surface[j])) {
				// (As written, too: "aeroexpress" for Aero Express, whose
				// "aero" is read as aeronautical.)
				next := s.word(e, n.words[j+1])
				sim := s.joinedSimilarity(qw.text, &qw.form, qw.abjadKey, wi.text, next.text, qw.abjad, false)
				if n.surface != nil {
					sim = max(sim, s.joinedSimilarity(qw.surface, nil, "", n.surface[j], n.surface[j+1], qw.abjad, false))
				}
				if qw.alt.text != "" && len(qw.alt.text) > len(wi.text) && qw.alt.text[0] == wi.text[0] {
					sim = max(sim, s.joinedSimilarity(qw.alt.text, &qw.alt, qw.altAbjadKey, wi.text, next.text, qw.abjad, false))
				}
				for _, k := range qw.dentalKeys {
					if sim == 0 {
						// "aldhhb" (الذهب) for Al-Thahab: see dentalReadings.
						sim = s.joinedSimilarity(qw.text, &qw.form, k, wi.text, next.text, true, false)
					}
				}
				if last := next.text[len(next.text)-1]; sim == 0 && qw.marbuta && (last == 'h' || last == 't') {
					// "aljlahma" (الجلاهمة) for Al-Jalahmah: see marbuta.
					sim = s.joinedSimilarity(qw.text+string(last), nil, "", wi.text, next.text, true, false)
				}
				if sim > 0 {
					s.pairs = append(s.pairs, pair{i, -1, j, j + 1, sim, wi.idf + next.idf, kindJoined})
				}
				// Arabic script writes a compound with the article solid
				// (عبدالخالق, "abdalkhalq") that the list writes as three
				// words (Abd al-Khaliq): the first and third join the query
				// word, the article stays a listed word of its own.
				if qw.abjad && j+2 < len(n.words) && isArticle(next.text) {
					third := s.word(e, n.words[j+2])
					if sim := s.joinedSimilarity(qw.text, &qw.form, qw.abjadKey, wi.text+next.text, third.text, true, false); sim > 0 {
						s.pairs = append(s.pairs, pair{i, -1, j, j + 2, sim, wi.idf + third.idf, kindJoined})
					}
				}
			}
			// Three listed words the query writes as one ("vanderbilt" for
			// van der bilt), exactly.
			if j+2 < len(n.words) && qw.text[0] == wi.text[0] && len(qw.text) > len(wi.text)+2 {
				w1, w2 := s.word(e, n.words[j+1]).text, s.word(e, n.words[j+2]).text
				if len(qw.text) == len(wi.text)+len(w1)+len(w2) && qw.text == wi.text+w1+w2 {
					s.pairs = append(s.pairs, pair{i, -1, j, j + 2, 1, s.sumIDF(e, n, j, j+2), kindJoined})
				}
			}
			// Three query words the list writes as one ("plat ono vich"
			// for Platonovich), exactly.
			if i+2 < len(qws) && qw.surface[0] == wi.text[0] && len(wi.text) > len(qw.surface)+2 {
				if a, b := qws[i+1].surface, qws[i+2].surface; len(wi.text) == len(qw.surface)+len(a)+len(b) && wi.text == qw.surface+a+b {
					s.pairs = append(s.pairs, pair{i, i + 2, j, -1, 1, wi.idf, kindJoined})
				}
			}
			// Both written apart, but split differently ("myongc hin" /
			// "myong chin").
			if i+1 < len(qws) && j+1 < len(n.words) && (qw.text[0] == wi.text[0] || qw.alt.text != "" && qw.alt.text[0] == wi.text[0]) && qw.text != wi.text {
				next := s.word(e, n.words[j+1])
				sim := 0.0
				if qw.text[0] == wi.text[0] {
					sim = pairSimilarity(qw.text, qws[i+1].text, wi.text, next.text)
				}
				if sim == 0 && qw.abjad {
					// Split at the article: "abd alrhmn" / "abdur rehman".
					sim = abjadPairSimilarity(qw, &qws[i+1], wi.text, next.text)
				}
				if sim > 0 {
					s.pairs = append(s.pairs, pair{i, i + 1, j, j + 1, sim, wi.idf + next.idf, kindJoined})
				}
			}
			// Query words written apart that the list writes together.
			// (An Arabic-script word opening with ع or ا reads "a" where the
			// list writes any vowel: "asmt allh" for Esmatullah.)
			if i+1 < len(qws) && (qw.surface[0] == wi.text[0] || qw.alt.text != "" && qw.alt.text[0] == wi.text[0] ||
				qw.abjad && isVowel(qw.text[0]) && isVowel(wi.text[0])) && (len(wi.text) > len(qw.surface) || strings.HasPrefix(qw.surface, wi.text)) {
				sim := s.joinedSimilarity(wi.text, &wi.form, wi.abjad, qw.surface, qws[i+1].surface, qw.abjad, true)
				if sim == 0 && (qw.alt.text != "" || qws[i+1].alt.text != "") {
					// In the Persian reading: "shms addin" for Shamsuddin.
					sim = s.joinedSimilarity(wi.text, &wi.form, wi.abjad, altText(qw), altText(&qws[i+1]), qw.abjad, true)
				}
				if last := wi.text[len(wi.text)-1]; sim == 0 && qws[i+1].marbuta && (last == 'h' || last == 't') {
					// "bin alshiba" (بن الشيبة) for Binalshibh: see marbuta.
					sim = s.joinedSimilarity(wi.text, &wi.form, wi.abjad, qw.surface, qws[i+1].surface+string(last), true, false)
				}
				if sim > 0 {
					s.pairs = append(s.pairs, pair{i, i + 1, j, -1, sim, wi.idf, kindJoined})
				}
			}
		}
	}
	// Greedy by similarity; an inexact alignment that covers two words on a
	// side ranks a little higher, so that "jeong eun" / "jong un" as one
	// pair is not broken up by the slightly closer "jeong" / "jong", but
	// never above an exact pair of single words; an exact join ranks first.
	rank := func(p pair) float64 {
		if p.q1 >= 0 || p.n1 >= 0 {
			if p.sim < 1 {
				return min(p.sim+0.05, 0.99)
			}
			return 1.001 // an exact join covers more: "techn ology" is one word
		}
		return p.sim
	}
	slices.SortFunc(s.pairs, func(a, b pair) int {
		switch ra, rb := rank(a), rank(b); {
		case ra != rb:
			if ra > rb {
				return -1
			}
			return 1
		case a.w != b.w:
			if a.w > b.w {
				return -1
			}
			return 1
		}
		// Equally good: the pair closer to its place in both names
		// first, so that a repeated word ("Mohamed Mohamed") aligns in
		// order and the other one is seen where it stands.
		return abs(a.q0*len(n.words)-a.n0*len(qws)) - abs(b.q0*len(n.words)-b.n0*len(qws))
	})
	s.usedQ = resetBools(s.usedQ, len(qws))
	s.usedN = resetBools(s.usedN, len(n.words))
	s.chosen = s.chosen[:0]
	num, den := 0.0, 0.0
	// A query in Han, Hangul or kana spells syllables, not letters: against
	// a name listed in those scripts only the same syllables match (a
	// different character is a different name: 习近朋 is not 习近平). Against
	// a Latin name, pinyin must be exact too (peng is not ping, yue not yu),
	// and Hangul or kana match exact words and romanisation variants
	// (jeong/jong, eun/un), not edit-distance typos.
	for _, p := range s.pairs {
		qlo, qhi, nlo, nhi := p.q0, max(p.q0, p.q1), p.n0, max(p.n0, p.n1)
		if slices.Contains(s.usedQ[qlo:qhi+1], true) || slices.Contains(s.usedN[nlo:nhi+1], true) {
			continue
		}
		// (A katakana word's loan reading pairs with a Latin word in any query.)
		loan := p.kind == kindTranslit && qws[p.q0].katakanaLoan()
		if sy := qws[p.q0].syllabic; sy != syllabicNone && p.sim < 1 && (n.cjk || sy == syllabicHan && !loan || p.kind == kindTypo) {
			continue
		}
		if n.cjk && qws[p.q0].syllabic == syllabicHan && p.q1 < 0 && p.n1 < 0 && !s.sameHanReading(e, q.Name, qws, n, p.q0, p.n0) {
			// One pinyin, another character: 高石早苗 is not 高市早苗.
			continue
		}
		for k := qlo; k <= qhi; k++ {
			s.usedQ[k] = true
		}
		for k := nlo; k <= nhi; k++ {
			s.usedN[k] = true
		}
		s.chosen = append(s.chosen, p)
		num += p.sim * p.w
		den += p.w
	}
	if !n.cjk {
		num, den = s.pairLoanRuns(e, qws, n, num, den)
	}
	contradicted := 0 // unpartnered query words that are not place names
	firstQ, lastQ := len(qws), -1
	for i := range qws {
		if s.usedQ[i] {
			firstQ, lastQ = min(firstQ, i), i
		}
	}
	trailingOK := len(s.chosen) >= 2 && !slices.Contains(s.usedN, false)
	// coveredByNames: every listed word found, by names, not initials ("J"
	// does not confirm Jina).
	coveredByNames := trailingOK
	for _, p := range s.chosen {
		if p.kind == kindInitial {
			coveredByNames = false
		}
	}
	s.queryExtra = resetFloats(s.queryExtra, len(qws))
	paired, listedOpen := 0, 0
	for i := range qws {
		if s.usedQ[i] {
			paired++
		}
	}
	for j, id := range n.words {
		if !s.usedN[j] && !s.word(e, id).location {
			listedOpen++
		}
	}
	for i := range qws {
		if !s.usedQ[i] && listedOpen == 0 && repeatsPaired(qws, s.usedQ, i) {
			// A word written twice ("Shoigu Shoigu Sergey", a data-entry
			// slip) where one of the two found its partner adds little: it
			// contradicts nothing, and weighs repeatFactor. Not where a
			// listed name is left over: there the repeat stands in its
			// place ("Abdul Kabir Abdul Jan" is not Abdul Kabir Mohammad
			// Jan).
			w := unpairedQueryWeight(&qws[i]) * repeatFactor
			s.queryExtra[i] = w
			den += w
			continue
		}
		if !s.usedQ[i] {
			w := unpairedQueryWeight(&qws[i])
			// In a person's name, a query word between two matched ones is
			// a middle name or patronymic the list does not give ("Sergey
			// Viktorovich Lavrov" for Sergey Lavrov): it weighs less.
			// So is a name after the last matched one when the query covers
			// the whole listed name ("Umar Patek Abdullah Anshori" for
			// Umar Patek: customers' records carry fuller names than
			// lists), unless it is a company word (Holding, Group) or a
			// romanised Han, Hangul or kana syllable (one more syllable
			// makes another East Asian name: "수빈 이" is not Su Bin).
			// Where the query covers the whole listed name, its other
			// names weigh personCoveredFactor wherever they stand.
			fuller := n.person && coveredByNames && qws[i].syllabic == syllabicNone && len(qws[i].text) >= 3 && !tab.companyWords[qws[i].text]
			switch {
			case fuller:
				w *= personCoveredFactor
			case n.person && i > firstQ && i < lastQ:
				w *= personMiddleFactor
			}
			// In a company's name, a generic company word the listed name
			// lacks (Holding, Trading, Group, International) is most often
			// the customer's fuller legal name: it weighs half, and does
			// not count as replacing a listed word. Only where the query
			// covers every listed word but place names (else the word may
			// replace one: Equipment for Engineering) with two words or
			// more: a person's surname (George Holding) or a lone
			// syllable (Bin) is not a company word.
			generic := !n.person && paired >= 2 && listedOpen == 0 && qws[i].syllabic == syllabicNone && tab.companyWords[qws[i].text]
			if generic {
				w *= genericExtraFactor
			}
			s.queryExtra[i] = w
			den += w
			if !qws[i].location && !generic {
				contradicted++
			}
		}
	}
	// A listed word the query lacks is usually an omission (a middle name,
	// a city) and weighs little; but where the query has a word of its own
	// in its place, the two contradict each other ("Tariq Anwar Mohamed" is
	// not "Tariq Anwar Ahmed"), and the heaviest such listed words weigh
	// contradictionWeight instead.
	s.listedExtra = resetFloats(s.listedExtra, len(n.words))
	s.order = s.order[:0]
	for j, id := range n.words {
		if !s.usedN[j] && !n.person && len(qa.legal) > 0 && s.inLegalForm(qws, qa, s.word(e, id)) {
			// A listed word the query's legal form spells ("JOYNT STOCK
			// COMPANY" listed, "Joint Stock Company" asked): the list's
			// form went unrecognised for a typo, not a word of the name.
			s.listedExtra[j] = s.word(e, id).idf * legalPartnerFactor
			continue
		}
		if !s.usedN[j] {
			s.listedExtra[j] = unpairedListedWeight(s.word(e, id), n.person)
			if j == int(n.given) && len(qws) >= 2 {
				// A person's first given name is rarely dropped: a query
				// of two names or more without it names someone else
				// ("Patrick Ryan" for "RYAN, Damion Patrick").
				s.listedExtra[j] = s.word(e, id).idf * givenNameWeight
			}
			if !s.word(e, id).location {
				s.order = append(s.order, j)
			}
		}
	}
	if contradicted > 0 && len(s.order) > 0 {
		slices.SortFunc(s.order, func(a, b int) int {
			wa, wb := s.word(e, n.words[a]).idf, s.word(e, n.words[b]).idf
			switch {
			case wa > wb:
				return -1
			case wa < wb:
				return 1
			}
			return a - b
		})
		for _, j := range s.order[:min(contradicted, len(s.order))] {
			s.listedExtra[j] = s.word(e, n.words[j]).idf * contradictionWeight
		}
	}
	if n.person && contradicted > 0 {
		s.substitutions(e, qws, n)
	}
	for j := range n.words {
		den += s.listedExtra[j]
	}
	r := scoreResult{den: den}
	if den > 0 {
		r.name = num / den
	}
	if r.name > 0.99999 {
		r.name = 1
	}
	delta, adjust := adjustments(qa, n, ent, q, r.name, s.detail)
	if s.fatherSwapped(e, qws, n) {
		// Arabic names chain "X bin Y" (X, son of Y): the same words in the
		// other order name the father, not the son.
		delta += patronymicSwapDelta
		if s.detail {
			adjust = append(adjust, clearance.Adjustment{Feature: "name_order", Delta: patronymicSwapDelta,
				Reason: `the names around "bin" are in the other order (son and father swapped)`})
		}
	}
	r.adjust = adjust
	r.total = min(max(r.name+delta, 0), 1)
	return r
}

// pairLoanRuns pairs each run of Hangul syllables none of which found a
// partner with the listed word it may transcribe (블라디미르, Vladimir; see
// loan.go): the Korean reading goes first, so that a Korean name keeps to
// Korean names, and only a run the Korean reading leaves alone is read as a
// foreign name. It returns the score's sums with the pairs added.
func (s *scorer) pairLoanRuns(e *engine, qws []queryWord, n *indexedName, num, den float64) (float64, float64) {
	for i := range qws {
		qw := &qws[i]
		if !qw.hangulLoan() || slices.Contains(s.usedQ[i:qw.loan.to+1], true) {
			continue
		}
		best, bestSim, bestW := -1, 0.0, 0.0
		for j, id := range n.words {
			if s.usedN[j] {
				continue
			}
			wi := s.word(e, id)
			if sim := loanMatch(qw.loan.alts, latinLoanForm(wi.text), true); sim > bestSim || sim > 0 && sim == bestSim && wi.idf > bestW {
				best, bestSim, bestW = j, sim, wi.idf
			}
		}
		if best < 0 {
			continue
		}
		for k := i; k <= qw.loan.to; k++ {
			s.usedQ[k] = true
		}
		s.usedN[best] = true
		s.chosen = append(s.chosen, pair{i, qw.loan.to, best, -1, bestSim, bestW, kindTranslit})
		num += bestSim * bestW
		den += bestW
	}
	return num, den
}

// substitutions finds, in a person's name, the listed words that the query
// replaced by another name in the same place: an unpartnered query word and
// an unpartnered listed word whose neighbours on one side are partners
// ("Tariq Anwar el Sayed Mohamed" / "… el Sayed Ahmed", "Abdul Kabir Abdul
// Jan" / "Abdul Kabir Mohammad Jan"). When both are words of the lists (of
// three letters or more: "al", "u" and initials are particles, not names), two
// known names stand in one place: the names disagree, and the more so for
// their being common (a rare word's rarity already weighs; a common given
// name's does not). Such a listed word weighs as the name's average word
// (or its own weight, or the query word's, if more), at substitutionWeight.
func (s *scorer) substitutions(e *engine, qws []queryWord, n *indexedName) {
	nq, nn := len(qws), len(n.words)
	// partner of each query word's first and last listed word (-1: none).
	s.partner = resetInts(s.partner, 2*nq)
	for i := range s.partner {
		s.partner[i] = -1
	}
	for _, p := range s.chosen {
		lo, hi := p.n0, max(p.n0, p.n1)
		for q := p.q0; q <= max(p.q0, p.q1); q++ {
			s.partner[2*q], s.partner[2*q+1] = lo, hi
		}
	}
	mean := 0.0
	for _, id := range n.words {
		mean += s.word(e, id).idf
	}
	mean /= float64(nn)
	for i := range qws {
		if s.usedQ[i] || !qws[i].known || qws[i].location || len(qws[i].text) <= 2 {
			continue
		}
		for j := range n.words {
			wj := s.word(e, n.words[j])
			// (Two equal words left unpaired are two characters of one
			// pinyin, 石 and 市: a substitution too.)
			if s.usedN[j] || wj.location || len(wj.text) <= 2 ||
				wj.text != qws[i].text && (strings.HasPrefix(wj.text, qws[i].text) || strings.HasPrefix(qws[i].text, wj.text)) {
				continue
			}
			before := i > 0 && j > 0 && s.partner[2*(i-1)+1] == j-1
			after := i+1 < nq && j+1 < nn && s.partner[2*(i+1)] == j+1
			if !before && !after {
				continue
			}
			w := max(wj.idf, qws[i].weight, mean) * substitutionWeight
			s.listedExtra[j] = max(s.listedExtra[j], w)
			break
		}
	}
}

// personCoveredFactor discounts a query name that a listed person's name,
// every word of it found in the query, does not give ("Anjem Iftikhar
// Choudary Mahmood" for ANJEM CHOUDARY).
const personCoveredFactor = 0.25

// legalPartnerFactor discounts a listed word that a word of the query's
// legal form spells, allowing a typo.
const legalPartnerFactor = 0.1

// inLegalForm reports whether w, a listed word of four letters or more, is
// a word of one of the query's legal forms, exactly or with a typo. The
// query's legal words are kept per query (legalFor).
func (s *scorer) inLegalForm(qws []queryWord, qa analyzedName, w *wordInfo) bool {
	if len(w.text) < 4 {
		return false
	}
	if s.legalFor != &qws[0] {
		s.legalFor = &qws[0]
		s.legalQ = s.legalQ[:0]
		for _, ig := range qa.ignored {
			if strings.HasPrefix(ig.Reason, reasonLegalForm) {
				for _, lw := range strings.Fields(ig.Token) {
					if len(lw) >= 4 {
						s.legalQ = append(s.legalQ, newForm(lw))
					}
				}
			}
		}
	}
	for i := range s.legalQ {
		f := &s.legalQ[i]
		if f.text[0] != w.text[0] || abs(len(f.text)-len(w.text)) > 2 {
			continue
		}
		if f.text == w.text {
			return true
		}
		if sim, _ := similarity(f, &w.form, false); sim > 0 {
			return true
		}
	}
	return false
}

// sameHanReading reports whether query word i and listed word j, both
// read from one Han character, are characters with the same toned reading
// (shi2 is not shi4; a traditional and a simplified form of one character,
// 華 and 华, read alike). Where it cannot tell which character a word was
// read from (company words, Japanese readings) it says yes.
func (s *scorer) sameHanReading(e *engine, query string, qws []queryWord, n *indexedName, i, j int) bool {
	if s.hanFor != query {
		s.hanFor = query
		s.hanQ = s.hanQ[:0]
		words := make([]string, len(qws))
		for k := range qws {
			words[k] = qws[k].text
		}
		s.hanQ = alignHan(words, hanReadings(query), s.hanQ)
	}
	if s.hanQ == nil {
		return true
	}
	words := make([]string, len(n.words))
	for k, id := range n.words {
		words[k] = s.word(e, id).text
	}
	l := alignHan(words, hanReadings(n.listed), nil)
	if l == nil {
		return true
	}
	return s.hanQ[i] == l[j]
}

// alignHan gives each word the toned reading of the character it was read
// from, walking both in order (a syllable set aside, "zao" read as a legal
// form, is skipped), or nil when some word is not such a syllable.
func alignHan(words, readings []string, out []string) []string {
	out = out[:0]
	r := 0
	for _, w := range words {
		for r < len(readings) && strings.TrimRight(readings[r], "012345") != w {
			r++
		}
		if r == len(readings) {
			return nil
		}
		out = append(out, readings[r])
		r++
	}
	return out
}

// repeatFactor discounts a query word repeated where its twin is paired.
const repeatFactor = 0.1

// repeatsPaired reports whether query word i is written again elsewhere in
// the query where it found a partner.
func repeatsPaired(qws []queryWord, used []bool, i int) bool {
	for k := range qws {
		if k != i && used[k] && qws[k].text == qws[i].text {
			return true
		}
	}
	return false
}

// Series markers: a number or a Roman numeral in an organisation's or
// vessel's name that differs between query and list (see scorer.score).
const (
	seriesSimilarity = 0.5
	seriesWeight     = 0.75
)

// isSeriesMarker reports whether a normalised word numbers one of a series:
// digits, or a Roman numeral up to xxxix.
func isSeriesMarker(w string) bool {
	if isDigits(w) {
		return true
	}
	r := strings.TrimLeft(w, "x")
	if len(w)-len(r) > 3 || w == "" {
		return false
	}
	switch r {
	case "", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix":
		return true
	}
	return false
}

// substitutionWeight is the weight, as a share of the name's average word,
// of a listed name the query replaced by another known name (see
// scorer.substitutions).
const substitutionWeight = 1.5

func resetInts(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

// acronymSimilarity is what a query word earns that is the acronym of the
// whole listed name (PLA, People's Liberation Army): strong evidence, but
// acronyms are short and many names share one.
const acronymSimilarity = 0.85

// acronym returns the initials of n's words ("pla"), or "" when a word is a
// single letter or a number (those are not acronym material).
func (s *scorer) acronym(e *engine, n *indexedName) string {
	b := make([]byte, 0, 8)
	for _, id := range n.words {
		w := s.word(e, id).text
		if len(w) < 2 || isDigits(w) {
			return ""
		}
		b = append(b, w[0])
	}
	return string(b)
}

// initialsAt reports whether the letters of q are the first letters of n's
// words from j on, each a word of two letters or more.
func (s *scorer) initialsAt(e *engine, n *indexedName, j int, q string) bool {
	for k := 0; k < len(q); k++ {
		w := s.word(e, n.words[j+k]).text
		if len(w) < 2 || w[0] != q[k] {
			return false
		}
	}
	return true
}

// sumIDF is the total weight of n's words lo..hi.
func (s *scorer) sumIDF(e *engine, n *indexedName, lo, hi int) float64 {
	t := 0.0
	for k := lo; k <= hi; k++ {
		t += s.word(e, n.words[k]).idf
	}
	return t
}

// word returns the word with the given id: an indexed word, or for a
// negative id a word of the ad-hoc name being compared.
func (s *scorer) word(e *engine, id int32) *wordInfo {
	if id >= 0 {
		return &e.words[id]
	}
	return &s.extra[-id-1]
}

func resetFloats(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func resetBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func unpairedQueryWeight(qw *queryWord) float64 {
	w := qw.weight * extraQueryWeight
	if qw.location {
		w *= locationFactor
	}
	return w
}

func unpairedListedWeight(w *wordInfo, person bool) float64 {
	x := w.idf * extraListedWeight
	if person {
		x = w.idf * personExtraListedWeight
	}
	if w.location {
		x *= locationFactor
	}
	return x
}

// fatherSwapped reports whether the word after "bin" in the query aligned
// with a listed word that is not after "bin" while the listed name has one,
// and the listed word after "bin" aligned with a query word before it.
func (s *scorer) fatherSwapped(e *engine, qws []queryWord, n *indexedName) bool {
	for _, p := range s.chosen {
		if p.q1 >= 0 || p.n1 >= 0 || p.q0 == 0 || qws[p.q0-1].text != "bin" {
			continue
		}
		// Query word p.q0 is a father's name; is its partner one in the list?
		if p.n0 > 0 && s.word(e, n.words[p.n0-1]).text == "bin" {
			continue
		}
		for j := 1; j < len(n.words); j++ {
			if s.word(e, n.words[j-1]).text == "bin" && s.usedN[j] && j != p.n0 {
				return true
			}
		}
	}
	return false
}

// adjustments weighs the evidence besides the name: entity type, country,
// legal form. None applies a penalty to an exact name match.
func adjustments(qa analyzedName, n *indexedName, ent *clearance.Entity, q Query, name float64, detail bool) (float64, []clearance.Adjustment) {
	var sum float64
	var out []clearance.Adjustment
	// add counts delta d; with detail, it also writes the adjustment (the
	// ranking path scores thousands of candidates per query and reads only
	// the sum: reasons are written for the matches explained).
	add := func(feature string, d float64, reason string) {
		if d < 0 && name >= 1 {
			if detail {
				out = append(out, clearance.Adjustment{Feature: feature, Reason: reason + " (not applied: the name matches exactly)"})
			}
			return
		}
		sum += d
		if detail {
			out = append(out, clearance.Adjustment{Feature: feature, Delta: d, Reason: reason})
		}
	}
	if known(q.Type) && known(ent.Type) && q.Type != ent.Type {
		d := typeMismatchDelta
		if ent.TypeInferred {
			d = inferredTypeDelta
		}
		reason := ""
		if detail {
			reason = fmt.Sprintf("query is a %s, the listed entry a %s", q.Type, ent.Type)
		}
		add("type", d, reason)
	}
	if q.Country != "" && len(ent.Countries) > 0 {
		reason := ""
		if slices.ContainsFunc(ent.Countries, func(c string) bool { return strings.EqualFold(c, q.Country) }) {
			if detail {
				reason = fmt.Sprintf("country %s is among the entry's countries", strings.ToUpper(q.Country))
			}
			add("country", countryAgreesDelta, reason)
		} else {
			if detail {
				reason = fmt.Sprintf("country %s is not among the entry's countries (%s)", strings.ToUpper(q.Country), strings.Join(ent.Countries, ", "))
			}
			add("country", countryMismatchDelta, reason)
		}
	}
	if len(qa.legal) > 0 && len(n.legal) > 0 && !slices.ContainsFunc(qa.legal, func(c string) bool { return slices.Contains(n.legal, c) }) {
		reason := ""
		if detail {
			reason = fmt.Sprintf("legal forms differ (%s vs %s)", strings.Join(qa.legal, ", "), strings.Join(n.legal, ", "))
		}
		add("legal_form", legalFormMismatchDelt, reason)
	}
	return sum, out
}

func known(t clearance.EntityType) bool { return t != "" && t != clearance.Unknown }

// explain turns the last scoring of n into an Explanation: every query word
// with its partner (or none), every listed word without one, what was set
// aside, the adjustments, and a one-line summary. The contributions and
// adjustments add up to the score.
func (s *scorer) explain(e *engine, qws []queryWord, qa analyzedName, n *indexedName, r scoreResult) *clearance.Explanation {
	listedWords := make([]string, len(n.words))
	for j, id := range n.words {
		listedWords[j] = s.word(e, id).text
	}
	qtext := make([]string, len(qws))
	for i := range qws {
		qtext[i] = qws[i].text
	}
	x := &clearance.Explanation{
		Query:     strings.Join(qtext, " "),
		Listed:    strings.Join(listedWords, " "),
		Ignored:   append([]clearance.IgnoredToken(nil), qa.ignored...),
		Adjust:    r.adjust,
		NameScore: r.name,
	}
	byQuery := map[int]pair{}
	pairedN := make([]bool, len(n.words))
	for _, p := range s.chosen {
		byQuery[p.q0] = p
		for k := p.n0; k <= max(p.n0, p.n1); k++ {
			pairedN[k] = true
		}
	}
	matched := 0
	for i := 0; i < len(qws); i++ {
		p, ok := byQuery[i]
		if !ok {
			x.Alignments = append(x.Alignments, clearance.TokenAlignment{Query: qws[i].text, Kind: kindNone,
				Weight: s.queryExtra[i]})
			continue
		}
		qt, lt := qws[p.q0].text, listedWords[p.n0]
		for k := p.q0 + 1; k <= p.q1; k++ {
			qt += " " + qws[k].text
			i = k
		}
		for k := p.n0 + 1; k <= p.n1; k++ {
			lt += " " + listedWords[k]
		}
		matched++
		x.Alignments = append(x.Alignments, clearance.TokenAlignment{Query: qt, Listed: lt, Kind: p.kind,
			Similarity: p.sim, Weight: p.w, Contribution: p.sim * p.w / r.den})
	}
	missing, legalN := 0, 0
	for j := range n.words {
		if !pairedN[j] {
			kind := kindNone
			if !n.person && len(qa.legal) > 0 && s.inLegalForm(qws, qa, s.word(e, n.words[j])) {
				kind = kindLegalForm // weighs legalPartnerFactor (see score)
				legalN++
			} else {
				missing++
			}
			x.Alignments = append(x.Alignments, clearance.TokenAlignment{Listed: listedWords[j], Kind: kind,
				Weight: s.listedExtra[j]})
		}
	}
	for _, ig := range analyzeName(n.listed, n.person).ignored {
		ig.Reason += " (listed name)"
		x.Ignored = append(x.Ignored, ig)
	}
	total := r.name
	for _, a := range r.adjust {
		total += a.Delta
	}
	total = min(max(total, 0), 1)
	x.Summary = fmt.Sprintf("%d of %d query words matched %q; %d listed words unmatched; name score %.2f, score %.2f",
		matched, len(x.Alignments)-missing-legalN, n.listed, missing, r.name, total)
	return x
}

// joinedSimilarity compares one word with two adjacent words written
// together: exact ("hikvision" = "hik"+"vision") or, for the transliterated
// forms that split differently ("abd allh" / "abdullah"), by similarity.
// It returns 0 when the lengths or first letters rule a match out. wKey is
// w's skeleton (abjadKey) when known, "" to compute it if needed.
func (s *scorer) joinedSimilarity(w string, wf *form, wKey, a, b string, abjad, memo bool) float64 {
	n := len(a) + len(b)
	if n == len(w) && strings.HasPrefix(w, a) && strings.HasSuffix(w, b) {
		return 1
	}
	if n > len(w) && n <= len(w)+6 && a[0] == w[0] {
		// Written apart and inflected or in a longer form: "elect ronics"
		// for electronic, "airl ines" for air (airlines).
		if c, ok := tab.canonical[a+b]; ok && c == w {
			return 1
		}
	}
	if abjad && len(a) >= 2 && len(b) >= 2 && (a[0] == w[0] || isVowel(a[0]) && isVowel(w[0])) && (hasArticle(b) || isArticle(a)) {
		// A compound at the article, one word on one side and two on the
		// other: "hdait allh" for Hidayatullah, "shms addin" for
		// Shamsuddin, "alhbu" (الحبو) for "al Habbo", "alqadr" for "el
		// Kader". Vowels are unwritten, so only the skeletons compare.
		if d := skeletonLen(w) - skeletonLen(a) - skeletonLen(b); d >= -1 && d <= 1 {
			k := wKey
			if k == "" {
				k = abjadKey(w)
			}
			if (len(k) >= 4 || len(k) == 3 && isArticle(a)) && k == s.joinedAbjadKey(a, b, memo) {
				return abjadSimilarity
			}
		}
	}
	if n-len(w) > 2 || len(w)-n > 2 || n < 5 || a[0] != w[0] || len(a) < 2 || len(b) < 2 || b[len(b)-1] != w[len(w)-1] {
		// Fuzzy joins only of words, not initials ("william w" is not
		// "william"), and only of words that begin and end alike.
		return 0
	}
	jk := s.joinedKeys(a, b, memo)
	fj := &jk.form
	var fw form
	if wf != nil {
		fw = *wf
	} else {
		fw = newForm(w)
	}
	if abjad && fw.phonetic == fj.phonetic {
		return abjadSimilarity // "abd allh" for Abdullah
	}
	// Fuzzy joins only when nearly alike, one edit apart: a split word
	// plus a typo is rare, two unrelated syllables that happen to be close
	// are not ("mike lee" is not Mekele).
	if n < 6 && fw.roman != fj.roman {
		return 0 // five letters: only one romanisation apart ("abd al" / abdul)
	}
	if osaDistance(fw.text, fj.text, 1) > 1 {
		return 0
	}
	if sim, _ := similarity(&fw, fj, false); sim >= 0.85 {
		return sim
	}
	return 0
}

// joinedKey is two words written together with their keys.
type joinedKey struct {
	form
	abjad string
}

// joinedKeys returns the keys of a+b; with memo, from the scorer's memo
// (for the query's adjacent words, which meet every candidate name and
// whose keys cost more than the comparison).
func (s *scorer) joinedKeys(a, b string, memo bool) *joinedKey {
	if !memo {
		j := a + b
		return &joinedKey{newForm(j), abjadKey(j)}
	}
	if s.joins == nil {
		s.joins = make(map[[2]string]*joinedKey, 16)
	}
	if k, ok := s.joins[[2]string{a, b}]; ok {
		return k
	}
	j := a + b
	k := &joinedKey{newForm(j), abjadKey(j)}
	s.joins[[2]string{a, b}] = k
	return k
}

// joinedAbjadKey is the abjad key of a+b (memoised as joinedKeys).
func (s *scorer) joinedAbjadKey(a, b string, memo bool) string {
	if !memo {
		return abjadKey(a + b)
	}
	return s.joinedKeys(a, b, true).abjad
}

// skeletonLen is about how many letters abjadKey(w) keeps after the first:
// consonants, a doubled one and the h of a digraph (sh, kh, th …) once.
// Two words whose counts differ by more than a letter or two cannot share a
// skeleton; it is counted without allocating, to spare the keys.
func skeletonLen(w string) int {
	n := 0
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isVowel(c) || c == 'w' || c == 'v' || c == '|':
		case c == 'h' && strings.IndexByte("sckgtdzp", prev) >= 0:
		case c == prev:
		default:
			n++
		}
		if c != '|' {
			prev = c
		}
	}
	return n
}

// hasArticle reports whether an abjad word starts with the Arabic article,
// as written ("alrhmn") or assimilated ("arrhmn").
func hasArticle(w string) bool {
	return len(w) > 3 && w[0] == 'a' && (w[1] == 'l' || w[1] == w[2] && !isVowel(w[1]))
}

// isArticle reports whether w is the Arabic article as Latin spellings
// write it apart: al, el, ul, and assimilated (ad-Din, ar-Rahman, as-Sayed).
func isArticle(w string) bool {
	switch w {
	case "al", "el", "ul", "ad", "ar", "as", "at", "an", "az", "ed", "er", "es", "et", "en", "ez", "ud", "ur", "us", "ash", "esh", "ush":
		return true
	}
	return false
}

// altText is a query word in its second reading (Persian for Arabic
// script, Korean for Han), or as written.
func altText(qw *queryWord) string {
	if qw.alt.text != "" {
		return qw.alt.text
	}
	return qw.surface
}

// abjadPairSimilarity compares two adjacent abjad query words with two
// listed words split elsewhere ("abd alstar" / "abdul satar": the article
// goes with the first word in Latin, with the second in Arabic script) by
// the consonant skeletons of the pairs written together, in either reading.
func abjadPairSimilarity(qa, qb *queryWord, la, lb string) float64 {
	if len(qa.text)+len(qb.text) < 6 || !hasArticle(qb.text) {
		return 0
	}
	if d := skeletonLen(la) + skeletonLen(lb) - skeletonLen(qa.text) - skeletonLen(qb.text); d < -1 || d > 1 {
		return 0 // the skeletons cannot agree: spare the keys
	}
	if d := skeletonLen(la) - skeletonLen(qa.text); d < -1 || d > 1 {
		// The two sides split one compound at the article, a letter
		// apart, not a name apart: "abd allh" is Abdullah, not
		// "Abdullah Yahya" (the skeleton keys drop h, w and y after a
		// vowel, so the keys alone would agree).
		return 0
	}
	lk := abjadKey(la + lb)
	if len(lk) < 4 {
		return 0
	}
	if abjadKey(qa.text+qb.text) == lk || (qa.alt.text != "" || qb.alt.text != "") && abjadKey(altText(qa)+altText(qb)) == lk {
		return abjadSimilarity
	}
	return 0
}

// pairSimilarity compares two pairs of adjacent words written together,
// when they are split at different places; 0 otherwise.
func pairSimilarity(qa, qb, la, lb string) float64 {
	if qa == la || qa[0] != la[0] || qb[len(qb)-1] != lb[len(lb)-1] {
		return 0
	}
	nq, nl := len(qa)+len(qb), len(la)+len(lb)
	if nq == nl && strings.HasPrefix(qa+qb, la) && strings.HasSuffix(qa+qb, lb) {
		return 1
	}
	if nq-nl > 2 || nl-nq > 2 || nq < 5 {
		return 0
	}
	// Romanised syllables split alike but spelt apart: "jeong eun" /
	// "jong un" (Korean), as one romanisation of one name.
	// (The romanisation key first: it rules out nearly every pair, and the
	// forms' other keys cost as much again.)
	q, l := qa+qb, la+lb
	if romanKey(q) != romanKey(l) {
		return 0
	}
	fq, fl := newForm(q), newForm(l)
	if sim, _ := similarity(&fq, &fl, false); sim >= 0.85 {
		return sim
	}
	return 0
}
