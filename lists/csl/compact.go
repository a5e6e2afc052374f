package csl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// CompactInfo is the header of a compact CSL file: where and when the
// trade.gov bulk file it re-encodes was generated.
type CompactInfo struct {
	SourceURL         string         // trade.gov bulk download URL
	SourceGeneratedAt string         // when trade.gov generated consolidated.json (RFC 3339)
	RetrievedAt       string         // when it was downloaded (RFC 3339)
	EntryCount        int            // the entry count the file declares
	CountsBySource    map[string]int // declared entries per CSL source string
	Entries           int            // entries actually read
}

// compactTables are the interned string tables the entries index into.
type compactTables struct {
	Sources             []string `json:"sources"`
	LicenceRequirements []string `json:"licenceRequirements"`
	LicencePolicies     []string `json:"licencePolicies"`
	Programmes          []string `json:"programmes"`
	URLs                []string `json:"urls"`
}

// compactEntry is one entry as stored; the short keys are the file's own
// (its "fieldKey" documents them). Indexes are pointers so that a missing
// field is told apart from index 0.
type compactEntry struct {
	Name      string   `json:"n"`
	AltNames  []string `json:"a"`
	Source    *int     `json:"s"`
	Type      string   `json:"t"`
	Countries []string `json:"c"`
	Number    string   `json:"e"`
	LicReq    *int     `json:"lr"`
	LicPolicy *int     `json:"lp"`
	Programs  *int     `json:"pg"`
	FedReg    string   `json:"fr"`
	URL       *int     `json:"u"`
}

// ReadCompact reads the compact re-encoding of the trade.gov consolidated.json
// (file "screening-list_csl-derived_*.json": interned string tables, short
// field keys, see its "fieldKey") and calls fn with each entry mapped to an
// Entity, in file order. Entries are streamed with json.Decoder, so memory
// does not grow with the number of entries (as long as "tables" precedes
// "entries", as it does in the files seen; otherwise entries are held until
// the tables arrive).
//
// The file carries no street addresses, dates, ids or birth data. Each
// entry is mapped by Record.Entity, as the CSV and JSON forms are: the type
// is inferred where the source leaves it empty (TypeInferred), and the id is
// lists.StableID. Errors name the entry index and the field. An error from
// fn stops the read and is returned as is.
func ReadCompact(r io.Reader, fn func(clearance.Entity) error) (CompactInfo, error) {
	var info CompactInfo
	dec := json.NewDecoder(r)
	if err := compactDelim(dec, '{'); err != nil {
		return info, fmt.Errorf("csl compact: top level: %w", err)
	}
	var (
		tables     compactTables
		haveTables bool
		pending    []compactEntry // entries seen before the tables
		read       int            // entries decoded so far
		haveCount  bool
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return info, fmt.Errorf("csl compact: top level: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "source":
			var src struct {
				URL string `json:"url"`
			}
			err = dec.Decode(&src)
			info.SourceURL = src.URL
		case "sourceGeneratedAt":
			err = dec.Decode(&info.SourceGeneratedAt)
		case "retrievedAt":
			err = dec.Decode(&info.RetrievedAt)
		case "entryCount":
			err = dec.Decode(&info.EntryCount)
			haveCount = true
		case "countsBySource":
			err = dec.Decode(&info.CountsBySource)
		case "tables":
			if err = dec.Decode(&tables); err == nil {
				haveTables = true
				for _, ce := range pending {
					if err := compactEmit(&info, &tables, ce, fn); err != nil {
						return info, err
					}
				}
				pending = nil
			}
		case "entries":
			if err := compactDelim(dec, '['); err != nil {
				return info, fmt.Errorf("csl compact: field %q: %w", key, err)
			}
			for dec.More() {
				var ce compactEntry
				if err := dec.Decode(&ce); err != nil {
					return info, fmt.Errorf("csl compact: entry %d: %w", read, err)
				}
				read++
				if !haveTables {
					pending = append(pending, ce)
					continue
				}
				if err := compactEmit(&info, &tables, ce, fn); err != nil {
					return info, err
				}
			}
			err = compactDelim(dec, ']')
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return info, fmt.Errorf("csl compact: field %q: %w", key, err)
		}
	}
	if err := compactDelim(dec, '}'); err != nil {
		return info, fmt.Errorf("csl compact: top level: %w", err)
	}
	if len(pending) > 0 {
		return info, errors.New(`csl compact: entries present but no "tables" object`)
	}
	if haveCount && info.EntryCount != info.Entries {
		return info, fmt.Errorf("csl compact: file declares %d entries (\"entryCount\"), read %d", info.EntryCount, info.Entries)
	}
	return info, nil
}

// compactEmit maps ce and passes it to fn, counting it in info.Entries (which is
// also the entry's index in the file).
func compactEmit(info *CompactInfo, t *compactTables, ce compactEntry, fn func(clearance.Entity) error) error {
	e, err := t.entity(ce)
	if err != nil {
		return fmt.Errorf("csl compact: entry %d: %w", info.Entries, err)
	}
	info.Entries++
	return fn(e)
}

// entity maps one compact entry to the domain model: it fills the Record
// the CSV and JSON readers fill, so that Record.Entity maps all three
// forms of the CSL the same way (name repairs, ISN short-name alias, type
// inference, stable id).
func (t *compactTables) entity(ce compactEntry) (clearance.Entity, error) {
	rec := Record{Name: strings.TrimSpace(ce.Name), EntityNumber: strings.TrimSpace(ce.Number), Type: ce.Type,
		FederalRegisterNotice: ce.FedReg, AltNames: ce.AltNames}
	if rec.Name == "" {
		return clearance.Entity{}, fmt.Errorf("field %q: empty name", "n")
	}
	var err error
	if rec.Source, err = compactLookup(t.Sources, ce.Source, "s", true); err != nil {
		return clearance.Entity{}, err
	}
	if rec.List, err = clearance.ListFromCSLSource(rec.Source); err != nil {
		return clearance.Entity{}, fmt.Errorf("field %q: %w", "s", err)
	}
	if _, err := clearance.ParseEntityType(ce.Type); err != nil {
		return clearance.Entity{}, fmt.Errorf("field %q: %w", "t", err)
	}
	// The countries of the entry's addresses, in address order: mostly
	// ISO-2 codes, but also names and regions ("TURKIYE", "PRC", "REGION:
	// KAFIA KINGI"). Record.Entity resolves them; a region that is no
	// country stays as address text rather than being dropped.
	for _, c := range ce.Countries {
		if c = strings.TrimSpace(c); c != "" {
			rec.Addresses = append(rec.Addresses, Address{Country: c})
		}
	}
	if rec.LicenseRequirement, err = compactLookup(t.LicenceRequirements, ce.LicReq, "lr", false); err != nil {
		return clearance.Entity{}, err
	}
	if rec.LicensePolicy, err = compactLookup(t.LicencePolicies, ce.LicPolicy, "lp", false); err != nil {
		return clearance.Entity{}, err
	}
	programs, err := compactLookup(t.Programmes, ce.Programs, "pg", false)
	if err != nil {
		return clearance.Entity{}, err
	}
	// The CSL joins several programs into one cell with "; ".
	for _, p := range strings.Split(programs, ";") {
		if p = strings.TrimSpace(p); p != "" {
			rec.Programs = append(rec.Programs, p)
		}
	}
	if rec.SourceListURL, err = compactLookup(t.URLs, ce.URL, "u", false); err != nil {
		return clearance.Entity{}, err
	}
	e := rec.Entity()
	// An address that is only a country code says nothing Countries does not.
	addrs := e.Addresses[:0]
	for _, a := range e.Addresses {
		if a.Country == "" || !isCountryOnly(a) {
			addrs = append(addrs, a)
		}
	}
	e.Addresses = addrs
	if len(e.Addresses) == 0 {
		e.Addresses = nil
	}
	return e, nil
}

// isCountryOnly reports whether a holds nothing but its country.
func isCountryOnly(a clearance.Address) bool {
	return a.Street == "" && a.City == "" && a.State == "" && a.PostalCode == ""
}

// compactLookup resolves an index into a string table.
func compactLookup(table []string, idx *int, field string, required bool) (string, error) {
	if idx == nil {
		if required {
			return "", fmt.Errorf("field %q: missing", field)
		}
		return "", nil
	}
	if *idx < 0 || *idx >= len(table) {
		return "", fmt.Errorf("field %q: index %d outside its table (%d strings)", field, *idx, len(table))
	}
	return table[*idx], nil
}

// compactDelim reads the next token and checks it is the delimiter want.
func compactDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}
