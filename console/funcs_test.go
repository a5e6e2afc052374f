package console

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/clearance-oss/clearance/ear"
)

func TestLinks(t *testing.T) {
	for _, c := range []struct{ in, fr string }{
		{"84 FR 54002", "https://www.federalregister.gov/citation/84-FR-54002"},
		{"84 FR 54002 (2019-10-09)", "https://www.federalregister.gov/citation/84-FR-54002"},
		{"85 FR 34505, 6/5/20", "https://www.federalregister.gov/citation/85-FR-34505"},
		{"EO 13959", "https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=EO+13959"},
	} {
		if got := federalRegisterURL(c.in); got != c.fr {
			t.Errorf("federalRegisterURL(%q) = %q, want %q", c.in, got, c.fr)
		}
	}
	for _, c := range []struct{ in, cfr string }{
		{"15 CFR 744.11(a)", "https://www.ecfr.gov/current/title-15/section-744.11"},
		{"15 CFR § 736.2(b)(5)", "https://www.ecfr.gov/current/title-15/section-736.2"},
		{"15 CFR 744", "https://www.ecfr.gov/current/title-15/part-744"},
		{"Supp. No. 4 to Part 744", "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C"},
	} {
		if got := cfrURL(c.in); got != c.cfr {
			t.Errorf("cfrURL(%q) = %q, want %q", c.in, got, c.cfr)
		}
	}
	for in, want := range map[string]string{
		"https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json": "data.trade.gov/…/consolidated.json",
		"https://scsanctions.un.org/": "scsanctions.un.org",
		"not a url":                   "not a url",
	} {
		if got := shortURL(in); got != want {
			t.Errorf("shortURL(%q) = %q, want %q", in, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 25921: "25,921", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := truncate("Hikvision 海康威视", 12); got != "Hikvision …" {
		t.Errorf("truncate cut inside a rune: %q", got)
	}
}

func TestReasonViews(t *testing.T) {
	el, _ := json.Marshal(ear.Reason{Rule: "entity-list", Title: "Entity List party", Outcome: ear.LicenseRequired})
	nlr, _ := json.Marshal(ear.Reason{Rule: "ear99", Title: "EAR99", Outcome: ear.NLR})
	info, _ := json.Marshal(ear.Reason{Rule: "cmic", Title: "CMIC hit", Outcome: ear.Info})
	dpl, _ := json.Marshal(ear.Reason{Rule: "dpl", Title: "Denied party", Outcome: ear.Prohibited})
	got := reasonViews([]json.RawMessage{nlr, info, el, json.RawMessage(`"a bare string"`), dpl})
	want := []string{"Denied party", "Entity List party", "EAR99", "CMIC hit", ""}
	if len(got) != len(want) {
		t.Fatalf("%d reasons, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Title != w {
			t.Errorf("reason %d: %q, want %q (deciding reasons first, engine order within a rank)", i, got[i].Title, w)
		}
	}
	if got[4].Raw != `"a bare string"` {
		t.Errorf("an undecodable reason is shown as its JSON: %q", got[4].Raw)
	}
}

func TestUserMessage(t *testing.T) {
	for in, want := range map[string]string{
		`invalid input: field "country": want an ISO code`: `Field "country": want an ISO code`,
		`invalid input: ärger`:                             `Ärger`,
		`invalid input: `:                                  `The input is not valid.`,
		`something else`:                                   `Something else`,
	} {
		if got := userMessage(errors.New(in)); got != want {
			t.Errorf("userMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
