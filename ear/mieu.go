package ear

import (
	"fmt"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// mieuEntities reads the § 744.22(f)(2) named military-intelligence end
// users (data/mieu_opensanctions.csv). The CSL does not carry them, so the
// engine screens parties against this small list too when the main index
// has no MIEU entries.
func mieuEntities() ([]clearance.Entity, error) {
	b, err := dataFS.ReadFile("data/mieu_opensanctions.csv")
	if err != nil {
		return nil, fmt.Errorf("ear: mieu_opensanctions.csv: %w", err)
	}
	recs, err := readCSV(b, false)
	if err != nil {
		return nil, fmt.Errorf("ear: mieu_opensanctions.csv: %w", err)
	}
	var out []clearance.Entity
	for i, r := range recs {
		if len(r) != 9 || r[1] == "" || (r[6] != "" && !isISODate(r[6])) {
			return nil, fmt.Errorf("ear: mieu_opensanctions.csv: line %d: want Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL", i+2)
		}
		e := clearance.Entity{
			ID: fmt.Sprintf("ear-mieu-%02d", i+1), List: clearance.MIEU, Type: clearance.Organization,
			Name: r[1], ListedOn: r[6], EndDate: r[7], SourceURL: r[8],
			LicenseRequirement: "For all items subject to the EAR (15 CFR 744.22(a))",
			LicensePolicy:      "Presumption of denial (15 CFR 744.22(e))",
			Citations:          []clearance.Citation{{Text: "86 FR 4865", Cite: "86 FR 4865", Date: "2021-01-15"}},
		}
		if r[2] != "" {
			e.Aliases = strings.Split(r[2], ";")
		}
		if r[3] != "" {
			e.Countries = []string{r[3]}
		}
		out = append(out, e)
	}
	return out, nil
}

func indexHasList(ix *match.Index, l clearance.ListCode) bool {
	if ix == nil {
		return false
	}
	for _, e := range ix.Entities() {
		if e.List == l {
			return true
		}
	}
	return false
}
