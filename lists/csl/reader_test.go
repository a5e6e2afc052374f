package csl

import (
	"bytes"
	"compress/gzip"
	"github.com/clearance-oss/clearance/lists/internal/streamtest"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

const (
	csv2022  = "testdata/consolidated_2022-04-21.csv.gz"
	csv2025  = "testdata/csl_sample_2025_format_13rows.csv"
	jsonFile = "testdata/consolidated_excerpt_2022-04-21.json"
)

func gunzip(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var (
	once2022 sync.Once
	recs2022 []Record
)

// records2022 reads the 2022 file once for the tests that only look at
// its records (TestRead2022 reads it itself, to check the reader).
func records2022(t testing.TB) []Record {
	t.Helper()
	once2022.Do(func() { recs2022 = drain(t, NewReader(bytes.NewReader(gunzip(t, csv2022)))) })
	if recs2022 == nil {
		t.Fatal("reading the 2022 file failed in an earlier test")
	}
	return recs2022
}

type nexter interface{ Next() (Record, error) }

func drain(t testing.TB, r nexter) []Record {
	t.Helper()
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestRead2022(t *testing.T) {
	r := NewNamedReader(bytes.NewReader(gunzip(t, csv2022)), "consolidated.csv")
	recs := drain(t, r)
	if r.Dialect() != Dialect2022 {
		t.Errorf("dialect %v, want 2022", r.Dialect())
	}
	if len(recs) != 14160 {
		t.Fatalf("read %d records, want 14160", len(recs))
	}
	counts := map[clearance.ListCode]int{}
	for _, rec := range recs {
		counts[rec.List]++
	}
	want := map[clearance.ListCode]int{
		clearance.SDN: 10026, clearance.EL: 2001, clearance.DTC: 727, clearance.DPL: 462, clearance.SSI: 290,
		clearance.UVL: 201, clearance.ISN: 163, clearance.PLC: 78, clearance.MEU: 71, clearance.CMIC: 68,
		clearance.CAP: 53, clearance.MBS: 17, clearance.FSE: 3,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("per-list counts\n got %v\nwant %v", counts, want)
	}

	var hik, hikCMIC Record
	for _, rec := range recs {
		if rec.Name == "Hangzhou Hikvision Digital Technology Co., Ltd." && rec.List == clearance.EL {
			hik = rec
		}
		if rec.EntityNumber == "30946" {
			hikCMIC = rec
		}
	}
	e := hik.Entity()
	if e.List != clearance.EL || e.Type != clearance.Organization || !e.TypeInferred ||
		e.ListedOn != "2019-10-09" || !reflect.DeepEqual(e.Aliases, []string{"Hikvision"}) ||
		!reflect.DeepEqual(e.Countries, []string{"CN"}) || len(e.Addresses) != 3 ||
		e.Addresses[0].Street != "No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052" ||
		e.LicenseRequirement != "For all items subject to the EAR.  (See §744.11 of the EAR)" ||
		!strings.HasPrefix(e.LicensePolicy, "Case-by-case review for ECCNs 1A004.c") ||
		len(e.Citations) != 2 || e.Citations[0].Cite != "84 FR 54002" || e.Citations[1].Cite != "85 FR 44159" ||
		!strings.HasPrefix(e.ID, "el-cn-") {
		t.Errorf("Hikvision (EL): %+v", e)
	}
	c := hikCMIC.Entity()
	if c.ID != "cmic-30946" || c.Name != "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." || c.Type != clearance.Organization ||
		c.TypeInferred || !reflect.DeepEqual(c.Programs, []string{"CMIC-EO13959"}) ||
		!reflect.DeepEqual(c.Aliases, []string{"HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"}) {
		t.Errorf("Hikvision (CMIC): %+v", c)
	}
	if c.IDs[0] != (clearance.Identifier{Type: "Unified Social Credit Code (USCC)", Number: "91330000733796106P", Country: "CN"}) {
		t.Errorf("Hikvision (CMIC) first id %+v", c.IDs[0])
	}
}

func TestEntities2022(t *testing.T) {
	recs := records2022(t)
	types := map[clearance.EntityType]int{}
	ids := map[string]int{}
	byName := map[string]clearance.Entity{}
	for _, rec := range recs {
		e := rec.Entity()
		types[e.Type]++
		ids[e.ID]++
		byName[e.Name] = e
		if strings.Contains(e.Name, "?") {
			t.Errorf("line %d: name %q still has '?'", rec.Line, e.Name)
		}
	}
	t.Logf("types %v", types)
	if testing.Verbose() {
		for _, rec := range recs {
			if e := rec.Entity(); e.Type == clearance.Unknown {
				t.Logf("unknown: %s %q", e.List, e.Name)
			}
		}
	}
	if types[clearance.Person] < 5286 || types[clearance.Organization] < 4533 || types[clearance.Vessel] != 433 || types[clearance.Aircraft] != 283 {
		t.Errorf("types %v", types)
	}
	if types[clearance.Unknown] > 500 {
		t.Errorf("%d entries of unknown type: inference is too weak", types[clearance.Unknown])
	}
	dups := 0
	for _, n := range ids {
		if n > 1 {
			dups += n - 1
		}
	}
	// The same party at several addresses (DPL, DTC) derives one id; the
	// snapshot resolves these with lists.AssignUniqueIDs.
	if dups > 200 {
		t.Errorf("%d derived ids collide", dups)
	}
	abd := byName["'ABD AL-NASIR, Hajji"]
	if abd.ID != "sdn-26095" || abd.Type != clearance.Person || !reflect.DeepEqual(abd.BirthDates, []string{"1967", "1966", "1968"}) ||
		!reflect.DeepEqual(abd.Nationalities, []string{"IQ"}) || abd.BirthPlaces[0] != "Tall 'Afar, Iraq" ||
		!reflect.DeepEqual(abd.Aliases, []string{"ABDELNASSER, Hajji", "ABD AL-NASR, Hajji", "AL-KHUWAYT, Taha"}) {
		t.Errorf("'ABD AL-NASIR: %+v", abd)
	}
	if v := byName["7-28"]; v.Type != clearance.Vessel || v.Vessel == nil || v.Vessel.Flag != "Democratic People's Republic of Korea" {
		t.Errorf("vessel 7-28: %+v", v)
	}
	if d := byName["Donetsk People's Republic"]; d.List == "" {
		t.Errorf("the '?'-damaged name was not repaired")
	}
}

func TestRead2025Dialect(t *testing.T) {
	f, err := os.Open(csv2025)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewNamedReader(f, csv2025)
	recs := drain(t, r)
	if r.Dialect() != Dialect2025 {
		t.Errorf("dialect %v, want 2025", r.Dialect())
	}
	if len(recs) != 13 {
		t.Fatalf("read %d records, want 13", len(recs))
	}
	lists := map[clearance.ListCode]int{}
	for _, rec := range recs {
		lists[rec.List]++
	}
	for _, l := range []clearance.ListCode{clearance.SSI, clearance.PLC, clearance.ISN, clearance.UVL, clearance.MEU,
		clearance.SDN, clearance.DTC, clearance.DPL, clearance.FSE, clearance.EL} {
		if lists[l] == 0 {
			t.Errorf("no %s record in the 2025 sample", l)
		}
	}
	isn := recs[0].Entity()
	if isn.List != clearance.ISN || isn.Name != "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof" ||
		isn.Aliases[0] != "Sinobright Import and Export Company" || isn.ListedOn != "2023-07-19" || isn.Type != clearance.Organization ||
		!reflect.DeepEqual(isn.Programs, []string{"INKSNA"}) {
		t.Errorf("ISN row: %+v", isn)
	}
	rim := recs[4].Entity()
	if rim.ID != "sdn-52291" || rim.Name != "RIM, Ryong Nam" || rim.Type != clearance.Person ||
		!reflect.DeepEqual(rim.BirthDates, []string{"1978-12-05"}) || !reflect.DeepEqual(rim.Countries, []string{"CN", "KP"}) ||
		rim.IDs[0] != (clearance.Identifier{Type: "Passport", Number: "836238033", Country: "KP"}) {
		t.Errorf("SDN row: %+v", rim)
	}
	uvl := recs[1].Entity()
	if uvl.Addresses[0].Street != "Komitas 26/114, Yerevan, Armenia" || uvl.Addresses[0].Country != "AM" {
		t.Errorf("UVL address %+v", uvl.Addresses)
	}
}

func TestReadJSON(t *testing.T) {
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	recs := drain(t, NewNamedJSONReader(bytes.NewReader(data), jsonFile))
	if len(recs) != 16 {
		t.Fatalf("read %d records, want 16", len(recs))
	}
	// The same entries as in the CSV map to the same entities.
	csvRecs := records2022(t)
	byID := map[string]Record{}
	for _, r := range csvRecs {
		byID[r.ID+"|"+r.Source] = r
	}
	for _, j := range recs {
		c, ok := byID[j.ID+"|"+j.Source]
		if !ok {
			t.Errorf("JSON id %s not in the CSV", j.ID)
			continue
		}
		je, ce := j.Entity(), c.Entity()
		if je.ID != ce.ID || je.Name != ce.Name || je.Type != ce.Type || !reflect.DeepEqual(je.Aliases, ce.Aliases) ||
			!reflect.DeepEqual(je.Countries, ce.Countries) || !reflect.DeepEqual(je.BirthDates, ce.BirthDates) ||
			!reflect.DeepEqual(je.Citations, ce.Citations) || len(je.IDs) != len(ce.IDs) {
			t.Errorf("entry %s: JSON and CSV disagree\njson %+v\n csv %+v", j.ID, je, ce)
		}
	}
	// A bare top-level array is read the same way.
	i := bytes.Index(data, []byte(`"results": [`))
	bare := bytes.TrimSuffix(bytes.TrimSpace(data[i+len(`"results": `):]), []byte("}"))
	if got := drain(t, NewJSONReader(bytes.NewReader(bare))); len(got) != 16 || got[0].Name != recs[0].Name {
		t.Errorf("bare array: %d records", len(got))
	}
}

func TestMalformed(t *testing.T) {
	hdr := strings.Join(Columns, ",") + "\n"
	row := func(source, typ, name string) string {
		f := make([]string, len(Columns))
		f[1], f[3], f[5] = source, typ, name
		return strings.Join(f, ",") + "\n"
	}
	for _, tc := range []struct{ in, want string }{
		{"", "empty file"},
		{"a,b\n", `header has no "source" column`},
		{hdr + row("Nowhere List (NL)", "", "X"), `line 2: field "source": unknown list source`},
		{hdr + row("EL", "", ""), `line 2: field "name": empty`},
		{hdr + row("EL", "Robot", "X"), `line 2: field "type": unknown entity type "Robot"`},
		{hdr + "a,b\n", "line 2: 2 fields, want 29"},
		{hdr + `"x` + "\n", "line 2, column"},
		{"source,name,source\nEL,X,EL\n", `line 1: column "source" appears twice (columns 1 and 3)`},
		// Unnamed columns count: a row must have as many fields as the header.
		{",source,,name\n,EL,X\n", "line 2: 3 fields, want 4"},
	} {
		r := NewNamedReader(strings.NewReader(tc.in), "c.csv")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "csl: c.csv: ") {
			t.Errorf("CSV %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "want { or ["},
		{`"x"`, "top level is x"},
		{`{"total":1}`, `no "results" array`},
		{`{"results":{}}`, `"results" is {, want an array`},
		{`[{"source":"EL","name":"X"},{"source":"EL","name":""}]`, `entry 2 (id ""): field "name": empty`},
		{`[{"source":"EL","name":{"a":1}}]`, "entry 1"},
		{`[{"source":"EL","name":"X"}`, "want ]"},
	} {
		r := NewNamedJSONReader(strings.NewReader(tc.in), "c.json")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "csl: c.json: ") {
			t.Errorf("JSON %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

// TestStreamingMemory reads the 2022 file (5.8 MB) four times over as one
// stream and checks the live heap stays a small fraction of it.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 23 MB")
	}
	data := gunzip(t, csv2022)
	body := data[bytes.IndexByte(data, '\n')+1:]
	parts := []io.Reader{bytes.NewReader(data)}
	for i := 0; i < 3; i++ {
		parts = append(parts, bytes.NewReader(body))
	}
	r := NewReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, 4*14160, 5000, 4*len(data))
}

func BenchmarkRead2022(b *testing.B) {
	data := gunzip(b, csv2022)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			_ = rec.Entity()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*14160), "ns/record")
}

func FuzzReader(f *testing.F) {
	data := gunzip(f, csv2022)
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, i := range []int{1, 2, 500, 5000, 9000, 12000, 14000} {
		f.Add(append(append([]byte{}, lines[0]...), lines[i]...))
	}
	s2025, err := os.ReadFile(csv2025)
	if err != nil {
		f.Fatal(err)
	}
	l25 := bytes.SplitAfter(s2025, []byte("\n"))
	for _, i := range []int{1, 5, 9} {
		f.Add(append(append([]byte{}, l25[0]...), l25[i]...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if e := rec.Entity(); e.Name == "" || e.ID == "" || e.List == "" {
				t.Fatalf("bad entity %+v from %+v", e, rec)
			}
		}
	})
}

func FuzzJSONReader(f *testing.F) {
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"source":"EL","name":"X","entity_number":12,"alt_names":"a; b","addresses":[{"country":"CN"}]}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewJSONReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if e := rec.Entity(); e.Name == "" || e.ID == "" {
				t.Fatalf("bad entity %+v", e)
			}
		}
	})
}
