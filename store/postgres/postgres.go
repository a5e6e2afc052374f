// Package postgres is the Clearance store for teams: PostgreSQL through
// github.com/jackc/pgx/v5 (its database/sql driver, so the queries are the
// ones the SQLite store runs). Several `clearance serve` processes may share
// one database: each batches its audit appends (group commit) and every
// batch locks the chain-head row (SELECT ... FOR UPDATE) inside its
// transaction, so all processes extend ONE unbroken hash chain.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune a PostgreSQL store. The zero value is the default.
type Options struct {
	// MaxConns bounds the connection pool (default 16).
	MaxConns int
	// MaxBatch bounds audit records per group-commit transaction (default 512).
	MaxBatch int
}

// Store is a store.Store backed by PostgreSQL.
type Store struct {
	*sqlstore.DB
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// IsURL reports whether s names a PostgreSQL database (postgres:// or postgresql://).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://user@host:port/db?...,
// any pgx connection string; add search_path=schema to use a schema) and
// migrates it. Concurrent Opens of one database migrate once: goose holds
// a PostgreSQL advisory lock while migrating.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	maxConns := opts.MaxConns
	if maxConns <= 0 {
		maxConns = 16
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	if err := sqlstore.Migrate(ctx, goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker)); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s, err := sqlstore.New(ctx, sqlstore.Dialect{
		Name:              "postgres",
		Rebind:            rebind,
		TimeArg:           func(t time.Time) any { return t.UTC() },
		LockHeadSQL:       `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`,
		Instr:             "strpos",
		ReadTx:            &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		IsUniqueViolation: isUniqueViolation,
	}, db, db, opts.MaxBatch)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{DB: s, db: db}, nil
}

// rebind turns the ? placeholders of the shared queries into $1, $2, …
// (none of the queries has a literal question mark).
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// SQL returns the connection pool, for tests and maintenance tools that
// must reach below the Store interface (e.g. to simulate tampering).
func (s *Store) SQL() *sql.DB { return s.db }

// Close waits for pending audit appends and closes the pool.
func (s *Store) Close() error {
	s.DB.Close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("postgres: close: %w", err)
	}
	return nil
}
