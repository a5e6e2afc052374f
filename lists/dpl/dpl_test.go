package dpl

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"github.com/clearance-oss/clearance/lists/internal/streamtest"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/csl"
)

const officialCSV = "testdata/dpl_04142026.csv"

func readAll(t testing.TB, name string) []Record {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewNamedReader(f, name)
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

func TestReadOfficialCSV(t *testing.T) {
	recs := readAll(t, officialCSV)
	if len(recs) != 564 {
		t.Fatalf("read %d records, want 564", len(recs))
	}
	denial := map[string]int{}
	newest := ""
	for _, r := range recs {
		denial[r.TypeOfDenial]++
		if r.EffectiveDate > newest {
			newest = r.EffectiveDate
		}
	}
	if want := map[string]int{"Standard": 559, "Non-Standard": 3, "": 2}; !reflect.DeepEqual(denial, want) {
		t.Errorf("type of denial counts %v, want %v", denial, want)
	}
	if newest != "2026-03-26" {
		t.Errorf("newest effective date %s, want 2026-03-26", newest)
	}
	first := recs[0]
	want := Record{Line: 2, NameAndAddress: "ADT ANALOG AND DIGITAL TECHNIK, 8019 NIEDERSEEON, HOUSE 21, , , DE, ",
		Name: "ADT ANALOG AND DIGITAL TECHNIK", Street: "8019 NIEDERSEEON, HOUSE 21", Country: "DE",
		EffectiveDate: "1981-09-10", FRCitations: "46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81", TypeOfDenial: "Standard"}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("first record\n got %+v\nwant %+v", first, want)
	}
	byName := map[string]Record{}
	for _, r := range recs {
		byName[r.Name] = r
	}
	for _, tc := range []struct{ name, street, city, state, country, postal, eff, exp string }{
		{"THANE-COAT, INC", "12725 ROYAL DRIVE", "STAFFORD", "TX", "US", "77477", "2002-01-24", "2027-01-24"},
		{"JOEL PRADO, JR.", "INMATNED NUMBERR: 16443-479, USP BEAUMONT, U.S. PENITENTIARY, P.O. BOX 26030", "BEAUMONT", "TX", "US", "77720", "", ""},
		{"SHUTTLE LONG CO, LTD.", "KA WAH BANK CENTER BUILDING 19TH FLOOR, DES VOEUX ROAD, CENTRAL", "HONG KONG", "", "CN", "", "1984-12-06", ""},
		{"PRINCE BEDIAKO", "3790 LONGVIEW DRIVE", "DOUGLASVILLE", "GA", "US", "30135-1370", "2025-08-26", "2030-12-05"},
		// A person written surname first, before a street address.
		{"JIN, ZHONGDA", "1895 DOBBIN DRIVE, SUITE B", "SAN JOSE", "CA", "US", "95133", "2001-07-31", "2026-07-31"},
		{"USGOBUY, LLC", "6804 NE 79TH CT, BUILDING A", "PORTLAND", "OR", "US", "97218", "", ""},
	} {
		r, ok := byName[tc.name]
		if !ok {
			t.Errorf("no record named %q", tc.name)
			continue
		}
		if r.Street != tc.street || r.City != tc.city || r.State != tc.state || r.Country != tc.country || r.PostalCode != tc.postal {
			t.Errorf("%s: address %q|%q|%q|%q|%q", tc.name, r.Street, r.City, r.State, r.Country, r.PostalCode)
		}
		if tc.eff != "" && (r.EffectiveDate != tc.eff || r.ExpirationDate != tc.exp) {
			t.Errorf("%s: dates %s..%s, want %s..%s", tc.name, r.EffectiveDate, r.ExpirationDate, tc.eff, tc.exp)
		}
	}
}

// The name split agrees with an independent parse of the same file
// (phagehunter/nsfreg bis_dpl.json, see testdata/SOURCE.txt).
func TestNamesAgreeWithIndependentParse(t *testing.T) {
	data, err := os.ReadFile("testdata/bis_dpl_derived_names.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, officialCSV)
	if len(names) != len(recs) {
		t.Fatalf("%d derived names, %d records", len(names), len(recs))
	}
	// We keep legal forms after a comma ("THANE-COAT, INC") and the
	// embedded a.k.a. ("FUYI SUN A/K/A FRANK SUN") in the name; the
	// independent parse drops them. It also cuts "JIN, ZHONGDA, 1895 DOBBIN
	// DRIVE" after "JIN"; we keep the person's given name. Any other
	// difference is a bug.
	explained := 0
	for i, r := range recs {
		theirs := names[i]
		if r.Name == theirs {
			continue
		}
		ours := strings.Join(strings.Fields(r.Name), " ")
		e := r.Entity()
		switch {
		case ours == theirs, strings.HasPrefix(ours, theirs+", ") && lists.IsLegalForm(ours[len(theirs)+2:]),
			len(e.Aliases) > 0 && e.Aliases[0] == theirs, strings.HasPrefix(ours, theirs) && strings.Contains(ours, "(MNC GROUP"),
			ours == "JIN, ZHONGDA" && theirs == "JIN":
			explained++
		default:
			t.Errorf("line %d: we say %q, the independent parse %q", r.Line, r.Name, theirs)
		}
	}
	if explained != 32 {
		t.Errorf("%d explained differences, want 32", explained)
	}
}

func TestEntity(t *testing.T) {
	recs := readAll(t, officialCSV)
	es := make([]clearance.Entity, len(recs))
	types := map[clearance.EntityType]int{}
	for i, r := range recs {
		es[i] = r.Entity()
		types[es[i].Type]++
		if es[i].Name == "" || es[i].ListedOn == "" || len(es[i].Citations) == 0 {
			t.Errorf("line %d: incomplete entity %+v", r.Line, es[i])
		}
	}
	t.Logf("types: %v", types)
	if types[clearance.Person] < 400 || types[clearance.Organization] < 50 {
		t.Errorf("types %v: want at least 400 people and 50 organizations", types)
	}
	lists.AssignUniqueIDs(es)
	seen := map[string]bool{}
	for _, e := range es {
		if seen[e.ID] {
			t.Errorf("duplicate id %s", e.ID)
		}
		seen[e.ID] = true
	}
	var tc clearance.Entity
	for _, e := range es {
		if e.Name == "THANE-COAT, INC" {
			tc = e
		}
	}
	if tc.Type != clearance.Organization || !tc.TypeInferred || tc.EndDate != "2027-01-24" || tc.Countries[0] != "US" {
		t.Errorf("THANE-COAT: %+v", tc)
	}
	if len(tc.Citations) != 8 || tc.Citations[0] != (clearance.Citation{Text: "67 F.R. 7351 2/19/02", Cite: "67 FR 7351", Date: "2002-02-19"}) {
		t.Errorf("THANE-COAT citations: %+v", tc.Citations)
	}
	if !strings.HasPrefix(tc.ID, "dpl-us-") {
		t.Errorf("THANE-COAT id %s", tc.ID)
	}
}

func TestEmbeddedAliases(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"PEARL (A.K.A. NEI-CHIEN CHU) LI", []string{"PEARL LI", "NEI-CHIEN CHU"}},
		{"FUYI SUN A/K/A FRANK SUN", []string{"FUYI SUN", "FRANK SUN"}},
		{"SIBERIAN AIRLINES D/B/A S7 AIRLINES", []string{"SIBERIAN AIRLINES", "S7 AIRLINES"}},
		{"ANDREE AGNESE", nil},
	} {
		if got := embeddedAliases(tc.name); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("embeddedAliases(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseCitations(t *testing.T) {
	got := ParseCitations("46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81")
	want := []clearance.Citation{
		{Text: "46 F.R. 46154 9/17/81", Cite: "46 FR 46154", Date: "1981-09-17"},
		{Text: "46 F.R. 19290 3/30/81", Cite: "46 FR 19290", Date: "1981-03-30"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	for _, tc := range []struct{ in, cite, date string }{
		{"90 F.R. 41979 8/28/2025", "90 FR 41979", "2025-08-28"},
		{"77 F.R.99999 9/14/2012", "77 FR 99999", "2012-09-14"},
		{"77 99999 12/1/2012", "77 FR 99999", "2012-12-01"},
		{"77 F.R. 99999, 9/14/2012", "77 FR 99999", "2012-09-14"},
		{"80 F.R. 99999 12/142/2015", "80 FR 99999", ""},
		{"80 F.R. 99999 9//14/2015", "80 FR 99999", "2015-09-14"},
	} {
		got := ParseCitations(tc.in)
		if len(got) != 1 || got[0].Cite != tc.cite || got[0].Date != tc.date {
			t.Errorf("ParseCitations(%q) = %+v, want cite %q date %q", tc.in, got, tc.cite, tc.date)
		}
	}
	if got := ParseCitations("NEW F.R. NOTICE TO BE PUBLISHED SOON"); len(got) != 1 || got[0].Cite != "" {
		t.Errorf("got %+v", got)
	}
}

func TestMalformed(t *testing.T) {
	hdr := "\ufeff" + strings.Join(Header, ",") + "\r\n"
	for _, tc := range []struct{ in, want string }{
		{"", "empty file"},
		{"a,b\n", "header has 2 columns"},
		{hdr + `"X, CITY, , US, 1",13/45/2020,,,Standard` + "\n", `line 2: field "Effective_Date": date "13/45/2020"`},
		{hdr + `"X, CITY",1/2/2020,,,Standard` + "\n", `line 2: field "Name_and_Address"`},
		{hdr + `"X, A, B, USA, 1",1/2/2020,,,Standard` + "\n", `not an ISO-2 code`},
		{hdr + `"X, A, B, US, 1",1/2/2020,,Standard` + "\n", `line 2: 4 fields, want 5`},
		{hdr + `"X, A, B, US, 1,1/2/2020,,,Standard` + "\n", `extraneous or missing " in quoted-field`},
	} {
		r := NewNamedReader(strings.NewReader(tc.in), "dpl.csv")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "dpl") {
			t.Errorf("input %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

// Memory does not grow with the file: reading the file 50 times over as
// one stream allocates per record, not per file.
func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile(officialCSV)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 564 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*564), "ns/record")
}

func FuzzReader(f *testing.F) {
	data, err := os.ReadFile(officialCSV)
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	hdr := lines[0]
	for _, i := range []int{1, 2, 10, 100, 300, 563} {
		f.Add(append(append([]byte{}, hdr...), lines[i]...))
	}
	f.Add([]byte(strings.Join(Header, ",") + "\n\"A, B, C, US, 1\",1/1/2000,,,\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			e := rec.Entity()
			if e.Name == "" {
				t.Fatalf("record without a name: %+v", rec)
			}
		}
	})
}

// TestIDsStableAcrossRefreshes measures the stable-id promise on real data:
// the DPL as the 2022-04-21 CSL carried it and the official DPL file of
// 2026-04-14 are four years apart; every party on both must get the same
// id from both readers (lists.StableID of name and country).
func TestIDsStableAcrossRefreshes(t *testing.T) {
	f, err := os.Open("../csl/testdata/consolidated_2022-04-21.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]string{} // id -> name, 2022
	r := csl.NewReader(zr)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.List == clearance.DPL {
			e := rec.Entity()
			old[e.ID] = e.Name
		}
	}
	newIDs := map[string]bool{}
	newNames := map[string]bool{}
	for _, rec := range readAll(t, officialCSV) {
		e := rec.Entity()
		newIDs[e.ID] = true
		newNames[lists.NormalizeName(e.Name)] = true
	}
	kept, onBoth := 0, 0
	for id, name := range old {
		if !newNames[lists.NormalizeName(name)] {
			continue // delisted since 2022 (orders expire)
		}
		onBoth++
		if newIDs[id] {
			kept++
		} else {
			t.Logf("id of %q changed", name)
		}
	}
	t.Logf("%d distinct 2022 DPL ids, %d of their parties still listed in 2026, %d kept their id", len(old), onBoth, kept)
	if onBoth != 258 || kept != 254 { // the 4 others: BIS corrected the country (RS to RU) or the ZIP
		t.Errorf("%d of %d parties on both lists kept their id", kept, onBoth)
	}
}

func readLegacy(t testing.TB) []Record {
	t.Helper()
	f, err := os.Open("testdata/dpl_legacy-format_2023-11.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := NewNamedLegacyReader(zr, "dpl.txt")
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

func TestReadLegacy(t *testing.T) {
	recs := readLegacy(t)
	if len(recs) != 665 {
		t.Fatalf("read %d records, want 665", len(recs))
	}
	newest, noCountry := "", 0
	for _, r := range recs {
		newest = max(newest, r.EffectiveDate)
		if r.Country == "" {
			noCountry++
		}
	}
	if newest != "2023-11-16" {
		t.Errorf("newest effective date %s, want 2023-11-16", newest)
	}
	t.Logf("%d rows without a country after the US state rule", noCountry)
	want := Record{Line: 2, Name: "I. ASH", Street: "UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175",
		City: "SEAGOVILLE", State: "TX", Country: "US", PostalCode: "75159", EffectiveDate: "2003-06-19", ExpirationDate: "2056-06-29",
		TypeOfDenial: "Standard", LastUpdate: "2007-01-31", Action: "FEDERAL REGISTER NOTICE UPDATED",
		FRCitations: "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07"}
	if !reflect.DeepEqual(recs[0], want) {
		t.Errorf("first record\n got %+v\nwant %+v", recs[0], want)
	}
	e := recs[0].Entity()
	if len(e.Citations) != 3 || e.Citations[2] != (clearance.Citation{Text: "72 F.R. 4236 1/30/07", Cite: "72 FR 4236", Date: "2007-01-30"}) || e.Type != clearance.Person {
		t.Errorf("I. ASH entity %+v", e)
	}
	// The same parties in the 2023 legacy file and the 2026 CSV get the same ids.
	newIDs, newNames := map[string]bool{}, map[string]bool{}
	for _, r := range readAll(t, officialCSV) {
		e := r.Entity()
		newIDs[e.ID], newNames[lists.NormalizeName(e.Name)] = true, true
	}
	onBoth, kept := 0, 0
	seen := map[string]bool{}
	for _, r := range recs {
		e := r.Entity()
		if seen[e.ID] || !newNames[lists.NormalizeName(e.Name)] {
			continue
		}
		seen[e.ID] = true
		onBoth++
		if newIDs[e.ID] {
			kept++
		} else {
			t.Logf("id of %q (%s) changed", e.Name, r.Country)
		}
	}
	t.Logf("%d parties of the 2023 dpl.txt are in the 2026 CSV; %d kept their id", onBoth, kept)
	if onBoth != 403 || kept != 401 { // the 2 others moved country (CA to US) or had none
		t.Errorf("%d of %d kept their id", kept, onBoth)
	}
}

func FuzzLegacyReader(f *testing.F) {
	for _, s := range []string{
		"\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"\n" +
			"\"AARON ABRAHAM VILLA\"\t\"3415 RIVERA AVENUE\"\t\"EL PASO\"\t\"TX\"\t\"\"\t\"79905\"\t\"08/24/2022\"\t\"01/14/2026\"\t\"Y\"\t\"2022-08-29\"\t\"F.R. NOTICE ADDED\"\t\"87 F.R. 52741 8/29/2022\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewLegacyReader(bytes.NewReader(in))
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if e := rec.Entity(); e.Name == "" {
				t.Fatalf("no name: %+v", rec)
			}
		}
	})
}

// TestStreamingMemory reads the CSV 100 times over as one stream (11 MB)
// and checks the live heap stays a small fraction of it.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 11 MB")
	}
	data, err := os.ReadFile(officialCSV)
	if err != nil {
		t.Fatal(err)
	}
	body := data[bytes.IndexByte(data, '\n')+1:]
	parts := []io.Reader{bytes.NewReader(data)}
	for i := 1; i < 100; i++ {
		parts = append(parts, bytes.NewReader(body))
	}
	r := NewReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, 100*564, 5000, 100*len(body))
}
