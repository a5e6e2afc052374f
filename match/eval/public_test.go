package eval

import (
	"strings"
	"testing"
)

// FuzzParseCSV checks that the labelled-set reader never panics and that
// every row it returns has every header column.
func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"nomenklatura_name_bench_cases.csv", "watchman_cross_script_pairs.csv", "yente_negatives_us_1000.csv"} {
		b, err := testdata.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b[:min(len(b), 2000)]))
	}
	f.Add("a,b\n\"unterminated,1\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := parseCSV(strings.NewReader(s), "fuzz", nil)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) == 0 {
				t.Fatalf("empty row from %q", s)
			}
		}
	})
}
