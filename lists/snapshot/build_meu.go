package snapshot

import (
	"io"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/meu"
)

// enrichMEU completes the CSL's MEU rows from the Supplement No. 7 parse,
// as enrichEntityList does for the Entity List.
func (b *builder) enrichMEU(r io.Reader, src *Source) error {
	var parsed []clearance.Entity
	info, err := meu.ReadSupplement7(r, func(e clearance.Entity) error { parsed = append(parsed, e); return nil })
	if err != nil {
		return err
	}
	src.Count = info.Entries
	b.enrichFromParse(clearance.MEU, src.ID, info, parsed)
	return nil
}

// addMIEU adds the military-intelligence end users of 15 CFR 744.22 as list
// MIEU: the CSL does not carry them.
func (b *builder) addMIEU(r io.Reader, src *Source) error {
	n, err := meu.ReadMIEU(r, func(e clearance.Entity) error {
		e.ID = lists.StableID(e.List, "", firstOf(e.Countries), e.Name)
		b.entities = append(b.entities, e)
		return nil
	})
	if err != nil {
		return err
	}
	src.Count = n
	b.report.printf("%s: %d entries", src.ID, n)
	return nil
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
