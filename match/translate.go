package match

import (
	"slices"
	"strings"
	"sync"
)

// arabicTermIndex maps the transliteration of each form of arabic_terms.tsv
// (as normalizeWords writes it, so that a query word meets it as is) to
// the English words the lists use for it, in their canonical form. It is
// built on first use: transliteration needs the loaded tables.
var arabicTermIndex = sync.OnceValue(func() map[string][]string {
	m := make(map[string][]string, 2*len(tab.arabicTerms))
	for _, t := range tab.arabicTerms {
		var english []string
		for _, w := range strings.Fields(t[1]) {
			if c, ok := tab.canonical[w]; ok {
				w = c
			}
			english = append(english, w)
		}
		forms := []string{t[0]}
		if f, ok := strings.CutSuffix(t[0], "ة"); ok {
			forms = append(forms, f+"ه") // Persian and Urdu end it with he
		}
		for _, f := range forms {
			if k := normalizeWords(f); len(k) == 1 {
				// Forms may meet in transliteration (ليبيا, Libya, and
				// ليبية, Libyan, are both "libia"): each keeps both.
				for _, w := range english {
					if !slices.Contains(m[k[0]], w) {
						m[k[0]] = append(m[k[0]], w)
					}
				}
			}
		}
	}
	return m
})

// arabicPrefixes are the transliterations of what Arabic joins to the front
// of a word, longest first: the article with and, by, so, like (وال، بال،
// فال، كال), the article (ال), for the (لل), and (و), for (ل), by (ب).
var arabicPrefixes = []string{"wal", "bal", "fal", "kal", "al", "ll", "w", "l", "b"}

// arabicTranslations returns the English words that the lists use for the
// transliterated Arabic-script word w ("alshbka", الشبكة: network), or nil:
// w as it is, else without one prefix that Arabic joins to a word.
func arabicTranslations(w string) []string {
	m := arabicTermIndex()
	if t, ok := m[w]; ok {
		return t
	}
	for _, p := range arabicPrefixes {
		if rest, ok := strings.CutPrefix(w, p); ok && len(rest) >= 3 {
			if t, ok := m[rest]; ok {
				return t
			}
		}
	}
	return nil
}
