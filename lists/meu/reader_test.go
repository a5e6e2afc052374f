package meu

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

func TestReadMIEU(t *testing.T) {
	f, err := os.Open("testdata/mieu_opensanctions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []clearance.Entity
	n, err := ReadMIEU(f, func(e clearance.Entity) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 13 || len(got) != 13 {
		t.Fatalf("read %d rows, want 13", n)
	}
	want := clearance.Entity{
		List:          clearance.MIEU,
		Type:          clearance.Organization,
		Name:          "Intelligence Bureau of the Joint Staff Department",
		Countries:     []string{"CN"},
		ListedOn:      "2021-03-16",
		Remarks:       mieuRemark,
		SourceURL:     MIEUSourceURL,
		SourceInfoURL: "https://www.federalregister.gov/documents/2021/01/15/2021-00977/expansion-of-certain-end-use-and-end-user-controls-and-controls-on-specific-activities-of-us-persons",
	}
	if !reflect.DeepEqual(got[2], want) {
		t.Errorf("row 3\n got %+v\nwant %+v", got[2], want)
	}
	if got[6].Name != "Main Intelligence Directorate" || got[6].Aliases[0] != "GRU" || got[6].Countries[0] != "RU" {
		t.Errorf("GRU row = %+v", got[6])
	}
}

func TestReadMIEUErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/mieu_opensanctions.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to, want string }{
		{"bad header", "Type,Name", "Kind,Name", `line 1: column 1 is "Kind", want "Type"`},
		{"bad country", ",GRU,RU,", ",GRU,Mordor,", `line 8: field "Country": unknown country "Mordor"`},
		{"bad date", "2022-03-02", "2022-3-2", `line 14: field "Date": "2022-3-2" is not a YYYY-MM-DD date`},
		{"bad type", "Organization,Directorate of Signal", "Robot,Directorate of Signal", `line 12: field "Type"`},
	}
	for _, tt := range tests {
		in := strings.Replace(string(data), tt.from, tt.to, 1)
		if in == string(data) {
			t.Fatalf("%s: %q not found", tt.name, tt.from)
		}
		_, err := ReadMIEU(strings.NewReader(in), func(clearance.Entity) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestReadSupplement7(t *testing.T) {
	f, err := os.Open("testdata/meu-supp7-excerpt.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []clearance.Entity
	info, err := ReadSupplement7(f, func(e clearance.Entity) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if info.Entries != 6 || info.Extracted != "2026-07-09" {
		t.Fatalf("info = %+v", info)
	}
	e := got[1]
	if e.List != clearance.MEU || e.Name != "AECC Aero Science & Technology Co. Ltd." || e.ListedOn != "2020-12-23" ||
		e.Remarks != "Subordinate institution of Aero-Engine Company of China" || e.LicenseRequirement != "" ||
		e.Addresses[0].Full != "Cheng-fa Industrial Park, ShuLong Road, SanHe Block, Sichuan, Chengdu, China" {
		t.Errorf("entry 2 = %+v", e)
	}
}

func FuzzReadMIEU(f *testing.F) {
	data, err := os.ReadFile("testdata/mieu_opensanctions.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(strings.Join(mieuHeader, ",") + "\nOrganization,X,,CU,,,2021-03-16,,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadMIEU(bytes.NewReader(b), func(e clearance.Entity) error {
			if e.Name == "" || e.List != clearance.MIEU {
				t.Fatalf("bad entity %+v", e)
			}
			return nil
		})
	})
}
