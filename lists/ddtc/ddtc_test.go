package ddtc

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
	"github.com/clearance-oss/clearance/lists/csl"
)

const (
	statutoryCSV      = "testdata/ddtc-debarred-statutory.csv"
	administrativeCSV = "testdata/ddtc-debarred-administrative.csv"
)

func readAll(t testing.TB, name string) ([]Record, Kind) {
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
			return out, r.Kind()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestReadStatutory(t *testing.T) {
	recs, kind := readAll(t, statutoryCSV)
	if kind != Statutory || len(recs) != 779 {
		t.Fatalf("kind %v, %d records; want statutory, 779", kind, len(recs))
	}
	types := map[clearance.EntityType]int{}
	byName := map[string]clearance.Entity{}
	for _, r := range recs {
		e := r.Entity()
		types[e.Type]++
		byName[e.Name] = e
	}
	t.Logf("types %v", types)
	if types[clearance.Unknown] != 0 || types[clearance.Person] != 734 || types[clearance.Organization] != 45 {
		t.Errorf("types %v", types)
	}
	tariq := byName["Ahmed, Tariq"]
	want := clearance.Entity{ID: tariq.ID, List: clearance.DTC, Type: clearance.Person, TypeInferred: true, Name: "Ahmed, Tariq",
		Aliases: []string{"Tariq Amin", "Tariq Ahmad Amin"}, ListedOn: "2004-04-02",
		Citations: []clearance.Citation{{Text: "69 FR 17468", Cite: "69 FR 17468", Date: "2004-04-02"}}, SourceURL: SourceURL}
	if !reflect.DeepEqual(tariq, want) {
		t.Errorf("Ahmed, Tariq\n got %+v\nwant %+v", tariq, want)
	}
	// "(aka …)" without dots, as DDTC also writes it.
	for name, alias := range map[string]string{"Asad-Ghanem, Rami Najm": "Ghanem, Rami Najm", "Shapovalov, Michael": "Mikhail Shapovalov",
		"Saiag, Allexander": "Saiag, Alexandre"} {
		if e, ok := byName[name]; !ok || !reflect.DeepEqual(e.Aliases, []string{alias}) {
			t.Errorf("%s: %+v, want alias %q", name, e, alias)
		}
	}
	acety := byName["Acety, Edwin"]
	if !reflect.DeepEqual(acety.BirthDates, []string{"1975-11"}) || acety.Type != clearance.Person || acety.ListedOn != "2018-04-25" {
		t.Errorf("Acety, Edwin: %+v", acety)
	}
	if ac := byName["A & C International Trade, Inc."]; ac.Type != clearance.Organization {
		t.Errorf("A & C International Trade: %+v", ac)
	}
}

func TestReadAdministrative(t *testing.T) {
	recs, kind := readAll(t, administrativeCSV)
	if kind != Administrative || len(recs) != 8 {
		t.Fatalf("kind %v, %d records; want administrative, 8", kind, len(recs))
	}
	e := recs[2].Entity()
	if e.Name != "Dominguez, Carlos; Elint, S.A., Spain Night Vision, S.A., and SNV, S.A" || e.ListedOn != "2014-06-19" ||
		len(e.Citations) != 2 || e.Citations[0].Cite != "79 FR 35210" || e.Citations[1].Cite != "79 FR 37384" {
		t.Errorf("Dominguez row: %+v", e)
	}
}

// The same debarred parties in the 2022 CSL ("Tariq Ahmed") and in State's
// own 2025 export ("Ahmed, Tariq (a.k.a. …)") get the same id.
func TestIDsAgreeWithCSL(t *testing.T) {
	f, err := os.Open("../csl/testdata/consolidated_2022-04-21.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	cslIDs := map[string]bool{}
	r := csl.NewReader(zr)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.List == clearance.DTC {
			cslIDs[rec.Entity().ID] = true
		}
	}
	recs, _ := readAll(t, statutoryCSV)
	ours := map[string]bool{}
	for _, rec := range recs {
		ours[rec.Entity().ID] = true
	}
	both := 0
	for id := range ours {
		if cslIDs[id] {
			both++
		}
	}
	t.Logf("%d distinct ids in the 2022 CSL's DTC rows, %d in the 2025 statutory export, %d in both", len(cslIDs), len(ours), both)
	// 719 (715 before the rows written "(aka …)" without dots lost that part of their name).
	if both != 719 {
		t.Errorf("only %d ids agree", both)
	}
}

func TestMalformed(t *testing.T) {
	hdr := strings.Join(StatutoryHeader, ",") + "\n"
	for _, tc := range []struct{ in, want string }{
		{"", "line 1: empty file"},
		{"a,b\n", "neither the statutory"},
		{hdr + "x,,1 FR 2,13/40/2020,,\n", `line 2: field "Notice Date": date "13/40/2020"`},
		{hdr + ",,1 FR 2,1/2/2020,,\n", `line 2: field "Party Name": empty`},
		{hdr + "x,y\n", "line 2: 2 fields, want 6"},
	} {
		r := NewNamedReader(strings.NewReader(tc.in), "s.csv")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if err == io.EOF || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "ddtc: s.csv: ") {
			t.Errorf("input %q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{statutoryCSV, administrativeCSV} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		for i := 1; i < len(lines); i += 97 {
			f.Add(append(append([]byte{}, lines[0]...), lines[i]...))
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
				t.Fatalf("bad entity %+v", e)
			}
		}
	})
}

// TestStreamingMemory reads the statutory export 200 times over as one
// stream (9 MB) and checks the live heap stays small.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 9 MB")
	}
	data, err := os.ReadFile(statutoryCSV)
	if err != nil {
		t.Fatal(err)
	}
	body := data[bytes.IndexByte(data, '\n')+1:]
	parts := []io.Reader{bytes.NewReader(data)}
	for i := 1; i < 200; i++ {
		parts = append(parts, bytes.NewReader(body))
	}
	r := NewReader(io.MultiReader(parts...))
	streamtest.Check(t, func() error { _, err := r.Next(); return err }, 200*779, 10000, 200*len(body))
}
