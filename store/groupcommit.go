package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// CommitFunc persists a batch of prepared audit records in ONE transaction:
// lock and read the chain head, call Chain to assign Seq/PrevHash/Hash,
// insert the records, move the head, commit. Either all records are
// committed or none.
type CommitFunc func(ctx context.Context, recs []*Record) error

// GroupCommitter turns many concurrent AppendAudit calls into few
// transactions: one writer goroutine takes every append that is waiting,
// commits them together, then releases the callers. With a durable commit
// costing about as much for one record as for a hundred, this is what lets
// SQLite record thousands of audited requests per second.
type GroupCommitter struct {
	commit    CommitFunc
	maxBatch  int
	maxLinger time.Duration
	now       func() time.Time

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *pendingAppend
	done   chan struct{}

	commits, records, failed atomic.Int64 // see Stats
}

// GroupCommitStats counts what a GroupCommitter has done since it started:
// Records/Commits is the mean batch size, the figure that decides what an
// audited request costs (a commit's fixed cost is shared by its batch).
type GroupCommitStats struct {
	Commits int64 `json:"commits"` // transactions attempted
	Records int64 `json:"records"` // records in them
	Failed  int64 `json:"failed"`  // transactions that failed (their records were not written)
}

// Stats returns the counts so far.
func (g *GroupCommitter) Stats() GroupCommitStats {
	return GroupCommitStats{Commits: g.commits.Load(), Records: g.records.Load(), Failed: g.failed.Load()}
}

type pendingAppend struct {
	rec  Record
	err  error
	done chan struct{}
}

// CommitTimeout bounds one group-commit transaction.
const CommitTimeout = 30 * time.Second

// DefaultMaxLinger is how long, at most, the writer waits for more records
// before committing a batch (see GroupCommitOptions.MaxLinger).
const DefaultMaxLinger = 2 * time.Millisecond

// GroupCommitOptions tune a GroupCommitter. The zero value is the default.
type GroupCommitOptions struct {
	// MaxBatch bounds the records per transaction (<= 0 means 512).
	MaxBatch int
	// MaxLinger bounds how long the writer waits, once a record is
	// queued, for more records to share its transaction (0 means
	// DefaultMaxLinger; negative turns lingering off). The writer only
	// lingers while lingering pays — while appends arrive concurrently —
	// so a lone sequential caller is not slowed down (see run).
	MaxLinger time.Duration
}

// NewGroupCommitter starts the writer goroutine with the default linger.
// maxBatch bounds the records per transaction (<= 0 means 512).
func NewGroupCommitter(commit CommitFunc, maxBatch int) *GroupCommitter {
	return NewGroupCommitterWith(commit, GroupCommitOptions{MaxBatch: maxBatch})
}

// NewGroupCommitterWith starts the writer goroutine with opts.
func NewGroupCommitterWith(commit CommitFunc, opts GroupCommitOptions) *GroupCommitter {
	maxBatch := opts.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 512
	}
	linger := opts.MaxLinger
	switch {
	case linger == 0:
		linger = DefaultMaxLinger
	case linger < 0:
		linger = 0
	}
	g := &GroupCommitter{
		commit:    commit,
		maxBatch:  maxBatch,
		maxLinger: linger,
		now:       time.Now,
		queue:     make(chan *pendingAppend, maxBatch*4),
		done:      make(chan struct{}),
	}
	go g.run()
	return g
}

// Append validates r, queues it, and waits until the transaction holding it
// has committed (or failed). Once queued, the record is written even if ctx
// is cancelled meanwhile, and Append waits for the outcome so that what it
// returns is true.
func (g *GroupCommitter) Append(ctx context.Context, r Record) (Record, error) {
	r, err := PrepareRecord(r, g.now())
	if err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	p := &pendingAppend{rec: r, done: make(chan struct{})}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return Record{}, ErrClosed
	}
	select {
	case g.queue <- p:
	case <-ctx.Done():
		g.mu.RUnlock()
		return Record{}, ctx.Err()
	}
	g.mu.RUnlock()
	<-p.done
	if p.err != nil {
		return Record{}, p.err
	}
	return p.rec, nil
}

// lingerSteps is how many slices a linger is taken in (see run).
const lingerSteps = 4

// minLinger is the shortest linger worth a timer; below it the writer
// stops lingering until appends are seen arriving together again.
const minLinger = 100 * time.Microsecond

// run is the writer. It takes the first queued record and everything
// queued behind it; then, while lingering pays, it waits a little for
// more before committing. Why linger: a commit's cost (BEGIN, reading the
// chain head, moving it, COMMIT — SQLite's locks and WAL writes, or a
// PostgreSQL round trip) is mostly the same for one record as for fifty,
// and without a wait the writer, woken by the first append, commits it
// almost alone: 1.5 records per transaction measured in the server at
// ~800 req/s, so the commit cost per request was ~150 µs of CPU.
//
// The linger adapts (nextLinger): it starts when records are found queued
// together, doubles (up to maxLinger) while waiting brings more, and halves
// when a wait brought nothing, dropping to none below minLinger. So under
// concurrent load batches fill; a single client that appends one record at
// a time, waiting for each, pays no wait; and when every appender is
// already queued (nothing more can arrive) the writer does not wait either.
func (g *GroupCommitter) run() {
	defer close(g.done)
	batch := make([]*pendingAppend, 0, g.maxBatch)
	recs := make([]*Record, 0, g.maxBatch)
	var linger, lastCommit time.Duration
	open := true // the queue is not closed
	for open {
		first, ok := <-g.queue
		if !ok {
			break
		}
		batch = append(batch[:0], first)
		batch, open = g.drain(batch)
		natural := len(batch)
		// The wait is taken in lingerSteps slices and ends early when a
		// slice brings nothing: once every appender that was coming has
		// come (all of them may already be queued), waiting longer only
		// delays them.
		// Nor is there a wait after a commit that took longer than
		// maxLinger: the writer is then the bottleneck (appends queue up
		// during each commit by themselves), and idling it would only
		// lower the rate it can commit at. (A commit shorter than that
		// can still be the bottleneck when appenders do nothing else:
		// BenchmarkAppendParallel's 128 appenders commit at about half
		// the rate they did without lingering; docs/store.md.)
		wait := linger > 0 && lastCommit < g.maxLinger
		for step := 0; wait && open && step < lingerSteps && len(batch) < g.maxBatch; step++ {
			before := len(batch)
			time.Sleep(linger / lingerSteps)
			if batch, open = g.drain(batch); len(batch) == before {
				break
			}
		}
		linger = nextLinger(linger, g.maxLinger, natural, len(batch))
		recs = recs[:0]
		for _, p := range batch {
			recs = append(recs, &p.rec)
		}
		ctx, cancel := context.WithTimeout(context.Background(), CommitTimeout)
		start := time.Now()
		err := g.commit(ctx, recs)
		lastCommit = time.Since(start)
		cancel()
		g.commits.Add(1)
		g.records.Add(int64(len(recs)))
		if err != nil {
			g.failed.Add(1)
		}
		for _, p := range batch {
			p.err = err
			close(p.done)
		}
	}
}

// nextLinger is the linger for the next batch, given this one's: natural
// records were queued before the wait, total after it. Not lingering, it
// starts (at minLinger) when records were found queued together; lingering,
// it doubles (up to maxLinger) when the wait brought more records, and
// halves, down to none, when it brought nothing — as when every appender
// is already waiting in the batch, and a wait would only delay them.
func nextLinger(linger, maxLinger time.Duration, natural, total int) time.Duration {
	switch {
	case maxLinger <= 0:
		return 0
	case linger == 0:
		if natural > 1 {
			return min(minLinger, maxLinger)
		}
		return 0
	case total > natural:
		return min(2*linger, maxLinger)
	}
	if linger /= 2; linger < minLinger {
		return 0
	}
	return linger
}

// drain appends what is queued, without waiting, up to maxBatch records.
// open is false once the queue is closed (Close).
func (g *GroupCommitter) drain(batch []*pendingAppend) (_ []*pendingAppend, open bool) {
	for len(batch) < g.maxBatch {
		select {
		case p, ok := <-g.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, p)
		default:
			return batch, true
		}
	}
	return batch, true
}

// Close stops accepting appends, waits for the queued ones to commit and
// stops the writer.
func (g *GroupCommitter) Close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.queue)
	}
	g.mu.Unlock()
	<-g.done
}
