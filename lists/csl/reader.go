// Package csl reads the trade.gov Consolidated Screening List in its
// official forms: consolidated.csv (both the 2022 dialect, which quotes a
// field only when needed, and the 2025 dialect, which quotes every field)
// and consolidated.json ({"results":[…]} or a bare array), and maps its
// records to clearance entities. ReadCompact (compact.go) reads the compact
// re-encoding the default snapshot is built from.
//
// The CSL merges eleven-odd export screening lists of Commerce (EL, DPL,
// UVL, MEU), State (DTC, ISN) and the Treasury (SDN and the non-SDN lists);
// its "source" column names the list each row comes from.
package csl

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// Columns is the official CSV header, in the order trade.gov writes it.
var Columns = []string{"_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
	"federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement", "license_policy",
	"call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks",
	"source_list_url", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
	"source_information_url", "ids"}

// Record is one CSL entry, field for field. In the CSV, multi-valued cells
// are "; "-separated and are split here; addresses and ids are parsed into
// their parts as far as the CSV allows (the JSON gives them structured).
type Record struct {
	Line int // CSV line, or JSON array index + 1

	ID                     string // "_id" (CSV) / "id" (JSON): trade.gov's hash, or the OFAC ent_num; changes on amendment
	Source                 string // e.g. "Entity List (EL) - Bureau of Industry and Security"
	List                   clearance.ListCode
	EntityNumber           string // OFAC ent_num on Treasury rows
	Type                   string // "Individual", "Entity", "Vessel", "Aircraft" or empty
	Programs               []string
	Name                   string
	Title                  string
	Addresses              []Address
	FederalRegisterNotice  string
	StartDate              string
	EndDate                string
	StandardOrder          string
	LicenseRequirement     string
	LicensePolicy          string
	CallSign               string
	VesselType             string
	GrossTonnage           string
	GrossRegisteredTonnage string
	VesselFlag             string
	VesselOwner            string
	Remarks                string
	SourceListURL          string
	AltNames               []string
	Citizenships           []string
	DatesOfBirth           []string
	Nationalities          []string
	PlacesOfBirth          []string
	SourceInformationURL   string
	IDs                    []ID
}

// Address is one address of an entry. From the CSV only Address (the full
// text) and Country (its last part, when that is an ISO-2 code) are known.
type Address struct {
	Address    string `json:"address"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// ID is an identity document or registration number of an entry.
type ID struct {
	Type           string `json:"type"`
	Number         string `json:"number"`
	Country        string `json:"country"`
	IssueDate      string `json:"issue_date"`
	ExpirationDate string `json:"expiration_date"`
	Note           string `json:"-"` // CSV parts that are neither type, number nor country
}

// Dialect is the quoting style of a CSL CSV file. The cells mean the same
// in both, except the ids column, whose parts come in opposite orders.
type Dialect int

const (
	// Dialect2022 quotes a field only when needed; an id is written
	// "[country, ][dates, ]number, type" ("CN, 91330000733796106P, Unified
	// Social Credit Code (USCC)").
	Dialect2022 Dialect = iota + 1
	// Dialect2025 quotes every field; an id is "type, number[, country]"
	// ("Passport, 836238033, KP").
	Dialect2025
)

// Reader reads a CSL CSV file one record at a time; memory use does not
// depend on the file's size.
type Reader struct {
	name    string
	br      *bufio.Reader
	csv     *csv.Reader
	col     map[string]int // named header column → its index
	fields  int            // header columns, named or not: every row has as many
	dialect Dialect
	started bool
	err     error
}

// NewReader returns a reader of consolidated.csv in either dialect; the
// dialect is detected from the first data row (see Dialect).
func NewReader(r io.Reader) *Reader { return NewNamedReader(r, "") }

// NewNamedReader is NewReader with a file name to put in error messages.
func NewNamedReader(r io.Reader, name string) *Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1 // checked here, to name the line
	return &Reader{name: name, br: br, csv: c}
}

// Dialect returns the detected quoting dialect, known after the first Next.
func (r *Reader) Dialect() Dialect { return r.dialect }

func (r *Reader) prefix() string {
	if r.name == "" {
		return "csl: "
	}
	return "csl: " + r.name + ": "
}

// Next returns the next record, or io.EOF after the last one. After any
// other error the reader is done and returns that error again.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

func (r *Reader) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%sline %d, column %d: %w", r.prefix(), pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s%w", r.prefix(), err)
}

func (r *Reader) readHeader() error {
	hdr, err := r.csv.Read()
	if err == io.EOF {
		return fmt.Errorf("%sempty file, want a header starting %q", r.prefix(), strings.Join(Columns[:3], ","))
	}
	if err != nil {
		return r.csvError(err)
	}
	r.col = make(map[string]int, len(hdr))
	r.fields = len(hdr)
	for i, h := range hdr {
		h = strings.TrimSpace(h)
		if h == "" {
			continue // an unnamed column is carried, not read
		}
		if j, dup := r.col[h]; dup {
			return fmt.Errorf("%sline 1: column %q appears twice (columns %d and %d)", r.prefix(), h, j+1, i+1)
		}
		r.col[h] = i
	}
	for _, need := range []string{"source", "name"} {
		if _, ok := r.col[need]; !ok {
			return fmt.Errorf("%sline 1: header has no %q column (got %q)", r.prefix(), need, strings.Join(hdr, ","))
		}
	}
	// Every field of the 2025 dialect is quoted, the 2022 one quotes only
	// when needed and its first column (_id) never needs it.
	r.dialect = Dialect2022
	if b, err := r.br.Peek(1); err == nil && b[0] == '"' {
		r.dialect = Dialect2025
	}
	return nil
}

func (r *Reader) next() (Record, error) {
	if !r.started {
		r.started = true
		if err := r.readHeader(); err != nil {
			return Record{}, err
		}
	}
	for {
		row, err := r.csv.Read()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, r.csvError(err)
		}
		line, _ := r.csv.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) != r.fields {
			return Record{}, fmt.Errorf("%sline %d: %d fields, want %d as in the header", r.prefix(), line, len(row), r.fields)
		}
		rec := r.record(row)
		rec.Line = line
		if err := rec.check(); err != nil {
			return Record{}, fmt.Errorf("%sline %d: %w", r.prefix(), line, err)
		}
		return rec, nil
	}
}

// record fills a Record from a CSV row.
func (r *Reader) record(row []string) Record {
	get := func(name string) string {
		if i, ok := r.col[name]; ok {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	rec := Record{
		ID:                     get("_id"),
		Source:                 get("source"),
		EntityNumber:           get("entity_number"),
		Type:                   get("type"),
		Programs:               splitMulti(get("programs")),
		Name:                   get("name"),
		Title:                  get("title"),
		FederalRegisterNotice:  get("federal_register_notice"),
		StartDate:              get("start_date"),
		EndDate:                get("end_date"),
		StandardOrder:          get("standard_order"),
		LicenseRequirement:     get("license_requirement"),
		LicensePolicy:          get("license_policy"),
		CallSign:               get("call_sign"),
		VesselType:             get("vessel_type"),
		GrossTonnage:           get("gross_tonnage"),
		GrossRegisteredTonnage: get("gross_registered_tonnage"),
		VesselFlag:             get("vessel_flag"),
		VesselOwner:            get("vessel_owner"),
		Remarks:                get("remarks"),
		SourceListURL:          get("source_list_url"),
		AltNames:               splitMulti(get("alt_names")),
		Citizenships:           splitMulti(get("citizenships")),
		DatesOfBirth:           splitMulti(get("dates_of_birth")),
		Nationalities:          splitMulti(get("nationalities")),
		PlacesOfBirth:          splitMulti(get("places_of_birth")),
		SourceInformationURL:   get("source_information_url"),
	}
	for _, a := range splitMulti(get("addresses")) {
		rec.Addresses = append(rec.Addresses, parseCSVAddress(a))
	}
	for _, s := range splitMulti(get("ids")) {
		if id, ok := parseCSVID(s, r.dialect); ok {
			rec.IDs = append(rec.IDs, id)
		}
	}
	return rec
}

// check validates the fields the mapper relies on and sets List.
func (rec *Record) check() error {
	if rec.Source == "" {
		return errors.New(`field "source": empty`)
	}
	list, err := clearance.ListFromCSLSource(rec.Source)
	if err != nil {
		return fmt.Errorf("field %q: %w", "source", err)
	}
	rec.List = list
	if rec.Name == "" {
		return errors.New(`field "name": empty`)
	}
	if _, err := clearance.ParseEntityType(rec.Type); err != nil {
		return fmt.Errorf("field %q: %w", "type", err)
	}
	return nil
}

// splitMulti splits a multi-valued CSV cell ("a; b; c"), dropping empty
// parts.
func splitMulti(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseCSVAddress keeps the full text and takes the country from the last
// comma-separated part when it is an upper-case two-letter code
// ("No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052, CN"), or
// is US when the address ends in a US state code and ZIP code.
func parseCSVAddress(s string) Address {
	a := Address{Address: s}
	if i := strings.LastIndex(s, ","); i >= 0 || len(s) == 2 {
		last := strings.TrimSpace(s[i+1:])
		if isISO2(last) {
			a.Country = last
			a.Address = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s[:max(i, 0)]), ","))
			return a
		}
	}
	if usStateZIP.MatchString(s) {
		a.Country = "US"
	}
	return a
}

// usStateZIP matches the end of a US address that omits the country, as
// many DPL rows of the CSL do ("…, FORT WORTH, TX, 76127").
var usStateZIP = regexp.MustCompile(`, (A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY]), \d{5}(-\d{4})?$`)

func isISO2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// parseCSVID reads one id of the ids cell. See Dialect for the two orders.
func parseCSVID(s string, d Dialect) (ID, bool) {
	var parts []string
	for _, p := range strings.Split(s, ",") {
		parts = append(parts, strings.TrimSpace(p))
	}
	if len(parts) < 2 {
		return ID{Number: s}, s != ""
	}
	var id ID
	var rest []string
	if d == Dialect2025 {
		id.Type, id.Number = parts[0], parts[1]
		rest = parts[2:]
		if len(rest) > 0 && isISO2(rest[len(rest)-1]) {
			id.Country = rest[len(rest)-1]
			rest = rest[:len(rest)-1]
		}
	} else {
		n := len(parts)
		id.Type, id.Number = parts[n-1], parts[n-2]
		rest = parts[:n-2]
		if len(rest) > 0 && isISO2(rest[0]) {
			id.Country = rest[0]
			rest = rest[1:]
		}
	}
	id.Note = strings.Join(rest, ", ")
	return id, true
}
