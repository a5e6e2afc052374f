// Package gen generates batch input files for benchmarks and the
// 100,000-row measurement: real-looking parties, a share of them spelling
// variants of listed names (exact, alias, case, punctuation dropped, a typo,
// "SURNAME, Given" turned into "Given Surname") and the rest ordinary
// people and companies built from the name parts in names.txt.
package gen

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
	"golang.org/x/text/language"
)

//go:embed names.txt
var namesTxt string

// Parts are the sections of names.txt.
type Parts struct {
	Given, Surname, Stem, Trade, Legal, Country []string
}

// LoadParts parses names.txt: "[section]" headers, one entry a line,
// "#" comments.
func LoadParts() (Parts, error) {
	var p Parts
	sections := map[string]*[]string{"given": &p.Given, "surname": &p.Surname, "stem": &p.Stem, "trade": &p.Trade, "legal": &p.Legal, "country": &p.Country}
	var cur *[]string
	sc := bufio.NewScanner(strings.NewReader(namesTxt))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || strings.HasPrefix(s, "#"):
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			var ok bool
			if cur, ok = sections[s[1:len(s)-1]]; !ok {
				return p, fmt.Errorf("names.txt: line %d: unknown section %s", line, s)
			}
		case cur == nil:
			return p, fmt.Errorf("names.txt: line %d: entry before the first [section]", line)
		default:
			*cur = append(*cur, s)
		}
	}
	for name, s := range sections {
		if len(*s) == 0 {
			return p, fmt.Errorf("names.txt: section [%s] is empty", name)
		}
	}
	return p, nil
}

// Generator produces rows; it is deterministic for a given seed.
type Generator struct {
	parts    Parts
	listed   []clearance.Entity
	share    float64 // fraction of rows that are variants of listed names
	rng      *rand.Rand
	Variants map[string]int // how many rows each kind of variant produced
}

// New returns a generator drawing listed-name variants from entities for a
// share (0..1) of the rows.
func New(entities []clearance.Entity, share float64, seed uint64) (*Generator, error) {
	p, err := LoadParts()
	if err != nil {
		return nil, err
	}
	if len(entities) == 0 {
		share = 0
	}
	return &Generator{parts: p, listed: entities, share: share, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Variants: map[string]int{}}, nil
}

func (g *Generator) pick(s []string) string { return s[g.rng.IntN(len(s))] }

// Row returns one row: name, type ("person", "entity", … or "") and
// country (ISO-2 or "").
func (g *Generator) Row() (name, typ, country string) {
	if g.rng.Float64() < g.share {
		return g.listedVariant()
	}
	if g.rng.IntN(2) == 0 {
		g.Variants["unlisted person"]++
		name = g.pick(g.parts.Given) + " " + g.pick(g.parts.Surname)
		if g.rng.IntN(4) == 0 {
			name = g.pick(g.parts.Given) + " " + name
		}
		typ = []string{"person", "person", ""}[g.rng.IntN(3)]
	} else {
		g.Variants["unlisted company"]++
		name = g.pick(g.parts.Stem) + " " + g.pick(g.parts.Trade) + " " + g.pick(g.parts.Legal)
		if g.rng.IntN(5) == 0 {
			name = g.pick(g.parts.Surname) + " & " + g.pick(g.parts.Surname) + " " + g.pick(g.parts.Legal)
		}
		typ = []string{"entity", "entity", ""}[g.rng.IntN(3)]
	}
	if g.rng.IntN(3) > 0 {
		country = g.pick(g.parts.Country)
	}
	return name, typ, country
}

func (g *Generator) listedVariant() (name, typ, country string) {
	e := &g.listed[g.rng.IntN(len(g.listed))]
	name = e.Name
	kind := []string{"exact", "alias", "case", "punctuation", "typo", "reordered"}[g.rng.IntN(6)]
	switch kind {
	case "alias":
		if len(e.Aliases) == 0 {
			kind = "exact"
			break
		}
		name = e.Aliases[g.rng.IntN(len(e.Aliases))]
	case "case":
		if g.rng.IntN(2) == 0 {
			name = strings.ToUpper(name)
		} else {
			name = strings.ToLower(name)
		}
	case "punctuation":
		name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	case "typo":
		name = typo(g.rng, name)
	case "reordered":
		// Lists write people "SURNAME, Given"; customers write "Given Surname".
		if i := strings.Index(name, ", "); i > 0 && e.Type == clearance.Person {
			name = name[i+2:] + " " + name[:i]
		} else {
			kind = "exact"
		}
	}
	g.Variants["listed "+kind]++
	switch e.Type {
	case clearance.Person, clearance.Vessel, clearance.Aircraft:
		typ = string(e.Type)
	case clearance.Organization:
		typ = "entity"
	}
	if len(e.Countries) > 0 && g.rng.IntN(2) == 0 && validCountry(e.Countries[0]) {
		country = e.Countries[0]
	}
	return name, typ, country
}

// typo swaps two adjacent letters of the longest word, or drops one.
func typo(rng *rand.Rand, name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return name
	}
	longest := 0
	for i, w := range words {
		if len([]rune(w)) > len([]rune(words[longest])) {
			longest = i
		}
	}
	r := []rune(words[longest])
	if len(r) < 4 {
		return name
	}
	i := 1 + rng.IntN(len(r)-2)
	if rng.IntN(2) == 0 {
		r[i], r[i+1] = r[i+1], r[i]
	} else {
		r = append(r[:i], r[i+1:]...)
	}
	words[longest] = string(r)
	return strings.Join(words, " ")
}

func validCountry(c string) bool {
	if len(c) != 2 {
		return false
	}
	r, err := language.ParseRegion(c)
	return err == nil && r.IsCountry()
}

// WriteCSV writes a header (id,name,type,country) and n rows to w.
func (g *Generator) WriteCSV(w io.Writer, n int) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "name", "type", "country"}); err != nil {
		return err
	}
	for i := range n {
		name, typ, country := g.Row()
		if err := cw.Write([]string{"R" + strconv.Itoa(i+1), name, typ, country}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
