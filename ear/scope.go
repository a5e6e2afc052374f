package ear

import (
	"regexp"
	"strings"
)

// applicability says whether a CCL License Requirements row covers an item.
type applicability int

const (
	notCovered applicability = iota
	maybeCovered
	covered
)

var (
	// 3A001.b.2, 9A515.e.2 — a reference naming the entry.
	fullRefRe = regexp.MustCompile(`(?i)\b(\d[A-E]\d{3})((?:\.[a-z0-9]{1,4})+)`)
	// .a.1, .e — a reference relative to the entry, after a space, comma or parenthesis.
	dotRefRe = regexp.MustCompile(`(?:^|[\s,(])\.([a-z]{1,2}(?:\.[a-z0-9]{1,4})*)\b`)
	// b.3, z.1.a, a.3.d.2.a — a bare relative reference (letter then number).
	bareRefRe = regexp.MustCompile(`(?:^|[\s,(])([a-z]\.\d{1,3}(?:\.[a-z0-9]{1,4})*)\b`)
	// Words that make a row depend on facts the ECCN alone does not carry.
	conditionRe = regexp.MustCompile(`\b(when|if|that|having|capable|usable|meet|meets|being exported|for use in|designed|specially|frame rate|greater than|less than)\b`)
)

// paragraphRefs returns the paragraphs of base that text names.
func paragraphRefs(base, text string) []ECCN {
	var out []ECCN
	seen := map[string]bool{}
	add := func(para string) {
		para = strings.TrimRight(para, ".")
		e, err := ParseECCN(base + "." + para)
		if err != nil || seen[e.String()] {
			return
		}
		seen[e.String()] = true
		out = append(out, e)
	}
	for _, m := range fullRefRe.FindAllStringSubmatch(text, -1) {
		if strings.EqualFold(m[1], base) {
			add(m[2][1:])
		}
	}
	// Strip full references (to this or other entries) before reading relative ones.
	rel := fullRefRe.ReplaceAllString(text, " ")
	for _, m := range dotRefRe.FindAllStringSubmatch(rel, -1) {
		add(m[1])
	}
	for _, m := range bareRefRe.FindAllStringSubmatch(rel, -1) {
		add(m[1])
	}
	return out
}

// scopeApplies decides whether a row's control scope ("NS applies to entire
// entry, except .a.1") covers item. An item classified only to the entry
// (no paragraph) is "maybe" covered by a row about some paragraphs, except
// .z paragraphs: those exist for items meeting the 3A090/4A090 parameters
// and must be named in the classification (15 CFR 740.2(a)(9)(ii)), so an
// item not classified in .z is not in .z.
func scopeApplies(base, scope string, item ECCN) (applicability, []ECCN) {
	s := strings.ToLower(scope)
	if strings.TrimSpace(s) == "" {
		return maybeCovered, nil
	}
	head, tail, hasExcept := splitExcept(s)
	// An except clause that states a condition ("except those being exported
	// for use in civil telecommunications") is not a paragraph exclusion.
	condExcept := hasExcept && conditionRe.MatchString(tail)
	if strings.Contains(head, "entire entry") {
		if !hasExcept {
			return covered, nil
		}
		ex := paragraphRefs(base, tail)
		if len(ex) == 0 || condExcept {
			return maybeCovered, nil
		}
		var inside []ECCN
		for _, x := range ex {
			if item.Within(x) {
				return notCovered, nil
			}
			if x.Within(item) && !isZ(x, item) {
				inside = append(inside, x)
			}
		}
		// An item classified only to a level above the excluded paragraph
		// is covered: the exclusion is reported so the exporter can check
		// whether the item is in it (conservative: the requirement stands).
		return covered, inside
	}
	refs := paragraphRefs(base, head)
	var excl []ECCN
	if hasExcept && !condExcept {
		excl = paragraphRefs(base, tail)
	}
	for _, x := range excl {
		if item.Within(x) {
			return notCovered, nil
		}
	}
	if len(refs) == 0 {
		return maybeCovered, nil
	}
	cond := conditionRe.MatchString(head) || (hasExcept && len(excl) == 0)
	broader := false
	for _, r := range refs {
		if item.Within(r) {
			if cond {
				return maybeCovered, nil
			}
			return covered, nil
		}
		if r.Within(item) && !isZ(r, item) {
			broader = true
		}
	}
	if broader {
		return maybeCovered, nil
	}
	return notCovered, nil
}

// isZ reports whether ref is a .z paragraph that item does not itself name.
func isZ(ref, item ECCN) bool {
	n := len(item.Paragraph)
	return len(ref.Paragraph) > n && ref.Paragraph[n] == "z"
}

// splitExcept separates an "except ..." clause from the rest of a scope. A
// parenthesised clause ends at its closing parenthesis and the text after
// it stays in the main part.
func splitExcept(s string) (main, clause string, ok bool) {
	i := strings.Index(s, "except")
	if i < 0 {
		return s, "", false
	}
	open, closed := strings.LastIndex(s[:i], "("), strings.LastIndex(s[:i], ")")
	if open > closed {
		if end := strings.Index(s[i:], ")"); end >= 0 {
			return s[:open] + " " + s[i+end+1:], s[i : i+end], true
		}
	}
	return s[:i], s[i:], true
}
