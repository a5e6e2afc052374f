package snapshot

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists"
	"github.com/clearance-oss/clearance/lists/ofac"
)

// OFAC's legacy files come in fours: a main file and three side files
// (addresses, aliases, remark overflow) joined on ent_num. Each is its own
// source (own as-of date, own SHA-256); the side files come first in the
// manifest, are kept in memory by keepSideFile, and the main file's step
// joins them. The side files are the main file's id plus these suffixes.
var ofacSideSuffixes = []string{"-add", "-alt", "-comments"}

// keepSideFile holds a side file's bytes until its main file's step.
func (b *builder) keepSideFile(r io.Reader, src *Source) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if b.side == nil {
		b.side = map[string][]byte{}
	}
	b.side[src.ID] = data
	// Count records as the OFAC reader sees them: CSV rows, without the
	// trailing end-of-file byte 0x1A.
	c := csv.NewReader(bytes.NewReader(data))
	c.FieldsPerRecord, c.LazyQuotes = -1, true
	for {
		row, err := c.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if len(row) == 1 && strings.Trim(row[0], "\x1a \r\n") == "" {
			continue
		}
		src.Count++
	}
	return nil
}

// mergeOFACSDN and mergeOFACNonSDN join sdn.csv / cons_prim.csv with their
// side files and complete the CSL rows of the same ent_num.
func (b *builder) mergeOFACSDN(r io.Reader, src *Source) error {
	return b.mergeOFAC(ofac.NewReader(r), src, func(l clearance.ListCode) bool { return l == clearance.SDN })
}

func (b *builder) mergeOFACNonSDN(r io.Reader, src *Source) error {
	return b.mergeOFAC(ofac.NewConsolidatedReader(r), src, isNonSDNList)
}

// mergeOFAC completes CSL rows from OFAC's own files. The CSL carries
// OFAC's entity number, so the join is exact: the CSL row with the same
// entity number on an OFAC list. The CSL is the newer file and keeps its
// name, list, programs and type; OFAC's files add what the CSL
// re-encoding dropped: street addresses (add.csv), aliases the CSL lacks
// (alt.csv), and from the remarks the birth dates and places,
// nationalities, citizenships, identity documents, title and vessel
// details — the evidence an analyst needs to clear a false positive.
// OFAC entries the CSL no longer lists are not added (delisted since).
func (b *builder) mergeOFAC(rd *ofac.Reader, src *Source, onList func(clearance.ListCode) bool) error {
	rd.SetFileName(src.File)
	sides := []func(io.Reader, string) error{rd.LoadAddresses, rd.LoadAliases, rd.LoadComments}
	for i, suffix := range ofacSideSuffixes {
		if data, ok := b.side[src.ID+suffix]; ok {
			if err := sides[i](bytes.NewReader(data), src.ID+suffix); err != nil {
				return err
			}
			delete(b.side, src.ID+suffix)
		}
	}
	byNumber := map[string]int{}
	for i := range b.entities {
		if e := &b.entities[i]; e.SourceID != "" && onList(e.List) {
			byNumber[e.SourceID] = i
		}
	}
	var merged, notInCSL int
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		src.Count++
		i, ok := byNumber[rec.EntNum]
		if !ok {
			notInCSL++
			continue
		}
		o := rec.Entity()
		mergeOFACEntity(&b.entities[i], &o)
		merged++
	}
	b.report.printf("%s: %d entries; %d merged into the CSL rows of the same entity number, %d not in the CSL (delisted since)",
		src.ID, src.Count, merged, notInCSL)
	return nil
}

// isNonSDNList reports whether list is one of OFAC's non-SDN lists, whose
// entries cons_prim.csv holds.
func isNonSDNList(l clearance.ListCode) bool {
	switch l {
	case clearance.SSI, clearance.FSE, clearance.PLC, clearance.CAP, clearance.CMIC, clearance.MBS:
		return true
	}
	return false
}

// mergeOFACEntity adds to the CSL row e what OFAC's entry o knows.
func mergeOFACEntity(e, o *clearance.Entity) {
	e.Addresses = append(append([]clearance.Address(nil), o.Addresses...), e.Addresses...)
	for _, c := range o.Countries {
		if !containsString(e.Countries, c) {
			e.Countries = append(e.Countries, c)
		}
	}
	have := map[string]bool{lists.NormalizeName(e.Name): true}
	for _, a := range e.Aliases {
		have[lists.NormalizeName(a)] = true
	}
	for _, a := range o.Aliases {
		if k := lists.NormalizeName(a); !have[k] {
			have[k] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&e.Title, o.Title)
	fill(&e.Remarks, o.Remarks)
	if len(e.BirthDates) == 0 {
		e.BirthDates = o.BirthDates
	}
	if len(e.BirthPlaces) == 0 {
		e.BirthPlaces = o.BirthPlaces
	}
	if len(e.Nationalities) == 0 {
		e.Nationalities = o.Nationalities
	}
	if len(e.Citizenships) == 0 {
		e.Citizenships = o.Citizenships
	}
	if len(e.IDs) == 0 {
		e.IDs = o.IDs
	}
	if e.Vessel == nil {
		e.Vessel = o.Vessel
	}
}

// checkSidesUsed reports side files whose main file never came.
func (b *builder) checkSidesUsed() error {
	for id := range b.side {
		return fmt.Errorf("snapshot: %s: side file %q has no main file after it", ManifestFile, id)
	}
	return nil
}
