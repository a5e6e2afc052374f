package lists

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// countriesTSV maps ISO 3166-1 alpha-2 codes to English names and to the
// other spellings the official lists use ("Korea, North", "Burma",
// "Iran (Islamic Republic of)"). It is data, not code: add a spelling there
// when a list starts using a new one (TestCountryNamesInListFiles finds them).
//
//go:embed countries.tsv
var countriesTSV string

type countryTable struct {
	nameOf map[string]string // ISO-2 -> English short name
	codeOf map[string]string // folded name or alias -> ISO-2
}

var (
	countriesOnce sync.Once
	countries     countryTable
	countriesErr  error
)

func loadCountries() (countryTable, error) {
	countriesOnce.Do(func() { countries, countriesErr = parseCountries(countriesTSV) })
	return countries, countriesErr
}

// parseCountries reads the tab-separated country table: code, name, aliases
// separated by '|'. Lines starting with '#' are comments.
func parseCountries(text string) (countryTable, error) {
	t := countryTable{nameOf: map[string]string{}, codeOf: map[string]string{}}
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return t, fmt.Errorf("countries.tsv: line %d: want 3 tab-separated fields, got %d", i+1, len(f))
		}
		code := f[0]
		if len(code) != 2 || strings.ToUpper(code) != code {
			return t, fmt.Errorf("countries.tsv: line %d: field %q: %q is not an upper-case ISO-2 code", i+1, "code", code)
		}
		if _, dup := t.nameOf[code]; dup {
			return t, fmt.Errorf("countries.tsv: line %d: code %s listed twice", i+1, code)
		}
		t.nameOf[code] = f[1]
		names := []string{f[1]}
		if f[2] != "" {
			names = append(names, strings.Split(f[2], "|")...)
		}
		for _, n := range names {
			k := foldCountry(n)
			if prev, ok := t.codeOf[k]; ok && prev != code {
				return t, fmt.Errorf("countries.tsv: line %d: name %q already maps to %s", i+1, n, prev)
			}
			t.codeOf[k] = code
		}
	}
	return t, nil
}

// foldCountry reduces a country name to a comparison key: diacritics
// stripped, lower case, "&" read as "and", punctuation as space.
func foldCountry(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	space := true
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// CountryCode returns the ISO 3166-1 alpha-2 code for a country name as the
// lists write it ("China", "Korea, North", "Iran (Islamic Republic of)") or
// for an ISO-2 code itself (any case). It returns "" and false when the name
// is not a country Clearance knows (OFAC's "-0-", "undetermined", regions).
func CountryCode(name string) (string, bool) {
	t, err := loadCountries()
	if err != nil {
		return "", false
	}
	name = strings.TrimSpace(name)
	if len(name) == 2 {
		up := strings.ToUpper(name)
		if _, ok := t.nameOf[up]; ok {
			return up, true
		}
	}
	code, ok := t.codeOf[foldCountry(name)]
	return code, ok
}

// CountryName returns the English short name of an ISO-2 code, and false
// when the code is unknown.
func CountryName(code string) (string, bool) {
	t, err := loadCountries()
	if err != nil {
		return "", false
	}
	n, ok := t.nameOf[strings.ToUpper(strings.TrimSpace(code))]
	return n, ok
}
