// Package ddtc reads the State Department's ITAR debarred-parties CSV
// exports (Directorate of Defense Trade Controls): the statutory
// debarments of 22 CFR 127.7(b) (parties convicted of violating the AECA
// or conspiring to) and the administrative debarments of 22 CFR 127.7(a).
// The CSL carries the same parties as "ITAR Debarred (DTC)".
package ddtc

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Kind tells the two DDTC exports apart.
type Kind int

const (
	// Statutory is the statutory debarment export; header StatutoryHeader.
	Statutory Kind = iota + 1
	// Administrative is the administrative debarment export; header
	// AdministrativeHeader.
	Administrative
)

// The headers of the two exports.
var (
	StatutoryHeader      = []string{"Party Name", "Date Of Birth", "Federal Register Notice", "Notice Date", "Corrected Notice", "Corrected Notice Date"}
	AdministrativeHeader = []string{"Name", "Date", "Charging Letter", "Debarment Order", "Federal Register Notice"}
)

// Record is one row of either export. Dates are YYYY-MM-DD.
type Record struct {
	Line int
	Kind Kind

	Name                  string // "Party Name" / "Name", verbatim
	DateOfBirth           string // statutory: "November, 1975" as written
	FederalRegisterNotice string // "83 FR 18112"; administrative: may read "79 FR 35210 corrected by 79 FR 37384"
	NoticeDate            string // statutory "Notice Date"; administrative "Date"
	CorrectedNotice       string
	CorrectedNoticeDate   string
	ChargingLetter        string // administrative: the attachment's description, e.g. "PDF, 16.2MB"
	DebarmentOrder        string
}

// Reader reads a DDTC export one row at a time. Which export it is comes
// from the header.
type Reader struct {
	name    string
	csv     *csv.Reader
	kind    Kind
	started bool
	err     error
}

// NewReader returns a reader of either DDTC export.
func NewReader(r io.Reader) *Reader { return NewNamedReader(r, "") }

// NewNamedReader is NewReader with a file name for error messages.
func NewNamedReader(r io.Reader, name string) *Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	return &Reader{name: name, csv: c}
}

// Kind returns the export the header identified, after the first Next.
func (r *Reader) Kind() Kind { return r.kind }

func (r *Reader) errorf(line int, field, format string, args ...any) error {
	where := "ddtc: "
	if r.name != "" {
		where += r.name + ": "
	}
	if field != "" {
		return fmt.Errorf("%sline %d: field %q: %s", where, line, field, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%sline %d: %s", where, line, fmt.Sprintf(format, args...))
}

func (r *Reader) csvError(err error) error {
	where := "ddtc: "
	if r.name != "" {
		where += r.name + ": "
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%sline %d, column %d: %w", where, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s%w", where, err)
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

func sameHeader(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if strings.TrimSpace(got[i]) != want[i] {
			return false
		}
	}
	return true
}

func (r *Reader) next() (Record, error) {
	if !r.started {
		r.started = true
		hdr, err := r.csv.Read()
		if err == io.EOF {
			return Record{}, r.errorf(1, "", "empty file")
		}
		if err != nil {
			return Record{}, r.csvError(err)
		}
		switch {
		case sameHeader(hdr, StatutoryHeader):
			r.kind = Statutory
		case sameHeader(hdr, AdministrativeHeader):
			r.kind = Administrative
		default:
			return Record{}, r.errorf(1, "", "header %q is neither the statutory (%q) nor the administrative (%q) export",
				strings.Join(hdr, ","), strings.Join(StatutoryHeader, ","), strings.Join(AdministrativeHeader, ","))
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
		want := len(StatutoryHeader)
		if r.kind == Administrative {
			want = len(AdministrativeHeader)
		}
		if len(row) != want {
			return Record{}, r.errorf(line, "", "%d fields, want %d", len(row), want)
		}
		for i := range row {
			// One 2025 row ends a cite with U+00FF, a stray byte of the export.
			row[i] = strings.TrimSpace(strings.Trim(row[i], "\u00ff"))
		}
		rec := Record{Line: line, Kind: r.kind, Name: row[0]}
		var dateField string
		if r.kind == Statutory {
			rec.DateOfBirth, rec.FederalRegisterNotice = row[1], row[2]
			rec.CorrectedNotice = row[4]
			if rec.NoticeDate, err = parseDate(row[3]); err != nil {
				return Record{}, r.errorf(line, StatutoryHeader[3], "%v", err)
			}
			if rec.CorrectedNoticeDate, err = parseDate(row[5]); err != nil {
				return Record{}, r.errorf(line, StatutoryHeader[5], "%v", err)
			}
			dateField = StatutoryHeader[0]
		} else {
			rec.ChargingLetter, rec.DebarmentOrder, rec.FederalRegisterNotice = row[2], row[3], row[4]
			if rec.NoticeDate, err = parseDate(row[1]); err != nil {
				return Record{}, r.errorf(line, AdministrativeHeader[1], "%v", err)
			}
			dateField = AdministrativeHeader[0]
		}
		if rec.Name == "" {
			return Record{}, r.errorf(line, dateField, "empty")
		}
		return rec, nil
	}
}

// parseDate turns M/D/YYYY into YYYY-MM-DD; empty stays empty.
func parseDate(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	t, err := time.Parse("1/2/2006", s)
	if err != nil {
		return "", fmt.Errorf("date %q is not M/D/YYYY", s)
	}
	return t.Format("2006-01-02"), nil
}
