package batch

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/clearance-oss/clearance/batch/internal/gen"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
)

// BenchmarkBatch screens generated rows (20% variants of listed names, the
// rest ordinary names) against the embedded snapshot and reports rows/s:
//
//	go test ./batch/ -run '^$' -bench Batch -benchtime 2x
func BenchmarkBatch(b *testing.B) {
	snap, err := snapshot.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix := match.NewIndex(snap.Entities)
	g, err := gen.New(snap.Entities, 0.2, 1)
	if err != nil {
		b.Fatal(err)
	}
	const rows = 5000
	var in bytes.Buffer
	if err := g.WriteCSV(&in, rows); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{FormatJSONL, FormatCSV, FormatXLSX} {
		b.Run(format, func(b *testing.B) {
			var hits int
			for b.Loop() {
				r, err := OpenReader("in.csv", bytes.NewReader(in.Bytes()))
				if err != nil {
					b.Fatal(err)
				}
				w, _ := NewWriter(format, io.Discard)
				stats, err := Run(context.Background(), ix, r, w, Options{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				hits = stats.RowsWithHits
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(hits)/rows, "hit-rate")
		})
	}
}
