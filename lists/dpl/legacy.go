package dpl

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/lists"
)

// LegacyHeader is the header of the legacy dpl.txt, which BIS published
// until the CSV replaced it: tab-separated, every field double-quoted.
var LegacyHeader = []string{"Name", "Street_Address", "City", "State", "Country", "Postal_Code",
	"Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"}

// LegacyReader reads the legacy tab-separated dpl.txt one record at a time,
// into the same Record as the CSV reader.
type LegacyReader struct {
	name    string
	csv     *csv.Reader
	started bool
	err     error
}

// NewLegacyReader returns a reader of the legacy dpl.txt.
func NewLegacyReader(r io.Reader) *LegacyReader { return NewNamedLegacyReader(r, "") }

// NewNamedLegacyReader is NewLegacyReader with a file name for error messages.
func NewNamedLegacyReader(r io.Reader, name string) *LegacyReader {
	c := csv.NewReader(bufio.NewReader(r))
	c.Comma = '\t'
	c.FieldsPerRecord = -1
	return &LegacyReader{name: name, csv: c}
}

func (r *LegacyReader) errorf(line int, field, format string, args ...any) error {
	where := "dpl: "
	if r.name != "" {
		where += r.name + ": "
	}
	if field != "" {
		return fmt.Errorf("%sline %d: field %q: %s", where, line, field, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%sline %d: %s", where, line, fmt.Sprintf(format, args...))
}

// Next returns the next record, or io.EOF after the last one. After any
// other error the reader is done and returns that error again.
func (r *LegacyReader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

// usState matches the US state and territory codes, to give the legacy
// rows that leave Country empty (289 of 665 in the 2023 file) their
// country when the state column says it.
var usState = regexp.MustCompile(`^(A[KLRSZ]|C[AOT]|D[CE]|FL|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY])$`)

func (r *LegacyReader) next() (Record, error) {
	if !r.started {
		r.started = true
		hdr, err := r.csv.Read()
		if err == io.EOF {
			return Record{}, r.errorf(1, "", "empty file, want header %q", strings.Join(LegacyHeader, " "))
		}
		if err != nil {
			return Record{}, r.csvError(err)
		}
		if len(hdr) != len(LegacyHeader) {
			return Record{}, r.errorf(1, "", "header has %d columns, want %d (%q)", len(hdr), len(LegacyHeader), strings.Join(LegacyHeader, " "))
		}
		for i, h := range LegacyHeader {
			if strings.TrimSpace(hdr[i]) != h {
				return Record{}, r.errorf(1, "", "header column %d is %q, want %q", i+1, hdr[i], h)
			}
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
		if len(row) != len(LegacyHeader) {
			return Record{}, r.errorf(line, "", "%d fields, want %d", len(row), len(LegacyHeader))
		}
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
		rec := Record{
			Line: line, Name: row[0], Street: row[1], City: row[2], State: row[3], Country: row[4], PostalCode: row[5],
			LastUpdate: row[9], Action: row[10], FRCitations: row[11],
		}
		if rec.Name == "" {
			return Record{}, r.errorf(line, "Name", "empty")
		}
		if rec.Country == "" && usState.MatchString(rec.State) {
			rec.Country = "US"
		}
		if rec.Country != "" && !isUpperISO2(rec.Country) {
			// Two 2023 rows say "PRC"; take any name the country table knows.
			cc, ok := lists.CountryCode(rec.Country)
			if !ok {
				return Record{}, r.errorf(line, "Country", "%q is not an ISO-2 code or a known country name", rec.Country)
			}
			rec.Country = cc
		}
		switch strings.ToUpper(row[8]) {
		case "Y":
			rec.TypeOfDenial = "Standard"
		case "N":
			rec.TypeOfDenial = "Non-Standard"
		case "":
		default:
			return Record{}, r.errorf(line, "Standard_Order", "%q, want Y or N", row[8])
		}
		if rec.EffectiveDate, err = parseDate(row[6]); err != nil {
			return Record{}, r.errorf(line, "Effective_Date", "%v", err)
		}
		if rec.ExpirationDate, err = parseDate(row[7]); err != nil {
			return Record{}, r.errorf(line, "Expiration_Date", "%v", err)
		}
		if rec.LastUpdate != "" {
			if _, err := time.Parse("2006-01-02", rec.LastUpdate); err != nil {
				return Record{}, r.errorf(line, "Last_Update", "%q is not YYYY-MM-DD", rec.LastUpdate)
			}
		}
		return rec, nil
	}
}

func isUpperISO2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func (r *LegacyReader) csvError(err error) error {
	where := "dpl: "
	if r.name != "" {
		where += r.name + ": "
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%sline %d, column %d: %w", where, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s%w", where, err)
}
