package match

import (
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// Reasons a word does not count as name content, as shown in explanations.
const (
	reasonLegalForm = "legal form"
	reasonStopWord  = "stop word"
	reasonTitle     = "title"
)

// analyzedName is a name split into its content words (canonical forms, in
// order) and the words that were set aside.
type analyzedName struct {
	words   []string                 // content words, canonical
	surface []string                 // the same words as written (before canonical forms)
	ignored []clearance.IgnoredToken // legal forms and stop words
	legal   []string                 // legal-form classes present (llc, coltd, jsc, …)
}

// analyze classifies the normalised words of a name: legal forms (several
// words may form one, "limited liability company" or "youxian gongsi"),
// stop words, and content words, which it maps to canonical forms
// ("intl" → international, "technologies" → technology). In a person's
// name only legal forms of three letters or more count ("Nicolás Maduro
// LLC"): two-letter ones are name parts there. If nothing but legal forms and stop words
// remain, they are kept as content: "AO" alone is a name, not a form.
func analyze(words []string, person bool) analyzedName { return analyzeWords(words, person, false) }

// analyzeName analyses a name as written: in a name written only in Han
// characters, a pinyin syllable is neither a legal form ("zao", 早, is not
// ZAO; "ao", 奥, not AO) nor a stop word ("an", 安; "de", 德), while the
// company words of han_terms.tsv are still legal forms.
func analyzeName(name string, person bool) analyzedName {
	return analyzeWords(normalizeWords(name), person, hanReadings(name) != nil)
}

// analyzeWords is analyze; han says the words were read from Han characters
// only (see analyzeName).
func analyzeWords(words []string, person, han bool) analyzedName {
	var a analyzedName
	// Canonical forms first, so that "joint stock co" is the legal form
	// "joint stock company" and "intl" counts as "international".
	words = wadeGiles(numberWords(joinInitials(words)))
	canon := make([]string, len(words))
	for i, w := range words {
		if c, ok := tab.canonical[w]; ok {
			w = c
		}
		canon[i] = w
	}
	for i := 0; i < len(canon); {
		{
			n, class := legalFormAt(canon, i)
			if han && n == 1 && len(canon[i]) <= 3 {
				n = 0 // a syllable
			}
			short := n == 1 && len(canon[i]) <= 2
			// A two-letter form ("ag", "sa") counts when two other words
			// remain or it ends a name of an organisation ("Siemens AG");
			// "Thomas Sá" as a person keeps it.
			if n > 0 && (!short || len(canon)-n >= 2 || (i+n == len(canon) && len(canon) > n && !person)) && (!person || !short) {
				form := strings.Join(canon[i:i+n], " ")
				a.ignored = append(a.ignored, clearance.IgnoredToken{Token: form, Reason: reasonLegalForm + " (" + class + ")"})
				a.legal = append(a.legal, class)
				i += n
				continue
			}
		}
		w := canon[i]
		if tab.titles[w] && contentLeft(canon, i, 1) {
			a.ignored = append(a.ignored, clearance.IgnoredToken{Token: w, Reason: reasonTitle})
			i++
			continue
		}
		if tab.stopWords[w] && !han && contentLeft(canon, i, 2) {
			a.ignored = append(a.ignored, clearance.IgnoredToken{Token: w, Reason: reasonStopWord})
			i++
			continue
		}
		a.words = append(a.words, w)
		a.surface = append(a.surface, words[i])
		i++
	}
	if len(a.words) == 0 && len(canon) > 0 {
		// Only forms and stop words: they are the name.
		a.ignored, a.legal = nil, nil
		a.words = canon
		a.surface = words
	}
	return a
}

// contentLeft reports whether, besides words[i], the name has at least
// least words that are not stop words, titles or legal forms: only then is
// a stop word (two) or title (one) set aside ("Van Taylor" keeps its "van";
// "President Putin" loses "president").
func contentLeft(words []string, i, least int) bool {
	n := 0
	for j, w := range words {
		if j != i && !tab.stopWords[w] && !tab.titles[w] && tab.legalForms[w] == "" {
			n++
		}
	}
	return n >= least
}

// numberWords writes number words as digits ("forty four" → 44, "first" →
// 1) and drops ordinal suffixes from digits ("1st" → 1), so that names
// spelling a number and names writing it agree.
func numberWords(words []string) []string {
	var out []string
	changed := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		v, ok := tab.numbers[w]
		if !ok {
			if d := strings.TrimRight(w, "stndrh"); d != w && len(d) > 0 && isDigits(d) && isOrdinalSuffix(w[len(d):]) {
				w, changed = d, true
			}
			out = append(out, w)
			continue
		}
		changed = true
		if v >= 20 && v < 100 && v%10 == 0 && i+1 < len(words) {
			if u, ok := tab.numbers[words[i+1]]; ok && u > 0 && u < 10 {
				v += u
				i++
			} else if len(words[i+1]) == 1 && isDigits(words[i+1]) {
				v += int(words[i+1][0] - '0') // "forty 4"
				i++
			}
		}
		out = append(out, strconv.Itoa(v))
	}
	if !changed {
		return words
	}
	return out
}

func isOrdinalSuffix(s string) bool { return s == "st" || s == "nd" || s == "rd" || s == "th" }

// joinInitials writes a run of three or more single letters as one word:
// "A.B.C. Company" and "ABC Company" both have the word "abc". (Two letters
// stay apart: "V. V. Putin" gives initials, not a word.)
func joinInitials(words []string) []string {
	var out []string
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && len(words[j]) == 1 {
			j++
		}
		if j-i >= 3 {
			// A legal form spelt in letters may end the run: "Partners V
			// L.P." is the series letter V and the form L.P., not "vlp".
			if k := legalTail(words, i, j); k > i {
				if out == nil {
					out = append([]string{}, words[:i]...)
				}
				if k-i >= 3 {
					out = append(out, strings.Join(words[i:k], ""))
				} else {
					out = append(out, words[i:k]...)
				}
				out = append(out, words[k:j]...)
				i = j
				continue
			}
			if out == nil {
				out = append([]string{}, words[:i]...)
			}
			out = append(out, strings.Join(words[i:j], ""))
			i = j
			continue
		}
		if out != nil {
			out = append(out, words[i:max(j, i+1)]...)
		}
		i = max(j, i+1)
	}
	if out == nil {
		return words
	}
	return out
}

// legalTail returns where, in the run of single letters words[i:j], a legal
// form of two letters or more begins that covers the rest of the run (it may
// go on past it: "s a de c v"), or -1. The whole run is not a tail: "S.A.R.L."
// is the word "sarl", a form itself.
func legalTail(words []string, i, j int) int {
	for k := i + 1; k < j-1; k++ {
		if n, _ := legalFormAt(words, k); n > 0 && k+n >= j {
			return k
		}
	}
	return -1
}

// legalFormAt returns the length in words and the class of the longest legal
// form starting at words[i], or 0.
func legalFormAt(words []string, i int) (int, string) {
	if !tab.legalFirst[words[i]] {
		return 0, ""
	}
	for n := min(tab.legalFormMaxLen, len(words)-i); n >= 1; n-- {
		var key string
		if n == 1 {
			key = words[i]
		} else {
			key = strings.Join(words[i:i+n], " ")
		}
		if class, ok := tab.legalForms[key]; ok {
			return n, class
		}
	}
	return 0, ""
}

// chineseSpelling reports whether a Wade-Giles syllable is spelt in a way
// Korean McCune-Reischauer, which shares much of Wade-Giles (ch, -ung, j),
// never spells: hs-, ts-, tz-, ss-, sz-, -ih, -ieh, -ien, -iang, -iung, -uei,
// -erh, -iao, -ing, -uo. Korean names (Jang Chang Ha, Cha Sung Jun) are then
// not read as Chinese.
func chineseSpelling(w string) bool {
	for _, p := range []string{"hs", "ts", "tz", "ss", "sz"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, f := range []string{"ih", "ieh", "ien", "iang", "iung", "uei", "erh", "iao", "ing", "uo"} {
		if strings.HasSuffix(w, f) {
			return true
		}
	}
	return false
}

// wadeGiles writes a Chinese name spelt in Wade-Giles in pinyin ("mao tse
// tung" → mao ze dong, "hsi chin ping" → xi jin bing, one typo from
// jinping: the apostrophe of p'ing is lost in lists), so that both
// romanisations meet. It converts only a name of two words or more that are
// all Wade-Giles syllables, one at least not also a pinyin syllable and
// spelt as only Chinese is (tse, hsi, ching; see chineseSpelling): names in
// pinyin, Korean names and other names are left as they are. Listed names pass through it too, so a
// name spelt alike on both sides still matches exactly.
func wadeGiles(words []string) []string {
	if len(words) < 2 {
		return words
	}
	distinct := false
	for _, w := range words {
		if _, ok := tab.wadeGiles[w]; !ok {
			return words
		}
		distinct = distinct || tab.wadeGilesOnly[w] && chineseSpelling(w)
	}
	if !distinct {
		return words
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = tab.wadeGiles[w]
	}
	return out
}
