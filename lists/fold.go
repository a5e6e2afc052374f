package lists

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NameTokens splits a listed name into comparison tokens: NFKC, case
// folded, diacritics stripped, and punctuation handled so that spellings of
// the same legal form agree: dots and apostrophes are dropped inside a word
// ("L.L.C." → "llc", "'ABBAS" → "abbas") and every other non-letter,
// non-digit is a separator ("Co., Ltd." and "Co. Ltd" both give co, ltd).
//
// StableID hashes the tokens joined by single spaces. Changing this
// function changes every derived id, so it is frozen: a change needs a new
// id scheme version (see docs/lists.md).
func NameTokens(name string) []string {
	s := norm.NFKC.String(name)
	s = cases.Fold().String(s)
	s = norm.NFD.String(s)
	var toks []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining mark: the diacritic of the previous letter
		case r == '.' || r == '\'' || r == '’' || r == '‘' || r == '`' || r == 'ʼ':
			// dropped inside a word: abbreviations and transliterated ayn/hamza
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return toks
}

// NormalizeName returns NameTokens joined by single spaces.
func NormalizeName(name string) string { return strings.Join(NameTokens(name), " ") }
