package snapshot

import (
	"errors"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/csl"
)

// csl2022Lists are the lists the complete 2022 CSL completes: those no
// newer file dates or locates (UVL, ISN). The others have better sources.
var csl2022Lists = map[clearance.ListCode]bool{clearance.UVL: true, clearance.ISN: true}

// fillFromCSL2022 completes UVL and ISN rows from the last complete
// official CSL file (2022-04-21), which the newer compact CSL thinned out:
// the street addresses, and for ISN the start date, which becomes ListedOn
// (a sanction still listed in 2026 was imposed on or after its 2022 start
// date, so the older date never hides a listed party). Rows match on list,
// name words in any order (lists.NameKey) and a shared country. Only empty
// fields are filled: what the 2026 file says wins.
func (b *builder) fillFromCSL2022(r io.Reader, src *Source) error {
	byKey := map[string][]clearance.Entity{}
	rd := csl.NewNamedReader(r, src.File)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		src.Count++
		if !csl2022Lists[rec.List] {
			continue
		}
		e := rec.Entity()
		k := string(e.List) + "|" + lists.NameKey(e.Name)
		byKey[k] = append(byKey[k], e)
	}
	filled := map[clearance.ListCode]int{}
	dated := 0
	for i := range b.entities {
		e := &b.entities[i]
		if !csl2022Lists[e.List] {
			continue
		}
		var old *clearance.Entity
		for j, o := range byKey[string(e.List)+"|"+lists.NameKey(e.Name)] {
			if sharesCountry(e.Countries, o.Countries) {
				old = &byKey[string(e.List)+"|"+lists.NameKey(e.Name)][j]
				break
			}
		}
		if old == nil {
			continue
		}
		if !hasStreetAddress(e.Addresses) && hasStreetAddress(old.Addresses) {
			e.Addresses = append(append([]clearance.Address(nil), old.Addresses...), e.Addresses...)
			for _, c := range old.Countries {
				if !containsString(e.Countries, c) {
					e.Countries = append(e.Countries, c)
				}
			}
			filled[e.List]++
		}
		if e.ListedOn == "" && len(old.ListedOn) == 10 {
			e.ListedOn = old.ListedOn
			dated++
		}
	}
	b.report.printf("%s: %d rows; addresses for %d UVL and %d ISN rows, listing dates for %d ISN rows",
		src.ID, src.Count, filled[clearance.UVL], filled[clearance.ISN], dated)
	return nil
}

// hasStreetAddress reports whether any address says more than a country
// or region name.
func hasStreetAddress(addrs []clearance.Address) bool {
	for _, a := range addrs {
		if a.Street != "" || a.City != "" || strings.Contains(a.Full, ",") {
			return true
		}
	}
	return false
}
