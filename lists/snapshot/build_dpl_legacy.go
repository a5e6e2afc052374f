package snapshot

import (
	"errors"
	"fmt"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/dpl"
)

// expiredRemark replaces notInDPLFile when the legacy file shows the order
// expired.
const expiredRemark = "Not in the BIS Denied Persons List file %s; the %s DPL file (%s) gives the order as expiring on %s."

// dateFromLegacyDPL dates the CSL DPL rows that the current official DPL
// file does not name, from the last legacy dpl.txt (2023-11), which gives
// each order's effective and expiration dates. A row matches on its name
// words in any order (lists.NameKey) and a shared country. It gains
// ListedOn (the effective date) and a street address where it has none;
// and when the order expired before the current file's date, EndDate —
// unless one of the row's own citations is dated after that expiry, which
// would mean the order was renewed and the old date no longer ends it.
// With EndDate set, Entity.ListedAsOf tells the expired order apart.
func (b *builder) dateFromLegacyDPL(r io.Reader, src *Source) error {
	if b.dplAbsent == nil {
		return errors.New("must follow the official DPL file (bis-dpl) in the manifest")
	}
	byKey := map[string][]clearance.Entity{}
	rd := dpl.NewNamedLegacyReader(r, src.File)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		src.Count++
		o := rec.Entity()
		byKey[lists.NameKey(o.Name)] = append(byKey[lists.NameKey(o.Name)], o)
	}
	var matched, ended, renewed int
	for i, remark := range b.dplAbsent {
		e := &b.entities[i]
		var old *clearance.Entity
		for j, o := range byKey[lists.NameKey(e.Name)] {
			if sharesCountry(e.Countries, o.Countries) {
				old = &byKey[lists.NameKey(e.Name)][j]
				break
			}
		}
		if old == nil {
			continue
		}
		matched++
		if e.ListedOn == "" {
			e.ListedOn = old.ListedOn
		}
		if !hasStreetAddress(e.Addresses) {
			e.Addresses = append(append([]clearance.Address(nil), old.Addresses...), e.Addresses...)
		}
		if e.StandardOrder == "" {
			e.StandardOrder = old.StandardOrder
		}
		if old.EndDate == "" || old.EndDate >= b.dplAsOf {
			continue
		}
		if later := fedregAfter(e.Citations, old.EndDate); later != "" {
			renewed++
			continue
		}
		e.EndDate = old.EndDate
		e.Remarks = strings.Replace(e.Remarks, remark, fmt.Sprintf(expiredRemark, b.sourceFile("bis-dpl"), src.AsOf[:4], src.File, old.EndDate), 1)
		ended++
	}
	b.report.printf("%s: %d rows; %d of the %d CSL DPL rows absent from the official file found here, %d of them with an order that expired before %s (EndDate set), %d cited again after the expiry (left open)",
		src.ID, src.Count, matched, len(b.dplAbsent), ended, b.dplAsOf, renewed)
	return nil
}

// fedregAfter returns the first citation date later than date, or "".
func fedregAfter(cites []clearance.Citation, date string) string {
	for _, c := range cites {
		if c.Date > date {
			return c.Date
		}
	}
	return ""
}

// sourceFile returns the file name of an already read source.
func (b *builder) sourceFile(id string) string {
	for _, s := range b.sources {
		if s.ID == id {
			return s.File
		}
	}
	return id
}
