// Package batch screens a file of parties against a match.Index: it reads
// CSV or XLSX input row by row, screens the rows on a small worker pool,
// and writes CSV, XLSX or JSONL output in input order, in constant memory.
//
// The input columns and the JSONL output shape are the batch contract of
// issue 2 (see docs/screening.md); the CLI (`clearance screen --input`) and
// the API server's batch jobs both call this package.
//
//	in, _ := batch.OpenReader("customers.csv", f)
//	out, _ := batch.NewWriter(batch.FormatJSONL, w)
//	stats, err := batch.Run(ctx, ix, in, out, batch.Options{}, nil)
//	err = out.Close()
//
// ScreenFile does all of that for two paths, writing the output atomically.
package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// Searcher screens one query: *match.Index is the implementation; the
// interface lets tests and callers wrap it (timing, caching, a remote index).
type Searcher interface {
	Search(match.Query) []clearance.Match
}

// DefaultLimit is the most matches reported per row when Options.Limit is 0.
// It is higher than a single search's default (10) because a batch has no
// second look: a common name can match more than ten listed parties at or
// above the threshold, and an analyst must see all of them.
const DefaultLimit = 25

// Options control a batch run.
type Options struct {
	Threshold float64              // report matches at or above this score; 0 means match.DefaultThreshold
	Limit     int                  // most matches per row; 0 means DefaultLimit, negative means no limit
	Lists     []clearance.ListCode // screen against these lists only; nil means all
	Explain   bool                 // fill each match's explanation (the "reason" column/field)
	AsOf      string               // optional YYYY-MM-DD: only entries listed on that date
	Workers   int                  // screening goroutines; 0 means GOMAXPROCS
}

// Stats summarises a run.
type Stats struct {
	Rows         int           // input rows screened
	RowsWithHits int           // rows with at least one match
	Matches      int           // matches written
	Elapsed      time.Duration // wall time of the run
}

// RowsPerSecond is the throughput of the run.
func (s Stats) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// String is the one-line summary printed at the end of a batch.
func (s Stats) String() string {
	return fmt.Sprintf("%d rows screened, %d with hits, %d matches, in %s (%.0f rows/s)",
		s.Rows, s.RowsWithHits, s.Matches, s.Elapsed.Round(time.Millisecond), s.RowsPerSecond())
}

// query builds the search for one row.
func (o Options) query(r Row) match.Query {
	limit := o.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	return match.Query{Name: r.Name, Type: r.Type, Country: r.Country, Lists: o.Lists,
		Threshold: o.Threshold, Limit: limit, Explain: o.Explain, AsOf: o.AsOf}
}

type job struct {
	seq int
	row Row
}

type screened struct {
	seq int
	res Result
	err error
}

// Run screens every row of in against ix and writes one Result per row to
// out, in input order. It does not close in or out. progress, when not nil,
// is called after each row is written with the rows written so far and how
// many of them had hits; it runs on Run's goroutine, so keep it cheap.
//
// Memory is bounded: at most a few rows per worker are between reading and
// writing at any time (a window the writer releases as it catches up), so a
// slow row holds back the reader instead of letting finished rows pile up.
// On the first error (bad input row, failed write, cancelled ctx) Run stops
// reading and returns that error with the stats so far.
func Run(ctx context.Context, ix Searcher, in Reader, out Writer, opts Options, progress func(done, hits int)) (Stats, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		window     = make(chan struct{}, 4*workers) // rows in flight between reader and writer
		jobs       = make(chan job, workers)
		results    = make(chan screened, workers)
		readErr    error
		readEOF    bool // the reader reached the end of the input
		rowsIn     int  // rows the reader handed to the workers
		wg         sync.WaitGroup
		readerDone = make(chan struct{})
	)

	// Reader: one goroutine, so rows get sequence numbers in input order.
	go func() {
		defer close(readerDone)
		defer close(jobs)
		for seq := 0; ; seq++ {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			row, err := in.Read()
			if err == io.EOF {
				readEOF = true
				return
			}
			if err != nil {
				readErr = err
				cancel()
				return
			}
			select {
			case jobs <- job{seq, row}:
				rowsIn++
			case <-ctx.Done():
				return
			}
		}
	}()

	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s := screenRow(ix, opts, j)
				select {
				case results <- s:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Writer: re-sequence so output keeps input order.
	var (
		stats    Stats
		writeErr error
		pending  = make(map[int]Result, cap(window))
		next     int
	)
	for s := range results {
		if writeErr != nil {
			continue // drain so workers can exit
		}
		if s.err != nil {
			writeErr = s.err
			cancel()
			continue
		}
		pending[s.seq] = s.res
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := out.Write(r); err != nil {
				writeErr = err
				cancel()
				break
			}
			<-window
			stats.Rows++
			stats.Matches += len(r.Matches)
			if len(r.Matches) > 0 {
				stats.RowsWithHits++
			}
			if progress != nil {
				progress(stats.Rows, stats.RowsWithHits)
			}
		}
	}
	// Workers may have left early on cancellation; the reader may still be
	// inside in.Read. Wait for it: its variables are read below, and the
	// caller may close in as soon as Run returns.
	<-readerDone
	stats.Elapsed = time.Since(start)
	switch {
	case readErr != nil:
		return stats, readErr
	case writeErr != nil:
		return stats, writeErr
	case readEOF && stats.Rows == rowsIn:
		return stats, nil // complete, even if ctx was cancelled just now
	case ctx.Err() != nil:
		return stats, fmt.Errorf("batch stopped after %d rows: %w", stats.Rows, context.Cause(ctx))
	}
	return stats, fmt.Errorf("batch stopped after %d of %d rows", stats.Rows, rowsIn)
}

// screenRow searches one row, turning a matcher panic into an error that
// names the row: a batch job in the server must fail, not crash the process.
func screenRow(ix Searcher, opts Options, j job) (s screened) {
	s.seq = j.seq
	defer func() {
		if p := recover(); p != nil {
			s.err = fmt.Errorf("row %d: screening %q failed: %v", j.row.Line, j.row.Name, p)
		}
	}()
	q := opts.query(j.row)
	s.res = Result{Row: j.row, Matches: contractOrder(ix.Search(q), q.Threshold)}
	return s
}

// contractOrder enforces the batch contract on whatever the searcher
// returned: only matches at or above the threshold, best first (ties in the
// searcher's order). The matcher already does both; this keeps the promise
// to the file's reader even if a Searcher does not.
func contractOrder(ms []clearance.Match, threshold float64) []clearance.Match {
	if threshold <= 0 {
		threshold = match.DefaultThreshold
	}
	kept := ms[:0]
	for _, m := range ms {
		if m.Score >= threshold {
			kept = append(kept, m)
		}
	}
	sort.SliceStable(kept, func(a, b int) bool { return kept[a].Score > kept[b].Score })
	return kept
}

// ScreenFile screens the file at inPath (.csv or .xlsx) and writes the
// results to outPath (.csv, .xlsx or .jsonl). The output is written to a
// temporary file in outPath's directory and renamed over outPath only when
// everything succeeded, so a failed or cancelled run leaves no
// half-written file behind (and an existing outPath untouched).
func ScreenFile(ctx context.Context, ix Searcher, inPath, outPath string, opts Options, progress func(done, hits int)) (Stats, error) {
	outFormat, err := FormatOf(outPath)
	if err != nil {
		return Stats{}, fmt.Errorf("output %w", err)
	}
	if _, err := FormatOf(inPath); err != nil {
		return Stats{}, fmt.Errorf("input %w", err)
	}
	f, err := os.Open(inPath)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	if fi, err := os.Stat(outPath); err == nil {
		if ii, err := f.Stat(); err == nil && os.SameFile(fi, ii) {
			return Stats{}, fmt.Errorf("%s: output would overwrite the input file", outPath)
		}
	}
	in, err := OpenReader(inPath, f)
	if err != nil {
		return Stats{}, err
	}
	defer in.Close()

	tmp, err := os.CreateTemp(filepath.Dir(outPath), "."+filepath.Base(outPath)+".tmp-*")
	if err != nil {
		return Stats{}, fmt.Errorf("creating output: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	out, err := NewWriter(outFormat, tmp)
	if err != nil {
		return Stats{}, err
	}
	stats, err := Run(ctx, ix, in, out, opts, progress)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return stats, err
	}
	if err := tmp.Sync(); err != nil { // the rename must not publish a file the disk does not hold yet
		return stats, fmt.Errorf("%s: %w", outPath, err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600; results are an ordinary file
		return stats, fmt.Errorf("%s: %w", outPath, err)
	}
	if err := tmp.Close(); err != nil {
		return stats, fmt.Errorf("%s: %w", outPath, err)
	}
	if err := os.Rename(tmp.Name(), outPath); err != nil {
		return stats, fmt.Errorf("%s: %w", outPath, err)
	}
	committed = true
	return stats, nil
}

// CountRows returns the number of rows in an input file that Run would
// screen (blank rows are skipped), validating every row on the way. The CLI
// uses it to draw a progress bar with a known total; it costs a read of the
// file, a few percent of the time screening takes.
func CountRows(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	in, err := OpenReader(path, f)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	n := 0
	for {
		_, err := in.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
