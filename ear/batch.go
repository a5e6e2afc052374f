package ear

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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

// RunBatch reads JSON requests, one per line, from r and writes one JSON
// line per request to w, in input order, streaming. A line that is not a
// valid request is answered with a BatchError naming the line number and
// the field; the run continues. The returned error is only for I/O
// failures and cancellation.
func (e *Engine) RunBatch(ctx context.Context, r io.Reader, w io.Writer) (BatchSummary, error) {
	sum := BatchSummary{ByDecision: map[Outcome]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		sum.Lines++
		var out any
		req, err := ParseRequest(b)
		if err == nil {
			var d Decision
			d, err = e.Determine(ctx, req)
			if err == nil {
				sum.ByDecision[d.Decision]++
				out = d
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
			sum.Errors++
			out = BatchError{ID: lenientID(b), Line: line, Error: fmt.Sprintf("line %d: %v", line, err)}
		}
		if err := enc.Encode(out); err != nil {
			return sum, fmt.Errorf("write decision for line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return sum, fmt.Errorf("read line %d: %w", line+1, err)
	}
	return sum, nil
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
