// Package clearance holds the domain types of the Clearance export-control
// compliance system: listed parties (Entity), the lists they come from
// (ListCode), screening results (Match) and their explanations.
//
// The package depends on the standard library only. Readers of the official
// list formats (lists/...), the matcher (match), the license-determination
// engine (ear), the store and the server all speak these types.
package clearance

import (
	"fmt"
	"sort"
	"strings"
)

// ListCode identifies a restricted-party list. The codes are the ones the
// trade.gov Consolidated Screening List uses in its source names, plus UN.
type ListCode string

// The lists Clearance knows. ListInfo gives each one's authority and name.
const (
	EL   ListCode = "EL"   // BIS Entity List, Supp. No. 4 to 15 CFR Part 744
	DPL  ListCode = "DPL"  // BIS Denied Persons List
	UVL  ListCode = "UVL"  // BIS Unverified List, Supp. No. 6 to Part 744
	MEU  ListCode = "MEU"  // BIS Military End-User List, Supp. No. 7 to Part 744
	MIEU ListCode = "MIEU" // BIS military-intelligence end users named in § 744.22
	SDN  ListCode = "SDN"  // OFAC Specially Designated Nationals
	SSI  ListCode = "SSI"  // OFAC Sectoral Sanctions Identifications
	FSE  ListCode = "FSE"  // OFAC Foreign Sanctions Evaders
	ISN  ListCode = "ISN"  // State Department Nonproliferation Sanctions
	DTC  ListCode = "DTC"  // State Department ITAR Debarred
	PLC  ListCode = "PLC"  // OFAC Palestinian Legislative Council (non-SDN)
	CAP  ListCode = "CAP"  // OFAC CAPTA list
	CMIC ListCode = "CMIC" // OFAC Non-SDN Chinese Military-Industrial Complex Companies
	MBS  ListCode = "MBS"  // OFAC Non-SDN Menu-Based Sanctions
	UN   ListCode = "UN"   // UN Security Council Consolidated List
)

// ListMeta describes a list: who publishes it and the exact source string the
// trade.gov CSL uses for it (kept verbatim for API compatibility).
type ListMeta struct {
	Code      ListCode `json:"code"`
	Name      string   `json:"name"`
	Agency    string   `json:"agency"`
	CSLSource string   `json:"csl_source,omitempty"` // e.g. "Entity List (EL) - Bureau of Industry and Security"
}

var listMeta = []ListMeta{
	{EL, "Entity List", "Bureau of Industry and Security", "Entity List (EL) - Bureau of Industry and Security"},
	{DPL, "Denied Persons List", "Bureau of Industry and Security", "Denied Persons List (DPL) - Bureau of Industry and Security"},
	{UVL, "Unverified List", "Bureau of Industry and Security", "Unverified List (UVL) - Bureau of Industry and Security"},
	{MEU, "Military End User List", "Bureau of Industry and Security", "Military End User (MEU) List - Bureau of Industry and Security"},
	{MIEU, "Military-Intelligence End Users", "Bureau of Industry and Security", ""},
	{SDN, "Specially Designated Nationals", "Treasury Department", "Specially Designated Nationals (SDN) - Treasury Department"},
	{SSI, "Sectoral Sanctions Identifications List", "Treasury Department", "Sectoral Sanctions Identifications List (SSI) - Treasury Department"},
	{FSE, "Foreign Sanctions Evaders", "Treasury Department", "Foreign Sanctions Evaders (FSE) - Treasury Department"},
	{ISN, "Nonproliferation Sanctions", "State Department", "Nonproliferation Sanctions (ISN) - State Department"},
	{DTC, "ITAR Debarred", "State Department", "ITAR Debarred (DTC) - State Department"},
	{PLC, "Palestinian Legislative Council List", "Treasury Department", "Palestinian Legislative Council List (PLC) - Treasury Department"},
	{CAP, "CAPTA List", "Treasury Department", "Capta List (CAP) - Treasury Department"},
	{CMIC, "Non-SDN Chinese Military-Industrial Complex Companies List", "Treasury Department", "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"},
	{MBS, "Non-SDN Menu-Based Sanctions List", "Treasury Department", "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"},
	{UN, "UN Security Council Consolidated List", "United Nations Security Council", ""},
}

// Lists returns the metadata of every list Clearance knows, in a fixed order.
func Lists() []ListMeta { return append([]ListMeta(nil), listMeta...) }

// Meta returns the metadata of code, and false when the code is unknown.
func (c ListCode) Meta() (ListMeta, bool) {
	for _, m := range listMeta {
		if m.Code == c {
			return m, true
		}
	}
	return ListMeta{}, false
}

// Valid reports whether c is a list code Clearance knows.
func (c ListCode) Valid() bool { _, ok := c.Meta(); return ok }

// ListFromCSLSource maps a trade.gov CSL "source" string (full, e.g.
// "Entity List (EL) - Bureau of Industry and Security", or a bare code such
// as "EL" or "NS-MBS") to its ListCode.
func ListFromCSLSource(s string) (ListCode, error) {
	s = strings.TrimSpace(s)
	for _, m := range listMeta {
		if s == m.CSLSource || strings.EqualFold(s, string(m.Code)) {
			return m.Code, nil
		}
	}
	switch strings.ToUpper(s) {
	case "NS-MBS", "NS-MBS LIST":
		return MBS, nil
	case "NS-PLC":
		return PLC, nil
	case "NS-CMIC":
		return CMIC, nil
	}
	// Tolerate wording drift: take the code in parentheses.
	if i := strings.Index(s, "("); i >= 0 {
		if j := strings.Index(s[i:], ")"); j > 0 {
			code := strings.TrimSuffix(strings.TrimSpace(s[i+1:i+j]), " List")
			if code != s && code != "" {
				return ListFromCSLSource(code)
			}
		}
	}
	return "", fmt.Errorf("unknown list source %q", s)
}

// ParseListCodes parses a comma-separated list of codes ("EL,SDN").
// An empty string yields nil (all lists).
func ParseListCodes(s string) ([]ListCode, error) {
	var out []ListCode
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		c, err := ListFromCSLSource(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// EntityType is what kind of party an entry describes.
type EntityType string

// Entity types. Unknown is used only when neither the source nor inference
// can tell; it is never silently turned into Person.
const (
	Person       EntityType = "person"
	Organization EntityType = "organization"
	Vessel       EntityType = "vessel"
	Aircraft     EntityType = "aircraft"
	Unknown      EntityType = "unknown"
)

// ParseEntityType accepts the spellings used by sources and users
// ("Individual", "person", "Entity", "organization", "company", "vessel", …).
// The empty string is Unknown.
func ParseEntityType(s string) (EntityType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return Unknown, nil
	case "person", "individual", "natural person":
		return Person, nil
	case "entity", "organization", "organisation", "company", "org":
		return Organization, nil
	case "vessel", "ship":
		return Vessel, nil
	case "aircraft":
		return Aircraft, nil
	case "unknown":
		return Unknown, nil
	}
	return "", fmt.Errorf("unknown entity type %q (want person, entity, vessel, aircraft or empty)", s)
}

// Address is a postal address as the list gives it. Full keeps the original
// text; the parts are filled where the source separates them.
type Address struct {
	Full       string `json:"full,omitempty"`
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"` // ISO 3166-1 alpha-2 where known
}

// Citation is a Federal Register (or other official) citation of a listing
// action, e.g. "84 FR 54002" published 2019-10-09.
type Citation struct {
	Text string `json:"text"`           // as written in the source, e.g. "84 FR 54004, 10/9/19"
	Cite string `json:"cite,omitempty"` // normalised "84 FR 54004"
	Date string `json:"date,omitempty"` // publication/effective date, YYYY-MM-DD, where known
}

// Identifier is an identity document or registration number.
type Identifier struct {
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country,omitempty"`
	Note    string `json:"note,omitempty"`
}

// VesselInfo holds the vessel fields of OFAC entries.
type VesselInfo struct {
	CallSign               string `json:"call_sign,omitempty"`
	Type                   string `json:"type,omitempty"`
	Flag                   string `json:"flag,omitempty"`
	Owner                  string `json:"owner,omitempty"`
	GrossTonnage           string `json:"gross_tonnage,omitempty"`
	GrossRegisteredTonnage string `json:"gross_registered_tonnage,omitempty"`
}

// Entity is one entry of one restricted-party list.
//
// ID is stable across list refreshes: see StableID for the scheme.
// Dates are ISO 8601 strings (YYYY-MM-DD, or YYYY / YYYY-MM when the source
// is only that precise); ISO strings compare correctly as strings.
type Entity struct {
	ID           string     `json:"id"`
	List         ListCode   `json:"list"`
	SourceID     string     `json:"source_id,omitempty"` // the source's own number (OFAC ent_num, UN DATAID, CSL entity_number)
	Type         EntityType `json:"type"`
	TypeInferred bool       `json:"type_inferred,omitempty"` // Type was inferred, not stated by the source
	Name         string     `json:"name"`
	Aliases      []string   `json:"aliases,omitempty"`
	Addresses    []Address  `json:"addresses,omitempty"`
	Countries    []string   `json:"countries,omitempty"` // ISO-2, from addresses and the list's country column
	Programs     []string   `json:"programs,omitempty"`
	Citations    []Citation `json:"citations,omitempty"`
	ListedOn     string     `json:"listed_on,omitempty"` // first listing / effective date where known
	EndDate      string     `json:"end_date,omitempty"`  // expiry (DPL orders) where known

	// Entity List (and MEU) columns, verbatim.
	LicenseRequirement string `json:"license_requirement,omitempty"`
	LicensePolicy      string `json:"license_policy,omitempty"`
	StandardOrder      string `json:"standard_order,omitempty"` // DPL

	Title         string       `json:"title,omitempty"`
	Remarks       string       `json:"remarks,omitempty"`
	BirthDates    []string     `json:"birth_dates,omitempty"`
	BirthPlaces   []string     `json:"birth_places,omitempty"`
	Nationalities []string     `json:"nationalities,omitempty"`
	Citizenships  []string     `json:"citizenships,omitempty"`
	IDs           []Identifier `json:"ids,omitempty"`
	Vessel        *VesselInfo  `json:"vessel,omitempty"`
	SourceURL     string       `json:"source_url,omitempty"`      // the list's official page
	SourceInfoURL string       `json:"source_info_url,omitempty"` // more information about the entry
}

// Names returns the primary name followed by the aliases.
func (e *Entity) Names() []string {
	out := make([]string, 0, 1+len(e.Aliases))
	out = append(out, e.Name)
	return append(out, e.Aliases...)
}

// ListedAsOf reports whether the entry was in force on date (YYYY-MM-DD).
// An entry with no known listing date is treated as always listed: absence
// of a date must never hide a listed party.
func (e *Entity) ListedAsOf(date string) bool {
	if date == "" {
		return true
	}
	if e.ListedOn != "" && len(e.ListedOn) >= 10 && date < e.ListedOn[:10] {
		return false
	}
	if e.EndDate != "" && len(e.EndDate) >= 10 && date > e.EndDate[:10] {
		return false
	}
	return true
}

// SortStrings sorts and de-duplicates a string slice in place, returning it.
func SortStrings(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if v == "" || (i > 0 && v == s[i-1]) {
			continue
		}
		out = append(out, v)
	}
	return out
}
