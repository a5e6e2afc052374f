package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GenesisHash is the PrevHash of the first record of a chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how audit times are written in the canonical encoding (and
// in SQLite): fixed width, so strings sort as times do. Microseconds because
// that is PostgreSQL's timestamp precision.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// canonicalVersion starts every canonical encoding, so that a future change
// of the encoding cannot be confused with this one.
const canonicalVersion = "clearance-audit-v1\n"

// Canonical returns the byte string a record's Hash is computed over. Every
// field except Hash is included, in a fixed order, each one length-prefixed
// so that no two different records encode alike:
//
//	"clearance-audit-v1\n"
//	field  := <decimal byte length> ":" <bytes> "\n"
//	list   := <decimal count> "#\n" field*
//	record := seq time actor kind reference list(parties) list(countries)
//	          snapshot decision origin node request result prev_hash
//
// seq is decimal; time is TimeFormat in UTC; request and result are the
// stored (compacted) JSON bytes, empty when absent or null. Hash is the lower-case
// hex SHA-256 of this encoding. docs/store.md repeats this so an auditor can
// check the chain with any tool.
func Canonical(r *Record) []byte {
	// Sized up front: this runs for every verified record.
	size := len(canonicalVersion) + 14*24 + len(r.Actor) + len(r.Kind) + len(r.Reference) + len(r.Snapshot) +
		len(r.Decision) + len(r.Origin) + len(r.Node) + len(r.Request) + len(r.Result) + len(r.PrevHash)
	for _, p := range r.Parties {
		size += len(p) + 24
	}
	for _, c := range r.Countries {
		size += len(c) + 24
	}
	return appendCanonical(make([]byte, 0, size), r)
}

// appendCanonical appends r's canonical encoding (see Canonical) to b.
func appendCanonical(b []byte, r *Record) []byte {
	b = append(b, canonicalVersion...)
	var seq [20]byte
	b = appendCanonicalField(b, strconv.AppendInt(seq[:0], r.Seq, 10))
	var ts [32]byte
	b = appendCanonicalField(b, r.Time.UTC().AppendFormat(ts[:0], TimeFormat))
	b = appendCanonicalField(b, r.Actor)
	b = appendCanonicalField(b, r.Kind)
	b = appendCanonicalField(b, r.Reference)
	b = appendCanonicalList(b, r.Parties)
	b = appendCanonicalList(b, r.Countries)
	b = appendCanonicalField(b, r.Snapshot)
	b = appendCanonicalField(b, r.Decision)
	b = appendCanonicalField(b, r.Origin)
	b = appendCanonicalField(b, r.Node)
	b = appendCanonicalField(b, jsonField(r.Request))
	b = appendCanonicalField(b, jsonField(r.Result))
	b = appendCanonicalField(b, r.PrevHash)
	return b
}

// appendCanonicalField appends one length-prefixed field: <len> ":" <bytes> "\n".
func appendCanonicalField[S ~string | ~[]byte](b []byte, s S) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, '\n')
}

// appendCanonicalList appends a counted list of fields: <count> "#\n" field*.
func appendCanonicalList(b []byte, xs []string) []byte {
	b = strconv.AppendInt(b, int64(len(xs)), 10)
	b = append(b, "#\n"...)
	for _, x := range xs {
		b = appendCanonicalField(b, x)
	}
	return b
}

// jsonField is the canonical text of a JSON field: JSON null and absent
// are the same (a JSONL export writes absent as null).
func jsonField(raw json.RawMessage) []byte {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

// Hash returns the hex SHA-256 of r's canonical encoding.
func Hash(r *Record) string {
	sum := sha256.Sum256(Canonical(r))
	return hex.EncodeToString(sum[:])
}

// Chain links recs to a chain whose last record has seq headSeq and hash
// headHash (0 and GenesisHash for an empty chain): it assigns each record
// its Seq, PrevHash and Hash, in order. Backends call it inside the
// transaction that holds the chain head, so the chain has one order.
func Chain(headSeq int64, headHash string, recs []*Record) (newSeq int64, newHash string) {
	var buf []byte // one encoding buffer for the whole batch
	for _, r := range recs {
		headSeq++
		r.Seq = headSeq
		r.PrevHash = headHash
		buf = appendCanonical(buf[:0], r)
		sum := sha256.Sum256(buf)
		r.Hash = hex.EncodeToString(sum[:])
		headHash = r.Hash
	}
	return headSeq, headHash
}

// PrepareRecord validates r and brings it to the form that is stored and
// hashed: Time in UTC truncated to microseconds (now when zero), countries
// upper case, JSON compacted. Invalid input yields an error wrapping
// ErrInvalid that names the field; nothing about a bad record reaches the
// database.
func PrepareRecord(r Record, now time.Time) (Record, error) {
	if r.Time.IsZero() {
		r.Time = now
	}
	r.Time = r.Time.UTC().Truncate(time.Microsecond)
	if r.Time.Year() < 1 || r.Time.Year() > 9999 {
		return r, fmt.Errorf("%w: audit field %q: year %d out of range", ErrInvalid, "time", r.Time.Year())
	}
	if r.Kind == "" {
		return r, fmt.Errorf("%w: audit field %q: empty", ErrInvalid, "kind")
	}
	for _, f := range []struct {
		name string
		v    string
	}{{"actor", r.Actor}, {"kind", string(r.Kind)}, {"reference", r.Reference}, {"snapshot", r.Snapshot},
		{"decision", r.Decision}, {"origin", r.Origin}, {"node", r.Node}} {
		if err := CheckText(f.name, f.v); err != nil {
			return r, err
		}
	}
	r.Parties = append([]string(nil), r.Parties...)
	for i, p := range r.Parties {
		if err := CheckText(fmt.Sprintf("parties[%d]", i), p); err != nil {
			return r, err
		}
	}
	cs := make([]string, len(r.Countries))
	for i, c := range r.Countries {
		if err := CheckText(fmt.Sprintf("countries[%d]", i), c); err != nil {
			return r, err
		}
		if strings.Contains(c, ",") {
			return r, fmt.Errorf("%w: audit field %q: %q contains a comma", ErrInvalid, fmt.Sprintf("countries[%d]", i), c)
		}
		cs[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	r.Countries = cs
	var err error
	if r.Request, err = compactJSON("request", r.Request); err != nil {
		return r, err
	}
	if r.Result, err = compactJSON("result", r.Result); err != nil {
		return r, err
	}
	r.Seq, r.PrevHash, r.Hash = 0, "", ""
	return r, nil
}

// compactJSON returns raw compacted, nil for empty or null, or an error
// naming the field. Already-compact JSON is returned as it is, not copied
// (isCompactJSON): appends hold their caller until committed, so the
// caller cannot change the bytes meanwhile. The characters that
// encoding/json.Marshal writes as \u escapes (<, >, &, U+2028, U+2029) are
// stored escaped, so that a record re-encoded by either setting of a Go
// JSON encoder keeps the bytes its hash covers (a party "A & C Trade"
// exported through json.Marshal must still verify).
func compactJSON(field string, raw json.RawMessage) (json.RawMessage, error) {
	if isCompactJSON(raw) && utf8.Valid(raw) && !needsHTMLEscape(raw) {
		if string(raw) == "null" {
			return nil, nil
		}
		return raw, nil
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("%w: audit field %q: %v", ErrInvalid, field, err)
	}
	if b.String() == "null" {
		return nil, nil
	}
	if !utf8.Valid(b.Bytes()) {
		return nil, fmt.Errorf("%w: audit field %q: invalid UTF-8", ErrInvalid, field)
	}
	out := b.Bytes()
	if needsHTMLEscape(out) {
		var e bytes.Buffer
		json.HTMLEscape(&e, out)
		out = e.Bytes()
	}
	return json.RawMessage(out), nil
}

// needsHTMLEscape reports whether b holds a character json.Marshal escapes.
func needsHTMLEscape(b []byte) bool {
	return bytes.ContainsAny(b, "<>&\u2028\u2029")
}

// CheckText rejects strings no backend can store faithfully: invalid UTF-8
// and NUL bytes (PostgreSQL text cannot hold NUL, so SQLite must not either,
// or the two backends would disagree).
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: field %q: invalid UTF-8", ErrInvalid, field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%w: field %q: contains a NUL byte", ErrInvalid, field)
	}
	return nil
}

// ChainVerifier checks records one at a time, in the order the database
// returns them by seq, and remembers the first problem. Backends stream
// their rows through it so memory does not grow with the trail.
type ChainVerifier struct {
	rep      VerifyReport
	prevHash string
	broken   bool
}

// NewChainVerifier starts checking a chain from its first record.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{prevHash: GenesisHash}
}

func (v *ChainVerifier) fail(seq int64, format string, args ...any) bool {
	v.broken = true
	v.rep.FirstBad = seq
	v.rep.Problem = fmt.Sprintf(format, args...)
	return false
}

// Add checks the next record. It returns false once the chain is broken;
// callers may stop reading then.
func (v *ChainVerifier) Add(r *Record) bool {
	if v.broken {
		return false
	}
	want := v.rep.HeadSeq + 1
	v.rep.Records++
	switch {
	case r.Seq > want:
		if want == r.Seq-1 {
			return v.fail(want, "record %d is missing (deleted): the next stored record is %d", want, r.Seq)
		}
		return v.fail(want, "records %d to %d are missing (deleted): the next stored record is %d", want, r.Seq-1, r.Seq)
	case r.Seq < want:
		return v.fail(r.Seq, "record %d is out of order after record %d", r.Seq, v.rep.HeadSeq)
	}
	if got := Hash(r); got != r.Hash {
		return v.fail(r.Seq, "record %d was altered: its content hashes to %s, but its stored hash is %s", r.Seq, short(got), short(r.Hash))
	}
	if r.PrevHash != v.prevHash {
		return v.fail(r.Seq, "record %d does not follow record %d: its prev_hash %s is not that record's hash %s (records deleted, inserted or reordered)",
			r.Seq, r.Seq-1, short(r.PrevHash), short(v.prevHash))
	}
	v.prevHash = r.Hash
	v.rep.HeadSeq = r.Seq
	v.rep.HeadHash = r.Hash
	return true
}

// Finish compares the last record checked with the chain head the
// database keeps beside the records (updated in the same transaction as
// every append), which is how deleting the newest records is detected.
// headSeq < 0 means the head row itself is missing.
func (v *ChainVerifier) Finish(headSeq int64, headHash string) VerifyReport {
	if !v.broken {
		switch {
		case headSeq < 0:
			v.fail(1, "the chain head row is missing (audit_head deleted), so deleted newest records cannot be ruled out")
		case headSeq > v.rep.HeadSeq:
			v.fail(v.rep.HeadSeq+1, "records %d to %d are missing (deleted): the chain head says the last record is %d", v.rep.HeadSeq+1, headSeq, headSeq)
		case headSeq < v.rep.HeadSeq:
			v.fail(headSeq+1, "record %d is not covered by the chain head (seq %d): written outside Clearance or head rolled back", headSeq+1, headSeq)
		case headSeq > 0 && headHash != v.rep.HeadHash:
			v.fail(headSeq, "record %d's hash %s differs from the chain head's %s", headSeq, short(v.rep.HeadHash), short(headHash))
		}
	}
	v.rep.OK = !v.broken
	if v.rep.HeadHash == "" {
		v.rep.HeadHash = GenesisHash
	}
	return v.rep
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
