package ofac

import (
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// EnhancedRecord is one <entity> of OFAC's ENHANCED_XML export (the
// Sanctions List Service format of SDN_ENHANCED.XML and CONS_ENHANCED.XML).
// Unlike the legacy CSVs it names every list the entry is on, with the date
// it was published there.
type EnhancedRecord struct {
	Line int `xml:"-"`

	ID          string             `xml:"id,attr"` // the ent_num
	EntityType  string             `xml:"generalInfo>entityType"`
	Remarks     string             `xml:"generalInfo>remarks"`
	Lists       []EnhancedList     `xml:"sanctionsLists>sanctionsList"`
	Programs    []string           `xml:"sanctionsPrograms>sanctionsProgram"`
	Types       []string           `xml:"sanctionsTypes>sanctionsType"`
	Authorities []string           `xml:"legalAuthorities>legalAuthority"`
	Names       []EnhancedName     `xml:"names>name"`
	Addresses   []EnhancedAddress  `xml:"addresses>address"`
	Features    []EnhancedFeature  `xml:"features>feature"`
	Documents   []EnhancedDocument `xml:"identityDocuments>identityDocument"`
}

// EnhancedList is a list membership: "Sectoral Sanctions Identifications
// List", published 2014-07-16.
type EnhancedList struct {
	Name          string `xml:",chardata"`
	DatePublished string `xml:"datePublished,attr"`
}

// EnhancedName is a primary name or an alias, in one or more scripts.
type EnhancedName struct {
	IsPrimary    bool                  `xml:"isPrimary"`
	AliasType    string                `xml:"aliasType"` // "A.K.A.", "F.K.A.", "N.K.A."
	IsLowQuality bool                  `xml:"isLowQuality"`
	Translations []EnhancedTranslation `xml:"translations>translation"`
}

// EnhancedTranslation is a name written in one script.
type EnhancedTranslation struct {
	IsPrimary bool   `xml:"isPrimary"`
	Script    string `xml:"script"`
	FullName  string `xml:"formattedFullName"`
}

// EnhancedAddress is an address; Parts are typed ADDRESS1..3, CITY,
// STATE/PROVINCE, POSTAL CODE, REGION.
type EnhancedAddress struct {
	Country      string `xml:"country"`
	Translations []struct {
		IsPrimary bool           `xml:"isPrimary"`
		Parts     []EnhancedPart `xml:"addressParts>addressPart"`
	} `xml:"translations>translation"`
}

// EnhancedPart is a typed part of an address.
type EnhancedPart struct {
	Type  string `xml:"type"`
	Value string `xml:"value"`
}

// EnhancedFeature is a typed fact: "Birthdate", "Place of Birth",
// "Nationality Country", "ISIN", "SWIFT/BIC" …
type EnhancedFeature struct {
	Type  string `xml:"type"`
	Value string `xml:"value"`
}

// EnhancedDocument is an identity document or registration number.
type EnhancedDocument struct {
	Type           string `xml:"type"`
	Number         string `xml:"documentNumber"`
	IssuingCountry string `xml:"issuingCountry"`
	IsValid        string `xml:"isValid"`
}

// EnhancedReader reads an ENHANCED_XML export one <entity> at a time
// (xml.Decoder tokens, DecodeElement per entity), so memory does not
// depend on the file's size.
type EnhancedReader struct {
	name    string
	dec     *xml.Decoder
	asOf    string
	sawRoot bool
	err     error
}

// NewEnhancedReader returns a reader of SDN_ENHANCED.XML or CONS_ENHANCED.XML.
func NewEnhancedReader(r io.Reader) *EnhancedReader { return NewNamedEnhancedReader(r, "") }

// NewNamedEnhancedReader is NewEnhancedReader with a file name for errors.
func NewNamedEnhancedReader(r io.Reader, name string) *EnhancedReader {
	return &EnhancedReader{name: name, dec: xml.NewDecoder(r)}
}

// DataAsOf returns the export's publicationInfo/dataAsOf
// ("2025-01-10T00:00:00"), known once the first entity has been read.
func (r *EnhancedReader) DataAsOf() string { return r.asOf }

func (r *EnhancedReader) prefix() string {
	if r.name == "" {
		return "ofac: "
	}
	return "ofac: " + r.name + ": "
}

// Next returns the next entity, or io.EOF after the last one. After any
// other error the reader is done and returns that error again.
func (r *EnhancedReader) Next() (EnhancedRecord, error) {
	if r.err != nil {
		return EnhancedRecord{}, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

func (r *EnhancedReader) syntaxError(err error, line int) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%sline %d: %s", r.prefix(), se.Line, se.Msg)
	}
	return fmt.Errorf("%sline %d: %w", r.prefix(), line, err)
}

func (r *EnhancedReader) next() (EnhancedRecord, error) {
	for {
		line, _ := r.dec.InputPos()
		tok, err := r.dec.Token()
		if err == io.EOF {
			if !r.sawRoot {
				return EnhancedRecord{}, fmt.Errorf("%sno <sanctionsData> element", r.prefix())
			}
			return EnhancedRecord{}, io.EOF
		}
		if err != nil {
			return EnhancedRecord{}, r.syntaxError(err, line)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "sanctionsData":
			r.sawRoot = true
		case "publicationInfo", "entities":
			// descend
		case "dataAsOf":
			var s string
			if err := r.dec.DecodeElement(&s, &start); err != nil {
				return EnhancedRecord{}, r.syntaxError(err, line)
			}
			r.asOf = strings.TrimSpace(s)
		case "entity":
			if !r.sawRoot {
				return EnhancedRecord{}, fmt.Errorf("%sline %d: <entity> outside <sanctionsData>", r.prefix(), line)
			}
			startLine, _ := r.dec.InputPos()
			var rec EnhancedRecord
			if err := r.dec.DecodeElement(&rec, &start); err != nil {
				return EnhancedRecord{}, r.syntaxError(err, startLine)
			}
			rec.Line = startLine
			if err := rec.check(); err != nil {
				return EnhancedRecord{}, fmt.Errorf("%sline %d: entity %s: %w", r.prefix(), startLine, rec.ID, err)
			}
			return rec, nil
		default:
			if !r.sawRoot {
				return EnhancedRecord{}, fmt.Errorf("%sline %d: root element is <%s>, want <sanctionsData>", r.prefix(), line, start.Name.Local)
			}
			if err := r.dec.Skip(); err != nil { // referenceValues, featureTypes …
				return EnhancedRecord{}, r.syntaxError(err, line)
			}
		}
	}
}

func (rec *EnhancedRecord) check() error {
	if strings.TrimSpace(rec.ID) == "" {
		return errors.New(`attribute "id": empty`)
	}
	if rec.PrimaryName() == "" {
		return errors.New(`field "names": no primary name`)
	}
	for _, l := range rec.Lists {
		if _, _, err := sanctionsListCode(l.Name); err != nil {
			return fmt.Errorf("field %q: %w", "sanctionsList", err)
		}
	}
	return nil
}

// PrimaryName returns the primary name in its primary script.
func (rec *EnhancedRecord) PrimaryName() string {
	for _, n := range rec.Names {
		if n.IsPrimary {
			return n.primary()
		}
	}
	return ""
}

func (n EnhancedName) primary() string {
	for _, t := range n.Translations {
		if t.IsPrimary {
			return strings.TrimSpace(t.FullName)
		}
	}
	if len(n.Translations) > 0 {
		return strings.TrimSpace(n.Translations[0].FullName)
	}
	return ""
}

//go:embed sanctionslists.tsv
var sanctionsListsTSV string

var (
	sanctionsListsOnce sync.Once
	sanctionsLists     map[string]clearance.ListCode // "" for a grouping list
	sanctionsListsErr  error
)

func parseSanctionsLists(text string) (map[string]clearance.ListCode, error) {
	m := map[string]clearance.ListCode{}
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n, c, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("sanctionslists.tsv: line %d: want name<TAB>list", i+1)
		}
		if c == "-" {
			m[n] = ""
			continue
		}
		lc, err := clearance.ListFromCSLSource(c)
		if err != nil {
			return nil, fmt.Errorf("sanctionslists.tsv: line %d: %w", i+1, err)
		}
		m[n] = lc
	}
	return m, nil
}

// sanctionsListCode maps a <sanctionsList> name to its list code; ok is
// false for a list that only groups others ("Consolidated List").
func sanctionsListCode(name string) (code clearance.ListCode, ok bool, err error) {
	sanctionsListsOnce.Do(func() { sanctionsLists, sanctionsListsErr = parseSanctionsLists(sanctionsListsTSV) })
	if sanctionsListsErr != nil {
		return "", false, sanctionsListsErr
	}
	code, known := sanctionsLists[strings.TrimSpace(name)]
	if !known {
		return "", false, fmt.Errorf("unknown OFAC list %q (add it to sanctionslists.tsv)", name)
	}
	return code, code != "", nil
}

// Entities maps the record to one clearance entity per list it is on
// (an entry on the SSI and the CAPTA list is two entities, "ssi-N" and
// "cap-N", as in the CSL), each listed from the date OFAC published it
// there.
func (rec EnhancedRecord) Entities() []clearance.Entity {
	base := rec.entity()
	var out []clearance.Entity
	for _, l := range rec.Lists {
		code, ok, err := sanctionsListCode(l.Name)
		if err != nil || !ok {
			continue
		}
		e := base
		e.List = code
		e.ID = lists.StableID(code, rec.ID, "", e.Name)
		e.ListedOn = strings.TrimSpace(l.DatePublished)
		e.SourceURL = NonSDNURL
		if code == clearance.SDN {
			e.SourceURL = SDNURL
		}
		out = append(out, e)
	}
	return out
}

// entity fills the list-independent fields.
func (rec EnhancedRecord) entity() clearance.Entity {
	e := clearance.Entity{
		SourceID: strings.TrimSpace(rec.ID),
		Name:     rec.PrimaryName(),
		Programs: rec.Programs,
		Remarks:  strings.TrimSpace(rec.Remarks),
	}
	switch strings.ToLower(strings.TrimSpace(rec.EntityType)) {
	case "individual":
		e.Type = clearance.Person
	case "vessel":
		e.Type = clearance.Vessel
	case "aircraft":
		e.Type = clearance.Aircraft
	default:
		e.Type = clearance.Organization
	}
	// Aliases, and every name in its other scripts (Cyrillic, Chinese);
	// addAlias skips the primary name itself.
	for _, n := range rec.Names {
		for _, t := range n.Translations {
			addAlias(&e, strings.TrimSpace(t.FullName))
		}
	}
	countries := map[string]bool{}
	for _, a := range rec.Addresses {
		var street, city, state, postal []string
		for _, t := range a.Translations {
			if !t.IsPrimary {
				continue
			}
			for _, p := range t.Parts {
				v := strings.TrimSpace(p.Value)
				switch strings.ToUpper(strings.TrimSpace(p.Type)) {
				case "CITY":
					city = append(city, v)
				case "STATE/PROVINCE", "REGION":
					state = append(state, v)
				case "POSTAL CODE":
					postal = append(postal, v)
				default:
					street = append(street, v)
				}
			}
		}
		addr := clearance.Address{Street: strings.Join(street, ", "), City: strings.Join(city, ", "),
			State: strings.Join(state, ", "), PostalCode: strings.Join(postal, " ")}
		country := strings.TrimSpace(a.Country)
		if cc, ok := lists.CountryCode(country); ok {
			addr.Country = cc
			countries[cc] = true
		}
		addr.Full = joinNonEmpty(addr.Street, addr.City, addr.State, addr.PostalCode, country)
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for c := range countries {
		e.Countries = append(e.Countries, c)
	}
	e.Countries = clearance.SortStrings(e.Countries)
	for _, f := range rec.Features {
		v := strings.TrimSpace(f.Value)
		switch t := strings.TrimSpace(f.Type); t {
		case "Birthdate":
			e.BirthDates = append(e.BirthDates, ParseDates(v)...)
		case "Place of Birth":
			e.BirthPlaces = append(e.BirthPlaces, v)
		case "Nationality Country":
			e.Nationalities = append(e.Nationalities, countryOrName(v))
		case "Citizenship Country":
			e.Citizenships = append(e.Citizenships, countryOrName(v))
		case "ISIN", "SWIFT/BIC", "Equity Ticker", "BIK (RU)", "Email Address":
			e.IDs = append(e.IDs, clearance.Identifier{Type: t, Number: v})
		}
	}
	for _, d := range rec.Documents {
		num := strings.TrimSpace(d.Number)
		if num == "" {
			continue
		}
		id := clearance.Identifier{Type: strings.TrimSpace(d.Type), Number: num, Country: countryOrName(d.IssuingCountry)}
		if strings.TrimSpace(d.IsValid) == "false" {
			id.Note = "not valid"
		}
		e.IDs = append(e.IDs, id)
	}
	return e
}
