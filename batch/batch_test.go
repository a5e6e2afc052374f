package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
	"github.com/xuri/excelize/v2"
)

// testIndex is a small index of real listed parties (names as the
// 2026-07-31 CSL lists them), so these tests do not depend on the snapshot.
var testIndex = sync.OnceValue(func() *match.Index {
	return match.NewIndex([]clearance.Entity{
		{ID: "el-hikvision", List: clearance.EL, Type: clearance.Organization, Name: "Hangzhou Hikvision Digital Technology Co., Ltd.",
			Aliases: []string{"Hikvision"}, Countries: []string{"CN"}, Programs: []string{"EAR"}},
		{ID: "cmic-hikvision", List: clearance.CMIC, Type: clearance.Organization, Name: "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
			Countries: []string{"CN"}, Programs: []string{"CMIC-EO13959"}},
		{ID: "el-huawei", List: clearance.EL, Type: clearance.Organization, Name: "Huawei Technologies Co., Ltd.",
			Countries: []string{"CN"}},
		{ID: "sdn-banco", List: clearance.SDN, Type: clearance.Organization, Name: "BANCO NACIONAL DE CUBA",
			Aliases: []string{"BNC"}, Countries: []string{"CU"}, Programs: []string{"CUBA"}},
	})
})

func readAll(t *testing.T, path string) ([]Row, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := OpenReader(path, f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rows []Row
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		file string
		want []Row
	}{
		{"testdata/customers.csv", []Row{
			{Line: 2, ID: "C-001", Name: "Hangzhou Hikvision Digital Technology Co. Ltd.", Type: clearance.Organization, Country: "CN"},
			{Line: 3, ID: "C-002", Name: "Acme Widgets Incorporated", Type: clearance.Organization, Country: "US"},
			{Line: 4, ID: "C-003", Name: "Smith, John", Type: clearance.Person, Country: "GB"},
			{Line: 5, ID: "C-004", Name: "Nordic Timber Trading AB", Type: clearance.Unknown, Country: "SE"},
			{Line: 6, ID: "C-005", Name: "Huawei Technologies Co Ltd", Type: clearance.Organization},
		}},
		{"testdata/minimal.csv", []Row{
			{Line: 2, ID: "1", Name: "Hangzhou Hikvision Digital Technology Co Ltd", Type: clearance.Unknown},
			{Line: 3, ID: "2", Name: "Blue River Bakery", Type: clearance.Unknown},
		}},
		// BOM, CRLF, a blank line, quoted commas, doubled quotes, a
		// multi-line field, an extra "Customer Number" column before ID.
		{"testdata/bom_crlf_quoted.csv", []Row{
			{Line: 2, ID: "A100", Name: "Huawei Technologies Co., Ltd.", Type: clearance.Unknown, Country: "CN"},
			{Line: 3, ID: "A101", Name: "Maple Leaf Dental", Type: clearance.Unknown, Country: "CA"},
			{Line: 4, ID: "A102", Name: `ACME "Rocket" Supplies`, Type: clearance.Unknown, Country: "US"},
		}},
		// Excel's "CSV" where the decimal separator is a comma, and a
		// tab-separated export saved as .csv.
		{"testdata/semicolon.csv", []Row{
			{Line: 2, ID: "1", Name: "Müller, Hans", Type: clearance.Unknown, Country: "DE"},
			{Line: 3, ID: "2", Name: "Huawei Technologies Co., Ltd.", Type: clearance.Unknown, Country: "CN"},
		}},
		{"testdata/tab.csv", []Row{
			{Line: 2, ID: "7", Name: "Banco Nacional de Cuba", Type: clearance.Organization},
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			got, err := readAll(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestReadMalformed(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error
	}{
		{"testdata/bad_type.csv", []string{"bad_type.csv", "row 3", `column "type"`, `"alien"`}},
		{"testdata/bad_country.csv", []string{"row 3", `column "country"`, `"USA"`}},
		{"testdata/no_name.csv", []string{"row 1", `no "name" column`}},
		{"testdata/empty_name.csv", []string{"row 3", `column "name"`, "empty"}},
		{"testdata/bad_quote.csv", []string{"row 3", "line 3", `extraneous or missing " in quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			_, err := readAll(t, tt.file)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestReadHeaderErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"empty.csv", "", "empty file"},
		{"noid.csv", "name,country\nx,CN\n", `no "id" column`},
		{"neither.csv", "a,b\n", `no "id" or "name" column`},
		{"dup.csv", "id,name,NAME\n", `column "name" appears twice`},
		{"x.txt", "id,name\n", `unsupported file extension ".txt"`},
		{"x.jsonl", "id,name\n", "output format"},
	} {
		_, err := OpenReader(tt.name, strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestParseCountry(t *testing.T) {
	for in, want := range map[string]string{"CN": "CN", "cn": "CN", "Ir": "IR", "UK": "GB", "XK": "XK", "KP": "KP"} {
		got, err := ParseCountry(in)
		if err != nil || got != want {
			t.Errorf("ParseCountry(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"ZZ", "EU", "USA", "C", "1A", "China", "ÇN"} {
		if got, err := ParseCountry(in); err == nil {
			t.Errorf("ParseCountry(%q) = %q, want an error", in, got)
		}
	}
}

// writeXLSX makes a workbook with excelize, the way a spreadsheet user
// would: header in row 1, numbers as numbers, a blank row 4.
func writeXLSX(t testing.TB, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestReadXLSX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "customers.xlsx")
	writeXLSX(t, path, [][]any{
		{"Name", "Country", "Id", "Type", "Account manager"},
		{"Hangzhou Hikvision Digital Technology Co., Ltd.", "CN", 1001, "entity", "Ann"},
		{"Maple Leaf Dental", "ca", 1002, "", "Bob"},
		{}, // blank row: skipped
		{"Smith, John", "", "1003", "Person", ""},
	})
	got, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, ID: "1001", Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Type: clearance.Organization, Country: "CN"},
		{Line: 3, ID: "1002", Name: "Maple Leaf Dental", Type: clearance.Unknown, Country: "CA"},
		{Line: 5, ID: "1003", Name: "Smith, John", Type: clearance.Person},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	// The same workbook through a plain io.Reader (an HTTP upload) is
	// spooled to a temporary file and read the same way.
	b, _ := os.ReadFile(path)
	r, err := OpenReader("upload.xlsx", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Read()
	if err != nil || row.ID != "1001" {
		t.Errorf("upload: first row %+v, %v", row, err)
	}
	tmp := r.(*xlsxReader).tmpPath
	r.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("spooled upload %s not removed on Close", tmp)
	}

	// A bad value names the worksheet row and column.
	bad := filepath.Join(dir, "bad.xlsx")
	writeXLSX(t, bad, [][]any{{"id", "name", "country"}, {1, "Blue River Bakery", "US"}, {2, "Green Hill Farms", "Germany"}})
	if _, err := readAll(t, bad); err == nil || !strings.Contains(err.Error(), `row 3: column "country"`) {
		t.Errorf("bad.xlsx: error %v, want row 3 column country", err)
	}
	// The header may start lower down; row numbers stay the sheet's.
	low := filepath.Join(dir, "low.xlsx")
	writeXLSX(t, low, [][]any{{}, {"ID", "NAME"}, {"9", "Green Hill Farms"}})
	if rows, err := readAll(t, low); err != nil || len(rows) != 1 || rows[0].Line != 3 || rows[0].ID != "9" {
		t.Errorf("low.xlsx: %+v, %v", rows, err)
	}
	// Not a workbook at all.
	junk := filepath.Join(dir, "junk.xlsx")
	os.WriteFile(junk, []byte("id,name\n1,x\n"), 0o644)
	if _, err := readAll(t, junk); err == nil || !strings.Contains(err.Error(), "not a readable XLSX workbook") {
		t.Errorf("junk.xlsx: error %v", err)
	}
}

// screen runs a whole batch in memory and returns the output bytes.
func screen(t *testing.T, inName string, in io.Reader, format string, opts Options) ([]byte, Stats) {
	t.Helper()
	r, err := OpenReader(inName, in)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	w, err := NewWriter(format, &buf)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Run(context.Background(), testIndex(), r, w, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), stats
}

// TestJSONLContract pins the batch contract of issue 2 that an external
// evaluation relies on: one object per input row, in input order, with
// exactly these keys and types; matches best first, all at or above the
// threshold, "name" the primary name as listed.
func TestJSONLContract(t *testing.T) {
	f, _ := os.Open("testdata/customers.csv")
	defer f.Close()
	out, stats := screen(t, "customers.csv", f, FormatJSONL, Options{})
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 5 || stats.Rows != 5 {
		t.Fatalf("%d lines, stats %+v; want 5:\n%s", len(lines), stats, out)
	}
	wantIDs := []string{"C-001", "C-002", "C-003", "C-004", "C-005"}
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if obj["id"] != wantIDs[i] {
			t.Errorf("line %d: id %v, want %s", i+1, obj["id"], wantIDs[i])
		}
		if _, ok := obj["name"].(string); !ok {
			t.Errorf("line %d: name missing or not a string", i+1)
		}
		ms, ok := obj["matches"].([]any)
		if !ok {
			t.Fatalf("line %d: matches is %T, want an array (never null)", i+1, obj["matches"])
		}
		prev := 2.0
		for j, m := range ms {
			m := m.(map[string]any)
			for _, k := range []string{"list", "entity_id", "name", "matched_name"} {
				if s, ok := m[k].(string); !ok || s == "" {
					t.Errorf("line %d match %d: %q is %#v, want a non-empty string", i+1, j, k, m[k])
				}
			}
			score, ok := m["score"].(float64)
			if !ok || score < match.DefaultThreshold || score > 1 || score > prev {
				t.Errorf("line %d match %d: score %#v (previous %v): want a number in [threshold,1], best first", i+1, j, m["score"], prev)
			}
			prev = score
		}
	}

	// Row C-001 finds both Hikvision entries with their primary names
	// exactly as listed; C-002 (an unlisted name) finds nothing.
	var first, second JSONLRecord
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	got := map[string]string{}
	for _, m := range first.Matches {
		got[m.EntityID] = string(m.List) + "|" + m.Name
	}
	if got["el-hikvision"] != "EL|Hangzhou Hikvision Digital Technology Co., Ltd." ||
		got["cmic-hikvision"] != "CMIC|HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." {
		t.Errorf("C-001 matches %v, want the EL and CMIC Hikvision entries", got)
	}
	if len(second.Matches) != 0 {
		t.Errorf("C-002 (Acme Widgets) matched %+v, want nothing", second.Matches)
	}
	if stats.RowsWithHits < 2 || stats.Matches < 3 {
		t.Errorf("stats %+v: want at least 2 rows with hits (Hikvision, Huawei) and 3 matches", stats)
	}
}

func TestThresholdAndLists(t *testing.T) {
	in := "id,name\n1,Hangzhou Hikvision Digital Technology Co Ltd\n"
	out, _ := screen(t, "in.csv", strings.NewReader(in), FormatJSONL, Options{Lists: []clearance.ListCode{clearance.CMIC}})
	var rec JSONLRecord
	json.Unmarshal(out, &rec)
	if len(rec.Matches) != 1 || rec.Matches[0].List != clearance.CMIC {
		t.Errorf("lists=CMIC: %+v, want only the CMIC entry", rec.Matches)
	}
	out, _ = screen(t, "in.csv", strings.NewReader(in), FormatJSONL, Options{Threshold: 1.01})
	json.Unmarshal(out, &rec)
	if len(rec.Matches) != 0 {
		t.Errorf("threshold 1.01: %+v, want no matches", rec.Matches)
	}
}

func TestCSVOutput(t *testing.T) {
	f, _ := os.Open("testdata/customers.csv")
	defer f.Close()
	out, stats := screen(t, "customers.csv", f, FormatCSV, Options{})
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(TableHeader, ",") {
		t.Fatalf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	// One line per match plus one line per row without matches.
	if want := 1 + stats.Matches + (stats.Rows - stats.RowsWithHits); len(recs) != want {
		t.Fatalf("%d lines, want %d (stats %+v)", len(recs), want, stats)
	}
	if l := recs[1]; l[col["id"]] != "C-001" || l[col["rank"]] != "1" || l[col["hits"]] == "0" || !strings.Contains(strings.ToUpper(l[col["listed_name"]]), "HIKVISION") {
		t.Errorf("first line %v: want C-001's best (Hikvision) match", l)
	}
	var acme []string
	for _, l := range recs[1:] {
		if l[col["id"]] == "C-002" {
			acme = l
		}
	}
	if acme == nil || acme[col["hits"]] != "0" || acme[col["list"]] != "" || acme[col["name"]] != "Acme Widgets Incorporated" {
		t.Errorf("C-002 line %v: want hits 0 and empty match columns", acme)
	}
	if s, err := strconv.ParseFloat(recs[1][col["score"]], 64); err != nil || s < match.DefaultThreshold {
		t.Errorf("score %q: %v", recs[1][col["score"]], err)
	}
}

// TestCSVOutputEscapesFormulas: a customer name a spreadsheet would evaluate
// is written with an apostrophe in CSV and verbatim in JSONL.
func TestCSVOutputEscapesFormulas(t *testing.T) {
	in := "id,name\n=1+1,\"=HYPERLINK(\"\"http://evil\"\",\"\"Hikvision\"\")\"\nR2,Hangzhou Hikvision Digital Technology\n"
	out, _ := screen(t, "in.csv", strings.NewReader(in), FormatCSV, Options{})
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if l := recs[1]; l[1] != "'=1+1" || l[2] != `'=HYPERLINK("http://evil","Hikvision")` {
		t.Errorf("row 1 = %q: want id and name prefixed with an apostrophe", l[:3])
	}
	if l := recs[len(recs)-1]; l[1] != "R2" || l[2] != "Hangzhou Hikvision Digital Technology" {
		t.Errorf("last row = %q: plain cells must stay verbatim", l[:3])
	}
	out, _ = screen(t, "in.csv", strings.NewReader(in), FormatJSONL, Options{})
	if !bytes.Contains(out, []byte(`"id":"=1+1"`)) {
		t.Errorf("JSONL must keep the id verbatim: %s", out)
	}
}

func TestXLSXOutput(t *testing.T) {
	f, _ := os.Open("testdata/customers.csv")
	defer f.Close()
	out, stats := screen(t, "customers.csv", f, FormatXLSX, Options{})
	wb, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.GetSheetList(); len(got) != 1 || got[0] != "Screening" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := wb.GetRows("Screening")
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + stats.Matches + (stats.Rows - stats.RowsWithHits); len(rows) != want {
		t.Fatalf("%d lines, want %d", len(rows), want)
	}
	if strings.Join(rows[0], ",") != strings.Join(TableHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][1] != "C-001" || rows[1][7] == "" {
		t.Errorf("first line %v: want C-001 with a match", rows[1])
	}
	// Score is stored as a number, so Excel sorts and filters it as one.
	if typ, _ := wb.GetCellType("Screening", "M2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("score cell type %v, want a number", typ)
	}
	if v, _ := wb.GetCellValue("Screening", "M2"); v == "" {
		t.Error("score cell empty")
	}
	tables, err := wb.GetTables("Screening")
	if err != nil || len(tables) != 1 {
		t.Errorf("tables %v, %v: want the autofilter table", tables, err)
	}
}

// TestOrderManyWorkers checks the re-sequencer: output keeps input order
// with more workers than cores and rows of uneven cost.
func TestOrderManyWorkers(t *testing.T) {
	var in strings.Builder
	in.WriteString("id,name\n")
	names := []string{"Hangzhou Hikvision Digital Technology", "Blue River Bakery", "Huawei Technologies Co Ltd", "x", "Banco Nacional de Cuba"}
	const n = 3000
	for i := range n {
		fmt.Fprintf(&in, "%d,%s\n", i, names[i%len(names)])
	}
	out, stats := screen(t, "in.csv", strings.NewReader(in.String()), FormatJSONL, Options{Workers: 16})
	if stats.Rows != n {
		t.Fatalf("stats %+v", stats)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for i := 0; ; i++ {
		var rec JSONLRecord
		if err := dec.Decode(&rec); err == io.EOF {
			if i != n {
				t.Fatalf("%d records, want %d", i, n)
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if rec.ID != strconv.Itoa(i) || rec.Name != names[i%len(names)] {
			t.Fatalf("record %d is id %s %q: order lost", i, rec.ID, rec.Name)
		}
	}
}

func TestScreenFile(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".jsonl", ".csv", ".xlsx"} {
		out := filepath.Join(dir, "results"+ext)
		stats, err := ScreenFile(context.Background(), testIndex(), "testdata/customers.csv", out, Options{}, nil)
		if err != nil || stats.Rows != 5 {
			t.Fatalf("%s: %+v, %v", ext, stats, err)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v", out, fi, err)
		}
	}

	// A malformed input fails and leaves neither output nor temp file, and
	// an existing output file is left as it was.
	out := filepath.Join(dir, "bad.jsonl")
	_, err := ScreenFile(context.Background(), testIndex(), "testdata/bad_type.csv", out, Options{}, nil)
	if err == nil || !strings.Contains(err.Error(), `row 3: column "type"`) {
		t.Errorf("bad input: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed run left %s", out)
	}
	os.WriteFile(out, []byte("previous\n"), 0o644)
	ScreenFile(context.Background(), testIndex(), "testdata/bad_country.csv", out, Options{}, nil)
	if b, _ := os.ReadFile(out); string(b) != "previous\n" {
		t.Errorf("failed run changed existing output to %q", b)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}

	// Refusals before any work.
	if _, err := ScreenFile(context.Background(), testIndex(), "testdata/customers.csv", filepath.Join(dir, "out.pdf"), Options{}, nil); err == nil || !strings.Contains(err.Error(), `".pdf"`) {
		t.Errorf("pdf output: %v", err)
	}
	self := filepath.Join(dir, "self.csv")
	os.WriteFile(self, []byte("id,name\n1,x\n"), 0o644)
	if _, err := ScreenFile(context.Background(), testIndex(), self, self, Options{}, nil); err == nil || !strings.Contains(err.Error(), "overwrite the input") {
		t.Errorf("in == out: %v", err)
	}
}

func TestCancel(t *testing.T) {
	var in strings.Builder
	in.WriteString("id,name\n")
	for i := range 5000 {
		fmt.Fprintf(&in, "%d,Blue River Bakery %d\n", i, i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := OpenReader("in.csv", strings.NewReader(in.String()))
	w, _ := NewWriter(FormatJSONL, io.Discard)
	stats, err := Run(ctx, testIndex(), r, w, Options{}, func(done, hits int) {
		if done == 100 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || stats.Rows >= 5000 {
		t.Errorf("cancelled run: %+v, %v", stats, err)
	}
}

func TestCountRows(t *testing.T) {
	n, err := CountRows("testdata/bom_crlf_quoted.csv")
	if err != nil || n != 3 {
		t.Errorf("CountRows = %d, %v; want 3", n, err)
	}
	if _, err := CountRows("testdata/bad_type.csv"); err == nil {
		t.Error("CountRows accepted a bad type")
	}
}

// slowFirst is a Searcher that holds row "0" until released, and panics on
// the name "boom".
type slowFirst struct {
	release chan struct{}
}

func (s slowFirst) Search(q match.Query) []clearance.Match {
	switch q.Name {
	case "row 0":
		<-s.release
	case "boom":
		panic("matcher bug")
	}
	return nil
}

// countingReader counts the rows read so far.
type countingReader struct {
	Reader
	mu sync.Mutex
	n  int
}

func (c *countingReader) Read() (Row, error) {
	r, err := c.Reader.Read()
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return r, err
}

func (c *countingReader) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// TestBoundedWindow checks the memory bound: while the first row is stuck,
// the reader stops after a window of 4 × workers rows instead of reading
// (and buffering) the whole file.
func TestBoundedWindow(t *testing.T) {
	var in strings.Builder
	in.WriteString("id,name\n")
	for i := range 1000 {
		fmt.Fprintf(&in, "%d,row %d\n", i, i)
	}
	r, _ := OpenReader("in.csv", strings.NewReader(in.String()))
	cr := &countingReader{Reader: r}
	s := slowFirst{release: make(chan struct{})}
	var out bytes.Buffer
	w, _ := NewWriter(FormatJSONL, &out)
	const workers = 3
	done := make(chan Stats)
	go func() {
		stats, err := Run(context.Background(), s, cr, w, Options{Workers: workers}, nil)
		if err != nil {
			t.Error(err)
		}
		done <- stats
	}()
	// Wait until the reader stalls, then check how far it got.
	prev := -1
	for cr.count() != prev {
		prev = cr.count()
		time.Sleep(50 * time.Millisecond)
	}
	if n := cr.count(); n > 4*workers+1 || n < workers {
		t.Errorf("reader read %d rows while row 0 was stuck; want the window, %d (+1)", n, 4*workers)
	}
	close(s.release)
	if stats := <-done; stats.Rows != 1000 {
		t.Errorf("stats %+v", stats)
	}
	w.Close()
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.Contains(first, `"id":"0"`) {
		t.Errorf("first output line %s", first)
	}
}

func TestMatcherPanicIsAnError(t *testing.T) {
	r, _ := OpenReader("in.csv", strings.NewReader("id,name\n1,fine\n2,boom\n3,fine\n"))
	w, _ := NewWriter(FormatJSONL, io.Discard)
	_, err := Run(context.Background(), slowFirst{}, r, w, Options{}, nil)
	if err == nil || !strings.Contains(err.Error(), `row 3: screening "boom" failed: matcher bug`) {
		t.Errorf("err %v", err)
	}
}

func TestContractOrder(t *testing.T) {
	ms := []clearance.Match{{EntityID: "a", Score: 0.81}, {EntityID: "b", Score: 0.79}, {EntityID: "c", Score: 0.95}, {EntityID: "d", Score: 0.81}}
	got := contractOrder(ms, 0)
	var ids []string
	for _, m := range got {
		ids = append(ids, m.EntityID)
	}
	if strings.Join(ids, ",") != "c,a,d" {
		t.Errorf("got %v, want c,a,d (0.79 dropped, best first, ties kept in order)", ids)
	}
}

// stallingReader returns numbered rows, stalling 100 ms on row 20, and
// records whether Read was called after Run returned.
type stallingReader struct {
	n         int
	runReturn chan struct{}
	late      bool
}

func (r *stallingReader) Read() (Row, error) {
	select {
	case <-r.runReturn:
		r.late = true
	default:
	}
	r.n++
	if r.n == 20 {
		time.Sleep(100 * time.Millisecond)
	}
	return Row{Line: r.n + 1, ID: strconv.Itoa(r.n), Name: "row " + strconv.Itoa(r.n)}, nil
}

func (r *stallingReader) Close() error { return nil }

// TestCancelWhileReading: Run returns only after its reader goroutine is
// done, so a caller may close the reader as soon as Run returns.
func TestCancelWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &stallingReader{runReturn: make(chan struct{})}
	w, _ := NewWriter(FormatJSONL, io.Discard)
	_, err := Run(ctx, slowFirst{release: closedChan()}, r, w, Options{Workers: 2}, func(done, _ int) {
		if done == 10 {
			cancel()
		}
	})
	close(r.runReturn)
	time.Sleep(150 * time.Millisecond)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
	if r.late {
		t.Error("reader was called after Run returned")
	}
}

func closedChan() chan struct{} { c := make(chan struct{}); close(c); return c }
