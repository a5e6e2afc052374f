package ear

import (
	"fmt"
	"strings"
)

// ECCN is an Export Control Classification Number read down to the
// paragraph the exporter classified the item in (e.g. 3A001.b.1), or EAR99.
// Reasons for control often apply to some paragraphs only (15 CFR 738.2(d)),
// so the paragraph is kept.
type ECCN struct {
	Base      string   // "3A001", or "EAR99"
	Paragraph []string // ["b", "1"] for 3A001.b.1; nil for the whole entry
}

// EAR99 is the designation of items subject to the EAR but not on the CCL
// (15 CFR 734.3(c)).
var EAR99 = ECCN{Base: "EAR99"}

// ParseECCN parses "3A001.b.1", "5a992.C", "9A012" or "EAR99". The five
// characters are category digit, product group A-E and three digits
// (15 CFR 738.2(d)); paragraphs are dot-separated letters or numbers.
func ParseECCN(s string) (ECCN, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return ECCN{}, fmt.Errorf("empty ECCN (want e.g. 3A001.b.1 or EAR99)")
	}
	if strings.EqualFold(t, "EAR99") {
		return EAR99, nil
	}
	if len(t) < 5 {
		return ECCN{}, fmt.Errorf("ECCN %q: want 5 characters like 3A001 (digit, A-E, three digits) or EAR99", s)
	}
	base := strings.ToUpper(t[:5])
	if base[0] < '0' || base[0] > '9' || base[1] < 'A' || base[1] > 'E' ||
		!isDigits(base[2:5]) {
		return ECCN{}, fmt.Errorf("ECCN %q: want digit, product group A-E and three digits, e.g. 3A001", s)
	}
	rest := t[5:]
	if rest == "" {
		return ECCN{Base: base}, nil
	}
	if rest[0] != '.' {
		return ECCN{}, fmt.Errorf("ECCN %q: paragraphs follow a dot, e.g. %s.b.1", s, base)
	}
	var para []string
	for _, p := range strings.Split(rest[1:], ".") {
		p = strings.ToLower(p)
		if p == "" || len(p) > 4 || !(isDigits(p) || isLetters(p)) {
			return ECCN{}, fmt.Errorf("ECCN %q: bad paragraph %q (want letters or digits, e.g. .b.1)", s, p)
		}
		para = append(para, p)
	}
	return ECCN{Base: base, Paragraph: para}, nil
}

// String formats the ECCN as the CCL writes it: 3A001.b.1.
func (e ECCN) String() string {
	if len(e.Paragraph) == 0 {
		return e.Base
	}
	return e.Base + "." + strings.Join(e.Paragraph, ".")
}

// IsEAR99 reports whether the item is EAR99.
func (e ECCN) IsEAR99() bool { return e.Base == "EAR99" }

// Within reports whether e lies inside p: same entry and p's paragraph is a
// prefix of e's (3A001.b.1 is within 3A001.b and within 3A001).
func (e ECCN) Within(p ECCN) bool {
	if e.Base != p.Base || len(p.Paragraph) > len(e.Paragraph) {
		return false
	}
	for i := range p.Paragraph {
		if e.Paragraph[i] != p.Paragraph[i] {
			return false
		}
	}
	return true
}

// Category returns the CCL category digit ('0'..'9'), or 0 for EAR99.
func (e ECCN) Category() byte {
	if e.IsEAR99() || e.Base == "" {
		return 0
	}
	return e.Base[0]
}

// ProductGroup returns A-E (equipment, test equipment, materials, software,
// technology), or 0 for EAR99.
func (e ECCN) ProductGroup() byte {
	if e.IsEAR99() || len(e.Base) < 2 {
		return 0
	}
	return e.Base[1]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
