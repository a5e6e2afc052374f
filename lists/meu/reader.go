// Package meu reads the two BIS military end-user lists that the CSL does
// not fully carry:
//
//   - the Military End-User List, Supplement No. 7 to 15 CFR Part 744, as
//     parsed from the eCFR text into the same JSON shape as the Entity List
//     parse (lists/bisel), which adds street addresses and dated Federal
//     Register citations to the CSL's MEU rows;
//   - the military-intelligence end users named in 15 CFR 744.22
//     (list MIEU), which no official machine-readable file carries, as
//     curated by OpenSanctions (datasets/us/bis_mieu/mieu.csv).
package meu

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/bisel"
)

// MIEUSourceURL is the regulation that names the military-intelligence end
// users.
const MIEUSourceURL = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/section-744.22"

// ReadSupplement7 reads a Supplement No. 7 (MEU) parse and calls fn with
// each entry as an Entity of list MEU. The parse has the Entity List
// parse's shape, but its notes column says which parent an entry belongs
// to ("Subordinate institution of Aero-Engine Company of China"), so it
// goes to Remarks rather than LicenseRequirement.
func ReadSupplement7(r io.Reader, fn func(clearance.Entity) error) (bisel.Info, error) {
	info, err := bisel.Read(r, func(e clearance.Entity) error {
		e.List = clearance.MEU
		e.Remarks, e.LicenseRequirement = e.LicenseRequirement, ""
		return fn(e)
	})
	if err != nil {
		err = fmt.Errorf("meu: supplement 7: %w", err)
	}
	return info, err
}

// mieuRemark summarises 15 CFR 744.22 for every MIEU entry: a license is
// required for any item subject to the EAR, reviewed with a presumption of
// denial.
const mieuRemark = "Military-intelligence end user named in 15 CFR 744.22: a license is required for any item subject to the EAR; applications are reviewed with a presumption of denial."

// mieuHeader is the header of the OpenSanctions MIEU CSV.
var mieuHeader = []string{"Type", "Name", "Alias", "Country", "Topics", "Program", "Date", "End date", "Source URL"}

// ReadMIEU reads the OpenSanctions MIEU CSV and calls fn with each row as
// an Entity of list MIEU: Name, the one Alias, Countries (ISO-2), ListedOn
// the date the listing took effect, EndDate, and SourceInfoURL the Federal
// Register document that named it. It returns the number of rows read.
// Errors name the line and field.
func ReadMIEU(r io.Reader, fn func(clearance.Entity) error) (int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(mieuHeader)
	header, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("mieu: header: %w", err)
	}
	for i, h := range mieuHeader {
		if strings.TrimPrefix(header[i], "\ufeff") != h {
			return 0, fmt.Errorf("mieu: line 1: column %d is %q, want %q", i+1, header[i], h)
		}
	}
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("mieu: %w", err)
		}
		line, _ := cr.FieldPos(0)
		e, err := mieuEntity(rec)
		if err != nil {
			return n, fmt.Errorf("mieu: line %d: %w", line, err)
		}
		n++
		if err := fn(e); err != nil {
			return n, err
		}
	}
}

func mieuEntity(rec []string) (clearance.Entity, error) {
	field := func(name string) string {
		for i, h := range mieuHeader {
			if h == name {
				return strings.TrimSpace(rec[i])
			}
		}
		return ""
	}
	e := clearance.Entity{List: clearance.MIEU, Name: field("Name"), SourceURL: MIEUSourceURL, SourceInfoURL: field("Source URL")}
	if e.Name == "" {
		return e, fmt.Errorf("field %q: empty", "Name")
	}
	var err error
	if e.Type, err = clearance.ParseEntityType(field("Type")); err != nil {
		return e, fmt.Errorf("field %q: %w", "Type", err)
	}
	if a := field("Alias"); a != "" {
		e.Aliases = []string{a}
	}
	if c := field("Country"); c != "" {
		code, ok := lists.CountryCode(c)
		if !ok {
			return e, fmt.Errorf("field %q: unknown country %q", "Country", c)
		}
		e.Countries = []string{code}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"Date", &e.ListedOn}, {"End date", &e.EndDate}} {
		v := field(f.name)
		if v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return e, fmt.Errorf("field %q: %q is not a YYYY-MM-DD date", f.name, v)
		}
		*f.dst = v
	}
	// No list column states the requirement, so it is given as a remark,
	// not as a verbatim LicenseRequirement (see docs/snapshot.md).
	e.Remarks = mieuRemark
	return e, nil
}
