package fedreg

import (
	"reflect"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

// The inputs are real cells from the Entity List (eCFR Supp. 4 parse), the
// trade.gov CSL and the BIS Denied Persons List.
func TestParse(t *testing.T) {
	c := func(text, cite, date string) clearance.Citation {
		return clearance.Citation{Text: text, Cite: cite, Date: date}
	}
	tests := []struct {
		in   string
		want []clearance.Citation
	}{
		{"84 FR 54004, 10/9/19.\n85 FR 34505, 6/5/20.\n85 FR 44161, 7/22/20", []clearance.Citation{
			c("84 FR 54004, 10/9/19", "84 FR 54004", "2019-10-09"),
			c("85 FR 34505, 6/5/20", "85 FR 34505", "2020-06-05"),
			c("85 FR 44161, 7/22/20", "85 FR 44161", "2020-07-22"),
		}},
		{"77 FR 23116\n4/18/12", []clearance.Citation{c("77 FR 23116 4/18/12", "77 FR 23116", "2012-04-18")}},
		{"67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02, 71 F.R. 38843 7/10/06", []clearance.Citation{
			c("67 F.R. 56530 9/4/02", "67 FR 56530", "2002-09-04"),
			c("67 F.R. 10890 3/11/02", "67 FR 10890", "2002-03-11"),
			c("71 F.R. 38843 7/10/06", "71 FR 38843", "2006-07-10"),
		}},
		{"85 FR 83420; 89 FR 96837", []clearance.Citation{c("85 FR 83420", "85 FR 83420", ""), c("89 FR 96837", "89 FR 96837", "")}},
		{"81.F.R. 22576 4/18/2016", []clearance.Citation{c("81.F.R. 22576 4/18/2016", "81 FR 22576", "2016-04-18")}},
		{"46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81", []clearance.Citation{
			c("46 F.R. 46154 9/17/81", "46 FR 46154", "1981-09-17"),
			c("46 F.R. 19290 3/30/81", "46 FR 19290", "1981-03-30"),
		}},
		{"Vol. 59, No. 44, 03/07/1994", []clearance.Citation{c("Vol. 59, No. 44, 03/07/1994", "", "1994-03-07")}},
		{"76 FR No. 197 (10/12/2011)", []clearance.Citation{c("76 FR No. 197 (10/12/2011)", "", "2011-10-12")}},
		{"", nil},
		{" ; ", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestEarliestAndVolumeYear(t *testing.T) {
	cites := Parse("84 FR 54004, 10/9/19.\n85 FR 34505, 6/5/20.\n83 FR 1\n")
	if got := Earliest(cites); got != "2019-10-09" {
		t.Errorf("Earliest = %q, want 2019-10-09", got)
	}
	if got := VolumeYear("84 FR 54004"); got != 2019 {
		t.Errorf("VolumeYear = %d, want 2019", got)
	}
	if got := VolumeYear("Vol. 59"); got != 0 {
		t.Errorf("VolumeYear(bad) = %d, want 0", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"84 FR 54004, 10/9/19.\n85 FR 34505, 6/5/20.",
		"62 FR 35334, 6/30/97 66 FR 24267, 5/14/01 75 FR 78883, 12/17/10",
		"81 FR 61601 preview citation details, 9/7/16",
		"Vol. 59, No. 153, 08/10/1994", "90 F.R. 58547 12/17/2025", "13/45/99 0 FR 0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range Parse(s) {
			if c.Text == "" {
				t.Fatalf("Parse(%q): empty citation text", s)
			}
			if c.Date != "" && len(c.Date) != 10 {
				t.Fatalf("Parse(%q): bad date %q", s, c.Date)
			}
		}
	})
}
