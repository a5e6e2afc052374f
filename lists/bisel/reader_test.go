package bisel

import (
	"bytes"
	"compress/gzip"
	"os"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists/fedreg"
)

// fullFile is the complete 2026-07-09 parse, committed (gzip'd) as a
// snapshot input; see data/sources/bis_entity_list/SOURCE.txt.
const fullFile = "../../data/sources/bis_entity_list/bis_entity_list_ecfr-supp4-derived_2026-07-09.json.gz"

func readFull(t *testing.T) ([]clearance.Entity, Info) {
	t.Helper()
	f, err := os.Open(fullFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []clearance.Entity
	info, err := Read(zr, func(e clearance.Entity) error { out = append(out, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out, info
}

func TestReadFullFile(t *testing.T) {
	entities, info := readFull(t)
	if len(entities) != 3409 || info.Count != 3409 {
		t.Fatalf("read %d entities (declared %d), want 3409", len(entities), info.Count)
	}
	if info.Extracted != "2026-07-09" || info.ListID != "bis-entity-list" {
		t.Errorf("info = %+v", info)
	}
	countries := map[string]int{}
	var withAddress, withDate, withCites int
	for _, e := range entities {
		if len(e.Countries) != 1 {
			t.Errorf("%q: countries %v, want exactly one", e.Name, e.Countries)
		}
		countries[e.Countries[0]]++
		if len(e.Addresses) > 0 {
			withAddress++
		}
		if len(e.ListedOn) == 10 {
			withDate++
		}
		if len(e.Citations) > 0 {
			withCites++
		}
	}
	if countries["CN"] != 1106 || countries["RU"] != 1081 || countries["AE"] != 188 || countries["UA"] != 28+11 {
		t.Errorf("country counts CN %d RU %d AE %d UA %d", countries["CN"], countries["RU"], countries["AE"], countries["UA"])
	}
	if withAddress != 3284 {
		t.Errorf("%d entities with an address, want 3284", withAddress)
	}
	if withCites != 3409 {
		t.Errorf("%d entities with citations, want all 3409", withCites)
	}
	// The other two have only a year: an undated notice precedes the dated ones.
	if withDate != 3407 {
		t.Errorf("%d entities have a full listing date, want 3407", withDate)
	}
}

func TestReadHikvision(t *testing.T) {
	entities, _ := readFull(t)
	var got *clearance.Entity
	for i := range entities {
		if entities[i].Name == "Hangzhou Hikvision Digital Technology Co., Ltd." {
			got = &entities[i]
		}
	}
	if got == nil {
		t.Fatal("Hikvision not found")
	}
	want := clearance.Entity{
		List:      clearance.EL,
		Type:      clearance.Unknown,
		Name:      "Hangzhou Hikvision Digital Technology Co., Ltd.",
		Aliases:   []string{"Hikvision"},
		Countries: []string{"CN"},
		Addresses: []clearance.Address{
			{Full: "No. 555 Qianmo Road, Binjiang District, Hangzhou 310052, China", Country: "CN"},
			{Full: "23rd Floor, Block A, Yingke Plaza, No. 217 Gaoxin Street, Gaoxin District, Urumqi, China", Country: "CN"},
			{Full: "700 Dongliu Road, Binjiang District, Hanzhou, China", Country: "CN"},
		},
		Citations: []clearance.Citation{
			{Text: "84 FR 54004, 10/9/19", Cite: "84 FR 54004", Date: "2019-10-09"},
			{Text: "85 FR 34505, 6/5/20", Cite: "85 FR 34505", Date: "2020-06-05"},
			{Text: "85 FR 44161, 7/22/20", Cite: "85 FR 44161", Date: "2020-07-22"},
		},
		ListedOn:           "2019-10-09",
		LicenseRequirement: "For all items subject to the EAR. (See § 744.11 of the EAR)",
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("Hikvision\n got %+v\nwant %+v", *got, want)
	}
	if got.ListedAsOf("2019-10-08") || !got.ListedAsOf("2019-10-09") {
		t.Error("Hikvision must be listed from 2019-10-09, not before")
	}
}

func TestListedOn(t *testing.T) {
	tests := []struct{ cites, want string }{
		{"84 FR 54004, 10/9/19.\n85 FR 34505, 6/5/20.", "2019-10-09"},
		{"73 FR 54508\n74 FR 8184, 2/24/09", "2008"}, // undated earlier notice: only its year is known
		{"74 FR 8184\n74 FR 9000, 2/24/09", "2009"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ListedOn(fedreg.Parse(tt.cites)); got != tt.want {
			t.Errorf("ListedOn(%q) = %q, want %q", tt.cites, got, tt.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	excerpt, err := os.ReadFile("testdata/entity-list-excerpt.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to, wantErr string }{
		{"unknown country", `"country": "China"`, `"country": "Atlantis"`, `entity 0: field "country": unknown country "Atlantis"`},
		{"empty name", `"name": "Hangzhou Hikvision Digital Technology Co., Ltd."`, `"name": ""`, `entity 0: field "name": empty name`},
		{"aliases not a list", `"aliases": [`, `"aliases": 7, "x": [`, `entity 0: json: cannot unmarshal`},
		{"wrong count", `"count": 42`, `"count": 43`, `declares 43 entities`},
	}
	for _, tt := range tests {
		in := strings.Replace(string(excerpt), tt.from, tt.to, 1)
		if in == string(excerpt) {
			t.Fatalf("%s: %q not in excerpt", tt.name, tt.from)
		}
		_, err := Read(strings.NewReader(in), func(clearance.Entity) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
	}
}

func FuzzRead(f *testing.F) {
	excerpt, err := os.ReadFile("testdata/entity-list-excerpt.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(excerpt)
	f.Add([]byte(`{"entities":[{"name":"X","aliases":[],"country":"Iran","address":null,"federal_register":"77 FR 1\n4/18/12","notes":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(bytes.NewReader(data), func(e clearance.Entity) error {
			if e.Name == "" || e.List != clearance.EL {
				t.Fatalf("bad entity %+v", e)
			}
			return nil
		})
	})
}
