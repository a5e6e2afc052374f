// Package sqlstore implements store.Store over database/sql for both
// backends. SQLite and PostgreSQL differ in a handful of places (placeholders,
// how the chain head is locked, how times are stored, error codes), which
// the backend packages pass in as a Dialect; everything else — the queries,
// the hash chain, group commit — is written once here, so the two backends
// cannot drift apart.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clearance-oss/clearance/store"
)

// Dialect is what differs between the SQL backends.
type Dialect struct {
	Name string // "sqlite" or "postgres", for error messages
	// Rebind rewrites the ? placeholders of a query for the driver.
	Rebind func(query string) string
	// TimeArg converts a time to a query argument for a time column.
	TimeArg func(t time.Time) any
	// LockHeadSQL reads (seq, hash) of the chain head inside the write
	// transaction, locking it against every other writer until commit.
	LockHeadSQL string
	// Instr is the SQL function returning the 1-based position of a
	// substring (instr in SQLite, strpos in PostgreSQL).
	Instr string
	// ReadTx are the options of the transaction VerifyAudit reads in: it
	// must see one consistent snapshot of records and head.
	ReadTx *sql.TxOptions
	// IsUniqueViolation reports whether err is a unique-constraint violation.
	IsUniqueViolation func(err error) bool
}

// DB is a store.Store over SQL. Reads go to read; every write goes to write
// (for SQLite a single connection that begins IMMEDIATE transactions, so
// writers in this process queue in Go instead of failing with SQLITE_BUSY;
// for PostgreSQL the same pool as read).
type DB struct {
	d     Dialect
	read  *sql.DB
	write *sql.DB
	gc    *store.GroupCommitter
	now   func() time.Time
	stmts map[int]*sql.Stmt // records per INSERT -> prepared statement

	lockHead, moveHead *sql.Stmt // prepared chain-head statements
}

var _ store.Store = (*DB)(nil)

// New returns a store over already-migrated databases. maxBatch bounds the
// audit records per group-commit transaction.
func New(ctx context.Context, d Dialect, read, write *sql.DB, maxBatch int) (*DB, error) {
	db := &DB{d: d, read: read, write: write, now: time.Now, stmts: map[int]*sql.Stmt{}}
	// Prepared here, before any transaction: preparing later could wait
	// for the one SQLite write connection the transaction holds.
	prepare := func(query string) (*sql.Stmt, error) {
		s, err := write.PrepareContext(ctx, query)
		if err != nil {
			db.closeStmts()
			return nil, db.errf("prepare audit statements", err)
		}
		return s, nil
	}
	var err error
	for n := insertChunk; n >= 1; n /= 2 {
		if db.stmts[n], err = prepare(db.insertSQL(n)); err != nil {
			return nil, err
		}
	}
	if db.lockHead, err = prepare(d.LockHeadSQL); err != nil {
		return nil, err
	}
	if db.moveHead, err = prepare(db.q(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?`)); err != nil {
		return nil, err
	}
	db.gc = store.NewGroupCommitter(db.commitAudit, maxBatch)
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", db.d.Name, err)
	}
	return nil
}

// Close drains pending audit appends. The backend closes the pools.
func (db *DB) Close() error {
	db.gc.Close()
	db.closeStmts()
	return nil
}

func (db *DB) closeStmts() {
	for _, s := range append([]*sql.Stmt{db.lockHead, db.moveHead}, mapValues(db.stmts)...) {
		if s != nil {
			s.Close()
		}
	}
}

func mapValues(m map[int]*sql.Stmt) []*sql.Stmt {
	out := make([]*sql.Stmt, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	return out
}

func (db *DB) q(query string) string { return db.d.Rebind(query) }

func (db *DB) errf(op string, err error) error {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrInvalid) ||
		errors.Is(err, store.ErrBadCredentials) {
		return err
	}
	return fmt.Errorf("%s: %s: %w", db.d.Name, op, err)
}

// ---- audit trail -------------------------------------------------------

const auditColumns = `seq, recorded_at, actor, kind, reference, parties, countries, snapshot, decision, origin, node, request, result, prev_hash, hash`

// AppendAudit records r (see store.AuditTrail).
func (db *DB) AppendAudit(ctx context.Context, r store.Record) (store.Record, error) {
	return db.gc.Append(ctx, r)
}

// AuditCommitStats reports the group committer's transactions and records
// so far (how well concurrent appends are being batched).
func (db *DB) AuditCommitStats() store.GroupCommitStats { return db.gc.Stats() }

// commitAudit is the group-commit transaction: lock the head, chain, insert,
// move the head, commit.
func (db *DB) commitAudit(ctx context.Context, recs []*store.Record) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.errf("audit append: begin", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var headSeq int64
	var headHash string
	if err := tx.StmtContext(ctx, db.lockHead).QueryRowContext(ctx).Scan(&headSeq, &headHash); err != nil {
		return db.errf("audit append: read chain head", err)
	}
	newSeq, newHash := store.Chain(headSeq, headHash, recs)
	// Multi-row INSERTs in power-of-two chunks (64, 32, …, 1): one round
	// trip per chunk instead of per record (what matters for PostgreSQL),
	// and at most seven statement shapes, each prepared once and reused
	// (what matters for SQLite, where parsing SQL costs more than inserting).
	for start := 0; start < len(recs); {
		n := insertChunk
		for n > len(recs)-start {
			n /= 2
		}
		chunk := recs[start : start+n]
		start += n
		args := make([]any, 0, n*auditInsertColumns)
		for _, r := range chunk {
			parties, _ := json.Marshal(r.Parties)
			args = append(args, r.Seq, db.d.TimeArg(r.Time), r.Actor, string(r.Kind), r.Reference,
				string(parties), encodeCountries(r.Countries), r.Snapshot, r.Decision, r.Origin, r.Node,
				jsonArg(r.Request), jsonArg(r.Result), r.PrevHash, r.Hash, foldParties(r.Parties))
		}
		if _, err := tx.StmtContext(ctx, db.insertStmt(n)).ExecContext(ctx, args...); err != nil {
			return db.errf(fmt.Sprintf("audit append: insert records %d to %d", chunk[0].Seq, chunk[n-1].Seq), err)
		}
	}
	res, err := tx.StmtContext(ctx, db.moveHead).ExecContext(ctx, newSeq, newHash, headSeq)
	if err != nil {
		return db.errf("audit append: move chain head", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: audit append: chain head moved under a held lock (%d rows)", db.d.Name, n)
	}
	if err := tx.Commit(); err != nil {
		return db.errf("audit append: commit", err)
	}
	return nil
}

// insertChunk is the most records per INSERT statement (a power of two):
// 64 × 16 parameters stays far below SQLite's and PostgreSQL's limits.
const (
	insertChunk        = 64
	auditInsertColumns = 16
)

// insertSQL returns the INSERT statement for n records.
func (db *DB) insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_records (` + auditColumns + `, parties_fold) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return db.q(b.String())
}

// insertStmt returns the prepared INSERT for n records (a power of two up
// to insertChunk, prepared by New).
func (db *DB) insertStmt(n int) *sql.Stmt { return db.stmts[n] }

func jsonArg(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

// encodeCountries stores countries as ",CN,RU," so that a country filter is
// a substring test on ",CN,".
func encodeCountries(cs []string) string {
	if len(cs) == 0 {
		return ""
	}
	return "," + strings.Join(cs, ",") + ","
}

func decodeCountries(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// partySep separates folded party names so a search cannot match across two names.
const partySep = "\x1f"

// foldParties is the searchable form of the party names: lower-cased in Go
// (Unicode-aware and identical for both databases, unlike SQL lower()).
func foldParties(ps []string) string {
	if len(ps) == 0 {
		return ""
	}
	return partySep + strings.ToLower(strings.Join(ps, partySep)) + partySep
}

func (db *DB) scanRecord(rows *sql.Rows) (store.Record, error) {
	var (
		r                 store.Record
		t                 timeValue
		kind, parties, cs string
		request, result   []byte
	)
	if err := rows.Scan(&r.Seq, &t, &r.Actor, &kind, &r.Reference, &parties, &cs, &r.Snapshot, &r.Decision,
		&r.Origin, &r.Node, &request, &result, &r.PrevHash, &r.Hash); err != nil {
		return r, err
	}
	r.Time = t.t
	r.Kind = store.Kind(kind)
	r.Countries = decodeCountries(cs)
	if err := json.Unmarshal([]byte(parties), &r.Parties); err != nil {
		// A record whose parties column is not JSON was edited outside
		// Clearance; keep the raw text so Verify reports a hash mismatch.
		r.Parties = []string{parties}
	}
	if r.Parties == nil {
		r.Parties = []string{}
	}
	if request != nil {
		r.Request = json.RawMessage(request)
	}
	if result != nil {
		r.Result = json.RawMessage(result)
	}
	return r, nil
}

// ListAudit returns records matching f (see store.AuditTrail).
func (db *DB) ListAudit(ctx context.Context, f store.Filter) ([]store.Record, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if f.PartyName != "" {
		add(db.d.Instr+"(parties_fold, ?) > 0", strings.ToLower(strings.TrimSpace(f.PartyName)))
	}
	if f.Country != "" {
		add(db.d.Instr+"(countries, ?) > 0", ","+strings.ToUpper(strings.TrimSpace(f.Country))+",")
	}
	if !f.From.IsZero() {
		add("recorded_at >= ?", db.d.TimeArg(f.From.UTC().Truncate(time.Microsecond)))
	}
	if !f.To.IsZero() {
		add("recorded_at < ?", db.d.TimeArg(f.To.UTC().Truncate(time.Microsecond)))
	}
	if f.Reference != "" {
		add("reference = ?", f.Reference)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.Decision != "" {
		add("decision = ?", f.Decision)
	}
	if f.After > 0 {
		add("seq > ?", f.After)
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	if limit > store.MaxLimit {
		limit = store.MaxLimit
	}
	query := "SELECT " + auditColumns + " FROM audit_records"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Desc {
		query += " ORDER BY seq DESC"
	} else {
		query += " ORDER BY seq"
	}
	query += " LIMIT " + strconv.Itoa(limit)
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, db.errf("audit list", err)
	}
	defer rows.Close()
	out := []store.Record{}
	for rows.Next() {
		r, err := db.scanRecord(rows)
		if err != nil {
			return nil, db.errf("audit list: scan", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errf("audit list", err)
	}
	return out, nil
}

// VerifyAudit streams the whole chain through a store.ChainVerifier in one
// read snapshot (see store.AuditTrail).
func (db *DB) VerifyAudit(ctx context.Context) (store.VerifyReport, error) {
	tx, err := db.read.BeginTx(ctx, db.d.ReadTx)
	if err != nil {
		return store.VerifyReport{}, db.errf("audit verify: begin", err)
	}
	defer tx.Rollback()
	var headSeq int64
	var headHash string
	switch err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); {
	case errors.Is(err, sql.ErrNoRows):
		// The head row was deleted: verify the records, then report it.
		headSeq, headHash = -1, ""
	case err != nil:
		return store.VerifyReport{}, db.errf("audit verify: read chain head", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_records ORDER BY seq")
	if err != nil {
		return store.VerifyReport{}, db.errf("audit verify", err)
	}
	defer rows.Close()
	v := store.NewChainVerifier()
	for rows.Next() {
		r, err := db.scanRecord(rows)
		if err != nil {
			return store.VerifyReport{}, db.errf("audit verify: scan", err)
		}
		if !v.Add(&r) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return store.VerifyReport{}, db.errf("audit verify", err)
	}
	return v.Finish(headSeq, headHash), nil
}

// ---- API keys ----------------------------------------------------------

// CreateKey makes a new API key (see store.KeyStore).
func (db *DB) CreateKey(ctx context.Context, name string, role store.Role, createdBy string) (store.APIKey, string, error) {
	if _, err := store.ParseRole(string(role)); err != nil {
		return store.APIKey{}, "", err
	}
	if err := store.CheckText("name", name); err != nil {
		return store.APIKey{}, "", err
	}
	if len(name) > 200 {
		return store.APIKey{}, "", fmt.Errorf("%w: field %q: %d bytes, at most 200", store.ErrInvalid, "name", len(name))
	}
	if err := store.CheckText("created_by", createdBy); err != nil {
		return store.APIKey{}, "", err
	}
	plaintext, id, hash, err := store.NewKey()
	if err != nil {
		return store.APIKey{}, "", err
	}
	k := store.APIKey{ID: id, Name: name, Role: role, CreatedAt: db.stamp(), CreatedBy: createdBy}
	if _, err := db.write.ExecContext(ctx, db.q(`INSERT INTO api_keys (id, name, role, key_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`),
		k.ID, k.Name, string(k.Role), hash, db.d.TimeArg(k.CreatedAt), k.CreatedBy); err != nil {
		return store.APIKey{}, "", db.errf("create key", err)
	}
	return k, plaintext, nil
}

func (db *DB) stamp() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// LookupKey finds the live key matching a presented plaintext key.
func (db *DB) LookupKey(ctx context.Context, presented string) (store.APIKey, error) {
	id, ok := store.ParseKey(presented)
	if !ok {
		return store.APIKey{}, store.ErrNotFound
	}
	var (
		k       store.APIKey
		hash    string
		role    string
		created timeValue
		revoked nullTimeValue
	)
	err := db.read.QueryRowContext(ctx, db.q(`SELECT id, name, role, key_hash, created_at, created_by, revoked_at FROM api_keys WHERE id = ?`), id).
		Scan(&k.ID, &k.Name, &role, &hash, &created, &k.CreatedBy, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return store.APIKey{}, store.ErrNotFound
	}
	if err != nil {
		return store.APIKey{}, db.errf("lookup key", err)
	}
	if !store.KeyHashMatches(presented, hash) || revoked.valid {
		return store.APIKey{}, store.ErrNotFound
	}
	k.Role, k.CreatedAt = store.Role(role), created.t
	return k, nil
}

// ListKeys returns all keys, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, role, created_at, created_by, revoked_at FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, db.errf("list keys", err)
	}
	defer rows.Close()
	out := []store.APIKey{}
	for rows.Next() {
		var (
			k       store.APIKey
			role    string
			created timeValue
			revoked nullTimeValue
		)
		if err := rows.Scan(&k.ID, &k.Name, &role, &created, &k.CreatedBy, &revoked); err != nil {
			return nil, db.errf("list keys: scan", err)
		}
		k.Role, k.CreatedAt, k.RevokedAt = store.Role(role), created.t, revoked.ptr()
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errf("list keys", err)
	}
	return out, nil
}

// RevokeKey revokes a key; revoking a revoked key is not an error.
func (db *DB) RevokeKey(ctx context.Context, id string) error {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), db.d.TimeArg(db.stamp()), id)
	if err != nil {
		return db.errf("revoke key", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var one int
	switch err := db.read.QueryRowContext(ctx, db.q(`SELECT 1 FROM api_keys WHERE id = ?`), id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("key %q: %w", id, store.ErrNotFound)
	case err != nil:
		return db.errf("revoke key", err)
	}
	return nil
}

// ---- users and sessions ------------------------------------------------

const userColumns = `id, name, role, created_at, disabled_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(row rowScanner, extra ...any) (store.User, error) {
	var (
		u        store.User
		role     string
		created  timeValue
		disabled nullTimeValue
	)
	dest := append([]any{&u.ID, &u.Name, &role, &created, &disabled}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	u.Role, u.CreatedAt, u.DisabledAt = store.Role(role), created.t, disabled.ptr()
	return u, nil
}

// CreateUser adds a console user with a bcrypt-hashed password.
func (db *DB) CreateUser(ctx context.Context, name string, role store.Role, password string) (store.User, error) {
	if err := store.CheckName("name", name); err != nil {
		return store.User{}, err
	}
	if _, err := store.ParseRole(string(role)); err != nil {
		return store.User{}, err
	}
	hash, err := store.HashPassword(password)
	if err != nil {
		return store.User{}, err
	}
	id, err := store.NewToken(8)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{ID: id, Name: name, Role: role, CreatedAt: db.stamp()}
	_, err = db.write.ExecContext(ctx, db.q(`INSERT INTO users (id, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
		u.ID, u.Name, string(u.Role), hash, db.d.TimeArg(u.CreatedAt))
	if err != nil {
		if db.d.IsUniqueViolation(err) {
			return store.User{}, fmt.Errorf("user %q: %w", name, store.ErrConflict)
		}
		return store.User{}, db.errf("create user", err)
	}
	return u, nil
}

// AuthenticateUser checks a name and password.
func (db *DB) AuthenticateUser(ctx context.Context, name, password string) (store.User, error) {
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, db.q(`SELECT `+userColumns+`, password_hash FROM users WHERE name = ?`), name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		store.CheckPassword("", password)
		return store.User{}, store.ErrBadCredentials
	}
	if err != nil {
		return store.User{}, db.errf("authenticate user", err)
	}
	if !store.CheckPassword(hash, password) || u.DisabledAt != nil {
		return store.User{}, store.ErrBadCredentials
	}
	return u, nil
}

// GetUser returns a user by id.
func (db *DB) GetUser(ctx context.Context, id string) (store.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, db.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.User{}, db.errf("get user", err)
	}
	return u, nil
}

// ListUsers returns all users, oldest first.
func (db *DB) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, db.errf("list users", err)
	}
	defer rows.Close()
	out := []store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.errf("list users: scan", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errf("list users", err)
	}
	return out, nil
}

// DisableUser disables a user and deletes their sessions, in one transaction.
func (db *DB) DisableUser(ctx context.Context, name string) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.errf("disable user", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var id string
	var disabled nullTimeValue
	switch err := tx.QueryRowContext(ctx, db.q(`SELECT id, disabled_at FROM users WHERE name = ?`), name).Scan(&id, &disabled); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("user %q: %w", name, store.ErrNotFound)
	case err != nil:
		return db.errf("disable user", err)
	}
	if !disabled.valid {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET disabled_at = ? WHERE id = ?`), db.d.TimeArg(db.stamp()), id); err != nil {
			return db.errf("disable user", err)
		}
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ?`), id); err != nil {
		return db.errf("disable user: end sessions", err)
	}
	if err := tx.Commit(); err != nil {
		return db.errf("disable user: commit", err)
	}
	return nil
}

// CreateSession starts a console session for a live user.
func (db *DB) CreateSession(ctx context.Context, userID string, ttl time.Duration) (store.Session, string, error) {
	if ttl <= 0 {
		return store.Session{}, "", fmt.Errorf("%w: session ttl %v", store.ErrInvalid, ttl)
	}
	u, err := db.GetUser(ctx, userID)
	if err != nil {
		return store.Session{}, "", err
	}
	if u.DisabledAt != nil {
		return store.Session{}, "", fmt.Errorf("user %q is disabled: %w", u.Name, store.ErrNotFound)
	}
	token, err := store.NewToken(32)
	if err != nil {
		return store.Session{}, "", err
	}
	csrf, err := store.NewToken(32)
	if err != nil {
		return store.Session{}, "", err
	}
	now := db.stamp()
	s := store.Session{ID: store.HashToken(token), User: u, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl).Truncate(time.Microsecond)}
	// Expired sessions are swept here rather than by a timer: sign-ins are
	// rare enough for the cost and it needs no background goroutine.
	if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE expires_at < ?`), db.d.TimeArg(now)); err != nil {
		return store.Session{}, "", db.errf("create session: sweep expired", err)
	}
	if _, err := db.write.ExecContext(ctx, db.q(`INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		s.ID, u.ID, s.CSRFToken, db.d.TimeArg(s.CreatedAt), db.d.TimeArg(s.ExpiresAt)); err != nil {
		return store.Session{}, "", db.errf("create session", err)
	}
	return s, token, nil
}

// GetSession returns the live session for a token.
func (db *DB) GetSession(ctx context.Context, token string) (store.Session, error) {
	if token == "" {
		return store.Session{}, store.ErrNotFound
	}
	var (
		s                store.Session
		created, expires timeValue
	)
	u, err := scanUser(db.read.QueryRowContext(ctx, db.q(`SELECT u.id, u.name, u.role, u.created_at, u.disabled_at,
		s.id, s.csrf_token, s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`),
		store.HashToken(token)), &s.ID, &s.CSRFToken, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, store.ErrNotFound
	}
	if err != nil {
		return store.Session{}, db.errf("get session", err)
	}
	s.User, s.CreatedAt, s.ExpiresAt = u, created.t, expires.t
	if !db.now().Before(s.ExpiresAt) || u.DisabledAt != nil {
		return store.Session{}, store.ErrNotFound
	}
	return s, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE id = ?`), store.HashToken(token)); err != nil {
		return db.errf("delete session", err)
	}
	return nil
}

// ---- batch jobs --------------------------------------------------------

const batchColumns = `id, owner, filename, total, done, hits, status, error, created_at, updated_at`

func scanBatch(row rowScanner) (store.Batch, error) {
	var (
		b                store.Batch
		status           string
		created, updated timeValue
	)
	if err := row.Scan(&b.ID, &b.Owner, &b.Filename, &b.Total, &b.Done, &b.Hits, &status, &b.Error, &created, &updated); err != nil {
		return b, err
	}
	b.Status, b.CreatedAt, b.UpdatedAt = store.BatchStatus(status), created.t, updated.t
	return b, nil
}

func checkStatus(s store.BatchStatus) error {
	switch s {
	case store.BatchQueued, store.BatchRunning, store.BatchDone, store.BatchFailed:
		return nil
	}
	return fmt.Errorf("%w: batch status %q (want queued, running, done or failed)", store.ErrInvalid, s)
}

// CreateBatch stores a new job.
func (db *DB) CreateBatch(ctx context.Context, b store.Batch) (store.Batch, error) {
	if b.Status == "" {
		b.Status = store.BatchQueued
	}
	if err := checkStatus(b.Status); err != nil {
		return store.Batch{}, err
	}
	for _, f := range [][2]string{{"owner", b.Owner}, {"filename", b.Filename}, {"error", b.Error}} {
		if err := store.CheckText(f[0], f[1]); err != nil {
			return store.Batch{}, err
		}
	}
	if b.Total < 0 || b.Done < 0 || b.Hits < 0 {
		return store.Batch{}, fmt.Errorf("%w: batch counts must not be negative", store.ErrInvalid)
	}
	id, err := store.NewToken(8)
	if err != nil {
		return store.Batch{}, err
	}
	b.ID = id
	b.CreatedAt = db.stamp()
	b.UpdatedAt = b.CreatedAt
	if _, err := db.write.ExecContext(ctx, db.q(`INSERT INTO batches (`+batchColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		b.ID, b.Owner, b.Filename, b.Total, b.Done, b.Hits, string(b.Status), b.Error, db.d.TimeArg(b.CreatedAt), db.d.TimeArg(b.UpdatedAt)); err != nil {
		return store.Batch{}, db.errf("create batch", err)
	}
	return b, nil
}

// UpdateBatch records progress.
func (db *DB) UpdateBatch(ctx context.Context, id string, p store.BatchProgress) error {
	if err := checkStatus(p.Status); err != nil {
		return err
	}
	if err := store.CheckText("error", p.Error); err != nil {
		return err
	}
	if p.Done < 0 || p.Hits < 0 {
		return fmt.Errorf("%w: batch counts must not be negative", store.ErrInvalid)
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE batches SET done = ?, hits = ?, status = ?, error = ?, updated_at = ? WHERE id = ?`),
		p.Done, p.Hits, string(p.Status), p.Error, db.d.TimeArg(db.stamp()), id)
	if err != nil {
		return db.errf("update batch", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("batch %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// AddBatchResults stores result rows in one transaction.
func (db *DB) AddBatchResults(ctx context.Context, id string, rows []store.BatchResult) (err error) {
	for _, r := range rows {
		if r.Row < 1 {
			return fmt.Errorf("%w: batch %q: row number %d (want >= 1)", store.ErrInvalid, id, r.Row)
		}
		if !json.Valid(r.Data) {
			return fmt.Errorf("%w: batch %q: row %d: data is not valid JSON", store.ErrInvalid, id, r.Row)
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.errf("add batch results", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var one int
	switch err := tx.QueryRowContext(ctx, db.q(`SELECT 1 FROM batches WHERE id = ?`), id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("batch %q: %w", id, store.ErrNotFound)
	case err != nil:
		return db.errf("add batch results", err)
	}
	stmt, err := tx.PrepareContext(ctx, db.q(`INSERT INTO batch_results (batch_id, row_num, data) VALUES (?, ?, ?)`))
	if err != nil {
		return db.errf("add batch results", err)
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, id, r.Row, string(r.Data)); err != nil {
			if db.d.IsUniqueViolation(err) {
				return fmt.Errorf("batch %q: row %d: %w", id, r.Row, store.ErrConflict)
			}
			return db.errf(fmt.Sprintf("add batch results: row %d", r.Row), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return db.errf("add batch results: commit", err)
	}
	return nil
}

// BatchResults returns result rows after afterRow, in row order.
func (db *DB) BatchResults(ctx context.Context, id string, afterRow, limit int) ([]store.BatchResult, error) {
	if _, err := db.GetBatch(ctx, id); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	if limit > store.MaxLimit {
		limit = store.MaxLimit
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT row_num, data FROM batch_results WHERE batch_id = ? AND row_num > ? ORDER BY row_num LIMIT `+strconv.Itoa(limit)), id, afterRow)
	if err != nil {
		return nil, db.errf("batch results", err)
	}
	defer rows.Close()
	out := []store.BatchResult{}
	for rows.Next() {
		var r store.BatchResult
		var data []byte
		if err := rows.Scan(&r.Row, &data); err != nil {
			return nil, db.errf("batch results: scan", err)
		}
		r.Data = json.RawMessage(data)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errf("batch results", err)
	}
	return out, nil
}

// GetBatch returns a job.
func (db *DB) GetBatch(ctx context.Context, id string) (store.Batch, error) {
	b, err := scanBatch(db.read.QueryRowContext(ctx, db.q(`SELECT `+batchColumns+` FROM batches WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Batch{}, fmt.Errorf("batch %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Batch{}, db.errf("get batch", err)
	}
	return b, nil
}

// ListBatches returns the newest jobs first.
func (db *DB) ListBatches(ctx context.Context, owner string, limit int) ([]store.Batch, error) {
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	if limit > store.MaxLimit {
		limit = store.MaxLimit
	}
	query := `SELECT ` + batchColumns + ` FROM batches`
	var args []any
	if owner != "" {
		query += ` WHERE owner = ?`
		args = append(args, owner)
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, db.errf("list batches", err)
	}
	defer rows.Close()
	out := []store.Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, db.errf("list batches: scan", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errf("list batches", err)
	}
	return out, nil
}

// ---- time columns ------------------------------------------------------

// timeValue scans a time column: PostgreSQL drivers return time.Time, SQLite
// returns the TimeFormat text we wrote.
type timeValue struct{ t time.Time }

func (v *timeValue) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		v.t = x.UTC()
		return nil
	case string:
		return v.parse(x)
	case []byte:
		return v.parse(string(x))
	case nil:
		return errors.New("time column is NULL")
	}
	return fmt.Errorf("time column: unexpected %T", src)
}

func (v *timeValue) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time column: %w", err)
	}
	v.t = t.UTC()
	return nil
}

// nullTimeValue scans a nullable time column.
type nullTimeValue struct {
	timeValue
	valid bool
}

func (v *nullTimeValue) Scan(src any) error {
	if src == nil {
		v.valid = false
		return nil
	}
	v.valid = true
	return v.timeValue.Scan(src)
}

func (v nullTimeValue) ptr() *time.Time {
	if !v.valid {
		return nil
	}
	t := v.t
	return &t
}
