package un

import (
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// SourceURL is the official page of the UN Security Council Consolidated List.
const SourceURL = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"

// Name joins FIRST_NAME … FOURTH_NAME as the UN prints them.
func (rec Record) Name() string {
	var parts []string
	for _, p := range []string{rec.FirstName, rec.SecondName, rec.ThirdName, rec.FourthName} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// Entity maps the record to a clearance entity of the UN list.
//
// The id is "un-" plus the lower-cased REFERENCE_NUMBER ("un-qdi.001"),
// which the UN never reuses. Aliases of quality "Good", "a.k.a." and
// "f.k.a." and the name in original script become Aliases. Aliases the UN
// marks "Low" quality (single nicknames such as "Rumuli") would flood a
// screening with false hits, as OFAC says of its weak a.k.a.s, so they go
// to Remarks instead of Aliases.
func (rec Record) Entity() clearance.Entity {
	e := clearance.Entity{
		List:      clearance.UN,
		SourceID:  strings.TrimSpace(rec.DataID),
		Name:      rec.Name(),
		ListedOn:  strings.TrimSpace(rec.ListedOn),
		Remarks:   strings.TrimSpace(rec.Comments),
		SourceURL: SourceURL,
	}
	if p := strings.TrimSpace(rec.UNListType); p != "" {
		e.Programs = []string{p}
	}
	if rec.Kind == "INDIVIDUAL" {
		e.Type = clearance.Person
	} else {
		e.Type = clearance.Organization
	}
	var weak []string
	seen := map[string]bool{lists.NormalizeName(e.Name): true}
	addAlias := func(a string) {
		a = strings.TrimSpace(a)
		k := lists.NormalizeName(a)
		if k != "" && !seen[k] {
			seen[k] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	if s := strings.TrimSpace(rec.NameOriginalScript); s != "" {
		addAlias(s)
	}
	for _, a := range append(append([]Alias{}, rec.IndividualAliases...), rec.EntityAliases...) {
		if strings.TrimSpace(a.Name) == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(a.Quality), "Low") {
			weak = append(weak, strings.TrimSpace(a.Name))
			continue
		}
		addAlias(a.Name)
		if d := strings.TrimSpace(a.DateOfBirth); d != "" {
			e.BirthDates = append(e.BirthDates, d)
		}
	}
	if len(weak) > 0 {
		note := "Low quality a.k.a.: " + strings.Join(weak, "; ")
		if e.Remarks != "" {
			e.Remarks += "\n" + note
		} else {
			e.Remarks = note
		}
	}
	countries := map[string]bool{}
	for _, a := range append(append([]Address{}, rec.IndividualAddress...), rec.EntityAddress...) {
		addr := clearance.Address{
			Street:     strings.TrimSpace(a.Street),
			City:       strings.TrimSpace(a.City),
			State:      strings.TrimSpace(a.StateProvince),
			PostalCode: strings.TrimSpace(a.ZipCode),
		}
		country := strings.TrimSpace(a.Country)
		if cc, ok := lists.CountryCode(country); ok {
			addr.Country = cc
			countries[cc] = true
		}
		addr.Full = joinNonEmpty(addr.Street, addr.City, addr.State, addr.PostalCode, country)
		if addr.Full == "" {
			continue
		}
		e.Addresses = append(e.Addresses, addr)
	}
	for c := range countries {
		e.Countries = append(e.Countries, c)
	}
	e.Countries = clearance.SortStrings(e.Countries)
	for _, n := range rec.Nationality {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if cc, ok := lists.CountryCode(n); ok {
			n = cc
		}
		e.Nationalities = append(e.Nationalities, n)
	}
	for _, d := range rec.BirthDates {
		e.BirthDates = append(e.BirthDates, d.dates()...)
	}
	e.BirthDates = clearance.SortStrings(e.BirthDates)
	for _, p := range rec.BirthPlaces {
		if s := joinNonEmpty(strings.TrimSpace(p.City), strings.TrimSpace(p.StateProvince), strings.TrimSpace(p.Country)); s != "" {
			e.BirthPlaces = append(e.BirthPlaces, s)
		}
	}
	for _, d := range rec.Documents {
		if id, ok := d.identifier(); ok {
			e.IDs = append(e.IDs, id)
		}
	}
	var titles []string
	for _, t := range append(append([]string{}, rec.Title...), rec.Designation...) {
		if t = strings.TrimSpace(t); t != "" {
			titles = append(titles, t)
		}
	}
	e.Title = strings.Join(titles, "; ")
	e.ID = lists.StableID(clearance.UN, rec.ReferenceNumber, "", e.Name)
	if strings.TrimSpace(rec.ReferenceNumber) == "" {
		e.ID = lists.StableID(clearance.UN, "dataid-"+e.SourceID, "", e.Name)
	}
	return e
}

// dates renders a birth date as ISO strings: the date, the year, or every
// year of a BETWEEN range (capped at 20 years, a range wider than that
// says nothing useful for screening).
func (d BirthDate) dates() []string {
	if s := strings.TrimSpace(d.Date); s != "" {
		return []string{s}
	}
	if s := strings.TrimSpace(d.Year); s != "" {
		return []string{s}
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(d.FromYear))
	to, err2 := strconv.Atoi(strings.TrimSpace(d.ToYear))
	if err1 != nil || err2 != nil || to < from || to-from > 20 {
		return nil
	}
	var out []string
	for y := from; y <= to; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

func (d Document) identifier() (clearance.Identifier, bool) {
	num := strings.TrimSpace(d.Number)
	typ := strings.TrimSpace(d.TypeOfDocument)
	if num == "" {
		return clearance.Identifier{}, false
	}
	if t2 := strings.TrimSpace(d.TypeOfDocument2); t2 != "" {
		typ = joinNonEmpty(typ, t2)
	}
	country := strings.TrimSpace(d.IssuingCountry)
	if country == "" {
		country = strings.TrimSpace(d.CountryOfIssue)
	}
	if cc, ok := lists.CountryCode(country); ok {
		country = cc
	}
	var notes []string
	if s := strings.TrimSpace(d.DateOfIssue); s != "" {
		notes = append(notes, "issued "+s)
	}
	if s := strings.TrimSpace(d.CityOfIssue); s != "" {
		notes = append(notes, "in "+s)
	}
	if s := strings.TrimSpace(d.Note); s != "" {
		notes = append(notes, s)
	}
	return clearance.Identifier{Type: typ, Number: num, Country: country, Note: strings.Join(notes, "; ")}, true
}

// isoDay drops the zone offset some xs:date values carry
// ("2015-04-07-04:00" is 2015-04-07).
func isoDay(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 && isISODate(s[:10]) {
		return s[:10]
	}
	return s
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
