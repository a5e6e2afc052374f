package batch

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/clearance-oss/clearance/internal/csvcell"
	"io"
	"math"
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/xuri/excelize/v2"
)

// Result is one screened input row and its matches, best first.
type Result struct {
	Row     Row
	Matches []clearance.Match
}

// Writer writes results in input order. Close flushes buffered output (and,
// for XLSX, writes the whole workbook); it does not close the underlying
// io.Writer.
type Writer interface {
	Write(Result) error
	Close() error
}

// NewWriter returns a Writer producing format (FormatJSONL, FormatCSV or
// FormatXLSX) on w.
func NewWriter(format string, w io.Writer) (Writer, error) {
	switch format {
	case FormatJSONL:
		return newJSONLWriter(w), nil
	case FormatCSV:
		return newCSVWriter(w), nil
	case FormatXLSX:
		return newXLSXWriter(w)
	}
	return nil, fmt.Errorf("unknown output format %q (want csv, xlsx or jsonl)", format)
}

// roundScore keeps four decimals: enough to rank and to compare with a
// threshold (thresholds have at most two), without 0.8571428571428571 noise.
func roundScore(s float64) float64 { return math.Round(s*1e4) / 1e4 }

// JSONLRecord is the JSON object written for each input row: the batch
// contract of issue 2. Fields id, name and matches (each with list,
// entity_id, name, matched_name and score) are the contract and never
// change; the other fields are additions.
type JSONLRecord struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Matches []JSONLMatch `json:"matches"` // never null: [] when nothing matched
	Row     int          `json:"row"`     // row number in the input file (header = 1)
	Type    string       `json:"type,omitempty"`
	Country string       `json:"country,omitempty"`
}

// JSONLMatch is one match inside a JSONLRecord.
type JSONLMatch struct {
	List        clearance.ListCode `json:"list"`
	EntityID    string             `json:"entity_id"`
	Name        string             `json:"name"`         // the entity's primary name exactly as listed
	MatchedName string             `json:"matched_name"` // the listed name or alias that matched
	Score       float64            `json:"score"`
	Alias       bool               `json:"alias"` // MatchedName is an alias
	Type        string             `json:"type,omitempty"`
	Countries   []string           `json:"countries,omitempty"`
	Programs    []string           `json:"programs,omitempty"`
	Reason      string             `json:"reason,omitempty"` // explanation summary, with Options.Explain
}

// NewJSONLRecord converts a result to its contract shape.
func NewJSONLRecord(r Result) JSONLRecord {
	rec := JSONLRecord{ID: r.Row.ID, Name: r.Row.Name, Row: r.Row.Line, Country: r.Row.Country, Matches: make([]JSONLMatch, 0, len(r.Matches))}
	if r.Row.Type != clearance.Unknown {
		rec.Type = string(r.Row.Type)
	}
	for _, m := range r.Matches {
		jm := JSONLMatch{List: m.List, EntityID: m.EntityID, Name: m.Name, MatchedName: m.MatchedName, Score: roundScore(m.Score), Alias: m.Alias}
		if e := m.Entity; e != nil {
			jm.Type = string(e.Type)
			jm.Countries = e.Countries
			jm.Programs = e.Programs
		}
		if m.Explanation != nil {
			jm.Reason = m.Explanation.Summary
		}
		rec.Matches = append(rec.Matches, jm)
	}
	return rec
}

type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONLWriter(w io.Writer) *jsonlWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // "AT&T", not "AT\u0026T"
	return &jsonlWriter{bw: bw, enc: enc}
}

func (j *jsonlWriter) Write(r Result) error {
	if err := j.enc.Encode(NewJSONLRecord(r)); err != nil {
		return fmt.Errorf("jsonl output: row %d: %w", r.Row.Line, err)
	}
	return nil
}

func (j *jsonlWriter) Close() error {
	if err := j.bw.Flush(); err != nil {
		return fmt.Errorf("jsonl output: %w", err)
	}
	return nil
}

// TableHeader is the header of CSV and XLSX output. The table has one line
// per (input row × match), best match first (rank 1), and one line with
// hits 0 and empty match columns for an input row without matches, so that
// every input row appears and an analyst can filter on hits > 0 or rank = 1
// (one line per input row with its best match).
var TableHeader = []string{
	"row", "id", "name", "type", "country", "hits", "rank",
	"list", "entity_id", "listed_name", "matched_name", "alias", "score",
	"entity_type", "entity_countries", "programs", "reason",
}

// tableLines returns the lines of r in TableHeader's column order. Numbers
// stay numbers (int, float64) so that XLSX cells sort and filter as numbers.
func tableLines(r Result) [][]any {
	row := r.Row
	typ := ""
	if row.Type != clearance.Unknown {
		typ = string(row.Type)
	}
	head := []any{row.Line, row.ID, row.Name, typ, row.Country, len(r.Matches)}
	if len(r.Matches) == 0 {
		return [][]any{append(head, "", "", "", "", "", "", "", "", "", "", "")}
	}
	out := make([][]any, 0, len(r.Matches))
	for i, m := range r.Matches {
		var etype, countries, programs, reason string
		if e := m.Entity; e != nil {
			etype = string(e.Type)
			countries = strings.Join(e.Countries, ";")
			programs = strings.Join(e.Programs, ";")
		}
		if m.Explanation != nil {
			reason = m.Explanation.Summary
		}
		alias := "no"
		if m.Alias {
			alias = "yes"
		}
		line := append(append([]any(nil), head...), i+1, string(m.List), m.EntityID, m.Name, m.MatchedName, alias,
			roundScore(m.Score), etype, countries, programs, reason)
		out = append(out, line)
	}
	return out
}

// csvWriter writes the table as RFC 4180 CSV. Text cells that a spreadsheet
// would evaluate as a formula ("=…", "+…", "-…", "@…") are prefixed with an
// apostrophe (csvcell.Escape): names come from customers' files. JSONL and
// XLSX carry every value verbatim.
type csvWriter struct {
	w      *csv.Writer
	header bool
	cells  []string
}

func newCSVWriter(w io.Writer) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w), cells: make([]string, len(TableHeader))}
}

func (c *csvWriter) Write(r Result) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(TableHeader); err != nil {
			return fmt.Errorf("csv output: %w", err)
		}
	}
	for _, line := range tableLines(r) {
		for i, v := range line {
			switch v := v.(type) {
			case string:
				c.cells[i] = csvcell.Escape(v)
			case int:
				c.cells[i] = strconv.Itoa(v)
			case float64:
				c.cells[i] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		if err := c.w.Write(c.cells); err != nil {
			return fmt.Errorf("csv output: row %d: %w", r.Row.Line, err)
		}
	}
	return nil
}

func (c *csvWriter) Close() error {
	if !c.header { // no input rows: still a well-formed file with a header
		c.header = true
		if err := c.w.Write(TableHeader); err != nil {
			return fmt.Errorf("csv output: %w", err)
		}
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("csv output: %w", err)
	}
	return nil
}

// maxXLSXRows is the row limit of an Excel worksheet.
const maxXLSXRows = 1 << 20

// xlsxWriter writes the table with excelize's StreamWriter, which spills
// rows to a temporary file beyond 16 MiB instead of holding them.
type xlsxWriter struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	line  int // last worksheet row written
	sheet string
}

func newXLSXWriter(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	// excelize's Write assembles the whole zipped workbook in a bytes.Buffer
	// before copying it to w, so memory grows with the output (9 MB zipped
	// for 100k rows). Its zip-writer hook lets the archive go straight to w
	// instead, leaving that buffer empty. (Its one use of the buffer, zip64
	// headers for parts over 4 GiB, cannot arise within Excel's row limit.)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	const sheet = "Screening"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx output: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx output: %w", err)
	}
	x := &xlsxWriter{w: w, f: f, sw: sw, sheet: sheet}
	// Column widths must be set before the first row (a StreamWriter rule).
	widths := map[string]float64{"name": 36, "listed_name": 40, "matched_name": 40, "reason": 60, "entity_id": 16, "programs": 18, "entity_countries": 14}
	for i, h := range TableHeader {
		wd, ok := widths[h]
		if !ok {
			wd = float64(max(8, len(h)+2))
		}
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx output: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx output: %w", err)
	}
	header := make([]any, len(TableHeader))
	for i, h := range TableHeader {
		header[i] = h
	}
	if err := x.setRow(header); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxWriter) setRow(values []any) error {
	if x.line >= maxXLSXRows {
		return fmt.Errorf("xlsx output: more than %d lines, the limit of an Excel worksheet (write .csv or .jsonl instead)", maxXLSXRows)
	}
	x.line++
	cell, err := excelize.CoordinatesToCellName(1, x.line)
	if err != nil {
		return fmt.Errorf("xlsx output: %w", err)
	}
	if err := x.sw.SetRow(cell, values); err != nil {
		return fmt.Errorf("xlsx output: line %d: %w", x.line, err)
	}
	return nil
}

func (x *xlsxWriter) Write(r Result) error {
	for _, line := range tableLines(r) {
		if err := x.setRow(line); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	if x.f == nil {
		return nil
	}
	defer func() { x.f.Close(); x.f = nil }()
	// An autofilter table over the result lets an analyst filter on hits,
	// list or score at once; Excel needs a header and at least one line.
	if x.line >= 2 {
		last, _ := excelize.CoordinatesToCellName(len(TableHeader), x.line)
		if err := x.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Results", StyleName: "TableStyleLight9"}); err != nil {
			return fmt.Errorf("xlsx output: %w", err)
		}
	}
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx output: %w", err)
	}
	if err := x.f.Write(x.w); err != nil {
		return fmt.Errorf("xlsx output: %w", err)
	}
	return nil
}
