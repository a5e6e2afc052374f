// Package snapshot builds, encodes, embeds and loads the default list
// snapshot: every restricted-party list Clearance screens against, as one
// versioned set of entities with the provenance of each source file.
//
// The default snapshot is built by this package's own code (Build, run by
// `go run ./lists/snapshot/cmd/build`) from the official files committed
// under data/sources, stored gzip'd in lists/snapshot/data and embedded in
// the binary, so that Clearance screens offline with no setup. Default
// loads it once. See docs/snapshot.md.
package snapshot

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	clearance "github.com/clearance-oss/clearance"
)

// FormatVersion is the version of the encoding written by Encode. Decode
// rejects other versions rather than misreading them.
const FormatVersion = 1

// Snapshot is a versioned set of listed entities with their provenance.
type Snapshot struct {
	// Version identifies the content: the first 16 hex digits of SHA-256
	// over the sources and entities (not BuiltAt). Two builds from the
	// same inputs have the same Version; screening results record it.
	Version  string             `json:"version"`
	BuiltAt  time.Time          `json:"built_at"`
	Sources  []Source           `json:"sources"`
	Entities []clearance.Entity `json:"entities"`
}

// Source is the provenance of one input file.
type Source struct {
	ID       string               `json:"id"`                 // short name, e.g. "csl", "bis-entity-list"
	Name     string               `json:"name"`               // what the file is
	File     string               `json:"file"`               // file name as published (before the repo's gzip)
	URL      string               `json:"url"`                // where the publisher serves it
	AsOf     string               `json:"as_of"`              // YYYY-MM-DD the data is current to
	Count    int                  `json:"count"`              // records read from the file
	SHA256   string               `json:"sha256"`             // of the file as published (uncompressed)
	Lists    []clearance.ListCode `json:"lists,omitempty"`    // lists whose entries come from this file
	Enriches []clearance.ListCode `json:"enriches,omitempty"` // lists whose entries this file completes
	Notes    string               `json:"notes,omitempty"`    // how the file was used
}

// ListSummary describes one list in a snapshot, for `clearance lists`.
type ListSummary struct {
	clearance.ListMeta
	Entries int      `json:"entries"`
	AsOf    string   `json:"as_of"`   // as-of date of the file the entries come from (the newest, if several)
	File    string   `json:"file"`    // that file's name as published
	URL     string   `json:"url"`     // where its publisher serves it
	Sources []string `json:"sources"` // ids of all sources the entries come from or are enriched by
}

// Counts returns the number of entities per list.
func (s *Snapshot) Counts() map[clearance.ListCode]int {
	out := map[clearance.ListCode]int{}
	for i := range s.Entities {
		out[s.Entities[i].List]++
	}
	return out
}

// Lists summarises the snapshot per list, in clearance.Lists order, leaving
// out lists with no entries.
func (s *Snapshot) Lists() []ListSummary { return summarise(s.Counts(), s.Sources) }

// Lists summarises the manifest's snapshot per list, as Snapshot.Lists.
func (m *Manifest) Lists() []ListSummary { return summarise(m.Counts, m.Sources) }

func summarise(counts map[clearance.ListCode]int, sources []Source) []ListSummary {
	var out []ListSummary
	for _, m := range clearance.Lists() {
		if counts[m.Code] == 0 {
			continue
		}
		ls := ListSummary{ListMeta: m, Entries: counts[m.Code]}
		for _, src := range sources {
			primary := containsList(src.Lists, m.Code)
			if primary || containsList(src.Enriches, m.Code) {
				ls.Sources = append(ls.Sources, src.ID)
			}
			if primary && src.AsOf > ls.AsOf {
				ls.AsOf, ls.File, ls.URL = src.AsOf, src.File, src.URL
			}
		}
		out = append(out, ls)
	}
	return out
}

func containsList(codes []clearance.ListCode, c clearance.ListCode) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}

// Source returns the source with the given id.
func (s *Snapshot) Source(id string) (Source, bool) {
	for _, src := range s.Sources {
		if src.ID == id {
			return src, true
		}
	}
	return Source{}, false
}

// encoded is the stored form: a format version, then the snapshot.
type encoded struct {
	Format   int
	Snapshot Snapshot
}

// ContentVersion computes Version: SHA-256 over the JSON of the sources
// and the entities, in order.
func ContentVersion(sources []Source, entities []clearance.Entity) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(sources); err != nil {
		return "", fmt.Errorf("snapshot: version: %w", err)
	}
	for i := range entities {
		if err := enc.Encode(&entities[i]); err != nil {
			return "", fmt.Errorf("snapshot: version: entity %d: %w", i, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Encode writes s as gzip'd gob. Gob, not JSON, because Default decodes it
// at start-up and gob decodes the entities about seven times faster than
// encoding/json (BenchmarkLoadDefault vs BenchmarkLoadDefaultAsJSON). The
// gzip stream carries no timestamp, so the output depends only on s.
func Encode(w io.Writer, s *Snapshot) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(encoded{Format: FormatVersion, Snapshot: *s}); err != nil {
		return fmt.Errorf("snapshot: encode: %w", err)
	}
	return zw.Close()
}

// Decode reads a snapshot written by Encode and checks that its content
// matches its Version and that entity ids are unique.
func Decode(r io.Reader) (*Snapshot, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("snapshot: decode: %w", err)
	}
	var enc encoded
	if err := gob.NewDecoder(zr).Decode(&enc); err != nil {
		return nil, fmt.Errorf("snapshot: decode: %w", err)
	}
	if enc.Format != FormatVersion {
		return nil, fmt.Errorf("snapshot: decode: format %d, this build reads format %d", enc.Format, FormatVersion)
	}
	s := &enc.Snapshot
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s, nil
}

// Check verifies the invariants every snapshot keeps: a non-empty entity
// set, every entity with an id, a valid list and a name, ids unique.
// (Decode does not recompute Version: that costs as much as the decode, and
// the committed snapshot's Version is checked by the package tests.)
func (s *Snapshot) Check() error {
	if len(s.Entities) == 0 {
		return fmt.Errorf("snapshot %s: no entities", s.Version)
	}
	seen := make(map[string]int, len(s.Entities))
	for i := range s.Entities {
		e := &s.Entities[i]
		switch {
		case e.ID == "":
			return fmt.Errorf("snapshot %s: entity %d (%q): empty id", s.Version, i, e.Name)
		case !e.List.Valid():
			return fmt.Errorf("snapshot %s: entity %s: unknown list %q", s.Version, e.ID, e.List)
		case e.Name == "":
			return fmt.Errorf("snapshot %s: entity %s: empty name", s.Version, e.ID)
		}
		if j, dup := seen[e.ID]; dup {
			return fmt.Errorf("snapshot %s: entities %d and %d share id %s", s.Version, j, i, e.ID)
		}
		seen[e.ID] = i
	}
	return nil
}

// defaultGz is the committed default snapshot, written by cmd/build.
//
//go:embed data/snapshot.gob.gz
var defaultGz []byte

var (
	defaultOnce sync.Once
	defaultSnap *Snapshot
	defaultErr  error
)

// Default returns the snapshot embedded in the binary, decoding it on the
// first call only. The result is shared: callers must not modify it.
func Default() (*Snapshot, error) {
	defaultOnce.Do(func() {
		defaultSnap, defaultErr = Decode(bytes.NewReader(defaultGz))
		if defaultErr != nil {
			defaultErr = fmt.Errorf("embedded default snapshot: %w", defaultErr)
		}
	})
	return defaultSnap, defaultErr
}

// sortedCodes returns the keys of counts in a fixed order.
func sortedCodes(counts map[clearance.ListCode]int) []clearance.ListCode {
	out := make([]clearance.ListCode, 0, len(counts))
	for c := range counts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// File names in lists/snapshot/data.
const (
	DataFile         = "snapshot.gob.gz" // the encoded snapshot, embedded
	ManifestDataFile = "manifest.json"   // its version, sources and counts, for reviewers
)

// Manifest is a snapshot without its entities: what a reviewer reads in a
// diff to see what changed.
type Manifest struct {
	Version string                     `json:"version"`
	BuiltAt time.Time                  `json:"built_at"`
	Sources []Source                   `json:"sources"`
	Counts  map[clearance.ListCode]int `json:"counts"`
	Total   int                        `json:"total"`
}

// defaultManifestJSON is the manifest of the embedded snapshot, written
// with it by cmd/build (the package tests check the two agree).
//
//go:embed data/manifest.json
var defaultManifestJSON []byte

// DefaultManifest returns the manifest of the embedded default snapshot
// without decoding its entities: what `clearance lists` needs, in a
// millisecond instead of the snapshot's decode.
func DefaultManifest() (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(defaultManifestJSON, &m); err != nil {
		return nil, fmt.Errorf("embedded default snapshot manifest: %w", err)
	}
	return &m, nil
}

// ManifestOf returns the manifest of s.
func ManifestOf(s *Snapshot) Manifest {
	return Manifest{Version: s.Version, BuiltAt: s.BuiltAt, Sources: s.Sources, Counts: s.Counts(), Total: len(s.Entities)}
}

// CheckShrink compares a new snapshot's manifest with the one it replaces
// and reports every list that lost more than half its entries or
// disappeared. A list halving overnight is far likelier a truncated or
// misparsed download than a policy change, and loading it would silently
// stop screening against the missing half; so a refresh rejects it unless
// a person confirms.
func CheckShrink(old, new *Manifest) error {
	var shrunk []string
	for _, code := range sortedCodes(old.Counts) {
		was, now := old.Counts[code], new.Counts[code]
		if was > 0 && now*2 < was {
			shrunk = append(shrunk, fmt.Sprintf("%s %d → %d", code, was, now))
		}
	}
	if len(shrunk) > 0 {
		return fmt.Errorf("snapshot %s → %s: lists shrank by more than half: %s", old.Version, new.Version, strings.Join(shrunk, ", "))
	}
	return nil
}
