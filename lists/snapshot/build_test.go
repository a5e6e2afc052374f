package snapshot

import (
	"testing"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists/bisel"
	"github.com/clearance-oss/clearance/lists/fedreg"
)

// Each matching strategy of enrichFromParse on a minimal case, with the
// names the real files use.
func TestEnrichFromParseStrategies(t *testing.T) {
	parse := func(name, country, cites string, aliases ...string) clearance.Entity {
		c := fedreg.Parse(cites)
		return clearance.Entity{List: clearance.EL, Name: name, Aliases: aliases, Countries: []string{country},
			Addresses: []clearance.Address{{Full: name + " street", Country: country}}, Citations: c, ListedOn: bisel.ListedOn(c)}
	}
	parsed := []clearance.Entity{
		parse("Hangzhou Hikvision Digital Technology Co., Ltd.", "CN", "84 FR 54004, 10/9/19.", "Hikvision"),
		parse("ACTeam Logistics Ltd.", "CN", "75 FR 7359, 2/19/10."),
		parse("Huawei Technologies Co., Ltd.", "CN", "84 FR 22963, 5/21/19."),
		parse("Hangzhou Hikmicro Sensing Technology Co., Ltd.", "CN", "88 FR 1, 1/3/23."),
		parse("Tactical Missile Corporation", "RU", "87 FR 13141, 3/9/22."),
		parse("Abbas Goldoozan", "IR", "80 FR 22640, 4/23/15"),
		parse("Abbas Goldoozan", "TR", "80 FR 22640, 4/23/15"),
		parse("54th Research Institute of China", "CN", "66 FR 24266, 5/14/01."),
	}
	csl := func(name string, countries ...string) clearance.Entity {
		return clearance.Entity{List: clearance.EL, Name: name, Countries: countries}
	}
	tests := []struct {
		row       clearance.Entity
		listedOn  string
		addressed bool // took the parse entry's address (not a dates-only match)
	}{
		{csl("Hangzhou Hikvision Digital Technology Co., Ltd.", "CN"), "2019-10-09", true},                           // name+country
		{csl("Hikvision", "CN"), "2019-10-09", true},                                                                 // alias+country
		{csl("ACTeam Logistics Ltd.", "HK"), "2010-02-19", true},                                                     // Hong Kong listed under China
		{csl("Huawei Technologies Co., Ltd. (Huawei)", "CN"), "2019-05-21", true},                                    // acronym dropped
		{csl("54th Research Institute of China"), "2001-05-14", true},                                                // unique name, no country
		{csl("Hangzhou Hikmicro Sensing Technology Co.", "CN"), "2023-01-03", true},                                  // cut short
		{csl("Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine", "CN"), "2019-05-21", false}, // parent
		{csl("Tactical Missile Corporation, 711 Aircraft Repair Plant (711 ARZ)", "RU"), "2022-03-09", false},        // parse-name prefix
		{csl("Abbas Goldoozan", "IR"), "2015-04-23", true},
		{csl("Unknown Trading LLC", "AE"), "", false}, // nothing
	}
	b := &builder{report: &Report{}}
	for _, tt := range tests {
		b.entities = append(b.entities, tt.row)
	}
	b.enrichFromParse(clearance.EL, "test", bisel.Info{}, parsed)
	for i, tt := range tests {
		e := b.entities[i]
		if e.ListedOn != tt.listedOn || (len(e.Addresses) > 0) != tt.addressed {
			t.Errorf("%q: ListedOn %q, %d addresses; want %q, address %v", e.Name, e.ListedOn, len(e.Addresses), tt.listedOn, tt.addressed)
		}
	}
	want := "test: 0 parse entries (eCFR ); 9 of 10 CSL EL rows enriched (4 by name+country, 1 by alias+country, " +
		"1 by unique name, 1 by name prefix, 1 by parent entry (citations and date only), " +
		"1 by parse-name prefix (citations and date only)), 1 not matched; 1 parse entries matched no CSL row"
	if len(b.report.Lines) == 0 || b.report.Lines[0] != want {
		t.Errorf("report\n got %q\nwant %q", b.report.Lines, want)
	}
}
