package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/clearance-oss/clearance/store"
	"github.com/clearance-oss/clearance/store/postgres"
	"github.com/clearance-oss/clearance/store/sqlite"
)

// defaultDataDir is where the SQLite store lives when neither --data-dir nor
// CLEARANCE_DATA_DIR says otherwise.
const defaultDataDir = "./clearance-data"

// storeFlags are the flags every command that touches the store takes, so
// that `serve`, `keys`, `users` and `audit` always open the same database:
//
//	--data-dir DIR   (env CLEARANCE_DATA_DIR, default ./clearance-data): SQLite file DIR/clearance.db
//	--database URL   (env CLEARANCE_DATABASE_URL): PostgreSQL, overrides --data-dir
type storeFlags struct {
	dataDir  string
	database string
	fs       *flag.FlagSet
	// sqliteSync is PRAGMA synchronous for SQLite, from
	// CLEARANCE_SQLITE_SYNCHRONOUS: NORMAL (default) or FULL (fsync every
	// commit; see docs/store.md on the durability trade-off).
	sqliteSync string
}

// addStoreFlags registers --data-dir and --database on fs, with defaults
// from the environment (12-factor: flags win over env, env over defaults).
func addStoreFlags(fs *flag.FlagSet, env *Env) *storeFlags {
	sf := &storeFlags{fs: fs, sqliteSync: strings.ToUpper(envDefault(env, "CLEARANCE_SQLITE_SYNCHRONOUS", ""))}
	fs.StringVar(&sf.dataDir, "data-dir", envDefault(env, "CLEARANCE_DATA_DIR", defaultDataDir),
		"directory of the SQLite database clearance.db (env CLEARANCE_DATA_DIR)")
	fs.StringVar(&sf.database, "database", envDefault(env, "CLEARANCE_DATABASE_URL", ""),
		"PostgreSQL URL postgres://user@host:5432/db; overrides --data-dir (env CLEARANCE_DATABASE_URL)")
	return sf
}

// resolve applies precedence: a --data-dir given on the command line beats
// a database URL that only comes from CLEARANCE_DATABASE_URL (the explicit
// choice wins over the ambient one).
func (sf *storeFlags) resolve() {
	var dirSet, dbSet bool
	sf.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data-dir":
			dirSet = true
		case "database":
			dbSet = true
		}
	})
	if dirSet && !dbSet {
		sf.database = ""
	}
}

// open opens (creating and migrating if needed) the store the flags name.
func (sf *storeFlags) open(ctx context.Context) (store.Store, error) {
	sf.resolve()
	if sf.database != "" {
		if !postgres.IsURL(sf.database) {
			return nil, fmt.Errorf("%w: --database %q: want a postgres:// or postgresql:// URL (use --data-dir for SQLite)", errUsage, redactURL(sf.database))
		}
		s, err := postgres.Open(ctx, sf.database, postgres.Options{})
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", redactURL(sf.database), err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, sf.dataDir, sqlite.Options{Synchronous: sf.sqliteSync})
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", sf.dataDir, err)
	}
	return s, nil
}

// describe names the store for messages, without any password.
func (sf *storeFlags) describe() string {
	sf.resolve()
	if sf.database != "" {
		return "PostgreSQL " + redactURL(sf.database)
	}
	return "SQLite " + filepath.Join(sf.dataDir, sqlite.FileName)
}

// redactURL hides the password of a database URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// cliActor is the audit actor of a command run from a shell: the OS user,
// since the CLI has no API key (15 CFR 762.5(b)(8): record by whom).
func cliActor(env *Env) string {
	u := env.Getenv("USER")
	if u == "" {
		u = env.Getenv("USERNAME")
	}
	if u == "" {
		if cu, err := user.Current(); err == nil && cu.Username != "" {
			u = cu.Username
		} else {
			u = "unknown"
		}
	}
	return "cli:" + u
}

// auditNode is the equipment an audit record was entered on: the host name.
func auditNode() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}
