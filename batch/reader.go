package batch

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"
)

// Row is one party to screen, as read from the input file.
type Row struct {
	Line    int                  // row number in the input as a spreadsheet shows it: header = 1, first data row = 2
	ID      string               // the caller's id, echoed verbatim
	Name    string               // the name to screen (never empty)
	Type    clearance.EntityType // Unknown when the column is absent or empty
	Country string               // ISO 3166-1 alpha-2, upper case; "" when absent or empty
}

// Reader yields the rows of an input file one at a time, so a batch never
// holds the whole file. Read returns io.EOF after the last row.
type Reader interface {
	Read() (Row, error)
	Close() error
}

// Input formats, chosen by file extension.
const (
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatJSONL = "jsonl"
)

// FormatOf returns the format implied by a file name's extension
// (.csv, .xlsx, .jsonl or .ndjson), or an error naming the extension.
func FormatOf(name string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case "":
		return "", fmt.Errorf("%s: no file extension (want .csv, .xlsx or .jsonl)", name)
	default:
		return "", fmt.Errorf("%s: unsupported file extension %q (want .csv, .xlsx or .jsonl)", name, ext)
	}
}

// OpenReader returns a Reader for r, choosing CSV or XLSX by name's
// extension. name is also used in error messages. The header row is read and
// checked at once, so a file without an id or name column fails here.
//
// XLSX is a zip archive and needs random access: when r is an *os.File it is
// read in place; any other reader is first copied to a temporary file, so
// memory stays flat either way. Close removes that temporary file.
func OpenReader(name string, r io.Reader) (Reader, error) {
	format, err := FormatOf(name)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatCSV:
		return newCSVReader(name, r)
	case FormatXLSX:
		return newXLSXReader(name, r)
	}
	return nil, fmt.Errorf("%s: %s is an output format, not an input format (want .csv or .xlsx)", name, format)
}

// columns maps the recognised header names to their positions (-1: absent).
type columns struct {
	id, name, typ, country int
}

// parseHeader finds the id, name, type and country columns. Matching is
// case-insensitive and ignores surrounding spaces and a UTF-8 byte order
// mark; other columns are ignored.
func parseHeader(file string, line int, header []string) (columns, error) {
	c := columns{id: -1, name: -1, typ: -1, country: -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		var slot *int
		switch h {
		case "id":
			slot = &c.id
		case "name":
			slot = &c.name
		case "type":
			slot = &c.typ
		case "country":
			slot = &c.country
		default:
			continue
		}
		if *slot >= 0 {
			return c, fmt.Errorf("%s: row %d: column %q appears twice (columns %d and %d)", file, line, h, *slot+1, i+1)
		}
		*slot = i
	}
	var missing []string
	if c.id < 0 {
		missing = append(missing, `"id"`)
	}
	if c.name < 0 {
		missing = append(missing, `"name"`)
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("%s: row %d: header has no %s column (want columns id, name, optional type and country; found %q)",
			file, line, strings.Join(missing, " or "), header)
	}
	return c, nil
}

// rowFromCells validates one data row. blank reports a row with no content,
// which readers skip (trailing empty lines and spreadsheet rows).
func (c columns) rowFromCells(file string, line int, cells []string) (row Row, blank bool, err error) {
	cell := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	blank = true
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			blank = false
			break
		}
	}
	if blank {
		return Row{}, true, nil
	}
	row = Row{Line: line, ID: cell(c.id), Name: cell(c.name), Type: clearance.Unknown}
	for _, f := range []struct{ col, val string }{{"id", row.ID}, {"name", row.Name}} {
		if !utf8.ValidString(f.val) {
			return Row{}, false, fmt.Errorf("%s: row %d: column %q: not valid UTF-8 (save the file as UTF-8)", file, line, f.col)
		}
	}
	if row.Name == "" {
		return Row{}, false, fmt.Errorf("%s: row %d: column \"name\": empty (every row needs a name to screen)", file, line)
	}
	if v := cell(c.typ); v != "" {
		t, err := ParseType(v)
		if err != nil {
			return Row{}, false, fmt.Errorf("%s: row %d: column \"type\": %w", file, line, err)
		}
		row.Type = t
	}
	if v := cell(c.country); v != "" {
		cc, err := ParseCountry(v)
		if err != nil {
			return Row{}, false, fmt.Errorf("%s: row %d: column \"country\": %w", file, line, err)
		}
		row.Country = cc
	}
	return row, false, nil
}

// ParseType parses an input row's type: the contract's values (person,
// entity, vessel, aircraft) and the synonyms clearance.ParseEntityType knows
// (organization, company, individual …). The CLI and server use it for
// their --type / type parameters too, so every entry point accepts the same
// words.
func ParseType(s string) (clearance.EntityType, error) {
	t, err := clearance.ParseEntityType(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a type (want person, entity, vessel, aircraft or empty)", s)
	}
	return t, nil
}

// ParseCountry parses an input row's country: an ISO 3166-1 alpha-2 code in
// either case, returned in upper case. Codes are checked against the CLDR region registry
// (golang.org/x/text/language), so "ZZ" or "EU" are rejected while the
// exceptionally reserved "UK" is accepted as GB and "XK" (Kosovo, used by
// OFAC and the EU) is accepted as is.
func ParseCountry(s string) (string, error) {
	bad := fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code (e.g. CN, RU, IR)", s)
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return "", bad
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() {
		return "", bad
	}
	return r.Canonicalize().String(), nil
}

func isASCIILetter(b byte) bool { return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }

// csvReader reads comma-separated rows with encoding/csv: RFC 4180 quoting,
// rows of any width (extra or missing trailing cells are tolerated).
type csvReader struct {
	file string
	r    *csv.Reader
	cols columns
	rec  int // records read, header included: the row number a spreadsheet shows
}

func newCSVReader(file string, r io.Reader) (*csvReader, error) {
	br := bufio.NewReader(r)
	// Excel writes a UTF-8 byte order mark; drop it so the first header
	// cell is "id", not "\uFEFFid" (and a quoted first cell still parses).
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (want a header row with columns id, name)", file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	cols, err := parseHeader(file, 1, header)
	if err != nil {
		return nil, err
	}
	return &csvReader{file: file, r: cr, cols: cols, rec: 1}, nil
}

// sniffDelimiter returns ';' or tab when the header line uses that instead
// of a comma: Excel writes "CSV" with semicolons where the decimal separator
// is a comma (most of Europe), and such a file would otherwise fail with
// "no id column". The header is the only line looked at, so a comma inside
// a later name cannot mislead it.
func sniffDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if bytes.IndexByte(b, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(b, ';') >= 0 {
		return ';'
	}
	if bytes.IndexByte(b, '\t') >= 0 {
		return '\t'
	}
	return ','
}

func (c *csvReader) Read() (Row, error) {
	for {
		rec, err := c.r.Read()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Row{}, fmt.Errorf("%s: row %d (line %d, character %d): %w", c.file, c.rec+1, pe.Line, pe.Column, pe.Err)
			}
			return Row{}, fmt.Errorf("%s: row %d: %w", c.file, c.rec+1, err)
		}
		c.rec++
		row, blank, err := c.cols.rowFromCells(c.file, c.rec, rec)
		if err != nil {
			return Row{}, err
		}
		if !blank {
			return row, nil
		}
	}
}

func (c *csvReader) Close() error { return nil }

// xlsxReader reads the first worksheet of a workbook with excelize's
// streaming row iterator.
type xlsxReader struct {
	file    string
	f       *excelize.File
	rows    *excelize.Rows
	cols    columns
	line    int
	tmpPath string // spooled copy of a non-file input, removed on Close
}

// Limits on a workbook's zip parts. excelize unzips worksheets and the
// shared-string table larger than UnzipXMLSizeLimit to temporary files (we
// lower that from 16 MiB to 1 MiB to keep memory flat) but reads every other
// part into a buffer sized by the part's *declared* size: a corrupt or
// hostile zip header claiming gigabytes would allocate them. checkWorkbook
// therefore caps the parts held in memory, and UnzipSizeLimit caps the
// whole (default 16 GB) at 1 GiB, far above any customer list.
const (
	xlsxMaxInMemory = 32 << 20
	xlsxMaxTotal    = 1 << 30
)

var xlsxOptions = excelize.Options{UnzipXMLSizeLimit: 1 << 20, UnzipSizeLimit: xlsxMaxTotal}

// checkWorkbook rejects a workbook whose zip directory declares more bytes
// than the limits above, before excelize allocates anything.
func checkWorkbook(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	var inMemory, total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		spilled := size > uint64(xlsxOptions.UnzipXMLSizeLimit) &&
			(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !spilled {
			inMemory += size
		}
	}
	if total > xlsxMaxTotal || inMemory > xlsxMaxInMemory {
		return fmt.Errorf("workbook parts declare %d bytes (%d outside worksheets), over the %d / %d byte limits", total, inMemory, xlsxMaxTotal, xlsxMaxInMemory)
	}
	return nil
}

func newXLSXReader(file string, r io.Reader) (_ *xlsxReader, err error) {
	x := &xlsxReader{file: file}
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	path := ""
	if f, ok := r.(*os.File); ok {
		path = f.Name()
	} else {
		tmp, err := os.CreateTemp("", "clearance-batch-*.xlsx")
		if err != nil {
			return nil, fmt.Errorf("%s: spooling upload: %w", file, err)
		}
		x.tmpPath = tmp.Name()
		_, err = io.Copy(tmp, r)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("%s: spooling upload: %w", file, err)
		}
		path = x.tmpPath
	}
	if x.f, err = openWorkbook(path); err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", file, err)
	}
	sheets := x.f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%s: workbook has no worksheet", file)
	}
	if x.rows, err = x.f.Rows(sheets[0]); err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", file, sheets[0], err)
	}
	// The header is the first non-blank row: a sheet may start lower down.
	for {
		header, err := x.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: sheet %q is empty (want a header row with columns id, name)", file, sheets[0])
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(strings.Join(header, "")) == "" {
			continue
		}
		if x.cols, err = parseHeader(file, x.line, header); err != nil {
			return nil, err
		}
		return x, nil
	}
}

// openWorkbook opens an XLSX file, turning a panic inside the zip/XML
// decoding of a hostile file into an error: bad input must never crash a
// batch job in the server.
func openWorkbook(path string) (f *excelize.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("malformed workbook (%v)", p)
		}
	}()
	if err := checkWorkbook(path); err != nil {
		return nil, err
	}
	f, err = excelize.OpenFile(path, xlsxOptions)
	if err != nil && f != nil {
		f.Close() // a half-opened workbook may hold temporary files
		f = nil
	}
	return f, err
}

// next returns the cells of the next worksheet row. Rows absent from the
// sheet XML come back as empty rows, so x.line stays the row number Excel
// shows.
func (x *xlsxReader) next() (cells []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, err = nil, fmt.Errorf("%s: row %d: malformed worksheet (%v)", x.file, x.line, p)
		}
	}()
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, fmt.Errorf("%s: row %d: %w", x.file, x.line+1, err)
		}
		return nil, io.EOF
	}
	x.line++
	cells, err = x.rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("%s: row %d: %w", x.file, x.line, err)
	}
	return cells, nil
}

func (x *xlsxReader) Read() (Row, error) {
	for {
		cells, err := x.next()
		if err != nil {
			return Row{}, err
		}
		row, blank, err := x.cols.rowFromCells(x.file, x.line, cells)
		if err != nil {
			return Row{}, err
		}
		if !blank {
			return row, nil
		}
	}
}

func (x *xlsxReader) Close() error {
	var err error
	if x.rows != nil {
		err = x.rows.Close()
		x.rows = nil
	}
	if x.f != nil {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
		x.f = nil
	}
	if x.tmpPath != "" {
		os.Remove(x.tmpPath)
		x.tmpPath = ""
	}
	return err
}
