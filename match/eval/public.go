package eval

import (
	"bufio"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

//go:embed testdata/*.csv testdata/*.txt
var testdata embed.FS

// Names of the public sets.
const (
	SetNameBench   = "nomenklatura-name-bench"
	SetCrossScript = "watchman-cross-script"
	SetYenteUN     = "yente-un-treated"
	SetPutin       = "putin-81-spellings"
	SetNegUS       = "yente-negatives-us"
	SetNegGlobal   = "yente-negatives-global"
	SetCongress    = "us-congress"
)

// readCSV reads an embedded CSV file with a header row and returns the rows
// as maps from column name to value.
func readCSV(name string) ([]map[string]string, error) {
	return readCSVWithHeader(name, nil)
}

// readCSVWithHeader is readCSV for a file whose header is given (nil: the
// first row).
func readCSVWithHeader(name string, header []string) ([]map[string]string, error) {
	f, err := testdata.Open("testdata/" + name)
	if err != nil {
		return nil, fmt.Errorf("eval: %s: %w", name, err)
	}
	defer f.Close()
	return parseCSV(f, name, header)
}

// parseCSV reads CSV rows from r ('#' starts a comment line) as maps from
// column name to value; header nil means the first row is the header. name
// labels errors.
func parseCSV(f io.Reader, name string, header []string) ([]map[string]string, error) {
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	if header == nil {
		h, err := r.Read()
		if err != nil {
			return nil, fmt.Errorf("eval: %s: header: %w", name, err)
		}
		header = h
	}
	var rows []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("eval: %s: row %d: %w", name, line, err)
		}
		if len(rec) < len(header) {
			return nil, fmt.Errorf("eval: %s: row %d: %d fields, want %d", name, line, len(rec), len(header))
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// schemaType maps a FollowTheMoney schema name to an entity type.
func schemaType(schema string) clearance.EntityType {
	switch schema {
	case "Person":
		return clearance.Person
	case "Company", "Organization", "LegalEntity":
		return clearance.Organization
	case "Vessel":
		return clearance.Vessel
	}
	return clearance.Unknown
}

// NameBench loads the OpenSanctions nomenklatura name bench: 826 labelled
// pairs of person, company and vessel names.
func NameBench() (*Set, error) {
	rows, err := readCSV("nomenklatura_name_bench_cases.csv")
	if err != nil {
		return nil, err
	}
	s := &Set{Name: SetNameBench, Kind: Pairs, Description: "OpenSanctions name bench, 826 labelled pairs (their logic-v2 matcher: F1 0.798)"}
	for _, r := range rows {
		t := schemaType(r["schema"])
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: r["name1"], Type: t}, Listed: r["name2"], ListedType: t,
			Match: r["is_match"] == "true", Note: r["case_group"]})
	}
	return s, nil
}

// CrossScript loads the watchman cross-script pairs (Arabic, Cyrillic, Han,
// Hangul, kana, Greek, Hebrew, Thai queries against a Latin name); all are
// matches.
func CrossScript() (*Set, error) {
	// The file's header is a comment: "# Format: Query,Expected Match,Min Score,Description".
	rows, err := readCSVWithHeader("watchman_cross_script_pairs.csv", []string{"Query", "Expected Match", "Min Score", "Description"})
	if err != nil {
		return nil, err
	}
	s := &Set{Name: SetCrossScript, Kind: Pairs, Description: "watchman cross-script pairs, all true matches"}
	for _, r := range rows {
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: r["Query"]}, Listed: r["Expected Match"], Match: true, Note: r["Description"]})
	}
	return s, nil
}

// exactEntities returns the ids of the entities that have a name equal to
// name after normalisation (score 1), the expected hits for a query whose
// untreated form is name.
func exactEntities(ix *match.Index, name string) []string {
	var ids []string
	for _, m := range ix.Search(match.Query{Name: name, Threshold: 0.999, Limit: -1}) {
		ids = append(ids, m.EntityID)
	}
	return ids
}

// YenteUN loads the yente UN positives: 683 UN-listed persons, each with a
// "treated" query (typos, reordering) and the name as listed. A case whose
// listed name no indexed entity carries exactly is skipped and counted.
func YenteUN(ix *match.Index) (*Set, error) {
	treated, err := readCSV("yente_positives_un_treated.csv")
	if err != nil {
		return nil, err
	}
	untreated, err := readCSV("yente_positives_un_untreated.csv")
	if err != nil {
		return nil, err
	}
	if len(treated) != len(untreated) {
		return nil, fmt.Errorf("eval: yente UN: %d treated rows but %d untreated", len(treated), len(untreated))
	}
	s := &Set{Name: SetYenteUN, Kind: Positive, Description: "yente UN persons: treated query must find the listed (untreated) name"}
	for i := range treated {
		want := exactEntities(ix, untreated[i]["full_name"])
		if len(want) == 0 {
			s.Skipped++
			continue
		}
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: treated[i]["full_name"]}, Expect: want,
			Note: "listed as " + untreated[i]["full_name"]})
	}
	return s, nil
}

// Putin loads the 81 spellings of Vladimir Putin's name, in many scripts,
// each of which must find his listed entry.
func Putin(ix *match.Index) (*Set, error) {
	want := exactEntities(ix, "PUTIN, Vladimir Vladimirovich")
	if len(want) == 0 {
		return nil, fmt.Errorf("eval: putin: no indexed entity is named PUTIN, Vladimir Vladimirovich")
	}
	f, err := testdata.Open("testdata/nomenklatura_putin_names.txt")
	if err != nil {
		return nil, fmt.Errorf("eval: putin: %w", err)
	}
	defer f.Close()
	s := &Set{Name: SetPutin, Kind: Positive, Description: "81 spellings of one listed person in many scripts"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			s.Cases = append(s.Cases, Case{Query: match.Query{Name: line}, Expect: want})
		}
	}
	return s, sc.Err()
}

// negatives loads a yente file of names that are not listed.
func negatives(file, name, desc string) (*Set, error) {
	rows, err := readCSV(file)
	if err != nil {
		return nil, err
	}
	s := &Set{Name: name, Kind: Negative, Description: desc}
	for _, r := range rows {
		s.Cases = append(s.Cases, Case{Query: match.Query{Name: r["full_name"]}})
	}
	return s, nil
}

// PublicSets loads every public set; the positive sets resolve their
// expected entities in ix.
func PublicSets(ix *match.Index) ([]*Set, error) {
	var out []*Set
	for _, load := range []func() (*Set, error){
		NameBench,
		CrossScript,
		func() (*Set, error) { return YenteUN(ix) },
		func() (*Set, error) { return Putin(ix) },
		func() (*Set, error) {
			return negatives("yente_negatives_us_1000.csv", SetNegUS, "1,000 synthetic unlisted US-style person names")
		},
		func() (*Set, error) {
			return negatives("yente_negatives_global_1000.csv", SetNegGlobal, "1,000 synthetic unlisted person names, many scripts")
		},
		func() (*Set, error) {
			return negatives("yente_positives_us_congress_untreated.csv", SetCongress, "1,254 US Congress members (not sanctioned)")
		},
		func() (*Set, error) { return ListsOriginalScript(ix.Entities()), nil },
	} {
		s, err := load()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
