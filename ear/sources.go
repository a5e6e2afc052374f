package ear

import "fmt"

// DataSource describes one embedded regulation table: what it is, the
// regulation it transcribes, and the date it is current to. `clearance
// lists` and GET /v1/lists show them next to the party lists.
type DataSource struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Citation string `json:"citation"`
	AsOf     string `json:"as_of"` // YYYY-MM-DD
	Rows     int    `json:"rows"`
	File     string `json:"file"` // in ear/data
	Origin   string `json:"origin"`
}

// DataSources returns the provenance of the embedded EAR tables (see
// ear/data/SOURCE.txt for the full record).
func DataSources() ([]DataSource, error) {
	t, err := loadTables()
	if err != nil {
		return nil, err
	}
	lastFR, lastWindow := "", ""
	for _, n := range t.fr {
		if n.Published > lastFR {
			lastFR = n.Published
		}
	}
	for _, w := range t.affiliates {
		if w.From > lastWindow {
			lastWindow = w.From
		}
	}
	rows, eccns := 0, 0
	for _, e := range t.ccl {
		if !e.Example {
			rows += len(e.Rows)
			eccns++
		}
	}
	mieu, err := mieuEntities()
	if err != nil {
		return nil, err
	}
	lastMIEU := ""
	for _, m := range mieu {
		if m.ListedOn > lastMIEU {
			lastMIEU = m.ListedOn
		}
	}
	return []DataSource{
		{"country-chart", "Commerce Country Chart", "Supp. No. 1 to 15 CFR Part 738", cclAsOf, len(t.chart), "country_chart.csv", "eCFR versioner (issue date 2026-07-23)"},
		{"country-groups", "Country Groups", "Supp. No. 1 to 15 CFR Part 740", cclAsOf, len(t.groups), "country_groups.csv", "eCFR versioner (issue date 2026-07-23)"},
		{"ccl", "Commerce Control List license requirements", "Supp. No. 1 to 15 CFR Part 774", cclAsOf, eccns, "eccn_controls.csv.gz", fmt.Sprintf("eCFR versioner (issue date 2026-07-23); %d License Requirements rows", rows)},
		{"license-exception-flags", "License exception eligibility per ECCN", "Supp. No. 1 to 15 CFR Part 774; Part 740", cclAsOf, len(t.flags), "eccn_license_exception_flags.csv.gz", "eCFR versioner (issue date 2026-07-23)"},
		{"supp2-744", "Military end-use items (Supp. No. 2 to Part 744) and UN arms-embargo destinations", "15 CFR 744.21; 15 CFR 746.1(b)", "2026-09-24", len(t.supp2), "part744_enduse_lists.json", "eCFR text dated 2026-09-24"},
		{"mieu", "Named military-intelligence end users", "15 CFR 744.22(f)(2)", lastMIEU, len(mieu), "mieu_opensanctions.csv", "OpenSanctions curated list of § 744.22 organisations"},
		{"rules", "Rule dates and citations; Federal Register notices", "15 CFR parts 736-746", lastFR, len(t.rules), "rules.csv, fr_notices.csv", "written for Clearance from the regulation text (see SOURCE.txt)"},
		{"affiliates-rule", "Affiliates (50%) rule windows", "15 CFR 744.11(a)(1); 90 FR 47201; 90 FR 50857", lastWindow, len(t.affiliates), "affiliates_rule.csv", "Federal Register notices"},
	}, nil
}
