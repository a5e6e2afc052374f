// Package app holds the operations of the Clearance screening service: screen
// parties, search, determine whether a license is required, read the loaded
// lists and entities, run batch screening jobs and manage API keys.
//
// The HTTP API (package server) and the web console both call these
// functions, so a screening looks the same — and is audited the same — from
// every door. Each operation that screens, determines or administers
// appends an audit record to the store before it returns (15 CFR 762.2:
// records of screening and license determination are export records), so
// no answer leaves the service without its record.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/store"
)

// Errors the operations return; callers (the HTTP layer) map them to
// statuses with errors.Is.
var (
	// ErrInvalid marks bad input; the wrapping error names the field.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound: no such entity, batch or key.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the actor's role does not allow the operation.
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable: a part of the service is not configured (e.g. no
	// license-determination engine).
	ErrUnavailable = errors.New("unavailable")
)

// invalidf returns an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Actor is who performs an operation, as the audit trail records it.
type Actor struct {
	ID     string     // "key:<id>" or "user:<name>"; recorded as the audit actor
	Role   store.Role // what the actor may do
	Origin string     // client address, recorded as the audit origin
}

// allow returns ErrForbidden unless the actor's role includes min. The HTTP
// layer checks roles first; checking again here keeps the console honest.
func (a Actor) allow(min store.Role) error {
	if !a.Role.Allows(min) {
		return fmt.Errorf("%w: role %q may not do this (needs %s)", ErrForbidden, a.Role, min)
	}
	return nil
}

// Source describes one loaded list: where it came from, how current it is
// and how many entries it holds.
type Source struct {
	List      clearance.ListCode `json:"list"`
	Name      string             `json:"name"`
	Agency    string             `json:"agency"`
	CSLSource string             `json:"csl_source,omitempty"`
	Entries   int                `json:"entries"`
	AsOf      string             `json:"as_of,omitempty"`     // newest date the data is known current (YYYY-MM-DD)
	Origin    string             `json:"origin,omitempty"`    // file or URL the entries were read from
	Retrieved string             `json:"retrieved,omitempty"` // when that file was fetched
}

// Snapshot describes the list data the index was built from.
type Snapshot struct {
	Version string   `json:"version"` // recorded with every screening
	Built   string   `json:"built,omitempty"`
	Sources []Source `json:"sources"`
}

// Config configures a Service.
type Config struct {
	Index    *match.Index // required
	Snapshot Snapshot     // Version required
	Store    store.Store  // required
	// Checker determines whether a license is required; nil makes Check
	// return ErrUnavailable.
	Checker Checker
	// Node names this server instance in audit records ("on what
	// equipment", 15 CFR 762.5(b)(8)); defaults to the host name.
	Node string
	// Log receives background errors (batch jobs); defaults to slog.Default.
	Log *slog.Logger
	// KeyCacheTTL is how long a looked-up API key is trusted without asking
	// the store again; 0 means 5 s. A key revoked on another replica stops
	// working within this time; on this replica at once.
	KeyCacheTTL time.Duration
	// MaxBatchRows caps the rows of one batch upload; 0 means 100,000.
	MaxBatchRows int
	// MaxRunningBatches is how many batch jobs screen at once on this
	// instance; more wait in status queued. 0 means 1: batches must not
	// starve the interactive screenings an order system waits on.
	MaxRunningBatches int
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Service performs Clearance's operations. It is safe for concurrent use.
type Service struct {
	index    *match.Index
	snapshot Snapshot
	store    store.Store
	checker  Checker
	node     string
	log      *slog.Logger
	now      func() time.Time
	maxRows  int

	keys *keyCache

	// jobSlots holds one token per running batch job.
	jobSlots chan struct{}

	// batch jobs run in the background until Close.
	jobsCtx    context.Context
	cancelJobs context.CancelFunc
	jobs       sync.WaitGroup
}

// New returns a Service for cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Index == nil {
		return nil, errors.New("app: Config.Index is nil")
	}
	if cfg.Store == nil {
		return nil, errors.New("app: Config.Store is nil")
	}
	if cfg.Snapshot.Version == "" {
		return nil, errors.New("app: Config.Snapshot.Version is empty")
	}
	s := &Service{
		index:    cfg.Index,
		snapshot: cfg.Snapshot,
		store:    cfg.Store,
		checker:  cfg.Checker,
		node:     cfg.Node,
		log:      cfg.Log,
		now:      cfg.Now,
		maxRows:  cfg.MaxBatchRows,
	}
	if s.node == "" {
		s.node, _ = os.Hostname()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxRows <= 0 {
		s.maxRows = 100_000
	}
	ttl := cfg.KeyCacheTTL
	if ttl <= 0 {
		ttl = 5 * time.Second
	}
	s.keys = newKeyCache(ttl, s.now)
	if cfg.MaxRunningBatches <= 0 {
		cfg.MaxRunningBatches = 1
	}
	s.jobSlots = make(chan struct{}, cfg.MaxRunningBatches)
	s.jobsCtx, s.cancelJobs = context.WithCancel(context.Background())
	return s, nil
}

// Close stops running batch jobs (they are marked failed) and waits for
// them. It does not close the store.
func (s *Service) Close() error {
	s.cancelJobs()
	s.jobs.Wait()
	return nil
}

// Snapshot returns the description of the loaded list data.
func (s *Service) Snapshot() Snapshot { return s.snapshot }

// Index returns the search index (read-only).
func (s *Service) Index() *match.Index { return s.index }

// Store returns the store the service records to.
func (s *Service) Store() store.Store { return s.store }

// Ready reports whether the service can answer: the store responds.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Lists returns the loaded lists with their counts and as-of dates.
func (s *Service) Lists() []Source { return append([]Source(nil), s.snapshot.Sources...) }

// Entity returns the listed entity with the given stable id.
func (s *Service) Entity(id string) (*clearance.Entity, error) {
	e, ok := s.index.Entity(id)
	if !ok {
		return nil, fmt.Errorf("%w: entity %q", ErrNotFound, id)
	}
	return e, nil
}

// AuditRef identifies the audit record an answer was recorded under, so a
// client can cite it.
type AuditRef struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// audit appends one record and returns its reference. Request and result
// are marshalled here so every operation records the same way; a
// json.RawMessage is taken as already encoded (the screening hot path
// encodes its own, byte for byte as json.Marshal would: encode.go).
func (s *Service) audit(ctx context.Context, a Actor, kind store.Kind, ref string, parties, countries []string, decision string, request, result any) (AuditRef, error) {
	req, err := auditJSON(request)
	if err != nil {
		return AuditRef{}, fmt.Errorf("audit: encode request: %w", err)
	}
	res, err := auditJSON(result)
	if err != nil {
		return AuditRef{}, fmt.Errorf("audit: encode result: %w", err)
	}
	if parties == nil {
		parties = []string{}
	}
	if countries == nil {
		countries = []string{}
	}
	rec, err := s.store.AppendAudit(ctx, store.Record{
		Time:      s.now().UTC(),
		Actor:     a.ID,
		Kind:      kind,
		Reference: ref,
		Parties:   parties,
		Countries: countries,
		Snapshot:  s.snapshot.Version,
		Decision:  decision,
		Origin:    a.Origin,
		Node:      s.node,
		Request:   req,
		Result:    res,
	})
	if errors.Is(err, store.ErrInvalid) {
		// The store refuses what cannot be kept verbatim (NUL bytes, invalid
		// UTF-8): that is the input's fault, and nothing was answered.
		return AuditRef{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err != nil {
		return AuditRef{}, fmt.Errorf("audit: %w", err)
	}
	return AuditRef{Seq: rec.Seq, Hash: rec.Hash}, nil
}

// auditJSON is json.Marshal(v), or v itself when it is already JSON.
func auditJSON(v any) (json.RawMessage, error) {
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}

// SnapshotInfo describes a loaded snapshot for the service: its version,
// build time and one Source per list with entries.
func SnapshotInfo(s *snapshot.Snapshot) Snapshot {
	out := Snapshot{Version: s.Version, Sources: []Source{}}
	if !s.BuiltAt.IsZero() {
		out.Built = s.BuiltAt.UTC().Format(time.RFC3339)
	}
	for _, l := range s.Lists() {
		out.Sources = append(out.Sources, Source{List: l.Code, Name: l.Name, Agency: l.Agency, CSLSource: l.CSLSource,
			Entries: l.Entries, AsOf: l.AsOf, Origin: l.URL})
	}
	return out
}

// hasControl reports whether s holds a C0 control character other than tab
// (NUL, escape, …): no name or reference legitimately does, and the audit
// trail must be able to keep every input verbatim.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 && s[i] != '\t' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
