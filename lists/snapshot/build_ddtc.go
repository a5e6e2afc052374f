package snapshot

import (
	"errors"
	"io"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/ddtc"
)

// mergeDTC completes the CSL's ITAR-debarred (DTC) rows from a DDTC export
// (statutory or administrative): the Federal Register notice date, which
// becomes ListedOn and dates the citation, the birth month where given,
// and the aliases written into the name. The CSL writes a person "Edwin
// Acety" where DDTC writes "Acety, Edwin", so rows are matched on their
// name words in any order (lists.NameKey), or an alias's. Rows the CSL
// lacks are not added: the CSL is the newer file.
func (b *builder) mergeDTC(r io.Reader, src *Source) error {
	byKey := map[string][]int{}
	for i := range b.entities {
		if e := &b.entities[i]; e.List == clearance.DTC {
			byKey[lists.NameKey(e.Name)] = append(byKey[lists.NameKey(e.Name)], i)
		}
	}
	rd := ddtc.NewNamedReader(r, src.File)
	var merged, unmatched int
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
		cand := byKey[lists.NameKey(o.Name)]
		for _, a := range o.Aliases {
			if len(cand) == 0 {
				cand = byKey[lists.NameKey(a)]
			}
		}
		if len(cand) == 0 {
			unmatched++
			continue
		}
		// Same name twice on the list: prefer the row citing the same notice.
		best := cand[0]
		for _, c := range cand {
			if sharedCites(b.entities[c].Citations, o.Citations) > sharedCites(b.entities[best].Citations, o.Citations) {
				best = c
			}
		}
		mergeDTCRow(&b.entities[best], &o)
		merged++
	}
	b.report.printf("%s: %d rows; %d merged into CSL DTC rows, %d match no CSL row", src.ID, src.Count, merged, unmatched)
	return nil
}

// mergeDTCRow adds what the DDTC row o knows to the CSL row e.
func mergeDTCRow(e, o *clearance.Entity) {
	// Dated citations first; ListedOn is the notice date, the earliest one
	// when two DDTC rows name the same party.
	before := e.ListedOn
	mergeCitations(e, o)
	if before != "" && (e.ListedOn == "" || before < e.ListedOn) {
		e.ListedOn = before
	}
	have := map[string]bool{lists.NameKey(e.Name): true}
	for _, a := range e.Aliases {
		have[lists.NameKey(a)] = true
	}
	for _, a := range append([]string{o.Name}, o.Aliases...) {
		if k := lists.NameKey(a); !have[k] {
			have[k] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	if len(e.BirthDates) == 0 {
		e.BirthDates = o.BirthDates
	}
	if e.Type == clearance.Unknown || e.Type == "" {
		e.Type, e.TypeInferred = o.Type, o.TypeInferred
	}
}
