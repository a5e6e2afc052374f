package csl

import (
	"regexp"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/fedreg"
)

// isnSuffix is the boilerplate State appends to ISN names; the name without
// it is what a user types, so it is added as an alias.
const isnSuffix = "; and any successor, sub-unit, or subsidiary thereof"

// Entity maps the record to a clearance entity.
//
// The id is lists.StableID: "<list>-<entity_number>" for Treasury rows (the
// OFAC ent_num, so "sdn-30946" and "cmic-30946" are the ids the OFAC reader
// gives too), otherwise derived from the name and the first address's
// country. trade.gov's _id is kept nowhere: it changes on every amendment.
// When the CSL leaves the type empty (all BIS, State rows) it is inferred
// from the name and TypeInferred is set.
func (rec Record) Entity() clearance.Entity {
	e := clearance.Entity{
		List:               rec.List,
		SourceID:           rec.EntityNumber,
		Name:               cleanName(rec.Name),
		Programs:           rec.Programs,
		Title:              rec.Title,
		Citations:          fedreg.Parse(rec.FederalRegisterNotice),
		ListedOn:           rec.StartDate,
		EndDate:            rec.EndDate,
		LicenseRequirement: rec.LicenseRequirement,
		LicensePolicy:      rec.LicensePolicy,
		StandardOrder:      rec.StandardOrder,
		Remarks:            rec.Remarks,
		BirthPlaces:        rec.PlacesOfBirth,
		SourceURL:          rec.SourceListURL,
		SourceInfoURL:      rec.SourceInformationURL,
	}
	if e.List == "" {
		e.List, _ = clearance.ListFromCSLSource(rec.Source)
	}
	seen := map[string]bool{lists.NormalizeName(e.Name): true}
	addAlias := func(a string) {
		if k := lists.NormalizeName(a); k != "" && !seen[k] {
			seen[k] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	if short, ok := strings.CutSuffix(e.Name, isnSuffix); ok {
		addAlias(strings.TrimSpace(short))
	}
	for _, a := range rec.AltNames {
		addAlias(cleanName(a))
	}
	countries := map[string]bool{}
	for _, a := range rec.Addresses {
		addr := clearance.Address{Street: a.Address, City: a.City, State: a.State, PostalCode: a.PostalCode}
		if cc, ok := lists.CountryCode(a.Country); ok {
			addr.Country = cc
			countries[cc] = true
		}
		addr.Full = joinNonEmpty(a.Address, a.City, a.State, a.PostalCode, a.Country)
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for c := range countries {
		e.Countries = append(e.Countries, c)
	}
	e.Countries = clearance.SortStrings(e.Countries)
	e.Nationalities = countryCodes(rec.Nationalities)
	e.Citizenships = countryCodes(rec.Citizenships)
	for _, d := range rec.DatesOfBirth {
		e.BirthDates = append(e.BirthDates, isoBirthDates(d)...)
	}
	for _, id := range rec.IDs {
		x := clearance.Identifier{Type: id.Type, Number: id.Number, Country: id.Country, Note: id.Note}
		if cc, ok := lists.CountryCode(id.Country); ok {
			x.Country = cc
		}
		var notes []string
		if x.Note != "" {
			notes = append(notes, x.Note)
		}
		if id.IssueDate != "" {
			notes = append(notes, "issued "+id.IssueDate)
		}
		if id.ExpirationDate != "" {
			notes = append(notes, "expires "+id.ExpirationDate)
		}
		x.Note = strings.Join(notes, "; ")
		e.IDs = append(e.IDs, x)
	}
	if rec.CallSign+rec.VesselType+rec.VesselFlag+rec.VesselOwner+rec.GrossTonnage+rec.GrossRegisteredTonnage != "" {
		e.Vessel = &clearance.VesselInfo{CallSign: rec.CallSign, Type: rec.VesselType, Flag: rec.VesselFlag,
			Owner: rec.VesselOwner, GrossTonnage: rec.GrossTonnage, GrossRegisteredTonnage: rec.GrossRegisteredTonnage}
	}
	e.Type, _ = clearance.ParseEntityType(rec.Type)
	if e.Type == "" || e.Type == clearance.Unknown {
		var hints []lists.Hint
		if len(rec.DatesOfBirth)+len(rec.PlacesOfBirth)+len(rec.Nationalities)+len(rec.Citizenships) > 0 {
			hints = append(hints, lists.HasPersonalData)
		}
		if e.List == clearance.DPL || e.List == clearance.DTC {
			hints = append(hints, lists.PeopleUnlessOrganization)
		}
		e.Type = lists.InferType(e.Name, hints...)
		e.TypeInferred = true
	}
	e.ID = lists.StableID(e.List, rec.EntityNumber, lists.FirstCountry(e.Addresses), e.Name)
	return e
}

// cleanName repairs the BIS names whose apostrophes, quotes and accented
// letters reached the CSL as '?' ("Donetsk People?s Republic", "FAU
// ?Glavgosekspertiza Rossii?"): "?s " becomes "'s " and any other '?' a
// space. A real name never contains '?'.
func cleanName(s string) string {
	if !strings.Contains(s, "?") {
		return s
	}
	s = strings.ReplaceAll(s, "?s ", "'s ")
	s = strings.ReplaceAll(s, "?", " ")
	return strings.Join(strings.Fields(s), " ")
}

func countryCodes(in []string) []string {
	var out []string
	for _, s := range in {
		if cc, ok := lists.CountryCode(s); ok {
			s = cc
		}
		out = append(out, s)
	}
	return out
}

var yearRangeRE = regexp.MustCompile(`^(\d{4}) to (\d{4})$`)

// isoBirthDates renders a CSL date of birth as ISO strings: "1973-03-25"
// and "1967" stay, "circa 1967" is "1967", "25 Mar 1973" is "1973-03-25",
// "1960 to 1962" is the two bounds. Anything else is kept as written.
func isoBirthDates(s string) []string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "circa"))
	if s == "" {
		return nil
	}
	if m := yearRangeRE.FindStringSubmatch(s); m != nil {
		return []string{m[1], m[2]}
	}
	for _, layout := range []struct{ in, out string }{
		{"2006-01-02", "2006-01-02"}, {"02 Jan 2006", "2006-01-02"}, {"2 Jan 2006", "2006-01-02"},
		{"Jan 2006", "2006-01"}, {"2006", "2006"},
	} {
		if t, err := time.Parse(layout.in, s); err == nil {
			return []string{t.Format(layout.out)}
		}
	}
	return []string{s}
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
