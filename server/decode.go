package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodeJSON reads r's body (at most limit bytes) into v strictly: the
// body must be valid UTF-8 holding exactly one JSON value whose fields all
// exist in v. encoding/json alone would silently replace invalid UTF-8
// with U+FFFD — a screened name must reach the matcher as sent, or be
// refused — and would ignore unknown fields, which hides client typos
// such as "contry".
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		// curl -d sends application/x-www-form-urlencoded unless told
		// otherwise; a JSON body under that label is read as JSON (a form
		// body then fails as invalid JSON, naming the offset).
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "application/x-www-form-urlencoded") {
			return problemf(http.StatusUnsupportedMediaType, slugUnsupportedMedia, "Unsupported media type",
				"Content-Type %q: send application/json", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "reading the body: %v", err)
	}
	return unmarshalStrict(body, v)
}

// unmarshalStrict is decodeJSON without the HTTP: the checks every JSON
// body goes through. It is fuzzed (FuzzUnmarshalStrict).
func unmarshalStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "the body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		off := invalidUTF8Offset(body)
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "the body is not valid UTF-8 (first bad byte at offset %d)", off)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "unexpected data after the JSON value at offset %d", dec.InputOffset())
	}
	return nil
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// jsonProblem turns a decoding error into a problem that says where and
// what: the offset of a syntax error, the field of a type mismatch, the
// name of an unknown field.
func jsonProblem(body []byte, err error) *problemError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(body, se.Offset)
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "syntax error at line %d, column %d (offset %d): %s", line, col, se.Offset, se.Error())
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(the body)"
		}
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "field %q: got a JSON %s, want %s", field, te.Value, jsonTypeName(te.Type.Kind().String()))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "the body ends before the JSON value does")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "unknown field %s (see /openapi.json for the request schema)", f)
	}
	return problemf(http.StatusBadRequest, slugInvalidJSON, "Invalid JSON", "%s", strings.TrimPrefix(msg, "json: "))
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}

func lineCol(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	col = int(off) - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// query reads URL query parameters, refusing invalid UTF-8 and repeated
// single-valued parameters, and remembering the first problem.
type query struct {
	v   url.Values
	err error
}

func newQuery(r *http.Request) (*query, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "malformed query string: %v", err)
	}
	for k, vs := range v {
		if !utf8.ValidString(k) {
			return nil, problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "a query parameter name is not valid UTF-8")
		}
		for _, s := range vs {
			if !utf8.ValidString(s) {
				return nil, problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "query parameter %q is not valid UTF-8", k)
			}
		}
	}
	return &query{v: v}, nil
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = problemf(http.StatusBadRequest, slugInvalidRequest, "Invalid request", "query parameter %q: "+format, append([]any{name}, args...)...)
	}
}

// str returns a single-valued parameter ("" when absent).
func (q *query) str(name string) string {
	vs := q.v[name]
	if len(vs) > 1 {
		q.fail(name, "given %d times; give it once", len(vs))
	}
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// integer returns an integer parameter in [min, max], or def when absent
// or empty.
func (q *query) integer(name string, def, min, max int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(name, "%q is not an integer", s)
		return def
	}
	if n < min || n > max {
		q.fail(name, "%d is outside %d..%d", n, min, max)
		return def
	}
	return n
}

// float returns a number parameter in [min, max], or def when absent.
func (q *query) float(name string, def, min, max float64) float64 {
	s := q.str(name)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		q.fail(name, "%q is not a number", s)
		return def
	}
	if f < min || f > max {
		q.fail(name, "%v is outside %v..%v", f, min, max)
		return def
	}
	return f
}

// boolean returns a true/false parameter; empty means def.
func (q *query) boolean(name string, def bool) bool {
	switch strings.ToLower(q.str(name)) {
	case "":
		return def
	case "true", "1", "yes":
		return true
	case "false", "0", "no":
		return false
	}
	q.fail(name, "want true or false")
	return def
}

// list returns a comma-separated parameter, also accepting repeats
// (?lists=EL&lists=SDN).
func (q *query) list(name string) []string {
	var out []string
	for _, v := range q.v[name] {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}
