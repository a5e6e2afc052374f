package gen

import (
	"bytes"
	"encoding/csv"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

func TestLoadParts(t *testing.T) {
	p, err := LoadParts()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Given) < 50 || len(p.Surname) < 50 || len(p.Stem) < 50 || len(p.Trade) < 30 || len(p.Legal) < 20 || len(p.Country) < 20 {
		t.Errorf("parts too small: %d given, %d surnames, %d stems, %d trades, %d legal forms, %d countries",
			len(p.Given), len(p.Surname), len(p.Stem), len(p.Trade), len(p.Legal), len(p.Country))
	}
	for _, c := range p.Country {
		if !validCountry(c) {
			t.Errorf("names.txt: %q is not an ISO-2 country", c)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	listed := []clearance.Entity{
		{ID: "a", List: clearance.SDN, Type: clearance.Person, Name: "PETROV, Ivan Sergeyevich", Aliases: []string{"PETROV, Ivan"}, Countries: []string{"RU"}},
		{ID: "b", List: clearance.EL, Type: clearance.Organization, Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Countries: []string{"CN"}},
	}
	g, err := New(listed, 0.5, 7)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.WriteCSV(&buf, 1000); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1001 || recs[0][0] != "id" || recs[1000][0] != "R1000" {
		t.Fatalf("%d records, first %v, last %v", len(recs), recs[0], recs[len(recs)-1])
	}
	listedRows := 0
	for k, n := range g.Variants {
		if len(k) > 6 && k[:6] == "listed" {
			listedRows += n
		}
	}
	if listedRows < 400 || listedRows > 600 || g.Variants["listed reordered"] == 0 || g.Variants["unlisted company"] == 0 {
		t.Errorf("variants %v: want about half listed, every kind present", g.Variants)
	}
	// Same seed, same file.
	g2, _ := New(listed, 0.5, 7)
	var again bytes.Buffer
	g2.WriteCSV(&again, 1000)
	g3, _ := New(listed, 0.5, 7)
	var third bytes.Buffer
	g3.WriteCSV(&third, 1000)
	if again.String() != third.String() {
		t.Error("generator is not deterministic")
	}
}
