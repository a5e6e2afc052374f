// Package bisel reads the BIS Entity List (Supplement No. 4 to 15 CFR Part
// 744) as parsed from the eCFR text into JSON ("bis_entity_list_ecfr-supp4-
// derived_*.json": name, aliases, country name, address text, Federal
// Register citations one per line, and the License Requirement cell).
//
// Its value over the CSL's Entity List rows is what the CSL re-encoding
// drops: street addresses, and Federal Register citations with their dates,
// from which the listing date follows (15 CFR 744.16: the license
// requirement applies from the date the entity is added).
package bisel

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/fedreg"
)

// Info is the header of an Entity List parse file.
type Info struct {
	ListID     string // "bis-entity-list"
	SourceFile string // the eCFR text file parsed, e.g. "Supplement No. 4 to Part 744—Entity List.txt"
	Extracted  string // YYYY-MM-DD the eCFR text was taken
	Count      int    // entries the file declares
	Entries    int    // entries read
}

// record is one entity as the file stores it.
type record struct {
	Name            string   `json:"name"`
	Aliases         []string `json:"aliases"`
	Country         string   `json:"country"`
	Address         *string  `json:"address"`
	FederalRegister string   `json:"federal_register"`
	Notes           string   `json:"notes"`
}

// Read streams the entities of an Entity List parse file and calls fn with
// each mapped to an Entity of list EL, in file order: Countries from the
// country name (ISO-2), one Address per "; and "-separated address, the
// citations with their dates, ListedOn the earliest citation date and
// LicenseRequirement the entry's License Requirement cell verbatim. (The
// parse did not keep the License Review Policy column.) Type is Unknown and
// ID empty: the caller infers and assigns them. Errors name the entity
// index and field; an error from fn stops the read and is returned as is.
func Read(r io.Reader, fn func(clearance.Entity) error) (Info, error) {
	var info Info
	dec := json.NewDecoder(r)
	if err := delim(dec, '{'); err != nil {
		return info, fmt.Errorf("bisel: top level: %w", err)
	}
	haveCount := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return info, fmt.Errorf("bisel: top level: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "list_id":
			err = dec.Decode(&info.ListID)
		case "source_file":
			err = dec.Decode(&info.SourceFile)
		case "extracted":
			err = dec.Decode(&info.Extracted)
		case "count":
			err = dec.Decode(&info.Count)
			haveCount = true
		case "entities":
			if err := delim(dec, '['); err != nil {
				return info, fmt.Errorf("bisel: field %q: %w", key, err)
			}
			for dec.More() {
				var rec record
				if err := dec.Decode(&rec); err != nil {
					return info, fmt.Errorf("bisel: entity %d: %w", info.Entries, err)
				}
				e, err := rec.entity()
				if err != nil {
					return info, fmt.Errorf("bisel: entity %d: %w", info.Entries, err)
				}
				info.Entries++
				if err := fn(e); err != nil {
					return info, err
				}
			}
			err = delim(dec, ']')
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return info, fmt.Errorf("bisel: field %q: %w", key, err)
		}
	}
	if err := delim(dec, '}'); err != nil {
		return info, fmt.Errorf("bisel: top level: %w", err)
	}
	if haveCount && info.Count != info.Entries {
		return info, fmt.Errorf("bisel: file declares %d entities (\"count\"), read %d", info.Count, info.Entries)
	}
	return info, nil
}

// entity maps one record to the domain model.
func (rec record) entity() (clearance.Entity, error) {
	e := clearance.Entity{List: clearance.EL, Type: clearance.Unknown}
	e.Name = strings.Join(strings.Fields(rec.Name), " ")
	if e.Name == "" {
		return e, fmt.Errorf("field %q: empty name", "name")
	}
	for _, a := range rec.Aliases {
		if a = strings.Join(strings.Fields(a), " "); a != "" && a != e.Name {
			e.Aliases = append(e.Aliases, a)
		}
	}
	country, ok := lists.CountryCode(rec.Country)
	if !ok && strings.TrimSpace(rec.Country) != "" {
		return e, fmt.Errorf("field %q: unknown country %q", "country", rec.Country)
	}
	if country != "" {
		e.Countries = []string{country}
	}
	if rec.Address != nil {
		for _, a := range SplitAddresses(*rec.Address) {
			e.Addresses = append(e.Addresses, clearance.Address{Full: a, Country: country})
		}
	}
	e.Citations = fedreg.Parse(rec.FederalRegister)
	e.ListedOn = ListedOn(e.Citations)
	e.LicenseRequirement = strings.TrimSpace(rec.Notes)
	return e, nil
}

// ListedOn returns the date an Entity List entry was first listed: the
// earliest dated citation. When a citation without a date is from an
// earlier Federal Register volume than that date, the exact first date is
// not known and ListedOn returns just that volume's year ("2008"): an
// imprecise date is never treated as a listing cut-off, so the entry counts
// as listed at all dates rather than being hidden by a guess.
func ListedOn(cites []clearance.Citation) string {
	first := fedreg.Earliest(cites)
	dated := map[string]bool{}
	for _, c := range cites {
		if c.Date != "" {
			dated[c.Cite] = true
		}
	}
	minUndated := 0
	for _, c := range cites {
		if c.Date != "" || dated[c.Cite] {
			continue
		}
		if y := fedreg.VolumeYear(c.Cite); y > 0 && (minUndated == 0 || y < minUndated) {
			minUndated = y
		}
	}
	// Same year counts as earlier: the undated notice may precede the dated one.
	if minUndated > 0 && (first == "" || fmt.Sprint(minUndated) <= first[:4]) {
		return fmt.Sprint(minUndated)
	}
	return first
}

// SplitAddresses splits an Entity List address cell, which joins several
// addresses with "; and ", into one string per address.
func SplitAddresses(cell string) []string {
	var out []string
	for _, a := range strings.Split(cell, "; and ") {
		a = strings.Join(strings.Fields(a), " ")
		a = strings.TrimSuffix(a, ".")
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// delim reads the next token and checks it is the delimiter want.
func delim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}
