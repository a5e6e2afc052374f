package store

// isCompactJSON reports whether raw is one valid JSON value with no
// insignificant whitespace: then json.Compact would return it unchanged,
// and PrepareRecord keeps it without copying. The service's own records
// (encoded by encoding/json or app's encoders) always are, so the store
// validates them with this direct scan instead of json.Compact's scanner,
// which costs a function call per byte and a copy. Anything it does not
// accept — whitespace, deep nesting, invalid JSON — takes the json.Compact
// path, which compacts or names the error; so it may refuse what is valid,
// but must never accept what is not (FuzzIsCompactJSON). UTF-8 is checked
// separately.
func isCompactJSON(raw []byte) bool {
	v := compactValidator{b: raw}
	return v.value(0) && v.i == len(v.b)
}

// maxCompactDepth bounds the nesting the direct scan follows (recursion);
// deeper values take the json.Compact path.
const maxCompactDepth = 64

type compactValidator struct {
	b []byte
	i int
}

func (v *compactValidator) value(depth int) bool {
	if v.i >= len(v.b) || depth > maxCompactDepth {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '{':
		v.i++
		if v.i < len(v.b) && v.b[v.i] == '}' {
			v.i++
			return true
		}
		for {
			if !v.string() || v.i >= len(v.b) || v.b[v.i] != ':' {
				return false
			}
			v.i++
			if !v.value(depth + 1) {
				return false
			}
			if v.i >= len(v.b) {
				return false
			}
			switch v.b[v.i] {
			case ',':
				v.i++
			case '}':
				v.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		v.i++
		if v.i < len(v.b) && v.b[v.i] == ']' {
			v.i++
			return true
		}
		for {
			if !v.value(depth + 1) {
				return false
			}
			if v.i >= len(v.b) {
				return false
			}
			switch v.b[v.i] {
			case ',':
				v.i++
			case ']':
				v.i++
				return true
			default:
				return false
			}
		}
	case c == '"':
		return v.string()
	case c == '-' || ('0' <= c && c <= '9'):
		return v.number()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	}
	return false
}

func (v *compactValidator) literal(word string) bool {
	if len(v.b)-v.i < len(word) || string(v.b[v.i:v.i+len(word)]) != word {
		return false
	}
	v.i += len(word)
	return true
}

// string accepts a JSON string: no control characters, only the escapes
// JSON defines.
func (v *compactValidator) string() bool {
	if v.i >= len(v.b) || v.b[v.i] != '"' {
		return false
	}
	for v.i++; v.i < len(v.b); v.i++ {
		switch c := v.b[v.i]; {
		case c == '"':
			v.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			v.i++
			if v.i >= len(v.b) {
				return false
			}
			switch v.b[v.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(v.b)-v.i < 5 {
					return false
				}
				for _, h := range v.b[v.i+1 : v.i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				v.i += 4
			default:
				return false
			}
		}
	}
	return false
}

// number accepts -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (v *compactValidator) number() bool {
	if v.b[v.i] == '-' {
		v.i++
	}
	switch {
	case v.i < len(v.b) && v.b[v.i] == '0':
		v.i++
	case v.i < len(v.b) && '1' <= v.b[v.i] && v.b[v.i] <= '9':
		v.digits()
	default:
		return false
	}
	if v.i < len(v.b) && v.b[v.i] == '.' {
		v.i++
		if v.digits() == 0 {
			return false
		}
	}
	if v.i < len(v.b) && (v.b[v.i] == 'e' || v.b[v.i] == 'E') {
		v.i++
		if v.i < len(v.b) && (v.b[v.i] == '+' || v.b[v.i] == '-') {
			v.i++
		}
		if v.digits() == 0 {
			return false
		}
	}
	return true
}

func (v *compactValidator) digits() int {
	n := 0
	for v.i < len(v.b) && '0' <= v.b[v.i] && v.b[v.i] <= '9' {
		v.i++
		n++
	}
	return n
}
