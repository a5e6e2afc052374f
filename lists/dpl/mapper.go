package dpl

import (
	"regexp"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// SourceURL is the official page of the Denied Persons List.
const SourceURL = "https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-including-us-person-controls/denied-persons-list"

// Entity maps the record to a clearance entity of the DPL. The DPL states no
// party type: it is inferred from the name (legal-form words make an
// organization, otherwise a person, since the DPL lists only firms and
// natural persons). The ID is lists.StableID of the name and country; run
// lists.AssignUniqueIDs over the whole list, because BIS repeats a party
// once per address.
func (rec Record) Entity() clearance.Entity {
	e := clearance.Entity{
		List:          clearance.DPL,
		Name:          rec.Name,
		ListedOn:      rec.EffectiveDate,
		EndDate:       rec.ExpirationDate,
		Citations:     ParseCitations(rec.FRCitations),
		StandardOrder: rec.TypeOfDenial,
		SourceURL:     SourceURL,
	}
	e.Aliases = embeddedAliases(rec.Name)
	e.Type = lists.InferType(rec.Name, lists.PeopleUnlessOrganization)
	e.TypeInferred = true
	addr := clearance.Address{
		Street:     rec.Street,
		City:       rec.City,
		State:      rec.State,
		PostalCode: rec.PostalCode,
		Country:    rec.Country,
	}
	addr.Full = joinNonEmpty(addr.Street, addr.City, addr.State, addr.Country, addr.PostalCode)
	if addr.Full != "" {
		e.Addresses = []clearance.Address{addr}
	}
	if rec.Country != "" {
		e.Countries = []string{rec.Country}
	}
	e.ID = lists.StableID(clearance.DPL, "", rec.Country, rec.Name)
	return e
}

var (
	// "PEARL (A.K.A. NEI-CHIEN CHU) LI"
	parenAKA = regexp.MustCompile(`\s*\((?:A\.?K\.?A\.?|F\.?K\.?A\.?|D/B/A|A/K/A)\s+([^)]+)\)\s*`)
	// "FUYI SUN A/K/A FRANK SUN", "SIBERIAN AIRLINES D/B/A S7 AIRLINES"
	inlineAKA = regexp.MustCompile(`\s+(?:A/K/A|D/B/A|F/K/A|A\.K\.A\.?)\s+`)
)

// embeddedAliases returns the other names BIS writes into the name cell:
// the name without its "(A.K.A. …)" part and the alias itself, or both
// sides of "A/K/A" and "D/B/A". The primary name stays as listed.
func embeddedAliases(name string) []string {
	var out []string
	if m := parenAKA.FindAllStringSubmatchIndex(name, -1); m != nil {
		for _, loc := range m {
			out = append(out, strings.TrimSpace(name[loc[2]:loc[3]]))
		}
		out = append([]string{strings.Join(strings.Fields(parenAKA.ReplaceAllString(name, " ")), " ")}, out...)
		return out
	}
	if parts := inlineAKA.Split(name, -1); len(parts) > 1 {
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
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
