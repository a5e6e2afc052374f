// Command gencsv writes a batch input CSV of real-looking parties for
// measuring `clearance screen --input`: a share of spelling variants of
// names on the embedded snapshot's lists, the rest ordinary names.
//
//	go run ./batch/internal/gen/gencsv -n 100000 -o /tmp/parties-100k.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/clearance-oss/clearance/batch/internal/gen"
	"github.com/clearance-oss/clearance/lists/snapshot"
)

func main() {
	n := flag.Int("n", 100000, "rows to write")
	out := flag.String("o", "", "output CSV file (default stdout)")
	share := flag.Float64("listed", 0.2, "share of rows that are variants of listed names")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same file)")
	flag.Parse()
	if err := run(*n, *out, *share, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gencsv:", err)
		os.Exit(1)
	}
}

func run(n int, out string, share float64, seed uint64) error {
	snap, err := snapshot.Default()
	if err != nil {
		return err
	}
	g, err := gen.New(snap.Entities, share, seed)
	if err != nil {
		return err
	}
	w := os.Stdout
	if out != "" {
		if w, err = os.Create(out); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	if err := g.WriteCSV(bw, n); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	kinds := make([]string, 0, len(g.Variants))
	for k := range g.Variants {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(os.Stderr, "%-22s %7d\n", k, g.Variants[k])
	}
	return nil
}
