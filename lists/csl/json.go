package csl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// JSONReader reads consolidated.json, trade.gov's JSON form of the CSL:
// either {"results": [entry, …], …} or a bare array of entries. Entries are
// decoded one at a time with json.Decoder, so memory use does not depend on
// the file's size.
type JSONReader struct {
	name    string
	dec     *json.Decoder
	started bool
	index   int
	err     error
}

// NewJSONReader returns a reader of consolidated.json.
func NewJSONReader(r io.Reader) *JSONReader { return NewNamedJSONReader(r, "") }

// NewNamedJSONReader is NewJSONReader with a file name for error messages.
func NewNamedJSONReader(r io.Reader, name string) *JSONReader {
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.UseNumber()
	return &JSONReader{name: name, dec: dec}
}

func (r *JSONReader) prefix() string {
	if r.name == "" {
		return "csl: "
	}
	return "csl: " + r.name + ": "
}

// Next returns the next record, or io.EOF after the last one. After any
// other error the reader is done and returns that error again.
func (r *JSONReader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

// offsetError names the byte offset of a JSON error: json.Decoder knows
// no lines.
func (r *JSONReader) offsetError(what string, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%sbyte %d: %s: %w", r.prefix(), r.dec.InputOffset(), what, err)
}

func (r *JSONReader) start() error {
	tok, err := r.dec.Token()
	if err != nil {
		return r.offsetError("want { or [", err)
	}
	switch tok {
	case json.Delim('['):
		return nil
	case json.Delim('{'):
		for r.dec.More() {
			key, err := r.dec.Token()
			if err != nil {
				return r.offsetError("reading a key of the top-level object", err)
			}
			if key == "results" {
				tok, err := r.dec.Token()
				if err != nil {
					return r.offsetError(`reading "results"`, err)
				}
				if tok != json.Delim('[') {
					return fmt.Errorf(`%sbyte %d: "results" is %v, want an array`, r.prefix(), r.dec.InputOffset(), tok)
				}
				return nil
			}
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				return r.offsetError(fmt.Sprintf("skipping %q", key), err)
			}
		}
		return fmt.Errorf(`%sno "results" array in the top-level object`, r.prefix())
	}
	return fmt.Errorf("%sbyte %d: top level is %v, want an object or an array", r.prefix(), r.dec.InputOffset(), tok)
}

func (r *JSONReader) next() (Record, error) {
	if !r.started {
		r.started = true
		if err := r.start(); err != nil {
			return Record{}, err
		}
	}
	if !r.dec.More() {
		// the array's closing bracket; what follows does not matter
		if _, err := r.dec.Token(); err != nil {
			return Record{}, r.offsetError("want ]", err)
		}
		return Record{}, io.EOF
	}
	r.index++
	var j jsonRecord
	if err := r.dec.Decode(&j); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Record{}, fmt.Errorf("%sentry %d: field %q: %v is not a valid value", r.prefix(), r.index, te.Field, te.Value)
		}
		return Record{}, r.offsetError(fmt.Sprintf("entry %d", r.index), err)
	}
	rec := j.record()
	rec.Line = r.index
	if err := rec.check(); err != nil {
		return Record{}, fmt.Errorf("%sentry %d (id %q): %w", r.prefix(), r.index, rec.ID, err)
	}
	return rec, nil
}

// jsonRecord is an entry of consolidated.json. Multi-valued fields accept
// a list or a "; "-separated string, numbers quoted or bare, and null, so
// the reader does not depend on which of these a trade.gov version uses.
type jsonRecord struct {
	ID                     text      `json:"id"`
	LegacyID               text      `json:"_id"`
	Source                 text      `json:"source"`
	EntityNumber           text      `json:"entity_number"`
	Type                   text      `json:"type"`
	Programs               texts     `json:"programs"`
	Name                   text      `json:"name"`
	Title                  text      `json:"title"`
	Addresses              []Address `json:"addresses"`
	FederalRegisterNotice  text      `json:"federal_register_notice"`
	StartDate              text      `json:"start_date"`
	EndDate                text      `json:"end_date"`
	StandardOrder          text      `json:"standard_order"`
	LicenseRequirement     text      `json:"license_requirement"`
	LicensePolicy          text      `json:"license_policy"`
	CallSign               text      `json:"call_sign"`
	VesselType             text      `json:"vessel_type"`
	GrossTonnage           text      `json:"gross_tonnage"`
	GrossRegisteredTonnage text      `json:"gross_registered_tonnage"`
	VesselFlag             text      `json:"vessel_flag"`
	VesselOwner            text      `json:"vessel_owner"`
	Remarks                text      `json:"remarks"`
	SourceListURL          text      `json:"source_list_url"`
	AltNames               texts     `json:"alt_names"`
	Citizenships           texts     `json:"citizenships"`
	DatesOfBirth           texts     `json:"dates_of_birth"`
	Nationalities          texts     `json:"nationalities"`
	PlacesOfBirth          texts     `json:"places_of_birth"`
	SourceInformationURL   text      `json:"source_information_url"`
	IDs                    []jsonID  `json:"ids"`
}

type jsonID struct {
	Type           text `json:"type"`
	Number         text `json:"number"`
	Country        text `json:"country"`
	IssueDate      text `json:"issue_date"`
	ExpirationDate text `json:"expiration_date"`
}

func (j jsonRecord) record() Record {
	rec := Record{
		ID:                     string(j.ID),
		Source:                 string(j.Source),
		EntityNumber:           string(j.EntityNumber),
		Type:                   string(j.Type),
		Programs:               []string(j.Programs),
		Name:                   string(j.Name),
		Title:                  string(j.Title),
		FederalRegisterNotice:  string(j.FederalRegisterNotice),
		StartDate:              string(j.StartDate),
		EndDate:                string(j.EndDate),
		StandardOrder:          string(j.StandardOrder),
		LicenseRequirement:     string(j.LicenseRequirement),
		LicensePolicy:          string(j.LicensePolicy),
		CallSign:               string(j.CallSign),
		VesselType:             string(j.VesselType),
		GrossTonnage:           string(j.GrossTonnage),
		GrossRegisteredTonnage: string(j.GrossRegisteredTonnage),
		VesselFlag:             string(j.VesselFlag),
		VesselOwner:            string(j.VesselOwner),
		Remarks:                string(j.Remarks),
		SourceListURL:          string(j.SourceListURL),
		AltNames:               []string(j.AltNames),
		Citizenships:           []string(j.Citizenships),
		DatesOfBirth:           []string(j.DatesOfBirth),
		Nationalities:          []string(j.Nationalities),
		PlacesOfBirth:          []string(j.PlacesOfBirth),
		SourceInformationURL:   string(j.SourceInformationURL),
	}
	if rec.ID == "" {
		rec.ID = string(j.LegacyID)
	}
	for _, a := range j.Addresses {
		a.Address, a.City, a.State = strings.TrimSpace(a.Address), strings.TrimSpace(a.City), strings.TrimSpace(a.State)
		a.PostalCode, a.Country = strings.TrimSpace(a.PostalCode), strings.TrimSpace(a.Country)
		if a != (Address{}) {
			rec.Addresses = append(rec.Addresses, a)
		}
	}
	for _, id := range j.IDs {
		x := ID{Type: string(id.Type), Number: string(id.Number), Country: string(id.Country),
			IssueDate: string(id.IssueDate), ExpirationDate: string(id.ExpirationDate)}
		if x.Type != "" || x.Number != "" {
			rec.IDs = append(rec.IDs, x)
		}
	}
	return rec
}

// text is a JSON string, number or null, trimmed.
type text string

// UnmarshalJSON accepts a string, a number or null.
func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		if _, err := strconv.ParseFloat(string(b), 64); err != nil {
			return err
		}
		*t = text(b)
	default:
		return fmt.Errorf("%.40s is not a string, number or null", b)
	}
	return nil
}

// texts is a JSON array of strings, a single "; "-separated string, or null.
type texts []string

// UnmarshalJSON accepts an array of strings or numbers, a "; "-separated
// string, or null.
func (t *texts) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []text
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		*t = nil
		for _, s := range raw {
			if s != "" {
				*t = append(*t, string(s))
			}
		}
		return nil
	}
	var s text
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*t = splitMulti(string(s))
	return nil
}
