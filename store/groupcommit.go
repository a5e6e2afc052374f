package store

import (
	"context"
	"sync"
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
	commit   CommitFunc
	maxBatch int
	now      func() time.Time

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *pendingAppend
	done   chan struct{}
}

type pendingAppend struct {
	rec  Record
	err  error
	done chan struct{}
}

// CommitTimeout bounds one group-commit transaction.
const CommitTimeout = 30 * time.Second

// NewGroupCommitter starts the writer goroutine. maxBatch bounds the records
// per transaction (<= 0 means 512).
func NewGroupCommitter(commit CommitFunc, maxBatch int) *GroupCommitter {
	if maxBatch <= 0 {
		maxBatch = 512
	}
	g := &GroupCommitter{
		commit:   commit,
		maxBatch: maxBatch,
		now:      time.Now,
		queue:    make(chan *pendingAppend, maxBatch*4),
		done:     make(chan struct{}),
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

func (g *GroupCommitter) run() {
	defer close(g.done)
	batch := make([]*pendingAppend, 0, g.maxBatch)
	recs := make([]*Record, 0, g.maxBatch)
	for first := range g.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < g.maxBatch {
			select {
			case p, ok := <-g.queue:
				if !ok {
					break drain
				}
				batch = append(batch, p)
			default:
				break drain
			}
		}
		recs = recs[:0]
		for _, p := range batch {
			recs = append(recs, &p.rec)
		}
		ctx, cancel := context.WithTimeout(context.Background(), CommitTimeout)
		err := g.commit(ctx, recs)
		cancel()
		for _, p := range batch {
			p.err = err
			close(p.done)
		}
	}
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
