package eval

import (
	"strings"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// SetListsOriginal is the real-data cross-script set: names the lists
// themselves give in their original script.
const SetListsOriginal = "lists-original-script"

// ScriptOf names the non-Latin script most of a name's letters are written
// in ("arabic", "cyrillic", "han", "hangul", "other"), or "" for a name
// with any Latin letter or no letter at all.
func ScriptOf(name string) string {
	counts := map[string]int{}
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Latin, r):
			return ""
		case unicode.Is(unicode.Arabic, r):
			counts["arabic"]++
		case unicode.Is(unicode.Cyrillic, r):
			counts["cyrillic"]++
		case unicode.Is(unicode.Han, r):
			counts["han"]++
		case unicode.Is(unicode.Hangul, r):
			counts["hangul"]++
		case unicode.IsLetter(r):
			counts["other"]++
		}
	}
	best, n := "", 0
	for _, k := range []string{"arabic", "cyrillic", "han", "hangul", "other"} {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}

// ScriptOfCase is the script a case of ListsOriginalScript is written in,
// for Run.Found.
func ScriptOfCase(c Case) string {
	script, _, _ := strings.Cut(c.Note, ":")
	return script
}

// ListsOriginalScript pairs every alias the lists write wholly in a
// non-Latin script (UN entries give many names in Arabic script, some in
// Cyrillic and Han) with the same entry's Latin names: the alias is the
// query, and an entity holding only the Latin primary name and Latin
// aliases is the listed side, so the alias cannot match itself. All pairs
// are matches: the figure is the share found. Aliases that mix scripts
// ("Abou Mouhadjir (ابو مهاجر)") are left out, as their Latin part would
// match itself. Note carries the script.
func ListsOriginalScript(entities []clearance.Entity) *Set {
	s := &Set{Name: SetListsOriginal, Kind: Pairs, Description: "aliases the lists give in Arabic, Cyrillic or Han script against the entry's Latin names"}
	for i := range entities {
		e := &entities[i]
		var latin []string
		for _, n := range e.Names() {
			if ScriptOf(n) == "" {
				latin = append(latin, n)
			}
		}
		if len(latin) == 0 {
			continue
		}
		seen := map[string]bool{}
		for _, a := range e.Aliases {
			script := ScriptOf(a)
			if script == "" || seen[a] {
				continue
			}
			seen[a] = true
			s.Cases = append(s.Cases, Case{Query: match.Query{Name: a, Type: e.Type}, Listed: latin[0], ListedAliases: latin[1:],
				ListedType: e.Type, Match: true, Note: script + ": " + e.ID})
		}
	}
	return s
}
