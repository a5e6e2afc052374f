package csl

import (
	"bytes"
	"compress/gzip"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
)

// compactFile is the full 2026-07-31 compact CSL, committed (gzip'd) as a
// snapshot input; see data/sources/csl/SOURCE.txt.
const compactFile = "../../data/sources/csl/screening-list_csl-derived_2026-07-31.json.gz"

var (
	compactFileOnce     sync.Once
	compactFileEntities []clearance.Entity
	compactFileInfo     CompactInfo
	compactFileErr      error
)

// readCompactFile reads the full file once for all the tests that need it.
func readCompactFile(t testing.TB) ([]clearance.Entity, CompactInfo) {
	t.Helper()
	compactFileOnce.Do(func() {
		f, err := os.Open(compactFile)
		if err != nil {
			compactFileErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			compactFileErr = err
			return
		}
		compactFileInfo, compactFileErr = ReadCompact(zr, func(e clearance.Entity) error {
			compactFileEntities = append(compactFileEntities, e)
			return nil
		})
	})
	if compactFileErr != nil {
		t.Fatal(compactFileErr)
	}
	return compactFileEntities, compactFileInfo
}

func TestReadCompactFullFile(t *testing.T) {
	entities, info := readCompactFile(t)
	if len(entities) != 25921 || info.Entries != 25921 || info.EntryCount != 25921 {
		t.Fatalf("read %d entities (info %d/%d), want 25921", len(entities), info.Entries, info.EntryCount)
	}
	if info.SourceGeneratedAt != "2026-07-31T13:15:00.015113+00:00" {
		t.Errorf("SourceGeneratedAt = %q", info.SourceGeneratedAt)
	}
	if info.SourceURL != "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json" {
		t.Errorf("SourceURL = %q", info.SourceURL)
	}
	counts := map[clearance.ListCode]int{}
	for _, e := range entities {
		counts[e.List]++
	}
	want := map[clearance.ListCode]int{
		clearance.SDN: 19181, clearance.EL: 3420, clearance.DPL: 1596, clearance.DTC: 787, clearance.SSI: 286,
		clearance.UVL: 222, clearance.ISN: 161, clearance.PLC: 78, clearance.MEU: 70, clearance.CMIC: 68,
		clearance.MBS: 51, clearance.CAP: 1,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("per-list counts\n got %v\nwant %v", counts, want)
	}
	// The declared per-source counts agree with what was read.
	for src, n := range info.CountsBySource {
		code, err := clearance.ListFromCSLSource(src)
		if err != nil {
			t.Fatal(err)
		}
		if counts[code] != n {
			t.Errorf("%s: declared %d, read %d", src, n, counts[code])
		}
	}
}

func TestReadCompactHikvision(t *testing.T) {
	entities, _ := readCompactFile(t)
	var el, cmic *clearance.Entity
	for i := range entities {
		if entities[i].Name != "Hangzhou Hikvision Digital Technology Co., Ltd." {
			continue
		}
		switch entities[i].List {
		case clearance.EL:
			el = &entities[i]
		case clearance.CMIC:
			cmic = &entities[i]
		}
	}
	if el == nil || cmic == nil {
		t.Fatalf("Hikvision: EL %v, CMIC %v; want both", el != nil, cmic != nil)
	}
	wantEL := clearance.Entity{
		ID:                 lists.StableID(clearance.EL, "", "CN", "Hangzhou Hikvision Digital Technology Co., Ltd."),
		List:               clearance.EL,
		Type:               clearance.Organization, // inferred from "Co., Ltd."
		TypeInferred:       true,
		Name:               "Hangzhou Hikvision Digital Technology Co., Ltd.",
		Aliases:            []string{"Hikvision"},
		Countries:          []string{"CN"},
		Citations:          []clearance.Citation{{Text: "84 FR 54002", Cite: "84 FR 54002"}, {Text: "85 FR 44159", Cite: "85 FR 44159"}},
		LicenseRequirement: "For all items subject to the EAR. (See §744.11 of the EAR)",
		LicensePolicy: "Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995, 1A999.a, 1D003, 2A983, 2D983, and 2E983, " +
			"and for EAR99 items described in the Note to ECCN 1A995; case-by-case review for items necessary to detect, " +
			"identify and treat infectious disease; and presumption of denial for all other items subject to the EAR.",
		SourceURL: "https://www.bis.gov/regulations/ear/744#supplement-4-744",
	}
	if !reflect.DeepEqual(*el, wantEL) {
		t.Errorf("Hikvision EL\n got %+v\nwant %+v", *el, wantEL)
	}
	wantCMIC := clearance.Entity{
		ID:        "cmic-30946", // the OFAC entity number
		List:      clearance.CMIC,
		SourceID:  "30946",
		Type:      clearance.Organization,
		Name:      "Hangzhou Hikvision Digital Technology Co., Ltd.",
		Aliases:   []string{"Hikvision", "Hangzhou Hikvision Digital Technology"},
		Countries: []string{"CN"},
		Programs:  []string{"CMIC-EO13959"},
		SourceURL: "https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList",
	}
	if !reflect.DeepEqual(*cmic, wantCMIC) {
		t.Errorf("Hikvision CMIC\n got %+v\nwant %+v", *cmic, wantCMIC)
	}
}

// The compact form maps like the CSV form: ISN names lose State's
// boilerplate suffix in an alias, and a "country" that is none stays as
// address text.
func TestReadCompactMapping(t *testing.T) {
	entities, _ := readCompactFile(t)
	var isnWithAlias, regions int
	for _, e := range entities {
		if e.List == clearance.ISN && strings.HasSuffix(e.Name, "; and any successor, sub-unit, or subsidiary thereof") {
			if len(e.Aliases) == 0 || strings.Contains(e.Aliases[0], "successor") {
				t.Errorf("ISN %q: aliases %q lack the short name", e.Name, e.Aliases)
			}
			isnWithAlias++
		}
		for _, a := range e.Addresses {
			// Only what names no country ("REGION: KAFIA KINGI", a DPL
			// row's "NM") stays as an address.
			if a.Country != "" || a.Full == "" {
				t.Errorf("%s %q: address %+v", e.List, e.Name, a)
			}
			regions++
		}
		if e.ID == "" {
			t.Fatalf("%s %q: no id", e.List, e.Name)
		}
	}
	if isnWithAlias != 7 || regions != 16 {
		t.Errorf("%d ISN short-name aliases, %d region addresses; want 7 and 16", isnWithAlias, regions)
	}
}

func TestReadCompactErrors(t *testing.T) {
	excerpt, err := os.ReadFile("testdata/csl-compact-excerpt.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, wantErr string
	}{
		{"source index out of range", `"s":1,`, `"s":99,`, `entry 0: field "s": index 99 outside its table`},
		{"missing name", `"n":"Hangzhou Hikvision Digital Technology Co., Ltd."`, `"n":" "`, `entry 0: field "n": empty name`},
		{"bad type", `"t":"Entity"`, `"t":"Robot"`, `field "t": unknown entity type "Robot"`},
		{"wrong count", `"entryCount":14`, `"entryCount":15`, `declares 15 entries`},
		{"truncated", `]}`, `]`, `top level`},
	}
	for _, tt := range tests {
		in := strings.Replace(string(excerpt), tt.from, tt.to, 1)
		if in == string(excerpt) {
			t.Fatalf("%s: %q not found in excerpt", tt.name, tt.from)
		}
		_, err := ReadCompact(strings.NewReader(in), func(clearance.Entity) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestReadCompactExcerpt(t *testing.T) {
	excerpt, err := os.ReadFile("testdata/csl-compact-excerpt.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	info, err := ReadCompact(bytes.NewReader(excerpt), func(clearance.Entity) error { n++; return nil })
	if err != nil || n != 14 || info.Entries != 14 {
		t.Fatalf("excerpt: %d entities, err %v; want 14", n, err)
	}
}

func FuzzReadCompact(f *testing.F) {
	excerpt, err := os.ReadFile("testdata/csl-compact-excerpt.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(excerpt)
	f.Add([]byte(`{"tables":{"sources":["EL"]},"entries":[{"n":"X","s":0}]}`))
	f.Add([]byte(`{"entries":[{"n":"X","s":0,"fr":"84 FR 1, 1/2/19"}],"tables":{"sources":["SDN"]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ReadCompact(bytes.NewReader(data), func(e clearance.Entity) error {
			if e.Name == "" || !e.List.Valid() {
				t.Fatalf("entity without name or valid list: %+v", e)
			}
			return nil
		})
	})
}
