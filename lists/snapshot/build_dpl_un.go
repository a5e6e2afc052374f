package snapshot

import (
	"errors"
	"fmt"
	"io"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/dpl"
	"github.com/clearance-oss/clearance/lists/un"
)

// notInDPLFile is the remark on CSL DPL rows the official file lacks.
const notInDPLFile = "Not in the BIS Denied Persons List file %s: the order may have been issued after that file, or may have expired or been lifted since; check its Federal Register citation."

// mergeDPL combines the official BIS DPL file with the CSL's DPL rows.
//
// The two cut the same orders differently: the BIS file (564 rows, the
// orders in force) has one row per party name and address, while the CSL
// (1,596 rows) has one row per party name and order, with the countries of
// all its addresses, and keeps orders the BIS file no longer lists. So each
// official row is merged into the CSL row of the same normalised name that
// shares a country and the most Federal Register citations; several
// official rows (addresses) can merge into one CSL row. The CSL row (and
// its id) gains the street addresses, the effective and expiration dates
// (ListedOn, EndDate), the dated citations, the standard-order flag and
// the aliases BIS writes into the name. Official rows with no CSL partner
// are added as entities of their own, since they are orders in force. CSL
// rows are all kept (the CSL is the newer file); those whose name no row
// of the official file bears say so in Remarks.
func (b *builder) mergeDPL(r io.Reader, src *Source) error {
	var official []clearance.Entity
	rd := dpl.NewNamedReader(r, src.File)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		official = append(official, rec.Entity())
	}
	src.Count = len(official)

	cslByName := map[string][]int{} // normalised name -> CSL DPL entity indexes
	cslRows := 0
	for i := range b.entities {
		if b.entities[i].List == clearance.DPL {
			k := lists.NormalizeName(b.entities[i].Name)
			cslByName[k] = append(cslByName[k], i)
			cslRows++
		}
	}
	officialNames := map[string]bool{}        // the official file's names, words in any order (lists.NameKey)
	absorbed := map[int][]*clearance.Entity{} // CSL entity index -> official rows merged into it
	var order []int                           // CSL indexes in first-merge order, for determinism
	var added []clearance.Entity
	for oi := range official {
		o := &official[oi]
		officialNames[lists.NameKey(o.Name)] = true
		best, bestShared, bestExtra := -1, -1, 0
		for _, ci := range cslByName[lists.NormalizeName(o.Name)] {
			c := &b.entities[ci]
			if !sharesCountry(c.Countries, o.Countries) {
				continue
			}
			shared := sharedCites(c.Citations, o.Citations)
			extra := len(c.Citations) + len(o.Citations) - 2*shared
			if shared > bestShared || (shared == bestShared && extra < bestExtra) {
				best, bestShared, bestExtra = ci, shared, extra
			}
		}
		if best < 0 {
			added = append(added, *o)
			continue
		}
		if absorbed[best] == nil {
			order = append(order, best)
		}
		absorbed[best] = append(absorbed[best], o)
	}
	for _, ci := range order {
		mergeDPLRows(&b.entities[ci], absorbed[ci])
	}
	remarked := 0
	b.dplAbsent, b.dplAsOf = map[int]string{}, src.AsOf
	for i := range b.entities {
		e := &b.entities[i]
		if e.List == clearance.DPL && absorbed[i] == nil && !officialNames[lists.NameKey(e.Name)] {
			e.Remarks = joinRemarks(e.Remarks, fmt.Sprintf(notInDPLFile, src.File))
			remarked++
			b.dplAbsent[i] = fmt.Sprintf(notInDPLFile, src.File)
		}
	}
	b.entities = append(b.entities, added...)
	b.report.printf("bis-dpl: %d official rows; %d merged into %d CSL DPL rows, %d added as entities of their own; %d of %d CSL DPL rows bear a name the official file lacks",
		len(official), len(official)-len(added), len(order), len(added), remarked, cslRows)
	return nil
}

// mergeDPLRows completes the CSL DPL row c with the official rows of
// the same party and order (one per address).
func mergeDPLRows(c *clearance.Entity, rows []*clearance.Entity) {
	var addrs []clearance.Address
	var cites []clearance.Citation
	have := map[string]bool{lists.NormalizeName(c.Name): true}
	for _, a := range c.Aliases {
		have[lists.NormalizeName(a)] = true
	}
	listedOn, endDate, openEnded := "", "", false
	for _, o := range rows {
		addrs = append(addrs, o.Addresses...)
		for _, cc := range o.Countries {
			if !containsString(c.Countries, cc) {
				c.Countries = append(c.Countries, cc)
			}
		}
		for _, a := range o.Aliases {
			if k := lists.NormalizeName(a); !have[k] {
				have[k] = true
				c.Aliases = append(c.Aliases, a)
			}
		}
		for _, x := range o.Citations {
			if !containsCite(cites, x) {
				cites = append(cites, x)
			}
		}
		// A denial order binds from its effective date until it expires
		// (its own terms; the standard terms are Supp. No. 2 to 15 CFR Part
		// 764): dates the official file states and the CSL lacks. Across
		// addresses take the widest span.
		if o.ListedOn != "" && (listedOn == "" || o.ListedOn < listedOn) {
			listedOn = o.ListedOn
		}
		if o.EndDate == "" {
			openEnded = true
		} else if o.EndDate > endDate {
			endDate = o.EndDate
		}
		if c.StandardOrder == "" {
			c.StandardOrder = o.StandardOrder
		}
		if c.Type == clearance.Unknown || c.Type == "" {
			c.Type, c.TypeInferred = o.Type, o.TypeInferred
		}
	}
	if openEnded {
		endDate = ""
	}
	c.Addresses = append(addrs, c.Addresses...)
	for _, x := range c.Citations {
		if !containsCite(cites, x) {
			cites = append(cites, x)
		}
	}
	c.Citations = cites
	c.ListedOn, c.EndDate = listedOn, endDate
}

func sharesCountry(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true // a missing country neither confirms nor refutes
	}
	for _, x := range a {
		if containsString(b, x) {
			return true
		}
	}
	return false
}

func sharedCites(a, b []clearance.Citation) int {
	n := 0
	for _, x := range a {
		if x.Cite != "" && containsCite(b, clearance.Citation{Cite: x.Cite}) {
			n++
		}
	}
	return n
}

func joinRemarks(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// addUN adds the UN Security Council Consolidated List as list UN.
func (b *builder) addUN(r io.Reader, src *Source) error {
	rd := un.NewNamedReader(r, src.File)
	n := 0
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		b.entities = append(b.entities, rec.Entity())
		n++
	}
	src.Count = n
	b.report.printf("un-sc: %d entries (generated %s)", n, rd.DateGenerated())
	return nil
}
