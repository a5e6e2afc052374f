// Package un reads the UN Security Council Consolidated List in its
// official XML form (https://scsanctions.un.org/resources/xml/en/consolidated.xml,
// schema https://www.un.org/sc/resources/sc-sanctions.xsd) and maps its
// INDIVIDUAL and ENTITY records to clearance entities.
//
// US exporters screen it because UN Security Council sanctions resolutions
// (e.g. 1267/1989/2253 on ISIL and Al-Qaida, 1718 on the DPRK) are carried
// into US law and into many customers' contractual screening obligations.
package un

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Record is one INDIVIDUAL or ENTITY element, field for field. Multi-valued
// elements (<TITLE><VALUE>…</VALUE></TITLE>) become slices.
type Record struct {
	Kind string `xml:"-"` // "INDIVIDUAL" or "ENTITY"
	Line int    `xml:"-"` // line of the record's start tag

	DataID             string   `xml:"DATAID"`
	VersionNum         string   `xml:"VERSIONNUM"`
	FirstName          string   `xml:"FIRST_NAME"`
	SecondName         string   `xml:"SECOND_NAME"`
	ThirdName          string   `xml:"THIRD_NAME"`
	FourthName         string   `xml:"FOURTH_NAME"`
	UNListType         string   `xml:"UN_LIST_TYPE"`
	ReferenceNumber    string   `xml:"REFERENCE_NUMBER"`
	ListedOn           string   `xml:"LISTED_ON"`
	Gender             string   `xml:"GENDER"`
	Comments           string   `xml:"COMMENTS1"`
	NameOriginalScript string   `xml:"NAME_ORIGINAL_SCRIPT"`
	Title              []string `xml:"TITLE>VALUE"`
	Designation        []string `xml:"DESIGNATION>VALUE"`
	Nationality        []string `xml:"NATIONALITY>VALUE"`
	ListType           []string `xml:"LIST_TYPE>VALUE"`
	LastDayUpdated     []string `xml:"LAST_DAY_UPDATED>VALUE"`

	IndividualAliases []Alias      `xml:"INDIVIDUAL_ALIAS"`
	EntityAliases     []Alias      `xml:"ENTITY_ALIAS"`
	IndividualAddress []Address    `xml:"INDIVIDUAL_ADDRESS"`
	EntityAddress     []Address    `xml:"ENTITY_ADDRESS"`
	BirthDates        []BirthDate  `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	BirthPlaces       []BirthPlace `xml:"INDIVIDUAL_PLACE_OF_BIRTH"`
	Documents         []Document   `xml:"INDIVIDUAL_DOCUMENT"`
}

// Alias is an INDIVIDUAL_ALIAS or ENTITY_ALIAS. Quality is "Good", "Low",
// "a.k.a." or "f.k.a."; an empty element (no alias) has an empty Name.
type Alias struct {
	Quality        string `xml:"QUALITY"`
	Name           string `xml:"ALIAS_NAME"`
	DateOfBirth    string `xml:"DATE_OF_BIRTH"`
	CityOfBirth    string `xml:"CITY_OF_BIRTH"`
	CountryOfBirth string `xml:"COUNTRY_OF_BIRTH"`
	Note           string `xml:"NOTE"`
}

// Address is an INDIVIDUAL_ADDRESS or ENTITY_ADDRESS. Country is a name
// ("Democratic Republic of the Congo").
type Address struct {
	Street        string `xml:"STREET"`
	City          string `xml:"CITY"`
	StateProvince string `xml:"STATE_PROVINCE"`
	ZipCode       string `xml:"ZIP_CODE"`
	Country       string `xml:"COUNTRY"`
	Note          string `xml:"NOTE"`
}

// BirthDate is an INDIVIDUAL_DATE_OF_BIRTH: TypeOfDate EXACT (Date or
// Year), APPROXIMATELY (Year) or BETWEEN (FromYear..ToYear).
type BirthDate struct {
	TypeOfDate string `xml:"TYPE_OF_DATE"`
	Date       string `xml:"DATE"`
	Year       string `xml:"YEAR"`
	FromYear   string `xml:"FROM_YEAR"`
	ToYear     string `xml:"TO_YEAR"`
	Note       string `xml:"NOTE"`
}

// BirthPlace is an INDIVIDUAL_PLACE_OF_BIRTH.
type BirthPlace struct {
	City          string `xml:"CITY"`
	StateProvince string `xml:"STATE_PROVINCE"`
	Country       string `xml:"COUNTRY"`
	Note          string `xml:"NOTE"`
}

// Document is an INDIVIDUAL_DOCUMENT (passport, national id …).
type Document struct {
	TypeOfDocument  string `xml:"TYPE_OF_DOCUMENT"`
	TypeOfDocument2 string `xml:"TYPE_OF_DOCUMENT2"`
	Number          string `xml:"NUMBER"`
	IssuingCountry  string `xml:"ISSUING_COUNTRY"`
	DateOfIssue     string `xml:"DATE_OF_ISSUE"`
	CityOfIssue     string `xml:"CITY_OF_ISSUE"`
	CountryOfIssue  string `xml:"COUNTRY_OF_ISSUE"`
	Note            string `xml:"NOTE"`
}

// Reader reads the consolidated XML one INDIVIDUAL or ENTITY at a time:
// the decoder walks the token stream and decodes only the current record,
// so memory use does not depend on the file's size.
type Reader struct {
	name          string
	dec           *xml.Decoder
	dateGenerated string
	sawRoot       bool
	err           error
}

// NewReader returns a reader of the UN consolidated XML.
func NewReader(r io.Reader) *Reader { return NewNamedReader(r, "") }

// NewNamedReader is NewReader with a file name to put in error messages.
func NewNamedReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, dec: xml.NewDecoder(r)}
}

// DateGenerated returns the root element's dateGenerated attribute
// (e.g. "2026-02-27T00:00:09.554Z"), known after the first call to Next.
func (r *Reader) DateGenerated() string { return r.dateGenerated }

func (r *Reader) prefix() string {
	if r.name == "" {
		return "un: "
	}
	return "un: " + r.name + ": "
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
	for {
		line, _ := r.dec.InputPos()
		tok, err := r.dec.Token()
		if err == io.EOF {
			if !r.sawRoot {
				return Record{}, fmt.Errorf("%sno <CONSOLIDATED_LIST> element", r.prefix())
			}
			return Record{}, io.EOF
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return Record{}, fmt.Errorf("%sline %d: %s", r.prefix(), se.Line, se.Msg)
			}
			return Record{}, fmt.Errorf("%sline %d: %w", r.prefix(), line, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "CONSOLIDATED_LIST":
			r.sawRoot = true
			for _, a := range start.Attr {
				if a.Name.Local == "dateGenerated" {
					r.dateGenerated = a.Value
				}
			}
		case "INDIVIDUALS", "ENTITIES":
			// containers: descend
		case "INDIVIDUAL", "ENTITY":
			if !r.sawRoot {
				return Record{}, fmt.Errorf("%sline %d: <%s> outside <CONSOLIDATED_LIST>", r.prefix(), line, start.Name.Local)
			}
			startLine, _ := r.dec.InputPos()
			var rec Record
			if err := r.dec.DecodeElement(&rec, &start); err != nil {
				var se *xml.SyntaxError
				if errors.As(err, &se) {
					return Record{}, fmt.Errorf("%sline %d: in <%s> starting on line %d: %s", r.prefix(), se.Line, start.Name.Local, startLine, se.Msg)
				}
				return Record{}, fmt.Errorf("%sline %d: <%s>: %w", r.prefix(), startLine, start.Name.Local, err)
			}
			rec.Kind, rec.Line = start.Name.Local, startLine
			if err := rec.validate(); err != nil {
				return Record{}, fmt.Errorf("%sline %d: <%s> %s: %w", r.prefix(), startLine, rec.Kind, rec.label(), err)
			}
			return rec, nil
		default:
			if !r.sawRoot {
				return Record{}, fmt.Errorf("%sline %d: root element is <%s>, want <CONSOLIDATED_LIST>", r.prefix(), line, start.Name.Local)
			}
			if err := r.dec.Skip(); err != nil {
				return Record{}, fmt.Errorf("%sline %d: <%s>: %w", r.prefix(), line, start.Name.Local, err)
			}
		}
	}
}

// label names the record in an error message.
func (rec *Record) label() string {
	switch {
	case rec.ReferenceNumber != "":
		return strings.TrimSpace(rec.ReferenceNumber)
	case rec.DataID != "":
		return "DATAID " + strings.TrimSpace(rec.DataID)
	}
	return "(no REFERENCE_NUMBER)"
}

// validate checks the fields the mapper relies on.
func (rec *Record) validate() error {
	if strings.TrimSpace(rec.DataID) == "" && strings.TrimSpace(rec.ReferenceNumber) == "" {
		return errors.New(`field "REFERENCE_NUMBER": empty, and no DATAID either`)
	}
	if strings.TrimSpace(rec.FirstName+rec.SecondName+rec.ThirdName+rec.FourthName) == "" {
		return errors.New(`field "FIRST_NAME": empty name`)
	}
	// A few dates carry a zone offset ("2015-04-07-04:00", xs:date form).
	if d := strings.TrimSpace(rec.ListedOn); d != "" && (len(d) < 10 || !isISODate(d[:10])) {
		return fmt.Errorf("field %q: %q is not YYYY-MM-DD", "LISTED_ON", d)
	}
	return nil
}

func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
