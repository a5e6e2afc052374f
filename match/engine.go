package match

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
)

// engine is the in-memory index: a vocabulary of canonical words with their
// rarity weights, postings from each word to the names that hold it, a
// deletion dictionary and phonetic keys for typo-tolerant lookup, and joined
// adjacent words for spacing differences. Nothing in a query scans all names.
type engine struct {
	names []indexedName
	vocab map[string]int32
	words []wordInfo

	postings [][]int32 // word id → ids of names holding it (ascending, unique)
	joined   map[string][]int32
	// acronyms maps the initials of an organisation's name of three to
	// eight words ("pla") to the names (People's Liberation Army).
	acronyms map[string][]int32

	// Deletion dictionary (SymSpell): for every word of four letters or more,
	// the hash of each string obtained by deleting up to maxEdits letters,
	// grouped by the hash's top bits, with the word id alongside.
	delHash  []uint64
	delWord  []int32
	delStart []uint32 // top delBits bits of a hash → first index in delHash

	phonetic map[string][]int32 // phonetic key → word ids
	abjad    map[string][]int32 // abjadKey → word ids
	roman    map[string][]int32 // romanKey → word ids (Said/Saeed are no typo apart)
	// loanKeys maps the skeleton of a word's loan form (two consonants or
	// more) to its row of loanIDs, the word ids, for Hangul and katakana
	// transcriptions of foreign names (see loan.go).
	loanKeys map[string]int32
	loanIDs  [][]int32

	// expansions caches expand's answer for listed words (not transliterated
	// from an abjad), which recur across queries: word id → *[]expansion.
	expansions []atomic.Pointer[[]expansion]

	maxWord    int     // length of the longest listed word
	idfUnknown float64 // weight of a query word the lists never use
	idfShort   float64 // weight of a short query word the lists never use
	// scratch holds idle per-search working memory (about 1 MB each). A
	// channel rather than a sync.Pool: the pool is emptied at every garbage
	// collection, and re-allocating a megabyte per search under load costs
	// more than the search.
	scratch chan *searchScratch
}

// wordInfo is one vocabulary word.
type wordInfo struct {
	form
	abjad    string   // abjadKey, for queries in Arabic, Hebrew or Thai script
	nick     []uint16 // its lines in nicknames.tsv (a given name), or nil
	idf      float64
	location bool
	series   bool // a number or Roman numeral (isSeriesMarker)
}

// indexedName is one searchable form of one entity's name or alias.
type indexedName struct {
	entity int32
	alias  bool
	person bool
	// cjk: the listed name is written in Han, Hangul or kana; a query in
	// those scripts must then give the same syllables (see scorer.score).
	cjk    bool
	listed string  // the name as listed (Match.MatchedName)
	words  []int32 // content words in order
	// given is the index in words of a person's first given name ("Damion"
	// in "RYAN, Damion Patrick"), -1 when not known.
	given int16
	// surface holds the words as written where a canonical form replaced
	// one ("holdings" for holding), for joins; nil when none was replaced.
	surface []string
	legal   []string
}

// hashSkip hashes s (FNV-1a, 64 bits) with the bytes at positions i and j
// left out (-1: none).
func hashSkip(s string, i, j int) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(s); k++ {
		if k != i && k != j {
			h ^= uint64(s[k])
			h *= 1099511628211
		}
	}
	// Mix the high bits, which pick the bucket.
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
}

// deletionHashes calls fn with the hash of every string made by deleting up
// to edits bytes from w (duplicates included).
func deletionHashes(w string, edits int, fn func(uint64)) {
	fn(hashSkip(w, -1, -1))
	if edits < 1 {
		return
	}
	for i := 0; i < len(w); i++ {
		fn(hashSkip(w, i, -1))
		if edits < 2 {
			continue
		}
		for j := i + 1; j < len(w); j++ {
			fn(hashSkip(w, i, j))
		}
	}
}

// deletionCount is how many hashes deletionHashes gives for a word of n
// letters and up to edits deletions (before duplicates).
func deletionCount(n, edits int) int {
	c := 1
	if edits >= 1 {
		c += n
	}
	if edits >= 2 {
		c += n * (n - 1) / 2
	}
	return c
}

// nameVariants returns the searchable forms of one listed name: the name
// itself, the name without a parenthesised part and the parenthesised part
// alone ("National Supercomputing Center Changsha (NSCC-CS)"), and the
// affiliate named after "Affiliated Entity:" in Entity List entries.
func nameVariants(listed string) []string {
	out := []string{listed}
	if _, after, ok := strings.Cut(listed, "Affiliated Entity:"); ok && strings.TrimSpace(after) != "" {
		out = append(out, after)
	}
	for _, s := range out[:len(out):len(out)] {
		// Two names in one, split by a slash ("AL-ITIHAAD AL-ISLAMIYA /
		// AIAI", "Al-Qa'ida/Islamic Army"); not a form that writes one
		// (A/S, S/A, c/o) or a number (24/7).
		if parts := strings.Split(s, "/"); len(parts) > 1 {
			names := 0
			for _, p := range parts {
				if letters(p) >= 4 {
					names++
				}
			}
			if names == len(parts) {
				for _, p := range parts {
					out = append(out, p)
				}
			}
		}
	}
	for _, s := range out[:len(out):len(out)] {
		i := strings.IndexByte(s, '(')
		j := strings.LastIndexByte(s, ')')
		if i >= 0 && j > i {
			inner := s[i+1 : j]
			outer := s[:i] + " " + s[j+1:]
			if strings.TrimSpace(outer) != "" {
				out = append(out, outer)
			}
			if len(strings.TrimSpace(inner)) >= 2 {
				out = append(out, inner)
			}
		}
	}
	return out
}

// firstGivenName returns the index among a's words of the first given name
// of a person's listed name v: the first word after the comma of "SURNAME,
// Given Names", else the first word; -1 for a non-person, an initial, or
// when the comma's parts do not line up with a's words.
func firstGivenName(v string, a analyzedName, person bool) int16 {
	if !person || len(a.words) < 2 {
		return -1
	}
	k := 0
	if before, after, ok := strings.Cut(v, ","); ok {
		b, g := analyze(normalizeWords(before), true), analyze(normalizeWords(after), true)
		k = len(b.words)
		if len(g.words) == 0 || k >= len(a.words) || a.words[k] != g.words[0] {
			return -1
		}
	}
	if len(a.words[k]) < 2 {
		return -1
	}
	return int16(k)
}

// analyzedListing is one searchable form of an entity's name, analysed.
type analyzedListing struct {
	analyzedName
	listed        string
	alias, person bool
	given         int16
}

// analyzeEntities normalises and analyses every name of every entity (the
// costly, independent part of building), on all cores. Forms of one entity
// with the same words are kept once.
func analyzeEntities(es []clearance.Entity) [][]analyzedListing {
	out := make([][]analyzedListing, len(es))
	workers := max(runtime.GOMAXPROCS(0), 1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ei := w; ei < len(es); ei += workers {
				ent := &es[ei]
				person := ent.Type == clearance.Person
				var seen []string
				for ni, listed := range ent.Names() {
					for _, v := range nameVariants(listed) {
						a := analyzeName(v, person)
						if len(a.words) == 0 {
							continue
						}
						key := strings.Join(a.words, " ")
						if slices.Contains(seen, key) {
							continue
						}
						seen = append(seen, key)
						out[ei] = append(out[ei], analyzedListing{a, listed, ni > 0, person, firstGivenName(v, a, person)})
					}
				}
			}
		}()
	}
	wg.Wait()
	return out
}

func newEngine(es []clearance.Entity) *engine {
	e := &engine{vocab: make(map[string]int32, 1<<16), joined: make(map[string][]int32, 1<<17), acronyms: make(map[string][]int32, 1<<14),
		phonetic: make(map[string][]int32, 1<<15), abjad: make(map[string][]int32, 1<<15), roman: make(map[string][]int32, 1<<15),
		loanKeys: make(map[string]int32, 1<<15)}
	wordID := func(w string) int32 {
		if id, ok := e.vocab[w]; ok {
			return id
		}
		id := int32(len(e.words))
		e.vocab[w] = id
		e.words = append(e.words, wordInfo{form: newForm(w), location: tab.locations[w], nick: tab.nicknames[w], series: isSeriesMarker(w)})
		e.postings = append(e.postings, nil)
		return id
	}
	// Sized up front: growing these slices one append at a time copied
	// ~100 MB in a fresh process (a third of a cold index build).
	analyzed := analyzeEntities(es)
	nNames := 0
	for _, names := range analyzed {
		nNames += len(names)
	}
	e.names = make([]indexedName, 0, nNames)
	e.words = make([]wordInfo, 0, 1<<16)
	e.postings = make([][]int32, 0, 1<<16)
	df := make([]int32, 0, 1<<16)
	seenEntity := make([]int32, 0, 1<<16) // word id → last entity counted (+1)
	for ei, names := range analyzed {
		for _, an := range names {
			a := an.analyzedName
			{
				n := indexedName{entity: int32(ei), alias: an.alias, person: an.person, cjk: hasCJK(an.listed), listed: an.listed, legal: a.legal, given: an.given}
				nameID := int32(len(e.names))
				for _, w := range a.words {
					id := wordID(w)
					n.words = append(n.words, id)
					if p := e.postings[id]; len(p) == 0 || p[len(p)-1] != nameID {
						e.postings[id] = append(p, nameID)
					}
					for int(id) >= len(df) {
						df = append(df, 0)
						seenEntity = append(seenEntity, 0)
					}
					if seenEntity[id] != int32(ei)+1 {
						seenEntity[id] = int32(ei) + 1
						df[id]++
					}
				}
				if !slices.Equal(a.words, a.surface) {
					n.surface = a.surface
				}
				for k := 0; k+1 < len(a.words); k++ {
					js := []string{a.words[k] + a.words[k+1], a.surface[k] + a.surface[k+1]}
					if k+2 < len(a.words) {
						js = append(js, a.words[k]+a.words[k+1]+a.words[k+2]) // "van der bilt"
					}
					for _, j := range js {
						if p := e.joined[j]; len(p) == 0 || p[len(p)-1] != nameID {
							e.joined[j] = append(p, nameID)
						}
					}
				}
				if k := len(a.words); !n.person && k >= 3 && k <= 8 {
					b := make([]byte, 0, k)
					for _, w := range a.words {
						if len(w) < 2 || isDigits(w) {
							b = nil
							break
						}
						b = append(b, w[0])
					}
					if b != nil {
						e.acronyms[string(b)] = append(e.acronyms[string(b)], nameID)
					}
				}
				e.names = append(e.names, n)
			}
		}
	}
	// Rarity weights over entities (an entity with 30 aliases naming
	// "Huawei" is one document, not 30).
	total := float64(len(es)) + 1
	for id := range e.words {
		e.words[id].idf = math.Pow(math.Log(total/(float64(df[id])+0.5)), rarityExponent)
	}
	e.idfUnknown = math.Pow(math.Log(total/0.5), rarityExponent)
	e.idfShort = math.Pow(math.Log(total/5.5), rarityExponent)
	// Typo and sound-alike lookup tables.
	type del struct {
		h  uint64
		id int32
	}
	nDels := 0
	countDels := func(w string) {
		if n := len(w); n > shortWord && !isDigits(w) {
			nDels += deletionCount(n, maxEdits(n))
		}
	}
	for id := range e.words {
		countDels(e.words[id].text)
		for _, f := range tab.spelledAs[e.words[id].text] {
			countDels(f.text)
		}
	}
	dels := make([]del, 0, nDels)
	var formBuf, skelBuf []byte
	for id, w := range e.words {
		e.maxWord = max(e.maxWord, len(w.text))
		if len(w.text) > shortWord && !isDigits(w.text) {
			deletionHashes(w.text, maxEdits(len(w.text)), func(h uint64) { dels = append(dels, del{h, int32(id)}) })
		}
		for _, f := range tab.spelledAs[w.text] {
			// A mistyped longer spelling ("elecrtoncs", "airinnes") finds
			// the canonical word (electronic, air) as a neighbour of that
			// spelling.
			deletionHashes(f.text, maxEdits(len(f.text)), func(h uint64) { dels = append(dels, del{h, int32(id)}) })
		}
		if len(w.phonetic) >= 2 {
			e.phonetic[w.phonetic] = append(e.phonetic[w.phonetic], int32(id))
		}
		if len(w.roman) >= 3 && len(w.text) >= 4 && !isDigits(w.text) {
			e.roman[w.roman] = append(e.roman[w.roman], int32(id))
		}
		if k := abjadKey(w.text); len(k) >= 2 || len(k) == 1 && len(w.text) >= 3 {
			// (One consonant: Rawi, Maya, Pouya; see oneConsonantAlike.)
			e.words[id].abjad = k
			e.abjad[k] = append(e.abjad[k], int32(id))
		}
		// (Into reused buffers: a key string is made once per skeleton.)
		if form, ok := appendLatinLoanForm(formBuf[:0], w.text); ok {
			formBuf = form
			if k, n := appendLoanSkeleton(skelBuf[:0], form); n >= 2 {
				skelBuf = k
				row, ok := e.loanKeys[string(k)]
				if !ok {
					row = int32(len(e.loanIDs))
					e.loanKeys[string(k)] = row
					e.loanIDs = append(e.loanIDs, nil)
				}
				e.loanIDs[row] = append(e.loanIDs[row], int32(id))
			}
		}
	}
	// Place the hashes into buckets by their top bits (a counting sort: a
	// lookup scans one bucket, so no order is needed within it).
	e.delStart = make([]uint32, 1<<delBits+1)
	for _, d := range dels {
		e.delStart[d.h>>(64-delBits)+1]++
	}
	for b := 1; b < len(e.delStart); b++ {
		e.delStart[b] += e.delStart[b-1]
	}
	e.delHash = make([]uint64, len(dels))
	e.delWord = make([]int32, len(dels))
	next := slices.Clone(e.delStart[:1<<delBits])
	for _, d := range dels {
		b := d.h >> (64 - delBits)
		e.delHash[next[b]], e.delWord[next[b]] = d.h, d.id
		next[b]++
	}
	e.expansions = make([]atomic.Pointer[[]expansion], len(e.words))
	e.scratch = make(chan *searchScratch, 4*runtime.GOMAXPROCS(0))
	return e
}

// delBits is the number of hash bits that index the deletion buckets.
const delBits = 20

// deletions calls fn with the ids of the words having a deletion with hash h.
func (e *engine) deletions(h uint64, fn func(int32)) {
	b := h >> (64 - delBits)
	for i := e.delStart[b]; i < e.delStart[b+1]; i++ {
		if e.delHash[i] == h {
			fn(e.delWord[i])
		}
	}
}

// searchScratch is per-search working memory, pooled.
type searchScratch struct {
	seen     []uint32  // name id → stamp of the last search that queued it
	acc      []float64 // name id → query weight it may cover (upper bound)
	lastWord []int16   // name id → 1 + the last query word counted in acc
	wordSeen []uint32  // word id → wstamp of the last expansion that met it
	stamp    uint32
	wstamp   uint32
	cands    []int32
	scr      scorer // reused across searches (see scorer.reset)
}

// getScratch returns idle working memory, or new memory when none is idle.
func (e *engine) getScratch() *searchScratch {
	select {
	case sc := <-e.scratch:
		return sc
	default:
		return &searchScratch{seen: make([]uint32, len(e.names)), acc: make([]float64, len(e.names)),
			lastWord: make([]int16, len(e.names)), wordSeen: make([]uint32, len(e.words))}
	}
}

// putScratch returns working memory for reuse, or drops it when enough is
// idle.
func (e *engine) putScratch(sc *searchScratch) {
	select {
	case e.scratch <- sc:
	default:
	}
}

// next starts a new search or expansion in the scratch space.
func (sc *searchScratch) next() {
	sc.stamp++
	if sc.stamp == 0 {
		clear(sc.seen)
		sc.stamp = 1
	}
}

// expansion is an indexed word a query word may stand for.
type expansion struct {
	word int32
	sim  float64
	kind string
}

// queryWord is one content word of the query with what it may match.
type queryWord struct {
	form
	surface string // as written, before its canonical form
	known   bool   // in the vocabulary
	abjad   bool   // transliterated from Arabic or Hebrew script: vowels unwritten
	// For an abjad word: its consonant skeleton (abjadKey), and the word as
	// Persian and Urdu read it (persianReading; alt.text "" when the same)
	// with its skeleton. For a word from Bengali or Devanagari with bh: alt
	// is the word with v for bh, as those scripts write a foreign v.
	abjadKey, altAbjadKey string
	// gAbjadKey is the skeleton with ق read g, as the Maghreb, the Gulf
	// and Persian say it (بلقاسم, Belgacem; قاسم, Ghasem), when the word
	// has one.
	gAbjadKey string
	// dentalKeys are the skeletons of the word with ظ and ذ in their
	// other readings (see dentalReadings), when it has them.
	dentalKeys []string
	// marbuta: the word ends in ة (ta marbuta), which the Arabic table
	// reads as the vowel "a" and Latin spellings also write -ah or -at
	// (الجلاهمة: Jalahma, Al-Jalahmah; نصرة: Nusra, Nusrat).
	marbuta bool
	// trans: for an Arabic-script word, the English words the lists
	// translate it by (see arabicTranslations), or nil.
	trans []string
	// patronymic: the word ends like an East Slavic patronymic (see
	// patronymicSimilarity).
	patronymic bool
	alt        form
	// syllabic: the word was romanised from Han (syllabicHan) or from
	// Hangul or kana (syllabicKana), see scorer.score.
	syllabic byte
	weight   float64
	location bool
	series   bool     // a number or Roman numeral (isSeriesMarker)
	nick     []uint16 // its lines in nicknames.tsv (a given name), or nil
	exps     []expansion

	// loan: the first word of a run of Hangul syllables, or a katakana
	// word, holds the run with its loan readings (see loan.go).
	loan *loanRun
}

// katakanaLoan reports whether qw is a katakana word with loan readings.
func (qw *queryWord) katakanaLoan() bool { return qw.loan != nil && !qw.loan.hangul }

// hangulLoan reports whether qw starts a run of Hangul syllables with loan
// readings.
func (qw *queryWord) hangulLoan() bool { return qw.loan != nil && qw.loan.hangul }

// loanWords returns the ids of the listed words whose loan form has the
// skeleton k.
func (e *engine) loanWords(k string) []int32 {
	if row, ok := e.loanKeys[k]; ok {
		return e.loanIDs[row]
	}
	return nil
}

// expand finds the vocabulary words a query word may stand for: itself, the
// words within its typo budget (deletion dictionary, verified by distance)
// and the words with its phonetic key.
func (e *engine) expand(qw *queryWord, sc *searchScratch) []expansion {
	w := qw.text
	self, listed := e.vocab[w]
	if listed && !qw.abjad && qw.alt.text == "" && !qw.katakanaLoan() {
		if p := e.expansions[self].Load(); p != nil {
			return *p
		}
		out := e.expandUncached(qw, sc, true)
		e.expansions[self].Store(&out)
		return out
	}
	return e.expandUncached(qw, sc, listed)
}

func (e *engine) expandUncached(qw *queryWord, sc *searchScratch, listed bool) []expansion {
	w, phon := qw.text, qw.phonetic
	var out []expansion
	sc.wstamp++
	if sc.wstamp == 0 {
		clear(sc.wordSeen)
		sc.wstamp = 1
	}
	add := func(id int32) {
		if sc.wordSeen[id] == sc.wstamp {
			return
		}
		sc.wordSeen[id] = sc.wstamp
		v := &e.words[id]
		if s, kind := wordSimilarity(qw, v, listed); s > 0 {
			out = append(out, expansion{id, s, kind})
		}
	}
	if id, ok := e.vocab[w]; ok {
		add(id)
	}
	if len(w) >= 2 && len(w) <= shortWord && !isDigits(w) {
		// Short words: the listed words one letter longer (Han → Khan) and
		// those with another vowel (Fei → Fey).
		e.deletions(hashSkip(w, -1, -1), add)
		// And those one letter shorter (Uun → Un, a doubled letter).
		var buf [8]byte
		for k := range len(w) {
			if id, ok := e.vocab[string(append(append(buf[:0], w[:k]...), w[k+1:]...))]; ok {
				add(id)
			}
		}
		// And the pinyin syllable with x, s or sh for another (Shi, Xi).
		if rest, ok := strings.CutPrefix(w, "sh"); ok || w[0] == 'x' || w[0] == 's' {
			if !ok {
				rest = w[1:]
			}
			for _, p := range []string{"x", "s", "sh"} {
				if id, ok := e.vocab[string(append(append(buf[:0], p...), rest...))]; ok {
					add(id)
				}
			}
		}
		b := []byte(w)
		for k := range b {
			if !isVowel(w[k]) {
				continue
			}
			for _, v := range []byte("aeiouy") {
				if v != w[k] {
					b[k] = v
					if id, ok := e.vocab[string(b)]; ok {
						add(id)
					}
				}
			}
			b[k] = w[k]
		}
	}
	if len(w) > shortWord && !isDigits(w) && len(w) <= e.maxWord+2 {
		// (A word longer than every listed word by more than two letters
		// has no neighbour within two edits: no deletions to try, which for
		// a pasted run of a thousand letters would cost seconds.)
		// A listed word may differ from another by one edit only (see
		// similarity), so one deletion suffices to find its neighbours.
		edits := maxEdits(len(w))
		if listed && len(w) < 10 {
			edits = min(edits, 1)
		}
		deletionHashes(w, edits, func(h uint64) { e.deletions(h, add) })
	}
	if len(w) >= 3 && len(qw.roman) >= 3 {
		// (Three letters: Nur finds Noor, Nour; similarity then keeps
		// only short romanisation variants.)
		for _, id := range e.roman[qw.roman] {
			add(id)
		}
	}
	if len(phon) >= 3 || (qw.abjad && len(phon) >= 2) {
		for _, id := range e.phonetic[phon] {
			add(id)
		}
	}
	if qw.abjad && (len(qw.abjadKey) >= 2 || len(qw.abjadKey) == 1 && len(w) >= 3) {
		for _, id := range e.abjad[qw.abjadKey] {
			add(id)
		}
	}
	if len(qw.gAbjadKey) >= 3 {
		for _, id := range e.abjad[qw.gAbjadKey] {
			add(id)
		}
	}
	for _, k := range qw.dentalKeys {
		for _, id := range e.abjad[k] {
			add(id)
		}
	}
	if qw.marbuta {
		for _, t := range marbutaSpellings(w) {
			for _, id := range e.abjad[abjadKey(t)] {
				add(id)
			}
		}
	}
	for _, t := range qw.trans {
		if id, ok := e.vocab[t]; ok {
			add(id)
		}
	}
	if qw.abjad && len(w) >= 5 && strings.HasPrefix(w, "al") {
		// The word without the article the lists often drop (الطيب, Tayeb).
		for _, id := range e.abjad[abjadKey(w[2:])] {
			add(id)
		}
	}
	if qw.katakanaLoan() {
		// The listed words a katakana word may transcribe (プーチン, Putin).
		for _, a := range qw.loan.alts {
			for _, id := range e.loanWords(a.skel) {
				add(id)
			}
		}
	}
	if qw.alt.text != "" {
		// The Persian reading of the word: رضایی as "rzaii" (Rezaei).
		if id, ok := e.vocab[qw.alt.text]; ok {
			add(id)
		}
		if len(qw.alt.phonetic) >= 2 {
			for _, id := range e.phonetic[qw.alt.phonetic] {
				add(id)
			}
			for _, id := range e.abjad[qw.altAbjadKey] {
				add(id)
			}
		}
	}
	// Best first: the candidate bound counts a name's best expansion.
	slices.SortFunc(out, func(a, b expansion) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return int(a.word - b.word)
	})
	return out
}

// Coverage weights: how much a word with no partner dilutes the score.
// A query word the listed name lacks weighs nearly fully (the customer named
// something the list does not); a listed word the query lacks weighs a
// quarter (customers drop middle names, city prefixes, second surnames).
const (
	extraQueryWeight  = 0.9
	extraListedWeight = 0.25
	// personExtraListedWeight is extraListedWeight for a person's listed
	// name, whose middle names and second surnames customers rarely give.
	personExtraListedWeight = 0.15
	// personMiddleFactor discounts a query word that sits between two
	// matched words of a person's name (a middle name or patronymic).
	personMiddleFactor = 0.5
	// contradictionWeight is the weight of a listed word the query
	// replaced by a word of its own (see scorer.score).
	contradictionWeight = 0.5
	// maxQueryWords is the most content words of a query that are
	// matched (the longest listed name has 64).
	maxQueryWords = 64
	// genericExtraFactor discounts a generic company word (Holding,
	// Group) that a company query adds to the listed name.
	genericExtraFactor = 0.5
	// givenNameWeight is the weight of a person's listed first given name
	// that a query of two names or more does not give.
	givenNameWeight = 0.5
	// locationFactor further discounts an unpartnered place name.
	locationFactor = 0.2
	// rarityExponent sharpens IDF into a weight (w = idf^rarityExponent):
	// on a log scale "group" (idf 4) and "hikvision" (idf 9) differ too
	// little for a query with an extra generic word to stay a match.
	rarityExponent = 2.5
)

// search screens q; a Han name that reads as Korean (金正恩) is screened in
// both readings, as written (pinyin: a Chinese 金 is Jin) and in Hangul
// (김정은, Kim Jong Un), and each entity keeps its better score.
func (e *engine) search(ix *Index, q Query) []clearance.Match {
	ms := e.searchOne(ix, q)
	k := koreanHangul(q.Name)
	if k == "" {
		return ms
	}
	qk := q
	qk.Name = k
	for _, m := range e.searchOne(ix, qk) {
		readAsKorean(&m, k)
		i := slices.IndexFunc(ms, func(o clearance.Match) bool { return o.EntityID == m.EntityID })
		switch {
		case i < 0:
			ms = append(ms, m)
		case m.Score > ms[i].Score:
			ms[i] = m
		}
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Score != ms[j].Score {
			return ms[i].Score > ms[j].Score
		}
		return ms[i].EntityID < ms[j].EntityID
	})
	if q.Limit > 0 && len(ms) > q.Limit {
		ms = ms[:q.Limit]
	}
	return ms
}

// readAsKorean notes in m's explanation that the query was read as Korean.
func readAsKorean(m *clearance.Match, hangul string) {
	if x := m.Explanation; x != nil {
		x.Summary = "read as Korean (" + hangul + "): " + x.Summary
	}
}

func (e *engine) searchOne(ix *Index, q Query) []clearance.Match {
	sc := e.getScratch()
	defer e.putScratch(sc)
	qa, qws := e.analyzeQuery(q, sc)
	if len(qws) == 0 {
		return nil
	}
	sc.next()
	sc.cands = sc.cands[:0]
	// queue adds the names of p as candidates and credits each with weight
	// w of query word i (once per word: expansions come best first).
	queue := func(p []int32, i int, w float64) {
		for _, n := range p {
			if sc.seen[n] != sc.stamp {
				sc.seen[n] = sc.stamp
				sc.cands = append(sc.cands, n)
				sc.acc[n], sc.lastWord[n] = 0, 0
			}
			if sc.lastWord[n] != int16(i+1) {
				sc.lastWord[n] = int16(i + 1)
				sc.acc[n] += w
			}
		}
	}
	// Only the query's heaviest words generate candidates: a name that
	// shares none of them cannot cover enough of the query to reach the
	// threshold (a conservative bound, see generatingWords).
	gen, rest := generatingWords(qws, q.Threshold)
	for _, i := range gen {
		qw := &qws[i]
		ew := effectiveWeight(qw)
		for _, x := range qw.exps {
			queue(e.postings[x.word], i, ew*x.sim)
		}
		queue(e.joined[qw.text], i, ew)
		queue(e.acronyms[qw.text], i, ew)
		if qw.surface != qw.text {
			queue(e.joined[qw.surface], i, ew)
		}
		// The query's adjacent words written together, as written and in
		// canonical form ("elect ronics" → electronic).
		for _, k := range []int{i - 1, i} {
			if k < 0 || k+1 >= len(qws) {
				continue
			}
			w2 := ew + effectiveWeight(&qws[k+1-(i-k)])
			j := qws[k].surface + qws[k+1].surface
			if id, ok := e.vocab[j]; ok {
				queue(e.postings[id], i, w2)
			}
			if c, ok := tab.canonical[j]; ok {
				if id, ok := e.vocab[c]; ok {
					queue(e.postings[id], i, w2)
				}
			}
			queue(e.joined[j], i, w2)
			if len(j) >= 6 {
				// Joined in another romanisation ("abd alah" →
				// Abdulah, Abdallah): by romanisation key.
				for _, id := range e.roman[romanKey(j)] {
					queue(e.postings[id], i, w2)
				}
			}
		}
		// Three adjacent query words written together ("plat ono vich").
		var buf [64]byte
		for k := max(i-2, 0); k <= i && k+2 < len(qws); k++ {
			j := append(append(append(buf[:0], qws[k].surface...), qws[k+1].surface...), qws[k+2].surface...)
			if id, ok := e.vocab[string(j)]; ok { // (no allocation: a map index by converted bytes)
				queue(e.postings[id], i, ew+effectiveWeight(&qws[k])+effectiveWeight(&qws[k+1])+effectiveWeight(&qws[k+2])-effectiveWeight(qw))
			}
		}
	}
	// A run of Hangul syllables may transcribe a foreign name (블라디미르,
	// Vladimir): the names holding a listed word it may stand for, credited
	// with the run's weight (the scorer pairs the run only where the
	// syllables found no partner of their own).
	for i := range qws {
		qw := &qws[i]
		if !qw.hangulLoan() {
			continue
		}
		w := 0.0
		for k := i; k <= qw.loan.to; k++ {
			w += effectiveWeight(&qws[k])
		}
		for _, a := range qw.loan.alts {
			for _, id := range e.loanWords(a.skel) {
				if loanMatch(qw.loan.alts, latinLoanForm(e.words[id].text), true) > 0 {
					queue(e.postings[id], i, w*loanSimilarity)
				}
			}
		}
	}
	total := 0.0
	for i := range qws {
		total += effectiveWeight(&qws[i])
	}
	// A name covering query weight M of the total W scores at most
	// M / (M + extraQueryWeight·(W−M)); those that cannot reach the
	// threshold (less a margin for typo weights) are not scored.
	floor := q.Threshold - boundMargin
	type hit struct {
		m    clearance.Match
		name int32
	}
	best := map[int32]int{} // entity → index in hits
	var hits []hit
	scr := &sc.scr
	scr.reset()
	bound := func(nid int32) float64 {
		m := min(sc.acc[nid]+rest, total)
		return m / (m + extraQueryWeight*(total-m))
	}
	// With many candidates, score the most promising first, and stop once
	// no remaining candidate can enter the top q.Limit.
	ranked := len(sc.cands) > 64 && q.Limit > 0
	if ranked {
		slices.SortFunc(sc.cands, func(a, b int32) int {
			switch ba, bb := bound(a), bound(b); {
			case ba > bb:
				return -1
			case ba < bb:
				return 1
			}
			return int(a - b)
		})
	}
	var top []float64 // the best q.Limit entity scores so far, descending
	for _, nid := range sc.cands {
		b := bound(nid)
		if b < floor {
			if ranked {
				break
			}
			continue
		}
		if ranked && len(top) == q.Limit && b+boundMargin < top[len(top)-1] {
			break
		}
		n := &e.names[nid]
		ent := &ix.entities[n.entity]
		if !listAllowed(q.Lists, ent.List) || !ent.ListedAsOf(q.AsOf) {
			continue
		}
		total := scr.score(e, qws, qa, n, ent, q).total
		if total < q.Threshold {
			continue
		}
		k, ok := best[n.entity]
		if !ok {
			best[n.entity] = len(hits)
			hits = append(hits, hit{e.toMatch(ent, n, total), nid})
			if ranked {
				top = insertTop(top, total, q.Limit)
			}
			continue
		}
		// Keep the entity's best name; on a tie prefer the primary name.
		if old := hits[k].m; total > old.Score || (total == old.Score && old.Alias && !n.alias) {
			hits[k] = hit{e.toMatch(ent, n, total), nid}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].m.Score != hits[j].m.Score {
			return hits[i].m.Score > hits[j].m.Score
		}
		return hits[i].m.EntityID < hits[j].m.EntityID
	})
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]clearance.Match, len(hits))
	for i, h := range hits {
		out[i] = h.m
		if q.Explain {
			n := &e.names[h.name]
			scr.detail = true
			r := scr.score(e, qws, qa, n, h.m.Entity, q)
			out[i].Explanation = scr.explain(e, qws, qa, n, r)
		}
	}
	return out
}

// analyzeQuery normalises and analyses the query and finds, for each of
// its content words, its weight and the indexed words it may stand for.
func (e *engine) analyzeQuery(q Query, sc *searchScratch) (analyzedName, []queryWord) {
	words := normalizeWords(q.Name)
	if hasAbjad(q.Name) {
		// The particles of Arabic names as the Arabic table writes them:
		// بن and ابن are bin (ibn), بنت bint, so that they meet the listed
		// particle and the son/father order check sees them.
		for i, w := range words {
			switch w {
			case "bn", "abn":
				words[i] = "bin"
			case "bnt":
				words[i] = "bint"
			case "fi": // في, in: "Al-Qaida in Iraq", القاعده في العراق
				words[i] = "in"
			case "w", "wa": // و written apart, and
				words[i] = "and"
			}
		}
	}
	words = e.readDigitsAsLetters(words)
	if q.Type != clearance.Person {
		words = e.mendWords(words)
	}
	qa := analyzeWords(words, q.Type == clearance.Person, hanReadings(q.Name) != nil)
	if q.Type != clearance.Person {
		qa = e.dropMisspeltLegalWords(qa, words)
	}
	if len(qa.words) > maxQueryWords {
		// No listed name has more content words; scoring grows with the
		// square of the count, so a pasted paragraph would cost seconds.
		for _, w := range qa.words[maxQueryWords:] {
			qa.ignored = append(qa.ignored, clearance.IgnoredToken{Token: w, Reason: fmt.Sprintf("beyond the first %d words", maxQueryWords)})
		}
		qa.words, qa.surface = qa.words[:maxQueryWords], qa.surface[:maxQueryWords]
	}
	qws := make([]queryWord, len(qa.words))
	if runs := loanRuns(q.Name); runs != nil {
		for i := range qws {
			qws[i].surface = qa.surface[i]
		}
		markLoanRuns(runs, qws)
	}
	abjad, syllabic := hasAbjad(q.Name), syllabicScript(q.Name)
	vReading := strings.ContainsAny(q.Name, "भভ")
	// An Arabic-script word: its skeleton from its letters, and its Persian
	// reading (where that differs) with that reading's skeleton.
	type reading struct {
		key, alt, altKey, gKey string
		dental                 []string
	}
	var readings map[string]reading
	if abjad {
		base, baseSeg := normalizeWords(q.Name), normalizeWordsWith(q.Name, nil, true)
		alt, altSeg := persianReading(q.Name, false), persianReading(q.Name, true)
		// ظ and ذ in their other readings (see dentalReadings).
		var dental [][]string
		if strings.ContainsAny(q.Name, "ظذ") {
			for _, m := range dentalReadings {
				if d := normalizeWordsWith(q.Name, m, true); len(d) == len(baseSeg) {
					dental = append(dental, d)
				}
			}
		}
		if len(base) == len(alt) && len(base) == len(baseSeg) && len(alt) == len(altSeg) {
			readings = make(map[string]reading, len(base))
			for i := range base {
				if _, seen := readings[base[i]]; !seen {
					r := reading{key: abjadKey(baseSeg[i])}
					seg := baseSeg[i]
					if alt[i] != base[i] {
						r.alt, r.altKey = alt[i], abjadKey(altSeg[i])
						seg = altSeg[i]
					}
					if strings.IndexByte(seg, 'q') >= 0 {
						r.gKey = abjadKey(strings.ReplaceAll(seg, "q", "g"))
					}
					for _, d := range dental {
						if d[i] != baseSeg[i] {
							if k := abjadKey(d[i]); k != r.key && !slices.Contains(r.dental, k) {
								r.dental = append(r.dental, k)
							}
						}
					}
					readings[base[i]] = r
				}
			}
		}
	}
	var marbuta map[string]bool
	if abjad && strings.ContainsRune(q.Name, 'ة') {
		marbuta = marbutaWords(q.Name)
	}
	for i, w := range qa.words {
		qw := &qws[i]
		qw.marbuta = marbuta[qa.surface[i]]
		// (The English words that Chinese company words become, 科技 →
		// technology, are words, not syllables.)
		qw.form, qw.abjad, qw.surface = newForm(w), abjad, qa.surface[i]
		if abjad {
			qw.abjadKey = abjadKey(w)
			if q.Type != clearance.Person {
				qw.trans = arabicTranslations(w) // a person's name has no generic words
			}
		}
		if r, ok := readings[qw.surface]; ok {
			if abjad {
				qw.abjadKey, qw.gAbjadKey, qw.dentalKeys = r.key, r.gKey, r.dental
			}
			if r.alt != "" {
				qw.alt, qw.altAbjadKey = newForm(r.alt), r.altKey
			}
		}
		if vReading && !abjad && strings.Contains(w, "bh") {
			// Bengali and Nepali write a foreign v with ভ, भ (bh):
			// ভ্লাদিমির, "bhladimir", is Vladimir.
			qw.alt = newForm(strings.ReplaceAll(w, "bh", "v"))
		}
		if !tab.hanTermWords[w] {
			qw.syllabic = syllabic
		}
		qw.location = tab.locations[w]
		qw.series = isSeriesMarker(w)
		qw.nick = tab.nicknames[w]
		_, _, qw.patronymic = patronymic(w)
		qw.exps = e.expand(qw, sc)
		if id, ok := e.vocab[w]; ok {
			qw.known = true
			qw.weight = e.words[id].idf
			if len(w) <= shortWord {
				qw.weight = min(qw.weight, e.idfShort) // see below
			}
			continue
		}
		// An unknown word that is a typo of listed words weighs what they
		// weigh; one that resembles nothing weighs as the rarest word,
		// unless it has three letters or fewer: such words (acronyms,
		// syllables, "NK") are ambiguous, and weigh at most as a word of five
		// entities.
		qw.weight = e.idfUnknown
		if len(w) <= shortWord {
			qw.weight = e.idfShort
		}
		// Expansions come best first: weigh as the closest ones. A
		// translation (see arabicTranslations) counts only where nothing
		// is spelt like the word: خيري is the name Khairi before it is
		// "charitable", and a generic word must not make a name weigh
		// little.
		best := -1.0
		for _, x := range qw.exps {
			if x.kind == kindTranslation {
				continue
			}
			if best < 0 {
				best = x.sim
			}
			if x.sim < best-0.02 {
				break
			}
			qw.weight = min(qw.weight, max(e.words[x.word].idf, 0))
		}
		if best < 0 {
			for _, x := range qw.exps {
				qw.weight = min(qw.weight, max(e.words[x.word].idf, 0))
			}
		}
	}
	return qa, qws
}

// digitLetters are the letters that a digit inside a word stands for when
// it was typed or scanned for a letter that looks alike: 0 for o, 1 for l
// or i.
var digitLetters = [...]struct{ digit, letter byte }{{'0', 'o'}, {'1', 'l'}, {'1', 'i'}}

// readDigitsAsLetters reads 0 and 1 inside a word of letters as the
// letters they resemble ("Techn0logies", "0f", "Oi1") where that makes a
// word the lists or the tables know; other words with digits (A1, 3M, K2)
// stay as written.
func (e *engine) readDigitsAsLetters(words []string) []string {
	var out []string // nil until a word changes
	for i, w := range words {
		if !strings.ContainsAny(w, "01") || strings.Trim(w, "0123456789") == "" || isOrdinal(w) {
			continue
		}
		if _, listed := e.vocab[w]; listed {
			continue
		}
		for _, dl := range digitLetters {
			r := strings.Map(func(c rune) rune {
				if c == rune(dl.digit) {
					return rune(dl.letter)
				}
				return c
			}, w)
			if strings.ContainsAny(r, "0123456789") {
				continue // other digits too: a code, not a word
			}
			_, listed := e.vocab[r]
			_, canonical := tab.canonical[r]
			if listed && len(r) >= 3 || canonical || tab.stopWords[r] || tab.legalForms[r] != "" {
				if out == nil {
					out = slices.Clone(words)
				}
				out[i] = r
				break
			}
		}
	}
	if out == nil {
		return words
	}
	return out
}

// isOrdinal reports whether w is a number with an ordinal suffix ("1st",
// "21st", "3rd").
func isOrdinal(w string) bool {
	n := len(w) - len(strings.TrimLeft(w, "0123456789"))
	return n > 0 && isOrdinalSuffix(w[n:])
}

// mendWords joins two query words that are one word of a legal form
// written apart ("Partn Ership", "Aktsio Nernoe") and splits a word that is
// two such words written together ("AKTSIONERNOEobshchestvo"), so that
// the legal form is recognised and set aside, not weighed as the rarest
// words there are; and it splits a number word from a listed word it was
// written together with ("Aerospaceone", "FIRSTeast"): the index holds
// number words as digits, so the join is not among its joined words.
// Words the lists use stay as they are.
func (e *engine) mendWords(words []string) []string {
	var out []string // nil until a word changes
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) {
			next := words[i+1]
			_, listedW := e.vocab[w]
			_, listedNext := e.vocab[next]
			if !(listedW && listedNext) && !tab.isLegalWord(w) && !tab.isLegalWord(next) && tab.isLegalWord(w+next) {
				if out == nil {
					out = slices.Clone(words[:i])
				}
				out = append(out, w+next)
				i++
				continue
			}
		}
		if _, listed := e.vocab[w]; !listed && len(w) >= 8 {
			a, b, ok := "", "", false
			if len(w) >= 10 {
				a, b, ok = tab.twoLegalWords(w)
			}
			if !ok {
				a, b, ok = e.numberAndWord(w)
			}
			if ok {
				if out == nil {
					out = slices.Clone(words[:i])
				}
				out = append(out, a, b)
				continue
			}
		}
		if out != nil {
			out = append(out, w)
		}
	}
	if out == nil {
		return words
	}
	return out
}

// numberAndWord splits w into a number word and a listed word of four
// letters or more written together, in either order ("firsteast",
// "aerospaceone"), if it is that.
func (e *engine) numberAndWord(w string) (string, string, bool) {
	for k := 3; k+3 <= len(w); k++ {
		a, b := w[:k], w[k:]
		_, na := tab.numbers[a]
		_, nb := tab.numbers[b]
		if na && len(b) >= 4 {
			if _, ok := e.vocab[b]; ok {
				return a, b, true
			}
		}
		if nb && len(a) >= 4 {
			if _, ok := e.vocab[a]; ok {
				return a, b, true
			}
		}
	}
	return "", "", false
}

// dropMisspeltLegalWords sets aside query words that the lists never use
// and that are a typo of a word of a legal form ("Joint Stpck Company"):
// left in, such a word would weigh as the rarest word there is.
//
// When such a word completes a legal form with the words before it ("Joint
// Stock Compan"), the name is read with the word corrected, so that the
// whole form is set aside, not just the misspelt word.
func (e *engine) dropMisspeltLegalWords(qa analyzedName, words []string) analyzedName {
	if len(qa.words) < 2 {
		return qa
	}
	misspelt := false
	for _, w := range qa.words {
		if _, listed := e.vocab[w]; !listed && len(w) > 4 && e.nearLegalWord(w) != "" {
			misspelt = true
			break
		}
	}
	if !misspelt {
		return qa
	}
	var fixed []string
	for i, w := range words {
		if _, listed := e.vocab[w]; !listed && len(w) > 4 {
			if lw := e.nearLegalWord(w); lw != "" {
				if fixed == nil {
					fixed = slices.Clone(words)
				}
				fixed[i] = lw
			}
		}
	}
	if fixed != nil {
		if qb := analyze(fixed, false); len(qb.words) > 0 && len(qb.words) < len(qa.words) {
			for i := range words {
				if fixed[i] != words[i] {
					qb.ignored = append(qb.ignored, clearance.IgnoredToken{Token: words[i], Reason: "misspelt " + fixed[i] + ", read as it"})
				}
			}
			qa = qb
		}
	}
	kept := qa.words[:0:0]
	for _, w := range qa.words {
		if _, listed := e.vocab[w]; !listed && len(w) > 4 {
			if lw := e.nearLegalWord(w); lw != "" {
				qa.ignored = append(qa.ignored, clearance.IgnoredToken{Token: w, Reason: reasonLegalForm + " (misspelt " + lw + ")"})
				continue
			}
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		return qa
	}
	qa.words = kept
	return qa
}

// nearLegalWord returns the legal-form word that w, a word the lists never
// use, is a typo of, unless a listed word is closer to it ("capitos" is Los
// Chapitos misspelt, one edit, not "capital", two), or "".
func (e *engine) nearLegalWord(w string) string {
	lw, d := tab.nearLegalWord(w)
	if lw == "" || d <= 1 {
		return lw
	}
	closer := false
	deletionHashes(w, d-1, func(h uint64) {
		if closer {
			return
		}
		e.deletions(h, func(id int32) {
			if !closer && osaDistance(w, e.words[id].text, d-1) < d {
				closer = true
			}
		})
	})
	if closer {
		return ""
	}
	return lw
}

// compare scores q against every name of an ad-hoc entity with the index's
// rarity weights (words the lists never use weigh as the rarest) and returns
// the best-scoring name's match.
func (e *engine) compare(q Query, ent *clearance.Entity) clearance.Match {
	m := e.compareOne(q, ent)
	if k := koreanHangul(q.Name); k != "" {
		qk := q
		qk.Name = k
		if mk := e.compareOne(qk, ent); mk.Score > m.Score {
			readAsKorean(&mk, k)
			return mk
		}
	}
	return m
}

func (e *engine) compareOne(q Query, ent *clearance.Entity) clearance.Match {
	sc := e.getScratch()
	qa, qws := e.analyzeQuery(q, sc)
	e.putScratch(sc)
	best := clearance.Match{Entity: ent, EntityID: ent.ID, List: ent.List, Name: ent.Name}
	if len(qws) == 0 {
		return best
	}
	scr := scorer{detail: q.Explain}
	bestScore := -1.0
	for ni, listed := range ent.Names() {
		for _, v := range nameVariants(listed) {
			a := analyzeName(v, ent.Type == clearance.Person)
			if len(a.words) == 0 {
				continue
			}
			scr.extra = scr.extra[:0]
			n := indexedName{alias: ni > 0, person: ent.Type == clearance.Person, cjk: hasCJK(listed), listed: listed, legal: a.legal,
				given: firstGivenName(v, a, ent.Type == clearance.Person)}
			for _, w := range a.words {
				if id, ok := e.vocab[w]; ok {
					n.words = append(n.words, id)
					continue
				}
				scr.extra = append(scr.extra, wordInfo{form: newForm(w), idf: e.idfUnknown, location: tab.locations[w], nick: tab.nicknames[w], series: isSeriesMarker(w)})
				n.words = append(n.words, -int32(len(scr.extra)))
			}
			r := scr.score(e, qws, qa, &n, ent, q)
			if r.total > bestScore {
				bestScore = r.total
				best.MatchedName, best.Alias, best.Score = listed, ni > 0, r.total
				if q.Explain {
					best.Explanation = scr.explain(e, qws, qa, &n, r)
				}
			}
		}
	}
	return best
}

func (e *engine) toMatch(ent *clearance.Entity, n *indexedName, score float64) clearance.Match {
	return clearance.Match{Entity: ent, EntityID: ent.ID, List: ent.List, Name: ent.Name,
		MatchedName: n.listed, Alias: n.alias, Score: score}
}

// generatingWords returns the indexes of the query words whose postings
// must be read. Sorted by weight, a suffix of light words whose total weight
// is too small for a name matching only them to reach the threshold is left
// out: such names are still scored if a heavier word finds them.
func generatingWords(qws []queryWord, threshold float64) (gen []int, rest float64) {
	idx := make([]int, len(qws))
	for i := range idx {
		idx[i] = i
	}
	eff := func(i int) float64 { return effectiveWeight(&qws[i]) }
	sort.SliceStable(idx, func(a, b int) bool { return eff(idx[a]) > eff(idx[b]) })
	total := 0.0
	for i := range qws {
		total += eff(i)
	}
	// A name matching query weight M of total W scores at most
	// M / (M + extraQueryWeight*(W-M)). Requiring that to reach a bound
	// below the threshold (typo and weight differences make the real score
	// lower than this ceiling, never higher, except through weight
	// differences, hence the margin) gives the least M.
	t := max(threshold-0.2, 0.05)
	need := total * t * extraQueryWeight / (1 - t + t*extraQueryWeight)
	rest = total
	for _, i := range idx {
		if rest < need {
			break
		}
		gen = append(gen, i)
		rest -= eff(i)
	}
	return gen, max(rest, 0)
}

// insertTop inserts score into the descending list top, keeping at most n.
func insertTop(top []float64, score float64, n int) []float64 {
	i, _ := slices.BinarySearchFunc(top, score, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	top = slices.Insert(top, i, score)
	if len(top) > n {
		top = top[:n]
	}
	return top
}

// effectiveWeight is a query word's weight as the candidate bound counts it:
// a place name counts locationFactor of it, as it does when unpartnered.
func effectiveWeight(qw *queryWord) float64 {
	if qw.location {
		return qw.weight * locationFactor
	}
	return qw.weight
}

// boundMargin is how far below the threshold the candidate bound may fall
// before a name is skipped: pair weights come from the listed side, so a
// typo'd query word can weigh more in the score than in the bound.
const boundMargin = 0.1

func listAllowed(lists []clearance.ListCode, l clearance.ListCode) bool {
	if len(lists) == 0 {
		return true
	}
	return slices.Contains(lists, l)
}

// marbutaWords returns the words of a name in Arabic script, as
// normalizeWords writes them, that end in ta marbuta (ة).
func marbutaWords(name string) map[string]bool {
	out := map[string]bool{}
	for _, tok := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
		if !strings.HasSuffix(tok, "ة") {
			continue
		}
		if ws := normalizeWords(tok); len(ws) > 0 {
			out[ws[len(ws)-1]] = true
		}
	}
	return out
}

// marbutaSpellings returns a word ending in ta marbuta (read "a") as
// Latin spellings also write it: with -ah and -at.
func marbutaSpellings(w string) [2]string { return [2]string{w + "h", w + "t"} }

// letters counts the letters of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// dentalReadings are the other readings of two Arabic letters that the
// script table reads one way: ظ (z) is dh or d in Iraqi and Gulf spellings
// and in the Maghreb and Somalia (Kadhim, Hafed, Dahir) and th in others
// (Kathim); ذ (dh) is th as well (الذهب, al-Thahab). Persian and Urdu read
// both z (see persianReading).
var dentalReadings = []map[string]string{
	{"ظ": "dh"},
	{"ظ": "th", "ذ": "th"},
}
