// Package dpl reads the BIS Denied Persons List in its official CSV form
// (dpl_MMDDYYYY.csv from bis.gov) and in the legacy tab-separated dpl.txt
// form, and maps its rows to clearance entities.
//
// The DPL names parties denied export privileges by BIS orders under
// 15 CFR 764.3(a)(2) and Part 766. Its CSV has one row per (party, address):
// a firm with three addresses is three rows.
package dpl

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// Header is the header row of the official CSV, in order.
var Header = []string{"Name_and_Address", "Effective_Date", "Expiration_Date", "Appropriate Federal Register Citations", "Type of Denial"}

// Record is one row of the DPL CSV, with the combined name-and-address
// cell split and the dates parsed.
type Record struct {
	Line int // line of the record in the file (1 is the header)

	NameAndAddress string // the first cell, verbatim
	Name           string // the party, e.g. "THANE-COAT, INC"
	Street         string
	City           string
	State          string
	Country        string // ISO-2 as BIS writes it
	PostalCode     string

	EffectiveDate  string // YYYY-MM-DD
	ExpirationDate string // YYYY-MM-DD, empty for orders without expiry
	FRCitations    string // verbatim, e.g. "46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81"
	TypeOfDenial   string // "Standard", "Non-Standard" or empty

	// Only in the legacy dpl.txt form.
	LastUpdate string // YYYY-MM-DD
	Action     string // e.g. "FR NOTICE ADDED"
}

// Reader reads DPL CSV records one at a time; memory use does not depend
// on the file's size.
type Reader struct {
	name string // file name for error messages, may be empty
	csv  *csv.Reader
	line int
	err  error
}

// NewReader returns a reader of the official DPL CSV. The UTF-8 byte order
// mark BIS writes is skipped; the header is checked on the first Next.
func NewReader(r io.Reader) *Reader { return NewNamedReader(r, "") }

// NewNamedReader is NewReader with a file name to put in error messages.
func NewNamedReader(r io.Reader, name string) *Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1 // checked here, to name the line in the error
	c.ReuseRecord = true
	return &Reader{name: name, csv: c}
}

func (r *Reader) errorf(line int, field, format string, args ...any) error {
	where := "dpl: "
	if r.name != "" {
		where += r.name + ": "
	}
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		return fmt.Errorf("%sline %d: field %q: %s", where, line, field, msg)
	}
	return fmt.Errorf("%sline %d: %s", where, line, msg)
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

func (r *Reader) next() (Record, error) {
	if r.line == 0 {
		row, err := r.csv.Read()
		if err == io.EOF {
			return Record{}, fmt.Errorf("dpl: %sempty file, want header %q", r.nameColon(), strings.Join(Header, ","))
		}
		if err != nil {
			return Record{}, r.csvError(err)
		}
		r.line, _ = r.csv.FieldPos(0)
		if len(row) != len(Header) {
			return Record{}, r.errorf(r.line, "", "header has %d columns, want %d (%q)", len(row), len(Header), strings.Join(Header, ","))
		}
		for i, h := range Header {
			if strings.TrimSpace(row[i]) != h {
				return Record{}, r.errorf(r.line, "", "header column %d is %q, want %q", i+1, row[i], h)
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
		r.line = line
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // blank line
		}
		if len(row) != len(Header) {
			return Record{}, r.errorf(line, "", "%d fields, want %d", len(row), len(Header))
		}
		rec := Record{
			Line:           line,
			NameAndAddress: row[0],
			FRCitations:    strings.TrimSpace(row[3]),
			TypeOfDenial:   strings.TrimSpace(row[4]),
		}
		if err := splitNameAndAddress(&rec); err != nil {
			return Record{}, r.errorf(line, Header[0], "%v", err)
		}
		if rec.EffectiveDate, err = parseDate(row[1]); err != nil {
			return Record{}, r.errorf(line, Header[1], "%v", err)
		}
		if rec.ExpirationDate, err = parseDate(row[2]); err != nil {
			return Record{}, r.errorf(line, Header[2], "%v", err)
		}
		return rec, nil
	}
}

func (r *Reader) nameColon() string {
	if r.name == "" {
		return ""
	}
	return r.name + ": "
}

func (r *Reader) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("dpl: %sline %d, column %d: %w", r.nameColon(), pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("dpl: %s%w", r.nameColon(), err)
}

// generational suffixes that follow a person's name after a comma
// ("JOEL PRADO, JR.") and are part of the name, not the address.
var nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true}

// splitNameAndAddress splits BIS's combined cell "NAME, STREET…, CITY,
// STATE, COUNTRY, POSTAL". The last four parts are always city, state,
// country and postal code (any may be empty); the first part is the name,
// extended by following parts that are only a legal form or generational
// suffix ("THANE-COAT, INC", "SHUTTLE LONG CO, LTD.", "JOEL PRADO, JR.").
func splitNameAndAddress(rec *Record) error {
	parts := splitOutsideParens(rec.NameAndAddress)
	if len(parts) < 5 {
		return fmt.Errorf("%q has %d comma-separated parts, want at least 5 (name, city, state, country, postal code)", rec.NameAndAddress, len(parts))
	}
	n := len(parts)
	rec.City, rec.State, rec.Country, rec.PostalCode = parts[n-4], parts[n-3], parts[n-2], parts[n-1]
	if rec.Country != "" && (len(rec.Country) != 2 || strings.ToUpper(rec.Country) != rec.Country) {
		return fmt.Errorf("country %q (the second-to-last part) is not an ISO-2 code", rec.Country)
	}
	rest := parts[:n-4]
	end := 1
	for end < len(rest) && rest[end] != "" && (lists.IsLegalForm(rest[end]) || nameSuffixes[lists.NormalizeName(rest[end])]) {
		end++
	}
	if end == 1 && surnameFirst(rest) {
		end = 2 // "JIN, ZHONGDA, 1895 DOBBIN DRIVE": a person, surname first
	}
	rec.Name = strings.Join(rest[:end], ", ")
	if rec.Name == "" {
		return fmt.Errorf("%q: empty name", rec.NameAndAddress)
	}
	var street []string
	for _, s := range rest[end:] {
		if s != "" {
			street = append(street, s)
		}
	}
	rec.Street = strings.Join(street, ", ")
	return nil
}

// surnameFirst reports whether the parts of a name-and-address cell begin
// with a person's name written "SURNAME, GIVEN": two single words, neither
// a legal form, followed by a street address that starts with a number
// ("JIN, ZHONGDA, 1895 DOBBIN DRIVE"). A company's name followed by its
// street is never two bare words before a house number.
func surnameFirst(rest []string) bool {
	if len(rest) < 3 || rest[2] == "" || rest[2][0] < '0' || rest[2][0] > '9' {
		return false
	}
	for _, w := range rest[:2] {
		if w == "" || strings.ContainsAny(w, " .&/0123456789") || lists.IsLegalForm(w) || nameSuffixes[lists.NormalizeName(w)] {
			return false
		}
	}
	return true
}

// splitOutsideParens splits s at commas that are not inside parentheses
// ("WEARFORM (MNC GROUP INTERNATIONAL, INC.)" is one part) and trims the
// parts.
func splitOutsideParens(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

// parseDate turns BIS's M/D/YYYY (also MM/DD/YYYY) into YYYY-MM-DD.
// Empty stays empty.
func parseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	t, err := time.Parse("1/2/2006", s)
	if err != nil {
		return "", fmt.Errorf("date %q is not M/D/YYYY", s)
	}
	return t.Format("2006-01-02"), nil
}

// citationRE finds one Federal Register citation in BIS's free text:
// volume, "F.R." (spelt loosely, sometimes missing), page, and the
// publication date M/D/YY or M/D/YYYY.
var citationRE = regexp.MustCompile(`(?:(\d{1,3})\s*F\.?\s?R\.?|(\d{2,3}))?\s*(?:NOTIC\w*\s*)?(\d{3,6})?,?\s*(\d{1,2})/+(\d{1,3})/(\d{2,5})`)

// ParseCitations splits BIS's citation cell ("46 F.R. 46154 9/17/81 and
// 46 F.R. 19290 3/30/81") into citations with normalised cites ("46 FR
// 46154") and ISO dates. The cell is typed by hand and has typos; a piece
// whose date is impossible keeps its text and cite but no date, and a cell
// with no recognisable citation becomes one citation holding the text.
func ParseCitations(text string) []clearance.Citation {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []clearance.Citation
	for _, m := range citationRE.FindAllStringSubmatch(text, -1) {
		c := clearance.Citation{Text: strings.Trim(strings.TrimSpace(m[0]), ",;. ")}
		vol := m[1]
		if vol == "" {
			vol = m[2]
		}
		if vol != "" && m[3] != "" {
			c.Cite = vol + " FR " + m[3]
		}
		c.Date = citationDate(m[4], m[5], m[6])
		out = append(out, c)
	}
	if len(out) == 0 {
		return []clearance.Citation{{Text: text}}
	}
	return out
}

// citationDate builds YYYY-MM-DD from month, day and a 2- or 4-digit year
// (two-digit years are 19xx from 50 on: the DPL starts in 1981).
func citationDate(month, day, year string) string {
	m, err1 := strconv.Atoi(month)
	d, err2 := strconv.Atoi(day)
	y, err3 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || err3 != nil {
		return ""
	}
	switch len(year) {
	case 2:
		if y >= 50 {
			y += 1900
		} else {
			y += 2000
		}
	case 4:
	default:
		return ""
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(m) || t.Day() != d || m < 1 {
		return "" // 2/30, 12/142: a typo in the source
	}
	return t.Format("2006-01-02")
}
