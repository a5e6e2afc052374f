// Package sqlite is the default Clearance store: one SQLite file,
// <data-dir>/clearance.db, through modernc.org/sqlite, a pure-Go SQLite (no
// cgo, so `clearance` stays one static binary that cross-compiles).
//
// The file runs in WAL mode with synchronous=NORMAL: readers never block the
// writer, and a commit is one WAL append without an fsync. A committed
// transaction survives a crash of the process; after a power loss or OS
// crash the last transactions before the failure may be rolled back (never
// half-applied, never corrupt). docs/store.md discusses the trade-off; set
// Options.Synchronous to "FULL" to fsync every commit.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data directory.
const FileName = "clearance.db"

// Options tune a SQLite store. The zero value is the default.
type Options struct {
	// Synchronous is the PRAGMA synchronous level: "NORMAL" (default) or "FULL".
	Synchronous string
	// BusyTimeout is how long a connection waits for another process's
	// lock before failing (default 10s).
	BusyTimeout time.Duration
	// MaxBatch bounds audit records per group-commit transaction (default 512).
	MaxBatch int
}

// Store is a store.Store backed by one SQLite file.
type Store struct {
	*sqlstore.DB
	read, write *sql.DB
	path        string

	stop, stopped chan struct{} // checkpointLoop
	closeOnce     sync.Once
	closeErr      error
}

// CheckpointInterval is how often the WAL is copied back into the database
// file, off the commit path.
const CheckpointInterval = time.Second

// checkpointLoop runs PASSIVE checkpoints from a reader connection: they
// copy what no reader still needs and never block the writer, so commits
// keep their latency. (Other processes using the file, e.g. the CLI,
// keep SQLite's default automatic checkpoints.)
func (s *Store) checkpointLoop(every time.Duration) {
	defer close(s.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			// A failed checkpoint is retried on the next tick; the WAL
			// only grows meanwhile.
			_, _ = s.read.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) <dir>/clearance.db and migrates it.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("sqlite: empty data directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: data directory: %w", err)
	}
	return OpenFile(ctx, filepath.Join(dir, FileName), opts)
}

// OpenFile opens (creating if needed) the database file at path and migrates it.
func OpenFile(ctx context.Context, path string, opts Options) (*Store, error) {
	sync := opts.Synchronous
	switch sync {
	case "":
		sync = "NORMAL"
	case "NORMAL", "FULL":
	default:
		return nil, fmt.Errorf("sqlite: synchronous %q (want NORMAL or FULL)", sync)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	// The trail names parties and holds key hashes: create the file
	// readable by its owner only. SQLite gives the -wal and -shm files the
	// database file's permissions.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	dsn := func(txlock string, extra ...string) string {
		q := url.Values{}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous("+sync+")")
		q.Add("_pragma", "foreign_keys(ON)")
		for _, p := range extra {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	// One writer connection whose transactions begin IMMEDIATE (take the
	// write lock up front, so a read-then-write transaction cannot fail
	// half-way with SQLITE_BUSY); writers in this process queue in
	// database/sql for it.
	// The writer does not checkpoint the WAL itself (wal_autocheckpoint 0):
	// a checkpoint copies pages into the database file and would stall the
	// commit that triggers it, i.e. every waiting request. A background
	// goroutine checkpoints instead (see checkpointLoop).
	write, err := sql.Open("sqlite", dsn("immediate", "wal_autocheckpoint(0)"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := pingRetry(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db, err := sqlstore.New(ctx, sqlstore.Dialect{
		Name:              "sqlite",
		Rebind:            func(q string) string { return q },
		TimeArg:           func(t time.Time) any { return t.UTC().Format(store.TimeFormat) },
		LockHeadSQL:       `SELECT seq, hash FROM audit_head WHERE id = 1`,
		Instr:             "instr",
		IsUniqueViolation: isUniqueViolation,
	}, read, write, opts.MaxBatch)
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	s := &Store{DB: db, read: read, write: write, path: path, stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.checkpointLoop(CheckpointInterval)
	return s, nil
}

// pingRetry opens the first connection. Switching a new file to WAL takes
// an exclusive lock and SQLite does not wait for it (the busy handler is
// not called), so a second process opening a brand-new file at the same
// moment gets SQLITE_BUSY: retry it for a few seconds.
func pingRetry(ctx context.Context, db *sql.DB) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		if err = db.PingContext(ctx); err == nil || !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
	return err
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// migrate applies the embedded migrations. Two processes opening a new
// file at once (`serve` and `keys create`) can race: goose has no SQLite
// lock, so the loser's migration fails ("table already exists") and rolls
// back whole. Retrying then finds the schema in place and does nothing.
func migrate(ctx context.Context, db *sql.DB) error {
	sub, _ := fs.Sub(migrations, "migrations")
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = sqlstore.Migrate(ctx, goose.DialectSQLite3, db, sub); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(100*(attempt+1)) * time.Millisecond):
		}
	}
	return err
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// SQL returns the writer connection pool, for tests and maintenance tools
// that must reach below the Store interface (e.g. to simulate tampering).
func (s *Store) SQL() *sql.DB { return s.write }

// Close waits for pending audit appends and closes the database. Closing
// twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.stopped
		s.DB.Close()
		rerr := s.read.Close()
		werr := s.write.Close()
		switch {
		case werr != nil:
			s.closeErr = fmt.Errorf("sqlite: close: %w", werr)
		case rerr != nil:
			s.closeErr = fmt.Errorf("sqlite: close: %w", rerr)
		}
	})
	return s.closeErr
}
