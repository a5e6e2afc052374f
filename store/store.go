// Package store defines what Clearance persists and the interface every
// storage backend implements: the tamper-evident audit trail (15 CFR Part
// 762), API keys, console users and sessions, and batch screening jobs.
//
// Two backends implement Store: store/sqlite (the default, one file in the
// data directory) and store/postgres (for teams and several `serve`
// replicas). Both run the same test suite, store/storetest.
//
// The interfaces are small on purpose: a handler that only appends audit
// records takes an AuditTrail, not a Store.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors callers can test with errors.Is.
var (
	// ErrNotFound: no such key, user, session or batch (or it was revoked,
	// disabled or has expired — callers must not learn which).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a unique value (user name) is already taken.
	ErrConflict = errors.New("store: already exists")
	// ErrBadCredentials: the user name or password is wrong, or the user is disabled.
	ErrBadCredentials = errors.New("store: bad credentials")
	// ErrInvalid: the value cannot be stored (bad role, invalid UTF-8, NUL
	// byte, malformed JSON, …). The wrapping error names the field.
	ErrInvalid = errors.New("store: invalid value")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// Store is everything Clearance persists. Implementations are safe for
// concurrent use.
type Store interface {
	AuditTrail
	KeyStore
	UserStore
	SessionStore
	BatchStore
	// Ping checks that the database answers (for /readyz).
	Ping(ctx context.Context) error
	// Close waits for pending audit appends and closes the database.
	Close() error
}

// AuditTrail is the append-only, hash-chained record of every screening,
// determination and administrative action. There is deliberately no method
// that updates or deletes a record (15 CFR 762.5(b)(4): records "stored in
// such a manner that none of it may be altered once it is initially
// recorded").
type AuditTrail interface {
	// AppendAudit records r and returns it with Seq, Time (if zero), PrevHash
	// and Hash filled. It returns only once the record is committed. Appends
	// from many goroutines are batched into one transaction (group commit).
	AppendAudit(ctx context.Context, r Record) (Record, error)
	// ListAudit returns the records matching f, ordered by Seq (ascending, or
	// descending when f.Desc).
	ListAudit(ctx context.Context, f Filter) ([]Record, error)
	// VerifyAudit recomputes the whole chain and reports the first record
	// that was edited, deleted or reordered. A broken chain is reported in
	// VerifyReport (OK false), not as an error; err is for I/O failures.
	VerifyAudit(ctx context.Context) (VerifyReport, error)
}

// Kind says what an audit record records.
type Kind string

// Audit record kinds. Servers may add others (dotted lower case).
const (
	KindScreen      Kind = "screen"       // one or more parties screened
	KindSearch      Kind = "search"       // quick search / CSL-compatible search
	KindCheck       Kind = "check"        // license determination
	KindBatch       Kind = "batch"        // batch job created / finished
	KindKeyCreate   Kind = "key.create"   // API key created
	KindKeyRevoke   Kind = "key.revoke"   // API key revoked
	KindUserCreate  Kind = "user.create"  // console user created
	KindUserDisable Kind = "user.disable" // console user disabled
	KindLogin       Kind = "login"        // console sign-in (success or failure in Decision)
	KindLogout      Kind = "logout"       // console sign-out
)

// Record is one audit-trail entry. The fields answer what an auditor asks
// (15 CFR 762.5(b)(8): "where, when, by whom, and on what equipment" a
// record was entered) and make it retrievable "by party name, country, or
// any original document reference number" (15 CFR 762.5(c)).
type Record struct {
	Seq       int64     `json:"seq"`       // position in the chain, from 1, assigned by AppendAudit
	Time      time.Time `json:"time"`      // UTC, microsecond precision; now when zero
	Actor     string    `json:"actor"`     // who: "key:<id>", "user:<name>", "cli:<os user>"
	Kind      Kind      `json:"kind"`      // what
	Reference string    `json:"reference"` // the client's order / document reference number, if given
	Parties   []string  `json:"parties"`   // party names screened or checked, as given
	Countries []string  `json:"countries"` // ISO-2 countries involved (party and destination)
	Snapshot  string    `json:"snapshot"`  // list snapshot (and rules) version used
	Decision  string    `json:"decision"`  // outcome in one word: clear, hit, license_required, nlr, prohibited, ok, denied …
	Origin    string    `json:"origin"`    // where: client address (IP) or "cli"
	Node      string    `json:"node"`      // on what equipment: host name / instance of the recording server
	// Request and Result are the inputs and outputs as JSON, stored and
	// hashed byte for byte as given (compacted). Empty means null.
	Request  json.RawMessage `json:"request"`
	Result   json.RawMessage `json:"result"`
	PrevHash string          `json:"prev_hash"` // hex SHA-256 of the previous record; 64 zeros for the first
	Hash     string          `json:"hash"`      // hex SHA-256 of this record's canonical encoding (see Hash)
}

// Filter selects audit records. Zero fields do not filter.
type Filter struct {
	PartyName string    // case-insensitive substring of any party name
	Country   string    // ISO-2, exact (case-insensitive)
	From      time.Time // Time >= From
	To        time.Time // Time < To
	Reference string    // exact reference number
	Actor     string    // exact actor
	Kind      Kind      // exact kind
	Decision  string    // exact decision
	After     int64     // Seq > After (pagination, ascending)
	Before    int64     // Seq < Before when > 0 (pagination, descending)
	Desc      bool      // newest first
	Limit     int       // at most this many; 0 means DefaultLimit, capped at MaxLimit
}

// Page sizes for ListAudit.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// VerifyReport is the result of checking the audit chain.
type VerifyReport struct {
	OK       bool   `json:"ok"`
	Records  int64  `json:"records"`             // records checked
	HeadSeq  int64  `json:"head_seq"`            // last seq in the chain
	HeadHash string `json:"head_hash"`           // hash of the last record: note it somewhere else to anchor the chain
	FirstBad int64  `json:"first_bad,omitempty"` // seq of the first edited, missing or misplaced record
	Problem  string `json:"problem,omitempty"`   // what is wrong with it
}

func (v VerifyReport) String() string {
	if v.OK {
		return fmt.Sprintf("audit chain OK: %d records, head seq %d hash %s", v.Records, v.HeadSeq, v.HeadHash)
	}
	return fmt.Sprintf("audit chain BROKEN at record %d: %s (%d records checked)", v.FirstBad, v.Problem, v.Records)
}

// Role is what an API key or user may do. Roles are ordered: each includes
// the ones below it.
type Role string

// Roles.
const (
	RoleViewer  Role = "viewer"  // search and read
	RoleAnalyst Role = "analyst" // screen, check, batches
	RoleAdmin   Role = "admin"   // keys, users, settings, metrics
)

// ParseRole parses a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleAnalyst, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("%w: role %q (want viewer, analyst or admin)", ErrInvalid, s)
}

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleAnalyst:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Allows reports whether r is at least min. An unknown role allows nothing,
// and nothing satisfies an unknown minimum (fail closed).
func (r Role) Allows(min Role) bool { return r.rank() > 0 && min.rank() > 0 && r.rank() >= min.rank() }

// KeyStore holds API keys. Only a SHA-256 hash of each key is stored.
type KeyStore interface {
	// CreateKey makes a new key and returns its record and the plaintext
	// key, which is never stored and cannot be shown again.
	CreateKey(ctx context.Context, name string, role Role, createdBy string) (APIKey, string, error)
	// LookupKey returns the key record for a presented plaintext key, or
	// ErrNotFound when it is malformed, unknown or revoked.
	LookupKey(ctx context.Context, presented string) (APIKey, error)
	// ListKeys returns all keys, revoked ones included, oldest first.
	ListKeys(ctx context.Context) ([]APIKey, error)
	// RevokeKey revokes the key with the given id (ErrNotFound if none).
	RevokeKey(ctx context.Context, id string) error
}

// APIKey is a stored API key (without its secret).
type APIKey struct {
	ID        string     `json:"id"` // public id, also embedded in the key: clr_<id>_<secret>
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// UserStore holds web-console users. Passwords are stored as bcrypt hashes.
type UserStore interface {
	// CreateUser adds a user (ErrConflict if the name is taken).
	CreateUser(ctx context.Context, name string, role Role, password string) (User, error)
	// AuthenticateUser checks a name and password; ErrBadCredentials when
	// wrong or disabled. It takes about as long for unknown names.
	AuthenticateUser(ctx context.Context, name, password string) (User, error)
	// GetUser returns a user by id.
	GetUser(ctx context.Context, id string) (User, error)
	// ListUsers returns all users, oldest first.
	ListUsers(ctx context.Context) ([]User, error)
	// DisableUser disables the named user and ends their sessions.
	DisableUser(ctx context.Context, name string) error
}

// User is a web-console account.
type User struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// SessionStore holds console sessions. Only a hash of the session token is
// stored, so a leaked database does not leak live sessions.
type SessionStore interface {
	// CreateSession starts a session for userID lasting ttl and returns it
	// with the plaintext token to put in the cookie.
	CreateSession(ctx context.Context, userID string, ttl time.Duration) (Session, string, error)
	// GetSession returns the live session for token (ErrNotFound when
	// unknown, expired, or its user is disabled).
	GetSession(ctx context.Context, token string) (Session, error)
	// DeleteSession ends the session (no error if it does not exist).
	DeleteSession(ctx context.Context, token string) error
}

// Session is a signed-in console session.
type Session struct {
	ID        string    `json:"id"` // hex SHA-256 of the token (safe to log)
	User      User      `json:"user"`
	CSRFToken string    `json:"-"` // per-session token for forms
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// BatchStore holds batch screening jobs and their per-row results.
type BatchStore interface {
	// CreateBatch stores a new job (ID, Status, times assigned) and returns it.
	CreateBatch(ctx context.Context, b Batch) (Batch, error)
	// UpdateBatch records progress and status.
	UpdateBatch(ctx context.Context, id string, p BatchProgress) error
	// AddBatchResults stores result rows (any order, row numbers unique per batch).
	AddBatchResults(ctx context.Context, id string, rows []BatchResult) error
	// BatchResults returns up to limit rows with Row > afterRow, in row order.
	BatchResults(ctx context.Context, id string, afterRow int, limit int) ([]BatchResult, error)
	// GetBatch returns a job.
	GetBatch(ctx context.Context, id string) (Batch, error)
	// ListBatches returns the newest jobs first; owner "" lists everyone's.
	ListBatches(ctx context.Context, owner string, limit int) ([]Batch, error)
}

// BatchStatus is the state of a batch job.
type BatchStatus string

// Batch job states.
const (
	BatchQueued  BatchStatus = "queued"
	BatchRunning BatchStatus = "running"
	BatchDone    BatchStatus = "done"
	BatchFailed  BatchStatus = "failed"
)

// Batch is a batch screening job.
type Batch struct {
	ID        string      `json:"id"`
	Owner     string      `json:"owner"` // actor that created it
	Filename  string      `json:"filename"`
	Total     int         `json:"total"` // rows in the upload
	Done      int         `json:"done"`  // rows screened so far
	Hits      int         `json:"hits"`  // rows with at least one match
	Status    BatchStatus `json:"status"`
	Error     string      `json:"error,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// BatchProgress is an update to a batch job.
type BatchProgress struct {
	Done   int
	Hits   int
	Status BatchStatus
	Error  string
}

// BatchResult is one screened row of a batch: Data is its JSON result.
type BatchResult struct {
	Row  int             `json:"row"` // 1-based input row number
	Data json.RawMessage `json:"data"`
}
