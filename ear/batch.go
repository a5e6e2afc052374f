package ear

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
)

// MaxLineBytes bounds one request line in a batch.
const MaxLineBytes = 4 << 20

// BatchError is the output line for an input line that could not be
// determined: the run goes on, and the line keeps its place in the output.
type BatchError struct {
	ID    string `json:"id"`
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// BatchSummary counts what a batch run produced.
type BatchSummary struct {
	Lines      int             `json:"lines"`  // request lines read (blank lines skipped)
	Errors     int             `json:"errors"` // lines answered with a BatchError
	ByDecision map[Outcome]int `json:"by_decision"`
}

// batchJob is one request line on its way through the workers; done is
// closed when out is set.
type batchJob struct {
	line     int
	in       []byte
	out      any
	decision Outcome
	failed   bool
	done     chan struct{}
}

// RunBatch reads JSON requests, one per line, from r and writes one JSON
// line per request to w, in input order, streaming: lines are determined by
// GOMAXPROCS workers and written as soon as every earlier line is written,
// so memory stays bounded whatever the file size. A line that is not a
// valid request is answered with a BatchError naming the line number and
// the field; the run continues. The returned error is only for I/O
// failures and cancellation.
func (e *Engine) RunBatch(ctx context.Context, r io.Reader, w io.Writer) (BatchSummary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *batchJob, workers)
	order := make(chan *batchJob, 4*workers) // the window of lines in flight
	for i := 0; i < workers; i++ {
		go func() {
			for j := range jobs {
				e.runBatchLine(ctx, j)
				close(j.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			j := &batchJob{line: line, in: append([]byte(nil), b...), done: make(chan struct{})}
			select {
			case order <- j:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return
			}
			jobs <- j
		}
		if err := sc.Err(); err != nil {
			readErr <- fmt.Errorf("read line %d: %w", line+1, err)
			return
		}
		readErr <- nil
	}()
	sum := BatchSummary{ByDecision: map[Outcome]int{}}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for j := range order {
		<-j.done
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		sum.Lines++
		if j.failed {
			sum.Errors++
		} else {
			sum.ByDecision[j.decision]++
		}
		if err := enc.Encode(j.out); err != nil {
			cancel()
			for range order { // let the reader finish
			}
			return sum, fmt.Errorf("write decision for line %d: %w", j.line, err)
		}
	}
	if err := <-readErr; err != nil {
		return sum, err
	}
	return sum, ctx.Err()
}

func (e *Engine) runBatchLine(ctx context.Context, j *batchJob) {
	req, err := ParseRequest(j.in)
	if err == nil {
		var d Decision
		d, err = e.Determine(ctx, req)
		if err == nil {
			j.out, j.decision = d, d.Decision
			return
		}
	}
	j.failed = true
	j.out = BatchError{ID: lenientID(j.in), Line: j.line, Error: fmt.Sprintf("line %d: %v", j.line, err)}
}

// lenientID recovers the id of a request that failed validation.
func lenientID(b []byte) string {
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(b, &v) != nil || v.ID == nil {
		return ""
	}
	if s, ok := v.ID.(string); ok {
		return s
	}
	return fmt.Sprint(v.ID)
}
