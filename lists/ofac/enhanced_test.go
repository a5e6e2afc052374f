package ofac

import (
	"archive/zip"
	"bytes"
	"github.com/clearance-oss/clearance/lists/internal/streamtest"
	"io"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

const enhancedZip = "testdata/CONS_ENHANCED.ZIP"

func enhancedXML(t testing.TB) []byte {
	t.Helper()
	zr, err := zip.OpenReader(enhancedZip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "CONS_ENHANCED.XML") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			data, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
	}
	t.Fatal("no CONS_ENHANCED.XML in the zip")
	return nil
}

func readEnhanced(t testing.TB, data []byte) ([]EnhancedRecord, *EnhancedReader) {
	t.Helper()
	r := NewNamedEnhancedReader(bytes.NewReader(data), "CONS_ENHANCED.XML")
	var out []EnhancedRecord
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

func TestSanctionsListsTable(t *testing.T) {
	m, err := parseSanctionsLists(sanctionsListsTSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 8 || m["CAPTA List"] != clearance.CAP || m["Consolidated List"] != "" {
		t.Errorf("table %v", m)
	}
}

func TestReadEnhanced(t *testing.T) {
	recs, r := readEnhanced(t, enhancedXML(t))
	if len(recs) != 443 {
		t.Fatalf("read %d entities, want 443", len(recs))
	}
	if r.DataAsOf() != "2025-01-10T00:00:00" {
		t.Errorf("dataAsOf %q", r.DataAsOf())
	}
	lists := map[clearance.ListCode]int{}
	byID := map[string]clearance.Entity{}
	for _, rec := range recs {
		for _, e := range rec.Entities() {
			lists[e.List]++
			byID[e.ID] = e
		}
	}
	want := map[clearance.ListCode]int{clearance.SSI: 286, clearance.PLC: 78, clearance.SDN: 77, clearance.CMIC: 68,
		clearance.MBS: 12, clearance.CAP: 1, clearance.FSE: 1}
	if !reflect.DeepEqual(lists, want) {
		t.Errorf("list memberships %v, want %v", lists, want)
	}
	hik := byID["cmic-30946"]
	wantHik := clearance.Entity{
		ID: "cmic-30946", List: clearance.CMIC, SourceID: "30946", Type: clearance.Organization,
		Name:      "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
		Aliases:   []string{"HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"},
		Addresses: []clearance.Address{{Full: "555, Qianmo Road, Binjiang District, Hangzhou, 310051, China", Street: "555, Qianmo Road, Binjiang District", City: "Hangzhou", PostalCode: "310051", Country: "CN"}},
		Countries: []string{"CN"}, Programs: []string{"CMIC-EO13959"}, ListedOn: "2021-06-03",
		IDs: []clearance.Identifier{{Type: "Equity Ticker", Number: "002415 CN"}, {Type: "ISIN", Number: "CNE100000PM8"},
			{Type: "Unified Social Credit Code (USCC)", Number: "91330000733796106P", Country: "CN"}},
		SourceURL: NonSDNURL,
	}
	if !reflect.DeepEqual(hik, wantHik) {
		t.Errorf("30946\n got %+v\nwant %+v", hik, wantHik)
	}
	haniya := byID["plc-9639"]
	if haniya.Name != "HANIYA, Ismail Abdul Salah" || haniya.Type != clearance.Person || haniya.ListedOn != "2006-04-12" ||
		!reflect.DeepEqual(haniya.BirthDates, []string{"1962"}) || !reflect.DeepEqual(haniya.BirthPlaces, []string{"Shati"}) ||
		!reflect.DeepEqual(haniya.Aliases, []string{"HANIYA, Ismail", "HANIYYA, Ismaeel"}) {
		t.Errorf("9639: %+v", haniya)
	}
}

// The enhanced export names each entry's lists; the legacy cons_prim.csv
// only its programs. Every legacy entry's list from programs.tsv is one of
// the lists the enhanced export gives the same ent_num.
func TestLegacyListsAgreeWithEnhanced(t *testing.T) {
	recs, _ := readEnhanced(t, enhancedXML(t))
	on := map[string]map[clearance.ListCode]bool{}
	for _, rec := range recs {
		on[rec.ID] = map[clearance.ListCode]bool{}
		for _, e := range rec.Entities() {
			on[rec.ID][e.List] = true
		}
	}
	agree, disagree, missing := 0, 0, 0
	for _, rec := range readAll(t, consFiles, true) {
		l, ok := on[rec.EntNum]
		switch {
		case !ok:
			missing++
		case l[rec.List]:
			agree++
		default:
			disagree++
			t.Logf("ent_num %s %v: legacy says %s, enhanced %v", rec.EntNum, rec.Programs, rec.List, l)
		}
	}
	t.Logf("%d agree, %d disagree, %d not in the enhanced export", agree, disagree, missing)
	if disagree != 0 || agree != 442 {
		t.Errorf("%d agree, %d disagree", agree, disagree)
	}
}

func TestEnhancedMalformed(t *testing.T) {
	root := `<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"><entities>`
	for _, tc := range []struct{ in, want string }{
		{"", "no <sanctionsData>"},
		{"<x/>", "root element is <x>"},
		{root + `<entity id="1"><names></names></entity>`, `entity 1: field "names": no primary name`},
		{root + `<entity id="1"><sanctionsLists><sanctionsList>Moon List</sanctionsList></sanctionsLists><names><name><isPrimary>true</isPrimary><translations><translation><isPrimary>true</isPrimary><formattedFullName>X</formattedFullName></translation></translations></name></names></entity>`, `unknown OFAC list "Moon List"`},
		{root + "<entity id=\"1\">\n<names>", "line 2"},
	} {
		r := NewNamedEnhancedReader(strings.NewReader(tc.in), "e.xml")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "ofac: e.xml: ") {
			t.Errorf("input %.60q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func FuzzEnhancedReader(f *testing.F) {
	data := enhancedXML(f)
	head := data[:bytes.Index(data, []byte("<entities>"))+len("<entities>")]
	rest := data
	for i := 0; ; i++ {
		s := bytes.Index(rest, []byte("<entity id="))
		e := bytes.Index(rest, []byte("</entity>"))
		if s < 0 || e < s {
			break
		}
		if i%60 == 0 {
			f.Add(append(append(append([]byte{}, head...), rest[s:e+len("</entity>")]...), "</entities></sanctionsData>"...))
		}
		rest = rest[e+len("</entity>"):]
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewEnhancedReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			for _, e := range rec.Entities() {
				if e.Name == "" || e.ID == "" || e.List == "" {
					t.Fatalf("bad entity %+v", e)
				}
			}
		}
	})
}

// TestEnhancedStreamingMemory reads the export's entities 6 times over as
// one stream (20 MB) and checks the live heap stays small.
func TestEnhancedStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 20 MB")
	}
	data := enhancedXML(t)
	open := bytes.Index(data, []byte("<entities>")) + len("<entities>")
	end := bytes.LastIndex(data, []byte("</entities>"))
	parts := []io.Reader{bytes.NewReader(data[:open])}
	for i := 0; i < 6; i++ {
		parts = append(parts, bytes.NewReader(data[open:end]))
	}
	parts = append(parts, bytes.NewReader(data[end:]))
	r := NewEnhancedReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, 6*443, 500, 6*(end-open))
}
