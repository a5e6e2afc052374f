package lists

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// StableID returns the id of a list entry that survives list refreshes.
//
// Why not the source's own id: trade.gov's CSL "_id" is a hash of the whole
// record, so it changes whenever an alias or address is amended, and every
// analyst decision keyed on it would be orphaned. The scheme is:
//
//   - when the source has its own durable number (OFAC ent_num, UN
//     REFERENCE_NUMBER, CSL entity_number on OFAC rows), the id is
//     "<list>-<number>", lower case, e.g. "sdn-30946", "un-cdi.001";
//   - otherwise it is "<list>-<country>-<hash>", where country is the ISO-2
//     code of the entry's first address that has one (FirstCountry; "xx"
//     when none) and hash is the
//     first 12 hex digits of SHA-256 of NameKey(name): the NameTokens
//     sorted, so that "Acety, Edwin" (DDTC) and "Edwin Acety" (the CSL
//     row of the same debarment) get one id, e.g. "el-cn-3f0c…". Amending aliases, addresses after the first, programs,
//     citations or remarks leaves the id unchanged; renaming the primary
//     name, or moving the first address to another country, changes it.
//
// Two entries of one list can derive the same id (DPL lists one firm once
// per address); AssignUniqueIDs resolves that deterministically.
func StableID(list clearance.ListCode, sourceNumber, country, name string) string {
	prefix := strings.ToLower(string(list))
	if n := idSafe(sourceNumber); n != "" {
		return prefix + "-" + n
	}
	cc := "xx"
	if code, ok := CountryCode(country); ok {
		cc = strings.ToLower(code)
	}
	return prefix + "-" + cc + "-" + hash12(NameKey(name))
}

// NameKey is the name part of a derived id: NameTokens in sorted order,
// joined by single spaces. Word order differs between sources for the same
// party (the CSL writes "Edwin Acety" where State's own file writes "Acety,
// Edwin"), and a key that ignores it keeps the id when a refresh switches
// source. Two different parties of one list and country whose names are
// permutations of each other are told apart by AssignUniqueIDs.
func NameKey(name string) string {
	toks := NameTokens(name)
	sort.Strings(toks)
	return strings.Join(toks, " ")
}

// idSafe lower-cases a source number and keeps letters, digits, '.' and
// '-', so that ids stay URL- and file-name-safe.
func idSafe(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '/' || r == '_':
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-.")
}

// FirstCountry returns the country of the first address that has one, in
// the source's order: the country StableID takes for sources without their
// own numbers.
func FirstCountry(addrs []clearance.Address) string {
	for _, a := range addrs {
		if a.Country != "" {
			return a.Country
		}
	}
	return ""
}

func hash12(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// AssignUniqueIDs makes the IDs of entities unique in place.
//
// Entries whose derived ids collide are ordered by a disambiguation key
// (their first address, then their aliases, then their remaining
// identifying fields, all normalised); the first keeps the plain id and
// each other gets "-" plus the first 6 hex digits of SHA-256 of its key.
// The outcome therefore does not depend on the order of the input file,
// and amending one duplicate's aliases does not renumber the others.
// Entries identical in every key field (true duplicates) get a further
// "-2", "-3" … in input order. Entities with an empty ID get one from StableID first.
func AssignUniqueIDs(entities []clearance.Entity) {
	groups := map[string][]int{}
	for i := range entities {
		e := &entities[i]
		if e.ID == "" {
			country := FirstCountry(e.Addresses)
			if country == "" && len(e.Countries) > 0 {
				country = e.Countries[0]
			}
			e.ID = StableID(e.List, e.SourceID, country, e.Name)
		}
		groups[e.ID] = append(groups[e.ID], i)
	}
	used := make(map[string]bool, len(entities))
	for id := range groups {
		used[id] = true
	}
	ids := make([]string, 0, len(groups))
	for id, members := range groups {
		if len(members) > 1 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids) // deterministic order of the suffix assignment
	for _, id := range ids {
		members := groups[id]
		keys := make(map[int]string, len(members))
		for _, i := range members {
			keys[i] = disambiguationKey(&entities[i])
		}
		sort.SliceStable(members, func(a, b int) bool { return keys[members[a]] < keys[members[b]] })
		for _, i := range members[1:] {
			cand := id + "-" + hash12(keys[i])[:6]
			for k := 2; used[cand]; k++ {
				cand = id + "-" + hash12(keys[i])[:6] + "-" + strconv.Itoa(k)
			}
			used[cand] = true
			entities[i].ID = cand
		}
	}
}

func disambiguationKey(e *clearance.Entity) string {
	var parts []string
	for _, a := range e.Addresses {
		parts = append(parts, NormalizeName(strings.Join([]string{a.Full, a.Street, a.City, a.State, a.PostalCode, a.Country}, " ")))
	}
	parts = append(parts, "|")
	for _, a := range e.Aliases {
		parts = append(parts, NormalizeName(a))
	}
	parts = append(parts, "|", e.Title, strings.Join(e.BirthDates, ","), e.ListedOn, e.EndDate, e.Remarks)
	return strings.Join(parts, "\x1f")
}
