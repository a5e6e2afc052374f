package eval

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// Names of the generated sets. Each varies listed names in one way that
// real customer records do; gen/near-miss is the negative counterpart.
const (
	SetLegalForm   = "gen/legal-form"
	SetGeneric     = "gen/generic-words"
	SetAbbrev      = "gen/abbreviations"
	SetSpacing     = "gen/punctuation-spacing"
	SetCityDrop    = "gen/dropped-city"
	SetExtraWords  = "gen/extra-query-words"
	SetPersonOrder = "gen/person-order"
	SetMiddleName  = "gen/missing-middle-name"
	SetRomanise    = "gen/romanisation"
	SetScript      = "gen/other-script"
	SetTypo1       = "gen/typo-1-edit"
	SetTypo2       = "gen/typo-2-edits"
	SetAlias       = "gen/alias"
	SetNearMiss    = "gen/near-miss-company"
)

// perSet is how many cases each generated set holds (fewer when the lists
// have fewer suitable names).
const perSet = 300

// generator builds variants of listed names.
type generator struct {
	ix    *match.Index
	es    []clearance.Entity
	rng   *rand.Rand
	order []int               // entity indexes in a seeded random order
	same  map[string][]string // normalised name → ids of entities carrying it
	words []string            // distinctive listed words, for near-misses
}

// GeneratedSets builds the phenomenon sets from the indexed entities,
// deterministically for a given seed.
func GeneratedSets(ix *match.Index, seed uint64) []*Set {
	es := ix.Entities()
	g := &generator{ix: ix, es: es, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), same: map[string][]string{}}
	g.order = g.rng.Perm(len(es))
	seenWord := map[string]bool{}
	for _, i := range g.order {
		e := &es[i]
		for _, n := range e.Names() {
			k := sameKey(n)
			if ids := g.same[k]; len(ids) == 0 || ids[len(ids)-1] != e.ID {
				g.same[k] = append(ids, e.ID)
			}
		}
		if e.Type != clearance.Person {
			if w := g.heaviest(e.Name); w != "" && !seenWord[w] && len(w) >= 5 {
				seenWord[w] = true
				g.words = append(g.words, w)
			}
		}
	}
	return []*Set{
		g.positive(SetLegalForm, "legal form replaced by an equivalent (Co., Ltd. → Limited; LLC → OOO)", isOrg, byName(g.legalForm)),
		g.positive(SetGeneric, "a generic word dropped or inflected (Technology → Technologies)", isOrg, byName(g.generic)),
		g.positive(SetAbbrev, "words abbreviated (International → Intl, and → &)", isOrg, byName(g.abbreviate)),
		g.positive(SetSpacing, "punctuation removed or changed, words joined or split", anyType, byName(g.spacing)),
		g.positive(SetCityDrop, "leading or trailing place name dropped (Hangzhou Hikvision … → Hikvision …)", isOrg, byName(g.cityDrop)),
		g.positive(SetExtraWords, "extra words in the query (a city prefix, Group, Co., Ltd.)", isOrg, byName(g.extraWords)),
		g.positive(SetPersonOrder, "person name order changed (SURNAME, Given → Given Surname)", isPerson, byName(g.personOrder)),
		g.positive(SetMiddleName, "middle names dropped", isPerson, byName(g.middleName)),
		g.positive(SetRomanise, "another romanisation (Mohammad/Muhammad, Yevgeniy/Evgeny, -iy/-y, kh/h)", isPerson, byName(g.romanise)),
		g.positive(SetScript, "name written in Cyrillic or Arabic script", isPerson, g.script),
		g.positive(SetTypo1, "one typo (edit or transposition) in the most distinctive word", anyType, byName(func(s string) (string, string) { return g.typo(s, 1) })),
		g.positive(SetTypo2, "two typos in the most distinctive word (words of 8+ letters)", anyType, byName(func(s string) (string, string) { return g.typo(s, 2) })),
		g.aliases(),
		g.nearMiss(),
	}
}

// byName adapts a variation of a name to a variation of an entity's
// primary name.
func byName(f func(string) (string, string)) func(*clearance.Entity) (string, string) {
	return func(e *clearance.Entity) (string, string) { return f(e.Name) }
}

func isOrg(e *clearance.Entity) bool {
	// Untyped entries of the Entity List and its kin are organisations;
	// untyped DPL and DTC entries are often people.
	return e.Type == clearance.Organization || (e.Type == clearance.Unknown && e.List != clearance.DPL && e.List != clearance.DTC && !strings.Contains(e.Name, ","))
}
func isPerson(e *clearance.Entity) bool { return e.Type == clearance.Person }
func anyType(e *clearance.Entity) bool {
	return e.Type != clearance.Vessel && e.Type != clearance.Aircraft
}

// positive builds a positive set by applying vary to the primary names of
// suitable entities until perSet variants exist. vary returns the variant
// (or "" when it does not apply) and a note.
func (g *generator) positive(name, desc string, suitable func(*clearance.Entity) bool, vary func(*clearance.Entity) (string, string)) *Set {
	s := &Set{Name: name, Kind: Positive, Description: desc}
	for _, i := range g.order {
		if len(s.Cases) == perSet {
			break
		}
		e := &g.es[i]
		if !suitable(e) {
			continue
		}
		v, note := vary(e)
		if v == "" || match.Normalize(v) == match.Normalize(e.Name) || strings.TrimSpace(match.Normalize(v)) == "" {
			continue
		}
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: v}, Expect: g.expect(e), Note: note + " of " + e.Name})
	}
	return s
}

// expect returns the entity and every entity listed under the same primary
// name (one company on several lists).
func (g *generator) expect(e *clearance.Entity) []string {
	ids := g.same[sameKey(e.Name)]
	if len(ids) == 0 {
		return []string{e.ID}
	}
	return ids
}

// sameKey is the key under which entries count as one party for the
// expected results: the normalised words in order, so that one person
// listed as "GHALIB, Nayif" by OFAC and "NAYIF GHALIB" by the UN is one.
func sameKey(name string) string {
	w := strings.Fields(match.Normalize(name))
	slices.Sort(w)
	return strings.Join(w, " ")
}

// heaviest returns the normalised word of a name with the highest rarity
// weight, not counting legal forms, stop words and place names (a stop word
// the name keeps as content, "and", can weigh much: it is not what makes
// the name distinctive).
func (g *generator) heaviest(name string) string {
	best, bw := "", 0.0
	for _, w := range strings.Fields(match.Normalize(name)) {
		if match.LegalFormClass(w) != "" || match.IsStopWord(w) || match.IsPlaceName(w) {
			continue
		}
		if x := g.ix.WordWeight(w); x > bw && x < g.ix.WordWeight("zzzzqqqq") {
			best, bw = w, x
		}
	}
	return best
}

var legalSuffixes = map[string][]string{
	"coltd": {"Co., Ltd.", "Company Limited", "Limited", "Ltd", "Co Ltd"},
	"llc":   {"LLC", "Limited Liability Company", "OOO", "L.L.C."},
	"jsc":   {"JSC", "Joint Stock Company", "AO"},
	"pjsc":  {"PJSC", "PAO", "Public Joint Stock Company", "OAO"},
	"inc":   {"Inc.", "Incorporated", "Inc"},
	"corp":  {"Corporation", "Corp.", "Corp"},
}

var legalSuffixRE = regexp.MustCompile(`(?i)[,\s]+(co\.?,?\s*ltd\.?|company limited|limited|ltd\.?|llc|l\.l\.c\.|limited liability company|ooo|jsc|joint stock company|pjsc|public joint stock company|inc\.?|incorporated|corporation|corp\.?)\s*$`)

func (g *generator) legalForm(name string) (string, string) {
	m := legalSuffixRE.FindStringSubmatchIndex(name)
	if m == nil {
		return "", ""
	}
	before := strings.Fields(match.Normalize(name[:m[0]]))
	if len(before) == 0 {
		return "", ""
	}
	switch before[len(before)-1] {
	case "private", "open", "closed", "public", "co", "company", "joint", "stock", "pvt", "pte":
		return "", "" // the suffix is the tail of a longer form
	}
	form := strings.Join(strings.Fields(match.Normalize(name[m[2]:m[3]])), " ")
	class := match.LegalFormClass(form)
	alts := legalSuffixes[class]
	if len(alts) == 0 {
		return "", ""
	}
	alt := alts[g.rng.IntN(len(alts))]
	return strings.TrimSpace(name[:m[0]]) + " " + alt, "legal form " + alt
}

// genericVariants are inflections and near-synonyms customers use for
// generic words.
var genericVariants = map[string][]string{
	"technology":    {"Technologies", "Tech", "Technological"},
	"technologies":  {"Technology", "Tech"},
	"industry":      {"Industries", "Industrial"},
	"industries":    {"Industry"},
	"service":       {"Services"},
	"services":      {"Service"},
	"system":        {"Systems"},
	"systems":       {"System"},
	"electronics":   {"Electronic"},
	"electronic":    {"Electronics"},
	"science":       {"Sciences", "Scientific"},
	"holding":       {"Holdings"},
	"holdings":      {"Holding"},
	"group":         {"Group", "Groups"},
	"international": {"Intl", "International"},
}

func (g *generator) generic(name string) (string, string) {
	words := strings.Fields(name)
	heavy := g.heaviest(name)
	var idx []int
	for i, w := range words {
		n := match.Normalize(w)
		if n == "" || n == heavy || match.LegalFormClass(n) != "" || !isWord(strings.Trim(w, ",.")) || match.IsStopWord(n) {
			continue
		}
		if _, ok := genericVariants[n]; ok || g.ix.WordWeight(n) < 4.5 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 || len(strings.Fields(match.Normalize(name))) < 3 {
		return "", ""
	}
	i := idx[g.rng.IntN(len(idx))]
	n := match.Normalize(words[i])
	if vs := genericVariants[n]; len(vs) > 0 && g.rng.IntN(2) == 0 {
		v := vs[g.rng.IntN(len(vs))]
		words[i] = v
		return strings.Join(words, " "), "generic word inflected to " + v
	}
	dropped := words[i]
	words = append(words[:i:i], words[i+1:]...)
	return strings.Join(words, " "), "generic word " + dropped + " dropped"
}

var abbreviations = [][2]string{
	{"international", "Intl"}, {"technology", "Tech"}, {"technologies", "Tech"}, {"manufacturing", "Mfg"},
	{"corporation", "Corp"}, {"science", "Sci"}, {"and", "&"}, {"incorporated", "Inc"}, {"engineering", "Eng"}, {"development", "Dev"}, {"group", "Grp"},
	{"institute", "Inst"}, {"university", "Univ"}, {"national", "Natl"}, {"holdings", "Hldgs"},
	{"services", "Svcs"}, {"electronics", "Elec"}, {"association", "Assn"}, {"department", "Dept"},
}

func (g *generator) abbreviate(name string) (string, string) {
	words := strings.Fields(name)
	changed := []string{}
	for i, w := range words {
		n := match.Normalize(w)
		for _, a := range abbreviations {
			if n == a[0] {
				words[i] = a[1]
				changed = append(changed, a[1])
				break
			}
		}
	}
	if len(changed) == 0 {
		return "", ""
	}
	return strings.Join(words, " "), "abbreviated " + strings.Join(changed, ", ")
}

var punct = regexp.MustCompile(`[.,()'"\-/&]`)

func (g *generator) spacing(name string) (string, string) {
	words := strings.Fields(name)
	switch g.rng.IntN(4) {
	case 0: // punctuation removed
		if !punct.MatchString(name) {
			return "", ""
		}
		return strings.Join(strings.Fields(punct.ReplaceAllString(name, " ")), " "), "punctuation removed"
	case 1: // hyphens for spaces
		if len(words) < 2 {
			return "", ""
		}
		return strings.Join(words, "-"), "words hyphenated"
	case 2: // two adjacent words joined
		for i := 0; i+1 < len(words); i++ {
			a, b := strings.Trim(words[i], ",."), strings.Trim(words[i+1], ",.")
			na, nb := match.Normalize(a), match.Normalize(b)
			if len(a) >= 3 && len(b) >= 3 && isWord(a) && isWord(b) && match.LegalFormClass(na) == "" && match.LegalFormClass(nb) == "" &&
				!match.IsStopWord(na) && !match.IsStopWord(nb) && !isLegalWord(na) && !isLegalWord(nb) {
				out := append(append(append([]string{}, words[:i]...), a+strings.ToLower(b)), words[i+2:]...)
				return strings.Join(out, " "), "words joined"
			}
		}
	case 3: // a long word split in two
		for i, w := range words {
			if len(w) >= 8 && isWord(w) && !isLegalWord(match.Normalize(w)) {
				out := append(append(append([]string{}, words[:i]...), w[:len(w)/2], w[len(w)/2:]), words[i+1:]...)
				return strings.Join(out, " "), "word split"
			}
		}
	}
	return "", ""
}

// isLegalWord reports whether w is a word of a multi-word legal form.
func isLegalWord(w string) bool {
	switch w {
	case "limited", "liability", "company", "joint", "stock", "open", "closed", "public", "private", "corporation", "incorporated":
		return true
	}
	return false
}

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return s != ""
}

func (g *generator) cityDrop(name string) (string, string) {
	words := strings.Fields(name)
	if len(words) < 3 {
		return "", ""
	}
	if n := match.Normalize(words[0]); match.IsPlaceName(n) {
		return strings.Join(words[1:], " "), "place " + words[0] + " dropped"
	}
	return "", ""
}

var extraPrefixes = []string{"Shenzhen", "Beijing", "Shanghai", "Moscow", "Dubai", "Tehran", "Hong Kong"}
var extraSuffixes = []string{"Co., Ltd.", "Group", "LLC", "Limited", "Holding", "International", "Group Co., Ltd."}

func (g *generator) extraWords(name string) (string, string) {
	if len(strings.Fields(match.Normalize(name))) < 2 {
		return "", ""
	}
	p := extraPrefixes[g.rng.IntN(len(extraPrefixes))]
	s := extraSuffixes[g.rng.IntN(len(extraSuffixes))]
	if m := legalSuffixRE.FindStringIndex(name); m != nil {
		// A name that has a legal form takes extra words before it.
		s = []string{"Group", "Holding", "International", "Trading"}[g.rng.IntN(4)]
		name = strings.TrimSpace(name[:m[0]]) + " " + s + name[m[0]:]
		s = ""
	}
	switch g.rng.IntN(3) {
	case 0:
		return p + " " + name, "prefix " + p
	case 1:
		return strings.TrimSpace(name + " " + s), "suffix " + s
	default:
		return strings.TrimSpace(p + " " + name + " " + s), "prefix " + p + ", suffix " + s
	}
}

// splitPerson splits "SURNAME, Given Middle" into its parts.
func splitPerson(name string) (surname string, given []string, ok bool) {
	sur, rest, found := strings.Cut(name, ",")
	if !found {
		return "", nil, false
	}
	given = strings.Fields(rest)
	if len(given) == 0 || strings.TrimSpace(sur) == "" {
		return "", nil, false
	}
	return strings.TrimSpace(sur), given, true
}

func title(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

func (g *generator) personOrder(name string) (string, string) {
	sur, given, ok := splitPerson(name)
	if !ok {
		return "", ""
	}
	if g.rng.IntN(2) == 0 {
		return title(strings.Join(given, " ") + " " + sur), "given names first"
	}
	return strings.ToUpper(sur) + " " + strings.Join(given, " "), "surname first without comma"
}

func (g *generator) middleName(name string) (string, string) {
	sur, given, ok := splitPerson(name)
	if !ok || len(given) < 2 {
		return "", ""
	}
	return title(given[0] + " " + sur), "middle names " + strings.Join(given[1:], " ") + " dropped"
}

// romanisations are spelling rules that differ between transliteration
// systems; each applies to a lowercase name.
var romanisations = []struct{ from, to string }{
	{"mohammad", "muhammad"}, {"muhammad", "mohamed"}, {"mohammed", "muhammad"}, {"mohamed", "mohammed"},
	{"yevgeniy", "evgeny"}, {"evgeniy", "evgenii"}, {"iy ", "y "}, {"iy,", "y,"}, {"ii ", "iy "},
	{"abdul", "abd al"}, {"abd al", "abdul"}, {"kh", "h"}, {"ou", "u"}, {"yu", "iu"}, {"ya", "ia"},
	{"ei", "ey"}, {"ph", "f"}, {"oo", "u"}, {"ee", "i"}, {"sh", "sch"}, {"ts", "tz"}, {"ye", "e"},
	{"hussein", "husayn"}, {"hussain", "husein"}, {"ahmad", "ahmed"}, {"ahmed", "ahmad"},
	{"omar", "umar"}, {"osama", "usama"}, {"yusuf", "yousef"}, {"ali ", "aly "},
}

func (g *generator) romanise(name string) (string, string) {
	low := strings.ToLower(name) + " "
	start := g.rng.IntN(len(romanisations))
	for k := range romanisations {
		r := romanisations[(start+k)%len(romanisations)]
		if strings.Contains(low, r.from) {
			return title(strings.Replace(low, r.from, r.to, 1)), r.from + " → " + r.to
		}
	}
	return "", ""
}

var cyrillicOf = [][2]string{
	{"shch", "щ"}, {"zh", "ж"}, {"kh", "х"}, {"ts", "ц"}, {"ch", "ч"}, {"sh", "ш"}, {"yu", "ю"}, {"ya", "я"}, {"yo", "ё"},
	{"iy", "ий"}, {"yy", "ый"}, {"ye", "е"},
	{"a", "а"}, {"b", "б"}, {"v", "в"}, {"g", "г"}, {"d", "д"}, {"e", "е"}, {"z", "з"}, {"i", "и"}, {"y", "й"},
	{"k", "к"}, {"l", "л"}, {"m", "м"}, {"n", "н"}, {"o", "о"}, {"p", "п"}, {"r", "р"}, {"s", "с"}, {"t", "т"},
	{"u", "у"}, {"f", "ф"}, {"h", "х"}, {"c", "к"}, {"w", "в"}, {"x", "кс"}, {"j", "дж"}, {"q", "к"},
}

var arabicOf = [][2]string{
	{"kh", "خ"}, {"sh", "ش"}, {"ch", "چ"}, {"zh", "ژ"}, {"th", "ث"}, {"dh", "ذ"}, {"gh", "غ"}, {"ou", "و"}, {"oo", "و"}, {"ee", "ي"},
	{"b", "ب"}, {"t", "ت"}, {"j", "ج"}, {"h", "ح"}, {"d", "د"}, {"r", "ر"}, {"z", "ز"}, {"s", "س"}, {"f", "ف"},
	{"q", "ق"}, {"k", "ك"}, {"l", "ل"}, {"m", "م"}, {"n", "ن"}, {"w", "و"}, {"y", "ي"}, {"i", "ي"}, {"u", "و"},
	{"aa", "ا"}, {"o", "و"}, {"g", "گ"}, {"p", "پ"}, {"v", "و"}, {"c", "ك"}, {"x", "كس"}, {"e", ""}, {"a", ""},
}

// collapseDoubles writes a doubled letter once, as Arabic script does
// (the doubling is a diacritic, shadda, usually omitted).
func collapseDoubles(w string) string {
	var b []byte
	for i := 0; i < len(w); i++ {
		if i == 0 || w[i] != w[i-1] {
			b = append(b, w[i])
		}
	}
	return string(b)
}

var cyrillicCountries = map[string]bool{"RU": true, "BY": true, "UA": true, "KZ": true, "KG": true}
var arabicCountries = map[string]bool{"IR": true, "IQ": true, "SY": true, "LB": true, "YE": true, "SA": true, "AE": true,
	"EG": true, "LY": true, "SD": true, "PS": true, "JO": true, "KW": true, "QA": true, "BH": true, "OM": true, "AF": true, "PK": true}

// toScript writes a Latin name in another script, word by word, the way a
// customer typing in that script would spell it (Arabic: short vowels
// unwritten except a word-initial alif).
func toScript(name string, table [][2]string, arabic bool) string {
	var out []string
	for _, w := range strings.Fields(match.Normalize(name)) {
		if arabic {
			w = collapseDoubles(w)
			if strings.HasSuffix(w, "a") {
				w = w[:len(w)-1] + "aa" // a final long a is written (alif)
			}
		}
		var b strings.Builder
		for i := 0; i < len(w); {
			if arabic && i == 0 && strings.ContainsRune("aeiou", rune(w[0])) {
				b.WriteString("ا")
				i++
				continue
			}
			done := false
			for _, p := range table {
				if strings.HasPrefix(w[i:], p[0]) {
					b.WriteString(p[1])
					i += len(p[0])
					done = true
					break
				}
			}
			if !done {
				b.WriteByte(w[i])
				i++
			}
		}
		out = append(out, b.String())
	}
	return strings.Join(out, " ")
}

// script writes a person's name in the script of their country: Cyrillic
// for Russia and its neighbours, Arabic for the Arabic- and Persian-writing
// countries.
func (g *generator) script(e *clearance.Entity) (string, string) {
	for _, c := range e.Countries {
		if cyrillicCountries[c] {
			return toScript(e.Name, cyrillicOf, false), "Cyrillic"
		}
		if arabicCountries[c] {
			return toScript(e.Name, arabicOf, true), "Arabic"
		}
	}
	return "", ""
}

var keyboardNeighbours = map[byte]string{
	'a': "qsz", 'b': "vgn", 'c': "xdv", 'd': "sfe", 'e': "wrd", 'f': "dgr", 'g': "fht", 'h': "gjy", 'i': "uok",
	'j': "hku", 'k': "jli", 'l': "ko", 'm': "nj", 'n': "bmh", 'o': "ipl", 'p': "o", 'q': "wa", 'r': "etf",
	's': "adw", 't': "ryg", 'u': "yij", 'v': "cbf", 'w': "qes", 'x': "zcs", 'y': "tuh", 'z': "xa",
}

// typo applies n random edits (substitution by a keyboard neighbour,
// deletion, insertion, transposition) to the most distinctive word of name.
func (g *generator) typo(name string, n int) (string, string) {
	target := g.heaviest(name)
	minLen := 5
	if n == 2 {
		minLen = 8
	}
	if len(target) < minLen || !isWord(target) {
		return "", ""
	}
	w := []byte(target)
	var kinds []string
	for k := 0; k < n; k++ {
		i := 1 + g.rng.IntN(len(w)-2) // keep the first letter, as most typos do
		switch g.rng.IntN(4) {
		case 0:
			nb := keyboardNeighbours[w[i]]
			if nb == "" {
				nb = "e"
			}
			w[i] = nb[g.rng.IntN(len(nb))]
			kinds = append(kinds, "substitution")
		case 1:
			w = append(w[:i:i], w[i+1:]...)
			kinds = append(kinds, "deletion")
		case 2:
			w = append(w[:i:i], append([]byte{w[i]}, w[i:]...)...)
			kinds = append(kinds, "doubling")
		default:
			w[i], w[i+1] = w[i+1], w[i]
			kinds = append(kinds, "transposition")
		}
	}
	out := []string{}
	replaced := false
	for _, x := range strings.Fields(match.Normalize(name)) {
		if x == target && !replaced {
			x = string(w)
			replaced = true
		}
		out = append(out, x)
	}
	return strings.Join(out, " "), strings.Join(kinds, "+") + " in " + target
}

// aliases builds the alias set: each query is one of an entity's aliases,
// in lower case.
func (g *generator) aliases() *Set {
	s := &Set{Name: SetAlias, Kind: Positive, Description: "an alias of the entity, as written by a customer (lower case)"}
	for _, i := range g.order {
		if len(s.Cases) == perSet {
			break
		}
		e := &g.es[i]
		if len(e.Aliases) == 0 {
			continue
		}
		a := e.Aliases[g.rng.IntN(len(e.Aliases))]
		if len(strings.Fields(match.Normalize(a))) == 0 {
			continue
		}
		ids := append([]string{}, g.same[sameKey(a)]...)
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: strings.ToLower(a)}, Expect: ids, Note: "alias of " + e.Name})
	}
	return s
}

// nearMiss builds the near-miss set: a listed company name with its most
// distinctive word replaced by another listed company's distinctive word.
// The source entity must not match.
func (g *generator) nearMiss() *Set {
	s := &Set{Name: SetNearMiss, Kind: Negative, Description: "listed company name with its distinctive word swapped for another (must not match it)"}
	for _, i := range g.order {
		if len(s.Cases) == perSet {
			break
		}
		e := &g.es[i]
		if !isOrg(e) || len(strings.Fields(match.Normalize(e.Name))) < 2 {
			continue
		}
		target := g.heaviest(e.Name)
		if target == "" {
			continue
		}
		var swap string
		for tries := 0; tries < 10; tries++ {
			c := g.words[g.rng.IntN(len(g.words))]
			if c != target && !strings.Contains(c, target) && !strings.Contains(target, c) && c[0] != target[0] {
				swap = c
				break
			}
		}
		if swap == "" {
			continue
		}
		var out []string
		for _, x := range strings.Fields(match.Normalize(e.Name)) {
			if x == target {
				x = swap
			}
			out = append(out, x)
		}
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: strings.Join(out, " ")}, Expect: []string{e.ID},
			Note: target + " → " + swap + " in " + e.Name})
	}
	return s
}
