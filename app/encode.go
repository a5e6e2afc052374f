package app

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
)

// Hand-written JSON for the hot path of POST /v1/screen and GET /v1/search:
// the answer and its audit record. encoding/json walks these types by
// reflection on every request, which cost about as much CPU as the rest of
// the HTTP layer together; appending the fields directly costs a fraction.
//
// The output is byte for byte what encoding/json produces for the same
// values — the response shapes and the audit record (whose bytes are
// hashed into the chain) must not change. encode_test.go holds that
// promise: it compares both encoders on real screenings and in a fuzz
// target, and fails when a JSON field is added to one of these types
// without being added here.

// errUnsupportedFloat is what encoding/json refuses too: NaN and ±Inf have
// no JSON form.
var errUnsupportedFloat = errors.New("json: unsupported value: NaN or infinite number")

// AppendJSON appends the JSON encoding of r to dst: exactly what
// encoding/json's Encoder writes with SetEscapeHTML(escapeHTML), without
// the trailing newline (json.Marshal's bytes when escapeHTML is true).
func (r *ScreenResponse) AppendJSON(dst []byte, escapeHTML bool) ([]byte, error) {
	e := jsonAppender{b: dst, html: escapeHTML}
	e.raw(`{"decision":`)
	e.str(r.Decision)
	if r.Reference != "" {
		e.raw(`,"reference":`)
		e.str(r.Reference)
	}
	e.raw(`,"snapshot":`)
	e.str(r.Snapshot)
	e.raw(`,"screened_at":`)
	e.time(r)
	e.raw(`,"threshold":`)
	e.float(r.Threshold)
	e.raw(`,"results":`)
	if r.Results == nil {
		e.raw("null")
	} else {
		e.b = append(e.b, '[')
		for i := range r.Results {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			pr := &r.Results[i]
			e.raw(`{"party":`)
			e.party(&pr.Party)
			e.raw(`,"decision":`)
			e.str(pr.Decision)
			e.raw(`,"matches":`)
			e.matches(pr.Matches)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.raw(`,"audit":`)
	e.auditRef(r.Audit)
	e.b = append(e.b, '}')
	return e.b, e.err
}

// AppendJSON appends the JSON encoding of r to dst, as ScreenResponse's
// AppendJSON does.
func (r *SearchResponse) AppendJSON(dst []byte, escapeHTML bool) ([]byte, error) {
	e := jsonAppender{b: dst, html: escapeHTML}
	e.raw(`{"name":`)
	e.str(r.Name)
	e.raw(`,"snapshot":`)
	e.str(r.Snapshot)
	e.raw(`,"decision":`)
	e.str(r.Decision)
	e.raw(`,"matches":`)
	e.matches(r.Matches)
	e.raw(`,"audit":`)
	e.auditRef(r.Audit)
	e.b = append(e.b, '}')
	return e.b, e.err
}

// appendAuditRequest is json.Marshal(q.auditRequest(ref)).
func appendAuditRequest(dst []byte, q *screenQuery, ref string) ([]byte, error) {
	e := jsonAppender{b: dst, html: true}
	e.raw(`{"parties":`)
	if q.parties == nil {
		e.raw("null")
	} else {
		e.b = append(e.b, '[')
		for i := range q.parties {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.party(&q.parties[i])
		}
		e.b = append(e.b, ']')
	}
	if len(q.base.Lists) > 0 {
		e.raw(`,"lists":[`)
		for i, l := range q.base.Lists {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.str(string(l))
		}
		e.b = append(e.b, ']')
	}
	e.raw(`,"threshold":`)
	e.float(q.base.Threshold)
	e.raw(`,"limit":`)
	e.b = strconv.AppendInt(e.b, int64(q.base.Limit), 10)
	if q.base.AsOf != "" {
		e.raw(`,"as_of":`)
		e.str(q.base.AsOf)
	}
	if ref != "" {
		e.raw(`,"reference":`)
		e.str(ref)
	}
	e.b = append(e.b, '}')
	return e.b, e.err
}

// appendAuditResults is json.Marshal(auditMatches(rs)).
func appendAuditResults(dst []byte, rs []PartyResult) ([]byte, error) {
	e := jsonAppender{b: dst, html: true}
	e.b = append(e.b, '[')
	for i := range rs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.raw(`{"decision":`)
		e.str(rs[i].Decision)
		e.raw(`,"matches":`)
		e.auditMatches(rs[i].Matches)
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ']')
	return e.b, e.err
}

// appendAuditMatches is json.Marshal(toAuditMatches(ms)).
func appendAuditMatches(dst []byte, ms []clearance.Match) ([]byte, error) {
	e := jsonAppender{b: dst, html: true}
	e.auditMatches(ms)
	return e.b, e.err
}

// jsonAppender appends JSON to b and remembers the first error (a NaN or
// infinite number), as encoding/json would report it.
type jsonAppender struct {
	b    []byte
	html bool // escape <, > and & as encoding/json does by default
	err  error
}

func (e *jsonAppender) raw(s string) { e.b = append(e.b, s...) }

func (e *jsonAppender) str(s string) { e.b = appendJSONString(e.b, s, e.html) }

// float writes f as encoding/json does: shortest representation, 'f'
// notation except for very small or large magnitudes, 'e' with a trimmed
// exponent ("1e-7", not "1e-07") there.
func (e *jsonAppender) float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if e.err == nil {
			e.err = errUnsupportedFloat
		}
		e.b = append(e.b, '0')
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		if n := len(e.b); n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

func (e *jsonAppender) bool(v bool) {
	if v {
		e.raw("true")
	} else {
		e.raw("false")
	}
}

// time writes r.ScreenedAt as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds), including its refusal of years outside 0..9999.
func (e *jsonAppender) time(r *ScreenResponse) {
	b, err := r.ScreenedAt.MarshalJSON()
	if err != nil && e.err == nil {
		e.err = err
	}
	e.b = append(e.b, b...)
}

func (e *jsonAppender) party(p *Party) {
	e.b = append(e.b, '{')
	if p.ID != "" {
		e.raw(`"id":`)
		e.str(p.ID)
		e.b = append(e.b, ',')
	}
	e.raw(`"name":`)
	e.str(p.Name)
	if p.Type != "" {
		e.raw(`,"type":`)
		e.str(p.Type)
	}
	if p.Country != "" {
		e.raw(`,"country":`)
		e.str(p.Country)
	}
	e.b = append(e.b, '}')
}

func (e *jsonAppender) auditRef(a AuditRef) {
	e.raw(`{"seq":`)
	e.b = strconv.AppendInt(e.b, a.Seq, 10)
	e.raw(`,"hash":`)
	e.str(a.Hash)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) matches(ms []clearance.Match) {
	if ms == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i := range ms {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.match(&ms[i])
	}
	e.b = append(e.b, ']')
}

func (e *jsonAppender) match(m *clearance.Match) {
	e.raw(`{"entity_id":`)
	e.str(m.EntityID)
	e.raw(`,"list":`)
	e.str(string(m.List))
	e.raw(`,"name":`)
	e.str(m.Name)
	e.raw(`,"matched_name":`)
	e.str(m.MatchedName)
	e.raw(`,"alias":`)
	e.bool(m.Alias)
	e.raw(`,"score":`)
	e.float(m.Score)
	if x := m.Explanation; x != nil {
		e.raw(`,"explanation":{"query":`)
		e.str(x.Query)
		e.raw(`,"listed":`)
		e.str(x.Listed)
		e.raw(`,"alignments":`)
		if x.Alignments == nil {
			e.raw("null")
		} else {
			e.b = append(e.b, '[')
			for i := range x.Alignments {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.alignment(&x.Alignments[i])
			}
			e.b = append(e.b, ']')
		}
		if len(x.Ignored) > 0 {
			e.raw(`,"ignored":[`)
			for i, t := range x.Ignored {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.raw(`{"token":`)
				e.str(t.Token)
				e.raw(`,"reason":`)
				e.str(t.Reason)
				e.b = append(e.b, '}')
			}
			e.b = append(e.b, ']')
		}
		if len(x.Adjust) > 0 {
			e.raw(`,"adjustments":[`)
			for i, a := range x.Adjust {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.raw(`{"feature":`)
				e.str(a.Feature)
				e.raw(`,"delta":`)
				e.float(a.Delta)
				e.raw(`,"reason":`)
				e.str(a.Reason)
				e.b = append(e.b, '}')
			}
			e.b = append(e.b, ']')
		}
		e.raw(`,"name_score":`)
		e.float(x.NameScore)
		e.raw(`,"summary":`)
		e.str(x.Summary)
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, '}')
}

func (e *jsonAppender) alignment(a *clearance.TokenAlignment) {
	e.b = append(e.b, '{')
	if a.Query != "" {
		e.raw(`"query":`)
		e.str(a.Query)
		e.b = append(e.b, ',')
	}
	if a.Listed != "" {
		e.raw(`"listed":`)
		e.str(a.Listed)
		e.b = append(e.b, ',')
	}
	e.raw(`"kind":`)
	e.str(a.Kind)
	e.raw(`,"similarity":`)
	e.float(a.Similarity)
	e.raw(`,"weight":`)
	e.float(a.Weight)
	e.raw(`,"contribution":`)
	e.float(a.Contribution)
	e.b = append(e.b, '}')
}

// auditMatches writes ms as the audit trail keeps them (auditMatch): no
// explanation, scores rounded to four decimals.
func (e *jsonAppender) auditMatches(ms []clearance.Match) {
	e.b = append(e.b, '[')
	for i := range ms {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		m := &ms[i]
		e.raw(`{"entity_id":`)
		e.str(m.EntityID)
		e.raw(`,"list":`)
		e.str(string(m.List))
		e.raw(`,"name":`)
		e.str(m.Name)
		e.raw(`,"matched_name":`)
		e.str(m.MatchedName)
		e.raw(`,"score":`)
		e.float(round4(m.Score))
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ']')
}

const hexDigits = "0123456789abcdef"

// jsonSafe and jsonHTMLSafe tell which ASCII bytes a JSON string holds
// as they are: a table lookup per byte is what makes names cheap to copy.
var jsonSafe, jsonHTMLSafe = func() (safe, html [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\'
		html[c] = safe[c] && c != '<' && c != '>' && c != '&'
	}
	return safe, html
}()

// appendJSONString is encoding/json's string encoding: quotes, backslash
// and control characters escaped (\b \f \n \r \t by name), invalid UTF-8
// replaced by U+FFFD, U+2028 and U+2029 escaped (JavaScript line
// terminators), and <, >, & escaped when html is set.
func appendJSONString(dst []byte, s string, html bool) []byte {
	safe := &jsonSafe
	if html {
		safe = &jsonHTMLSafe
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
