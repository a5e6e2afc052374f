// Package ofac reads OFAC's legacy CSV files: the SDN list (sdn.csv with
// add.csv, alt.csv and sdn_comments.csv) and the consolidated non-SDN lists
// (cons_prim.csv with cons_add.csv, cons_alt.csv and cons_comments.csv),
// and maps the entries to clearance entities.
//
// The files have no header, use CRLF line ends, write "-0-" for an empty
// field and end with a DOS end-of-file byte (0x1A). They join on ent_num,
// the first column, which OFAC never reuses: it is the entry's id.
package ofac

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// Record is one entry of sdn.csv or cons_prim.csv with the rows of the
// address, alias and comment files that share its ent_num.
type Record struct {
	Line int // line in the main file

	EntNum      string
	Name        string   // SDN_Name, e.g. "RIM, Ryong Nam"
	Type        string   // SDN_Type: "individual", "vessel", "aircraft", or "" for an entity
	Programs    []string // Program, split: "SDGT] [IFSR" is SDGT and IFSR
	Title       string
	CallSign    string
	VesselType  string
	Tonnage     string
	GRT         string
	VesselFlag  string
	VesselOwner string
	Remarks     string // the main file's remarks followed by the comments file's overflow

	List      clearance.ListCode // SDN, or for the consolidated file the list its programs put it on
	Addresses []Address
	Aliases   []Alias
}

// Address is a row of add.csv / cons_add.csv.
type Address struct {
	AddNum          string
	Address         string
	CityStatePostal string // "London EC3N 1DY"
	Country         string // a name, "United Kingdom"
	Remarks         string
}

// Alias is a row of alt.csv / cons_alt.csv. Type is "aka", "fka" or "nka".
type Alias struct {
	AltNum  string
	Type    string
	Name    string
	Remarks string
}

// Reader reads the main file one entry at a time. The address, alias and
// comment files are loaded first into maps keyed by ent_num (LoadAddresses,
// LoadAliases, LoadComments): they are smaller than the main file and not
// sorted like it, so joining them while streaming would need them in
// memory anyway. Memory is therefore proportional to those three files,
// never to the main file.
type Reader struct {
	name         string
	consolidated bool
	csv          *csv.Reader
	addresses    map[string][]Address
	aliases      map[string][]Alias
	comments     map[string]string
	err          error
}

// NewReader returns a reader of sdn.csv: every entry is on the SDN list.
func NewReader(sdn io.Reader) *Reader { return newReader(sdn, "sdn.csv", false) }

// NewConsolidatedReader returns a reader of cons_prim.csv, the non-SDN
// consolidated list; each entry's list (SSI, PLC, CMIC, CAP, FSE, MBS) is
// taken from its program tags (programs.tsv).
func NewConsolidatedReader(consPrim io.Reader) *Reader {
	return newReader(consPrim, "cons_prim.csv", true)
}

func newReader(r io.Reader, name string, consolidated bool) *Reader {
	return &Reader{name: name, consolidated: consolidated, csv: newCSV(r)}
}

// SetFileName sets the main file's name used in error messages.
func (r *Reader) SetFileName(name string) { r.name = name }

func newCSV(r io.Reader) *csv.Reader {
	c := csv.NewReader(bufio.NewReader(r))
	c.FieldsPerRecord = -1 // checked per file, to name the line
	// OFAC writes a few remarks with a stray quote inside a quoted field.
	c.LazyQuotes = true
	return c
}

// empty reports OFAC's empty-field marker "-0-" (written "-0- ").
func field(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// rows reads a legacy CSV file, calling fn with each row of want fields,
// skipping blank lines and the trailing 0x1A.
func rows(c *csv.Reader, name string, want int, fn func(line int, row []string) error) error {
	for {
		row, err := readRow(c, name, want)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := c.FieldPos(0)
		if err := fn(line, row); err != nil {
			return err
		}
	}
}

func readRow(c *csv.Reader, name string, want int) ([]string, error) {
	for {
		row, err := c.Read()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("ofac: %s: line %d, column %d: %w", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("ofac: %s: %w", name, err)
		}
		if len(row) == 1 && strings.Trim(row[0], "\x1a \t\r\n") == "" {
			continue // blank line or the DOS end-of-file byte
		}
		line, _ := c.FieldPos(0)
		if len(row) != want {
			return nil, fmt.Errorf("ofac: %s: line %d: %d fields, want %d", name, line, len(row), want)
		}
		if _, err := strconv.ParseUint(strings.TrimSpace(row[0]), 10, 32); err != nil {
			return nil, fmt.Errorf("ofac: %s: line %d: field %q: %q is not a number", name, line, "ent_num", row[0])
		}
		return row, nil
	}
}

// LoadAddresses reads add.csv (or cons_add.csv): ent_num, add_num,
// address, city/state/postal code, country, remarks.
func (r *Reader) LoadAddresses(rd io.Reader, name string) error {
	if r.addresses == nil {
		r.addresses = map[string][]Address{}
	}
	return rows(newCSV(rd), name, 6, func(line int, f []string) error {
		a := Address{AddNum: field(f[1]), Address: field(f[2]), CityStatePostal: field(f[3]), Country: field(f[4]), Remarks: field(f[5])}
		if a.Address == "" && a.CityStatePostal == "" && a.Country == "" {
			return nil // OFAC writes an all-empty address row for entries without one
		}
		k := strings.TrimSpace(f[0])
		r.addresses[k] = append(r.addresses[k], a)
		return nil
	})
}

// LoadAliases reads alt.csv (or cons_alt.csv): ent_num, alt_num, alt_type,
// alt_name, alt_remarks.
func (r *Reader) LoadAliases(rd io.Reader, name string) error {
	if r.aliases == nil {
		r.aliases = map[string][]Alias{}
	}
	return rows(newCSV(rd), name, 5, func(line int, f []string) error {
		a := Alias{AltNum: field(f[1]), Type: field(f[2]), Name: field(f[3]), Remarks: field(f[4])}
		if a.Name == "" {
			return fmt.Errorf("ofac: %s: line %d: field %q: empty", name, line, "alt_name")
		}
		k := strings.TrimSpace(f[0])
		r.aliases[k] = append(r.aliases[k], a)
		return nil
	})
}

// LoadComments reads sdn_comments.csv (or cons_comments.csv): ent_num and
// the part of the remarks that did not fit the main file's remarks field.
func (r *Reader) LoadComments(rd io.Reader, name string) error {
	if r.comments == nil {
		r.comments = map[string]string{}
	}
	return rows(newCSV(rd), name, 2, func(line int, f []string) error {
		r.comments[strings.TrimSpace(f[0])] += field(f[1])
		return nil
	})
}

// Next returns the next entry, or io.EOF after the last one. After any
// other error the reader is done and returns that error again.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	row, err := readRow(r.csv, r.name, 12)
	if err != nil {
		r.err = err
		return Record{}, err
	}
	line, _ := r.csv.FieldPos(0)
	rec := Record{
		Line:        line,
		EntNum:      strings.TrimSpace(row[0]),
		Name:        field(row[1]),
		Type:        strings.ToLower(field(row[2])),
		Programs:    splitPrograms(field(row[3])),
		Title:       field(row[4]),
		CallSign:    field(row[5]),
		VesselType:  field(row[6]),
		Tonnage:     field(row[7]),
		GRT:         field(row[8]),
		VesselFlag:  field(row[9]),
		VesselOwner: field(row[10]),
		Remarks:     field(row[11]) + r.comments[strings.TrimSpace(row[0])],
		Addresses:   r.addresses[strings.TrimSpace(row[0])],
		Aliases:     r.aliases[strings.TrimSpace(row[0])],
	}
	if rec.Name == "" {
		r.err = fmt.Errorf("ofac: %s: line %d: ent_num %s: field %q: empty", r.name, line, rec.EntNum, "SDN_Name")
		return Record{}, r.err
	}
	switch rec.Type {
	case "", "individual", "vessel", "aircraft":
	default:
		r.err = fmt.Errorf("ofac: %s: line %d: ent_num %s: field %q: unknown type %q", r.name, line, rec.EntNum, "SDN_Type", row[2])
		return Record{}, r.err
	}
	rec.List = clearance.SDN
	if r.consolidated {
		rec.List = ListOf(rec.Programs)
	}
	return rec, nil
}

// splitPrograms splits OFAC's program cell: several programs are written
// "SDGT] [IFSR" (the brackets of "[SDGT] [IFSR]" minus the outer ones).
func splitPrograms(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "] [") {
		if p = strings.Trim(strings.TrimSpace(p), "[]"); p != "" {
			out = append(out, p)
		}
	}
	return out
}
