package ofac

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"github.com/clearance-oss/clearance/lists/internal/streamtest"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

var sdnFiles = FileSet{
	Main:      "testdata/sdn_2024-05-03.csv.gz",
	Addresses: "testdata/add_2025-12.csv.gz",
	Aliases:   "testdata/alt_2025-12.csv.gz",
	Comments:  "testdata/sdn_comments_2025-12.csv",
}

var consFiles = ConsolidatedFiles("testdata")

func readAll(t testing.TB, files FileSet, consolidated bool) []Record {
	t.Helper()
	r, closer, err := Open(files, consolidated)
	if err != nil {
		t.Fatal(err)
	}
	defer closer()
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

func TestReadSDN(t *testing.T) {
	recs := readAll(t, sdnFiles, false)
	if len(recs) != 14965 {
		t.Fatalf("read %d entries, want 14965", len(recs))
	}
	types := map[clearance.EntityType]int{}
	withAddr, withAlias := 0, 0
	byNum := map[string]clearance.Entity{}
	for _, rec := range recs {
		e := rec.Entity()
		types[e.Type]++
		if len(e.Addresses) > 0 {
			withAddr++
		}
		if len(rec.Aliases) > 0 {
			withAlias++
		}
		if e.List != clearance.SDN || e.ID != "sdn-"+rec.EntNum {
			t.Fatalf("ent_num %s: list %s id %s", rec.EntNum, e.List, e.ID)
		}
		byNum[rec.EntNum] = e
	}
	want := map[clearance.EntityType]int{clearance.Organization: 6884, clearance.Person: 6854, clearance.Vessel: 851, clearance.Aircraft: 376}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
	// add.csv and alt.csv are from 2025-12, sdn.csv from 2024-05: most
	// entries still join.
	t.Logf("%d entries with addresses, %d with alt.csv aliases", withAddr, withAlias)
	if withAddr != 11685 || withAlias != 7086 {
		t.Errorf("%d entries joined addresses and %d aliases, want 11685 and 7086", withAddr, withAlias)
	}

	abd := byNum["26095"]
	wantAbd := clearance.Entity{
		ID: "sdn-26095", List: clearance.SDN, SourceID: "26095", Type: clearance.Person, Name: "'ABD AL-NASIR, Hajji",
		Aliases:       []string{"ABDELNASSER, Hajji", "ABD AL-NASR, Hajji", "AL-KHUWAYT, Taha"},
		Addresses:     []clearance.Address{{Full: "Syria", Country: "SY"}},
		Countries:     []string{"SY"},
		Programs:      []string{"SDGT"},
		Remarks:       "DOB 1967; alt. DOB 1966; alt. DOB 1968; POB Tall 'Afar, Iraq; nationality Iraq; a.k.a. 'ABDELNASSER, Hajji'; a.k.a. 'ABD AL-NASR, Hajji'; a.k.a. 'AL-KHUWAYT, Taha'.",
		BirthDates:    []string{"1967", "1966", "1968"},
		BirthPlaces:   []string{"Tall 'Afar, Iraq"},
		Nationalities: []string{"IQ"},
		SourceURL:     SDNURL,
	}
	if !reflect.DeepEqual(abd, wantAbd) {
		t.Errorf("26095\n got %+v\nwant %+v", abd, wantAbd)
	}
	bnc := byNum["306"]
	if bnc.Name != "BANCO NACIONAL DE CUBA" || bnc.Type != clearance.Organization || len(bnc.Addresses) != 4 ||
		bnc.Addresses[0] != (clearance.Address{Full: "Zweierstrasse 35, Zurich CH-8022, Switzerland", Street: "Zweierstrasse 35", City: "Zurich CH-8022", Country: "CH"}) ||
		!reflect.DeepEqual(bnc.Countries, []string{"CH", "ES", "JP", "PA"}) || !reflect.DeepEqual(bnc.Aliases, []string{"NATIONAL BANK OF CUBA", "BNC"}) {
		t.Errorf("306: %+v", bnc)
	}
}

func TestReadConsolidated(t *testing.T) {
	recs := readAll(t, consFiles, true)
	if len(recs) != 442 {
		t.Fatalf("read %d entries, want 442", len(recs))
	}
	lists := map[clearance.ListCode]int{}
	var hik clearance.Entity
	for _, rec := range recs {
		lists[rec.List]++
		if rec.EntNum == "30946" {
			hik = rec.Entity()
		}
	}
	want := map[clearance.ListCode]int{clearance.SSI: 286, clearance.PLC: 78, clearance.CMIC: 68, clearance.CAP: 1, clearance.MBS: 9}
	if !reflect.DeepEqual(lists, want) {
		t.Errorf("lists %v, want %v", lists, want)
	}
	if hik.ID != "cmic-30946" || hik.Name != "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." || hik.Type != clearance.Organization ||
		!reflect.DeepEqual(hik.Aliases, []string{"HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"}) ||
		!reflect.DeepEqual(hik.Countries, []string{"CN"}) || hik.SourceURL != NonSDNURL {
		t.Errorf("30946: %+v", hik)
	}
	var uscc, isin bool
	for _, id := range hik.IDs {
		uscc = uscc || id == (clearance.Identifier{Type: "Unified Social Credit Code (USCC)", Number: "91330000733796106P", Country: "CN"})
		isin = isin || id == (clearance.Identifier{Type: "ISIN", Number: "CNE100000PM8"})
	}
	if !uscc || !isin {
		t.Errorf("30946 ids %+v", hik.IDs)
	}
}

// Every cons_prim entry the 2022 CSL also lists lands on a list the CSL
// puts it on (the CSL names the list; cons_prim.csv only the programs).
func TestNonSDNListsAgreeWithCSL(t *testing.T) {
	f, err := os.Open("../csl/testdata/consolidated_2022-04-21.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	onList := map[string]map[clearance.ListCode]bool{}
	for _, row := range rows[1:] {
		code, err := clearance.ListFromCSLSource(row[1])
		if err != nil || code == clearance.SDN || row[2] == "" {
			continue
		}
		if onList[row[2]] == nil {
			onList[row[2]] = map[clearance.ListCode]bool{}
		}
		onList[row[2]][code] = true
	}
	agree, disagree := 0, 0
	for _, rec := range readAll(t, consFiles, true) {
		lists, ok := onList[rec.EntNum]
		if !ok {
			continue // designated after 2022-04
		}
		if lists[rec.List] {
			agree++
		} else {
			disagree++
			t.Logf("ent_num %s %q programs %v: we say %s, the CSL %v", rec.EntNum, rec.Name, rec.Programs, rec.List, lists)
		}
	}
	if agree != 440 || disagree != 0 {
		t.Errorf("%d agree, %d disagree with the CSL; want 440 and 0", agree, disagree)
	}
}

func TestRemarks(t *testing.T) {
	var e clearance.Entity
	applyRemarks(&e, "DOB 10 Dec 1948; alt. DOB circa 1951; DOB 1960 to 1962; DOB Mar 1973; POB Culiacan, Sinaloa, Mexico; "+
		"nationality Korea, North; citizen Mexico; Passport K754050 issued 26 May 1999 expires 25 May 2004; "+
		"alt. Passport G 649385 (Jordan); Folio Mercantil No. 343997 (Mexico) issued 14 Dec 2005; "+
		"Linked To: HIZBALLAH; (Linked To: A; B); Gender Male.")
	want := clearance.Entity{
		BirthDates:    []string{"1948-12-10", "1951", "1960", "1962", "1973-03"},
		BirthPlaces:   []string{"Culiacan, Sinaloa, Mexico"},
		Nationalities: []string{"KP"},
		Citizenships:  []string{"MX"},
		IDs: []clearance.Identifier{
			{Type: "Passport", Number: "K754050", Note: "issued 1999-05-26; expires 2004-05-25"},
			{Type: "Passport", Number: "G 649385", Country: "JO"},
			{Type: "Folio Mercantil No.", Number: "343997", Country: "MX", Note: "issued 2005-12-14"},
		},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
	if got := RemarkItems("a; (b; c); d."); !reflect.DeepEqual(got, []string{"a", "(b; c)", "d"}) {
		t.Errorf("RemarkItems: %q", got)
	}
}

func TestMalformed(t *testing.T) {
	row := func(f ...string) string { return strings.Join(f, ",") + "\r\n" }
	ok := row("1", `"X"`, "-0- ", `"SDGT"`, "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ")
	for _, tc := range []struct{ in, want string }{
		{ok + row("x", `"X"`, "-0- ", `"SDGT"`, "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- "), `sdn.csv: line 2: field "ent_num": "x" is not a number`},
		{ok + row("2", `"X"`), "sdn.csv: line 2: 2 fields, want 12"},
		{row("3", "-0- ", "-0- ", `"SDGT"`, "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- "), `line 1: ent_num 3: field "SDN_Name": empty`},
		{row("4", `"X"`, `"robot"`, `"SDGT"`, "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- "), `field "SDN_Type": unknown type "robot"`},
	} {
		r := NewReader(strings.NewReader(tc.in))
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("input %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	r := NewReader(strings.NewReader(ok + "\x1a"))
	if err := r.LoadAliases(strings.NewReader("1,2,\"aka\",-0- ,-0- \r\n"), "alt.csv"); err == nil || !strings.Contains(err.Error(), `alt.csv: line 1: field "alt_name": empty`) {
		t.Errorf("empty alias: %v", err)
	}
	if err := r.LoadAddresses(strings.NewReader("1,2\r\n"), "add.csv"); err == nil || !strings.Contains(err.Error(), "add.csv: line 1: 2 fields, want 6") {
		t.Errorf("short address row: %v", err)
	}
	if _, err := r.Next(); err != nil {
		t.Errorf("first entry: %v", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the 0x1A byte: %v, want io.EOF", err)
	}
}

// TestStreamingMemory reads sdn.csv five times over as one stream (20 MB)
// and checks the live heap stays a fraction of it.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 20 MB")
	}
	data := gunzip(t, sdnFiles.Main)
	body := bytes.TrimRight(data, "\x1a")
	var parts []io.Reader
	for i := 0; i < 5; i++ {
		parts = append(parts, bytes.NewReader(body))
	}
	r := NewReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, 5*14965, 5000, 5*len(body))
}

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

func BenchmarkReadSDN(b *testing.B) {
	data := gunzip(b, sdnFiles.Main)
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
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*14965), "ns/record")
}

func FuzzReader(f *testing.F) {
	data := gunzip(f, sdnFiles.Main)
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, i := range []int{0, 1, 2, 1000, 5000, 10000, 14964} {
		f.Add(lines[i], []byte("36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n"))
	}
	cons, err := os.ReadFile(consFiles.Main)
	if err != nil {
		f.Fatal(err)
	}
	cl := bytes.SplitAfter(cons, []byte("\n"))
	f.Add(bytes.Join(cl[:3], nil), []byte("\x1a"))
	f.Fuzz(func(t *testing.T, main, add []byte) {
		r := NewConsolidatedReader(bytes.NewReader(main))
		if err := r.LoadAddresses(bytes.NewReader(add), "add.csv"); err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if e := rec.Entity(); e.Name == "" || e.ID == "" || e.List == "" {
				t.Fatalf("bad entity %+v", e)
			}
		}
	})
}

func FuzzRemarks(f *testing.F) {
	data := gunzip(f, sdnFiles.Main)
	r := NewReader(bytes.NewReader(data))
	for i := 0; i < 14965; i++ {
		rec, err := r.Next()
		if err != nil {
			break
		}
		if i%700 == 0 && rec.Remarks != "" {
			f.Add(rec.Remarks)
		}
	}
	f.Fuzz(func(t *testing.T, remarks string) {
		var e clearance.Entity
		applyRemarks(&e, remarks)
		for _, id := range e.IDs {
			if id.Number == "" {
				t.Fatalf("identifier without a number from %q", remarks)
			}
		}
	})
}
