package ddtc

import (
	"regexp"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/fedreg"
)

// SourceURL is the DDTC site, which publishes the debarred-party lists.
const SourceURL = "https://www.pmddtc.state.gov/"

// akaRE finds "(a.k.a. A; B)", "(a/k/a A)" and "(aka A)" (DDTC writes
// all three; likewise f.k.a.) in a party name.
var akaRE = regexp.MustCompile(`\s*\((?i:a\.k\.a\.?|a/k/a|aka|f\.k\.a\.?|f/k/a|fka)(?:\s+|:\s*)([^)]*)\)`)

// Entity maps the row to a clearance entity of the DTC list. The name
// loses its "(a.k.a. …)" part, whose names become aliases, so that it
// reads as the CSL's DTC row does; the id (lists.StableID, no country)
// then equals the CSL row's, word order aside ("Ahmed, Tariq" here,
// "Tariq Ahmed" in the CSL). The type is inferred: State lists natural
// persons ("Acety, Edwin") and firms only.
func (rec Record) Entity() clearance.Entity {
	name := rec.Name
	var aliases []string
	for _, m := range akaRE.FindAllStringSubmatch(name, -1) {
		for _, a := range strings.Split(m[1], ";") {
			if a = strings.TrimSpace(a); a != "" {
				aliases = append(aliases, a)
			}
		}
	}
	name = strings.Join(strings.Fields(akaRE.ReplaceAllString(name, " ")), " ")
	if name == "" {
		name = rec.Name
	}
	e := clearance.Entity{
		List:      clearance.DTC,
		Name:      name,
		Aliases:   aliases,
		ListedOn:  rec.NoticeDate,
		SourceURL: SourceURL,
	}
	cites := fedreg.Parse(rec.FederalRegisterNotice)
	if len(cites) > 0 && cites[0].Date == "" {
		cites[0].Date = rec.NoticeDate
	}
	for _, c := range fedreg.Parse(rec.CorrectedNotice) {
		if c.Date == "" {
			c.Date = rec.CorrectedNoticeDate
		}
		cites = append(cites, c)
	}
	e.Citations = cites
	var hints []lists.Hint
	if dob := birthMonth(rec.DateOfBirth); dob != "" {
		e.BirthDates = []string{dob}
		hints = append(hints, lists.HasPersonalData)
	}
	if rec.Kind == Statutory {
		hints = append(hints, lists.PeopleUnlessOrganization)
	}
	e.Type = lists.InferType(name, hints...)
	e.TypeInferred = true
	e.ID = lists.StableID(clearance.DTC, "", "", name)
	return e
}

// birthMonth reads DDTC's "November, 1975" as "1975-11".
func birthMonth(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), " ")
	if s == "" {
		return ""
	}
	for _, layout := range []string{"January 2006", "Jan 2006", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "2006" {
				return t.Format("2006")
			}
			return t.Format("2006-01")
		}
	}
	return ""
}
