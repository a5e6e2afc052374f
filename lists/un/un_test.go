package un

import (
	"bytes"
	"compress/gzip"
	"github.com/clearance-oss/clearance/lists/internal/streamtest"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

const officialXML = "testdata/UN_consolidated_2026-02-27.xml.gz"

func fileBytes(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open(officialXML)
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

func readAll(t testing.TB, data []byte) ([]Record, *Reader) {
	t.Helper()
	r := NewNamedReader(bytes.NewReader(data), "UN_consolidated_2026-02-27.xml")
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, r
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestReadOfficialXML(t *testing.T) {
	recs, r := readAll(t, fileBytes(t))
	kinds := map[string]int{}
	programs := map[string]int{}
	for _, rec := range recs {
		kinds[rec.Kind]++
		programs[rec.UNListType]++
	}
	if kinds["INDIVIDUAL"] != 730 || kinds["ENTITY"] != 273 {
		t.Errorf("kinds %v, want 730 INDIVIDUAL and 273 ENTITY", kinds)
	}
	if programs["Al-Qaida"] != 341 || programs["DPRK"] != 155 || programs["Taliban"] != 140 {
		t.Errorf("programs %v", programs)
	}
	if r.DateGenerated() != "2026-02-27T00:00:09.554Z" {
		t.Errorf("dateGenerated %q", r.DateGenerated())
	}
}

func TestEntities(t *testing.T) {
	recs, _ := readAll(t, fileBytes(t))
	byRef := map[string]clearance.Entity{}
	types := map[clearance.EntityType]int{}
	for _, rec := range recs {
		e := rec.Entity()
		if _, dup := byRef[e.ID]; dup {
			t.Errorf("duplicate id %s", e.ID)
		}
		byRef[e.ID] = e
		types[e.Type]++
	}
	if types[clearance.Person] != 730 || types[clearance.Organization] != 273 {
		t.Errorf("types %v", types)
	}
	ri := byRef["un-kpi.033"]
	want := clearance.Entity{
		ID: "un-kpi.033", List: clearance.UN, SourceID: ri.SourceID, Type: clearance.Person, Name: "RI WON HO",
		Programs: []string{"DPRK"}, ListedOn: "2016-11-30",
		Title:         "DPRK Ministry of State Security Official",
		Remarks:       "Ri Won Ho is a DPRK Ministry of State Security Official stationed in Syria supporting KOMID.",
		BirthDates:    []string{"1964-07-17"},
		Nationalities: []string{"KP"},
		IDs:           []clearance.Identifier{{Type: "Passport", Number: "381310014"}},
		SourceURL:     SourceURL,
	}
	if !reflect.DeepEqual(ri, want) {
		t.Errorf("KPi.033\n got %+v\nwant %+v", ri, want)
	}
	adf := byRef["un-cde.001"]
	if adf.Name != "ADF" || adf.Type != clearance.Organization || adf.ListedOn != "2014-06-30" ||
		!reflect.DeepEqual(adf.Aliases[:2], []string{"Allied Democratic Forces", "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda"}) ||
		!reflect.DeepEqual(adf.Countries, []string{"CD"}) {
		t.Errorf("CDe.001: %+v", adf)
	}
	gaston := byRef["un-cdi.003"]
	if !reflect.DeepEqual(gaston.Aliases, []string{"Byiringiro Victor Rumuli", "Victor Rumuri", "Michel Byiringiro"}) ||
		!strings.Contains(gaston.Remarks, "Low quality a.k.a.: Rumuli") ||
		!reflect.DeepEqual(gaston.BirthDates, []string{"1948"}) || gaston.BirthPlaces[0] != "Musanze District, Northern Province, Rwanda" {
		t.Errorf("CDi.003: %+v", gaston)
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no <CONSOLIDATED_LIST>"},
		{"<FOO/>", "root element is <FOO>"},
		{"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>\n<FIRST_NAME>X</FIRST_NAME>", "line 2: in <INDIVIDUAL> starting on line 1"},
		{"<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><REFERENCE_NUMBER>QDe.1</REFERENCE_NUMBER></ENTITY>", `<ENTITY> QDe.1: field "FIRST_NAME": empty name`},
		{"<CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>X</FIRST_NAME></ENTITY>", `field "REFERENCE_NUMBER"`},
		{"<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>X</FIRST_NAME><LISTED_ON>1/2/2003</LISTED_ON></ENTITY>", `field "LISTED_ON": "1/2/2003" is not YYYY-MM-DD`},
	} {
		r := NewNamedReader(strings.NewReader(tc.in), "un.xml")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "un: un.xml: ") {
			t.Errorf("input %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

// TestStreamingMemory reads a list of 10 copies of the file's records as
// one stream and checks the heap stays far below the stream's size.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 20 MB")
	}
	data := fileBytes(t)
	open := bytes.Index(data, []byte("<INDIVIDUALS>"))
	end := bytes.LastIndex(data, []byte("</CONSOLIDATED_LIST>"))
	body := data[open:end]
	const copies = 10
	parts := []io.Reader{bytes.NewReader(data[:open])}
	for i := 0; i < copies; i++ {
		parts = append(parts, bytes.NewReader(body))
	}
	parts = append(parts, strings.NewReader("</CONSOLIDATED_LIST>"))
	r := NewReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, copies*1003, 2000, copies*len(body))
}

func BenchmarkReader(b *testing.B) {
	data := fileBytes(b)
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
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1003), "ns/record")
}

func FuzzReader(f *testing.F) {
	data := fileBytes(f)
	head := data[:bytes.Index(data, []byte("<INDIVIDUALS>"))]
	// Seed with a few real records, each wrapped in the real root element.
	for _, tag := range []string{"INDIVIDUAL", "ENTITY"} {
		open, closing := []byte("<"+tag+">"), []byte("</"+tag+">")
		rest := data
		for i := 0; ; i++ {
			s := bytes.Index(rest, open)
			e := bytes.Index(rest, closing)
			if s < 0 || e < s {
				break
			}
			if i%100 == 0 {
				rec := rest[s : e+len(closing)]
				f.Add(append(append(append([]byte{}, head...), rec...), "</CONSOLIDATED_LIST>"...))
			}
			rest = rest[e+len(closing):]
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if e := rec.Entity(); e.Name == "" || e.ID == "" {
				t.Fatalf("entity without name or id: %+v", e)
			}
		}
	})
}
