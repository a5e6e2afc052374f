package lists

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
)

// orgWordsTXT lists the words that mark a name as an organization (legal
// forms such as "Ltd", "GmbH", "OOO" and institution words such as
// "University", "Bureau"). It is data: see the file for the format.
//
//go:embed orgwords.txt
var orgWordsTXT string

// givenNamesTXT lists given names (see the file for how it was derived).
//
//go:embed givennames.txt
var givenNamesTXT string

var (
	givenNamesOnce sync.Once
	givenNames     map[string]bool
)

func loadGivenNames() map[string]bool {
	givenNamesOnce.Do(func() {
		givenNames = map[string]bool{}
		for _, line := range strings.Split(givenNamesTXT, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				givenNames[line] = true
			}
		}
	})
	return givenNames
}

var (
	orgWordsOnce sync.Once
	orgWords     map[string]bool // every word of both sections
	legalForms   map[string]bool // the [legal-form] section
)

func loadOrgWords() map[string]bool {
	orgWordsOnce.Do(func() {
		orgWords, legalForms = map[string]bool{}, map[string]bool{}
		section := ""
		sc := bufio.NewScanner(strings.NewReader(orgWordsTXT))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if strings.HasPrefix(line, "[") {
				section = strings.Trim(line, "[]")
				continue
			}
			for _, t := range NameTokens(line) {
				orgWords[t] = true
				if section == "legal-form" {
					legalForms[t] = true
				}
			}
		}
	})
	return orgWords
}

// IsLegalForm reports whether every word of s is a legal-form word
// ("LTD.", "Co., Ltd.", "INC", "GmbH"). Readers use it to tell a name's
// legal-form suffix from the address that follows it after a comma.
func IsLegalForm(s string) bool {
	loadOrgWords()
	toks := NameTokens(s)
	for _, t := range toks {
		if !legalForms[t] {
			return false
		}
	}
	return len(toks) > 0
}

// Hint is evidence about a name's kind that comes from the source rather
// than the name itself.
type Hint int

const (
	// PeopleUnlessOrganization says the source lists natural persons and
	// organizations only, so a name without any organization word is a
	// person. True of the Denied Persons List and the ITAR debarred list,
	// whose person names carry no comma ("ANDREE AGNESE").
	PeopleUnlessOrganization Hint = iota + 1
	// HasPersonalData says the entry carries a date or place of birth,
	// a nationality, a gender or a title: only people have those.
	HasPersonalData
)

// InferType guesses the type of a listed party from its name, for sources
// that leave the type empty (the BIS lists, ISN, DTC). It returns
// Organization when the name holds a legal-form or institution word
// (orgwords.txt), Person when the name has the OFAC "SURNAME, Given" shape,
// starts with a common given name (givennames.txt) or a hint says so, and
// Unknown otherwise: a wrong Person would make the
// matcher penalise a company, so Unknown is preferred to a guess.
func InferType(name string, hints ...Hint) clearance.EntityType {
	words := loadOrgWords()
	toks := NameTokens(name)
	if len(toks) == 0 {
		return clearance.Unknown
	}
	for _, t := range toks {
		if words[t] {
			return clearance.Organization
		}
	}
	for _, h := range hints {
		switch h {
		case HasPersonalData:
			return clearance.Person
		case PeopleUnlessOrganization:
			if len(toks) >= 2 && len(toks) <= 6 {
				return clearance.Person
			}
		}
	}
	if surnameGivenShape(name) {
		return clearance.Person
	}
	if len(toks) >= 2 && len(toks) <= 5 && loadGivenNames()[toks[0]] {
		return clearance.Person
	}
	return clearance.Unknown
}

// surnameGivenShape reports whether name looks like OFAC's way of writing
// people: "SURNAME, Given Names" — one comma, an upper-case surname of one
// to four words before it and one to five mixed-case words after it
// ("RIM, Ryong Nam", "'ABD AL-NASIR, Hajji").
func surnameGivenShape(name string) bool {
	before, after, ok := strings.Cut(name, ",")
	if !ok || strings.Contains(after, ",") {
		return false
	}
	sur, given := strings.Fields(before), strings.Fields(after)
	if len(sur) == 0 || len(sur) > 4 || len(given) == 0 || len(given) > 5 {
		return false
	}
	if hasLower(before) || !hasLetter(before) {
		return false
	}
	return hasLower(after)
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
