package ofac

import (
	_ "embed"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// Source pages of the two OFAC lists.
const (
	SDNURL    = "https://sanctionslist.ofac.treas.gov/Home/SdnList"
	NonSDNURL = "https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList"
)

//go:embed idtypes.txt
var idTypesTXT string

var (
	idTypesOnce sync.Once
	idTypes     []string // each followed by a space, longest first
)

func loadIDTypes() []string {
	idTypesOnce.Do(func() {
		for _, l := range strings.Split(idTypesTXT, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				idTypes = append(idTypes, l+" ")
			}
		}
		sort.SliceStable(idTypes, func(i, j int) bool { return len(idTypes[i]) > len(idTypes[j]) })
	})
	return idTypes
}

// Entity maps the entry to a clearance entity. The id is
// "<list>-<ent_num>" (lists.StableID), the same id the CSL reader gives
// the entry's CSL row. Birth dates, places of birth, nationalities,
// citizenships and identity documents are taken from the remarks
// ("DOB 10 Dec 1948; POB Damascus, Syria; nationality Syria; Passport
// 1084010 (Egypt)"); the remarks are kept whole as well. Aliases come from
// alt.csv and from the "a.k.a. 'X'" / "f.k.a. 'X'" items of the remarks,
// which are what OFAC calls weak aliases. The CSL lists those among an
// entry's alt_names too, and some are full names ("ABDELNASSER, Hajji"),
// so they are screened on like the others.
func (rec Record) Entity() clearance.Entity {
	e := clearance.Entity{
		ID:       lists.StableID(rec.List, rec.EntNum, "", rec.Name),
		List:     rec.List,
		SourceID: rec.EntNum,
		Name:     rec.Name,
		Programs: rec.Programs,
		Title:    rec.Title,
		Remarks:  rec.Remarks,
	}
	e.SourceURL = SDNURL
	if rec.List != clearance.SDN {
		e.SourceURL = NonSDNURL
	}
	switch rec.Type {
	case "individual":
		e.Type = clearance.Person
	case "vessel":
		e.Type = clearance.Vessel
	case "aircraft":
		e.Type = clearance.Aircraft
	default:
		e.Type = clearance.Organization // OFAC writes "-0-" for entities
	}
	for _, a := range rec.Aliases {
		addAlias(&e, a.Name)
	}
	countries := map[string]bool{}
	for _, a := range rec.Addresses {
		addr := clearance.Address{Street: a.Address, City: a.CityStatePostal}
		if cc, ok := lists.CountryCode(a.Country); ok {
			addr.Country = cc
			countries[cc] = true
		}
		addr.Full = joinNonEmpty(a.Address, a.CityStatePostal, a.Country)
		e.Addresses = append(e.Addresses, addr)
	}
	for c := range countries {
		e.Countries = append(e.Countries, c)
	}
	e.Countries = clearance.SortStrings(e.Countries)
	if rec.CallSign+rec.VesselType+rec.VesselFlag+rec.VesselOwner+rec.Tonnage+rec.GRT != "" {
		e.Vessel = &clearance.VesselInfo{CallSign: rec.CallSign, Type: rec.VesselType, Flag: rec.VesselFlag,
			Owner: rec.VesselOwner, GrossTonnage: rec.Tonnage, GrossRegisteredTonnage: rec.GRT}
	}
	applyRemarks(&e, rec.Remarks)
	return e
}

// applyRemarks extracts the structured items of OFAC remarks.
func applyRemarks(e *clearance.Entity, remarks string) {
	for _, item := range RemarkItems(remarks) {
		body := strings.TrimPrefix(item, "alt. ")
		switch {
		case strings.HasPrefix(body, "DOB "):
			e.BirthDates = append(e.BirthDates, ParseDates(body[4:])...)
		case strings.HasPrefix(body, "POB "):
			e.BirthPlaces = append(e.BirthPlaces, strings.TrimSpace(body[4:]))
		case strings.HasPrefix(body, "nationality "):
			e.Nationalities = append(e.Nationalities, countryOrName(body[len("nationality "):]))
		case strings.HasPrefix(body, "a.k.a. "), strings.HasPrefix(body, "f.k.a. "), strings.HasPrefix(body, "n.k.a. "):
			addAlias(e, strings.Trim(strings.TrimSpace(body[7:]), "'"))
		case strings.HasPrefix(body, "citizen "):
			e.Citizenships = append(e.Citizenships, countryOrName(body[len("citizen "):]))
		default:
			if id, ok := parseIdentifier(body); ok {
				e.IDs = append(e.IDs, id)
			}
		}
	}
}

// RemarkItems splits OFAC remarks into items at "; ", dropping the final
// period. Parentheses protect their content: "(Linked To: A; B)" is one item.
func RemarkItems(remarks string) []string {
	remarks = strings.TrimSuffix(strings.TrimSpace(remarks), ".")
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(remarks); i++ {
		switch remarks[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				if s := strings.TrimSpace(remarks[start:i]); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
	}
	if s := strings.TrimSpace(remarks[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// addAlias appends a unless it is, normalised, the name or an alias already.
func addAlias(e *clearance.Entity, a string) {
	k := lists.NormalizeName(a)
	if k == "" || k == lists.NormalizeName(e.Name) {
		return
	}
	for _, x := range e.Aliases {
		if lists.NormalizeName(x) == k {
			return
		}
	}
	e.Aliases = append(e.Aliases, a)
}

func countryOrName(s string) string {
	s = strings.TrimSpace(s)
	if cc, ok := lists.CountryCode(s); ok {
		return cc
	}
	return s
}

var (
	dateRangeRE = regexp.MustCompile(`^(.+?) to (.+)$`)
	issuedRE    = regexp.MustCompile(`\s+(issued|expires)\s+(\d{1,2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}|\d{4})`)
	countryRE   = regexp.MustCompile(`\s*\(([^()]+)\)\s*$`)
)

// ParseDates reads an OFAC date as ISO strings: "10 Dec 1948" is
// "1948-12-10", "Dec 1948" is "1948-12", "1948" stays, "circa 1951" is
// "1951", and "1960 to 1962" gives both bounds. Text it cannot read is
// dropped: a wrong birth date would mislead more than a missing one.
func ParseDates(s string) []string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "circa "))
	if m := dateRangeRE.FindStringSubmatch(s); m != nil {
		return append(ParseDates(m[1]), ParseDates(m[2])...)
	}
	for _, l := range []struct{ in, out string }{
		{"02 Jan 2006", "2006-01-02"}, {"2 Jan 2006", "2006-01-02"}, {"Jan 2006", "2006-01"}, {"2006", "2006"},
	} {
		if t, err := time.Parse(l.in, s); err == nil {
			return []string{t.Format(l.out)}
		}
	}
	return nil
}

// parseIdentifier reads an identity-document item of the remarks
// ("Passport K754050 issued 26 May 1999 expires 25 May 2004",
// "Tax ID No. 100036386 (Serbia)"); the types it knows are in idtypes.txt.
func parseIdentifier(item string) (clearance.Identifier, bool) {
	for _, t := range loadIDTypes() {
		rest, ok := strings.CutPrefix(item, t)
		if !ok {
			continue
		}
		id := clearance.Identifier{Type: strings.TrimSuffix(t, " ")}
		var notes []string
		if loc := issuedRE.FindStringIndex(rest); loc != nil {
			for _, m := range issuedRE.FindAllStringSubmatch(rest[loc[0]:], -1) {
				if d := ParseDates(m[2]); len(d) == 1 {
					notes = append(notes, m[1]+" "+d[0])
				}
			}
			rest = rest[:loc[0]]
		}
		if m := countryRE.FindStringSubmatchIndex(rest); m != nil {
			id.Country = countryOrName(rest[m[2]:m[3]])
			rest = rest[:m[0]]
		}
		id.Number = strings.TrimSpace(rest)
		id.Note = strings.Join(notes, "; ")
		return id, id.Number != ""
	}
	return clearance.Identifier{}, false
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}
